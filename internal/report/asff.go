package report

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/trailwatch/trailwatch/internal/awsarn"
)

// ASFF renders the report in the AWS Security Finding Format: the JSON
// array `aws securityhub batch-import-findings --findings file://FILE`
// takes. One finding per control and account, PASS included, so that a
// fixed control turns its finding PASSED rather than leaving it FAILED;
// an ERROR is WARNING. Id depends only on the account and the control, so
// importing the next day's report updates the findings instead of adding
// new ones.
//
// Findings go to the default product of their account, in Region: Security
// Hub takes findings for the default product only from the account they
// belong to, in the region the ProductArn names, at most 100 per call.
type ASFF struct {
	// Region is where the findings are imported; empty means the region of
	// the first regional resource in the report, else us-east-1.
	Region string
}

// findingTypes is where the findings sit in ASFF's type taxonomy:
// namespace/category/classifier, the classifier being the benchmark the
// policies name (ASFF lists "CIS AWS Foundations Benchmark" among its
// classifiers for that category).
func findingTypes(benchmark string) string {
	if benchmark == "" {
		return "Software and Configuration Checks/Industry and Regulatory Standards"
	}
	return "Software and Configuration Checks/Industry and Regulatory Standards/" + benchmark
}

// The ASFF limits the renderer keeps to (AWS Security Finding Format
// syntax): Description 1,024 characters, Remediation.Recommendation.Text
// 512, Compliance.RelatedRequirements 32 items, Resources 32.
const (
	asffDescriptionMax  = 1024
	asffRecommendMax    = 512
	asffRequirementsMax = 32
	asffResourcesMax    = 32
)

type asffFinding struct {
	SchemaVersion         string            `json:"SchemaVersion"`
	Id                    string            `json:"Id"`
	ProductArn            string            `json:"ProductArn"`
	ProductName           string            `json:"ProductName"`
	CompanyName           string            `json:"CompanyName"`
	GeneratorId           string            `json:"GeneratorId"`
	AwsAccountId          string            `json:"AwsAccountId"`
	Types                 []string          `json:"Types"`
	CreatedAt             string            `json:"CreatedAt"`
	UpdatedAt             string            `json:"UpdatedAt"`
	Severity              asffSeverity      `json:"Severity"`
	Title                 string            `json:"Title"`
	Description           string            `json:"Description"`
	Remediation           *asffRemediation  `json:"Remediation,omitempty"`
	ProductFields         map[string]string `json:"ProductFields"`
	Resources             []asffResource    `json:"Resources"`
	Compliance            asffCompliance    `json:"Compliance"`
	FindingProviderFields asffProvider      `json:"FindingProviderFields"`
	Workflow              *asffWorkflow     `json:"Workflow,omitempty"`
	RecordState           string            `json:"RecordState"`
}

type asffWorkflow struct {
	Status string `json:"Status"`
}

type asffSeverity struct {
	Label    string `json:"Label"`
	Original string `json:"Original,omitempty"`
}

type asffRemediation struct {
	Recommendation asffRecommendation `json:"Recommendation"`
}

type asffRecommendation struct {
	Text string `json:"Text"`
	Url  string `json:"Url,omitempty"`
}

type asffResource struct {
	Type      string `json:"Type"`
	Id        string `json:"Id"`
	Partition string `json:"Partition"`
	Region    string `json:"Region"`
}

type asffCompliance struct {
	Status              string   `json:"Status"`
	RelatedRequirements []string `json:"RelatedRequirements,omitempty"`
}

type asffProvider struct {
	Severity asffSeverity `json:"Severity"`
	Types    []string     `json:"Types"`
}

// asffTypes are ASFF's names for the resource types trailwatch reports;
// the others are Other.
var asffTypes = map[string]string{
	"AWS::CloudTrail::Trail": "AwsCloudTrailTrail",
	"AWS::CloudWatch::Alarm": "AwsCloudWatchAlarm",
	"AWS::SNS::Topic":        "AwsSnsTopic",
	AccountType:              "AwsAccount",
}

var asffCompliances = map[Status]string{Pass: "PASSED", Fail: "FAILED", Error: "WARNING"}

// complianceOf is a result's status for compliance: a WAIVED result is
// still what it was, suppressed.
func complianceOf(res Result) Status {
	if res.Status == Waived && res.Was != "" {
		return res.Was
	}
	return res.Status
}

func (a ASFF) Render(w io.Writer, r *Report) error {
	region := a.Region
	if region == "" {
		region = firstRegion(r)
	}
	when := r.CollectedAt
	if when == "" {
		// ASFF needs a time; a snapshot without one gets the epoch, which
		// says plainly that the time is unknown.
		when = "1970-01-01T00:00:00Z"
	}
	controls := r.controlsByID()
	findings := make([]asffFinding, 0, len(r.Results))
	for _, res := range r.Results {
		c := controls[res.ControlID]
		partition := partitionOf(res)
		f := asffFinding{
			SchemaVersion: "2018-10-08",
			Id:            fmt.Sprintf("trailwatch/%s/%s", res.AccountID, res.ControlID),
			ProductArn:    fmt.Sprintf("arn:%s:securityhub:%s:%s:product/%s/default", partition, region, res.AccountID, res.AccountID),
			ProductName:   "trailwatch",
			CompanyName:   "trailwatch",
			GeneratorId:   "trailwatch/" + res.ControlID,
			AwsAccountId:  res.AccountID,
			Types:         []string{findingTypes(r.BenchmarkName)},
			CreatedAt:     when,
			UpdatedAt:     when,
			Title:         clipRunes(firstNonEmpty(res.Title, c.Title, res.ControlID), 256),
			Description:   clipRunes(res.Reason, asffDescriptionMax),
			ProductFields: map[string]string{
				"trailwatch/ControlId": res.ControlID,
				"trailwatch/Status":    string(res.Status),
			},
			Compliance:  asffCompliance{Status: asffCompliances[complianceOf(res)], RelatedRequirements: requirements(c.Frameworks)},
			RecordState: "ACTIVE",
		}
		if r.Benchmark != "" {
			f.ProductFields["trailwatch/Benchmark"] = r.BenchmarkName + " " + r.Benchmark
		}
		if res.Status == Waived && res.Waiver != nil {
			f.Workflow = &asffWorkflow{Status: "SUPPRESSED"}
			f.ProductFields["trailwatch/WaiverOwner"] = clipRunes(res.Waiver.Owner, 1024)
			f.ProductFields["trailwatch/WaiverExpires"] = res.Waiver.Expires
			f.ProductFields["trailwatch/WaiverReason"] = clipRunes(res.Waiver.Reason, 1024)
		}
		label := severityLabel(firstNonEmpty(res.Severity, c.Severity))
		if res.Status == Pass {
			// As Security Hub's own controls do: a passed check is
			// informational, whatever the control's severity.
			label = "INFORMATIONAL"
		}
		f.Severity = asffSeverity{Label: label, Original: firstNonEmpty(res.Severity, c.Severity)}
		f.FindingProviderFields = asffProvider{Severity: f.Severity, Types: f.Types}
		if res.Remediation != "" && complianceOf(res) != Pass {
			f.Remediation = &asffRemediation{Recommendation: asffRecommendation{Text: clipRunes(res.Remediation, asffRecommendMax), Url: InformationURI}}
		}
		for _, rs := range res.Resources {
			if len(f.Resources) == asffResourcesMax {
				break
			}
			typ, ok := asffTypes[rs.Type]
			if !ok {
				typ = "Other"
			}
			id := rs.ID
			if rs.Type == AccountType {
				id = "AWS::::Account:" + rs.ID
			}
			f.Resources = append(f.Resources, asffResource{Type: typ, Id: id, Partition: partition, Region: firstNonEmpty(rs.Region, region)})
		}
		if len(f.Resources) == 0 {
			f.Resources = []asffResource{{Type: "AwsAccount", Id: "AWS::::Account:" + res.AccountID, Partition: partition, Region: region}}
		}
		findings = append(findings, f)
	}
	return WriteJSON(w, findings)
}

// requirements are a control's places in the CIS benchmark as Security Hub
// writes them ("CIS AWS Foundations Benchmark v1.4.0/4.5"), one per
// version, and its other frameworks' ids.
func requirements(fs []Framework) []string {
	var out []string
	for _, f := range fs {
		if len(f.Versions) == 0 {
			out = append(out, f.Name+"/"+f.ID)
		}
		for _, v := range f.Versions {
			out = append(out, f.Name+" "+v+"/"+f.ID)
		}
	}
	if len(out) > asffRequirementsMax {
		out = out[:asffRequirementsMax]
	}
	return out
}

func severityLabel(s string) string {
	switch s {
	case "critical", "high", "medium", "low":
		return strings.ToUpper(s)
	}
	return "INFORMATIONAL"
}

// firstRegion is the region of the first regional resource, else
// us-east-1.
func firstRegion(r *Report) string {
	for _, res := range r.Results {
		for _, rs := range res.Resources {
			if rs.Region != "" {
				return rs.Region
			}
		}
	}
	return "us-east-1"
}

// partitionOf is the partition of a result's ARNs (aws, aws-cn,
// aws-us-gov), aws when it has none.
func partitionOf(res Result) string {
	for _, rs := range res.Resources {
		if p := awsarn.Partition(rs.ID); p != "" {
			return p
		}
	}
	return "aws"
}

// clipRunes cuts s to at most n characters, marking the cut.
func clipRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	rs := []rune(s)
	return string(rs[:n-1]) + "…"
}
