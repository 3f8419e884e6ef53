package filterpattern

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// SyntaxError is a pattern AWS would refuse. Column counts characters from
// 1 at the start of the pattern (a newline counts as one character).
type SyntaxError struct {
	Column int
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("invalid filter pattern: column %d: %s", e.Column, e.Msg)
}

func itoa(n int) string { return strconv.Itoa(n) }

// scanner walks a pattern byte by byte; offsets are bytes, and errors turn
// them into character columns.
type scanner struct {
	src string
	pos int
	rx  []*regexValue // the regular expressions compiled so far
}

func (s *scanner) eof() bool { return s.pos >= len(s.src) }

func (s *scanner) peek() byte {
	if s.eof() {
		return 0
	}
	return s.src[s.pos]
}

func (s *scanner) peekAt(i int) byte {
	if s.pos+i >= len(s.src) {
		return 0
	}
	return s.src[s.pos+i]
}

func (s *scanner) hasPrefix(p string) bool { return strings.HasPrefix(s.src[s.pos:], p) }

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func (s *scanner) skipSpace() {
	for !s.eof() && isSpace(s.src[s.pos]) {
		s.pos++
	}
}

// column is the 1-based character column of byte offset off.
func (s *scanner) column(off int) int {
	return utf8.RuneCountInString(s.src[:min(off, len(s.src))]) + 1
}

// errAt builds a SyntaxError at byte offset off.
func (s *scanner) errAt(off int, format string, args ...any) *SyntaxError {
	if off > len(s.src) {
		off = len(s.src)
	}
	return &SyntaxError{Column: utf8.RuneCountInString(s.src[:off]) + 1, Msg: fmt.Sprintf(format, args...)}
}

func (s *scanner) errf(format string, args ...any) *SyntaxError {
	return s.errAt(s.pos, format, args...)
}

// describe names what the scanner sees next, for error messages.
func (s *scanner) describe() string {
	if s.eof() {
		return "end of pattern"
	}
	r, _ := utf8.DecodeRuneInString(s.src[s.pos:])
	return strconv.QuoteRune(r)
}

// readQuoted reads a double-quoted string starting at the opening quote and
// returns its content. See quotedEscape in rules.go for what a backslash does.
func (s *scanner) readQuoted() (string, error) {
	start := s.pos
	s.pos++ // opening quote
	var b strings.Builder
	for !s.eof() {
		c := s.src[s.pos]
		switch {
		case c == '"':
			s.pos++
			return b.String(), nil
		case c == '\\' && s.pos+1 < len(s.src):
			b.WriteString(quotedEscape(s.src[s.pos+1]))
			s.pos += 2
		default:
			b.WriteByte(c)
			s.pos++
		}
	}
	return "", s.errAt(start, "unterminated quoted string")
}

// readRegex reads a %regex% starting at the opening percent sign.
func (s *scanner) readRegex() (*regexValue, error) {
	start := s.pos
	end := strings.IndexByte(s.src[s.pos+1:], '%')
	if end < 0 {
		return nil, s.errAt(start, "unterminated regular expression: a regex starts and ends with %%")
	}
	body := s.src[s.pos+1 : s.pos+1+end]
	s.pos += end + 2
	return compileRegex(body, s, start+1)
}
