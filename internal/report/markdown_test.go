package report_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/trailwatch/trailwatch/internal/report"
)

// Every example renders to Markdown: a summary line, a table with one row
// per account and one column per control, and a collapsible section per
// FAIL and ERROR.
func TestMarkdown(t *testing.T) {
	for name, data := range render(t, "markdown", ".md") {
		rep := exampleReports(t)[name]
		md := string(data)
		if !strings.HasPrefix(md, "## trailwatch: ") {
			t.Errorf("%s: no summary line", name)
		}
		if got, want := strings.Count(md, "<details>"), rep.Summary.Fail+rep.Summary.Error; got != want {
			t.Errorf("%s: %d sections, want %d", name, got, want)
		}
		if got, want := strings.Count(md, "✅")+strings.Count(md, "❌")+strings.Count(md, "⚠️")+strings.Count(md, "💤"), len(rep.Results)+rep.Summary.Fail+rep.Summary.Error; got != want {
			t.Errorf("%s: %d status symbols, want one per result in the table and one per section (%d)", name, got, want)
		}
	}
}

// An organization too large for GitHub's 1 MiB summary is cut, with notes
// saying how much was left out, and never passes the limit.
func TestMarkdownLimit(t *testing.T) {
	big := *exampleReports(t)["organization"]
	var results []report.Result
	for i := range 3000 {
		for _, r := range big.Results {
			r.AccountID = strings.Repeat("0", 8) + string(rune('0'+i/1000)) + string(rune('0'+i/100%10)) + string(rune('0'+i/10%10)) + string(rune('0'+i%10))
			results = append(results, r)
		}
	}
	rep := report.New("trailwatch", "test", big.Snapshots, results)
	rep.Controls = big.Controls
	for _, limit := range []int{0, 64 << 10} {
		var b bytes.Buffer
		if err := (report.Markdown{Limit: limit}).Render(&b, rep); err != nil {
			t.Fatal(err)
		}
		max := limit
		if max == 0 {
			max = report.MarkdownLimit
		}
		if b.Len() > max {
			t.Errorf("limit %d: %d bytes", max, b.Len())
		}
		if !strings.Contains(b.String(), "more results that failed or could not be decided are not shown") {
			t.Errorf("limit %d: no note that results were left out", max)
		}
		if limit != 0 && !strings.Contains(b.String(), "more accounts are not in the table") {
			t.Errorf("limit %d: no note that accounts were left out of the table", max)
		}
	}
}

// Names from a snapshot can add no line, table cell, HTML or code block of
// their own.
func TestMarkdownEscapes(t *testing.T) {
	hostile := "x|y\n## PASS <img src=x onerror=alert(1)> ```\n`code` **bold** [link](http://e)"
	res := report.Result{ControlID: "probe", AccountID: "111122223333", Status: report.Fail, Title: "t " + hostile,
		Reason: "trail " + hostile, Remediation: "aws cloudtrail start-logging --name '" + hostile + "'", Severity: "high"}
	var b bytes.Buffer
	if err := (report.Markdown{}).Render(&b, report.New("trailwatch", "test", nil, []report.Result{res})); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	if strings.Count(md, "````") != 2 {
		t.Fatalf("the remediation's fence is not longer than the backticks in it:\n%s", md)
	}
	// Inside the code block, text is inert; outside, nothing may get through.
	start, end := strings.Index(md, "````"), strings.LastIndex(md, "````")
	md = md[:start] + md[end:]
	for _, bad := range []string{"<img", "\n## PASS", "x|y", "**bold**", "[link](", "\n`code`"} {
		if strings.Contains(md, bad) {
			t.Errorf("the hostile name came through as %q:\n%s", bad, md)
		}
	}
}

// Text from a snapshot or a waiver neither mentions, links nor draws an
// emoji when GitHub renders the Markdown; an ARN stays whole.
func TestMarkdownNeutralizes(t *testing.T) {
	in := "ping @security-team, see https://evil.example/x and www.evil.example :rocket: in arn:aws:sns:us-east-1:111122223333:alerts"
	got := report.MarkdownText(in)
	for _, bad := range []string{"@security", "https:", "www.evil", ":rocket:"} {
		if strings.Contains(got, bad) {
			t.Errorf("%q still holds %q", got, bad)
		}
	}
	if !strings.Contains(got, "arn:aws:sns:us-east-1:111122223333:alerts") {
		t.Errorf("the ARN was changed: %q", got)
	}
	if strings.ReplaceAll(got, "\u2060", "") != in {
		t.Errorf("more than invisible joiners were added: %q", got)
	}
}
