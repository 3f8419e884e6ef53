package hygiene

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func root(t *testing.T) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

func goCmd(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = root(t)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	err := cmd.Run()
	return out.String(), err
}

// deps lists every package a package pulls in, transitively.
func deps(t *testing.T, pkg string) []string {
	t.Helper()
	out, err := goCmd(t, "list", "-deps", pkg)
	if err != nil {
		t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
	}
	return strings.Fields(out)
}

// Evaluation offline is a property of the import graph: the evaluator never
// links the AWS SDK, the collector never links OPA, the format and pattern
// packages stand on the standard library alone, and the report package on
// it and the libraries of the formats it writes.
func TestImportBoundaries(t *testing.T) {
	const mod = "github.com/trailwatch/trailwatch/"
	rules := []struct {
		pkg       string
		forbidden []string
		stdOnly   bool
		allowed   []string // packages (or module prefixes ending in /) a standard-library-only package may use
	}{
		{pkg: mod + "internal/engine", forbidden: []string{"github.com/aws/"}},
		{pkg: mod + "internal/report", stdOnly: true, allowed: []string{"github.com/owenrumney/go-sarif/v2/", mod + "internal/awsarn"}},
		{pkg: mod + "internal/snapshot", stdOnly: true, allowed: []string{mod + "internal/strictjson", mod + "internal/filterpattern", mod + "internal/fileio"}},
		{pkg: mod + "internal/fileio", stdOnly: true},
		{pkg: mod + "internal/strictjson", stdOnly: true},
		{pkg: mod + "internal/filterpattern", stdOnly: true},
		{pkg: mod + "internal/snsfilter", stdOnly: true},
		{pkg: mod + "internal/awsarn", stdOnly: true},
		{pkg: mod + "policies", stdOnly: true},
		{pkg: mod + "collector", forbidden: []string{"github.com/open-policy-agent/"}},
		{pkg: mod + "internal/synth", stdOnly: true, allowed: []string{mod + "internal/snapshot", mod + "internal/strictjson", mod + "internal/filterpattern", mod + "internal/fileio", mod + "policies"}},
		{pkg: mod + "internal/diff", stdOnly: true, allowed: []string{mod + "internal/report", mod + "internal/snapshot", mod + "internal/strictjson", mod + "internal/filterpattern", mod + "internal/fileio", mod + "internal/awsarn", "github.com/owenrumney/go-sarif/v2/"}},
		{pkg: mod + "internal/waiver", stdOnly: true, allowed: []string{mod + "internal/report", mod + "internal/snapshot", mod + "internal/strictjson", mod + "internal/filterpattern", mod + "internal/fileio", mod + "internal/awsarn", "gopkg.in/yaml.v3", "github.com/owenrumney/go-sarif/v2/"}},
	}
	for _, r := range rules {
		for _, d := range deps(t, r.pkg) {
			for _, f := range r.forbidden {
				if strings.HasPrefix(d, f) {
					t.Errorf("%s imports %s", r.pkg, d)
				}
			}
			if r.stdOnly && strings.Contains(strings.SplitN(d, "/", 2)[0], ".") && !strings.HasPrefix(d, r.pkg) && !allowedDep(r.allowed, d) {
				t.Errorf("%s imports %s; it may use the standard library only", r.pkg, d)
			}
		}
	}
}

// The command parses flags, calls and prints: AWS is the collector's. It
// links the SDK only through collector, never by importing it.
func TestCommandImportsNoAWS(t *testing.T) {
	out, err := goCmd(t, "list", "-f", `{{join .Imports "\n"}}`, "./cmd/trailwatch")
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, imp := range strings.Fields(out) {
		if strings.HasPrefix(imp, "github.com/aws/") {
			t.Errorf("cmd/trailwatch imports %s; AWS belongs to collector", imp)
		}
	}
}

// The renderers are tested from frozen reports, not from the engine's
// verdicts: a change of wording in a policy rewrites evaluate's goldens
// and never a renderer's.
func TestRendererTestsUseFrozenReports(t *testing.T) {
	out, err := goCmd(t, "list", "-f", `{{join .TestImports "\n"}}
{{join .XTestImports "\n"}}`, "./internal/report")
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, imp := range strings.Fields(out) {
		if strings.HasSuffix(imp, "/internal/engine") || strings.HasSuffix(imp, "/policies") {
			t.Errorf("internal/report's tests import %s; render testdata/input/*.json instead", imp)
		}
	}
}

func allowedDep(allowed []string, dep string) bool {
	for _, a := range allowed {
		if dep == a || strings.HasSuffix(a, "/") && strings.HasPrefix(dep, a) {
			return true
		}
	}
	return false
}

func TestGofmt(t *testing.T) {
	cmd := exec.Command("gofmt", "-l", ".")
	cmd.Dir = root(t)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("gofmt: %v\n%s", err, out)
	}
	if s := strings.TrimSpace(string(out)); s != "" {
		t.Errorf("gofmt would change:\n%s", s)
	}
}

func TestVet(t *testing.T) {
	if out, err := goCmd(t, "vet", "./..."); err != nil {
		t.Errorf("go vet:\n%s", out)
	}
}

func TestModTidy(t *testing.T) {
	if out, err := goCmd(t, "mod", "tidy", "-diff"); err != nil {
		t.Errorf("go.mod or go.sum is not tidy (run go mod tidy):\n%s", out)
	}
}
