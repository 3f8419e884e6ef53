// Package report owns what trailwatch tells its users: the results of an
// evaluation and their renderings (text for people, JSON for programs,
// SARIF, JUnit, Markdown, ASFF and OCSF for the places verdicts go), each
// behind the Renderer interface.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
)

// Status is a control's verdict for one account.
type Status string

const (
	Pass  Status = "PASS"
	Fail  Status = "FAIL"
	Error Status = "ERROR"
	// Waived is a FAIL (or an ERROR, when the waiver says so) that a
	// waiver accepts until it expires: it keeps its reason and evidence,
	// carries the waiver, and does not fail the gate. Policies never give
	// it; the waiver stage does.
	Waived Status = "WAIVED"
)

// Valid reports whether s is one of the three verdicts a policy gives.
func (s Status) Valid() bool { return s == Pass || s == Fail || s == Error }

// Result is one control's verdict for one account: the JSON report's
// contract (documented in the README).
type Result struct {
	ControlID   string      `json:"control_id"`
	AccountID   string      `json:"account_id"`
	Status      Status      `json:"status"`
	Reason      string      `json:"reason"`
	Title       string      `json:"title"`
	Description string      `json:"description,omitempty"`
	Severity    string      `json:"severity"`
	Frameworks  []Framework `json:"frameworks"`
	// Evidence is the chain a verdict rests on, as the policy gives it
	// (JSON): kept as text, a tenth of the memory of decoded values in an
	// organization of thousands of accounts.
	Evidence    json.RawMessage `json:"evidence,omitempty"`
	Remediation string          `json:"remediation,omitempty"`
	// Resources are what the result is about: the chain of a PASS, the
	// trails judged for a FAIL or an ERROR, or else the account.
	Resources []Resource `json:"resources"`
	// Place is where the snapshot records the first resource (or the
	// account); nil when the snapshot was not read from a file.
	Place *Place `json:"place,omitempty"`
	// Waiver is the waiver that accepts a WAIVED result, or the expired
	// one that no longer accepts a FAIL.
	Waiver *Waiver `json:"waiver,omitempty"`
	// Was is a WAIVED result's status before the waiver: FAIL or ERROR.
	Was Status `json:"was,omitempty"`
	// Fix is a FAIL's fix as steps, kept only when asked for
	// (engine.Selection.Fixes): no report shows it.
	Fix []Step `json:"-"`
}

// Waiver is an accepted exception, as a waivers file gives it.
type Waiver struct {
	Control   string   `json:"control"`
	Accounts  []string `json:"accounts"`
	Regions   []string `json:"regions,omitempty"`
	Resources []string `json:"resources,omitempty"`
	Reason    string   `json:"reason"`
	Owner     string   `json:"owner"`
	// Expires is the last day (UTC, YYYY-MM-DD) the waiver applies.
	Expires  string   `json:"expires"`
	Statuses []Status `json:"statuses"`
	// File and Line are where the waiver is written.
	File string `json:"file"`
	Line int    `json:"line"`
}

// Waivers says how the waivers of a run stand: those that expire soon and
// those that accepted nothing. Neither changes the exit code.
type Waivers struct {
	// Today is the date the waivers were judged on.
	Today    string   `json:"today"`
	Expiring []Waiver `json:"expiring_soon"`
	Expired  []Waiver `json:"expired"`
	Unused   []Waiver `json:"unused"`
}

// Resource is an AWS resource a result is about.
type Resource struct {
	// Type is the resource's CloudFormation type: AWS::CloudTrail::Trail,
	// AWS::Logs::LogGroup, AWS::Logs::MetricFilter, AWS::CloudWatch::Alarm,
	// AWS::SNS::Topic, or AWS::::Account.
	Type string `json:"type"`
	// ID is the resource's ARN; an account's id; for a metric filter, which
	// has no ARN, its log group's ARN and ":metric-filter:" and its name.
	ID     string `json:"id"`
	Name   string `json:"name,omitempty"`
	Region string `json:"region,omitempty"`
}

// AccountResource is the resource of a result about an account as a whole.
func AccountResource(account string) Resource {
	return Resource{Type: AccountType, ID: account, Name: account}
}

// AccountType is the type of an account as a resource.
const AccountType = "AWS::::Account"

// Place is a line of a snapshot file.
type Place struct {
	File string `json:"file"`
	Line int    `json:"line"`
}

// Skipped is an account of the organization that was not read.
type Skipped struct {
	AccountID string `json:"account_id"`
	Name      string `json:"name,omitempty"`
	State     string `json:"state,omitempty"`
	Reason    string `json:"reason"`
}

// Control is what a report says of a control that ran, whatever its
// results: its METADATA.
type Control struct {
	ID          string      `json:"id"`
	Title       string      `json:"title"`
	Description string      `json:"description,omitempty"`
	Severity    string      `json:"severity"`
	Frameworks  []Framework `json:"frameworks"`
	Remediation string      `json:"remediation,omitempty"`
}

// Framework is a place a control appears in a compliance framework.
type Framework struct {
	Name     string   `json:"name"`               // "CIS AWS Foundations Benchmark"
	Versions []string `json:"versions,omitempty"` // "v1.4.0", ...; empty when the id does not depend on it
	ID       string   `json:"id"`                 // "4.5"
}

func (f Framework) String() string {
	if len(f.Versions) == 0 {
		return f.Name + " " + f.ID
	}
	return fmt.Sprintf("%s %s (%s)", f.Name, f.ID, strings.Join(f.Versions, ", "))
}

// Report is the outcome of one evaluate run.
type Report struct {
	Tool      string   `json:"tool"`
	Version   string   `json:"version"`
	Snapshots []string `json:"snapshots"`
	// CollectedAt is when the evidence was read: the latest collected_at
	// of the snapshots (RFC 3339); empty when none says.
	CollectedAt string `json:"collected_at,omitempty"`
	// Benchmark is the version of the benchmark the controls were judged
	// by, and BenchmarkName the benchmark, as the policies name it
	// ("CIS AWS Foundations Benchmark"): frameworks are the policies' data.
	Benchmark     string `json:"benchmark,omitempty"`
	BenchmarkName string `json:"benchmark_name,omitempty"`
	// Strict says Security Hub\'s textual reading was applied as well.
	Strict bool `json:"strict,omitempty"`
	// Controls are the controls that ran, sorted by id.
	Controls []Control `json:"controls"`
	Summary  Summary   `json:"summary"`
	// Waivers is how the waivers stand; nil when none were given.
	Waivers *Waivers `json:"waivers,omitempty"`
	// Skipped are accounts of the organization collect did not read (a
	// suspended one), and why: never judged, never dropped in silence.
	Skipped []Skipped `json:"skipped_accounts,omitempty"`
	Results []Result  `json:"results"`
}

// Summary counts results by status.
type Summary struct {
	Pass   int `json:"pass"`
	Fail   int `json:"fail"`
	Error  int `json:"error"`
	Waived int `json:"waived,omitempty"`
}

// New builds a report of results, which it sorts in place by control then
// account (an organization's results are too many to copy).
func New(tool, version string, snapshots []string, results []Result) *Report {
	r := &Report{Tool: tool, Version: version, Snapshots: slices.Clone(snapshots), Results: results}
	if r.Snapshots == nil {
		r.Snapshots = []string{}
	}
	if r.Results == nil {
		r.Results = []Result{}
	}
	r.Controls = []Control{}
	sortResults(r.Results)
	r.Count()
	return r
}

// sortResults puts results in order of control, then account, keeping the
// order of those with both alike. It orders indexes and then moves each
// result once, in place: a stable sort of the results themselves moved an
// organization's 210,000 results, of some 250 bytes each, many times over
// (0.56 s of 0.65 s building a report of 10,000 accounts).
func sortResults(results []Result) {
	order := orderBy(results, func(r *Result) string { return r.ControlID }, func(r *Result) string { return r.AccountID })
	// Position j takes the result at order[j]: follow each cycle of the
	// permutation once, in place.
	for i := range order {
		if order[i] < 0 {
			continue
		}
		held, j := results[i], i
		for {
			k := int(order[j])
			order[j] = -1
			if k == i {
				results[j] = held
				break
			}
			results[j] = results[k]
			j = k
		}
	}
}

// Count sets the summary from the results.
func (r *Report) Count() {
	r.Summary = Summary{}
	for _, res := range r.Results {
		switch res.Status {
		case Pass:
			r.Summary.Pass++
		case Fail:
			r.Summary.Fail++
		case Waived:
			r.Summary.Waived++
		default:
			r.Summary.Error++
		}
	}
}

// orderBy is the order of results (their indexes) by one key, then
// another, keeping the order of those alike in both. The indexes are
// gathered by the first key, in their order, and those of each first key
// sorted by the second only if they are not in order already: evaluate
// gives results by account then control, and the report keeps them by
// control then account, so either order is the other gathered again, in
// time in proportion to the results.
func orderBy(results []Result, first, then func(*Result) string) []int32 {
	groups := map[string][]int32{}
	for i := range results {
		k := first(&results[i])
		groups[k] = append(groups[k], int32(i))
	}
	byThen := func(a, b int32) int { return strings.Compare(then(&results[a]), then(&results[b])) }
	order := make([]int32, 0, len(results))
	for _, k := range slices.Sorted(maps.Keys(groups)) {
		g := groups[k]
		if !slices.IsSortedFunc(g, byThen) {
			slices.SortStableFunc(g, byThen)
		}
		order = append(order, g...)
	}
	return order
}

// ControlList is the controls of the report: those that ran, and any
// that results name beside them (a report built from results alone).
func (r *Report) ControlList() []Control {
	out := slices.Clone(r.Controls)
	for _, res := range r.Results {
		if !slices.ContainsFunc(out, func(c Control) bool { return c.ID == res.ControlID }) {
			out = append(out, Control{ID: res.ControlID, Title: res.Title, Description: res.Description, Severity: res.Severity, Frameworks: res.Frameworks})
		}
	}
	slices.SortFunc(out, func(a, b Control) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// controlsByID is ControlList by control id.
func (r *Report) controlsByID() map[string]Control {
	m := map[string]Control{}
	for _, c := range r.ControlList() {
		m[c.ID] = c
	}
	return m
}

// ExitCode is what a CI gate needs: 0 when every control passed, 1 when at
// least one failed, 2 when nothing failed but something could not be
// decided (an ERROR, or no result at all).
func (r *Report) ExitCode() int {
	switch {
	case r.Summary.Fail > 0:
		return 1
	case r.Summary.Error > 0 || len(r.Results) == 0 || !r.Decided():
		return 2
	}
	return 0
}

// Decided reports whether the run decided anything: some result was PASS
// or FAIL before waivers. A run in which every control was ERROR (every
// role assumption refused, say) exits 2 whatever the waivers accept.
func (r *Report) Decided() bool {
	for _, res := range r.Results {
		if res.Status == Pass || res.Status == Fail || res.Status == Waived && res.Was == Fail {
			return true
		}
	}
	return false
}

// Renderer writes a report in one format.
type Renderer interface {
	Render(w io.Writer, r *Report) error
}

// Needs is what a renderer reads of each result beyond its verdict,
// reason and resources: an evaluation that renders only with renderers
// that need neither need not keep them (an organization's results are
// most of the memory a run takes).
type Needs struct {
	Evidence    bool
	Remediation bool
}

// NeedsOf is what a renderer needs: what its Needs method says, or
// everything.
func NeedsOf(r Renderer) Needs {
	if n, ok := r.(interface{ Needs() Needs }); ok {
		return n.Needs()
	}
	return Needs{Evidence: true, Remediation: true}
}

// Needs: the text report shows evidence and remediation only when
// verbose.
func (t Text) Needs() Needs { return Needs{Evidence: t.Verbose, Remediation: t.Verbose} }

// Needs: SARIF shows the remediation, not the evidence.
func (SARIF) Needs() Needs { return Needs{Remediation: true} }

// Needs: JUnit shows the remediation, not the evidence.
func (JUnit) Needs() Needs { return Needs{Remediation: true} }

// Needs: Markdown shows the remediation, not the evidence.
func (Markdown) Needs() Needs { return Needs{Remediation: true} }

// Needs: ASFF carries the remediation, not the evidence.
func (ASFF) Needs() Needs { return Needs{Remediation: true} }

// Needs: OCSF carries the remediation, not the evidence.
func (OCSF) Needs() Needs { return Needs{Remediation: true} }

// Options shape how a renderer writes.
type Options struct {
	// Verbose adds each result's evidence and remediation (text).
	Verbose bool
	// Region is where ASFF findings are imported (their ProductArn).
	Region string
}

// formats is the registry of renderers, by the name --format takes.
var formats = map[string]func(Options) Renderer{
	"text":     func(o Options) Renderer { return Text{Verbose: o.Verbose} },
	"json":     func(Options) Renderer { return JSON{} },
	"sarif":    func(Options) Renderer { return SARIF{} },
	"junit":    func(Options) Renderer { return JUnit{} },
	"markdown": func(Options) Renderer { return Markdown{} },
	"asff":     func(o Options) Renderer { return ASFF{Region: o.Region} },
	"ocsf":     func(Options) Renderer { return OCSF{} },
	"html":     func(Options) Renderer { return HTML{} },
}

// Formats lists the format names, sorted, for help texts and errors.
func Formats() []string {
	names := make([]string, 0, len(formats))
	for n := range formats {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// NewRenderer returns the renderer for a format name.
func NewRenderer(format string, opts Options) (Renderer, error) {
	if format == "" {
		format = "text"
	}
	if f, ok := formats[format]; ok {
		return f(opts), nil
	}
	return nil, fmt.Errorf("unknown format %q; use one of %s", format, strings.Join(Formats(), ", "))
}
