package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/trailwatch/trailwatch/internal/report"
	"github.com/trailwatch/trailwatch/internal/synth"
)

// A function memoized for the run may work something out in an input of
// its own, made of its arguments: it reads none of the input it is called
// with. (Making that input of input, or reading input besides, is refused:
// TestPolicyErrors.)
func TestOwnInputMayBeMemoized(t *testing.T) {
	dir := policyDir(t, probeHeader+`
# METADATA
# custom:
#   memoize: run
f(x) := y if {
	y := g(x) with input as {"a": x, "account_id": "nobody"}
}

g(x) := sprintf("%v %v", [input.a, input.account_id])

result := {"control_id": "probe", "account_id": input.account_id, "status": "PASS", "reason": f(input.account_id)}
`)
	p, err := Load(Options{PolicyDirs: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(p.memoized, func(r ast.Ref) bool { return strings.HasSuffix(r.String(), ".f") }) {
		t.Fatalf("f is not memoized: %v", p.memoized)
	}
	org, err := synth.Organization(synth.Options{Accounts: 2, Regions: 1, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := judgeOrganization(t, p, org, Selection{NoReuse: true})
	for _, a := range org.Accounts {
		if !bytes.Contains(b, []byte(fmt.Sprintf(`"reason": "%s nobody"`, a.AccountID))) {
			t.Errorf("account %s: the memoized function did not read its own input:\n%s", a.AccountID, b)
		}
	}
}

// The path through a trail read from another account's record, and why
// its log group has no filter for a control, are worked out once for
// every account whose input holds the same records of other accounts, in
// the input without the judged account (input.others). That gives what
// the full input gives because path_through and filter_break, and all
// they depend on, read the input only where these rules do: accounts by
// id, when the evidence was read, the settings; and filters.scope, the
// judged account's id, but only for a pattern that could tell accounts
// apart (filter_break is not shared when one of the log group's could).
func TestSharedPathsReadNoJudgedAccount(t *testing.T) {
	for _, root := range []string{"data.lib.monitoring.paths.path_through", "data.lib.monitoring.paths.filter_break"} {
		t.Run(root, func(t *testing.T) { readsOnlyOthers(t, root) })
	}
}

func readsOnlyOthers(t *testing.T, root string) {
	p, err := Load(Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := p.compiler
	allowed := map[string][]string{
		"data.lib.core.account":                 {"input.accounts"},
		"data.lib.core.collected_at":            {"input.collected_at"},
		"data.lib.core.texts_read":              {"input.needs", "input.needs.remediation", "input.needs.evidence"},
		"data.lib.monitoring.records.benchmark": {"input"},
		"data.lib.monitoring.strict.strict":     {"input"},
		"data.lib.monitoring.filters.scope":     {"input.account_id"},
	}
	roots := c.GetRulesExact(ast.MustParseRef(root))
	if len(roots) == 0 {
		t.Fatalf("no rule %s", root)
	}
	seen := map[*ast.Rule]bool{}
	queue := slices.Clone(roots)
	reads := map[string]bool{}
	for len(queue) > 0 {
		r := queue[0]
		queue = queue[1:]
		for ; r != nil; r = r.Else {
			if seen[r] {
				continue
			}
			seen[r] = true
			path := r.Ref().GroundPrefix().String()
			ast.WalkRefs(r, func(ref ast.Ref) bool {
				if !ref.HasPrefix(ast.InputRootRef) {
					return false
				}
				at := ref.GroundPrefix().String()
				reads[path+" "+at] = true
				if !slices.Contains(allowed[path], at) {
					t.Errorf("%s (%s) reads %s: without the judged account it could read otherwise", path, location(r.Location), at)
				}
				return false
			})
			for dep := range c.Graph.Dependencies(r) {
				queue = append(queue, dep.(*ast.Rule))
			}
		}
	}
	if !reads["data.lib.core.account input.accounts"] || len(seen) < 10 {
		t.Errorf("the walk reached %d rules and saw reads %v: want core.account's among many", len(seen), reads)
	}
}

// Judged with the paths of an organization trail shared (input.others),
// every account of an organization of every kind of break gets what it
// gets when each path is worked out in its own input; and where the
// owner's records name a member, that member's input offers no others.
func TestSharedPathsAsJudgedAlone(t *testing.T) {
	org, err := synth.Organization(synth.Options{Accounts: len(synth.Breaks) + 4, Regions: 2, Seed: 8, BrokenEvery: 1, Distinct: true})
	if err != nil {
		t.Fatal(err)
	}
	// The owner's records name the last member: its trail's bucket
	// policy, say, would.
	named := org.Accounts[len(org.Accounts)-1].AccountID
	owner := &org.Accounts[0]
	owner.Regions[0].Topics[0].Attributes["DisplayName"] = "alerts for " + named
	// And the organization trail's filter for CloudTrail's changes
	// catches StopLogging only in accounts whose id begins with 2: what
	// it misses is each account's own, so why the log group has no
	// filter for the control is not shared.
	changed := 0
	for i := range owner.Regions[0].LogGroups {
		for j, f := range owner.Regions[0].LogGroups[i].MetricFilters {
			if owner.Regions[0].LogGroups[i].LogGroupName == "aws-controltower/CloudTrailLogs" && strings.Contains(f.FilterPattern, "StopLogging") {
				owner.Regions[0].LogGroups[i].MetricFilters[j].FilterPattern = `{ ($.eventName = "StopLogging") && ($.recipientAccountId = "2*") }`
				changed++
			}
		}
	}
	if changed != 1 {
		t.Fatalf("changed %d filters of the organization trail's log group", changed)
	}
	p, err := Load(Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, keep := range []report.Needs{{}, {Evidence: true, Remediation: true}} {
		ev, err := p.Prepare(context.Background(), Selection{Keep: &keep, NoReuse: true, Fixes: true})
		if err != nil {
			t.Fatal(err)
		}
		plan, err := ev.plan(context.Background(), org, false)
		if err != nil {
			t.Fatal(err)
		}
		parts := newPartCache()
		offered := 0
		for i, a := range org.Accounts {
			input, err := ev.input(plan, i, parts)
			if err != nil {
				t.Fatal(err)
			}
			shared, err := ev.evalAccount(context.Background(), input, a.AccountID)
			if err != nil {
				t.Fatal(err)
			}
			alone := ast.NewObject()
			input.Foreach(func(k, v *ast.Term) {
				if k.Value.Compare(ast.String("others")) != 0 {
					alone.Insert(k, v)
				} else {
					offered++
				}
			})
			if input.Get(ast.StringTerm("others")) != nil && (a.AccountID == named || i == 0) {
				t.Errorf("account %s: others offered, though they name it or it has none", a.AccountID)
			}
			apart, err := ev.evalAccount(context.Background(), alone, a.AccountID)
			if err != nil {
				t.Fatal(err)
			}
			x, _ := json.Marshal(shared)
			y, _ := json.Marshal(apart)
			if !bytes.Equal(x, y) {
				t.Errorf("account %s: results with shared paths differ from paths worked out in its own input:\n%s\n%s", a.AccountID, x, y)
			}
		}
		// All but the owner, the member it names and the member whose
		// role could not be assumed (its input holds no other account).
		if offered != len(org.Accounts)-3 {
			t.Errorf("others offered to %d of %d accounts", offered, len(org.Accounts))
		}
	}
}
