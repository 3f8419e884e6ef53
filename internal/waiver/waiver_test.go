package waiver

import (
	"strings"
	"testing"
	"time"

	"github.com/trailwatch/trailwatch/internal/report"
)

var controls = []string{"cloudtrail-config-changes", "root-account-usage", "vpc-changes"}

func parse(t *testing.T, text string) []report.Waiver {
	t.Helper()
	ws, err := Parse("w.yaml", []byte(text), controls)
	if err != nil {
		t.Fatal(err)
	}
	return ws
}

func day(s string) time.Time {
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		panic(err)
	}
	return t
}

func result(control, account string, status report.Status, regions ...string) report.Result {
	r := report.Result{ControlID: control, AccountID: account, Status: status, Reason: "broken"}
	for _, reg := range regions {
		r.Resources = append(r.Resources, report.Resource{Type: "AWS::CloudTrail::Trail", ID: "arn:aws:cloudtrail:" + reg + ":" + account + ":trail/main", Region: reg})
	}
	return r
}

const one = `waivers:
  - control: cloudtrail-config-changes
    accounts: ["111122223333"]
    reason: sandbox
    owner: secops@example.com
    expires: 2026-12-31
`

// A waiver applies through its expires day and not the day after, when the
// result stays FAIL and says which waiver expired.
func TestExpiryBoundary(t *testing.T) {
	ws := parse(t, one)
	for _, c := range []struct {
		today string
		want  report.Status
	}{{"2026-12-30", report.Waived}, {"2026-12-31", report.Waived}, {"2027-01-01", report.Fail}} {
		rs, st := Apply([]report.Result{result("cloudtrail-config-changes", "111122223333", report.Fail, "us-east-1")}, ws, day(c.today), 14)
		if rs[0].Status != c.want || rs[0].Waiver == nil {
			t.Errorf("on %s: %s (waiver %v), want %s", c.today, rs[0].Status, rs[0].Waiver, c.want)
		}
		if c.want == report.Fail {
			if !strings.HasSuffix(rs[0].Reason, "; waiver expired on 2026-12-31 (secops@example.com, sandbox)") || len(st.Expired) != 1 {
				t.Errorf("on %s: reason %q, expired %v", c.today, rs[0].Reason, st.Expired)
			}
		} else if rs[0].Was != report.Fail || len(st.Expired) != 0 || len(st.Unused) != 0 {
			t.Errorf("on %s: was %s, standing %+v", c.today, rs[0].Was, st)
		}
	}
	// Expiring soon: within --warn-expiry days of today, the boundary
	// included.
	for _, c := range []struct {
		today string
		warn  int
		soon  bool
	}{{"2026-12-17", 14, true}, {"2026-12-16", 14, false}, {"2026-12-31", 0, true}, {"2026-12-30", 0, false}} {
		_, st := Apply(nil, ws, day(c.today), c.warn)
		if (len(st.Expiring) == 1) != c.soon {
			t.Errorf("on %s with --warn-expiry %d: expiring %v, want soon=%v", c.today, c.warn, st.Expiring, c.soon)
		}
	}
}

// A waiver covers its control, its accounts (or all of them), its regions
// and resources when it names them, and FAIL only unless ERROR is listed;
// never a PASS. One that covers nothing is unused.
func TestMatching(t *testing.T) {
	ws := parse(t, `waivers:
  - control: root-account-usage
    accounts: ["*"]
    regions: [eu-west-1]
    reason: drill
    owner: oncall@example.com
    expires: 2027-01-31
  - control: vpc-changes
    accounts: ["111122223333", "444455556666"]
    resources: ["arn:aws:cloudtrail:*:444455556666:trail/*"]
    statuses: [FAIL, ERROR]
    reason: network team
    owner: netops@example.com
    expires: 2027-01-31
  - control: cloudtrail-config-changes
    accounts: ["999999999999"]
    reason: not here
    owner: secops@example.com
    expires: 2027-01-31
`)
	in := []report.Result{
		result("root-account-usage", "111122223333", report.Fail, "eu-west-1"),        // waived: any account, its region
		result("root-account-usage", "444455556666", report.Fail, "us-east-1"),        // other region
		result("root-account-usage", "777788889999", report.Error, "eu-west-1"),       // ERROR not listed
		result("root-account-usage", "111122223333", report.Pass, "eu-west-1"),        // never a PASS
		result("vpc-changes", "444455556666", report.Error, "us-east-1"),              // ERROR listed, resource matches
		result("vpc-changes", "111122223333", report.Fail, "us-east-1"),               // resource is another account's
		result("cloudtrail-config-changes", "111122223333", report.Fail, "eu-west-1"), // account not named
	}
	want := []report.Status{report.Waived, report.Fail, report.Error, report.Pass, report.Waived, report.Fail, report.Fail}
	out, st := Apply(in, ws, day("2026-11-25"), 14)
	for i, r := range out {
		if r.Status != want[i] {
			t.Errorf("result %d (%s %s): %s, want %s", i, r.ControlID, r.AccountID, r.Status, want[i])
		}
	}
	if len(st.Unused) != 1 || st.Unused[0].Control != "cloudtrail-config-changes" || len(st.Expiring) != 0 {
		t.Errorf("standing %+v; want the cloudtrail waiver unused", st)
	}
	if out[4].Was != report.Error || out[4].Waiver.Owner != "netops@example.com" || out[4].Waiver.Line != 8 {
		t.Errorf("waived ERROR: %+v", out[4])
	}
}

// The file is read strictly: every mistake is refused with the file, the
// line and what is wrong.
func TestParseRefuses(t *testing.T) {
	base := strings.Split(strings.TrimSuffix(one, "\n"), "\n")
	edit := func(line int, text string) string {
		ls := append([]string(nil), base...)
		if text == "" {
			ls = append(ls[:line], ls[line+1:]...)
		} else {
			ls[line] = text
		}
		return strings.Join(ls, "\n") + "\n"
	}
	for _, c := range []struct {
		name, text, want string
	}{
		{"unknown key", edit(4, "    ower: secops@example.com"), `w.yaml:5: unknown key "ower"; known: control, accounts`},
		{"key twice", one + "    reason: again\n", `w.yaml:7: the key "reason" appears twice`},
		{"unknown control", edit(1, "  - control: cloudtrail-changes"), `w.yaml:2: control "cloudtrail-changes" does not exist; known: cloudtrail-config-changes`},
		{"bad date", edit(5, "    expires: 31/12/2026"), `w.yaml:6: expires "31/12/2026" is not a date (YYYY-MM-DD)`},
		{"impossible date", edit(5, "    expires: 2026-02-30"), `w.yaml:6: expires "2026-02-30" is not a date`},
		{"no reason", edit(3, ""), "w.yaml:2: waiver without reason"},
		{"no owner", edit(4, ""), "w.yaml:2: waiver without owner"},
		{"no expiry", edit(5, ""), "w.yaml:2: waiver without expires"},
		{"no accounts", edit(2, ""), `w.yaml:2: waiver without accounts (["*"] for every account)`},
		{"empty reason", edit(3, `    reason: ""`), "w.yaml:4: reason: want a non-empty value"},
		{"bad account", edit(2, `    accounts: ["1111"]`), `w.yaml:3: accounts: "1111": an account id is 12 digits`},
		{"bad region", one + "    regions: [Europe]\n", `w.yaml:7: regions: "Europe": not a region code`},
		{"PASS waived", one + "    statuses: [PASS]\n", `w.yaml:7: statuses: "PASS": a waiver covers FAIL and ERROR only`},
		{"ERROR everywhere", edit(2, `    accounts: ["*"]`) + "    statuses: [ERROR]\n", `w.yaml:7: statuses: a waiver of ERROR names its accounts; * would accept a run that could read nothing`},
		{"not YAML", "waivers: [\n", "w.yaml:1: did not find expected node content"},
		{"no list", "rules: []\n", `w.yaml:1: unknown key "rules"; known: waivers`},
		{"empty", "", "w.yaml: empty file"},
		{"list of strings", "waivers:\n  - cloudtrail-config-changes\n", "w.yaml:2: a waiver is a mapping"},
		{"two documents", one + "---\nwaivers: []\n", "w.yaml:7: a second YAML document"},
	} {
		_, err := Parse("w.yaml", []byte(c.text), controls)
		var we *Error
		if err == nil || !strings.Contains(err.Error(), c.want) || !asError(err, &we) {
			t.Errorf("%s: err = %v\nwant a *waiver.Error containing %q", c.name, err, c.want)
		}
	}
	if ws := parse(t, "waivers: []\n"); len(ws) != 0 {
		t.Errorf("an empty list: %v", ws)
	}
}

func asError(err error, target **Error) bool {
	e, ok := err.(*Error)
	*target = e
	return ok
}
