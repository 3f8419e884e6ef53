package synth_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/trailwatch/trailwatch/internal/engine"
	"github.com/trailwatch/trailwatch/internal/report"
	"github.com/trailwatch/trailwatch/internal/snapshot"
	"github.com/trailwatch/trailwatch/internal/synth"
)

// An organization is the same for the same seed, reads back as a valid
// snapshot, and judges as designed: unbroken members pass every control
// (through their own trail, and the organization's for its controls); each
// kind of break fails or errs a control of the account that has it.
func TestSynthesizedOrganization(t *testing.T) {
	o := synth.Options{Accounts: 2 + 10*len(synth.Breaks), Regions: 3, Seed: 7}
	s, err := synth.Organization(o)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := synth.Organization(o)
	a, _ := s.Marshal()
	b, _ := again.Marshal()
	if !bytes.Equal(a, b) {
		t.Fatal("the same options made two organizations")
	}
	if _, err := snapshot.Decode("synth.json", a); err != nil {
		t.Fatalf("not a valid snapshot: %v", err)
	}
	p, err := engine.Load(engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ev, err := p.Prepare(context.Background(), engine.Selection{})
	if err != nil {
		t.Fatal(err)
	}
	results, err := ev.Evaluate(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	worst := map[string]report.Status{}
	for _, r := range results {
		if r.Status != report.Pass && worst[r.AccountID] != report.Fail {
			worst[r.AccountID] = r.Status
		}
	}
	broken := 0
	for i, acc := range s.Accounts {
		_ = i
		w, bad := worst[acc.AccountID]
		if acc.AccountID == synth.Management {
			if bad {
				t.Errorf("the management account: %s", w)
			}
			continue
		}
		if bad {
			broken++
		}
	}
	if want := (o.Accounts - 1) / 10; broken != want {
		t.Errorf("%d members with a control not passing, want %d (one in ten)", broken, want)
		for _, r := range results {
			if r.Status != report.Pass {
				t.Logf("%s %s %s: %s", r.AccountID, r.ControlID, r.Status, r.Reason)
				break
			}
		}
	}
}
