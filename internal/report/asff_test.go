package report_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/trailwatch/trailwatch/internal/report"
)

// Every example renders to an array of ASFF findings, one per control and
// account with the fields BatchImportFindings requires, compliance status
// by verdict, and an Id that depends only on the account and the control.
// (The end-to-end tests import them into Security Hub in moto through the
// aws CLI, whose parameter validation applies the service's model.)
func TestASFF(t *testing.T) {
	for name, data := range render(t, "asff", ".json") {
		var findings []map[string]any
		if err := json.Unmarshal(data, &findings); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		rep := exampleReports(t)[name]
		if len(findings) != len(rep.Results) {
			t.Fatalf("%s: %d findings for %d results", name, len(findings), len(rep.Results))
		}
		ids := map[string]bool{}
		for i, f := range findings {
			for _, field := range []string{"SchemaVersion", "Id", "ProductArn", "GeneratorId", "AwsAccountId", "CreatedAt", "UpdatedAt", "Title", "Description"} {
				if s, _ := f[field].(string); s == "" {
					t.Errorf("%s: finding %d has no %s", name, i, field)
				}
			}
			if rs, _ := f["Resources"].([]any); len(rs) == 0 {
				t.Errorf("%s: finding %d has no resources", name, i)
			}
			res := rep.Results[i]
			if f["Id"] != "trailwatch/"+res.AccountID+"/"+res.ControlID || ids[f["Id"].(string)] {
				t.Errorf("%s: finding %d Id %v", name, i, f["Id"])
			}
			ids[f["Id"].(string)] = true
			status := res.Status
			if status == report.Waived {
				// Still failed, and suppressed.
				status = res.Was
				if wf, _ := f["Workflow"].(map[string]any); wf["Status"] != "SUPPRESSED" {
					t.Errorf("%s: finding %d is waived, Workflow %v", name, i, f["Workflow"])
				}
			}
			want := map[string]string{"PASS": "PASSED", "FAIL": "FAILED", "ERROR": "WARNING"}[string(status)]
			comp := f["Compliance"].(map[string]any)
			if comp["Status"] != want || len(comp["RelatedRequirements"].([]any)) == 0 {
				t.Errorf("%s: finding %d compliance %v for %s", name, i, comp, res.Status)
			}
			if !strings.HasSuffix(f["ProductArn"].(string), ":"+res.AccountID+":product/"+res.AccountID+"/default") {
				t.Errorf("%s: finding %d ProductArn %v", name, i, f["ProductArn"])
			}
		}
	}
}
