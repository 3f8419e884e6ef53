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
//
// A distinct organization judges the same, account for account: names of
// their own change no verdict.
func TestSynthesizedOrganization(t *testing.T) {
	var verdicts [2][]report.Status
	for k, distinct := range []bool{false, true} {
		verdicts[k] = judgeOrganization(t, synth.Options{Accounts: 2 + 10*len(synth.Breaks), Regions: 3, Seed: 7, Distinct: distinct})
	}
	if len(verdicts[0]) != len(verdicts[1]) {
		t.Fatalf("%d results alike, %d distinct", len(verdicts[0]), len(verdicts[1]))
	}
	for i := range verdicts[0] {
		if verdicts[0][i] != verdicts[1][i] {
			t.Errorf("result %d: %s alike, %s distinct", i, verdicts[0][i], verdicts[1][i])
		}
	}
}

// judgeOrganization makes an organization, checks it as
// TestSynthesizedOrganization says and gives its results' statuses.
func judgeOrganization(t *testing.T, o synth.Options) []report.Status {
	t.Helper()
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
	for _, acc := range s.Accounts {
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
	if o.Distinct {
		// Names of their own: no two members share a trail, log group or
		// topic name.
		seen := map[string]string{}
		for _, acc := range s.Accounts {
			for _, r := range acc.Regions {
				for _, lg := range r.LogGroups {
					if other, ok := seen[lg.LogGroupName]; ok && other != acc.AccountID {
						t.Errorf("log group %s in %s and %s", lg.LogGroupName, other, acc.AccountID)
					}
					seen[lg.LogGroupName] = acc.AccountID
				}
			}
		}
	}
	var statuses []report.Status
	for _, r := range results {
		statuses = append(statuses, r.Status)
	}
	return statuses
}
