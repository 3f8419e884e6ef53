package report

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/owenrumney/go-sarif/v2/sarif"
)

// SARIF renders the report as SARIF 2.1.0, for GitHub code scanning and
// other viewers of static-analysis results: one rule per control, one
// result per FAIL (level error) and ERROR (level warning) per account,
// located at the line of the snapshot that records the trail (or the
// account), with logical locations for the account, region and resources,
// and a partial fingerprint that depends only on the control and the
// account, so that code scanning tracks one alert across daily runs.
type SARIF struct{}

// InformationURI is where the tool is described, for formats that ask.
const InformationURI = "https://github.com/trailwatch/trailwatch"

// sarifFingerprint is the name of trailwatch's partial fingerprint.
const sarifFingerprint = "trailwatch/v1"

func (SARIF) Render(w io.Writer, r *Report) error {
	log, err := sarif.New(sarif.Version210)
	if err != nil {
		return err
	}
	run := sarif.NewRunWithInformationURI(r.Tool, InformationURI)
	run.Tool.Driver.Version = &r.Version
	index := map[string]int{}
	for i, c := range r.ControlList() {
		index[c.ID] = i
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule(c))
	}
	for _, res := range r.Results {
		if res.Status == Pass {
			continue
		}
		run.AddResult(sarifResult(res, index[res.ControlID], r))
	}
	props := sarif.Properties{"snapshots": r.Snapshots}
	if r.Benchmark != "" {
		props["benchmark"] = r.BenchmarkName + " " + r.Benchmark
	}
	if r.CollectedAt != "" {
		props["collected_at"] = r.CollectedAt
	}
	run.Properties = props
	log.AddRun(run)
	return WriteJSON(w, log)
}

func sarifRule(c Control) *sarif.ReportingDescriptor {
	rule := sarif.NewRule(c.ID).
		WithName(pascal(c.ID)).
		WithShortDescription(sarif.NewMultiformatMessageString(c.Title)).
		WithFullDescription(sarif.NewMultiformatMessageString(firstNonEmpty(c.Description, c.Title))).
		WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel("error"))
	help := c.Title
	if c.Remediation != "" {
		help += "\n\nRemediation:\n" + c.Remediation
	}
	md := "**" + c.Title + "**"
	if c.Remediation != "" {
		md += "\n\nRemediation:\n\n```\n" + strings.TrimRight(c.Remediation, "\n") + "\n```"
	}
	var tags []string
	tags = append(tags, "security", "compliance")
	for _, f := range c.Frameworks {
		md += "\n\n" + f.String()
		tags = append(tags, f.Name+" "+f.ID)
	}
	rule.WithHelp(sarif.NewMultiformatMessageString(help).WithMarkdown(md))
	rule.Properties = sarif.Properties{"tags": tags, "precision": "very-high", "problem.severity": "error"}
	if s, ok := securitySeverity[c.Severity]; ok {
		rule.Properties["security-severity"] = s
	}
	return rule
}

// securitySeverity is a severity as GitHub reads security-severity: 9.0
// and above critical, 7.0 high, 4.0 medium, 0.1 low.
var securitySeverity = map[string]string{
	"critical": "9.5",
	"high":     "8.0",
	"medium":   "5.5",
	"low":      "3.0",
}

func sarifResult(res Result, ruleIndex int, r *Report) *sarif.Result {
	level := "error"
	if was := firstNonEmpty(string(res.Was), string(res.Status)); was != string(Fail) {
		level = "warning"
	}
	out := sarif.NewRuleResult(res.ControlID).
		WithRuleIndex(ruleIndex).
		WithLevel(level).
		WithMessage(sarif.NewTextMessage(sarifMessage(res)))
	place := res.Place
	if place == nil {
		// Read from standard input or built in memory: point at the first
		// snapshot, so that every result has a location.
		name := "-"
		if len(r.Snapshots) > 0 {
			name = r.Snapshots[0]
		}
		place = &Place{File: name, Line: 1}
	}
	loc := sarif.NewLocation().WithPhysicalLocation(sarif.NewPhysicalLocation().
		WithArtifactLocation(sarif.NewSimpleArtifactLocation(fileURI(place.File))).
		WithRegion(sarif.NewSimpleRegion(place.Line, place.Line)))
	loc.WithLogicalLocations(logicalLocations(res))
	out.AddLocation(loc)
	fp := fingerprint(res.ControlID, res.AccountID)
	out.WithPartialFingerPrints(map[string]interface{}{sarifFingerprint: fp})
	if res.Status == Waived && res.Waiver != nil {
		// Every field set: the library writes null for those left unset,
		// which the schema refuses.
		w := res.Waiver
		out.AddSuppression(sarif.NewSuppression("external").
			WithStatus("accepted").
			WithGuid(guid(fp, w.File, fmt.Sprint(w.Line))).
			WithJustifcation(fmt.Sprintf("%s (owner %s, until %s; %s:%d)", w.Reason, w.Owner, w.Expires, w.File, w.Line)).
			WithLocation(sarif.NewLocation().WithPhysicalLocation(sarif.NewPhysicalLocation().
				WithArtifactLocation(sarif.NewSimpleArtifactLocation(fileURI(w.File))).
				WithRegion(sarif.NewSimpleRegion(max(w.Line, 1), max(w.Line, 1))))))
	}
	return out
}

// guid is a name-based UUID (version 5 layout) from parts: the same
// suppression gets the same GUID in every run.
func guid(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	b := sum[:16]
	b[6] = b[6]&0x0f | 0x50
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// sarifMessage says what is wrong in the account and, for a FAIL, the fix
// with the account's own names, which the rule's help cannot give.
func sarifMessage(res Result) string {
	msg := fmt.Sprintf("account %s: %s", res.AccountID, res.Reason)
	if res.Status == Fail && res.Remediation != "" {
		msg += "\n\nRemediation:\n" + res.Remediation
	}
	return msg
}

// logicalLocations name the account, the region and the resources of a
// result, each qualified by what contains it.
func logicalLocations(res Result) []*sarif.LogicalLocation {
	acct := "aws/" + res.AccountID
	out := []*sarif.LogicalLocation{sarif.NewLogicalLocation().WithName(res.AccountID).WithKind("namespace").WithFullyQualifiedName(acct)}
	regions := map[string]bool{}
	for _, rs := range res.Resources {
		if rs.Region != "" && !regions[rs.Region] {
			regions[rs.Region] = true
			out = append(out, sarif.NewLogicalLocation().WithName(rs.Region).WithKind("namespace").WithFullyQualifiedName(acct+"/"+rs.Region))
		}
	}
	for _, rs := range res.Resources {
		if rs.Type == AccountType {
			continue
		}
		out = append(out, sarif.NewLogicalLocation().WithName(firstNonEmpty(rs.Name, rs.ID)).WithKind("resource").WithFullyQualifiedName(rs.ID).WithDecoratedName(rs.Type))
	}
	return out
}

// fingerprint identifies a finding across runs: a control in an account,
// whatever the reason says today.
func fingerprint(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(sum[:16])
}

// fileURI is a snapshot path as a URI reference: relative paths stay
// relative (code scanning resolves them against the repository), absolute
// ones become file: URIs.
func fileURI(path string) string {
	p := filepath.ToSlash(path)
	u := &url.URL{Path: p}
	if filepath.IsAbs(path) {
		u.Scheme = "file"
	}
	return u.String()
}

// pascal turns a control id into a rule name: cloudtrail-config-changes
// is CloudtrailConfigChanges.
func pascal(id string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(id, func(r rune) bool { return r == '-' || r == '_' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
