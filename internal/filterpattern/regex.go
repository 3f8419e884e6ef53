package filterpattern

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
)

// programSize is how many instructions a regular expression compiles to:
// what its matching costs, per byte of input, at worst.
func programSize(re *syntax.Regexp) int {
	prog, err := syntax.Compile(re.Simplify())
	if err != nil {
		return 0
	}
	return len(prog.Inst)
}

// LimitError is a pattern AWS may accept but trailwatch does not evaluate:
// it would cost too much to match (rules.go says where the line is).
type LimitError struct{ Msg string }

func (e *LimitError) Error() string { return e.Msg }

// The regular expressions AWS accepts between percent signs: letters,
// digits, the symbols : _ # = @ / ; , - and the operators ^ $ ? [ ] { } | \
// * + . ; no parentheses (write \x28 and \x29), no multi-byte characters.
// Escapes \d \D \s \S \w \W and \xhh, and a backslash before any of the
// allowed symbols or operators. A regex is a case-sensitive, unanchored
// search.
const regexSymbols = ":_#=@/;,-^$?[]{}|\\*+."

func isWholeRegex(src string) bool {
	t := strings.TrimSpace(src)
	return len(t) >= 2 && t[0] == '%' && t[len(t)-1] == '%'
}

func parseWholeRegex(s *scanner) (*regexValue, error) {
	rv, err := s.readRegex()
	if err != nil {
		return nil, err
	}
	s.skipSpace()
	if !s.eof() {
		return nil, s.errf("unexpected %s after the regular expression", s.describe())
	}
	return rv, nil
}

// compileRegex checks body against AWS's character rules and compiles it.
// off is the byte offset of body in the pattern, for error columns.
func compileRegex(body string, s *scanner, off int) (*regexValue, error) {
	if body == "" {
		return nil, s.errAt(off-1, "empty regular expression")
	}
	var out strings.Builder
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case c >= 0x80:
			return nil, s.errAt(off+i, "multi-byte characters are not allowed in a regular expression")
		case c == '(' || c == ')':
			return nil, s.errAt(off+i, "parentheses are not supported in a regular expression; write \\x28 or \\x29 to match one")
		case c == '\\':
			if i+1 >= len(body) {
				return nil, s.errAt(off+i, "a regular expression cannot end with a backslash")
			}
			n := body[i+1]
			switch {
			case strings.IndexByte("dDsSwW", n) >= 0:
				out.WriteByte('\\')
				out.WriteByte(n)
				i++
			case n == 'x':
				if i+3 >= len(body) || !isHex(body[i+2]) || !isHex(body[i+3]) {
					return nil, s.errAt(off+i, "\\x needs two hexadecimal digits")
				}
				out.WriteString(body[i : i+4])
				i += 3
			case strings.IndexByte(regexSymbols, n) >= 0:
				out.WriteByte('\\')
				out.WriteByte(n)
				i++
			default:
				return nil, s.errAt(off+i, "unsupported escape \\%c in a regular expression", n)
			}
		case c == '{' && i+1 < len(body) && body[i+1] == ',':
			// AWS allows {,n}; RE2 spells it {0,n}.
			out.WriteString("{0")
		case isAlnum(c) || strings.IndexByte(regexSymbols, c) >= 0:
			out.WriteByte(c)
		default:
			return nil, s.errAt(off+i, "character %q is not allowed in a regular expression", string(c))
		}
	}
	parsed, err := syntax.Parse(out.String(), syntax.Perl)
	if err != nil {
		return nil, s.errAt(off, "invalid regular expression: %s", strings.TrimPrefix(err.Error(), "error parsing regexp: "))
	}
	if size := programSize(parsed); size > MaxRegexProgram {
		return nil, &LimitError{Msg: fmt.Sprintf("the regular expression at column %d compiles to %d instructions; trailwatch evaluates at most %d (see rules.go), so it cannot tell what this pattern matches", s.column(off), size, MaxRegexProgram)}
	}
	re, err := regexp.Compile(out.String())
	if err != nil {
		return nil, s.errAt(off, "invalid regular expression: %s", strings.TrimPrefix(err.Error(), "error parsing regexp: "))
	}
	rv := &regexValue{src: body, re: re, size: programSize(parsed)}
	s.rx = append(s.rx, rv)
	return rv, nil
}

func isHex(c byte) bool {
	return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func isAlnum(c byte) bool {
	return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}
