package diff

import (
	"fmt"
	"strings"
	"testing"

	"github.com/trailwatch/trailwatch/internal/report"
)

// The Markdown diff stays within GitHub's limit on a job summary and says
// how much it left out, rather than being refused or looking complete.
func TestMarkdownDiffLimit(t *testing.T) {
	defer func(n int) { markdownLimit = n }(markdownLimit)
	markdownLimit = 4096
	d := &Diff{Old: []string{"old.json"}, New: []string{"new.json"}}
	for i := range 200 {
		d.Verdicts = append(d.Verdicts, Verdict{Effect: Regression, Account: fmt.Sprintf("%012d", i), Control: "cloudtrail-config-changes", Old: report.Pass, New: report.Fail, NewReason: "logging is stopped"})
	}
	d.Summary.Regressions = 200
	var b strings.Builder
	if err := renderMarkdown(&b, d); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if len(out) > markdownLimit {
		t.Errorf("%d bytes, over the limit of %d", len(out), markdownLimit)
	}
	if !strings.Contains(out, "lines left out**: GitHub takes at most 1 MiB") || !strings.Contains(out, "| 000000000000 |") {
		t.Errorf("no note of what was left out, or no row at all:\n%s", out)
	}
}
