package engine

import (
	"errors"
	"fmt"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/tester"
	"github.com/open-policy-agent/opa/v1/types"

	"github.com/trailwatch/trailwatch/internal/filterpattern"
)

// The project's built-ins, backed by internal/filterpattern. A pattern that
// does not parse is something a policy reports ("the filter is broken"),
// not a failed evaluation: cwlogs.filter_error tells a policy why, and
// cwlogs.filter_matches is false for such a pattern.
var (
	filterMatchesDecl = &rego.Function{
		Name: "cwlogs.filter_matches",
		Description: "Reports whether a CloudWatch Logs filter pattern matches a log event, as AWS's TestMetricFilter would. " +
			"The event is an object (a JSON log event such as a CloudTrail record) or a string (the raw message). " +
			"False when the pattern does not parse; see cwlogs.filter_error.",
		Decl: types.NewFunction(
			types.Args(
				types.Named("pattern", types.S).Description("the filter pattern, as PutMetricFilter takes it"),
				types.Named("event", types.NewAny(types.NewObject(nil, types.NewDynamicProperty(types.S, types.A)), types.S)).Description("the log event"),
			),
			types.Named("result", types.B).Description("true when the pattern matches the event"),
		),
		Memoize: true,
	}
	filterErrorDecl = &rego.Function{
		Name:        "cwlogs.filter_error",
		Description: "Explains why a CloudWatch Logs filter pattern would be refused by AWS (with its column), or returns \"\" for a valid pattern.",
		Decl: types.NewFunction(
			types.Args(types.Named("pattern", types.S).Description("the filter pattern")),
			types.Named("error", types.S).Description("the parse error, or \"\""),
		),
		Memoize: true,
	}
)

// patternCache holds compiled patterns, valid or not, by their text. The
// patterns of an organization number in the hundreds; the bound only guards
// against a snapshot built to exhaust memory.
type patternCache struct {
	mu sync.Mutex
	m  map[string]compiled
}

type compiled struct {
	p   *filterpattern.Pattern
	err error
}

const patternCacheSize = 10000

var patterns = &patternCache{m: map[string]compiled{}}

func (c *patternCache) get(src string) (*filterpattern.Pattern, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[src]; ok {
		return e.p, e.err
	}
	p, err := filterpattern.Parse(src)
	if len(c.m) >= patternCacheSize {
		clear(c.m)
	}
	c.m[src] = compiled{p, err}
	return p, err
}

func filterMatches(_ rego.BuiltinContext, pattern, event *ast.Term) (*ast.Term, error) {
	src, ok := pattern.Value.(ast.String)
	if !ok {
		return nil, fmt.Errorf("cwlogs.filter_matches: pattern must be a string, got %s", ast.ValueName(pattern.Value))
	}
	p, err := patterns.get(string(src))
	if err != nil {
		return ast.BooleanTerm(false), nil
	}
	if s, ok := event.Value.(ast.String); ok {
		_, m := p.MatchMessage(string(s))
		return ast.BooleanTerm(m), nil
	}
	ev, err := ast.JSON(event.Value)
	if err != nil {
		return nil, fmt.Errorf("cwlogs.filter_matches: event: %w", err)
	}
	return ast.BooleanTerm(p.MatchEvent(ev)), nil
}

func filterError(_ rego.BuiltinContext, pattern *ast.Term) (*ast.Term, error) {
	src, ok := pattern.Value.(ast.String)
	if !ok {
		return nil, fmt.Errorf("cwlogs.filter_error: pattern must be a string, got %s", ast.ValueName(pattern.Value))
	}
	_, err := patterns.get(string(src))
	var se *filterpattern.SyntaxError
	switch {
	case err == nil:
		return ast.StringTerm(""), nil
	case errors.As(err, &se):
		return ast.StringTerm(fmt.Sprintf("column %d: %s", se.Column, se.Msg)), nil
	}
	return ast.StringTerm(err.Error()), nil
}

// astBuiltins are the declarations the compiler and capabilities need.
func astBuiltins() []*ast.Builtin {
	return []*ast.Builtin{
		{Name: filterMatchesDecl.Name, Description: filterMatchesDecl.Description, Decl: filterMatchesDecl.Decl},
		{Name: filterErrorDecl.Name, Description: filterErrorDecl.Description, Decl: filterErrorDecl.Decl},
	}
}

// regoOptions give rego.New the built-ins' implementations.
func regoOptions() []func(*rego.Rego) {
	return []func(*rego.Rego){
		rego.Function2(filterMatchesDecl, filterMatches),
		rego.Function1(filterErrorDecl, filterError),
	}
}

// testerBuiltins give the Rego test runner the same built-ins.
func testerBuiltins() []*tester.Builtin {
	decls := astBuiltins()
	opts := regoOptions()
	out := make([]*tester.Builtin, len(decls))
	for i := range decls {
		out[i] = &tester.Builtin{Decl: decls[i], Func: opts[i]}
	}
	return out
}
