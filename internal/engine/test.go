package engine

import (
	"context"
	"io"

	"github.com/open-policy-agent/opa/v1/tester"
)

// TestSummary counts Rego unit test outcomes.
type TestSummary struct {
	Passed, Failed, Errored, Skipped int
}

// RunTests runs the policies' Rego unit tests (rules named test_* in
// *_test.rego files) with the project's built-ins, and prints the outcome
// as `opa test` does. run, when not empty, is a regular expression a
// test's package and name (data.pkg.test_name) must match, as opa test
// --run takes it. Policies must be loaded with WithTests.
func (p *Policies) RunTests(ctx context.Context, out io.Writer, verbose bool, run string) (TestSummary, error) {
	txn, err := p.store.NewTransaction(ctx)
	if err != nil {
		return TestSummary{}, err
	}
	defer p.store.Abort(ctx, txn)
	runner := tester.NewRunner().
		SetCompiler(p.compiler).
		SetStore(p.store).
		SetModules(p.modules).
		AddCustomBuiltins(testerBuiltins()).
		RaiseBuiltinErrors(true).
		CapturePrintOutput(true)
	if run != "" {
		runner = runner.Filter(run)
	}
	ch, err := runner.RunTests(ctx, txn)
	if err != nil {
		return TestSummary{}, err
	}
	var sum TestSummary
	counted := make(chan *tester.Result)
	go func() {
		defer close(counted)
		for r := range ch {
			switch {
			case r.Skip:
				sum.Skipped++
			case r.Error != nil:
				sum.Errored++
			case r.Fail:
				sum.Failed++
			default:
				sum.Passed++
			}
			counted <- r
		}
	}()
	rep := tester.PrettyReporter{Output: out, Verbose: verbose, FailureLine: true}
	if err := rep.Report(counted); err != nil {
		return sum, err
	}
	return sum, nil
}
