package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden reports under testdata/")

// golden compares got with the file at path, or rewrites the file with
// -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/trailwatch -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from what trailwatch prints now (go test ./cmd/trailwatch -run %s -update rewrites it):\n%s", path, t.Name(), firstDifference(want, got))
	}
}

func firstDifference(want, got []byte) string {
	w, g := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\n- %s\n+ %s", i+1, a, b)
		}
	}
	return ""
}

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
			jsonPath := filepath.Join(t.TempDir(), "report.json")
			code, text, stderr := cli(t, append([]string{"evaluate", "--report", "json=" + jsonPath}, c.args...)...)
			if stderr != "" {
				t.Errorf("stderr: %s", stderr)
			}
			golden(t, filepath.Join("testdata", "evaluate", c.name+".txt"), []byte(text))
			raw, err := os.ReadFile(jsonPath)
			if err != nil {
				t.Fatal(err)
			}
			js := string(raw)
			golden(t, filepath.Join("testdata", "evaluate", c.name+".json"), versionField.ReplaceAll(raw, []byte(`"version": "VERSION"`)))
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
