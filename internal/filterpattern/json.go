package filterpattern

import (
	"strconv"
	"strings"
)

// A JSON pattern: { orExpr }, where && binds tighter than || and
// parentheses group.

type jsonExpr interface {
	eval(root any) bool
}

type orExpr []jsonExpr

func (e orExpr) eval(root any) bool {
	for _, x := range e {
		if x.eval(root) {
			return true
		}
	}
	return false
}

type andExpr []jsonExpr

func (e andExpr) eval(root any) bool {
	for _, x := range e {
		if !x.eval(root) {
			return false
		}
	}
	return true
}

type opKind uint8

const (
	opEq opKind = iota
	opNe
	opLt
	opLe
	opGt
	opGe
	opIsNull
	opIsTrue
	opIsFalse
	opNotExists
)

var opNames = map[opKind]string{opEq: "=", opNe: "!=", opLt: "<", opLe: "<=", opGt: ">", opGe: ">="}

// stepKind is one step of a property selector.
type stepKind uint8

const (
	stepKey      stepKind = iota // .name or ['name']
	stepIndex                    // [3]
	stepAnyIndex                 // [*]
	stepAnyKey                   // .*
)

type step struct {
	kind  stepKind
	key   string
	index int
}

// cond is one comparison: selector, operator, literal.
type cond struct {
	path []step
	op   opKind
	val  value
}

func (c *cond) eval(root any) bool {
	if c.op == opNotExists {
		return !reaches(c.path, root, nil, func(any) bool { return true })
	}
	return reaches(c.path, root, nil, c.test)
}

// reaches follows a selector's path from v and reports whether found
// holds for some value it reaches. When passing is not nil, it is asked of
// each object the path looks a key up in, first, and true from it ends
// the walk with true.
func reaches(path []step, v any, passing func(map[string]any) bool, found func(any) bool) bool {
	for i, st := range path {
		switch st.kind {
		case stepKey, stepAnyKey:
			m, ok := v.(map[string]any)
			if !ok {
				return false
			}
			if passing != nil && passing(m) {
				return true
			}
			if st.kind == stepAnyKey {
				for _, e := range m {
					if reaches(path[i+1:], e, passing, found) {
						return true
					}
				}
				return false
			}
			if v, ok = m[st.key]; !ok {
				return false
			}
		case stepIndex:
			a, ok := v.([]any)
			if !ok || st.index >= len(a) {
				return false
			}
			v = a[st.index]
		case stepAnyIndex:
			a, ok := v.([]any)
			if !ok {
				return false
			}
			for _, e := range a {
				if reaches(path[i+1:], e, passing, found) {
					return true
				}
			}
			return false
		}
	}
	return found(v)
}

// test applies the condition to the value the selector reached.
func (c *cond) test(v any) bool {
	switch c.op {
	case opIsNull:
		return v == nil
	case opIsTrue:
		b, ok := v.(bool)
		return ok && b
	case opIsFalse:
		b, ok := v.(bool)
		return ok && !b
	}
	switch v.(type) {
	case map[string]any, []any:
		return false // a selector must land on a value node
	}
	switch c.op {
	case opEq:
		return c.val.equalJSON(v)
	case opNe:
		return !c.val.equalJSON(v)
	}
	f, ok := numberOf(v)
	return ok && compare(c.op, f, c.val.num)
}

// jsonParser holds the counts that AWS limits across a whole pattern.
type jsonParser struct {
	s         *scanner
	regexes   int
	wildcards int
}

func parseJSONPattern(s *scanner) (jsonExpr, error) {
	p := &jsonParser{s: s}
	open := s.pos
	s.pos++ // {
	s.skipSpace()
	if s.peek() == '}' {
		return nil, s.errf("expected a condition such as $.eventName = CreateTrail inside { }")
	}
	e, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	s.skipSpace()
	if s.eof() {
		return nil, s.errAt(open, "a pattern that starts with { must end with }")
	}
	if s.peek() != '}' {
		return nil, s.errf("expected && or || or }, found %s", s.describe())
	}
	s.pos++
	s.skipSpace()
	if !s.eof() {
		return nil, s.errf("unexpected %s after the closing }", s.describe())
	}
	return e, nil
}

func (p *jsonParser) parseOr() (jsonExpr, error) {
	var terms orExpr
	for {
		e, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		terms = append(terms, e)
		p.s.skipSpace()
		if !p.s.hasPrefix("||") {
			break
		}
		p.s.pos += 2
	}
	terms = groupEqualities(terms)
	if len(terms) == 1 {
		return terms[0], nil
	}
	return terms, nil
}

// eqSet is several "selector = exact string" conditions on one selector
// joined by ||, as the CIS patterns are written: the selector is followed
// once and the value looked up in a set. Same answers as the conditions it
// replaces, fewer steps.
type eqSet struct {
	path   []step
	values map[string]struct{}
}

func (e *eqSet) eval(root any) bool {
	v, ok := follow(e.path, root)
	if !ok {
		return false
	}
	t, ok := textOf(v)
	if !ok {
		return false
	}
	_, hit := e.values[t]
	return hit
}

// follow resolves a selector without wildcards.
func follow(path []step, v any) (any, bool) {
	for _, st := range path {
		switch st.kind {
		case stepKey:
			m, ok := v.(map[string]any)
			if !ok {
				return nil, false
			}
			if v, ok = m[st.key]; !ok {
				return nil, false
			}
		case stepIndex:
			a, ok := v.([]any)
			if !ok || st.index >= len(a) {
				return nil, false
			}
			v = a[st.index]
		default:
			return nil, false
		}
	}
	return v, true
}

// groupEqualities merges the exact-string equalities of an || that share a
// selector into one eqSet. Order does not matter: conditions have no side
// effects.
func groupEqualities(terms orExpr) orExpr {
	key := func(e jsonExpr) (string, *cond) {
		c, ok := e.(*cond)
		if !ok || c.op != opEq || c.val.kind != valString || c.val.mode != strExact || strings.Contains(c.val.inner, "*") {
			return "", nil
		}
		var b strings.Builder
		for _, st := range c.path {
			switch st.kind {
			case stepKey:
				b.WriteString("." + strconv.Quote(st.key))
			case stepIndex:
				b.WriteString("[" + strconv.Itoa(st.index) + "]")
			default:
				return "", nil // wildcards keep their own condition
			}
		}
		return b.String(), c
	}
	count := map[string]int{}
	for _, e := range terms {
		if k, c := key(e); c != nil {
			count[k]++
		}
	}
	sets := map[string]*eqSet{}
	var out orExpr
	for _, e := range terms {
		k, c := key(e)
		if c == nil || count[k] < 2 {
			out = append(out, e)
			continue
		}
		set, seen := sets[k]
		if !seen {
			set = &eqSet{path: c.path, values: map[string]struct{}{}}
			sets[k] = set
			out = append(out, set)
		}
		set.values[c.val.inner] = struct{}{}
	}
	return out
}

func (p *jsonParser) parseAnd() (jsonExpr, error) {
	var factors andExpr
	for {
		e, err := p.parsePrimary()
		if err != nil {
			return nil, err
		}
		factors = append(factors, e)
		p.s.skipSpace()
		if !p.s.hasPrefix("&&") {
			break
		}
		p.s.pos += 2
	}
	if len(factors) == 1 {
		return factors[0], nil
	}
	return factors, nil
}

func (p *jsonParser) parsePrimary() (jsonExpr, error) {
	s := p.s
	s.skipSpace()
	switch {
	case s.peek() == '(':
		open := s.pos
		s.pos++
		e, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		s.skipSpace()
		if s.peek() != ')' {
			if s.eof() || s.peek() == '}' {
				return nil, s.errAt(open, "unclosed (")
			}
			return nil, s.errf("expected && or || or ), found %s", s.describe())
		}
		s.pos++
		return e, nil
	case s.peek() == '$':
		return p.parseCond()
	case s.eof():
		return nil, s.errf("expected a condition, found end of pattern; a pattern that starts with { must end with }")
	}
	return nil, s.errf("expected a selector starting with $ or a (, found %s", s.describe())
}

func (p *jsonParser) parseCond() (jsonExpr, error) {
	s := p.s
	path, err := p.parseSelector()
	if err != nil {
		return nil, err
	}
	c := &cond{path: path}
	s.skipSpace()
	opAt := s.pos
	if kw := s.word(); kw != "" {
		if err := p.parseKeywordTest(c, kw, opAt); err != nil {
			return nil, err
		}
		return c, nil
	}
	switch {
	case s.hasPrefix("=="):
		return nil, s.errf("== is not an operator here; write =")
	case s.hasPrefix("!="):
		c.op = opNe
		s.pos += 2
	case s.hasPrefix("<="):
		c.op = opLe
		s.pos += 2
	case s.hasPrefix(">="):
		c.op = opGe
		s.pos += 2
	case s.peek() == '=':
		c.op = opEq
		s.pos++
	case s.peek() == '<':
		c.op = opLt
		s.pos++
	case s.peek() == '>':
		c.op = opGt
		s.pos++
	default:
		return nil, s.errf("expected an operator (=, !=, <, <=, >, >=, IS NULL, IS TRUE, IS FALSE, NOT EXISTS) after the selector, found %s", s.describe())
	}
	s.skipSpace()
	valAt := s.pos
	if c.val, err = p.parseValue(); err != nil {
		return nil, err
	}
	if c.op != opEq && c.op != opNe && c.val.kind != valNumber {
		return nil, s.errAt(valAt, "operator %s compares numbers; %q is not a number", opNames[c.op], c.val.text)
	}
	return c, nil
}

// parseKeywordTest reads IS NULL, IS TRUE, IS FALSE or NOT EXISTS; kw is the
// first word, already consumed.
func (p *jsonParser) parseKeywordTest(c *cond, kw string, at int) error {
	s := p.s
	s.skipSpace()
	second := strings.ToUpper(s.word())
	switch strings.ToUpper(kw) {
	case "IS":
		switch second {
		case "NULL":
			c.op = opIsNull
		case "TRUE":
			c.op = opIsTrue
		case "FALSE":
			c.op = opIsFalse
		case "NOT":
			return s.errAt(at, "IS NOT is not supported; use != or NOT EXISTS")
		default:
			return s.errAt(at, "expected NULL, TRUE or FALSE after IS")
		}
	case "NOT":
		if second != "EXISTS" {
			return s.errAt(at, "expected EXISTS after NOT")
		}
		c.op = opNotExists
	case "EXISTS":
		return s.errAt(at, "EXISTS is not supported; use = * to test that a field exists")
	default:
		return s.errAt(at, "expected an operator after the selector, found %q", kw)
	}
	return nil
}

// word reads a run of ASCII letters (a keyword), or nothing.
func (s *scanner) word() string {
	start := s.pos
	for !s.eof() && ((s.src[s.pos] >= 'a' && s.src[s.pos] <= 'z') || (s.src[s.pos] >= 'A' && s.src[s.pos] <= 'Z')) {
		s.pos++
	}
	return s.src[start:s.pos]
}

// parseSelector reads $ followed by .name, .*, [N], [*], ['key'] steps.
func (p *jsonParser) parseSelector() ([]step, error) {
	s := p.s
	start := s.pos
	s.pos++ // $
	var path []step
	wild := 0
	for {
		at := s.pos
		switch {
		case s.peek() == '.' && s.peekAt(1) == '*':
			s.pos += 2
			path = append(path, step{kind: stepAnyKey})
			wild++
		case s.peek() == '.' && s.peekAt(1) == '[':
			s.pos++
			k, err := p.parseBracket()
			if err != nil {
				return nil, err
			}
			if k.kind != stepKey {
				return nil, s.errAt(at, "expected a quoted key after .[")
			}
			path = append(path, k)
		case s.peek() == '.':
			s.pos++
			name := s.name()
			if name == "" {
				return nil, s.errf("expected a property name after ., found %s", s.describe())
			}
			path = append(path, step{kind: stepKey, key: name})
		case s.peek() == '[':
			k, err := p.parseBracket()
			if err != nil {
				return nil, err
			}
			if k.kind == stepAnyIndex {
				wild++
			}
			path = append(path, k)
		default:
			if len(path) == 0 {
				return nil, s.errf("expected . or [ after $, found %s", s.describe())
			}
			if wild > MaxSelectorWildcards {
				return nil, s.errAt(start, "a selector may use at most %d wildcard ([*] or .*); this one uses %d", MaxSelectorWildcards, wild)
			}
			p.wildcards += wild
			if p.wildcards > MaxPatternWildcards {
				return nil, s.errAt(start, "a pattern may use at most %d wildcard selectors ([*] or .*)", MaxPatternWildcards)
			}
			return path, nil
		}
	}
}

// parseBracket reads [N], [*] or ['key'] / ["key"].
func (p *jsonParser) parseBracket() (step, error) {
	s := p.s
	open := s.pos
	s.pos++ // [
	var st step
	switch c := s.peek(); {
	case c == '*':
		s.pos++
		st = step{kind: stepAnyIndex}
	case isDigit(c):
		start := s.pos
		for isDigit(s.peek()) {
			s.pos++
		}
		n, err := strconv.Atoi(s.src[start:s.pos])
		if err != nil {
			return st, s.errAt(start, "array index %s is too large", s.src[start:s.pos])
		}
		st = step{kind: stepIndex, index: n}
	case c == '\'' || c == '"':
		end := strings.IndexByte(s.src[s.pos+1:], c)
		if end < 0 {
			return st, s.errAt(open, "unterminated quoted key")
		}
		st = step{kind: stepKey, key: s.src[s.pos+1 : s.pos+1+end]}
		s.pos += end + 2
	default:
		return st, s.errf("expected an array index, * or a quoted key after [, found %s", s.describe())
	}
	if s.peek() != ']' {
		return st, s.errf("expected ], found %s", s.describe())
	}
	s.pos++
	return st, nil
}

// name reads a property name: letters, digits, _ and -.
func (s *scanner) name() string {
	start := s.pos
	for !s.eof() {
		c := s.src[s.pos]
		if isAlnum(c) || c == '_' || c == '-' || c >= 0x80 {
			s.pos++
			continue
		}
		break
	}
	return s.src[start:s.pos]
}

// parseValue reads the literal after an operator.
func (p *jsonParser) parseValue() (value, error) {
	s := p.s
	switch c := s.peek(); {
	case c == '"':
		t, err := s.readQuoted()
		if err != nil {
			return value{}, err
		}
		return newStringValue(t), nil
	case c == '%':
		at := s.pos
		rv, err := s.readRegex()
		if err != nil {
			return value{}, err
		}
		p.regexes++
		if p.regexes > MaxRegexes {
			return value{}, s.errAt(at, "a pattern may use at most %d regular expressions", MaxRegexes)
		}
		return value{kind: valRegex, text: "%" + rv.src + "%", regex: rv}, nil
	}
	t := s.bare("(){}&|\"")
	if t == "" {
		return value{}, s.errf("expected a value, found %s", s.describe())
	}
	return newBareValue(t), nil
}

// bare reads an unquoted literal up to a blank or one of stops.
func (s *scanner) bare(stops string) string {
	start := s.pos
	for !s.eof() && !isSpace(s.src[s.pos]) && strings.IndexByte(stops, s.src[s.pos]) < 0 {
		s.pos++
	}
	return s.src[start:s.pos]
}
