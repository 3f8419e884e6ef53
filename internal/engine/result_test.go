package engine

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"testing"

	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/trailwatch/trailwatch/internal/report"
	"github.com/trailwatch/trailwatch/internal/synth"
)

// A result object is read directly, not written as JSON text and read
// back, when that gives the same: every answer the built-in policies give
// for a varied organization is read directly and as encoding/json reads
// its text; and answers changed in every way a contributor's policy could
// (a member of another type, null, text that is not UTF-8, a member of
// another name or case) are read as encoding/json reads them, or refused
// with its error.
func TestDecodeResultAsJSON(t *testing.T) {
	org, err := synth.Organization(synth.Options{Accounts: 12, Regions: 2, Seed: 4, BrokenEvery: 1, Distinct: true})
	if err != nil {
		t.Fatal(err)
	}
	p, err := Load(Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var answers []map[string]any
	for _, keep := range []report.Needs{{}, {Evidence: true, Remediation: true}} {
		ev, err := p.Prepare(ctx, Selection{Keep: &keep, Fixes: true})
		if err != nil {
			t.Fatal(err)
		}
		plan, err := ev.plan(ctx, org, false)
		if err != nil {
			t.Fatal(err)
		}
		parts := newPartCache()
		for i := range org.Accounts {
			input, err := ev.input(plan, i, parts)
			if err != nil {
				t.Fatal(err)
			}
			rs, err := ev.query.Eval(ctx, rego.EvalParsedInput(input))
			if err != nil {
				t.Fatal(err)
			}
			for _, answer := range rs[0].Bindings["results"].(map[string]any) {
				answers = append(answers, answer.([]any)[0].(map[string]any))
			}
		}
	}
	statuses := map[report.Status]bool{}
	for _, keepEvidence := range []bool{false, true} {
		ev := &Evaluator{keep: report.Needs{Evidence: keepEvidence}}
		for _, answer := range answers {
			r, fix, ok := ev.decodeDirect(answer)
			if !ok {
				t.Fatalf("a built-in policy's answer is not read directly: %v", answer)
			}
			statuses[r.Status] = true
			sameAsJSON(t, ev, answer, r, fix, nil)
		}
	}
	if len(statuses) != 3 {
		t.Errorf("the answers read hold statuses %v; want PASS, FAIL and ERROR", statuses)
	}

	// Answers changed: each member of a few answers in turn.
	strange := []any{nil, 5.0, true, "\xffnot utf-8", []any{"x", 1.0}, map[string]any{"name": 1.0}, []any{map[string]any{"type": "t", "id": "i", "Name": "n"}}}
	ev := &Evaluator{keep: report.Needs{Evidence: true}}
	refused := 0
	for _, answer := range answers[:min(len(answers), 40)] {
		for _, key := range append(slices.Sorted(maps.Keys(answer)), "Status", "waiver", "fix") {
			for _, v := range strange {
				changed := maps.Clone(answer)
				changed[key] = v
				r, fix, err := ev.decodeResult(changed)
				sameAsJSON(t, ev, changed, r, fix, err)
				if err != nil {
					refused++
				}
			}
		}
	}
	if refused == 0 {
		t.Error("no changed answer was refused")
	}
}

// sameAsJSON checks a result read from an answer against what
// encoding/json reads from its text.
func sameAsJSON(t *testing.T, ev *Evaluator, answer any, r report.Result, fix []report.Step, err error) {
	t.Helper()
	var want struct {
		report.Result
		Fix []report.Step `json:"fix"`
	}
	wantErr := toJSON(answer, &want)
	if !ev.keep.Evidence {
		want.Evidence, r.Evidence = nil, nil
	}
	if fmt.Sprint(err) != fmt.Sprint(wantErr) {
		t.Fatalf("answer %v: error %v; encoding/json says %v", answer, err, wantErr)
	}
	if wantErr == nil && (!reflect.DeepEqual(r, want.Result) || !reflect.DeepEqual(fix, want.Fix)) {
		t.Fatalf("answer %v read as\n%#v %#v\nencoding/json reads\n%#v %#v", answer, r, fix, want.Result, want.Fix)
	}
}
