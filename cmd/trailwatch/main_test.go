package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"testing"

	"github.com/trailwatch/trailwatch/collector"
	"github.com/trailwatch/trailwatch/internal/report"
)

// cli runs trailwatch in-process with the given arguments.
func cli(t testing.TB, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

type jsonReport struct {
	Summary struct{ Pass, Fail, Error int }
	Results []struct {
		ControlID   string `json:"control_id"`
		AccountID   string `json:"account_id"`
		Status      string `json:"status"`
		Reason      string `json:"reason"`
		Title       string `json:"title"`
		Severity    string `json:"severity"`
		Remediation string `json:"remediation"`
		Frameworks  []struct {
			Name, ID string
			Versions []string
		} `json:"frameworks"`
		Evidence map[string]any `json:"evidence"`
	}
}

func decodeReport(t testing.TB, s string) jsonReport {
	t.Helper()
	var r jsonReport
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		t.Fatalf("report is not JSON: %v\n%s", err, s)
	}
	return r
}

func TestEvaluateStdin(t *testing.T) {
	data, err := os.ReadFile("../../snapshots/broken-no-log-group.json")
	if err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"evaluate", "-"}, bytes.NewReader(data), &out, &errb)
	if code != 1 || !strings.Contains(out.String(), "delivers to no CloudWatch Logs log group") {
		t.Errorf("exit %d\n%s%s", code, out.String(), errb.String())
	}
	code = run(context.Background(), []string{"evaluate", "-"}, strings.NewReader("[]"), &out, &errb)
	if code != 2 || !strings.Contains(errb.String(), "<stdin>:1:1: $: not a trailwatch snapshot") {
		t.Errorf("bad stdin: exit %d, stderr %q", code, errb.String())
	}
}

func TestEvaluateOutputFile(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "report.json")
	code, stdout, _ := cli(t, "evaluate", "--control", "cloudtrail-config-changes", "--format", "json", "-o", out, "../../snapshots/compliant.json")
	if code != 0 || stdout != "" {
		t.Fatalf("exit %d, stdout %q", code, stdout)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if r := decodeReport(t, string(data)); r.Summary.Pass != 1 {
		t.Errorf("report file: %+v", r.Summary)
	}
	// Flags after the snapshot work too, and a failed run leaves the earlier
	// report alone.
	code, _, _ = cli(t, "evaluate", filepath.Join(dir, "missing.json"), "-o", out)
	if code != 2 {
		t.Errorf("exit %d", code)
	}
	after, _ := os.ReadFile(out)
	if !bytes.Equal(data, after) {
		t.Error("a failed run changed the earlier report")
	}

	// A report sent through a symlink lands in the file it points to, and
	// the link stays a link.
	link := filepath.Join(dir, "latest.json")
	if err := os.Symlink(out, link); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := cli(t, "evaluate", "--format", "text", "-o", link, "../../snapshots/compliant.json"); code != 0 {
		t.Fatalf("-o symlink: exit %d: %s", code, stderr)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the symlink was replaced: %v %v", fi.Mode(), err)
	}
	if text, _ := os.ReadFile(out); !strings.HasPrefix(string(text), "account 111122223333") {
		t.Errorf("the link's target did not get the report: %.60q", text)
	}

	// -o /dev/null discards the report and leaves the device alone.
	if code, _, stderr := cli(t, "evaluate", "-o", os.DevNull, "../../snapshots/compliant.json"); code != 0 {
		t.Fatalf("-o %s: exit %d: %s", os.DevNull, code, stderr)
	}
	if fi, err := os.Stat(os.DevNull); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		t.Fatalf("%s is no longer a device: %v %v", os.DevNull, fi.Mode(), err)
	}

	// -o a directory is refused before any work, naming it.
	code, _, stderr := cli(t, "evaluate", "-o", dir, "../../snapshots/compliant.json")
	if code != 2 || !strings.Contains(stderr, dir) {
		t.Errorf("-o directory: exit %d: %s", code, stderr)
	}
}

// Without -X main.version, the version comes from what go build stamped.
func TestVersionFromBuildInfo(t *testing.T) {
	rev := []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: "36fbd17a0c3c9e1b2d4f5a6b7c8d9e0f1a2b3c4d"}}
	for _, c := range []struct {
		bi   *debug.BuildInfo
		want string
	}{
		{nil, "dev"},
		{&debug.BuildInfo{Main: debug.Module{Version: "v1.2.0"}, Settings: rev}, "v1.2.0"},
		{&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: rev}, "dev+36fbd17a0c3c"},
		{&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: append(rev, debug.BuildSetting{Key: "vcs.modified", Value: "true"})}, "dev+36fbd17a0c3c-dirty"},
		{&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "dev"},
	} {
		if got := versionFrom(c.bi); got != c.want {
			t.Errorf("versionFrom(%+v) = %q, want %q", c.bi, got, c.want)
		}
	}
}

// Progress: a bar on a terminal that ends cleared, one line per account
// elsewhere, nothing with --quiet.
func TestProgress(t *testing.T) {
	var b bytes.Buffer
	bar := newProgress(&b, false, true, 2)
	bar.update(collector.Progress{Accounts: 2, Calls: 42, Failed: 1})
	bar.accountDone(collector.AccountDone{Account: "111122223333", Regions: 17, Failed: 1, Done: 1, Total: 2})
	bar.accountDone(collector.AccountDone{Account: "444455556666", Regions: 17, Done: 2, Total: 2})
	bar.done()
	if !strings.Contains(b.String(), "/2)") || !strings.Contains(b.String(), "collecting: 42 calls, 1 failed") || strings.Contains(b.String(), "\n") {
		t.Errorf("terminal progress %q", b.String())
	}
	b.Reset()
	lines := newProgress(&b, false, false, 2)
	lines.update(collector.Progress{Calls: 1})
	lines.accountDone(collector.AccountDone{Account: "111122223333", Regions: 17, Failed: 1, Done: 1, Total: 2})
	lines.done()
	if !strings.HasPrefix(b.String(), "trailwatch: account 111122223333 read (1/2): 17 regions, 1 failed calls;") || strings.Count(b.String(), "\n") != 1 {
		t.Errorf("progress lines %q", b.String())
	}
	b.Reset()
	quiet := newProgress(&b, true, true, 2)
	quiet.update(collector.Progress{Calls: 1})
	quiet.accountDone(collector.AccountDone{Account: "111122223333", Done: 1, Total: 2})
	quiet.done()
	if b.Len() != 0 {
		t.Errorf("--quiet printed %q", b.String())
	}
	if isTerminal(&b) {
		t.Error("a buffer is not a terminal")
	}
}

// --report FORMAT=FILE writes another format beside the one on standard
// output, from the same evaluation; a bad --report is refused before any
// work, and a run that fails leaves an earlier report file as it was.
func TestEvaluateReports(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "report.json")
	code, stdout, stderr := cli(t, "evaluate", "--report", "json="+out, "../../snapshots/broken-logging-stopped.json")
	if code != 1 || !strings.HasPrefix(stdout, "account 111122223333\n") || stderr != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	_, direct, _ := cli(t, "evaluate", "--format", "json", "../../snapshots/broken-logging-stopped.json")
	if string(data) != direct {
		t.Error("--report json= differs from --format json")
	}
	// Every format at once, each as --format would print it, and the exit
	// code the same whatever is written.
	args := []string{"evaluate", "--asff-region", "eu-west-1"}
	for _, f := range report.Formats() {
		args = append(args, "--report", f+"="+filepath.Join(dir, "all."+f))
	}
	if code, _, stderr := cli(t, append(args, "../../snapshots/broken-logging-stopped.json")...); code != 1 {
		t.Fatalf("every format: exit %d: %s", code, stderr)
	}
	for _, f := range report.Formats() {
		code, direct, _ := cli(t, "evaluate", "--format", f, "--asff-region", "eu-west-1", "../../snapshots/broken-logging-stopped.json")
		written, err := os.ReadFile(filepath.Join(dir, "all."+f))
		if err != nil || string(written) != direct || code != 1 || len(direct) == 0 {
			t.Errorf("--report %s= differs from --format %s (exit %d, %v)", f, f, code, err)
		}
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "all.asff")); !strings.Contains(string(data), "arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default") {
		t.Error("--asff-region did not set the findings' region")
	}
	if code, _, stderr := cli(t, "evaluate", "--asff-region", "Europe", "../../snapshots/compliant.json"); code != 2 || !strings.Contains(stderr, "--asff-region") {
		t.Errorf("--asff-region Europe: exit %d, %s", code, stderr)
	}
	for _, tt := range []struct{ spec, want string }{
		{"xml=" + filepath.Join(dir, "r.xml"), `unknown format "xml"; use one of ` + strings.Join(report.Formats(), ", ")},
		{"json", "want FORMAT=FILE"},
		{"json=", "want FORMAT=FILE"},
		{"json=" + filepath.Join(dir, "missing", "r.json"), "cannot write there"},
	} {
		code, stdout, stderr := cli(t, "evaluate", "--report", tt.spec, filepath.Join(dir, "no-such-snapshot.json"))
		if code != 2 || stdout != "" || !strings.Contains(stderr, tt.want) {
			t.Errorf("--report %s: exit %d, stdout %q, stderr %q; want exit 2 and %q before reading the snapshot", tt.spec, code, stdout, stderr, tt.want)
		}
	}
	if code, _, _ := cli(t, "evaluate", "--report", "json="+out, filepath.Join(dir, "missing.json")); code != 2 {
		t.Errorf("exit %d", code)
	}
	if after, _ := os.ReadFile(out); string(after) != string(data) {
		t.Error("a failed run changed the earlier report file")
	}
}

// A file:// FIFO nobody writes to reads as empty instead of hanging (the
// rest of test-metric-filter is testdata/script/test_metric_filter.txtar).
func TestTestMetricFilterFIFO(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := cli(t, "test-metric-filter", "--filter-pattern", "x", "--log-event-messages", "file://"+fifo); code != 0 {
		t.Errorf("file:// FIFO: exit %d stderr %q", code, stderr)
	}
}
