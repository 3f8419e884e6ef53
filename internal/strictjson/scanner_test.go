package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"testing/iotest"
)

// decodeAll reads a document into Go values the way encoding/json would,
// through the Scanner: the reference the fuzz test holds it to.
func decodeAll(s *Scanner) (any, error) {
	k, err := s.Peek()
	if err != nil {
		return nil, err
	}
	switch k {
	case Object:
		if err := s.BeginObject(); err != nil {
			return nil, err
		}
		m := map[string]any{}
		for first := true; ; first = false {
			key, ok, err := s.NextKey(first)
			if err != nil {
				return nil, err
			}
			if !ok {
				return m, nil
			}
			if m[key], err = decodeAll(s); err != nil {
				return nil, err
			}
		}
	case Array:
		if err := s.BeginArray(); err != nil {
			return nil, err
		}
		a := []any{}
		for i := 0; ; i++ {
			ok, err := s.NextElement(i == 0)
			if err != nil {
				return nil, err
			}
			if !ok {
				return a, nil
			}
			v, err := decodeAll(s)
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
	case String:
		return s.String()
	case Number:
		n, err := s.Number()
		return json.Number(n), err
	case Bool:
		return s.Bool()
	default:
		return nil, s.Null()
	}
}

func scanBoth(t *testing.T, doc string) (any, error) {
	t.Helper()
	v1, err1 := decodeAll(NewScanner([]byte(doc), 1, 1))
	v2, err2 := decodeAll(NewStreamScanner(iotest.OneByteReader(strings.NewReader(doc)), 0))
	if (err1 == nil) != (err2 == nil) || (err1 != nil && err1.Error() != err2.Error()) {
		t.Fatalf("%q: in memory %v, streamed byte by byte %v", doc, err1, err2)
	}
	a, _ := json.Marshal(v1)
	b, _ := json.Marshal(v2)
	if !bytes.Equal(a, b) {
		t.Fatalf("%q: in memory %s, streamed %s", doc, a, b)
	}
	return v1, err1
}

func TestScannerReadsWhatEncodingJSONReads(t *testing.T) {
	for _, doc := range []string{
		`{"a": [1, -2.5e3, true, false, null, "x\"y\\u00e9\ud83d\ude00"], "b": {}}`,
		`[]`, `""`, `0`, `-0.0`, `"\u0000"`, `{"k":"\/"}`,
		"\n  {\n \"a\" : 1 }  ",
	} {
		got, err := scanBoth(t, doc)
		if err != nil {
			t.Errorf("%q: %v", doc, err)
			continue
		}
		var want any
		dec := json.NewDecoder(strings.NewReader(doc))
		dec.UseNumber()
		if err := dec.Decode(&want); err != nil {
			t.Fatal(err)
		}
		a, _ := json.Marshal(got)
		b, _ := json.Marshal(want)
		if !bytes.Equal(a, b) {
			t.Errorf("%q: got %s, encoding/json %s", doc, a, b)
		}
	}
}

func TestScannerErrors(t *testing.T) {
	for _, tt := range []struct{ doc, want string }{
		{"{\n  \"a\": tru }", "2:11: invalid character ' ' in literal true (expecting 'e')"},
		{`{"a" 1}`, "1:6: invalid character '1' after object key"},
		{`[1,]`, "1:4: invalid character ']' looking for the beginning of a value"},
		{`{"a":1,}`, "1:8: invalid character '}' looking for beginning of object key string"},
		{`01`, ""}, // a value, then trailing data: CheckDuplicates reports it
		{`1.`, "1:3: unexpected end of JSON input"},
		{`"abc`, "1:5: unexpected end of JSON input"},
		{"\"a\tb\"", `1:3: invalid character '\t' in string literal`},
		{"\x00", `1:1: invalid character '\x00' looking for the beginning of a value`},
		{"\xef\xbb\xbf{}", `1:1: invalid character '\ufeff' looking for the beginning of a value`},
		{`"\x"`, `1:3: invalid character 'x' in string escape code`},
	} {
		_, err := scanBoth(t, tt.doc)
		if tt.want == "" {
			continue
		}
		if err == nil || err.Error() != tt.want {
			t.Errorf("%q: error %v, want %s", tt.doc, err, tt.want)
		}
	}
}

func TestCheckDuplicates(t *testing.T) {
	err := CheckDuplicates([]byte("{\n  \"a\": {\"IsLogging\": false,\n   \"IsLogging\": true}\n}"))
	var de *DuplicateKeyError
	if !errors.As(err, &de) || de.Path.String() != "$.a.IsLogging" || de.Line != 3 || de.Col != 4 {
		t.Errorf("err = %v", err)
	}
	if err := CheckDuplicates([]byte(`{"a": 1, "A": 2, "b": [{"a": 1}, {"a": 2}]}`)); err != nil {
		t.Errorf("distinct keys refused: %v", err)
	}
	if err := CheckDuplicates([]byte(`{"a": 1} x`)); err == nil || !strings.Contains(err.Error(), "after the top-level value") {
		t.Errorf("trailing data: %v", err)
	}
	deep := strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1)
	if err := CheckDuplicates([]byte(deep)); err == nil || !strings.Contains(err.Error(), "nested more than") {
		t.Errorf("deep nesting: %v", err)
	}
}

func TestStreamLimitAndReadErrors(t *testing.T) {
	s := NewStreamScanner(strings.NewReader(`"`+strings.Repeat("a", 1000)+`"`), 100)
	_, err := s.String()
	var tl *TooLargeError
	if !errors.As(err, &tl) {
		t.Errorf("a string past the limit: %v", err)
	}
	boom := errors.New("interrupted")
	s = NewStreamScanner(iotest.ErrReader(boom), 0)
	if _, err := s.Peek(); !errors.Is(err, boom) {
		t.Errorf("a read error: %v", err)
	}
}

// FuzzScanner holds the scanner to encoding/json: whatever the input, both
// accept it or both refuse it, and what they read is the same value. The
// only difference allowed is a duplicate key, which encoding/json keeps
// and CheckDuplicates refuses.
func FuzzScanner(f *testing.F) {
	for _, s := range []string{`{"a":[1,2,{"b":null}]}`, `"\u00e9"`, `[1e5,-0.1]`, `{"a":1,"a":2}`, "\"\xff\"", `{"a":"\ud800"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var want any
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		wantErr := dec.Decode(&want)
		if wantErr == nil && len(bytes.TrimLeft(data[dec.InputOffset():], " \t\r\n")) > 0 {
			wantErr = errors.New("trailing data")
		}
		s := NewStreamScanner(iotest.HalfReader(bytes.NewReader(data)), 0)
		got, err := decodeAll(s)
		if err == nil && !s.AtEnd() {
			err = errors.New("trailing data")
		}
		dupErr := CheckDuplicates(data)
		var de *DuplicateKeyError
		if errors.As(dupErr, &de) {
			return
		}
		if (err == nil) != (wantErr == nil) || (dupErr == nil) != (wantErr == nil) {
			t.Fatalf("%q: scanner %v, CheckDuplicates %v, encoding/json %v", data, err, dupErr, wantErr)
		}
		if err != nil {
			return
		}
		a, _ := json.Marshal(got)
		b, _ := json.Marshal(want)
		if !bytes.Equal(a, b) {
			t.Fatalf("%q: scanner %s, encoding/json %s", data, a, b)
		}
	})
}

// FuzzSpan: where an object or an array is JSON (Skip reads it), Span,
// streamed half a read at a time, gives exactly its text and leaves the
// scanner where Skip does, line and column too; where Span gives text, it
// is the bytes from the value's start to a closing bracket.
func FuzzSpan(f *testing.F) {
	for _, s := range []string{`{"a":[1,2,{"b":null}]} [3]`, "[\n\"\\\"]\\\\\",\n{}\n]\n,", `{"a":"\ud800}"}`, `[[[`, `{"x":"]"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		skip := NewScanner(data, 1, 1)
		k, _ := skip.Peek()
		start := skip.pos
		skipErr := skip.Skip(Root)
		s := NewStreamScanner(iotest.HalfReader(bytes.NewReader(data)), 0)
		text, ok := s.Span()
		if (k == Object || k == Array) && skipErr == nil {
			if !ok || !bytes.Equal(text, data[start:skip.pos]) {
				t.Fatalf("%q: Span gives %q, %v; Skip reads %q", data, text, ok, data[start:skip.pos])
			}
			l1, c1 := skip.Position()
			l2, c2 := s.Position()
			if l1 != l2 || c1 != c2 {
				t.Fatalf("%q: after Span at %d:%d, after Skip at %d:%d", data, l2, c2, l1, c1)
			}
			return
		}
		if ok && (!bytes.HasPrefix(data[start:], text) || len(text) < 2 || !strings.ContainsRune("}]", rune(text[len(text)-1]))) {
			t.Fatalf("%q: Span gives %q", data, text)
		}
	})
}
