package filterpattern

import (
	"encoding/json"
	"math"
	"regexp"
	"strconv"
	"strings"
)

type jsonNumber = json.Number

// valueKind is what the right-hand side of a comparison is.
type valueKind uint8

const (
	valString valueKind = iota // a string, maybe with leading or trailing * wildcards
	valNumber                  // a numeric literal
	valRegex                   // %regex%
	valAny                     // a lone *: the field exists
)

// strMode is how a string literal with wildcards compares.
type strMode uint8

const (
	strExact strMode = iota
	strPrefix
	strSuffix
	strContains
)

// value is a compiled literal on the right of =, !=, <, <=, > or >=.
type value struct {
	kind  valueKind
	text  string // the literal without quotes, as written
	mode  strMode
	inner string // text with its wildcard stars removed
	num   float64
	regex *regexValue
}

// newStringValue compiles a string literal: a lone * means "exists", a
// leading and/or trailing * is a wildcard.
func newStringValue(text string) value {
	v := value{kind: valString, text: text, inner: text}
	if text == "*" {
		v.kind = valAny
		return v
	}
	lead := strings.HasPrefix(text, "*")
	trail := len(text) > 1 && strings.HasSuffix(text, "*")
	switch {
	case lead && trail:
		v.mode, v.inner = strContains, text[1:len(text)-1]
	case lead:
		v.mode, v.inner = strSuffix, text[1:]
	case trail:
		v.mode, v.inner = strPrefix, text[:len(text)-1]
	}
	if middleStarIsWildcard && strings.Contains(v.inner, "*") {
		v.mode = strContains // handled by matchWildcard
	}
	return v
}

// newBareValue compiles an unquoted literal: a number when it reads as one.
func newBareValue(text string) value {
	if f, ok := parseNumber(text); ok {
		return value{kind: valNumber, text: text, num: f}
	}
	return newStringValue(text)
}

// matchString compares a string with a string literal.
func (v *value) matchString(s string) bool {
	if middleStarIsWildcard && strings.Contains(v.inner, "*") {
		return matchWildcard(v.text, s)
	}
	switch v.mode {
	case strPrefix:
		return strings.HasPrefix(s, v.inner)
	case strSuffix:
		return strings.HasSuffix(s, v.inner)
	case strContains:
		return strings.Contains(s, v.inner)
	}
	return s == v.inner
}

// equalJSON is the = test of a JSON pattern against a scalar JSON value.
// Objects and arrays never reach it.
func (v *value) equalJSON(x any) bool {
	switch v.kind {
	case valAny:
		return x != nil
	case valNumber:
		f, ok := numberOf(x)
		return ok && f == v.num
	case valRegex:
		t, ok := textOf(x)
		return ok && v.regex.re.MatchString(t)
	}
	t, ok := textOf(x)
	return ok && v.matchString(t)
}

// equalText is the = test of a space-delimited field, whose value is text.
func (v *value) equalText(s string) bool {
	switch v.kind {
	case valAny:
		return true
	case valNumber:
		f, ok := parseNumber(s)
		return ok && f == v.num
	case valRegex:
		return v.regex.re.MatchString(s)
	}
	return v.matchString(s)
}

// numberOf reads a JSON value as a number: a number, or a string whose text
// is a number (see rules.go).
func numberOf(x any) (float64, bool) {
	switch n := x.(type) {
	case jsonNumber:
		f, err := strconv.ParseFloat(string(n), 64)
		return f, err == nil
	case float64:
		return n, true
	case string:
		return parseNumber(n)
	}
	return 0, false
}

// parseNumber accepts the numbers AWS's filter syntax allows: an optional
// sign, digits with an optional fraction, an optional exponent. No NaN, no
// Inf, no hex.
func parseNumber(s string) (float64, bool) {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for i < len(s) && isDigit(s[i]) {
		i++
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && isDigit(s[i]) {
			i++
			digits++
		}
	}
	if digits == 0 {
		return 0, false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		exp := 0
		for i < len(s) && isDigit(s[i]) {
			i++
			exp++
		}
		if exp == 0 {
			return 0, false
		}
	}
	if i != len(s) {
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.TrimPrefix(s, "+"), 64)
	if err != nil && !isRangeErr(err) {
		return 0, false
	}
	return f, !math.IsNaN(f)
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func formatFloat(f float64) string {
	if math.Abs(f) < 1e21 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return strconv.FormatFloat(f, 'e', -1, 64)
}

// matchWildcard is glob matching where * stands for any run of characters;
// used only when middleStarIsWildcard is on.
func matchWildcard(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return strings.HasSuffix(s, last)
}

// compare applies a numeric operator.
func compare(op opKind, a, b float64) bool {
	switch op {
	case opEq:
		return a == b
	case opNe:
		return a != b
	case opLt:
		return a < b
	case opLe:
		return a <= b
	case opGt:
		return a > b
	case opGe:
		return a >= b
	}
	return false
}

// regexValue is a %regex% compiled for Go's RE2 engine.
type regexValue struct {
	src  string // as written between the percent signs
	re   *regexp.Regexp
	size int // instructions
}
