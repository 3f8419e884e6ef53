package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/tester"
	"github.com/open-policy-agent/opa/v1/types"

	"github.com/trailwatch/trailwatch/internal/filterpattern"
	"github.com/trailwatch/trailwatch/internal/snsfilter"
)

// The project's built-ins, backed by internal/filterpattern. A pattern that
// does not parse is something a policy reports ("the filter is broken"),
// not a failed evaluation: cwlogs.filter_error tells a policy why, and
// cwlogs.filter_matches is false for such a pattern.
// None asks OPA to memoize it: OPA keys that cache by the arguments
// printed as text, which for an array of records costs more than the
// answer; patterns are compiled once (patterns) and records converted
// once (events).
//
// logEvent is a log event as the built-ins take it: an object (a JSON log
// event such as a CloudTrail record) or a string (the raw message).
var logEvent = types.NewAny(types.NewObject(nil, types.NewDynamicProperty(types.S, types.A)), types.S)

var (
	filterMatchesDecl = &rego.Function{
		Name: "cwlogs.filter_matches",
		Description: "Reports whether a CloudWatch Logs filter pattern matches a log event, as AWS's TestMetricFilter would. " +
			"The event is an object (a JSON log event such as a CloudTrail record) or a string (the raw message). " +
			"False when the pattern does not parse; see cwlogs.filter_error.",
		Decl: types.NewFunction(
			types.Args(
				types.Named("pattern", types.S).Description("the filter pattern, as PutMetricFilter takes it"),
				types.Named("event", logEvent).Description("the log event"),
			),
			types.Named("result", types.B).Description("true when the pattern matches the event"),
		),
	}
	filterErrorDecl = &rego.Function{
		Name:        "cwlogs.filter_error",
		Description: "Explains why a CloudWatch Logs filter pattern would be refused by AWS (with its column), or returns \"\" for a valid pattern, and for one trailwatch does not judge (see cwlogs.filter_unjudged).",
		Decl: types.NewFunction(
			types.Args(types.Named("pattern", types.S).Description("the filter pattern")),
			types.Named("error", types.S).Description("the parse error, or \"\""),
		),
	}
	filterUnjudgedDecl = &rego.Function{
		Name:        "cwlogs.filter_unjudged",
		Description: "Explains why trailwatch does not judge a filter pattern that AWS may accept (a regular expression too costly to match), or returns \"\". Such a pattern matches nothing for cwlogs.filter_matches; a policy should say it cannot decide.",
		Decl: types.NewFunction(
			types.Args(types.Named("pattern", types.S).Description("the filter pattern")),
			types.Named("reason", types.S).Description("why, or \"\""),
		),
	}
	filterMissesDecl = &rego.Function{
		Name: "cwlogs.filter_misses",
		Description: "Lists the indices of the events of an array that a CloudWatch Logs filter pattern does not match: " +
			"cwlogs.filter_matches for each, in one call. Every index when the pattern does not parse.",
		Decl: types.NewFunction(
			types.Args(
				types.Named("pattern", types.S).Description("the filter pattern"),
				types.Named("events", types.NewArray(nil, logEvent)).Description("the log events"),
			),
			types.Named("misses", types.NewArray(nil, types.N)).Description("indices of the events the pattern does not match"),
		),
	}
	filterMissesAsDecl = &rego.Function{
		Name: "cwlogs.filter_misses_as",
		Description: "cwlogs.filter_misses on the events as an account's own: every occurrence of a placeholder account id in them " +
			"(in strings, keys and numbers, as if replaced in their JSON text) replaced by the account's id.",
		Decl: types.NewFunction(
			types.Args(
				types.Named("pattern", types.S).Description("the filter pattern"),
				types.Named("events", types.NewArray(nil, logEvent)).Description("the log events"),
				types.Named("placeholder", types.S).Description("the account id the events carry"),
				types.Named("account", types.S).Description("the account id to give them"),
			),
			types.Named("misses", types.NewArray(nil, types.N)).Description("indices of the events the pattern does not match"),
		),
	}
	filterReadsDecl = &rego.Function{
		Name: "cwlogs.filter_reads",
		Description: "Reports whether matching a CloudWatch Logs filter pattern against the events of an array could read a text in them " +
			"(a placeholder account id, say): when it cannot, the events with that text replaced fare the same, and " +
			"cwlogs.filter_misses_as gives what cwlogs.filter_misses gives. False for a pattern that does not parse, which misses every event.",
		Decl: types.NewFunction(
			types.Args(
				types.Named("pattern", types.S).Description("the filter pattern"),
				types.Named("events", types.NewArray(nil, logEvent)).Description("the log events"),
				types.Named("text", types.S).Description("the text"),
			),
			types.Named("result", types.B).Description("true when a match could read the text"),
		),
	}
)

var snsFilterDecl = &rego.Function{
	Name: "sns.filter_policy_decision",
	Description: "Judges an Amazon SNS subscription filter policy (its JSON text) against a message: the message attributes, or the message body, " +
		"as an object. A value the caller cannot know is given as {\"trailwatch\": \"unknown value\"}. " +
		"Returns {\"result\": \"yes\" | \"no\" | \"unknown\", \"reason\": why, for unknown}.",
	Decl: types.NewFunction(
		types.Args(
			types.Named("policy", types.S).Description("the filter policy, as SetSubscriptionAttributes takes it"),
			types.Named("message", types.NewObject(nil, types.NewDynamicProperty(types.S, types.A))).Description("the message attributes or body"),
		),
		types.Named("decision", types.NewObject(nil, types.NewDynamicProperty(types.S, types.S))).Description("result and reason"),
	),
}

func snsFilterDecision(_ rego.BuiltinContext, policy, message *ast.Term) (*ast.Term, error) {
	src, ok := policy.Value.(ast.String)
	if !ok {
		return nil, fmt.Errorf("sns.filter_policy_decision: policy must be a string, got %s", ast.ValueName(policy.Value))
	}
	raw, err := ast.JSON(message.Value)
	if err != nil {
		return nil, fmt.Errorf("sns.filter_policy_decision: message: %w", err)
	}
	msg, ok := raw.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("sns.filter_policy_decision: message must be an object, got %s", ast.ValueName(message.Value))
	}
	d := snsfilter.Decide(string(src), msg)
	return ast.ObjectTerm(
		ast.Item(ast.StringTerm("result"), ast.StringTerm(d.Result.String())),
		ast.Item(ast.StringTerm("reason"), ast.StringTerm(d.Reason)),
	), nil
}

// patternCache holds compiled patterns, valid or not, by their text. It is
// bounded by what they cost (Pattern.Cost), not by their number: a
// regular expression can hold far more than its text. Past the bound the
// cache starts over.
type patternCache struct {
	mu   sync.Mutex
	m    map[string]compiled
	cost int
}

type compiled struct {
	p   *filterpattern.Pattern
	err error
}

const patternCacheBudget = 64 << 20

var patterns = &patternCache{m: map[string]compiled{}}

func (c *patternCache) get(src string) (*filterpattern.Pattern, error) {
	c.mu.Lock()
	if e, ok := c.m[src]; ok {
		c.mu.Unlock()
		return e.p, e.err
	}
	c.mu.Unlock()
	p, err := filterpattern.Parse(src)
	cost := 64 + len(src)
	if p != nil {
		cost = p.Cost()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cost+cost > patternCacheBudget {
		clear(c.m)
		c.cost = 0
	}
	c.m[src] = compiled{p, err}
	c.cost += cost
	return p, err
}

// eventCache holds events converted from Rego values for matching, by the
// identity of the array that holds them: a control's records are built
// once per run (custom.memoize), so the same array comes back for every
// filter of every account, and is converted once.
type eventCache struct {
	converted bounded[*ast.Array, []any]
	own       bounded[accountEvents, []any] // the events as an account's own (as)
	reads     bounded[patternEvents, bool]  // whether a pattern reads the placeholder (read)
}

const eventCacheSize = 1024

var events = &eventCache{
	converted: bounded[*ast.Array, []any]{max: eventCacheSize},
	own:       bounded[accountEvents, []any]{max: eventCacheSize},
	reads:     bounded[patternEvents, bool]{max: 64 * eventCacheSize},
}

// bounded is a map safe for concurrent use that holds at most max
// entries: when full, it is emptied and starts again.
type bounded[K comparable, V any] struct {
	mu  sync.Mutex
	m   map[K]V
	max int
}

func (b *bounded[K, V]) get(k K) (V, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	v, ok := b.m[k]
	return v, ok
}

func (b *bounded[K, V]) put(k K, v V) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.m == nil || len(b.m) >= b.max {
		b.m = map[K]V{}
	}
	b.m[k] = v
}

func (c *eventCache) get(arr *ast.Array) ([]any, error) {
	if evs, ok := c.converted.get(arr); ok {
		return evs, nil
	}
	evs := make([]any, arr.Len())
	for i := range arr.Len() {
		v := arr.Elem(i).Value
		if s, ok := v.(ast.String); ok {
			evs[i] = string(s)
			continue
		}
		ev, err := ast.JSON(v)
		if err != nil {
			return nil, fmt.Errorf("event %d: %w", i, err)
		}
		evs[i] = ev
	}
	c.converted.put(arr, evs)
	return evs, nil
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

func filterMisses(_ rego.BuiltinContext, pattern, evs *ast.Term) (*ast.Term, error) {
	return misses("cwlogs.filter_misses", pattern, evs, "", "")
}

func filterMissesAs(_ rego.BuiltinContext, pattern, evs, placeholder, account *ast.Term) (*ast.Term, error) {
	from, ok1 := placeholder.Value.(ast.String)
	to, ok2 := account.Value.(ast.String)
	if !ok1 || !ok2 {
		return nil, fmt.Errorf("cwlogs.filter_misses_as: placeholder and account must be strings")
	}
	return misses("cwlogs.filter_misses_as", pattern, evs, string(from), string(to))
}

func filterReads(_ rego.BuiltinContext, pattern, evs, text *ast.Term) (*ast.Term, error) {
	src, ok := pattern.Value.(ast.String)
	if !ok {
		return nil, fmt.Errorf("cwlogs.filter_reads: pattern must be a string, got %s", ast.ValueName(pattern.Value))
	}
	arr, ok := evs.Value.(*ast.Array)
	if !ok {
		return nil, fmt.Errorf("cwlogs.filter_reads: events must be an array, got %s", ast.ValueName(evs.Value))
	}
	s, ok := text.Value.(ast.String)
	if !ok || s == "" {
		return nil, fmt.Errorf("cwlogs.filter_reads: text must be a string that is not empty")
	}
	p, err := patterns.get(string(src))
	if err != nil {
		return ast.InternedTerm(false), nil
	}
	list, err := events.get(arr)
	if err != nil {
		return nil, fmt.Errorf("cwlogs.filter_reads: %w", err)
	}
	return ast.InternedTerm(events.read(p, string(src), arr, list, string(s))), nil
}

// misses lists the indices of the events a pattern does not match, the
// events as account's own when from is not "" (see filterMissesAsDecl).
func misses(name string, pattern, evs *ast.Term, from, to string) (*ast.Term, error) {
	src, ok := pattern.Value.(ast.String)
	if !ok {
		return nil, fmt.Errorf("%s: pattern must be a string, got %s", name, ast.ValueName(pattern.Value))
	}
	arr, ok := evs.Value.(*ast.Array)
	if !ok {
		return nil, fmt.Errorf("%s: events must be an array, got %s", name, ast.ValueName(evs.Value))
	}
	p, perr := patterns.get(string(src))
	list, err := events.get(arr)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if from != "" && from != to && perr == nil && events.read(p, string(src), arr, list, from) {
		list = events.as(arr, list, from, to)
	}
	var misses []*ast.Term
	for i, ev := range list {
		if perr != nil || !matchOne(p, ev) {
			misses = append(misses, ast.InternedTerm(i))
		}
	}
	return ast.ArrayTerm(misses...), nil
}

// as gives converted events as an account's own: from replaced by to
// wherever it occurs. An evaluation asks for the same events of the same
// account once per filter, so the last few answers are kept.
func (c *eventCache) as(arr *ast.Array, list []any, from, to string) []any {
	key := accountEvents{arr, from, to}
	if evs, ok := c.own.get(key); ok {
		return evs
	}
	out := make([]any, len(list))
	for i, ev := range list {
		out[i] = replaceIn(ev, from, to)
	}
	c.own.put(key, out)
	return out
}

// read reports whether matching a pattern against the events reads the
// placeholder id anywhere (filterpattern.Pattern.Reads): only then can
// the events as an account's own fare differently. Known once per run for
// each pattern and array.
func (c *eventCache) read(p *filterpattern.Pattern, src string, arr *ast.Array, list []any, from string) bool {
	key := patternEvents{src, arr, from}
	if r, ok := c.reads.get(key); ok {
		return r
	}
	r := slices.ContainsFunc(list, func(ev any) bool { return p.Reads(ev, from) })
	c.reads.put(key, r)
	return r
}

type patternEvents struct {
	src  string
	arr  *ast.Array
	from string
}

type accountEvents struct {
	arr      *ast.Array
	from, to string
}

// replaceIn copies a JSON value with from replaced by to in its strings,
// keys and numbers; parts without from are shared, not copied.
func replaceIn(v any, from, to string) any {
	switch x := v.(type) {
	case string:
		return strings.ReplaceAll(x, from, to)
	case json.Number:
		return json.Number(strings.ReplaceAll(string(x), from, to))
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = replaceIn(e, from, to)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[strings.ReplaceAll(k, from, to)] = replaceIn(e, from, to)
		}
		return out
	}
	return v
}

func matchOne(p *filterpattern.Pattern, ev any) bool {
	if s, ok := ev.(string); ok {
		_, m := p.MatchMessage(s)
		return m
	}
	return p.MatchEvent(ev)
}

func filterUnjudged(_ rego.BuiltinContext, pattern *ast.Term) (*ast.Term, error) {
	src, ok := pattern.Value.(ast.String)
	if !ok {
		return nil, fmt.Errorf("cwlogs.filter_unjudged: pattern must be a string, got %s", ast.ValueName(pattern.Value))
	}
	_, err := patterns.get(string(src))
	var le *filterpattern.LimitError
	if errors.As(err, &le) {
		return ast.StringTerm(le.Msg), nil
	}
	return ast.StringTerm(""), nil
}

func filterError(_ rego.BuiltinContext, pattern *ast.Term) (*ast.Term, error) {
	src, ok := pattern.Value.(ast.String)
	if !ok {
		return nil, fmt.Errorf("cwlogs.filter_error: pattern must be a string, got %s", ast.ValueName(pattern.Value))
	}
	_, err := patterns.get(string(src))
	var se *filterpattern.SyntaxError
	var le *filterpattern.LimitError
	switch {
	case err == nil, errors.As(err, &le):
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
		{Name: filterUnjudgedDecl.Name, Description: filterUnjudgedDecl.Description, Decl: filterUnjudgedDecl.Decl},
		{Name: filterMissesDecl.Name, Description: filterMissesDecl.Description, Decl: filterMissesDecl.Decl},
		{Name: filterMissesAsDecl.Name, Description: filterMissesAsDecl.Description, Decl: filterMissesAsDecl.Decl},
		{Name: filterReadsDecl.Name, Description: filterReadsDecl.Description, Decl: filterReadsDecl.Decl},
		{Name: snsFilterDecl.Name, Description: snsFilterDecl.Description, Decl: snsFilterDecl.Decl},
	}
}

// regoOptions give rego.New the built-ins' implementations.
func regoOptions() []func(*rego.Rego) {
	return []func(*rego.Rego){
		rego.Function2(filterMatchesDecl, filterMatches),
		rego.Function1(filterErrorDecl, filterError),
		rego.Function1(filterUnjudgedDecl, filterUnjudged),
		rego.Function2(filterMissesDecl, filterMisses),
		rego.Function4(filterMissesAsDecl, filterMissesAs),
		rego.Function3(filterReadsDecl, filterReads),
		rego.Function2(snsFilterDecl, snsFilterDecision),
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
