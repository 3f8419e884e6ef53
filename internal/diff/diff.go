// Package diff tells what changed between two readings of the same
// accounts: the verdicts that changed, regressions first, each with the
// changes of evidence that explain it in words, and the other drift that
// changed no verdict. Both sides are judged by the same policies before
// they are compared.
package diff

import (
	"slices"
	"strings"

	"github.com/trailwatch/trailwatch/internal/awsarn"
	"github.com/trailwatch/trailwatch/internal/report"
	"github.com/trailwatch/trailwatch/internal/snapshot"
)

// Side is one reading: the snapshot files, merged, and their verdicts.
type Side struct {
	Names    []string
	Snapshot *snapshot.Snapshot
	Results  []report.Result
}

// Effect says how a verdict changed.
type Effect string

const (
	// Regression: a control now fails where it passed, could not be
	// decided, or was not judged.
	Regression Effect = "regression"
	// Undecided: a control can no longer be decided, or an account is
	// gone.
	Undecided Effect = "undecided"
	// Improvement: a control now passes, or no longer fails.
	Improvement Effect = "improvement"
)

// Verdict is a control whose verdict for an account changed.
type Verdict struct {
	Effect    Effect        `json:"effect"`
	Account   string        `json:"account_id"`
	Control   string        `json:"control_id"`
	Title     string        `json:"title"`
	Old       report.Status `json:"old"`
	New       report.Status `json:"new"`
	OldReason string        `json:"old_reason,omitempty"`
	NewReason string        `json:"new_reason,omitempty"`
	// Causes are the evidence changes that explain the change.
	Causes []Change `json:"causes"`
}

// Missing is the status of a control on a side where its account is not.
const Missing report.Status = "MISSING"

// Diff is what changed between two readings.
type Diff struct {
	Old       []string  `json:"old"`
	New       []string  `json:"new"`
	OldTime   string    `json:"old_collected_at,omitempty"`
	NewTime   string    `json:"new_collected_at,omitempty"`
	Benchmark string    `json:"benchmark,omitempty"`
	Summary   Summary   `json:"summary"`
	Verdicts  []Verdict `json:"verdicts"`
	// Drift is the evidence changes that explain no verdict change.
	Drift []Change `json:"drift"`
}

// Summary counts verdict changes by effect.
type Summary struct {
	Regressions  int `json:"regressions"`
	Undecided    int `json:"undecided"`
	Improvements int `json:"improvements"`
	Drift        int `json:"drift"`
}

// ExitCode is 1 when a verdict got worse, 2 when one can no longer be
// decided (and none got worse), 0 otherwise.
func (d *Diff) ExitCode() int {
	switch {
	case d.Summary.Regressions > 0:
		return 1
	case d.Summary.Undecided > 0:
		return 2
	}
	return 0
}

// Compare tells what changed from old to new.
func Compare(old, new Side) *Diff {
	d := &Diff{Old: old.Names, New: new.Names, OldTime: old.Snapshot.CollectedAt, NewTime: new.Snapshot.CollectedAt, Verdicts: []Verdict{}, Drift: []Change{}}
	changes := evidence(old.Snapshot, new.Snapshot)
	used := make([]bool, len(changes))

	type key struct{ account, control string }
	oldBy, newBy := map[key]report.Result{}, map[key]report.Result{}
	for _, r := range old.Results {
		oldBy[key{r.AccountID, r.ControlID}] = r
	}
	for _, r := range new.Results {
		newBy[key{r.AccountID, r.ControlID}] = r
	}
	var all []key
	for k := range oldBy {
		all = append(all, k)
	}
	for k := range newBy {
		if _, ok := oldBy[k]; !ok {
			all = append(all, k)
		}
	}
	for _, k := range all {
		o, hadOld := oldBy[k]
		n, hasNew := newBy[k]
		os, ns := statusOr(o, hadOld), statusOr(n, hasNew)
		if os == ns {
			continue
		}
		v := Verdict{Account: k.account, Control: k.control, Title: firstNonEmpty(n.Title, o.Title), Old: os, New: ns, OldReason: o.Reason, NewReason: n.Reason, Causes: []Change{}}
		v.Effect = effect(os, ns)
		// What the verdicts were about, and the accounts their evidence
		// lies in: its own, and those an organization trail leads to.
		related := map[string]bool{}
		accounts := map[string]bool{k.account: true}
		for _, r := range append(slices.Clone(o.Resources), n.Resources...) {
			related[r.ID] = true
			if a := awsarn.Account(r.ID); a != "" {
				accounts[a] = true
			}
		}
		for i, c := range changes {
			// A bucket's name is global: a change of a trail's bucket
			// bears on the verdicts about it whichever account read it
			// (a log archive's, say).
			if !accounts[c.Account] && !strings.Contains(c.Resource, ":s3:::") {
				continue
			}
			if related[c.Resource] || accountWide[c.Kind] {
				v.Causes = append(v.Causes, c)
				used[i] = true
			}
		}
		sortChanges(v.Causes)
		d.Verdicts = append(d.Verdicts, v)
		switch v.Effect {
		case Regression:
			d.Summary.Regressions++
		case Undecided:
			d.Summary.Undecided++
		default:
			d.Summary.Improvements++
		}
	}
	slices.SortFunc(d.Verdicts, func(a, b Verdict) int {
		if c := effectRank[a.Effect] - effectRank[b.Effect]; c != 0 {
			return c
		}
		return strings.Compare(a.Account+"\x00"+a.Control, b.Account+"\x00"+b.Control)
	})
	for i, c := range changes {
		if !used[i] {
			d.Drift = append(d.Drift, c)
		}
	}
	sortChanges(d.Drift)
	d.Summary.Drift = len(d.Drift)
	return d
}

// accountWide are changes that bear on every verdict of their account.
var accountWide = map[string]bool{"account_missing": true, "account_added": true, "region_missing": true, "region_added": true, "call_failed": true, "call_recovered": true}

var effectRank = map[Effect]int{Regression: 0, Undecided: 1, Improvement: 2}

func statusOr(r report.Result, ok bool) report.Status {
	if !ok {
		return Missing
	}
	return r.Status
}

// rank orders statuses from better to worse for a gate: a PASS, then a
// waived result, then an ERROR, then a FAIL.
var rank = map[report.Status]int{report.Pass: 0, report.Waived: 1, report.Error: 2, report.Fail: 3}

func effect(old, new report.Status) Effect {
	switch {
	case new == report.Fail:
		return Regression
	case new == report.Error || new == Missing:
		return Undecided
	case old == Missing || rank[new] < rank[old]:
		return Improvement
	}
	return Regression
}

func sortChanges(cs []Change) {
	slices.SortStableFunc(cs, func(a, b Change) int {
		if c := slices.Index(kindOrder, a.Kind) - slices.Index(kindOrder, b.Kind); c != 0 {
			return c
		}
		return strings.Compare(a.Account+a.Region+a.Resource, b.Account+b.Region+b.Resource)
	})
}
