package report_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/trailwatch/trailwatch/internal/golden"
	"github.com/trailwatch/trailwatch/internal/report"
)

// The example reports every format's golden files are rendered from are
// frozen: testdata/input/CASE.json, reports trailwatch evaluate wrote of
// the shipped example snapshots (make report-inputs writes them again).
// A change of wording in a policy rewrites evaluate's goldens, not these.
var cases = []string{"pass", "fail", "error", "organization", "waived"}

var built struct {
	once    sync.Once
	inputs  map[string][]byte
	reports map[string]*report.Report
	err     error
}

// exampleReports returns a fresh copy of every example report by case, so
// that a test may change one without touching another test's.
func exampleReports(t testing.TB) map[string]*report.Report {
	t.Helper()
	built.once.Do(func() {
		built.inputs = map[string][]byte{}
		built.reports = map[string]*report.Report{}
		for _, name := range cases {
			path := filepath.Join("testdata", "input", name+".json")
			data, err := os.ReadFile(path)
			if err != nil {
				built.err = err
				return
			}
			rep, err := decodeReport(path, data)
			if err != nil {
				built.err = err
				return
			}
			built.inputs[name] = data
			built.reports[name] = rep
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	out := map[string]*report.Report{}
	for name, data := range built.inputs {
		rep, err := decodeReport(name, data)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = rep
	}
	return out
}

// decodeReport reads a JSON report as strictly as the renderers need:
// a member the Report type does not have is an error, so that an input
// can not carry what no renderer sees.
func decodeReport(path string, data []byte) (*report.Report, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var rep report.Report
	if err := dec.Decode(&rep); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(rep.Results) == 0 || len(rep.Controls) == 0 {
		return nil, fmt.Errorf("%s: a report with no results or no controls", path)
	}
	return &rep, nil
}

// render renders every example report in a format, compares each with its
// golden file testdata/FORMAT/CASE.EXT, and returns them by case.
func render(t *testing.T, format, ext string) map[string][]byte {
	t.Helper()
	r, err := report.NewRenderer(format, report.Options{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for name, rep := range exampleReports(t) {
		var b bytes.Buffer
		if err := r.Render(&b, rep); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var again bytes.Buffer
		if err := r.Render(&again, rep); err != nil || !bytes.Equal(b.Bytes(), again.Bytes()) {
			t.Errorf("%s: rendering twice gives different bytes (%v)", name, err)
		}
		golden.Check(t, filepath.Join("testdata", format, name+ext), b.Bytes())
		out[name] = b.Bytes()
	}
	return out
}

// The JSON report is the input's own format: rendering a frozen input
// gives it back byte for byte, so no member is lost or renamed between
// what evaluate writes and what the other renderers read.
func TestJSONRoundTrip(t *testing.T) {
	exampleReports(t)
	r, err := report.NewRenderer("json", report.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for name, rep := range exampleReports(t) {
		var b bytes.Buffer
		if err := r.Render(&b, rep); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if want := built.inputs[name]; !bytes.Equal(b.Bytes(), want) {
			t.Errorf("%s: the JSON rendering of testdata/input/%s.json differs from it:\n%s", name, name, firstDifference(b.String(), string(want)))
		}
	}
}

// The frozen inputs cover what the renderers must show: every status,
// waivers, skipped accounts, more than one account, places and evidence.
func TestInputsCoverTheReport(t *testing.T) {
	reps := exampleReports(t)
	seen := map[report.Status]bool{}
	var waivers, skipped, places, evidence, accounts bool
	for _, rep := range reps {
		ids := map[string]bool{}
		for _, res := range rep.Results {
			seen[res.Status] = true
			places = places || res.Place != nil
			evidence = evidence || len(res.Evidence) > 0
			ids[res.AccountID] = true
		}
		accounts = accounts || len(ids) > 1
		waivers = waivers || rep.Waivers != nil
		skipped = skipped || len(rep.Skipped) > 0
	}
	for _, s := range []report.Status{report.Pass, report.Fail, report.Error, report.Waived} {
		if !seen[s] {
			t.Errorf("no example report has a %s result", s)
		}
	}
	for what, ok := range map[string]bool{"waivers": waivers, "skipped accounts": skipped, "places": places, "evidence": evidence, "more than one account": accounts} {
		if !ok {
			t.Errorf("no example report has %s", what)
		}
	}
}

func firstDifference(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) && i < len(w); i++ {
		if g[i] != w[i] {
			return fmt.Sprintf("line %d: got %q, want %q", i+1, g[i], w[i])
		}
	}
	return fmt.Sprintf("got %d lines, want %d", len(g), len(w))
}
