package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/trailwatch/trailwatch/internal/golden"
)

// The version is scrubbed so that goldens do not change with builds.
var versionField = regexp.MustCompile(`"version": "[^"]*"`)

// Every example snapshot, evaluated as a user would: the text report and
// the JSON report are whole golden files, snapshots/X.json giving
// testdata/evaluate/X.txt and X.json. The flag variants show the same
// snapshots under another benchmark version, the strict reading, and -v.
func TestEvaluateGolden(t *testing.T) {
	files, err := filepath.Glob("../../snapshots/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no example snapshots: %v", err)
	}
	type variant struct {
		name string
		args []string
	}
	var cases []variant
	for _, f := range files {
		cases = append(cases, variant{strings.TrimSuffix(filepath.Base(f), ".json"), []string{f}})
	}
	cases = append(cases,
		variant{"compliant-reworded.strict", []string{"--strict", "../../snapshots/compliant-reworded.json"}},
		variant{"broken-filter-security-groups-before-v5.v4.0.1", []string{"--benchmark", "v4.0.1", "../../snapshots/broken-filter-security-groups-before-v5.json"}},
		variant{"compliant.v1.2.0", []string{"--benchmark", "cis-aws-v1.2.0", "../../snapshots/compliant.json"}},
		variant{"broken-filter-misses-event.verbose", []string{"-v", "../../snapshots/broken-filter-misses-event.json"}},
		variant{"broken-topic-no-subscription.two-controls", []string{"-v", "--control", "root-account-usage", "--control", "cloudtrail-config-changes", "../../snapshots/broken-topic-no-subscription.json"}},
	)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			jsonPath := filepath.Join(t.TempDir(), "report.json")
			code, text, stderr := cli(t, append([]string{"evaluate", "--report", "json=" + jsonPath}, c.args...)...)
			if stderr != "" {
				t.Errorf("stderr: %s", stderr)
			}
			golden.Check(t, filepath.Join("testdata", "evaluate", c.name+".txt"), []byte(text))
			raw, err := os.ReadFile(jsonPath)
			if err != nil {
				t.Fatal(err)
			}
			js := string(raw)
			golden.Check(t, filepath.Join("testdata", "evaluate", c.name+".json"), versionField.ReplaceAll(raw, []byte(`"version": "VERSION"`)))
			// The exit code follows the report: 1 with a FAIL, else 2
			// with an ERROR, else 0.
			var rep struct {
				Summary struct{ Pass, Fail, Error int }
			}
			if err := json.Unmarshal([]byte(js), &rep); err != nil {
				t.Fatal(err)
			}
			want := 0
			switch {
			case rep.Summary.Fail > 0:
				want = 1
			case rep.Summary.Error > 0:
				want = 2
			}
			if code != want {
				t.Errorf("exit %d, want %d for %+v", code, want, rep.Summary)
			}
		})
	}
}
