// Package filterpattern owns the CloudWatch Logs filter-pattern language: it
// parses the patterns that metric filters, subscription filters and
// FilterLogEvents accept, and decides which log events they match, the way
// AWS's TestMetricFilter does.
//
// Four kinds of pattern exist, told apart by their first character: JSON
// patterns ("{ $.eventName = CreateTrail }"), space-delimited patterns
// ("[ip, user, ..., status=4*]"), regular expressions ("%ERROR [0-9]+%") and
// term patterns ("ERROR -Exiting"). The empty pattern matches every event.
//
// Where AWS's documentation leaves a rule open, the choice this package makes
// is written down once, in rules.go, and tested.
package filterpattern

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"
)

// Kind says which of the four pattern languages a pattern is written in.
type Kind string

const (
	KindTerms     Kind = "terms"
	KindJSON      Kind = "json"
	KindDelimited Kind = "delimited"
	KindRegex     Kind = "regex"
)

// Limits AWS enforces on a filter pattern (PutMetricFilter, TestMetricFilter).
const (
	MaxPatternLength     = 1024 // characters
	MaxRegexes           = 2    // per JSON or space-delimited pattern
	MaxSelectorWildcards = 1    // [*] or .* per property selector
	MaxPatternWildcards  = 3    // [*] or .* per JSON pattern
	MaxTestMessages      = 50   // log event messages per TestMetricFilter call
	MinTestMessages      = 1
)

// Pattern is a compiled filter pattern. It is immutable and safe for
// concurrent use.
type Pattern struct {
	src  string
	kind Kind

	json      jsonExpr   // KindJSON
	terms     *termSet   // KindTerms
	delimited *delimited // KindDelimited
	regex     *regexValue
	rx        []*regexValue // every regular expression of the pattern
}

// Result is what a match yields: for space-delimited patterns the fields
// extracted from the message, keyed "$name" or "$N" as TestMetricFilter
// reports them; empty for the other kinds.
type Result struct {
	ExtractedValues map[string]string
}

// Parse compiles a filter pattern. A pattern that AWS would refuse gives a
// *SyntaxError carrying the column where the problem is.
func Parse(src string) (*Pattern, error) {
	if n := utf8.RuneCountInString(src); n > MaxPatternLength {
		return nil, &SyntaxError{
			Column: MaxPatternLength + 1,
			Msg:    "Member must have length less than or equal to 1024 (the pattern has " + itoa(n) + " characters)",
		}
	}
	p := &Pattern{src: src}
	s := &scanner{src: src}
	s.skipSpace()
	var err error
	switch {
	case s.eof():
		p.kind = KindTerms
		p.terms = &termSet{}
	case s.peek() == '{':
		p.kind = KindJSON
		p.json, err = parseJSONPattern(s)
	case s.peek() == '[':
		p.kind = KindDelimited
		p.delimited, err = parseDelimited(s)
	case isWholeRegex(src):
		p.kind = KindRegex
		p.regex, err = parseWholeRegex(s)
	default:
		p.kind = KindTerms
		p.terms, err = parseTerms(s)
	}
	if err != nil {
		return nil, err
	}
	p.rx = s.rx
	return p, nil
}

func (p *Pattern) regexes() []*regexValue { return p.rx }

// MustParse is Parse for patterns known to be valid, such as test fixtures.
func MustParse(src string) *Pattern {
	p, err := Parse(src)
	if err != nil {
		panic(err)
	}
	return p
}

// Cost is a rough measure of the memory a compiled pattern holds, in
// bytes: its text and its regular expressions' programs. Caches of
// compiled patterns are bounded by it.
func (p *Pattern) Cost() int {
	cost := 64 + 4*len(p.src)
	for _, r := range p.regexes() {
		cost += 64 * r.size
	}
	return cost
}

// HasRegex reports whether the pattern uses a regular expression.
func (p *Pattern) HasRegex() bool { return len(p.regexes()) > 0 }

// String returns the pattern as it was written.
func (p *Pattern) String() string { return p.src }

// Kind reports which language the pattern is written in.
func (p *Pattern) Kind() Kind { return p.kind }

// MatchMessage reports whether the pattern matches a raw log event message,
// as TestMetricFilter does, and what it extracts from it.
func (p *Pattern) MatchMessage(msg string) (Result, bool) {
	switch p.kind {
	case KindJSON:
		v, ok := decodeEvent(msg)
		if !ok {
			return Result{}, false
		}
		return Result{}, p.json.eval(v)
	case KindDelimited:
		return p.delimited.match(msg)
	case KindRegex:
		return Result{}, p.regex.re.MatchString(msg)
	default:
		return Result{}, p.terms.match(msg)
	}
}

// MatchEvent reports whether the pattern matches an event that has already
// been decoded from JSON (map[string]any, []any, string, json.Number or
// float64, bool, nil), as CloudTrail delivers its records to CloudWatch
// Logs. Patterns that read the raw text (terms, regex, space-delimited) see
// the event as compact JSON, the way CloudTrail writes it.
func (p *Pattern) MatchEvent(event any) bool {
	if p.kind == KindJSON {
		return p.json.eval(event)
	}
	if s, ok := event.(string); ok {
		_, m := p.MatchMessage(s)
		return m
	}
	text, err := compactJSON(event)
	if err != nil {
		return false
	}
	_, m := p.MatchMessage(text)
	return m
}

func compactJSON(v any) (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", err
	}
	return string(bytes.TrimRight(b.Bytes(), "\n")), nil
}
