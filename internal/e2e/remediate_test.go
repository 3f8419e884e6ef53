package e2e

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/trailwatch/trailwatch/internal/golden"
	"github.com/trailwatch/trailwatch/internal/moto"
)

// shimDir holds the awsshim program, named aws (built in TestMain).
var shimDir string

// fixRun is what proving a fix needs: the account, how to read it, and
// the evaluate arguments that select the controls of the scenario.
type fixRun struct {
	account string
	cli     *moto.CLI // acts in the account, as the user applying the fix
	collect []string  // collect's arguments (besides -o and the endpoint)
	eval    []string  // evaluate's and remediate's selection of controls
	family  string
}

// proveFix takes a snapshot whose account FAILs (first, its evaluation
// with f.eval) and proves trailwatch
// remediate's script as the issue asks: the script is written, passes
// bash -n and shellcheck, runs against moto with the aws CLI; a new
// reading then PASSes every control that failed, trailwatch diff shows
// only those improvements (no regression, no drift of what passed); and a
// second run of the script changes nothing (the third reading equals the
// second). It returns the script.
func proveFix(t *testing.T, f fixRun, before string, first verdicts) string {
	t.Helper()
	failing := 0
	for _, r := range first[f.account] {
		if r.Status == "FAIL" {
			failing++
		}
	}
	if failing == 0 {
		t.Fatalf("nothing fails in account %s: no fix to prove", f.account)
	}
	dir := t.TempDir()
	args := append([]string{"remediate", "--notify", "security@example.com", "-o", dir}, f.eval...)
	if f.family != "" {
		args = append(args, "--family", f.family)
	}
	code, summary, stderr := trailwatch(t, nil, append(args, before)...)
	if code != 0 {
		t.Fatalf("remediate: exit %d\n%s%s", code, summary, stderr)
	}
	if strings.Contains(summary, "manual step") {
		t.Fatalf("the fix has manual steps, so it cannot be proven by running it:\n%s", summary)
	}
	script := filepath.Join(dir, f.account+".sh")
	text, err := os.ReadFile(script)
	if err != nil {
		t.Fatalf("%v\n%s", err, summary)
	}
	checkShell(t, script)

	shim, err := f.cli.Shim(shimDir)
	if err != nil {
		t.Fatal(err)
	}
	defer shim.Close()
	run := func() {
		cmd := exec.Command("bash", script)
		cmd.Env = shim.Env()
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			t.Fatalf("bash %s: %v\n%s\nscript:\n%s", script, err, out.String(), text)
		}
	}
	run()
	after, code, stderr := collect(t, admin, f.collect...)
	if code != 0 {
		t.Fatalf("collect after the fix: exit %d\n%s", code, stderr)
	}
	_, second := evaluateFamily(t, f.family, append(f.eval, after)...)
	for id, r := range second[f.account] {
		if r.Status != "PASS" {
			t.Errorf("after the fix, %s: %s %s\nscript:\n%s", id, r.Status, r.Reason, text)
		}
	}

	diffArgs := append([]string{"diff", "--format", "json"}, f.eval...)
	code, out, stderr := trailwatch(t, nil, append(diffArgs, before, after)...)
	var d struct {
		Summary struct{ Regressions, Undecided, Improvements, Drift int }
		Drift   []struct{ Kind, Text string }
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil || code != 0 {
		t.Fatalf("diff: exit %d, %v\n%s%s", code, err, out, stderr)
	}
	if d.Summary.Regressions+d.Summary.Undecided > 0 || d.Summary.Improvements != failing || d.Summary.Drift > 0 {
		t.Errorf("diff before and after the fix: %+v, drift %v; want %d improvements and nothing else", d.Summary, d.Drift, failing)
	}

	run()
	again, code, stderr := collect(t, admin, f.collect...)
	if code != 0 {
		t.Fatalf("collect after the second run: exit %d\n%s", code, stderr)
	}
	if a, b := comparable(t, after), comparable(t, again); !reflect.DeepEqual(a, b) {
		second, _ := json.MarshalIndent(a, "", " ")
		third, _ := json.MarshalIndent(b, "", " ")
		t.Errorf("a second run of the script changed the account (second reading -, third +):\n%s", golden.FirstDifference(second, third))
	}
	return string(text)
}

// comparable is a snapshot as JSON values without what differs between
// two readings of an account that did not change: when each was
// collected, when CloudTrail last delivered, and the order of lists.
func comparable(t *testing.T, path string) any {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	return scrub(v)
}

func scrub(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k := range x {
			// CloudTrail updates its delivery times itself, every few
			// minutes (moto on every read).
			if k == "collected_at" || strings.HasPrefix(k, "Latest") && strings.HasSuffix(k, "Time") {
				delete(x, k)
				continue
			}
			x[k] = scrub(x[k])
		}
	case []any:
		for i := range x {
			x[i] = scrub(x[i])
		}
		// A list a reading holds is a set: moto lists a metric filter put
		// again last, where AWS keeps the order of names.
		sort.Slice(x, func(i, j int) bool {
			a, _ := json.Marshal(x[i])
			b, _ := json.Marshal(x[j])
			return string(a) < string(b)
		})
	}
	return v
}

// checkShell checks a script with bash -n and shellcheck (Debian's
// package, which make test installs; a missing shellcheck fails, as a
// missing moto does).
func checkShell(t *testing.T, script string) {
	t.Helper()
	if out, err := exec.Command("bash", "-n", script).CombinedOutput(); err != nil {
		t.Errorf("bash -n %s: %v\n%s", script, err, out)
	}
	if _, err := exec.LookPath("shellcheck"); err != nil {
		t.Fatalf("shellcheck is needed to check the scripts remediate writes (make test installs Debian's package): %v", err)
	}
	if out, err := exec.Command("shellcheck", "--shell=bash", script).CombinedOutput(); err != nil {
		t.Errorf("shellcheck %s: %v\n%s", script, err, out)
	}
}
