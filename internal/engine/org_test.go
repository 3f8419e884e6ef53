package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/trailwatch/trailwatch/internal/report"
	"github.com/trailwatch/trailwatch/internal/snapshot"
	"github.com/trailwatch/trailwatch/internal/synth"
)

// Judging an organization with per-account inputs, in parallel, and once
// per set of accounts whose evidence is the same up to their id gives the
// verdicts judging each account alone with the whole organization as
// input would: the same results, byte for byte, in the same order.
func TestOrganizationReuseAndParallel(t *testing.T) {
	org, err := synth.Organization(synth.Options{Accounts: 6, Regions: 1, Seed: 3, BrokenEvery: 2})
	if err != nil {
		t.Fatal(err)
	}
	p, err := Load(Options{})
	if err != nil {
		t.Fatal(err)
	}
	render := func(sel Selection) []byte {
		ev, err := p.Prepare(context.Background(), sel)
		if err != nil {
			t.Fatal(err)
		}
		res, err := ev.Evaluate(context.Background(), org)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.MarshalIndent(res, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	want := render(Selection{NoReuse: true, Parallel: 1})
	for _, sel := range []Selection{{Parallel: 1}, {Parallel: 4}} {
		if got := render(sel); !bytes.Equal(got, want) {
			t.Errorf("%+v: results differ from judging every account on its own", sel)
		}
	}
	// Letting go of evidence as it goes changes nothing either, with or
	// without reuse (what evaluate does).
	data, err := org.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	for _, sel := range []Selection{{Parallel: 4}, {Parallel: 4, NoReuse: true}} {
		fresh, err := snapshot.Decode("org.json", data)
		if err != nil {
			t.Fatal(err)
		}
		ev, err := p.Prepare(context.Background(), sel)
		if err != nil {
			t.Fatal(err)
		}
		res, err := ev.EvaluateAndRelease(context.Background(), fresh)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := json.MarshalIndent(res, "", " ")
		if !bytes.Equal(got, want) || len(fresh.Accounts) != 0 {
			t.Errorf("EvaluateAndRelease %+v: results differ, or the snapshot still holds %d accounts", sel, len(fresh.Accounts))
		}
	}

	// A reused account's fixes are its own, as if judged alone (the
	// steps name its resources, as its reason does).
	fixes := func(sel Selection) [][]report.Step {
		ev, err := p.Prepare(context.Background(), sel)
		if err != nil {
			t.Fatal(err)
		}
		res, err := ev.Evaluate(context.Background(), org)
		if err != nil {
			t.Fatal(err)
		}
		var out [][]report.Step
		for _, r := range res {
			out = append(out, r.Fix)
		}
		return out
	}
	reused, alone := fixes(Selection{Fixes: true}), fixes(Selection{Fixes: true, NoReuse: true})
	if !reflect.DeepEqual(reused, alone) {
		t.Error("the fixes of reused accounts differ from judging each account on its own")
	}
	if slices.IndexFunc(reused, func(f []report.Step) bool { return len(f) > 0 }) < 0 {
		t.Error("no result has a fix to compare")
	}

	// The same against the whole organization as every account's input,
	// as evaluation was before inputs of their own.
	ev, err := p.Prepare(context.Background(), Selection{})
	if err != nil {
		t.Fatal(err)
	}
	var whole []report.Result
	for _, a := range org.Accounts {
		input, err := wholeInput(org, a.AccountID, ev.Benchmark())
		if err != nil {
			t.Fatal(err)
		}
		res, err := ev.evalAccount(context.Background(), input, a.AccountID)
		if err != nil {
			t.Fatal(err)
		}
		whole = append(whole, res...)
	}
	b, err := json.MarshalIndent(whole, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, want) {
		t.Error("results differ from judging each account against the whole organization")
	}
}

// wholeInput is an account's input as it was before inputs of their own:
// the whole snapshot, the account's id and the benchmark.
func wholeInput(s *snapshot.Snapshot, id, benchmark string) (ast.Object, error) {
	v, err := toValue(s)
	if err != nil {
		return nil, err
	}
	in := v.(ast.Object)
	in.Insert(ast.StringTerm("account_id"), ast.StringTerm(id))
	in.Insert(ast.StringTerm("benchmark"), ast.StringTerm(benchmark))
	return in, nil
}

// Results keep only what the reports need (Selection.Keep): without
// evidence and remediation they say the same verdicts and reasons, and
// evaluation lets go of every account's evidence once it is judged.
func TestKeepOnlyWhatReportsNeed(t *testing.T) {
	org, err := synth.Organization(synth.Options{Accounts: 5, Regions: 1, Seed: 9, BrokenEvery: 2, Distinct: true})
	if err != nil {
		t.Fatal(err)
	}
	p, err := Load(Options{})
	if err != nil {
		t.Fatal(err)
	}
	full, err := p.Prepare(context.Background(), Selection{})
	if err != nil {
		t.Fatal(err)
	}
	want, err := full.Evaluate(context.Background(), org)
	if err != nil {
		t.Fatal(err)
	}
	lean, err := p.Prepare(context.Background(), Selection{Keep: &report.Needs{}})
	if err != nil {
		t.Fatal(err)
	}
	data, err := org.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := snapshot.Decode("org.json", data)
	if err != nil {
		t.Fatal(err)
	}
	got, err := lean.EvaluateAndRelease(context.Background(), fresh)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d results, want %d", len(got), len(want))
	}
	evidence, remediation := 0, 0
	for i := range want {
		g, w := got[i], want[i]
		if g.Evidence != nil || g.Remediation != "" {
			t.Errorf("%s %s kept evidence or remediation", g.AccountID, g.ControlID)
		}
		if len(w.Evidence) > 0 {
			evidence++
		}
		if w.Remediation != "" {
			remediation++
		}
		w.Evidence, w.Remediation = nil, ""
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%s %s: %+v, want %+v", g.AccountID, g.ControlID, g, w)
		}
	}
	if evidence == 0 || remediation == 0 {
		t.Error("the full results have no evidence or remediation to leave out")
	}
	if len(fresh.Accounts) != 0 {
		t.Error("the snapshot still holds its accounts")
	}
}
