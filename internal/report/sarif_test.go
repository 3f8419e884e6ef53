package report_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/trailwatch/trailwatch/internal/report"
)

// sarifLog is what the tests read back of a SARIF file: what GitHub code
// scanning checks on upload.
type sarifLog struct {
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name  string `json:"name"`
				Rules []struct {
					ID         string         `json:"id"`
					Properties map[string]any `json:"properties"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results []struct {
			RuleID    string `json:"ruleId"`
			RuleIndex *int   `json:"ruleIndex"`
			Level     string `json:"level"`
			Message   struct {
				Text string `json:"text"`
			} `json:"message"`
			Locations []struct {
				PhysicalLocation *struct {
					ArtifactLocation struct {
						URI string `json:"uri"`
					} `json:"artifactLocation"`
					Region struct {
						StartLine int `json:"startLine"`
					} `json:"region"`
				} `json:"physicalLocation"`
				LogicalLocations []struct {
					Name               string `json:"name"`
					Kind               string `json:"kind"`
					FullyQualifiedName string `json:"fullyQualifiedName"`
				} `json:"logicalLocations"`
			} `json:"locations"`
			PartialFingerprints map[string]string `json:"partialFingerprints"`
			Suppressions        []struct {
				Kind          string `json:"kind"`
				Status        string `json:"status"`
				Justification string `json:"justification"`
			} `json:"suppressions"`
		} `json:"results"`
	} `json:"runs"`
}

// Every example renders to SARIF that the SARIF 2.1.0 JSON schema accepts
// and that passes the checks GitHub code scanning makes on upload: every
// result's rule exists and its ruleIndex points at it, every result has a
// physical location with a line in a file that exists, and a partial
// fingerprint; rules carry a numeric security-severity.
func TestSARIF(t *testing.T) {
	schema := compileSchema(t, filepath.Join("testdata", "schemas", "sarif-schema-2.1.0.json"))
	for name, data := range render(t, "sarif", ".sarif") {
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if err := schema.Validate(inst); err != nil {
			t.Errorf("%s: not valid SARIF 2.1.0: %v", name, err)
		}
		var log sarifLog
		if err := json.Unmarshal(data, &log); err != nil {
			t.Fatal(err)
		}
		if log.Version != "2.1.0" || len(log.Runs) != 1 {
			t.Fatalf("%s: version %q, %d runs", name, log.Version, len(log.Runs))
		}
		run := log.Runs[0]
		rep := exampleReports(t)[name]
		if len(run.Tool.Driver.Rules) != len(rep.Controls) {
			t.Errorf("%s: %d rules for %d controls", name, len(run.Tool.Driver.Rules), len(rep.Controls))
		}
		for _, rule := range run.Tool.Driver.Rules {
			s, _ := rule.Properties["security-severity"].(string)
			if f, err := strconv.ParseFloat(s, 64); err != nil || f <= 0 || f > 10 {
				t.Errorf("%s: rule %s security-severity %q", name, rule.ID, s)
			}
		}
		want := rep.Summary.Fail + rep.Summary.Error + rep.Summary.Waived
		if len(run.Results) != want {
			t.Errorf("%s: %d results, want one per FAIL, ERROR and WAIVED (%d)", name, len(run.Results), want)
		}
		failed, undecided := rep.Summary.Fail, rep.Summary.Error
		for _, res := range rep.Results {
			switch res.Was {
			case report.Fail:
				failed++
			case report.Error:
				undecided++
			}
		}
		levels := map[string]int{}
		suppressed := 0
		for i, res := range run.Results {
			if len(res.Suppressions) > 0 {
				suppressed++
				if s := res.Suppressions[0]; s.Kind != "external" || s.Status != "accepted" || s.Justification == "" {
					t.Errorf("%s: result %d suppression %+v", name, i, s)
				}
			}
			if res.RuleIndex == nil || *res.RuleIndex >= len(run.Tool.Driver.Rules) || run.Tool.Driver.Rules[*res.RuleIndex].ID != res.RuleID {
				t.Errorf("%s: result %d: ruleId %s does not match ruleIndex %v", name, i, res.RuleID, res.RuleIndex)
			}
			if len(res.Locations) == 0 || res.Locations[0].PhysicalLocation == nil {
				t.Fatalf("%s: result %d has no physical location", name, i)
			}
			pl := res.Locations[0].PhysicalLocation
			if _, err := os.Stat(filepath.Join("..", "..", pl.ArtifactLocation.URI)); err != nil || pl.Region.StartLine < 1 {
				t.Errorf("%s: result %d points at %s line %d: %v", name, i, pl.ArtifactLocation.URI, pl.Region.StartLine, err)
			}
			if lls := res.Locations[0].LogicalLocations; len(lls) == 0 || lls[0].Kind != "namespace" || !strings.HasPrefix(res.Message.Text, "account "+lls[0].Name+": ") {
				t.Errorf("%s: result %d logical locations %+v; want the account first", name, i, lls)
			}
			if len(res.PartialFingerprints["trailwatch/v1"]) != 32 {
				t.Errorf("%s: result %d fingerprints %v", name, i, res.PartialFingerprints)
			}
			levels[res.Level]++
		}
		if levels["error"] != failed || levels["warning"] != undecided || suppressed != rep.Summary.Waived {
			t.Errorf("%s: levels %v, %d suppressed; want %d error (FAIL), %d warning (ERROR), %d suppressed (WAIVED)", name, levels, suppressed, failed, undecided, rep.Summary.Waived)
		}
	}
}

// A finding keeps its fingerprint when its reason changes from one day to
// the next, so code scanning updates one alert instead of opening another.
func TestSARIFFingerprintIsStable(t *testing.T) {
	rep := *exampleReports(t)["fail"]
	fp := func(rep *report.Report) string {
		var b bytes.Buffer
		if err := (report.SARIF{}).Render(&b, rep); err != nil {
			t.Fatal(err)
		}
		var log sarifLog
		if err := json.Unmarshal(b.Bytes(), &log); err != nil {
			t.Fatal(err)
		}
		return log.Runs[0].Results[0].PartialFingerprints["trailwatch/v1"]
	}
	before := fp(&rep)
	rep.Results = append([]report.Result(nil), rep.Results...)
	for i := range rep.Results {
		rep.Results[i].Reason += " (and tomorrow something else)"
	}
	if after := fp(&rep); after != before || before == "" {
		t.Errorf("fingerprint %q became %q", before, after)
	}
}

func compileSchema(t *testing.T, path string) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("file:///"+filepath.Base(path), doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("file:///" + filepath.Base(path))
	if err != nil {
		t.Fatal(err)
	}
	return s
}
