// Package engine owns trailwatch's use of Open Policy Agent: it loads and
// compiles the Rego policies (those embedded in the binary, or directories
// given with --policy), restricts what they may call, registers the
// project's built-ins, prepares one query per control and evaluates them
// per account against a snapshot.
package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/format"
	"github.com/open-policy-agent/opa/v1/loader"
	"github.com/open-policy-agent/opa/v1/storage"

	"github.com/trailwatch/trailwatch/policies"
)

// ControlsRoot is where controls live in the data tree: each control is a
// package data.controls.<name> carrying METADATA with custom.id, and it
// must define the rule ResultRule.
const (
	ControlsRoot = "controls"
	ResultRule   = "result"
)

// Options says where policies come from.
type Options struct {
	// PolicyDirs are directories of Rego and data files. Empty means the
	// policies embedded in the binary.
	PolicyDirs []string
	// WithTests loads *_test.rego files too (for `policy test`).
	WithTests bool
}

// Control is a control found in the policies.
type Control struct {
	ID       string
	Title    string
	Package  string // data path, e.g. controls.cloudtrail_config_changes
	Location string // file:row of its package METADATA
}

// PolicyError is a set of policies that do not load or compile. Each
// problem reads file:row:col: code: message.
type PolicyError struct {
	Problems []string
}

func (e *PolicyError) Error() string { return strings.Join(e.Problems, "\n") }

// Policies is a compiled set of policies and their data.
type Policies struct {
	compiler *ast.Compiler
	store    storage.Store
	modules  map[string]*ast.Module
	controls []Control
}

// Controls lists the controls found, sorted by id.
func (p *Policies) Controls() []Control { return slices.Clone(p.controls) }

// Load reads, parses and compiles policies with the restricted
// capabilities and the project's built-ins.
func Load(opts Options) (*Policies, error) {
	caps := Capabilities()
	var filter loader.Filter = func(abspath string, info fs.FileInfo, depth int) bool {
		if info.IsDir() {
			return false
		}
		name := info.Name()
		if !opts.WithTests && strings.HasSuffix(name, "_test.rego") {
			return true
		}
		ext := filepath.Ext(name)
		return ext != ".rego" && ext != ".json" && ext != ".yaml" && ext != ".yml"
	}
	fl := loader.NewFileLoader().
		WithProcessAnnotation(true).
		WithRegoVersion(ast.RegoV1).
		WithCapabilities(caps)
	paths := opts.PolicyDirs
	if len(paths) == 0 {
		fl = fl.WithFS(policies.FS)
		paths = []string{"."}
	} else {
		for _, d := range paths {
			info, err := os.Stat(d)
			if err != nil {
				return nil, &PolicyError{Problems: []string{fmt.Sprintf("%s: policy directory: %s", d, unwrapPath(err))}}
			}
			if !info.IsDir() {
				return nil, &PolicyError{Problems: []string{d + ": --policy takes a directory of .rego and data files"}}
			}
		}
	}
	res, err := fl.Filtered(paths, filter)
	if err != nil {
		return nil, &PolicyError{Problems: problems(err)}
	}
	modules := res.ParsedModules()
	if len(modules) == 0 {
		return nil, &PolicyError{Problems: []string{strings.Join(paths, ", ") + ": no .rego files found"}}
	}
	store, err := res.Store()
	if err != nil {
		return nil, &PolicyError{Problems: problems(err)}
	}
	compiler := ast.NewCompiler().
		WithCapabilities(caps).
		WithEnablePrintStatements(opts.WithTests).
		WithUseTypeCheckAnnotations(true)
	compiler.Compile(modules)
	if compiler.Failed() {
		return nil, &PolicyError{Problems: problems(compiler.Errors)}
	}
	p := &Policies{compiler: compiler, store: store, modules: modules}
	if p.controls, err = findControls(compiler); err != nil {
		return nil, err
	}
	return p, nil
}

// findControls lists the packages under data.controls that carry a
// control id, and checks that each defines the rule the engine queries.
func findControls(c *ast.Compiler) ([]Control, error) {
	var out []Control
	var errs []string
	for _, entry := range c.GetAnnotationSet().Flatten() {
		a := entry.Annotations
		if a.Scope != "package" {
			continue
		}
		path := strings.TrimPrefix(entry.Path.String(), "data.")
		if !strings.HasPrefix(path, ControlsRoot+".") {
			continue
		}
		id, _ := a.Custom["id"].(string)
		loc := location(a.Location)
		if id == "" {
			errs = append(errs, fmt.Sprintf("%s: package %s is under %s but its METADATA has no custom.id", loc, path, ControlsRoot))
			continue
		}
		rule := entry.Path.Append(ast.StringTerm(ResultRule))
		if len(c.GetRules(rule)) == 0 {
			errs = append(errs, fmt.Sprintf("%s: control %s (package %s) defines no rule %q; the engine queries data.%s.%s", loc, id, path, ResultRule, path, ResultRule))
			continue
		}
		out = append(out, Control{ID: id, Title: a.Title, Package: path, Location: loc})
	}
	if len(errs) > 0 {
		slices.Sort(errs)
		return nil, &PolicyError{Problems: errs}
	}
	if len(out) == 0 {
		return nil, &PolicyError{Problems: []string{"no controls found: a control is a package under data." + ControlsRoot + " whose METADATA has custom.id"}}
	}
	slices.SortFunc(out, func(a, b Control) int { return strings.Compare(a.ID, b.ID) })
	for i := 1; i < len(out); i++ {
		if out[i].ID == out[i-1].ID {
			return nil, &PolicyError{Problems: []string{fmt.Sprintf("%s: control id %s is also used at %s", out[i].Location, out[i].ID, out[i-1].Location)}}
		}
	}
	return out, nil
}

func location(l *ast.Location) string {
	if l == nil {
		return "<unknown>"
	}
	return fmt.Sprintf("%s:%d", displayFile(l.File), l.Row)
}

// displayFile names embedded files as they sit in the repository.
func displayFile(f string) string {
	if f == "" {
		return "<unknown>"
	}
	if !filepath.IsAbs(f) && !strings.HasPrefix(f, "policies/") && !strings.HasPrefix(f, ".") {
		if _, err := fs.Stat(policies.FS, f); err == nil {
			return "policies/" + f
		}
	}
	return f
}

// problems flattens loader and compiler errors into file:row:col lines.
func problems(err error) []string {
	var out []string
	var walk func(error)
	walk = func(err error) {
		var le loader.Errors
		var ae ast.Errors
		var one *ast.Error
		switch {
		case errors.As(err, &le):
			for _, e := range le {
				walk(e)
			}
		case errors.As(err, &ae):
			for _, e := range ae {
				walk(e)
			}
		case errors.As(err, &one):
			if one.Location != nil {
				out = append(out, fmt.Sprintf("%s:%d:%d: %s: %s", displayFile(one.Location.File), one.Location.Row, one.Location.Col, one.Code, one.Message))
			} else {
				out = append(out, fmt.Sprintf("%s: %s", one.Code, one.Message))
			}
		default:
			out = append(out, err.Error())
		}
	}
	walk(err)
	return slices.Compact(out) // the loader repeats some parse errors
}

func unwrapPath(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// toJSON turns what a query returned into plain JSON values.
func toJSON(v any, out any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, out)
}

// FormatRego formats a Rego file as opa fmt does (Rego v1). It returns the
// formatted source; an error names the file and place of a parse error.
func FormatRego(filename string, src []byte) ([]byte, error) {
	out, err := format.SourceWithOpts(filename, src, format.Opts{RegoVersion: ast.RegoV1})
	if err != nil {
		return nil, &PolicyError{Problems: problems(err)}
	}
	return out, nil
}
