package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"maps"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
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
		b, _ := judgeOrganization(t, p, org, sel)
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
		if got, left := judgeReleasing(t, p, data, sel); !bytes.Equal(got, want) || left != 0 {
			t.Errorf("EvaluateAndRelease %+v: results differ, or the snapshot still holds %d accounts", sel, left)
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

// Accounts whose things carry names of their own (a distinct organization)
// share judgements as accounts alike up to their id do, and get the
// verdicts, reasons, fixes and evidence judging each alone gives, byte for
// byte: one member in three broken, every kind of break at least once,
// and classes whose accounts' names differ and sort differently against
// the organization trail's.
func TestDistinctOrganizationReuse(t *testing.T) {
	p, err := Load(Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range []synth.Options{
		{Accounts: 40, Regions: 1, Seed: 17, BrokenEvery: 3, Distinct: true},
	} {
		org, err := synth.Organization(o)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := judgeOrganization(t, p, org, Selection{NoReuse: true, Fixes: true})
		got, ev := judgeOrganization(t, p, org, Selection{Fixes: true})
		if !bytes.Equal(got, want) {
			t.Errorf("seed %d: results differ from judging every account on its own", o.Seed)
			a, b := string(got), string(want)
			for i := range min(len(a), len(b)) {
				if a[i] != b[i] {
					t.Logf("first difference at byte %d:\nreused: %s\nalone:  %s", i, a[max(0, i-300):min(len(a), i+200)], b[max(0, i-300):min(len(b), i+200)])
					break
				}
			}
		}
		// Accounts share judgements though every one names its things its
		// own way.
		n, all := ev.judged.Load(), int64(len(org.Accounts))
		if n*3 > all*2 {
			t.Errorf("seed %d: %d of %d accounts judged: names kept accounts apart", o.Seed, n, all)
		}
		t.Logf("seed %d: %d of %d accounts judged", o.Seed, n, all)

		// As evaluate does it, letting go of each account's text as soon
		// as another stands for it.
		data, err := org.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		released, _ := judgeReleasing(t, p, data, Selection{Fixes: true})
		if kept, _ := judgeOrganization(t, p, decoded(t, data), Selection{Fixes: true}); !bytes.Equal(released, kept) {
			t.Errorf("seed %d: EvaluateAndRelease differs from Evaluate", o.Seed)
		}
	}
}

// A name is replaced only where nothing could read part of it: a topic
// policy that grants by a prefix of the topic's name, a trail named as a
// string the policies hold, a name another account's evidence holds. With
// such accounts mixed in, reuse still gives what judging each account
// alone gives, byte for byte, and those accounts keep their names.
func TestNamesOnlyWhereNothingElseReadsThem(t *testing.T) {
	org, err := synth.Organization(synth.Options{Accounts: 17, Regions: 1, Seed: 13, BrokenEvery: 4, Distinct: true})
	if err != nil {
		t.Fatal(err)
	}
	p, err := Load(Options{})
	if err != nil {
		t.Fatal(err)
	}
	// A string the policies hold, shaped as a name.
	var constants []string
	for _, m := range p.compiler.Modules {
		ast.WalkTerms(m, func(x *ast.Term) bool {
			if s, ok := x.Value.(ast.String); ok && len(s) >= 8 && isSafeName(string(s)) && !strings.ContainsAny(string(s), "./") {
				constants = append(constants, string(s))
			}
			return false
		})
	}
	if len(constants) == 0 {
		t.Fatal("no policy string to name a trail after")
	}
	constant := slices.Min(constants)
	mgmtTrail := org.Accounts[0].Regions[0].Trails[0].Name
	kinds := map[string]int{}
	for i := 1; i < len(org.Accounts); i++ {
		a := &org.Accounts[i]
		r := &a.Regions[0]
		switch i % 4 {
		case 1: // CloudWatch may publish only to topics whose name begins with "p"
			for k := range r.Topics {
				tp := &r.Topics[k]
				arn := tp.TopicArn
				tp.Attributes["Policy"] = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"cloudwatch.amazonaws.com"},"Action":"sns:Publish","Resource":"` +
					arn[:strings.LastIndex(arn, ":")+1] + `p*"}]}`
			}
			kinds["prefix policy"]++
		case 2: // the trail is named as a string of the policies
			for k := range r.Trails {
				if tr := &r.Trails[k]; strings.Contains(tr.TrailARN, a.AccountID) {
					old := tr.Name
					tr.Name, tr.TrailARN = constant, strings.Replace(tr.TrailARN, "trail/"+old, "trail/"+constant, 1)
				}
			}
			kinds["policy string"]++
		case 3: // the trail is named as the management account's
			for k := range r.Trails {
				if tr := &r.Trails[k]; strings.Contains(tr.TrailARN, a.AccountID) {
					old := tr.Name
					tr.Name, tr.TrailARN = mgmtTrail, strings.Replace(tr.TrailARN, "trail/"+old, "trail/"+mgmtTrail, 1)
				}
			}
			kinds["another account's name"]++
		}
	}
	want, _ := judgeOrganization(t, p, org, Selection{NoReuse: true, Fixes: true})
	got, ev := judgeOrganization(t, p, org, Selection{Fixes: true})
	if !bytes.Equal(got, want) {
		t.Error("results differ from judging every account on its own")
	}
	if ev.judged.Load() >= int64(len(org.Accounts)) {
		t.Error("no account shared a judgement")
	}
	plan, err := ev.plan(context.Background(), org, false)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(org.Accounts); i++ {
		a := &org.Accounts[i]
		nm := plan.names[i].real
		switch i % 4 {
		case 1:
			if len(nm) > 0 {
				t.Errorf("account %s: a prefix in its topic's policy, yet names %v replaced", a.AccountID, nm)
			}
		case 2:
			if slices.Contains(nm, constant) {
				t.Errorf("account %s: trail %q, a policy string, replaced", a.AccountID, constant)
			}
		case 3:
			if slices.Contains(nm, mgmtTrail) {
				t.Errorf("account %s: trail %q, the management account's name, replaced", a.AccountID, mgmtTrail)
			}
		case 0:
			if len(nm) == 0 {
				t.Errorf("account %s: no name replaced", a.AccountID)
			}
		}
	}
	t.Logf("%d of %d accounts judged; %v; a trail named %q", ev.judged.Load(), len(org.Accounts), kinds, constant)

	// With a contributor's policies (the same files, from a directory)
	// no name is replaced: a policy may read a name's prefix.
	dir, err := Load(Options{PolicyDirs: []string{filepath.Join("..", "..", "policies")}})
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := dir.Prepare(context.Background(), Selection{})
	if err != nil {
		t.Fatal(err)
	}
	if plan, err = theirs.plan(context.Background(), org, false); err != nil {
		t.Fatal(err)
	}
	for i, nm := range plan.names {
		if len(nm.real) > 0 {
			t.Errorf("policies from a directory: account %s has names %v replaced", org.Accounts[i].AccountID, nm.real)
		}
	}
}

// twinOf is the team name of a twin: its number's first digit, a 0, made
// a 9.
func twinOf(team string) string { return team[:len(team)-4] + "9" + team[len(team)-3:] }

// judgeOrganization evaluates an organization with a selection: the
// results as indented JSON, and the evaluator (to count what it judged).
func judgeOrganization(t *testing.T, p *Policies, org *snapshot.Snapshot, sel Selection) ([]byte, *Evaluator) {
	t.Helper()
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
	return b, ev
}

// Accounts alike up to their id share a judgement only if their ids sort
// the same against the other accounts' ids their inputs hold: a reason
// lists the trails in the order of their ARNs, so a member whose id sorts
// before the management account's lists its own trail first.
func TestReuseKeepsTheOrderOfAccountIDs(t *testing.T) {
	org, err := synth.Organization(synth.Options{Accounts: 12, Regions: 1, Seed: 3, BrokenEvery: 3})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	for i := 2; i < len(org.Accounts); i += 2 {
		ids[org.Accounts[i].AccountID] = "0" + org.Accounts[i].AccountID[1:]
	}
	org = reID(t, org, ids)
	p, err := Load(Options{})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := judgeOrganization(t, p, org, Selection{NoReuse: true, Fixes: true})
	got, ev := judgeOrganization(t, p, org, Selection{Fixes: true})
	if !bytes.Equal(got, want) {
		t.Error("results differ from judging every account on its own")
	}
	if n := ev.judged.Load(); n >= int64(len(org.Accounts)) {
		t.Errorf("%d of %d accounts judged: none shared a judgement", n, len(org.Accounts))
	}
}

// Twins: two members alike but for their names, made to differ in a way
// only their names tell. Sharing their judgement would give the twin the
// first one's verdicts; each rule of names.go that keeps them apart is
// checked by one case (each fails with its rule switched off).
func TestTwinsWhoseNamesMatter(t *testing.T) {
	p, err := Load(Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		// change changes the organization: first and twin are the
		// members, team the first one's team name (its things' names
		// begin with it, the twin's with the same but a 9 for the 0).
		change func(org *snapshot.Snapshot, first, twin *snapshot.Account, team string)
	}{
		{"a topic policy grants by a prefix only the first's names have", func(_ *snapshot.Snapshot, first, twin *snapshot.Account, team string) {
			prefix := team[:len(team)-3] // "<team>-0"
			for _, a := range []*snapshot.Account{first, twin} {
				for k := range a.Regions[0].Topics {
					tp := &a.Regions[0].Topics[k]
					tp.Attributes["Policy"] = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"cloudwatch.amazonaws.com"},"Action":"sns:Publish","Resource":"` +
						tp.TopicArn[:strings.LastIndex(tp.TopicArn, ":")+1] + prefix + `*"}]}`
				}
			}
		}},
		{"the first's log group is named as the policies name a new one for the organization trail", func(org *snapshot.Snapshot, first, twin *snapshot.Account, team string) {
			// The organization trail delivers nowhere and is the members'
			// only trail: their fixes create a log group
			// "aws-cloudtrail-logs-" and its name, which is the first
			// member's own log group's name.
			for i := range org.Accounts {
				for r := range org.Accounts[i].Regions {
					for k := range org.Accounts[i].Regions[r].Trails {
						if tr := &org.Accounts[i].Regions[r].Trails[k]; tr.IsOrganizationTrail {
							tr.CloudWatchLogsLogGroupArn, tr.CloudWatchLogsRoleArn = "", ""
						}
					}
				}
			}
			for _, a := range []*snapshot.Account{first, twin} {
				a.Regions[0].Trails = slices.DeleteFunc(a.Regions[0].Trails, func(tr snapshot.Trail) bool { return !tr.IsOrganizationTrail })
			}
			// The twin's log group sorts where the first's does.
			for _, x := range []struct {
				a         *snapshot.Account
				team, new string
			}{{first, team, "aws-cloudtrail-logs-organization-trail"}, {twin, twinOf(team), "aws-cloudtrail-logs-" + twinOf(team)}} {
				b, err := json.Marshal(x.a)
				if err != nil {
					t.Fatal(err)
				}
				group := "/" + strings.ReplaceAll(x.team, "-", "/") + "/cloudtrail"
				b = bytes.ReplaceAll(b, []byte(group), []byte(x.new))
				*x.a = snapshot.Account{}
				if err := json.Unmarshal(b, x.a); err != nil {
					t.Fatal(err)
				}
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			org, err := synth.Organization(synth.Options{Accounts: 2, Regions: 1, Seed: 21, Distinct: true})
			if err != nil {
				t.Fatal(err)
			}
			first := org.Accounts[1]
			var team string
			for _, tr := range first.Regions[0].Trails {
				if strings.Contains(tr.TrailARN, first.AccountID) {
					team = strings.TrimSuffix(tr.Name, "-audit")
				}
			}
			twinTeam := twinOf(team)
			b, err := json.Marshal(first)
			if err != nil {
				t.Fatal(err)
			}
			b = bytes.ReplaceAll(b, []byte(first.AccountID), []byte("200000000099"))
			b = bytes.ReplaceAll(b, []byte(team), []byte(twinTeam))
			b = bytes.ReplaceAll(b, []byte(strings.ReplaceAll(team, "-", "/")), []byte(strings.ReplaceAll(twinTeam, "-", "/")))
			var twin snapshot.Account
			if err := json.Unmarshal(b, &twin); err != nil {
				t.Fatal(err)
			}
			org.Accounts = append(org.Accounts, twin)
			c.change(org, &org.Accounts[1], &org.Accounts[2], team)
			want, _ := judgeOrganization(t, p, org, Selection{NoReuse: true, Fixes: true})
			got, _ := judgeOrganization(t, p, org, Selection{Fixes: true})
			if !bytes.Equal(got, want) {
				t.Error("results differ from judging every account on its own")
			}
		})
	}
}

// reID gives accounts of a snapshot built in memory other ids, wherever
// their ids appear in them, the order of their things as it was.
func reID(t *testing.T, s *snapshot.Snapshot, ids map[string]string) *snapshot.Snapshot {
	t.Helper()
	for i := range s.Accounts {
		a := &s.Accounts[i]
		to, ok := ids[a.AccountID]
		if !ok {
			continue
		}
		b, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		var out snapshot.Account
		if err := json.Unmarshal(bytes.ReplaceAll(b, []byte(a.AccountID), []byte(to)), &out); err != nil {
			t.Fatal(err)
		}
		*a = out
	}
	return s
}

// judgeReleasing evaluates the organization of a snapshot's JSON as
// evaluate does (EvaluateAndRelease): the results as indented JSON, and
// how many accounts the snapshot still holds after.
func judgeReleasing(t *testing.T, p *Policies, data []byte, sel Selection) ([]byte, int) {
	t.Helper()
	ev, err := p.Prepare(context.Background(), sel)
	if err != nil {
		t.Fatal(err)
	}
	org := decoded(t, data)
	res, err := ev.EvaluateAndRelease(context.Background(), org)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.MarshalIndent(res, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return b, len(org.Accounts)
}

// decoded is a snapshot decoded from its JSON.
func decoded(t *testing.T, data []byte) *snapshot.Snapshot {
	t.Helper()
	s, err := snapshot.Decode("org.json", data)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// accountIDsIn, which looks at one byte in twelve where there are no
// digits, finds what reading every byte finds: the runs of exactly twelve
// digits, on random texts dense and sparse in digits.
func TestAccountIDsIn(t *testing.T) {
	every := func(s []byte) map[string]bool {
		ids := map[string]bool{}
		for i := 0; i < len(s); {
			if !isDigit(s[i]) {
				i++
				continue
			}
			start := i
			for i < len(s) && isDigit(s[i]) {
				i++
			}
			if i-start == 12 {
				ids[string(s[start:i])] = true
			}
		}
		return ids
	}
	rng := rand.New(rand.NewPCG(3, 4))
	found := 0
	for range 3000 {
		s := make([]byte, rng.IntN(80))
		for i := range s {
			switch r := rng.IntN(20); {
			case r < 2:
				s[i] = ':'
			case r < 3:
				// a run of digits of a length near twelve
				n := 10 + rng.IntN(4)
				for j := 0; j < n && i < len(s); j, i = j+1, i+1 {
					s[i] = byte('0' + rng.IntN(10))
				}
				if i < len(s) {
					s[i] = '"'
				}
			default:
				s[i] = "ab0123456789"[rng.IntN(12)]
			}
		}
		got := map[string]bool{}
		accountIDsIn(s, got)
		want := every(s)
		if !maps.Equal(got, want) {
			t.Fatalf("%q: %v, want %v", s, got, want)
		}
		found += len(want)
	}
	if found < 100 {
		t.Fatalf("only %d ids in the texts: the check proves little", found)
	}
}
