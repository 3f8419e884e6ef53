package engine

import (
	"context"
	"fmt"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/trailwatch/trailwatch/internal/report"
	"github.com/trailwatch/trailwatch/internal/snapshot"
)

// Evaluator holds one prepared query per control. It is safe for
// concurrent use.
type Evaluator struct {
	policies *Policies
	queries  []preparedControl
}

type preparedControl struct {
	control Control
	query   rego.PreparedEvalQuery
}

// Prepare compiles each control's query once.
func (p *Policies) Prepare(ctx context.Context) (*Evaluator, error) {
	e := &Evaluator{policies: p}
	for _, c := range p.controls {
		opts := append([]func(*rego.Rego){
			rego.Query("data." + c.Package + "." + ResultRule),
			rego.Compiler(p.compiler),
			rego.Store(p.store),
			rego.StrictBuiltinErrors(true),
		}, regoOptions()...)
		q, err := rego.New(opts...).PrepareForEval(ctx)
		if err != nil {
			return nil, &PolicyError{Problems: append([]string{fmt.Sprintf("%s: prepare control %s:", c.Location, c.ID)}, problems(err)...)}
		}
		e.queries = append(e.queries, preparedControl{control: c, query: q})
	}
	return e, nil
}

// Evaluate judges every account of the snapshot with every control. The
// snapshot is converted to Rego's value form once; each account's input is
// that value plus the id of the account being judged, so a control can
// follow an organization trail into the account that owns it.
//
// A control that gives no verdict for an account is reported as ERROR, never
// skipped; a control whose evaluation fails is an error of the run.
func (e *Evaluator) Evaluate(ctx context.Context, snap *snapshot.Snapshot) ([]report.Result, error) {
	doc, err := ast.InterfaceToValue(snap)
	if err != nil {
		return nil, fmt.Errorf("convert snapshot for evaluation: %w", err)
	}
	docObj, ok := doc.(ast.Object)
	if !ok {
		return nil, fmt.Errorf("convert snapshot for evaluation: not an object")
	}
	var out []report.Result
	for _, acc := range snap.Accounts {
		input := ast.NewObject()
		docObj.Foreach(func(k, v *ast.Term) { input.Insert(k, v) })
		input.Insert(ast.StringTerm("account_id"), ast.StringTerm(acc.AccountID))
		for _, pc := range e.queries {
			res, err := e.evalOne(ctx, pc, input, acc.AccountID)
			if err != nil {
				return nil, err
			}
			out = append(out, res)
		}
	}
	return out, nil
}

func (e *Evaluator) evalOne(ctx context.Context, pc preparedControl, input ast.Object, account string) (report.Result, error) {
	rs, err := pc.query.Eval(ctx, rego.EvalParsedInput(input))
	if err != nil {
		if ctx.Err() != nil {
			return report.Result{}, ctx.Err()
		}
		return report.Result{}, &PolicyError{Problems: append([]string{fmt.Sprintf("control %s failed on account %s:", pc.control.ID, account)}, problems(err)...)}
	}
	if len(rs) == 0 || len(rs[0].Expressions) == 0 {
		return report.Result{
			ControlID: pc.control.ID, AccountID: account, Status: report.Error, Title: pc.control.Title,
			Reason: fmt.Sprintf("the policy gave no verdict: data.%s.%s is undefined for this account", pc.control.Package, ResultRule),
		}, nil
	}
	var r report.Result
	if err := toJSON(rs[0].Expressions[0].Value, &r); err != nil {
		return report.Result{}, &PolicyError{Problems: []string{fmt.Sprintf("%s: control %s: %s is not a result object: %v", pc.control.Location, pc.control.ID, ResultRule, err)}}
	}
	switch {
	case !r.Status.Valid():
		return report.Result{}, &PolicyError{Problems: []string{fmt.Sprintf("%s: control %s returned status %q; want PASS, FAIL or ERROR", pc.control.Location, pc.control.ID, r.Status)}}
	case r.ControlID != pc.control.ID:
		return report.Result{}, &PolicyError{Problems: []string{fmt.Sprintf("%s: control %s returned control_id %q", pc.control.Location, pc.control.ID, r.ControlID)}}
	case r.AccountID != account:
		return report.Result{}, &PolicyError{Problems: []string{fmt.Sprintf("%s: control %s returned account_id %q while judging %s", pc.control.Location, pc.control.ID, r.AccountID, account)}}
	case r.Reason == "":
		return report.Result{}, &PolicyError{Problems: []string{fmt.Sprintf("%s: control %s gave %s with no reason", pc.control.Location, pc.control.ID, r.Status)}}
	}
	return r, nil
}
