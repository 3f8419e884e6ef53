package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/trailwatch/trailwatch/internal/report"
)

// The HTML report of every frozen example, as whole golden files.
func TestHTML(t *testing.T) {
	for name, page := range render(t, "html", ".html") {
		for _, net := range []string{"http://", "https://", "//fonts", "@import", "src="} {
			if bytes.Contains(page, []byte(net)) {
				t.Errorf("%s: the page refers to %q: it must be self-contained", name, net)
			}
		}
	}
}

// hostileName is an AWS name chosen to run in a page that wrote it as
// markup: a script, an attribute that runs, and quotes to leave one.
const hostileName = `</script><script>window.pwned=1</script><img src=x onerror="window.pwned=2">'"&amp;`

// hostileReport is a report whose every AWS name and waiver text is
// hostileName.
func hostileReport() *report.Report {
	ev, _ := json.Marshal(map[string]any{"trails": []map[string]string{{"link": "logging", "status": "FAIL", "reason": hostileName, "trail_name": hostileName, "trail": "arn:aws:cloudtrail:us-east-1:111122223333:trail/" + hostileName}}})
	results := []report.Result{
		{ControlID: "cloudtrail-config-changes", AccountID: "111122223333", Status: report.Fail, Reason: "trail " + hostileName + ": logging is stopped", Title: hostileName, Evidence: ev, Remediation: "aws cloudtrail start-logging --name '" + hostileName + "'"},
		{ControlID: "root-account-usage", AccountID: "111122223333", Status: report.Waived, Was: report.Fail, Reason: hostileName, Waiver: &report.Waiver{Control: "root-account-usage", Owner: hostileName, Reason: hostileName, Expires: "2027-01-01", File: hostileName, Line: 3}},
	}
	r := report.New("trailwatch", "test", []string{hostileName + ".json"}, results)
	r.CollectedAt = hostileName
	return r
}

// No AWS name is ever written as markup: each stays text, in the page's
// elements and in the data its script reads.
func TestHTMLEscapesNames(t *testing.T) {
	var b bytes.Buffer
	if err := (report.HTML{}).Render(&b, hostileReport()); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, raw := range []string{"<script>window.pwned", "<img src=x", `onerror="window`} {
		if strings.Contains(out, raw) {
			t.Errorf("the page holds %q unescaped", raw)
		}
	}
	if n := strings.Count(out, "<script"); n != 2 {
		t.Errorf("%d script elements, want the page's own 2", n)
	}
}

// browser starts Debian's Chromium, headless, as the page's reader: a
// test that needs it fails when it is missing (make test-setup installs
// it), as the moto tests do.
func browser(t *testing.T) context.Context { return browserFor(t) }

func browserFor(t testing.TB) context.Context {
	t.Helper()
	path := ""
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		t.Fatal("the HTML report is tested in Chromium, which is missing: make test-setup installs Debian's chromium")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1400, 1000),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	ctx, cancelTime := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTime(); cancel(); cancelAlloc() })
	return ctx
}

// page writes a report as an HTML file and returns its URL.
func pageOf(t *testing.T, r *report.Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := (report.HTML{}).Render(&b, r); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return "file://" + path
}

// The report read in Chromium as an auditor would: the matrix's counts
// are the JSON report's; a click on a FAIL opens its chain with the broken
// link marked; filtering to FAIL and searching a name keep the accounts
// they should; a hostile name runs nothing; printing gives a PDF.
func TestHTMLInBrowser(t *testing.T) {
	reports := exampleReports(t)
	ctx := browser(t)
	open := func(r *report.Report) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Navigate(pageOf(t, r)), chromedp.WaitVisible(chromedp.CSS("#matrix tbody tr"))); err != nil {
			t.Fatal(err)
		}
	}
	eval := func(js string) int {
		t.Helper()
		n, err := chromedp.Run(ctx, chromedp.Evaluate[int](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return n
	}
	rows := func() int { return eval(`document.querySelectorAll("#matrix tbody tr").length`) }

	org := reports["organization"]
	open(org)
	counts := map[string]int{}
	for _, s := range []string{"F", "E", "W", "P"} {
		counts[s] = eval(`document.querySelectorAll("#matrix td.s-` + s + `").length`)
	}
	accounts := map[string]bool{}
	for _, r := range org.Results {
		accounts[r.AccountID] = true
	}
	if counts["F"] != org.Summary.Fail || counts["E"] != org.Summary.Error || counts["W"] != org.Summary.Waived || counts["P"] != org.Summary.Pass || rows() != len(accounts) {
		t.Errorf("matrix %v over %d rows, JSON report %+v over %d accounts", counts, rows(), org.Summary, len(accounts))
	}

	fail := reports["fail"]
	open(fail)
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#matrix td.s-F a[href$="-cloudtrail-config-changes"]`)),
		chromedp.WaitVisible(chromedp.CSS(`article.result.open .chain`)),
	); err != nil {
		t.Fatal(err)
	}
	brokenText, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`article.result.open .broken`)))
	if err != nil {
		t.Fatal(err)
	}
	if opened, broken := eval(`document.querySelectorAll("article.result.open").length`), eval(`document.querySelectorAll("article.result.open .chain li.breaks").length`); opened != 1 || broken != 1 || !strings.Contains(brokenText, "logging is stopped") {
		t.Errorf("after a click on the FAIL: %d results open, %d broken links, %q", opened, broken, brokenText)
	}
	// A select is set as a person's choice sets it: its value, then the
	// change event.
	choose := func(status string) {
		eval(`(function(s){s.value="` + status + `";s.dispatchEvent(new Event("change"));return 0})(document.getElementById("f-status"))`)
	}
	choose("F")
	if n := rows(); n != 1 {
		t.Errorf("filtered to FAIL: %d accounts, want 1", n)
	}
	choose("P")
	passing := rows()
	choose("")
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("f-search"), "management-events")); err != nil {
		t.Fatal(err)
	}
	found := rows()
	eval(`(function(s){s.value="";s.dispatchEvent(new Event("input"));return 0})(document.getElementById("f-search"))`)
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("f-search"), "no-such-name")); err != nil {
		t.Fatal(err)
	}
	if none := rows(); found != 1 || none != 0 || passing != 1 {
		t.Errorf("search: %d accounts for a trail's name, %d for a name nobody has; %d with a PASS", found, none, passing)
	}

	open(hostileReport())
	shown, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`.about time`)))
	if err != nil {
		t.Fatal(err)
	}
	if pwned := eval(`window.pwned === undefined ? 0 : 1`); pwned != 0 || shown != hostileName {
		t.Errorf("a hostile name ran (%d) or did not show as text: %q", pwned, shown)
	}

	open(fail)
	pdf, err := chromedp.Run(ctx, func(ctx context.Context, tg *chromedp.Target) ([]byte, error) {
		res, err := cdp.Call(ctx, tg, page.PrintToPDF, page.PrintToPDFParams{PrintBackground: ptr(true)})
		return res.Data, err
	})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) || len(pdf) < 10000 {
		t.Errorf("printing gave %d bytes, not a PDF of the report", len(pdf))
	}
}

func ptr[T any](v T) *T { return &v }
