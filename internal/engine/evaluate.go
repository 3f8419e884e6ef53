package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/trailwatch/trailwatch/internal/report"
	"github.com/trailwatch/trailwatch/internal/snapshot"
)

// Selection says which controls a run applies, and by which version of
// the CIS benchmark.
type Selection struct {
	// Controls are control ids; empty means every control of the
	// benchmark version.
	Controls []string
	// Families keep only the controls of these families (monitoring,
	// trail_integrity); empty means every family.
	Families []string
	// Benchmark is a CIS benchmark version ("v3.0.0", or "cis-aws-v3.0.0");
	// empty means the newest the policies know.
	Benchmark string
	// Strict adds Security Hub's reading to the semantic one: a filter
	// passes only if its pattern is the benchmark's text.
	Strict bool
	// Parallel is how many accounts are judged at once; 0 means one per
	// core.
	Parallel int
	// NoReuse judges every account, even those whose evidence is the same
	// as another's up to their id (see org.go).
	NoReuse bool
	// Fixes keeps each FAIL's fix, the steps its policy gives
	// (report.Step), for trailwatch remediate; a report does not need
	// them.
	Fixes bool
	// Keep is what results keep beyond their verdict, reason and
	// resources: what the reports to be rendered need
	// (report.NeedsOf); the zero value keeps neither evidence nor
	// remediation. Evaluate keeps both when Keep is nil.
	Keep *report.Needs
}

// SelectionError is a --control or --benchmark that the policies do not
// know; it lists what they do know.
type SelectionError struct{ Msg string }

func (e *SelectionError) Error() string { return e.Msg }

// Evaluator holds the prepared query of a run. It is safe for concurrent
// use.
type Evaluator struct {
	policies  *Policies
	controls  []Control
	benchmark string
	strict    bool
	query     rego.PreparedEvalQuery
	parallel  int
	reuse     bool
	fixes     bool
	keep      report.Needs
	// judged counts the accounts judged (with reuse, fewer than there
	// are).
	judged atomic.Int64
}

// AllControls are every control the policies define, applied or not.
func (e *Evaluator) AllControls() []Control { return e.policies.Controls() }

// Controls are the controls the evaluator applies, sorted by id.
func (e *Evaluator) Controls() []Control { return slices.Clone(e.controls) }

// Benchmark is the CIS benchmark version applied ("" when the policies
// know none).
func (e *Evaluator) Benchmark() string { return e.benchmark }

// Strict reports whether Security Hub's textual reading is applied too.
func (e *Evaluator) Strict() bool { return e.strict }

// Prepare compiles, once, one query that judges an account with every
// selected control. One query rather than one per control lets the
// controls share what they have in common: the chain from each trail to
// its alarms and topics is worked out once per account.
func (p *Policies) Prepare(ctx context.Context, sel Selection) (*Evaluator, error) {
	e := &Evaluator{policies: p, strict: sel.Strict, parallel: sel.Parallel, reuse: !sel.NoReuse, fixes: sel.Fixes, keep: report.Needs{Evidence: true, Remediation: true}}
	if sel.Keep != nil {
		e.keep = *sel.Keep
	}
	if err := e.selectBenchmark(sel.Benchmark); err != nil {
		return nil, err
	}
	if err := e.selectControls(sel.Controls); err != nil {
		return nil, err
	}
	if err := e.selectFamilies(sel.Families); err != nil {
		return nil, err
	}
	var members []string
	for _, c := range e.controls {
		members = append(members, fmt.Sprintf("%s: [r | r := data.%s.%s]", strconv.Quote(c.ID), c.Package, ResultRule))
	}
	q, err := p.query("results := {" + strings.Join(members, ", ") + "}").PrepareForEval(ctx)
	if err != nil {
		return nil, &PolicyError{Problems: append([]string{"prepare the controls' query:"}, problems(err)...)}
	}
	e.query = q
	return e, nil
}

func (e *Evaluator) selectBenchmark(v string) error {
	known := e.policies.benchmarks
	if v == "" {
		if len(known) > 0 {
			e.benchmark = known[len(known)-1]
		}
		return nil
	}
	v = "v" + strings.TrimPrefix(strings.TrimPrefix(v, "cis-aws-"), "v")
	if !slices.Contains(known, v) {
		if len(known) == 0 {
			return &SelectionError{Msg: "--benchmark: these policies name no benchmark versions (data.lib.core.frameworks.cis.versions)"}
		}
		return &SelectionError{Msg: fmt.Sprintf("--benchmark: unknown %s version %q; known: %s", e.policies.benchmarkName, v, strings.Join(known, ", "))}
	}
	e.benchmark = v
	return nil
}

func (e *Evaluator) selectControls(ids []string) error {
	all := e.policies.controls
	if len(ids) == 0 {
		for _, c := range all {
			if e.benchmark == "" || c.InBenchmark(e.policies.benchmarkName, e.benchmark) {
				e.controls = append(e.controls, c)
			}
		}
		if len(e.controls) == 0 {
			return &SelectionError{Msg: fmt.Sprintf("no control belongs to %s %s", e.policies.benchmarkName, e.benchmark)}
		}
		return nil
	}
	var knownIDs []string
	for _, c := range all {
		knownIDs = append(knownIDs, c.ID)
	}
	for _, id := range ids {
		i := slices.IndexFunc(all, func(c Control) bool { return c.ID == id })
		if i < 0 {
			return &SelectionError{Msg: fmt.Sprintf("--control: unknown control %q; known: %s", id, strings.Join(knownIDs, ", "))}
		}
		if e.benchmark != "" && !all[i].InBenchmark(e.policies.benchmarkName, e.benchmark) {
			return &SelectionError{Msg: fmt.Sprintf("--control: %s is not part of %s %s", id, e.policies.benchmarkName, e.benchmark)}
		}
		if !slices.ContainsFunc(e.controls, func(c Control) bool { return c.ID == id }) {
			e.controls = append(e.controls, all[i])
		}
	}
	slices.SortFunc(e.controls, func(a, b Control) int { return strings.Compare(a.ID, b.ID) })
	return nil
}

// selectFamilies keeps the selected controls of these families.
func (e *Evaluator) selectFamilies(families []string) error {
	if len(families) == 0 {
		return nil
	}
	var known []string
	for _, c := range e.policies.controls {
		known = append(known, c.Family)
	}
	slices.Sort(known)
	known = slices.Compact(known)
	for _, f := range families {
		if !slices.Contains(known, f) {
			return &SelectionError{Msg: fmt.Sprintf("--family: unknown family %q; known: %s", f, strings.Join(known, ", "))}
		}
	}
	e.controls = slices.DeleteFunc(e.controls, func(c Control) bool { return !slices.Contains(families, c.Family) })
	if len(e.controls) == 0 {
		return &SelectionError{Msg: fmt.Sprintf("no selected control belongs to the families %s", strings.Join(families, ", "))}
	}
	return nil
}

// Evaluate judges every account of the snapshot with every selected
// control, accounts in parallel, each with an input of its own (org.go);
// results come in the snapshot's order of accounts, then by control.
//
// A control that gives no verdict for an account is reported as ERROR, never
// skipped; a control whose evaluation fails is an error of the run.
func (e *Evaluator) Evaluate(ctx context.Context, snap *snapshot.Snapshot) ([]report.Result, error) {
	return e.evaluate(ctx, snap, false)
}

// EvaluateAndRelease is Evaluate for a caller that needs only the results:
// it lets go of each account's evidence as soon as no judgement needs it,
// so that an organization's snapshot and its results are not held in
// memory together. The snapshot's accounts are empty afterwards (its
// places and collected_at stay).
func (e *Evaluator) EvaluateAndRelease(ctx context.Context, snap *snapshot.Snapshot) ([]report.Result, error) {
	res, err := e.evaluate(ctx, snap, true)
	snap.Accounts = nil
	return res, err
}

func (e *Evaluator) evaluate(ctx context.Context, snap *snapshot.Snapshot, release bool) ([]report.Result, error) {
	p, err := e.plan(ctx, snap, release)
	if err != nil {
		return nil, err
	}
	n := len(snap.Accounts)
	out := make([][]report.Result, n)
	parts := newPartCache()
	// Judge the first account of each class, then give the others its
	// verdicts under their own names and id.
	var judged []int
	for i := range n {
		if p.source(i) == i {
			judged = append(judged, i)
		} else if release {
			p.raw[i] = nil // judged as another
		}
	}
	err = parallel(ctx, e.workers(), len(judged), func(j int) error {
		i := judged[j]
		a := &snap.Accounts[i]
		input, err := e.input(p, i, parts)
		if err != nil {
			return fmt.Errorf("account %s: %w", a.AccountID, err)
		}
		if release {
			p.raw[i] = nil
		}
		res, err := e.evalAccount(ctx, input, a.AccountID)
		out[i] = res
		e.judged.Add(1)
		return err
	})
	if err != nil {
		return nil, err
	}
	if release {
		for i := range snap.Accounts {
			forget(&snap.Accounts[i])
		}
	}
	// The accounts not judged take the results of their source, renamed,
	// in parallel: first those whose names differ from it, then those the
	// same as one of them up to their id.
	take := func(i int) {
		src := p.source(i)
		var names *renamer
		if len(p.names[i].real) > 0 && p.firstOfKey(i) {
			names = newRenamer(p.names[src].real, p.names[i].real)
		}
		from, to := snap.Accounts[src].AccountID, snap.Accounts[i].AccountID
		own := make([]report.Result, len(out[src]))
		for k, r := range out[src] {
			own[k] = renamed(r, from, to, names)
		}
		out[i] = own
	}
	for _, byName := range []bool{true, false} {
		err = parallel(ctx, e.workers(), n, func(i int) error {
			if src := p.source(i); src != i && p.firstOfKey(i) == byName {
				take(i)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	results := make([]report.Result, 0, n*len(e.controls))
	for i := range n {
		results = append(results, out[i]...)
		out[i] = nil
	}
	return results, nil
}

func (e *Evaluator) evalAccount(ctx context.Context, input ast.Object, account string) ([]report.Result, error) {
	rs, err := e.query.Eval(ctx, rego.EvalParsedInput(input), rego.EvalVirtualCache(e.policies.memo.forEval()))
	if err != nil {
		if ctx.Err() != nil {
			if cause := context.Cause(ctx); errors.Is(cause, context.DeadlineExceeded) || errors.As(cause, new(*StoppedError)) {
				return nil, e.stopped(cause, input, account)
			}
			return nil, ctx.Err()
		}
		return nil, &PolicyError{Problems: append([]string{fmt.Sprintf("the controls failed on account %s:", account)}, problems(err)...)}
	}
	if len(rs) != 1 {
		return nil, &PolicyError{Problems: []string{fmt.Sprintf("the controls' query gave %d answers for account %s", len(rs), account)}}
	}
	byID, ok := rs[0].Bindings["results"].(map[string]any)
	if !ok {
		return nil, &PolicyError{Problems: []string{fmt.Sprintf("the controls' query gave no results object for account %s", account)}}
	}
	out := make([]report.Result, 0, len(e.controls))
	for _, c := range e.controls {
		r, err := e.result(c, byID[c.ID], account)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// result checks one control's answer for an account.
func (e *Evaluator) result(c Control, answer any, account string) (report.Result, error) {
	values, _ := answer.([]any)
	if len(values) == 0 {
		return report.Result{
			ControlID: c.ID, AccountID: account, Status: report.Error, Title: c.Title,
			Severity: c.Severity, Frameworks: c.Frameworks,
			Reason:    fmt.Sprintf("the policy gave no verdict: data.%s.%s is undefined for this account", c.Package, ResultRule),
			Resources: []report.Resource{report.AccountResource(account)},
		}, nil
	}
	r, fix, err := e.decodeResult(values[0])
	if err != nil {
		return report.Result{}, &PolicyError{Problems: []string{fmt.Sprintf("%s: control %s: %s is not a result object: %v", c.Location, c.ID, ResultRule, err)}}
	}
	if e.fixes && r.Status == report.Fail {
		r.Fix = fix
		for i, step := range r.Fix {
			if err := step.Check(); err != nil {
				return report.Result{}, &PolicyError{Problems: []string{fmt.Sprintf("%s: control %s: fix step %d: %v", c.Location, c.ID, i+1, err)}}
			}
		}
	}
	switch {
	case !r.Status.Valid():
		return report.Result{}, &PolicyError{Problems: []string{fmt.Sprintf("%s: control %s returned status %q; want PASS, FAIL or ERROR", c.Location, c.ID, r.Status)}}
	case r.ControlID != c.ID:
		return report.Result{}, &PolicyError{Problems: []string{fmt.Sprintf("%s: control %s returned control_id %q", c.Location, c.ID, r.ControlID)}}
	case r.AccountID != account:
		return report.Result{}, &PolicyError{Problems: []string{fmt.Sprintf("%s: control %s returned account_id %q while judging %s", c.Location, c.ID, r.AccountID, account)}}
	case strings.TrimSpace(r.Reason) == "":
		return report.Result{}, &PolicyError{Problems: []string{fmt.Sprintf("%s: control %s gave %s with no reason", c.Location, c.ID, r.Status)}}
	}
	for i, res := range r.Resources {
		if res.Type == "" || res.ID == "" {
			return report.Result{}, &PolicyError{Problems: []string{fmt.Sprintf("%s: control %s: resources[%d] needs a type and an id", c.Location, c.ID, i)}}
		}
	}
	if len(r.Resources) == 0 {
		r.Resources = []report.Resource{report.AccountResource(account)}
	}
	if !e.keep.Evidence {
		r.Evidence = nil
	}
	if !e.keep.Remediation {
		r.Remediation = ""
	}
	// What every result of a control says alike is the control's, shared
	// rather than held once per result.
	if r.Title == c.Title {
		r.Title = c.Title
	}
	if r.Severity == c.Severity {
		r.Severity = c.Severity
	}
	if r.Description == c.Description {
		r.Description = c.Description
	}
	if r.Remediation == c.Remediation { // a PASS gives the control's own
		r.Remediation = c.Remediation
	}
	if slices.EqualFunc(r.Frameworks, c.Frameworks, func(a, b report.Framework) bool {
		return a.Name == b.Name && a.ID == b.ID && slices.Equal(a.Versions, b.Versions)
	}) {
		r.Frameworks = c.Frameworks
	}
	return r, nil
}

// decodeResult reads a policy's result object as encoding/json would from
// its JSON text: directly when every member is one it knows with the type
// it expects (decodeDirect), through JSON text otherwise, which gives the
// same result or the error.
func (e *Evaluator) decodeResult(answer any) (report.Result, []report.Step, error) {
	if r, fix, ok := e.decodeDirect(answer); ok {
		return r, fix, nil
	}
	var answered struct {
		report.Result
		Fix []report.Step `json:"fix"`
	}
	if err := toJSON(answer, &answered); err != nil {
		return report.Result{}, nil, err
	}
	return answered.Result, answered.Fix, nil
}

// decodeDirect reads a result object without writing it as JSON text; ok
// is false where that could differ from encoding/json (a member it does
// not know, a type it does not expect, text that is not UTF-8). Evidence,
// kept as JSON text, is written only when a report reads it.
func (e *Evaluator) decodeDirect(answer any) (r report.Result, fix []report.Step, ok bool) {
	m, ok := answer.(map[string]any)
	for k, v := range m {
		if !ok {
			break
		}
		switch k {
		case "control_id":
			r.ControlID, ok = jsonString(v)
		case "account_id":
			r.AccountID, ok = jsonString(v)
		case "status":
			var st string
			st, ok = jsonString(v)
			r.Status = report.Status(st)
		case "reason":
			r.Reason, ok = jsonString(v)
		case "title":
			r.Title, ok = jsonString(v)
		case "description":
			r.Description, ok = jsonString(v)
		case "severity":
			r.Severity, ok = jsonString(v)
		case "remediation":
			r.Remediation, ok = jsonString(v)
		case "frameworks":
			r.Frameworks, ok = jsonFrameworks(v)
		case "resources":
			r.Resources, ok = jsonResources(v)
		case "evidence":
			if e.keep.Evidence {
				var err error
				r.Evidence, err = encodeJSON(v)
				ok = err == nil
			}
		case "fix":
			ok = toJSON(v, &fix) == nil
		default:
			ok = false
		}
	}
	return r, fix, ok
}

// jsonString is a string of a policy's answer, if it is one that JSON text
// carries unchanged (valid UTF-8).
func jsonString(v any) (string, bool) {
	s, ok := v.(string)
	return s, ok && utf8.ValidString(s)
}

func jsonStrings(v any) ([]string, bool) {
	list, ok := v.([]any)
	if !ok {
		return nil, false
	}
	out := make([]string, len(list))
	for i, x := range list {
		if out[i], ok = jsonString(x); !ok {
			return nil, false
		}
	}
	return out, true
}

func jsonFrameworks(v any) ([]report.Framework, bool) {
	return jsonObjects(v, func(f *report.Framework, key string, value any) (ok bool) {
		switch key {
		case "name":
			f.Name, ok = jsonString(value)
		case "id":
			f.ID, ok = jsonString(value)
		case "versions":
			f.Versions, ok = jsonStrings(value)
		}
		return ok
	})
}

func jsonResources(v any) ([]report.Resource, bool) {
	return jsonObjects(v, func(r *report.Resource, key string, value any) (ok bool) {
		switch key {
		case "type":
			r.Type, ok = jsonString(value)
		case "id":
			r.ID, ok = jsonString(value)
		case "name":
			r.Name, ok = jsonString(value)
		case "region":
			r.Region, ok = jsonString(value)
		}
		return ok
	})
}

// jsonObjects reads a list of objects, giving each member to set, which
// says whether it knows the member and its type.
func jsonObjects[T any](v any, set func(x *T, key string, value any) bool) ([]T, bool) {
	list, ok := v.([]any)
	if !ok {
		return nil, false
	}
	out := make([]T, len(list))
	for i, x := range list {
		m, ok := x.(map[string]any)
		if !ok {
			return nil, false
		}
		for key, value := range m {
			if !set(&out[i], key, value) {
				return nil, false
			}
		}
	}
	return out, true
}

// ReportControls describes the controls the evaluator applies, for a
// report: their METADATA, sorted by id.
func (e *Evaluator) ReportControls() []report.Control {
	out := make([]report.Control, 0, len(e.controls))
	for _, c := range e.controls {
		out = append(out, report.Control{ID: c.ID, Title: c.Title, Description: c.Description, Severity: c.Severity, Frameworks: c.Frameworks, Remediation: c.Remediation})
	}
	return out
}

// Report gathers what every format needs: the results, each with the place
// in the snapshots it points to (the line of its first trail, else of its
// account), the controls that ran, the benchmark, and when the evidence was
// read (the snapshot's collected_at, never the clock).
func (e *Evaluator) Report(tool, version string, snap *snapshot.Snapshot, names []string, results []report.Result) *report.Report {
	for i, r := range results {
		trail := ""
		for _, res := range r.Resources {
			if res.Type == "AWS::CloudTrail::Trail" {
				trail = res.ID
				break
			}
		}
		if p, ok := snap.PlaceOf(r.AccountID, trail); ok {
			results[i].Place = &report.Place{File: p.File, Line: p.Line}
		}
	}
	rep := report.New(tool, version, names, results)
	rep.Benchmark = e.Benchmark()
	if rep.Benchmark != "" {
		rep.BenchmarkName = e.policies.benchmarkName
	}
	rep.Strict = e.Strict()
	rep.Controls = e.ReportControls()
	rep.CollectedAt = snap.CollectedAt
	for _, sk := range snap.Skipped {
		rep.Skipped = append(rep.Skipped, report.Skipped{AccountID: sk.AccountID, Name: sk.Name, State: sk.State, Reason: sk.Reason})
	}
	return rep
}

// StoppedError is an evaluation stopped before it ended: by its time
// limit, or by the memory it took (the cause given to the context), with
// the account being judged and, when one was found, the control that did
// not finish on it.
type StoppedError struct {
	Why    string // "the time limit (--timeout 2m0s)", say
	Memory bool   // stopped for the memory it took

	Account string
	Control string // "" when no one control was found
	Where   string // the control's policy file
}

func (e *StoppedError) Error() string {
	if e.Control == "" {
		return fmt.Sprintf("evaluation stopped at %s while judging account %s", e.Why, e.Account)
	}
	return fmt.Sprintf("evaluation stopped at %s: control %s (%s) did not finish judging account %s", e.Why, e.Control, e.Where, e.Account)
}

// culpritBudget is how long each control is given, alone, to judge the
// account an evaluation stopped on.
const culpritBudget = 2 * time.Second

// stopped makes the error of an evaluation stopped on an account: each
// control judges the account alone, within culpritBudget, and the first
// that does not finish is named. Only a run that already failed pays for
// this.
func (e *Evaluator) stopped(cause error, input ast.Object, account string) error {
	out := &StoppedError{Why: "the time limit", Account: account}
	var given *StoppedError
	if errors.As(cause, &given) {
		out.Why, out.Memory = given.Why, given.Memory
		if given.Memory {
			return out // judging again would take the memory again
		}
	}
	for _, c := range e.controls {
		ctx, cancel := context.WithTimeout(context.Background(), culpritBudget)
		q, err := e.policies.query(fmt.Sprintf("r := [x | x := data.%s.%s]", c.Package, ResultRule)).PrepareForEval(ctx)
		if err == nil {
			_, err = q.Eval(ctx, rego.EvalParsedInput(input), rego.EvalVirtualCache(e.policies.memo.forEval()))
		}
		timedOut := ctx.Err() != nil
		cancel()
		if timedOut {
			out.Control, out.Where = c.ID, c.Location
			break
		}
	}
	return out
}
