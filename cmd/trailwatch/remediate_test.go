package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/dlclark/regexp2"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/trailwatch/trailwatch/internal/golden"
)

// remediateCases are the fixes kept as golden files: every broken
// example, and the variants that show a part of its own.
func remediateCases(t *testing.T) map[string][]string {
	t.Helper()
	files, err := filepath.Glob("../../snapshots/broken-*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no broken examples: %v", err)
	}
	cases := map[string][]string{}
	for _, f := range files {
		cases[strings.TrimSuffix(filepath.Base(f), ".json")] = []string{"--notify", "security@example.com", f}
	}
	// The trail's bucket is judged by v1.4.0 to v2.0.0 only.
	cases["broken-trail-bucket-public"] = []string{"--benchmark", "v2.0.0", "../../snapshots/broken-trail-bucket-public.json"}
	// Without --notify, subscribing a person is a manual step.
	cases["broken-topic-no-subscription.no-notify"] = []string{"../../snapshots/broken-topic-no-subscription.json"}
	// An organization whose accounts pass but one that was not read:
	// what was not decided is left alone, and no file is written.
	cases["organization"] = []string{"--notify", "https://alerts.example.com/hook", "../../snapshots/organization.json"}
	return cases
}

// templated are the cases also written as CloudFormation: between them,
// every kind of resource a template holds (a new filter and alarm, a
// subscription, a topic policy), the calls it cannot express (a trail's,
// a filter put again, a bucket's), a template of those alone, and an
// organization with nothing to fix.
var templated = map[string]bool{
	"broken-no-log-group":          true,
	"broken-topic-no-subscription": true,
	"broken-topic-policy":          true,
	"broken-filter-misses-event":   true,
	"broken-logging-stopped":       true,
	"broken-trail-bucket-public":   true,
	"organization":                 true,
}

// Every fix remediate writes for the examples as bash, and for some as
// CloudFormation: each file and the summary are whole golden files; each
// script passes bash -n and shellcheck, each template cfn-lint and the
// CloudFormation resource schemas of its resources.
func TestRemediateGolden(t *testing.T) {
	var scripts, templates []string
	for name, args := range remediateCases(t) {
		formats := []string{"sh"}
		if templated[name] {
			formats = append(formats, "cloudformation")
		}
		for _, format := range formats {
			dir := t.TempDir()
			code, stdout, stderr := cli(t, append([]string{"remediate", "--format", format, "-o", dir}, args...)...)
			if code != 0 || stderr != "" {
				t.Fatalf("%s: exit %d\n%s", name, code, stderr)
			}
			where := filepath.Join("testdata", "remediate", format, name)
			golden.Check(t, filepath.Join(where, "summary.txt"), []byte(strings.ReplaceAll(stdout, dir, "DIR")))
			written, _ := filepath.Glob(filepath.Join(dir, "*"))
			for _, f := range written {
				data, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				golden.Check(t, filepath.Join(where, filepath.Base(f)), data)
				if format == "sh" {
					scripts = append(scripts, f)
				} else {
					templates = append(templates, f)
				}
			}
			// No golden file is left of a fix that is no longer written.
			kept, _ := filepath.Glob(filepath.Join(where, "*"))
			for _, k := range kept {
				if base := filepath.Base(k); base != "summary.txt" && !fileIn(written, base) && !*golden.Update {
					t.Errorf("%s: golden file of a fix no longer written", k)
				}
			}
		}
	}
	if len(scripts) == 0 || len(templates) == 0 {
		t.Fatalf("%d scripts, %d templates written", len(scripts), len(templates))
	}
	sort.Strings(scripts)
	for _, s := range scripts {
		if out, err := exec.Command("bash", "-n", s).CombinedOutput(); err != nil {
			t.Errorf("bash -n %s: %v\n%s", s, err, out)
		}
	}
	need(t, "shellcheck", "Debian's shellcheck package")
	if out, err := exec.Command("shellcheck", append([]string{"--shell=bash"}, scripts...)...).CombinedOutput(); err != nil {
		t.Errorf("shellcheck: %v\n%s", err, out)
	}
	checkSchemas(t, templates)
	need(t, "cfn-lint", "cfn-lint, which moto's CloudFormation brings")
	if out, err := exec.Command("cfn-lint", templates...).CombinedOutput(); err != nil {
		t.Errorf("cfn-lint: %v\n%s", err, out)
	}
}

func fileIn(paths []string, base string) bool {
	for _, p := range paths {
		if filepath.Base(p) == base {
			return true
		}
	}
	return false
}

// need fails the test when a program it checks with is missing: make
// test installs it, and a check that quietly did not run is no check.
func need(t *testing.T, program, what string) {
	t.Helper()
	if _, err := exec.LookPath(program); err != nil {
		t.Fatalf("%s is needed to check what remediate writes (%s; make test installs it): %v", program, what, err)
	}
}

// checkSchemas checks each resource of each template against its type's
// CloudFormation resource schema (testdata/cloudformation-schemas, AWS's
// published schemas as cfn-lint ships them), Refs made ARNs first.
func checkSchemas(t *testing.T, templates []string) {
	t.Helper()
	schemas := map[string]*jsonschema.Schema{}
	files, _ := filepath.Glob(filepath.Join("testdata", "cloudformation-schemas", "*.json"))
	c := jsonschema.NewCompiler()
	// The schemas' patterns are ECMA-262 regular expressions, some with a
	// lookahead Go's regexp does not have.
	c.UseRegexpEngine(func(s string) (jsonschema.Regexp, error) {
		re, err := regexp2.Compile(s, regexp2.ECMAScript)
		if err != nil {
			return nil, err
		}
		return ecmaRegexp{re}, nil
	})
	for _, f := range files {
		r, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		url := "file:///" + filepath.Base(f)
		if err := c.AddResource(url, doc); err != nil {
			t.Fatal(err)
		}
		s, err := c.Compile(url)
		if err != nil {
			t.Fatal(err)
		}
		schemas[doc.(map[string]any)["typeName"].(string)] = s
	}
	for _, path := range templates {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var tmpl struct {
			Description string
			Resources   map[string]struct {
				Type       string
				Properties any
			}
		}
		if err := json.Unmarshal(raw, &tmpl); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if len(tmpl.Description) > 1024 {
			t.Errorf("%s: description of %d bytes, over CloudFormation's 1024", path, len(tmpl.Description))
		}
		for id, res := range tmpl.Resources {
			s, ok := schemas[res.Type]
			if !ok {
				t.Errorf("%s: %s: no schema for %s in testdata/cloudformation-schemas", path, id, res.Type)
				continue
			}
			props := res.Properties
			if props == nil {
				props = map[string]any{}
			}
			if err := s.Validate(resolveRefs(props)); err != nil {
				t.Errorf("%s: %s (%s): %v", path, id, res.Type, err)
			}
		}
	}
}

type ecmaRegexp struct{ re *regexp2.Regexp }

func (r ecmaRegexp) MatchString(s string) bool {
	ok, err := r.re.MatchString(s)
	return err == nil && ok
}

func (r ecmaRegexp) String() string { return r.re.String() }

// resolveRefs stands an ARN in for every Ref, as CloudFormation does when
// it creates the stack (a Ref to a topic is its ARN).
func resolveRefs(v any) any {
	switch x := v.(type) {
	case map[string]any:
		if ref, ok := x["Ref"].(string); ok && len(x) == 1 {
			return "arn:aws:sns:us-east-1:111122223333:" + ref
		}
		out := map[string]any{}
		for k, e := range x {
			out[k] = resolveRefs(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = resolveRefs(e)
		}
		return out
	}
	return v
}
