// Package strictjson reads JSON the strict way trailwatch needs for files
// people edit and attackers may craft: every token has its line and
// column, an object that holds a key twice is refused (encoding/json keeps
// the last, so a reviewer reading a diff sees one value while a program
// uses another), nesting is bounded, and numbers are checked against the
// JSON grammar before anyone converts them.
//
// The Scanner walks one JSON value held in memory, token by token, without
// building a tree; callers that know the shape they expect (the snapshot
// reader) drive it directly, and CheckDuplicates walks any document.
package strictjson

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// Kind is the kind of the next JSON value.
type Kind int

const (
	Invalid Kind = iota
	Object
	Array
	String
	Number
	Bool
	Null
)

func (k Kind) String() string {
	switch k {
	case Object:
		return "an object"
	case Array:
		return "an array"
	case String:
		return "a string"
	case Number:
		return "a number"
	case Bool:
		return "a boolean"
	case Null:
		return "null"
	}
	return "nothing"
}

// MaxDepth bounds nesting: no trailwatch document nests deeper than a
// dozen levels, and a deeply nested value is only a way to exhaust the
// stack.
const MaxDepth = 512

// SyntaxError is JSON that does not parse, at a 1-based line and column.
type SyntaxError struct {
	Line, Col int
	Msg       string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Msg) }

// Scanner reads the tokens of JSON text, from memory or from a stream: a
// stream is read in chunks as tokens need them, so that a huge or endless
// input is refused at its first bad byte or at its size limit, never read
// whole first. Line and column count from the position given to
// NewScanner.
type Scanner struct {
	data      []byte // the window of the input held: data[pos:] is unread
	pos       int
	line      int
	lineStart int // index in data of the current line's first byte, minus the column base
	depth     int

	src      io.Reader // nil for text held whole in data
	srcErr   error     // what the source said when it stopped (io.EOF at its end)
	consumed int64     // bytes dropped from the front of the window
	limit    int64     // the most bytes the source may give; 0 for no limit

	keyLine, keyCol int // where the last key NextKey read starts

	// strings are short strings read so far, keys and values, each held
	// once (held).
	strings map[string]string
}

// The longest string held, and how many are held at most.
const (
	maxHeld        = 32
	maxHeldStrings = 16384
)

// KeyPosition is where the last key NextKey read starts.
func (s *Scanner) KeyPosition() (line, col int) { return s.keyLine, s.keyCol }

// NewScanner scans data, whose first byte is at line, col of its file.
func NewScanner(data []byte, line, col int) *Scanner {
	return &Scanner{data: data, line: line, lineStart: -(col - 1), srcErr: io.EOF}
}

// Reset makes s scan data, whose first byte is at line, col of its file,
// nested depth deep in it (MaxDepth counts from the file's top), keeping
// the short strings s holds already: a reader that scans many pieces of
// one document allocates each of its keys once.
func (s *Scanner) Reset(data []byte, line, col, depth int) {
	held := s.strings
	*s = Scanner{data: data, line: line, lineStart: -(col - 1), depth: depth, srcErr: io.EOF, strings: held}
}

// Depth is how deep the next value is nested.
func (s *Scanner) Depth() int { return s.depth }

// Span reads the next value, an object or an array, without decoding it,
// and gives a copy of its text, for another Scanner to decode. It looks
// only at quotes, backslashes and brackets: ok is false when the next
// value is not an object or an array, or when its brackets and quotes do
// not close before the input ends (or the source fails), and the scanner
// is then of no further use. Text Span gives may still not be JSON; the
// Scanner that decodes it says so.
func (s *Scanner) Span() (text []byte, ok bool) {
	s.skipSpace()
	if s.pos >= len(s.data) || (s.data[s.pos] != '{' && s.data[s.pos] != '[') {
		return nil, false
	}
	start := s.pos
	depth, inString := 0, false
	for {
		data, i := s.data, s.pos
		for i < len(data) {
			if inString {
				// To the closing quote, past escapes, with IndexByte's
				// speed: most of a snapshot's bytes are in strings.
				q := bytes.IndexByte(data[i:], '"')
				if q < 0 {
					i = len(data)
					break
				}
				if b := bytes.IndexByte(data[i:i+q], '\\'); b >= 0 {
					if i+b+2 > len(data) {
						i += b // the escaped byte is not read yet
						goto more
					}
					i += b + 2
					continue
				}
				i += q + 1
				inString = false
				continue
			}
			c := data[i]
			i++
			switch c {
			case ' ':
				i = pastSpaces(data, i)
			case '"':
				inString = true
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					s.pos = i
					text = append([]byte(nil), data[start:i]...)
					if n := bytes.Count(text, newline); n > 0 {
						s.line += n
						s.lineStart = start + bytes.LastIndexByte(text, '\n') + 1
					}
					return text, true
				}
			}
		}
	more:
		s.pos = i
		shift, more := s.fill(start)
		start -= shift
		if !more {
			return nil, false
		}
	}
}

var newline = []byte{'\n'}

// NewStreamScanner scans what r gives, at most limit bytes (0: no limit).
// Past the limit, scanning stops with a *TooLargeError. An error of r other
// than io.EOF (a cancelled read, say) stops scanning with that error.
func NewStreamScanner(r io.Reader, limit int64) *Scanner {
	return &Scanner{data: make([]byte, 0, 64<<10), line: 1, src: r, limit: limit}
}

// TooLargeError is a stream longer than its limit.
type TooLargeError struct{ Limit int64 }

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("more than the %d bytes allowed", e.Limit)
}

// fill reads more of the source into the window, keeping data[keep:]. It
// returns how far the kept bytes moved towards the front (indexes into
// data that the caller holds must be lowered by that much), and false when
// the source has nothing more.
func (s *Scanner) fill(keep int) (int, bool) {
	if s.srcErr != nil {
		return 0, false
	}
	shift := 0
	if keep > 0 && (len(s.data) == cap(s.data) || keep > cap(s.data)/2) {
		n := copy(s.data, s.data[keep:])
		s.data = s.data[:n]
		s.pos -= keep
		s.lineStart -= keep
		s.consumed += int64(keep)
		shift = keep
	}
	if len(s.data) == cap(s.data) {
		grown := make([]byte, len(s.data), 2*cap(s.data))
		copy(grown, s.data)
		s.data = grown
	}
	n, err := s.src.Read(s.data[len(s.data):cap(s.data)])
	s.data = s.data[:len(s.data)+n]
	if s.limit > 0 && s.consumed+int64(len(s.data)) > s.limit {
		s.data = s.data[:s.limit-s.consumed]
		s.srcErr = &TooLargeError{Limit: s.limit}
		return shift, n > 0
	}
	if err != nil {
		s.srcErr = err
	}
	if n == 0 && err == nil {
		return shift, true // the reader may answer nothing now and more later
	}
	return shift, n > 0 || err == nil
}

// ensure makes data[pos:pos+n] available if the input has that much.
func (s *Scanner) ensure(n int) bool {
	for len(s.data)-s.pos < n {
		if _, ok := s.fill(s.pos); !ok {
			return false
		}
	}
	return true
}

// Position is the line and column of the next unread byte.
func (s *Scanner) Position() (line, col int) { return s.line, s.pos - s.lineStart + 1 }

// Err is why a stream stopped before its text did (a read error, the size
// limit), or nil when it did not.
func (s *Scanner) Err() error {
	if s.srcErr == nil || errors.Is(s.srcErr, io.EOF) {
		return nil
	}
	return s.srcErr
}

func (s *Scanner) errorf(format string, args ...any) *SyntaxError {
	line, col := s.Position()
	return &SyntaxError{Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
}

func (s *Scanner) skipSpace() {
	for {
		// The position is kept in a local while the loop runs, and runs
		// of spaces (an indented file is a third spaces) are skipped
		// eight at a time.
		data, i := s.data, s.pos
		for i < len(data) {
			switch data[i] {
			case ' ':
				i = pastSpaces(data, i+1)
			case '\t', '\r':
				i++
			case '\n':
				i++
				s.line++
				s.lineStart = i
			default:
				s.pos = i
				return
			}
		}
		s.pos = i
		if _, ok := s.fill(s.pos); !ok {
			return
		}
	}
}

// pastSpaces skips the runs of eight spaces at data[i:] (an indented file
// is a third spaces), leaving what is left of a run to a byte loop.
func pastSpaces(data []byte, i int) int {
	for i+8 <= len(data) && binary.LittleEndian.Uint64(data[i:]) == eightSpaces {
		i += 8
	}
	return i
}

const eightSpaces = 0x2020202020202020

// AtEnd reports whether only whitespace is left.
func (s *Scanner) AtEnd() bool {
	s.skipSpace()
	return s.pos >= len(s.data)
}

// Peek says what the next value is, without reading it. At the end of
// the input it says Invalid, with an error.
func (s *Scanner) Peek() (Kind, error) {
	s.skipSpace()
	if s.pos >= len(s.data) {
		return Invalid, s.eof()
	}
	switch c := s.data[s.pos]; {
	case c == '{':
		return Object, nil
	case c == '[':
		return Array, nil
	case c == '"':
		return String, nil
	case c == '-' || (c >= '0' && c <= '9'):
		return Number, nil
	case c == 't' || c == 'f':
		return Bool, nil
	case c == 'n':
		return Null, nil
	default:
		return Invalid, s.errorf("invalid character %s looking for the beginning of a value", s.char())
	}
}

// ErrEOF is text that ends before its value does.
type ErrEOF struct{ SyntaxError }

func (s *Scanner) eof() error {
	if err := s.Err(); err != nil {
		return err
	}
	line, col := s.Position()
	return &ErrEOF{SyntaxError{Line: line, Col: col, Msg: "unexpected end of JSON input"}}
}

// char quotes the character at pos, for an error.
func (s *Scanner) char() string {
	s.ensure(utf8.UTFMax)
	if s.pos >= len(s.data) {
		return "end of input"
	}
	return quoteChar(s.data[s.pos:])
}

func quoteChar(b []byte) string {
	r, _ := utf8.DecodeRune(b)
	if r == utf8.RuneError {
		return fmt.Sprintf("byte 0x%02x", b[0])
	}
	return strconv.QuoteRune(r)
}

func (s *Scanner) expect(c byte, what string) error {
	s.skipSpace()
	if s.pos >= len(s.data) {
		return s.eof()
	}
	if s.data[s.pos] != c {
		return s.errorf("invalid character %s %s", s.char(), what)
	}
	s.pos++
	return nil
}

// BeginObject reads the { of an object.
func (s *Scanner) BeginObject() error {
	if err := s.expect('{', "looking for the beginning of an object"); err != nil {
		return err
	}
	return s.enter()
}

// BeginArray reads the [ of an array.
func (s *Scanner) BeginArray() error {
	if err := s.expect('[', "looking for the beginning of an array"); err != nil {
		return err
	}
	return s.enter()
}

func (s *Scanner) enter() error {
	s.depth++
	if s.depth > MaxDepth {
		return s.errorf("nested more than %d deep", MaxDepth)
	}
	return nil
}

// NextKey reads the next key of an object and its colon, or the object's
// closing } (ok false). first says whether this is the object's first key.
func (s *Scanner) NextKey(first bool) (key string, ok bool, err error) {
	s.skipSpace()
	if s.pos >= len(s.data) {
		return "", false, s.eof()
	}
	if s.data[s.pos] == '}' {
		s.pos++
		s.depth--
		return "", false, nil
	}
	if !first {
		if s.data[s.pos] != ',' {
			return "", false, s.errorf("invalid character %s after object key:value pair", s.char())
		}
		s.pos++
		s.skipSpace()
	}
	if s.pos >= len(s.data) {
		return "", false, s.eof()
	}
	if s.data[s.pos] != '"' {
		return "", false, s.errorf("invalid character %s looking for beginning of object key string", s.char())
	}
	s.keyLine, s.keyCol = s.Position()
	if key, err = s.String(); err != nil {
		return "", false, err
	}
	if err := s.expect(':', "after object key"); err != nil {
		return "", false, err
	}
	return key, true, nil
}

// held gives the string of short ASCII text, held once: a snapshot
// repeats its keys, its regions and its settings' values a great many
// times, and a string held costs no allocation when it comes again. The
// first strings of a document are held, up to maxHeldStrings; past that,
// text not held already is a new string as before.
func (s *Scanner) held(b []byte) string {
	if str, ok := s.strings[string(b)]; ok {
		return str
	}
	str := string(b)
	if len(s.strings) < maxHeldStrings {
		if s.strings == nil {
			s.strings = map[string]string{}
		}
		s.strings[str] = str
	}
	return str
}

// NextElement moves to the next element of an array, or reads its closing
// ] (ok false).
func (s *Scanner) NextElement(first bool) (ok bool, err error) {
	s.skipSpace()
	if s.pos >= len(s.data) {
		return false, s.eof()
	}
	if s.data[s.pos] == ']' {
		s.pos++
		s.depth--
		return false, nil
	}
	if !first {
		if s.data[s.pos] != ',' {
			return false, s.errorf("invalid character %s after array element", s.char())
		}
		s.pos++
	}
	return true, nil
}

// String reads a string, with its escapes resolved. Invalid UTF-8 becomes
// U+FFFD, as encoding/json does.
func (s *Scanner) String() (string, error) {
	if err := s.expect('"', "looking for the beginning of a string"); err != nil {
		return "", err
	}
	start := s.pos
	// The common case: no escapes. The position is kept in a local while
	// the loop runs; ASCII text (what bytes were seen, or-ed) needs no
	// check that it is UTF-8.
	var seen byte
	for {
		data, i := s.data, s.pos
		for i < len(data) {
			c := data[i]
			if c == '"' {
				s.pos = i + 1
				if seen < utf8.RuneSelf && i-start <= maxHeld {
					return s.held(data[start:i]), nil
				}
				str := string(data[start:i])
				if seen >= utf8.RuneSelf && !utf8.ValidString(str) {
					str = toValidUTF8(str)
				}
				return str, nil
			}
			if c == '\\' {
				s.pos = i
				goto escaped
			}
			if c < 0x20 {
				s.pos = i
				return "", s.errorf("invalid character %s in string literal", s.char())
			}
			seen |= c
			i++
		}
		s.pos = i
		shift, ok := s.fill(start)
		start -= shift
		if !ok {
			return "", s.eof()
		}
	}
escaped:
	buf := append([]byte(nil), s.data[start:s.pos]...)
	for {
		if !s.ensure(1) {
			return "", s.eof()
		}
		c := s.data[s.pos]
		switch {
		case c == '"':
			s.pos++
			str := string(buf)
			if !utf8.ValidString(str) {
				str = toValidUTF8(str)
			}
			return str, nil
		case c < 0x20:
			return "", s.errorf("invalid character %s in string literal", s.char())
		case c != '\\':
			buf = append(buf, c)
			s.pos++
			continue
		}
		if !s.ensure(2) {
			return "", s.eof()
		}
		e := s.data[s.pos+1]
		switch e {
		case '"', '\\', '/':
			buf = append(buf, e)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			s.ensure(12)
			r, n, err := s.unicodeEscape(s.pos)
			if err != nil {
				return "", err
			}
			buf = utf8.AppendRune(buf, r)
			s.pos += n
			continue
		default:
			s.pos++
			return "", s.errorf("invalid character %s in string escape code", s.char())
		}
		s.pos += 2
	}
}

// unicodeEscape reads \uXXXX (and a low surrogate after a high one) at at.
func (s *Scanner) unicodeEscape(at int) (rune, int, error) {
	r, ok := hex4(s.data, at+2)
	if !ok {
		s.pos = at + 2
		return 0, 0, s.errorf("invalid \\u escape in string literal")
	}
	if utf16.IsSurrogate(r) {
		if at+12 <= len(s.data) && s.data[at+6] == '\\' && s.data[at+7] == 'u' {
			if r2, ok := hex4(s.data, at+8); ok {
				if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
					return dec, 12, nil
				}
			}
		}
		return utf8.RuneError, 6, nil
	}
	return r, 6, nil
}

func hex4(data []byte, at int) (rune, bool) {
	if at+4 > len(data) {
		return 0, false
	}
	var r rune
	for _, c := range data[at : at+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r*16 + rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r*16 + rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r*16 + rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

func toValidUTF8(s string) string {
	var b []byte
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		b = utf8.AppendRune(b, r)
		s = s[n:]
	}
	return string(b)
}

// Number reads a number's text, checked against the JSON grammar.
func (s *Scanner) Number() (string, error) {
	s.skipSpace()
	start := s.pos
	at := func(i int) (byte, bool) {
		for start+i >= len(s.data) {
			shift, ok := s.fill(start)
			start -= shift
			if !ok {
				return 0, false
			}
		}
		return s.data[start+i], true
	}
	digit := func(c byte, ok bool) bool { return ok && c >= '0' && c <= '9' }
	fail := func(i int, msg string) (string, error) {
		s.pos = start + i
		if s.pos >= len(s.data) {
			return "", s.eof()
		}
		return "", s.errorf("invalid character %s %s", s.char(), msg)
	}
	i := 0
	if c, ok := at(i); ok && c == '-' {
		i++
	}
	switch c, ok := at(i); {
	case ok && c == '0':
		i++
	case digit(c, ok):
		for digit(at(i)) {
			i++
		}
	default:
		return fail(i, "in numeric literal")
	}
	if c, ok := at(i); ok && c == '.' {
		i++
		if !digit(at(i)) {
			return fail(i, "after decimal point in numeric literal")
		}
		for digit(at(i)) {
			i++
		}
	}
	if c, ok := at(i); ok && (c == 'e' || c == 'E') {
		i++
		if c, ok := at(i); ok && (c == '+' || c == '-') {
			i++
		}
		if !digit(at(i)) {
			return fail(i, "in exponent of numeric literal")
		}
		for digit(at(i)) {
			i++
		}
	}
	s.pos = start + i
	return string(s.data[start:s.pos]), nil
}

// Bool reads true or false.
func (s *Scanner) Bool() (bool, error) {
	s.skipSpace()
	switch {
	case s.literal("true"):
		return true, nil
	case s.literal("false"):
		return false, nil
	}
	return false, s.badLiteral()
}

// Null reads null.
func (s *Scanner) Null() error {
	s.skipSpace()
	if s.literal("null") {
		return nil
	}
	return s.badLiteral()
}

func (s *Scanner) literal(word string) bool {
	if s.ensure(len(word)) && string(s.data[s.pos:s.pos+len(word)]) == word {
		s.pos += len(word)
		return true
	}
	return false
}

func (s *Scanner) badLiteral() error {
	s.ensure(5)
	for _, word := range []string{"true", "false", "null"} {
		if s.pos >= len(s.data) || s.data[s.pos] != word[0] {
			continue
		}
		for i := 1; i < len(word); i++ {
			if s.pos+i >= len(s.data) {
				s.pos += i
				return s.eof()
			}
			if s.data[s.pos+i] != word[i] {
				s.pos += i
				return s.errorf("invalid character %s in literal %s (expecting %q)", s.char(), word, word[i])
			}
		}
	}
	if s.pos >= len(s.data) {
		return s.eof()
	}
	return s.errorf("invalid character %s looking for the beginning of a value", s.char())
}

// Skip reads and discards one value, checking its grammar and that none
// of its objects holds a key twice; path names the value, for errors.
func (s *Scanner) Skip(path Path) error {
	k, err := s.Peek()
	if err != nil {
		return err
	}
	switch k {
	case Object:
		if err := s.BeginObject(); err != nil {
			return err
		}
		seen := map[string]bool{}
		for first := true; ; first = false {
			key, ok, err := s.NextKey(first)
			if err != nil {
				return err
			}
			if !ok {
				return nil
			}
			if seen[key] {
				line, col := s.KeyPosition()
				return &DuplicateKeyError{Path: path.Key(key), Line: line, Col: col, Key: key}
			}
			seen[key] = true
			if err := s.Skip(path.Key(key)); err != nil {
				return err
			}
		}
	case Array:
		if err := s.BeginArray(); err != nil {
			return err
		}
		for i := 0; ; i++ {
			ok, err := s.NextElement(i == 0)
			if err != nil {
				return err
			}
			if !ok {
				return nil
			}
			if err := s.Skip(path.Index(i)); err != nil {
				return err
			}
		}
	case String:
		_, err := s.String()
		return err
	case Number:
		_, err := s.Number()
		return err
	case Bool:
		_, err := s.Bool()
		return err
	default:
		return s.Null()
	}
}

// DuplicateKeyError is an object that holds a key twice.
type DuplicateKeyError struct {
	Path      Path
	Line, Col int
	Key       string
}

func (e *DuplicateKeyError) Error() string {
	return fmt.Sprintf("%d:%d: %s: %s", e.Line, e.Col, e.Path, DuplicateKey(e.Key))
}

// DuplicateKey says that an object holds key twice, and why that matters.
func DuplicateKey(key string) string {
	return fmt.Sprintf("the key %q appears twice in one object; a reader would keep one and a reviewer might see the other", key)
}

// CheckDuplicates reads a whole JSON document, refusing duplicate keys
// anywhere in it, text after it, and anything that does not parse.
func CheckDuplicates(data []byte) error {
	s := NewScanner(data, 1, 1)
	if err := s.Skip(Root); err != nil {
		return err
	}
	if !s.AtEnd() {
		return s.errorf("unexpected data after the top-level value")
	}
	return nil
}
