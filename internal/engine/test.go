package engine

import (
	"context"
	"io"
	"time"

	"github.com/open-policy-agent/opa/v1/tester"
)

// TestSummary counts Rego unit test outcomes.
type TestSummary struct {
	Passed, Failed, Errored, Skipped int
}

// TestOptions says which Rego unit tests run and how they are reported.
type TestOptions struct {
	// Verbose lists every test, not only failures.
	Verbose bool
	// Run, when not empty, is a regular expression a test's package and
	// name (data.pkg.test_name) must match, as opa test --run takes it.
	Run string
	// Timeout bounds each test; zero means DefaultTestTimeout.
	Timeout time.Duration
}

// DefaultTestTimeout bounds one Rego unit test. opa test's own default
// of five seconds is too close to what the tests that walk every control
// and benchmark version take on a loaded two-core machine.
const DefaultTestTimeout = 60 * time.Second

// RunTests runs the policies' Rego unit tests (rules named test_* in
// *_test.rego files) with the project's built-ins, and prints the outcome
// as `opa test` does. Policies must be loaded with WithTests.
func (p *Policies) RunTests(ctx context.Context, out io.Writer, opts TestOptions) (TestSummary, error) {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTestTimeout
	}
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
		CapturePrintOutput(true).
		SetTimeout(opts.Timeout)
	if opts.Run != "" {
		runner = runner.Filter(opts.Run)
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
	rep := tester.PrettyReporter{Output: out, Verbose: opts.Verbose, FailureLine: true}
	if err := rep.Report(counted); err != nil {
		return sum, err
	}
	return sum, nil
}
