package report_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/trailwatch/trailwatch/internal/report"
)

// BenchmarkHTMLOrganization renders the report of 10,000 accounts by 15
// controls (one account in ten failing one control, one in a hundred
// undecided), opens it in Chromium and filters it to FAIL: the page's
// size, the time until the matrix is drawn and the time a filter takes
// are reported as metrics.
func BenchmarkHTMLOrganization(b *testing.B) {
	var results []report.Result
	for a := range 10000 {
		account := fmt.Sprintf("%012d", 100000000000+a)
		for c := range 15 {
			r := report.Result{ControlID: fmt.Sprintf("control-%02d", c), AccountID: account, Status: report.Pass, Reason: "trail main -> log group g -> filter f -> metric m -> alarm a -> topic t"}
			switch {
			case a%10 == 0 && c == a%15:
				r.Status, r.Reason, r.Remediation = report.Fail, "trail main: logging is stopped", "aws cloudtrail start-logging --region us-east-1 --name main"
			case a%100 == 1 && c == 0:
				r.Status, r.Reason = report.Error, "cannot decide: sts AssumeRole failed: AccessDenied"
			}
			results = append(results, r)
		}
	}
	rep := report.New("trailwatch", "bench", []string{"org.json"}, results)
	var page bytes.Buffer
	start := time.Now()
	if err := (report.HTML{}).Render(&page, rep); err != nil {
		b.Fatal(err)
	}
	rendered := time.Since(start)
	path := filepath.Join(b.TempDir(), "org.html")
	if err := os.WriteFile(path, page.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
	ctx := browserFor(b)
	for b.Loop() {
		start := time.Now()
		if err := chromedp.Do(ctx, chromedp.Navigate("file://"+path), chromedp.WaitVisible(chromedp.CSS("#matrix tbody tr"))); err != nil {
			b.Fatal(err)
		}
		drawn := time.Since(start)
		start = time.Now()
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`(function(s){s.value="F";s.dispatchEvent(new Event("change"));return document.querySelectorAll("#matrix tbody tr").length})(document.getElementById("f-status"))`))
		if err != nil || n != 100 {
			b.Fatalf("filtered to FAIL: %d rows (a page), %v", n, err)
		}
		b.ReportMetric(float64(rendered.Milliseconds()), "render-ms")
		b.ReportMetric(float64(page.Len())/(1<<20), "MiB")
		b.ReportMetric(float64(drawn.Milliseconds()), "open-ms")
		b.ReportMetric(float64(time.Since(start).Milliseconds()), "filter-ms")
	}
}
