package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/format"

	"github.com/trailwatch/trailwatch/internal/golden"
	"github.com/trailwatch/trailwatch/internal/report"
	"github.com/trailwatch/trailwatch/internal/snapshot"
	"github.com/trailwatch/trailwatch/policies"
)

// copyPolicies writes the embedded policies to a directory, as an auditor
// would copy them to edit.
func copyPolicies(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	if err := policies.Export(dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

// policyDir writes one control, with the library, to a directory.
func policyDir(t *testing.T, control string) string {
	t.Helper()
	dir := copyPolicies(t)
	if err := os.RemoveAll(filepath.Join(dir, "controls")); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "controls", "probe", "probe.rego")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(control), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

const probeHeader = `# METADATA
# title: probe
# custom:
#   id: probe
#   severity: low
#   frameworks: [{name: trailwatch tests, id: probe}]
package controls.probe

import data.lib.core
`

func TestLoadEmbedded(t *testing.T) {
	p, err := Load(Options{})
	if err != nil {
		t.Fatal(err)
	}
	cs := p.Controls()
	if len(cs) == 0 || cs[0].ID != "cloudtrail-config-changes" || cs[0].Package != "controls.monitoring.cloudtrail_config_changes" || cs[0].Family != "monitoring" {
		t.Errorf("controls = %+v", cs)
	}
	if !strings.HasPrefix(cs[0].Location, "policies/controls/monitoring/cloudtrail_config_changes/") {
		t.Errorf("location %q does not name the repository file", cs[0].Location)
	}
}

func TestPolicyErrors(t *testing.T) {
	tests := []struct {
		name, control string
		want          []string
	}{
		{"syntax error", probeHeader + "result := {\n", []string{"controls/probe/probe.rego:11:", "rego_parse_error: unexpected eof token"}},
		{"no result rule", probeHeader + "verdict := 1\n", []string{"probe.rego:1: control probe (package controls.probe) defines no rule \"result\""}},
		{"network built-in refused", probeHeader + "result := http.send({\"method\": \"get\", \"url\": \"http://example.com\"})\n", []string{"probe.rego:10:", "undefined function http.send"}},
		{"clock refused", probeHeader + "result := time.now_ns()\n", []string{"undefined function time.now_ns"}},
		{"randomness refused", probeHeader + "result := rand.intn(\"x\", 10)\n", []string{"undefined function rand.intn"}},
		{"no control id", "# METADATA\n# title: x\npackage controls.probe\n\nresult := 1\n", []string{"has no custom.id"}},
		{"no title", "# METADATA\n# custom:\n#   id: probe\n#   severity: low\n#   frameworks: [{name: x, id: y}]\npackage controls.probe\n\nresult := 1\n", []string{"probe.rego:1: package controls.probe: METADATA has no title"}},
		{"bad severity", "# METADATA\n# title: x\n# custom:\n#   id: probe\n#   severity: urgent\n#   frameworks: [{name: x, id: y}]\npackage controls.probe\n\nresult := 1\n", []string{`custom.severity is "urgent"; want one of informational, low, medium, high, critical`}},
		{"no frameworks", "# METADATA\n# title: x\n# custom:\n#   id: probe\n#   severity: low\npackage controls.probe\n\nresult := 1\n", []string{"METADATA has no custom.frameworks"}},
		{"framework without id", "# METADATA\n# title: x\n# custom:\n#   id: probe\n#   severity: low\n#   frameworks: [{name: x}]\npackage controls.probe\n\nresult := 1\n", []string{"custom.frameworks[0] needs a name and an id"}},
		{"bad id", "# METADATA\n# title: x\n# custom:\n#   id: Probe Control\n#   severity: low\n#   frameworks: [{name: x, id: y}]\npackage controls.probe\n\nresult := 1\n", []string{`custom.id "Probe Control": use lower-case letters, digits and dashes`}},
		{"memoized function reads input", probeHeader + "# METADATA\n# custom:\n#   memoize: run\nf(x) := input.a + x\n\nresult := f(1)\n", []string{"is marked memoize: run but reads input"}},
		{"memoized function's own input made of input", probeHeader + "# METADATA\n# custom:\n#   memoize: run\nf(x) := y if {\n\ty := g(x) with input as {\"a\": input.b}\n}\n\ng(x) := input.a + x\n\nresult := f(1)\n", []string{"is marked memoize: run but reads input"}},
		{"memoized function's own input, then input", probeHeader + "# METADATA\n# custom:\n#   memoize: run\nf(x) := y + input.b if {\n\ty := g(x) with input as {\"a\": x}\n}\n\ng(x) := input.a + x\n\nresult := f(1)\n", []string{"is marked memoize: run but reads input"}},
		{"unknown function", probeHeader + "result := cwlogs.nothing(1)\n", []string{"undefined function cwlogs.nothing"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := policyDir(t, tt.control)
			_, err := Load(Options{PolicyDirs: []string{dir}})
			var pe *PolicyError
			if !errors.As(err, &pe) {
				t.Fatalf("Load = %v, want a *PolicyError", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not contain %q", err, w)
				}
			}
		})
	}
	t.Run("not a directory", func(t *testing.T) {
		_, err := Load(Options{PolicyDirs: []string{"engine.go"}})
		if err == nil || !strings.Contains(err.Error(), "--policy takes a directory") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("missing directory", func(t *testing.T) {
		_, err := Load(Options{PolicyDirs: []string{"no-such-dir"}})
		if err == nil || !strings.Contains(err.Error(), "no-such-dir: policy directory") {
			t.Errorf("err = %v", err)
		}
	})
}

// Files the loader would read whole, or trust, are looked at first: a
// device that never ends or a FIFO that never answers is refused without
// being opened, and a data file holding a key twice is refused with its
// line (the loader would keep the last value; a reviewer may read the
// first).
func TestPolicyFilesRefused(t *testing.T) {
	tests := []struct {
		name  string
		setup func(dir string) error
		want  []string
	}{
		{"a rego file that is /dev/zero", func(dir string) error {
			return os.Symlink("/dev/zero", filepath.Join(dir, "zero.rego"))
		}, []string{"zero.rego: not a regular file"}},
		{"a data file that is a FIFO", func(dir string) error {
			return syscall.Mkfifo(filepath.Join(dir, "data.json"), 0o644)
		}, []string{"data.json: not a regular file"}},
		{"a key twice in JSON data", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "data.json"), []byte("{\"probe\": {\"limit\": 1,\n \"limit\": 100}}"), 0o644)
		}, []string{"data.json: 2:2: $.probe.limit: the key \"limit\" appears twice"}},
		{"a key twice in YAML data", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "data.yaml"), []byte("probe:\n  limit: 1\n  limit: 100\n"), 0o644)
		}, []string{"data.yaml:", `mapping key "limit" already defined at line 2`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := policyDir(t, probeHeader+"result := 1\n")
			if err := tt.setup(dir); err != nil {
				t.Fatal(err)
			}
			_, err := Load(Options{PolicyDirs: []string{dir}})
			var pe *PolicyError
			if !errors.As(err, &pe) {
				t.Fatalf("Load = %v, want a *PolicyError", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) || !strings.Contains(err.Error(), dir) {
					t.Errorf("error %q\ndoes not name %s and contain %q", err, dir, w)
				}
			}
		})
	}
}

func TestBuiltinsInPolicies(t *testing.T) {
	dir := policyDir(t, probeHeader+`
result := core.result(rego.metadata.chain(), {
	"status": "PASS",
	"reason": "probe",
	"evidence": {
		"match_object": cwlogs.filter_matches("{ $.eventName = StopLogging }", {"eventName": "StopLogging"}),
		"match_string": cwlogs.filter_matches("ERROR", "an ERROR here"),
		"miss": cwlogs.filter_matches("{ $.eventName = StopLogging }", {"eventName": "StartLogging"}),
		"broken_matches": cwlogs.filter_matches("{ $.a = ", {"a": 1}),
		"broken_error": cwlogs.filter_error("{ $.a = "),
		"valid_error": cwlogs.filter_error("{ $.a = 1 }"),
	},
})
`)
	p, err := Load(Options{PolicyDirs: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	ev, err := p.Prepare(context.Background(), Selection{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := ev.Evaluate(context.Background(), &snapshot.Snapshot{FormatVersion: 1, Accounts: []snapshot.Account{{AccountID: "111122223333"}}})
	if err != nil {
		t.Fatal(err)
	}
	var e map[string]any
	if err := json.Unmarshal(res[0].Evidence, &e); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"match_object": true, "match_string": true, "miss": false, "broken_matches": false,
		"broken_error": "column 9: expected a value, found end of pattern", "valid_error": "",
	}
	for k, v := range want {
		if e[k] != v {
			t.Errorf("%s = %#v, want %#v", k, e[k], v)
		}
	}
}

func TestEvaluateVerdictChecks(t *testing.T) {
	acc := &snapshot.Snapshot{FormatVersion: 1, Accounts: []snapshot.Account{{AccountID: "111122223333"}}}
	tests := []struct {
		name, body, want string
	}{
		{"bad status", `result := core.result(rego.metadata.chain(), {"status": "MAYBE", "reason": "x"})`, `returned status "MAYBE"`},
		{"no reason", `result := core.result(rego.metadata.chain(), {"status": "PASS"})`, "with no reason"},
		{"wrong account", `result := object.union(core.result(rego.metadata.chain(), {"status": "PASS", "reason": "x"}), {"account_id": "999999999999"})`, "returned account_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Load(Options{PolicyDirs: []string{policyDir(t, probeHeader+tt.body+"\n")}})
			if err != nil {
				t.Fatal(err)
			}
			ev, err := p.Prepare(context.Background(), Selection{})
			if err != nil {
				t.Fatal(err)
			}
			_, err = ev.Evaluate(context.Background(), acc)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
	t.Run("undefined verdict is ERROR", func(t *testing.T) {
		p, err := Load(Options{PolicyDirs: []string{policyDir(t, probeHeader+"result := 1 if false\n")}})
		if err != nil {
			t.Fatal(err)
		}
		ev, _ := p.Prepare(context.Background(), Selection{})
		res, err := ev.Evaluate(context.Background(), acc)
		if err != nil {
			t.Fatal(err)
		}
		if len(res) != 1 || res[0].Status != report.Error || !strings.Contains(res[0].Reason, "no verdict") {
			t.Errorf("results = %+v", res)
		}
	})
}

// The built-ins policies may use are listed in testdata/builtins.txt, and
// the list is compared whole: a new OPA that adds a built-in fails here
// until someone has read what it does and regenerated the list with
// -update (adding it to machineDependent if it reads the clock, the zone,
// the environment or the network).
func TestCapabilitiesListed(t *testing.T) {
	var b strings.Builder
	b.WriteString("# The built-ins trailwatch policies may use (go test ./internal/engine -run TestCapabilitiesListed -update).\n")
	for _, bi := range Capabilities().Builtins {
		b.WriteString(bi.Name + "\n")
	}
	golden.Check(t, filepath.Join("testdata", "builtins.txt"), []byte(b.String()))
}

// A policy that asks for the clock, the machine's zone or a time-zone
// database does not compile, and the error names the built-in.
func TestNoClockSideDoors(t *testing.T) {
	for _, call := range []string{
		`time.clock([0, "Local"])`,
		`time.date([0, "Local"])`,
		`time.weekday([0, "Europe/Paris"])`,
		`time.format([0, "Local", "15:04"])`,
		`time.add_date(0, 0, 0, 1)`,
		`time.diff(0, [0, "Local"])`,
		`time.parse_ns("MST", "EST")`,
		`crypto.x509.parse_and_verify_certificates("")`,
		`crypto.x509.parse_and_verify_certificates_with_options("", {})`,
		`time.now_ns()`,
		`opa.runtime()`,
	} {
		dir := t.TempDir()
		src := "package probe\n\nx := " + call + "\n"
		if err := os.WriteFile(filepath.Join(dir, "probe.rego"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Load(Options{PolicyDirs: []string{dir}})
		name := call[:strings.IndexByte(call, '(')]
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("a policy calling %s: err %v", call, err)
		}
	}
}

func TestCapabilities(t *testing.T) {
	caps := Capabilities()
	for _, name := range []string{"http.send", "time.now_ns", "rand.intn", "uuid.rfc4122", "net.lookup_ip_addr", "opa.runtime", "time.clock", "crypto.x509.parse_and_verify_certificates"} {
		if caps.ContainsBuiltin(name) {
			t.Errorf("capabilities allow %s", name)
		}
	}
	for _, name := range []string{"cwlogs.filter_matches", "cwlogs.filter_error", "object.union", "sprintf"} {
		if !caps.ContainsBuiltin(name) {
			t.Errorf("capabilities lack %s", name)
		}
	}
	data, err := CapabilitiesJSON()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte(`"allow_net": []`)) {
		t.Error(`capabilities JSON does not say "allow_net": []`)
	}
	// What opa check --capabilities does: compile the policies with the
	// capabilities read back from the file.
	loaded, err := ast.LoadCapabilitiesJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if loaded.AllowNet == nil || len(loaded.AllowNet) != 0 {
		t.Errorf("allow_net read back as %v, want an empty list", loaded.AllowNet)
	}
	mods := map[string]*ast.Module{}
	err = fs.WalkDir(policies.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".rego" {
			return err
		}
		src, err := policies.FS.ReadFile(path)
		if err != nil {
			return err
		}
		m, err := ast.ParseModuleWithOpts(path, string(src), ast.ParserOptions{RegoVersion: ast.RegoV1, ProcessAnnotation: true})
		mods[path] = m
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	c := ast.NewCompiler().WithCapabilities(loaded)
	if c.Compile(mods); c.Failed() {
		t.Errorf("policies do not compile with the written capabilities: %v", c.Errors)
	}
}

// Rego files are formatted as opa fmt formats them.
func TestRegoFormatted(t *testing.T) {
	err := fs.WalkDir(policies.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".rego" {
			return err
		}
		src, err := policies.FS.ReadFile(path)
		if err != nil {
			return err
		}
		out, err := format.SourceWithOpts(path, src, format.Opts{RegoVersion: ast.RegoV1})
		if err != nil {
			return err
		}
		if !bytes.Equal(src, out) {
			t.Errorf("policies/%s is not formatted; run make fmt", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestRegoUnitTests(t *testing.T) {
	p, err := Load(Options{WithTests: true})
	if err != nil {
		t.Fatal(err)
	}
	// The whole suite runs in make test-rego (trailwatch policy test); here,
	// the tests that call the project's built-ins, through RunTests.
	var out bytes.Buffer
	sum, err := p.RunTests(context.Background(), &out, TestOptions{Run: `lib\.core|lib\.monitoring\.(filters|subscriptions|records)_test`})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Failed+sum.Errored > 0 || sum.Passed < 40 {
		t.Errorf("Rego tests: %+v\n%s", sum, out.String())
	}
}
