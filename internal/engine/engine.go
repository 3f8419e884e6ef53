// Package engine owns trailwatch's use of Open Policy Agent: it loads and
// compiles the Rego policies (those embedded in the binary, or directories
// given with --policy), restricts what they may call, registers the
// project's built-ins, prepares one query per control and evaluates them
// per account against a snapshot.
package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"index/suffixarray"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/format"
	"github.com/open-policy-agent/opa/v1/loader"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"

	"github.com/trailwatch/trailwatch/internal/report"
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

// Control is a control found in the policies, with its METADATA.
type Control struct {
	ID          string
	Title       string
	Description string
	Severity    string
	Frameworks  []report.Framework
	Remediation string
	Package     string // data path, e.g. controls.monitoring.cloudtrail_config_changes
	Family      string // the family of controls it belongs to, e.g. monitoring ("" directly under controls)
	Location    string // file:row of its package METADATA
}

// Dir is the control's directory under the policy root
// (controls/monitoring/cloudtrail_config_changes): where its data.json is.
func (c Control) Dir() string {
	return strings.ReplaceAll(c.Package, ".", "/")
}

// InBenchmark reports whether the control is part of a version of the
// benchmark the policies name (data.lib.core.frameworks.cis.name); a
// control that names none of its versions belongs to every one.
func (c Control) InBenchmark(benchmark, version string) bool {
	cis := false
	for _, f := range c.Frameworks {
		if f.Name != benchmark {
			continue
		}
		cis = true
		if slices.Contains(f.Versions, version) {
			return true
		}
	}
	return !cis
}

// Severities are the values custom.severity may take.
var Severities = []string{"informational", "low", "medium", "high", "critical"}

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
	memoized []ast.Ref
	// memo holds the answers of the memoized functions, shared by every
	// evaluation with these policies: they read no input, so an answer
	// holds for any run (diff judges two snapshots; a test, many).
	memo       *runCache
	benchmarks []string
	// benchmarkName is how the policies name the benchmark whose versions
	// --benchmark picks: data.lib.core.frameworks.cis.name.
	benchmarkName string
	// text indexes the strings the policies and their data hold
	// (names.go).
	text    *suffixarray.Index
	needles []string
	// shareNames: accounts whose things' names differ may share a
	// judgement (names.go). Only with the built-in policies, whose
	// reading of names was reviewed for it: a contributor's policy may
	// read a name's prefix.
	shareNames bool
}

// Controls lists the controls found, sorted by id.
func (p *Policies) Controls() []Control { return slices.Clone(p.controls) }

// embedded holds the embedded policies once compiled: they cannot change
// while the program runs, and a program (or a test) that evaluates many
// times compiles them once.
var embedded struct {
	once sync.Once
	p    *Policies
	err  error
}

// Load reads, parses and compiles policies with the restricted
// capabilities and the project's built-ins. The Policies it returns are
// read-only, safe to share.
func Load(opts Options) (*Policies, error) {
	if len(opts.PolicyDirs) == 0 && !opts.WithTests {
		embedded.once.Do(func() { embedded.p, embedded.err = load(opts) })
		return embedded.p, embedded.err
	}
	return load(opts)
}

func load(opts Options) (*Policies, error) {
	caps := Capabilities()
	var filter loader.Filter = func(abspath string, info fs.FileInfo, depth int) bool {
		if info.IsDir() {
			return false
		}
		return !policyFile(info.Name(), opts.WithTests)
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
	var checked []string
	if len(opts.PolicyDirs) == 0 {
		checked = checkFiles(policies.FS, "", opts.WithTests)
	} else {
		checked = checkPolicyDirs(opts.PolicyDirs, opts.WithTests)
	}
	if len(checked) > 0 {
		return nil, &PolicyError{Problems: checked}
	}
	res, err := fl.Filtered(paths, filter)
	if err != nil {
		return nil, &PolicyError{Problems: problems(err)}
	}
	modules := res.ParsedModules()
	if len(modules) == 0 {
		return nil, &PolicyError{Problems: []string{strings.Join(paths, ", ") + ": no .rego files found"}}
	}
	// Data is kept as Rego values, read without conversion: every account
	// reads the controls' data, and memoized functions recognise the very
	// same terms from one account to the next.
	store, err := res.StoreWithOpts(inmem.OptReturnASTValuesOnRead(true))
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
	if p.memoized, err = memoizedFunctions(compiler); err != nil {
		return nil, err
	}
	p.memo = newRunCache(p.memoized)
	p.text, p.needles = policyText(compiler, res.Documents), searched(compiler)
	p.shareNames = len(opts.PolicyDirs) == 0
	if p.benchmarkName, p.benchmarks, err = benchmarkVersions(res.Documents); err != nil {
		return nil, err
	}
	if err := p.checkData(context.Background()); err != nil {
		return nil, err
	}
	return p, nil
}

// findControls lists the packages under data.controls that carry a
// control id, checks their METADATA (id, title, severity, frameworks) and
// that each defines the rule the engine queries. A control with broken
// METADATA is refused here, with its file, rather than turning into an
// ERROR on every account.
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
		loc := location(a.Location)
		ctl, problems := controlFromMetadata(a, path, loc)
		if len(problems) > 0 {
			errs = append(errs, problems...)
			continue
		}
		rule := entry.Path.Append(ast.StringTerm(ResultRule))
		if len(c.GetRules(rule)) == 0 {
			errs = append(errs, fmt.Sprintf("%s: control %s (package %s) defines no rule %q; the engine queries data.%s.%s", loc, ctl.ID, path, ResultRule, path, ResultRule))
			continue
		}
		out = append(out, ctl)
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

var controlID = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// controlFromMetadata reads a control's package METADATA, saying what is
// missing or malformed.
func controlFromMetadata(a *ast.Annotations, path, loc string) (Control, []string) {
	ctl := Control{Title: a.Title, Description: a.Description, Package: path, Location: loc}
	if parts := strings.Split(path, "."); len(parts) > 2 {
		ctl.Family = parts[1]
	}
	var problems []string
	bad := func(format string, args ...any) {
		problems = append(problems, fmt.Sprintf("%s: package %s: ", loc, path)+fmt.Sprintf(format, args...))
	}
	id, _ := a.Custom["id"].(string)
	switch {
	case id == "":
		bad("METADATA has no custom.id (a control is a package under %s whose METADATA has custom.id)", ControlsRoot)
	case !controlID.MatchString(id):
		bad("custom.id %q: use lower-case letters, digits and dashes", id)
	}
	ctl.ID = id
	if strings.TrimSpace(a.Title) == "" {
		bad("METADATA has no title")
	}
	ctl.Severity, _ = a.Custom["severity"].(string)
	if !slices.Contains(Severities, ctl.Severity) {
		bad("custom.severity is %s; want one of %s", describeValue(a.Custom["severity"]), strings.Join(Severities, ", "))
	}
	ctl.Remediation, _ = a.Custom["remediation"].(string)
	fws, ok := a.Custom["frameworks"].([]any)
	if !ok || len(fws) == 0 {
		bad("METADATA has no custom.frameworks (a list of {name, id, versions})")
	}
	for i, raw := range fws {
		f, ok := raw.(map[string]any)
		name, _ := f["name"].(string)
		fid, _ := f["id"].(string)
		if !ok || name == "" || fid == "" {
			bad("custom.frameworks[%d] needs a name and an id", i)
			continue
		}
		fw := report.Framework{Name: name, ID: fid}
		if vs, present := f["versions"]; present {
			list, ok := vs.([]any)
			for _, v := range list {
				s, isString := v.(string)
				if !isString {
					ok = false
					break
				}
				fw.Versions = append(fw.Versions, s)
			}
			if !ok {
				bad("custom.frameworks[%d].versions must be a list of strings", i)
			}
		}
		ctl.Frameworks = append(ctl.Frameworks, fw)
	}
	return ctl, problems
}

func describeValue(v any) string {
	if v == nil {
		return "missing"
	}
	return fmt.Sprintf("%q", fmt.Sprint(v))
}

// benchmarkVersions reads the benchmark the policies are judged by and its
// versions, oldest first, from data.lib.core.frameworks.cis (name,
// versions); none when the policies do not say.
func benchmarkVersions(docs map[string]any) (string, []string, error) {
	raw, ok := dig(docs, "lib", "core", "frameworks", "cis", "versions")
	if !ok {
		return "", nil, nil
	}
	name, _ := dig(docs, "lib", "core", "frameworks", "cis", "name")
	benchmark, isString := name.(string)
	if !isString || benchmark == "" {
		return "", nil, &PolicyError{Problems: []string{"data.lib.core.frameworks.cis.name must name the benchmark (as the controls' METADATA frameworks do)"}}
	}
	list, ok := raw.([]any)
	var out []string
	for _, v := range list {
		s, isString := v.(string)
		if !isString {
			ok = false
			break
		}
		out = append(out, s)
	}
	if !ok || len(out) == 0 {
		return "", nil, &PolicyError{Problems: []string{"data.lib.core.frameworks.cis.versions must be a non-empty list of benchmark versions, oldest first"}}
	}
	return benchmark, out, nil
}

// dig follows keys into nested JSON objects.
func dig(doc map[string]any, keys ...string) (any, bool) {
	var cur any = doc
	for _, k := range keys {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[k]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// ProblemsRule is the rule a control may define to say what is wrong with
// its data: a set of sentences. Load refuses policies while any control
// names a problem.
const ProblemsRule = "problems"

// query is a Rego query on the compiled policies and their data, with
// trailwatch's built-ins, whose errors end the query.
func (p *Policies) query(q string) *rego.Rego {
	return rego.New(append([]func(*rego.Rego){
		rego.Query(q),
		rego.Compiler(p.compiler),
		rego.Store(p.store),
		rego.StrictBuiltinErrors(true),
	}, regoOptions()...)...)
}

// checkData asks each control that defines ProblemsRule what is wrong with
// its data, and refuses the policies, naming the control's data file, if
// anything is.
func (p *Policies) checkData(ctx context.Context) error {
	var errs []string
	for _, c := range p.controls {
		ref := ast.MustParseRef("data." + c.Package + "." + ProblemsRule)
		if len(p.compiler.GetRules(ref)) == 0 {
			continue
		}
		rs, err := p.query(ref.String()).Eval(ctx)
		if err != nil {
			return &PolicyError{Problems: append([]string{fmt.Sprintf("%s: control %s: checking its data:", c.Location, c.ID)}, problems(err)...)}
		}
		file := path.Join(path.Dir(strings.SplitN(c.Location, ":", 2)[0]), "data.json")
		for _, r := range rs {
			for _, e := range r.Expressions {
				list, _ := e.Value.([]any)
				for _, problem := range list {
					errs = append(errs, fmt.Sprintf("%s: control %s: %v", file, c.ID, problem))
				}
			}
		}
	}
	if len(errs) > 0 {
		slices.Sort(errs)
		return &PolicyError{Problems: errs}
	}
	return nil
}

// Benchmarks lists the CIS benchmark versions the policies know, oldest
// first; the last is the default.
func (p *Policies) Benchmarks() []string { return slices.Clone(p.benchmarks) }

// BenchmarkName is the benchmark whose versions Benchmarks lists ("" when
// the policies name none).
func (p *Policies) BenchmarkName() string { return p.benchmarkName }

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
	b, err := encodeJSON(v)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, out)
}

// encodeJSON is v as JSON text. Not json.Marshal: it escapes <, > and &,
// which a result keeps as text (its evidence stays JSON text).
func encodeJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
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
