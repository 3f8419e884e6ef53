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

// sizeAbove tells, without compiling, whether re compiles to more than
// limit instructions. Simplifying and compiling a pattern of repetitions
// such as \w{,1000}\w{,1000}... builds every instruction, hundreds of
// thousands of them, only to count them; this counts on the parse tree
// the way Simplify and Compile expand it, and stops once past the limit.
// For the expressions AWS allows (no groups, so a repetition applies to a
// single character, class or dot) the count is exact (TestSizeAbove).
func sizeAbove(re *syntax.Regexp, limit int) bool {
	// The program's fixed part: the fail and the match instructions.
	return 2+treeSize(re, limit) > limit
}

// treeSize is the instructions re compiles to, saturating a little past
// limit.
func treeSize(re *syntax.Regexp, limit int) int {
	add := func(a, b int) int { return min(a+b, limit+1) }
	mul := func(n, a int) int {
		if n > 0 && a > (limit+1)/n {
			return limit + 1
		}
		return min(n*a, limit+1)
	}
	switch re.Op {
	case syntax.OpNoMatch:
		return 0
	case syntax.OpLiteral:
		return max(1, min(len(re.Rune), limit+1))
	case syntax.OpCapture:
		return add(2, treeSize(re.Sub[0], limit))
	case syntax.OpStar:
		// A star over something that can match nothing compiles as (x+)?.
		if nullable(re.Sub[0]) {
			return add(2, treeSize(re.Sub[0], limit))
		}
		return add(1, treeSize(re.Sub[0], limit))
	case syntax.OpPlus, syntax.OpQuest:
		return add(1, treeSize(re.Sub[0], limit))
	case syntax.OpConcat, syntax.OpAlternate:
		if len(re.Sub) == 0 {
			return 1
		}
		n := 0
		if re.Op == syntax.OpAlternate {
			n = len(re.Sub) - 1
		}
		for _, sub := range re.Sub {
			n = add(n, treeSize(sub, limit))
		}
		return n
	case syntax.OpRepeat:
		sub := treeSize(re.Sub[0], limit)
		switch {
		case re.Max == 0:
			return 1
		case re.Max == -1 && re.Min == 0:
			return treeSize(&syntax.Regexp{Op: syntax.OpStar, Sub: re.Sub}, limit)
		case re.Max == -1:
			// x{n,} is n-1 copies of x and x+.
			return add(mul(re.Min, sub), 1)
		default:
			// x{n,m} is n copies of x and m-n nested (x...)?.
			return add(mul(re.Min, sub), mul(re.Max-re.Min, add(sub, 1)))
		}
	default:
		// One instruction: a character class, a dot, an anchor, the empty
		// match.
		return 1
	}
}

// nullable tells whether re can match the empty string.
func nullable(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpStar, syntax.OpQuest,
		syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return true
	case syntax.OpLiteral:
		return len(re.Rune) == 0
	case syntax.OpCapture, syntax.OpPlus:
		return nullable(re.Sub[0])
	case syntax.OpRepeat:
		return re.Min == 0 || nullable(re.Sub[0])
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			if !nullable(sub) {
				return false
			}
		}
		return true
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			if nullable(sub) {
				return true
			}
		}
		return false
	}
	return false
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
	if sizeAbove(parsed, MaxRegexProgram) {
		return nil, &LimitError{Msg: fmt.Sprintf("the regular expression at column %d compiles to more than %d instructions, the most trailwatch evaluates (see rules.go), so it cannot tell what this pattern matches", s.column(off), MaxRegexProgram)}
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
