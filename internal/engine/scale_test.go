package engine

import (
	"context"
	"fmt"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/topdown"

	"github.com/trailwatch/trailwatch/internal/snapshot"
	"github.com/trailwatch/trailwatch/internal/synth"
)

// crowded is one account with trails trails in one region, each delivering
// to a log group of its own with filters metric filters (publishing fifty
// metrics between them), and alarms alarms on those metrics, all within
// what AWS allows: the shape of account a hostile snapshot can take.
func crowded(trails, filters, alarms int) *snapshot.Snapshot {
	var metrics []string
	for a := range alarms {
		metrics = append(metrics, fmt.Sprintf("m%d", a%(50+a%2*a)))
	}
	return synth.Crowded(trails, func(lg string) []snapshot.MetricFilter {
		var fs []snapshot.MetricFilter
		for f := range filters {
			fs = append(fs, synth.Filter(lg, fmt.Sprintf("f%d", f), fmt.Sprintf("{ $.eventName = Event%d }", f), fmt.Sprintf("m%d", f%50)))
		}
		return fs
	}, metrics)
}

// evaluations counts the Rego expressions evaluated to judge a snapshot
// with every control: a measure of work that, unlike time, does not
// depend on the machine.
func evaluations(t *testing.T, s *snapshot.Snapshot) int {
	t.Helper()
	p, err := Load(Options{})
	if err != nil {
		t.Fatal(err)
	}
	ev, err := p.Prepare(context.Background(), Selection{})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := ast.InterfaceToValue(s)
	if err != nil {
		t.Fatal(err)
	}
	input := doc.(ast.Object)
	input.Insert(ast.StringTerm("account_id"), ast.StringTerm(s.Accounts[0].AccountID))
	var count evalCounter
	// A cache of its own: the policies' shared one would hold answers from
	// earlier snapshots, and work done before would not be counted.
	fresh := newRunCache(p.memoized).forEval()
	if _, err := ev.query.Eval(context.Background(), rego.EvalParsedInput(input), rego.EvalVirtualCache(fresh), rego.EvalQueryTracer(&count)); err != nil {
		t.Fatal(err)
	}
	return count.n
}

// evalCounter counts the expressions evaluated (OPA's Eval events, what
// its profiler reports as num_eval), and keeps nothing else.
type evalCounter struct{ n int }

func (c *evalCounter) Enabled() bool { return true }

func (c *evalCounter) TraceEvent(e topdown.Event) {
	if e.Op == topdown.EvalOp {
		c.n++
	}
}

func (c *evalCounter) Config() topdown.TraceConfig { return topdown.TraceConfig{} }

// The chain costs work in proportion to trails, filters and alarms, not to
// their product: doubling one of them at most about doubles the work, and
// four times the alarms (half of them on metrics of their own) is at most
// about four times the work. Before the alarms were indexed in linear time
// and what lies past a metric was worked out once per metric, the index
// alone grew with the square of the alarms, and five trails with a
// hundred filters and 5,000 alarms took a minute.
func TestChainCostIsLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("counts expressions on crowded accounts")
	}
	base := evaluations(t, crowded(2, 10, 100))
	for _, tt := range []struct {
		name    string
		s       *snapshot.Snapshot
		atMost  float64
		because string
	}{
		{"twice the alarms", crowded(2, 10, 200), 2.2, "alarms are indexed in linear time, and what lies past a metric is worked out once per metric"},
		{"four times the alarms", crowded(2, 10, 400), 4.4, "alarms cost in proportion"},
		{"twice the trails", crowded(4, 10, 100), 2.2, "trails cost in proportion"},
		{"twice the filters", crowded(2, 20, 100), 2.2, "filters cost in proportion"},
	} {
		n := evaluations(t, tt.s)
		if ratio := float64(n) / float64(base); ratio > tt.atMost {
			t.Errorf("%s: %d expressions against %d, %.2f times (at most %.1f: %s)", tt.name, n, base, ratio, tt.atMost, tt.because)
		} else {
			t.Logf("%s: %.2f times the work", tt.name, ratio)
		}
	}
}
