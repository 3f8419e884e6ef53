package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/trailwatch/trailwatch/collector"
	"github.com/trailwatch/trailwatch/internal/golden"
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

func TestEvaluateBadInput(t *testing.T) {
	dir := t.TempDir()
	good, err := os.ReadFile("../../snapshots/compliant.json")
	if err != nil {
		t.Fatal(err)
	}
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name string
		path string
		want string
	}{
		{"missing file", filepath.Join(dir, "missing.json"), "missing.json: no such file"},
		{"directory", dir, "is a directory"},
		{"empty file", write("empty.json", ""), "empty.json: empty file"},
		{"not JSON", write("text.json", "<html>not a snapshot</html>"), "text.json:1:1: not valid JSON"},
		{"truncated", write("half.json", string(good[:len(good)/2])), "half.json:"},
		{"array", write("array.json", "[]"), "array.json:1:1: $: not a trailwatch snapshot"},
		{"number", write("number.json", "3"), "number.json:1:1: $: not a trailwatch snapshot"},
		{"unknown version", write("v9.json", `{"format_version": 9, "accounts": []}`), "v9.json: $.format_version: format version 9"},
		{"wrong type", write("type.json", strings.Replace(string(good), `"IsMultiRegionTrail": true`, `"IsMultiRegionTrail": "true"`, 1)), "type.json:22:37: $.accounts[0].regions[1].trails[0].IsMultiRegionTrail: want a boolean"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := cli(t, "evaluate", tt.path)
			if code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			if stdout != "" {
				t.Errorf("something was reported on stdout:\n%s", stdout)
			}
			if !strings.Contains(stderr, tt.want) || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
				t.Errorf("stderr %q: want one line containing %q", stderr, tt.want)
			}
		})
	}
	t.Run("one bad file among good ones reports nothing", func(t *testing.T) {
		code, stdout, stderr := cli(t, "evaluate", "../../snapshots/compliant.json", filepath.Join(dir, "missing.json"))
		if code != 2 || stdout != "" || !strings.Contains(stderr, "missing.json") {
			t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
		}
	})
	t.Run("bad flags", func(t *testing.T) {
		if code, _, stderr := cli(t, "evaluate", "--format", "xml", "../../snapshots/compliant.json"); code != 2 || !strings.Contains(stderr, `unknown format "xml"`) {
			t.Errorf("exit %d, stderr %q", code, stderr)
		}
		if code, _, _ := cli(t, "evaluate"); code != 2 {
			t.Errorf("no snapshot: exit %d", code)
		}
		if code, _, _ := cli(t, "evaluate", "--nope", "x"); code != 2 {
			t.Errorf("unknown flag: exit %d", code)
		}
	})
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

// writePolicies exports the embedded policies to a directory an auditor
// can edit, as trailwatch policy export does.
func writePolicies(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "policies")
	if code, _, stderr := cli(t, "policy", "export", dir); code != 0 {
		t.Fatalf("policy export: exit %d: %s", code, stderr)
	}
	return dir
}

// editMonitoring changes, as an auditor would, the monitoring data of a
// control (its directory's name) in exported policies; it returns the
// data file's path.
func editMonitoring(t *testing.T, dir, control string, edit func(monitoring map[string]any)) string {
	t.Helper()
	path := filepath.Join(dir, "controls", control, "data.json")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var data map[string]map[string]any
	if err := json.Unmarshal(raw, &data); err != nil {
		t.Fatal(err)
	}
	edit(data["monitoring"])
	raw, _ = json.Marshal(data)
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// An auditor copies the policies, requires one more event, and the verdict
// changes without a rebuild.
func TestPolicyDirectoryChangesVerdict(t *testing.T) {
	dir := writePolicies(t)
	editMonitoring(t, dir, "cloudtrail_config_changes", func(m map[string]any) {
		m["events"] = append(m["events"].([]any), map[string]any{"eventSource": "cloudtrail.amazonaws.com", "eventName": "PutEventSelectors"})
	})
	code, stdout, stderr := cli(t, "evaluate", "--control", "cloudtrail-config-changes", "--policy", dir, "--format", "json", "../../snapshots/compliant.json")
	if code != 1 {
		t.Fatalf("exit %d, want 1; stderr %s", code, stderr)
	}
	r := decodeReport(t, stdout)
	if !strings.Contains(r.Results[0].Reason, "misses PutEventSelectors") {
		t.Errorf("reason %q does not name the added event", r.Results[0].Reason)
	}
	// Unchanged copies give the built-in verdict.
	if code, _, _ := cli(t, "evaluate", "--control", "cloudtrail-config-changes", "--policy", writePolicies(t), "../../snapshots/compliant.json"); code != 0 {
		t.Errorf("unchanged copy: exit %d", code)
	}
}

func TestPolicyDirectoryErrors(t *testing.T) {
	dir := writePolicies(t)
	path := filepath.Join(dir, "controls", "cloudtrail_config_changes", "cloudtrail_config_changes.rego")
	src, _ := os.ReadFile(path)
	broken := strings.Replace(string(src), "result := monitoring.result(", "result := := monitoring.result(", 1)
	if err := os.WriteFile(path, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := cli(t, "evaluate", "--policy", dir, "../../snapshots/compliant.json")
	if code != 2 || stdout != "" {
		t.Errorf("exit %d, stdout %q", code, stdout)
	}
	if !strings.Contains(stderr, path+":") || !strings.Contains(stderr, "rego_parse_error") {
		t.Errorf("stderr %q does not give file:line:col", stderr)
	}
}

func TestPolicyTest(t *testing.T) {
	// Every test of the built-in policies runs in internal/engine and in
	// make test-rego; here, the command with --run.
	code, stdout, stderr := cli(t, "policy", "test", "--run", "cloudtrail_config_changes")
	if code != 0 || !strings.Contains(stdout, "PASS: ") {
		t.Fatalf("policy test: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, _, stderr := cli(t, "policy", "test", "--run", "no_such_test_anywhere"); code != 2 || !strings.Contains(stderr, "no test matches --run") {
		t.Errorf("--run that matches nothing: exit %d, %s", code, stderr)
	}
	dir := writePolicies(t)
	extra := "package controls.cloudtrail_config_changes_test\n\ntest_fails_on_purpose if false\n"
	if err := os.WriteFile(filepath.Join(dir, "controls", "cloudtrail_config_changes", "extra_test.rego"), []byte(extra), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ = cli(t, "policy", "test", "--policy", dir, "--run", "cloudtrail_config_changes")
	if code != 1 || !strings.Contains(stdout, "test_fails_on_purpose: FAIL") {
		t.Errorf("a failing Rego test: exit %d\n%s", code, stdout)
	}
}

func TestPolicyCapabilitiesAndList(t *testing.T) {
	code, stdout, _ := cli(t, "policy", "capabilities")
	if code != 0 || !strings.Contains(stdout, `"cwlogs.filter_matches"`) || strings.Contains(stdout, `"http.send"`) {
		t.Errorf("capabilities: exit %d, %d bytes", code, len(stdout))
	}
	code, stdout, _ = cli(t, "policy", "list")
	if code != 0 {
		t.Errorf("list: exit %d", code)
	}
	golden.Check(t, filepath.Join("testdata", "policy-list.txt"), []byte(stdout))
	code, stdout, _ = cli(t, "policy", "fmt", "../../policies")
	if code != 0 {
		t.Errorf("the shipped policies are not formatted:\n%s", stdout)
	}
	dir := writePolicies(t)
	if code, _, stderr := cli(t, "policy", "export", dir); code != 2 || !strings.Contains(stderr, "exists") {
		t.Errorf("export over an earlier copy: exit %d, stderr %q", code, stderr)
	}
	// A .rego that is a device is refused, by fmt and by every command
	// that loads policies, without being read.
	zero := filepath.Join(dir, "zero.rego")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"policy", "fmt", dir}, {"policy", "list", "--policy", dir}, {"evaluate", "--policy", dir, "../../snapshots/compliant.json"}} {
		code, _, stderr := cli(t, args...)
		if code != 2 || !strings.Contains(stderr, zero+": not a regular file") {
			t.Errorf("%q: exit %d, stderr %q", args, code, stderr)
		}
	}
}

func TestTestMetricFilter(t *testing.T) {
	code, stdout, stderr := cli(t, "test-metric-filter",
		"--filter-pattern", "[..., request=*.html*, status_code=4*,]",
		"--log-event-messages",
		`127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534`,
		`127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 200 1534`,
		`127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /a.html HTTP/1.0" 403 99`,
	)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	want := `{
    "matches": [
        {
            "eventNumber": 1,
            "eventMessage": "127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] \"GET /index.html HTTP/1.0\" 404 1534",
            "extractedValues": {
                "$1": "127.0.0.1",
                "$2": "-",
                "$3": "frank",
                "$4": "10/Oct/2000:13:25:15 -0700",
                "$7": "1534",
                "$request": "GET /index.html HTTP/1.0",
                "$status_code": "404"
            }
        },
        {
            "eventNumber": 3,
            "eventMessage": "127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] \"GET /a.html HTTP/1.0\" 403 99",
            "extractedValues": {
                "$1": "127.0.0.1",
                "$2": "-",
                "$3": "frank",
                "$4": "10/Oct/2000:13:25:15 -0700",
                "$7": "99",
                "$request": "GET /a.html HTTP/1.0",
                "$status_code": "403"
            }
        }
    ]
}
`
	if stdout != want {
		t.Errorf("output:\n%s\nwant:\n%s", stdout, want)
	}

	// JSON patterns: extractedValues is empty; nothing matched is an empty list.
	_, stdout, _ = cli(t, "test-metric-filter", "--filter-pattern", "{ $.eventName = StopLogging }", "--log-event-messages", `{"eventName":"StopLogging"}`)
	if !strings.Contains(stdout, `"extractedValues": {}`) || !strings.Contains(stdout, `"eventNumber": 1`) {
		t.Errorf("JSON pattern output:\n%s", stdout)
	}
	code, stdout, _ = cli(t, "test-metric-filter", "--filter-pattern", "ERROR", "--log-event-messages", "all fine")
	if code != 0 || stdout != "{\n    \"matches\": []\n}\n" {
		t.Errorf("no match: exit %d output %q", code, stdout)
	}

	// file:// as the aws CLI takes it: the pattern is the file, messages are its lines.
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "pattern"), []byte("?ERROR ?WARN\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "events"), []byte("INFO a\nWARN b\nERROR c\n"), 0o644)
	_, stdout, stderr = cli(t, "test-metric-filter", "--filter-pattern", "file://"+filepath.Join(dir, "pattern"), "--log-event-messages", "file://"+filepath.Join(dir, "events"))
	var got struct{ Matches []struct{ EventNumber int } }
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("%v: %s", err, stderr)
	}
	var nums []int
	for _, m := range got.Matches {
		nums = append(nums, m.EventNumber)
	}
	if !slices.Equal(nums, []int{2, 3}) {
		t.Errorf("file:// matches %v, want [2 3]", nums)
	}

	// A file:// that never ends is cut at the bound; a FIFO nobody writes
	// to reads as empty instead of hanging.
	code, stdout, stderr = cli(t, "test-metric-filter", "--filter-pattern", "file:///dev/zero", "--log-event-messages", "x")
	if code != 2 || stdout != "" || !strings.Contains(stderr, "read file:///dev/zero: more than the 16777216 bytes allowed") {
		t.Errorf("file:///dev/zero: exit %d stdout %q stderr %q", code, stdout, stderr)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = cli(t, "test-metric-filter", "--filter-pattern", "x", "--log-event-messages", "file://"+fifo)
	if code != 0 {
		t.Errorf("file:// FIFO: exit %d stderr %q", code, stderr)
	}

	// An invalid pattern: the column, exit 2, nothing on stdout.
	code, stdout, stderr = cli(t, "test-metric-filter", "--filter-pattern", "{ $.eventName = }", "--log-event-messages", "x")
	if code != 2 || stdout != "" || !strings.Contains(stderr, "column 17") {
		t.Errorf("invalid pattern: exit %d stdout %q stderr %q", code, stdout, stderr)
	}
	many := []string{"test-metric-filter", "--filter-pattern", "x", "--log-event-messages"}
	for range 51 {
		many = append(many, "m")
	}
	if code, _, stderr := cli(t, many...); code != 2 || !strings.Contains(stderr, "51 messages") {
		t.Errorf("51 messages: exit %d stderr %q", code, stderr)
	}
	if code, _, _ := cli(t, "test-metric-filter", "--filter-pattern", "x"); code != 2 {
		t.Errorf("no messages: exit %d", code)
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

func TestUsage(t *testing.T) {
	if code, _, stderr := cli(t); code != 2 || !strings.Contains(stderr, "Usage:") {
		t.Errorf("no command: exit %d", code)
	}
	if code, _, _ := cli(t, "frobnicate"); code != 2 {
		t.Errorf("unknown command: exit %d", code)
	}
	if code, stdout, _ := cli(t, "help"); code != 0 || !strings.Contains(stdout, "evaluate") {
		t.Errorf("help: exit %d", code)
	}
	if code, stdout, _ := cli(t, "version"); code != 0 || !strings.HasPrefix(stdout, "trailwatch ") {
		t.Errorf("version: exit %d %q", code, stdout)
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

func TestCollectFlags(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		want string // in the message, so the refusal is for this reason
	}{
		{[]string{"collect", "--role-arn", "arn:aws:iam::12:role/x"}, "not an IAM role ARN"},
		{[]string{"collect", "--concurrency", "0"}, "at least 1"},
		{[]string{"collect", "extra"}, "no arguments"},
		{[]string{"collect", "--region", ""}, `--region "" is not a region`},
		{[]string{"collect", "--region", "us-east-1,eu-west-1"}, "is not a region"},
		{[]string{"collect", "--region", "us-east-1", "--region", "us-east-1"}, "given twice"},
		{[]string{"collect", "-o", dir}, "is a directory"},
		{[]string{"collect", "-o", filepath.Join(dir, "no", "such", "dir", "s.json")}, "cannot write there"},
		{[]string{"collect", "--shard", "3/2", "--organization-role", "Audit"}, "K must be from 1 to N"},
		{[]string{"collect", "--shard", "0/0", "--organization-role", "Audit"}, "K must be from 1 to N"},
		{[]string{"collect", "--shard", "1-2", "--organization-role", "Audit"}, "want K/N"},
		{[]string{"collect", "--shard", "1/2"}, "without either there is one account"},
		{[]string{"collect", "--organization-role", "Audit", "--role-arn", "arn:aws:iam::111122223333:role/x"}, "give one or the other"},
		{[]string{"collect", "--organization-role", "arn:aws:iam::111122223333:role/x"}, "want a role name"},
		{[]string{"collect", "--account", "111122223333"}, "they need --organization-role"},
		{[]string{"collect", "--organization-role", "Audit", "--account", "1111"}, "an account id is 12 digits"},
		{[]string{"collect", "--organization-role", "Audit", "--accounts-file", filepath.Join(dir, "none.txt")}, "--accounts-file"},
	} {
		code, _, stderr := cli(t, c.args...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%q: exit %d, stderr %q; want exit 2 and %q", c.args, code, stderr, c.want)
		}
	}
}

// A control's data that is malformed, or that no longer makes the records
// it describes, is refused when the policies load, naming the file; an
// unknown --benchmark or --control lists the known values. Exit 2, and no
// report.
func TestEvaluateBadSelectionAndData(t *testing.T) {
	dir := writePolicies(t)
	dataPath := editMonitoring(t, dir, "vpc_changes", func(m map[string]any) {
		m["events"].([]any)[0].(map[string]any)["callers"] = []any{"root_console", "robot"}
	})
	malformed := writePolicies(t)
	if err := os.WriteFile(filepath.Join(malformed, "controls", "vpc_changes", "data.json"), []byte(`{"monitoring": {`), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown caller", []string{"--policy", dir}, dataPath + `: control vpc-changes: monitoring: unknown caller "robot"`},
		{"malformed data", []string{"--policy", malformed}, filepath.Join(malformed, "controls", "vpc_changes", "data.json")},
		{"unknown benchmark", []string{"--benchmark", "v9.9.9"}, `--benchmark: unknown CIS AWS Foundations Benchmark version "v9.9.9"; known: v1.2.0, v1.4.0`},
		{"unknown control", []string{"--control", "nope"}, `--control: unknown control "nope"; known: cloudtrail-config-changes, cmk-disable-or-deletion`},
		{"control not in the version", []string{"--benchmark", "v1.2.0", "--control", "organizations-changes"}, "--control: organizations-changes is not part of CIS benchmark v1.2.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := cli(t, append(append([]string{"evaluate"}, tt.args...), "../../snapshots/compliant.json")...)
			if code != 2 || stdout != "" || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 2 and %q", code, stdout, stderr, tt.want)
			}
		})
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

// --waivers: a waived FAIL does not fail the gate; an expired waiver does
// not apply (--today pins the date); a bad waivers file or date is exit 2
// with the file and line, before any report is written.
func TestEvaluateWaivers(t *testing.T) {
	dir := t.TempDir()
	w := filepath.Join(dir, "waivers.yaml")
	if err := os.WriteFile(w, []byte(`waivers:
  - control: cloudtrail-config-changes
    accounts: ["*"]
    reason: sandbox
    owner: secops@example.com
    expires: 2026-12-31
`), 0o644); err != nil {
		t.Fatal(err)
	}
	snap := "../../snapshots/broken-logging-stopped.json"
	code, stdout, stderr := cli(t, "evaluate", "--control", "cloudtrail-config-changes", "--waivers", w, "--today", "2026-12-31", snap)
	if code != 0 || !strings.Contains(stdout, "WAIVED cloudtrail-config-changes") || !strings.Contains(stdout, "waivers expiring soon:") {
		t.Errorf("waived: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, _ = cli(t, "evaluate", "--control", "cloudtrail-config-changes", "--waivers", w, "--today", "2027-01-01", "--format", "json", snap)
	if r := decodeReport(t, stdout); code != 1 || r.Results[0].Status != "FAIL" || !strings.Contains(r.Results[0].Reason, "waiver expired on 2026-12-31") {
		t.Errorf("expired: exit %d, %+v", code, r.Results)
	}
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("waivers:\n  - control: nope\n"), 0o644)
	out := filepath.Join(dir, "report.txt")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--waivers", bad}, bad + ":2: waiver without accounts"},
		{[]string{"--waivers", filepath.Join(dir, "missing.yaml")}, "missing.yaml: cannot read"},
		{[]string{"--waivers", w, "--today", "tomorrow"}, `--today "tomorrow" is not a date`},
		{[]string{"--waivers", w, "--warn-expiry", "-1"}, "--warn-expiry must be 0 or more"},
	} {
		code, _, stderr := cli(t, append(append([]string{"evaluate", "-o", out}, c.args...), snap)...)
		if _, err := os.Stat(out); code != 2 || !strings.Contains(stderr, c.want) || err == nil {
			t.Errorf("%q: exit %d, stderr %q, report written: %v; want exit 2 and %q", c.args, code, stderr, err == nil, c.want)
		}
	}
}

// diff: exit 1 when a verdict got worse, 0 when nothing did; the same with
// --old/--new; bad arguments and snapshots of another format are exit 2
// with the file named, and nothing is written.
func TestDiff(t *testing.T) {
	code, stdout, stderr := cli(t, "diff", "../../snapshots/compliant.json", "../../snapshots/broken-alarm-actions-disabled.json")
	if code != 1 || !strings.Contains(stdout, "alarm CloudTrailConfigChanges's actions were disabled") {
		t.Errorf("regression: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, _ = cli(t, "diff", "--format", "json", "--old", "../../snapshots/broken-alarm-actions-disabled.json", "--new", "../../snapshots/compliant.json")
	var d struct {
		Summary struct{ Improvements, Regressions int }
	}
	if err := json.Unmarshal([]byte(stdout), &d); err != nil || code != 0 || d.Summary.Improvements != 1 || d.Summary.Regressions != 0 {
		t.Errorf("improvement: exit %d, %+v, %v", code, d, err)
	}
	dir := t.TempDir()
	v2 := filepath.Join(dir, "v2.json")
	os.WriteFile(v2, []byte(`{"format_version": 2, "accounts": []}`), 0o644)
	out := filepath.Join(dir, "diff.txt")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"../../snapshots/compliant.json"}, "diff takes two snapshots"},
		{[]string{"--old", "../../snapshots/compliant.json", "../../snapshots/compliant.json"}, "diff takes two snapshots"},
		{[]string{"--format", "sarif", "../../snapshots/compliant.json", "../../snapshots/compliant.json"}, `--format "sarif": use one of text, json, markdown`},
		{[]string{"../../snapshots/compliant.json", v2}, v2 + ": "},
		{[]string{"../../snapshots/compliant.json", "../../snapshots/compliant.json", "-o", dir}, "is a directory"},
	} {
		code, _, stderr := cli(t, append([]string{"diff", "-o", out}, c.args...)...)
		if _, err := os.Stat(out); code != 2 || !strings.Contains(stderr, c.want) || err == nil {
			t.Errorf("%q: exit %d, stderr %q, written %v; want exit 2 and %q", c.args, code, stderr, err == nil, c.want)
		}
	}
}
