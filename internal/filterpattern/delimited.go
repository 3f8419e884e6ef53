package filterpattern

import (
	"strconv"
	"strings"
)

// A space-delimited pattern: [name, name = value, ..., name > 400]. Fields
// are matched to the message's fields by position; ... stands for any number
// of them.
type delimited struct {
	fields   []field
	ellipsis int // index of ... in fields, or -1
}

type field struct {
	name string
	expr [][]fieldCond // OR of ANDs; nil when the field has no condition
}

type fieldCond struct {
	op  opKind
	val value
}

func (f *field) test(text string) bool {
	if f.expr == nil {
		return true
	}
	for _, and := range f.expr {
		ok := true
		for i := range and {
			if !and[i].test(text) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func (c *fieldCond) test(text string) bool {
	switch c.op {
	case opEq:
		return c.val.equalText(text)
	case opNe:
		return !c.val.equalText(text)
	}
	f, ok := parseNumber(text)
	return ok && compare(c.op, f, c.val.num)
}

func parseDelimited(s *scanner) (*delimited, error) {
	d := &delimited{ellipsis: -1}
	open := s.pos
	s.pos++ // [
	regexes := 0
	s.skipSpace()
	if s.peek() == ']' {
		s.pos++
		d.ellipsis = 0
		d.fields = []field{{}} // [] reads every field, like [...]
	} else {
		for {
			s.skipSpace()
			var f field
			switch {
			case s.hasPrefix("..."):
				if d.ellipsis >= 0 {
					return nil, s.errf("a pattern may contain ... only once")
				}
				s.pos += 3
				d.ellipsis = len(d.fields)
			case s.peek() == ',' || s.peek() == ']':
				// an unnamed field
			case s.eof():
				return nil, s.errAt(open, "a pattern that starts with [ must end with ]")
			default:
				f.name = s.name()
				if f.name == "" {
					return nil, s.errf("expected a field name, ... or a comma, found %s", s.describe())
				}
				var err error
				if f.expr, err = parseFieldExpr(s, f.name, &regexes); err != nil {
					return nil, err
				}
			}
			d.fields = append(d.fields, f)
			s.skipSpace()
			if s.peek() == ',' {
				s.pos++
				continue
			}
			if s.peek() == ']' {
				s.pos++
				break
			}
			if s.eof() {
				return nil, s.errAt(open, "a pattern that starts with [ must end with ]")
			}
			return nil, s.errf("expected a comma or ], found %s", s.describe())
		}
	}
	s.skipSpace()
	if !s.eof() {
		return nil, s.errf("unexpected %s after the closing ]", s.describe())
	}
	return d, nil
}

// parseFieldExpr reads the conditions after a field's name, if any:
// = value, or several joined by && and || that each name the same field.
func parseFieldExpr(s *scanner, name string, regexes *int) ([][]fieldCond, error) {
	s.skipSpace()
	if s.peek() == ',' || s.peek() == ']' || s.eof() {
		return nil, nil
	}
	var or [][]fieldCond
	var and []fieldCond
	first := true
	for {
		if !first {
			s.skipSpace()
			at := s.pos
			n := s.name()
			if n == "" {
				return nil, s.errf("expected the field name %s, found %s", name, s.describe())
			}
			if n != name {
				return nil, s.errAt(at, "a condition on field %s names %s; conditions may only test their own field", name, n)
			}
			s.skipSpace()
		}
		first = false
		c, err := parseFieldCond(s, regexes)
		if err != nil {
			return nil, err
		}
		and = append(and, c)
		s.skipSpace()
		switch {
		case s.hasPrefix("&&"):
			s.pos += 2
		case s.hasPrefix("||"):
			s.pos += 2
			or = append(or, and)
			and = nil
		default:
			return append(or, and), nil
		}
	}
}

func parseFieldCond(s *scanner, regexes *int) (fieldCond, error) {
	var c fieldCond
	switch {
	case s.hasPrefix("!="):
		c.op = opNe
		s.pos += 2
	case s.hasPrefix("<="):
		c.op = opLe
		s.pos += 2
	case s.hasPrefix(">="):
		c.op = opGe
		s.pos += 2
	case s.hasPrefix("=="):
		return c, s.errf("== is not an operator here; write =")
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
		return c, s.errf("expected an operator (=, !=, <, <=, >, >=), a comma or ], found %s", s.describe())
	}
	s.skipSpace()
	at := s.pos
	switch s.peek() {
	case '"':
		t, err := s.readQuoted()
		if err != nil {
			return c, err
		}
		c.val = newStringValue(t)
	case '%':
		rv, err := s.readRegex()
		if err != nil {
			return c, err
		}
		*regexes++
		if *regexes > MaxRegexes {
			return c, s.errAt(at, "a pattern may use at most %d regular expressions", MaxRegexes)
		}
		c.val = value{kind: valRegex, text: "%" + rv.src + "%", regex: rv}
	default:
		t := s.bare(",]&|\"")
		if t == "" {
			return c, s.errf("expected a value, found %s", s.describe())
		}
		c.val = newBareValue(t)
	}
	if c.op != opEq && c.op != opNe && c.val.kind != valNumber {
		return c, s.errAt(at, "operator %s compares numbers; %q is not a number", opNames[c.op], c.val.text)
	}
	return c, nil
}

// splitFields cuts a message into its space-delimited fields; see rules.go.
func splitFields(msg string) []string {
	var out []string
	i := 0
	for {
		for i < len(msg) && isSpace(msg[i]) {
			i++
		}
		if i >= len(msg) {
			return out
		}
		if c := msg[i]; c == '"' || c == '[' {
			closer := byte('"')
			if c == '[' {
				closer = ']'
			}
			if j := strings.IndexByte(msg[i+1:], closer); j >= 0 {
				out = append(out, msg[i+1:i+1+j])
				i += j + 2
				continue
			}
		}
		start := i
		for i < len(msg) && !isSpace(msg[i]) {
			i++
		}
		out = append(out, msg[start:i])
	}
}

func (d *delimited) match(msg string) (Result, bool) {
	toks := splitFields(msg)
	fixed := len(d.fields)
	if d.ellipsis >= 0 {
		fixed--
	}
	if len(toks) < fixed {
		return Result{}, false
	}
	extracted := make(map[string]string, len(toks))
	put := func(f *field, pos int, text string) bool {
		if !f.test(text) {
			return false
		}
		if f.name != "" {
			extracted["$"+f.name] = text
		} else {
			extracted["$"+strconv.Itoa(pos+1)] = text
		}
		return true
	}
	if d.ellipsis < 0 {
		if len(toks) > fixed && absorbExtraFieldsIntoLast {
			toks = append(toks[:fixed-1:fixed-1], strings.Join(toks[fixed-1:], " "))
		}
		for i := range d.fields {
			if !put(&d.fields[i], i, toks[i]) {
				return Result{}, false
			}
		}
		return Result{ExtractedValues: extracted}, true
	}
	before, after := d.fields[:d.ellipsis], d.fields[d.ellipsis+1:]
	for i := range before {
		if !put(&before[i], i, toks[i]) {
			return Result{}, false
		}
	}
	tail := len(toks) - len(after)
	for i := len(before); i < tail; i++ {
		extracted["$"+strconv.Itoa(i+1)] = toks[i]
	}
	for i := range after {
		if !put(&after[i], tail+i, toks[tail+i]) {
			return Result{}, false
		}
	}
	return Result{ExtractedValues: extracted}, true
}
