package filterpattern

import (
	"encoding/json"
	"errors"
	"os"
	"testing"
	"unicode/utf8"
)

// FuzzParseMatch feeds arbitrary patterns and messages to the parser and the
// matcher: no panic, no hang; errors carry a column inside the pattern; and a
// JSON pattern gives the same answer on a message's text as on its decoded
// value.
func FuzzParseMatch(f *testing.F) {
	seeds := []string{
		cis45, "", " ", `" "`, "ERROR -Exiting ?WARN", "%AUTH[A-Z]+%",
		`{ $.a[*].b = %x{,2}% && ($.c IS NULL || $.d NOT EXISTS) }`,
		`{ $.['k.v'] != "*x*" || $.n >= -1.5e3 }`,
		`[..., request=*.html*, status_code=4*,]`, `[w1=ERROR || w1=WARNING, w2]`, `[]`,
	}
	if data, err := os.ReadFile("testdata/aws-vectors.json"); err == nil {
		var vs []struct{ Pattern, Event string }
		if json.Unmarshal(data, &vs) == nil {
			for _, v := range vs {
				f.Add(v.Pattern, v.Event)
			}
		}
	}
	for _, s := range seeds {
		f.Add(s, stopLogging)
		f.Add(s, apache)
	}
	f.Fuzz(func(t *testing.T, pattern, msg string) {
		p, err := Parse(pattern)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) returned %T, want *SyntaxError", pattern, err)
			}
			if se.Column < 1 || se.Column > utf8.RuneCountInString(pattern)+1 {
				t.Fatalf("Parse(%q): column %d outside the pattern", pattern, se.Column)
			}
			return
		}
		res, matched := p.MatchMessage(msg)
		if !matched && len(res.ExtractedValues) > 0 {
			t.Fatalf("values extracted from a message that did not match")
		}
		if p.Kind() == KindJSON {
			if v, ok := decodeEvent(msg); ok && p.MatchEvent(v) != matched {
				t.Fatalf("pattern %q: MatchMessage and MatchEvent disagree on %q", pattern, msg)
			}
		}
	})
}
