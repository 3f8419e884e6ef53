package filterpattern

import (
	"errors"
	"math/rand/v2"
	"regexp/syntax"
	"strings"
	"testing"
)

// One test per rule that AWS's documentation leaves open (rules.go). When
// AWS is shown to behave otherwise, change rules.go and the case here.
func TestOpenRules(t *testing.T) {
	tests := []struct {
		rule, pattern, msg string
		want               bool
	}{
		{"inner star is literal", `{ $.a = "Ev*ent" }`, `{"a":"Event"}`, middleStarIsWildcard},
		{"inner star is literal (itself)", `{ $.a = "Ev*ent" }`, `{"a":"Ev*ent"}`, true},
		{"backslash quote in quoted value", `{ $.a = "say \"hi\"" }`, `{"a":"say \"hi\""}`, true},
		{"other backslash kept", `{ $.a = "C:\temp" }`, `{"a":"C:\\temp"}`, true},
		{"string literal against number text", `{ $.status = 404 }`, `{"status":"404"}`, true},
		{"quoted literal against number", `{ $.status = "404" }`, `{"status":404}`, true},
		{"string literal against boolean", `{ $.flag = true }`, `{"flag":true}`, true},
		{"regex against number text", `{ $.status = %^4% }`, `{"status":404}`, true},
		{"numeric literal against numeric string", `{ $.acct = 123456789012 }`, `{"acct":"123456789012"}`, true},
		{"numeric literal against other string", `{ $.acct = 12 }`, `{"acct":"twelve"}`, false},
		{"null equals nothing", `{ $.a = null }`, `{"a":null}`, false},
		{"null is not equal to a value", `{ $.a != "x" }`, `{"a":null}`, true},
		{"exists is false for null", `{ $.a = * }`, `{"a":null}`, false},
		{"exists is true for a boolean", `{ $.a = * }`, `{"a":false}`, true},
		{"IS TRUE ignores strings", `{ $.a IS TRUE }`, `{"a":"true"}`, false},
		{".* is one level deep", `{ $.* = x }`, `{"a":{"b":"x"}}`, false},
		{".* does not walk arrays", `{ $.a.* = x }`, `{"a":["x"]}`, false},
		{"[*] does not walk objects", `{ $.a[*] = x }`, `{"a":{"k":"x"}}`, false},
		{"NOT EXISTS with wildcard: nothing reached", `{ $.a[*].b NOT EXISTS }`, `{"a":[{"c":1},{"c":2}]}`, true},
		{"NOT EXISTS with wildcard: one reached", `{ $.a[*].b NOT EXISTS }`, `{"a":[{"c":1},{"b":2}]}`, false},
		{"unquoted term with punctuation", `ERROR:`, `ERROR: disk full`, true},
		{"blank quoted term matches all", `" "`, `x`, true},
		{"delimited: runs of blanks are one separator", `[a, b = y]`, "x   y", true},
		{"delimited: unclosed quote is text", `[a, b]`, `"x y`, true},
		{"delimited: last field takes the rest", `[a, b = "y z"]`, "x y z", absorbExtraFieldsIntoLast},
	}
	for _, tt := range tests {
		p, err := Parse(tt.pattern)
		if err != nil {
			t.Errorf("%s: Parse(%q): %v", tt.rule, tt.pattern, err)
			continue
		}
		if _, got := p.MatchMessage(tt.msg); got != tt.want {
			t.Errorf("%s: %q on %q = %v, want %v", tt.rule, tt.pattern, tt.msg, got, tt.want)
		}
	}
	// A condition that names another field is refused.
	if _, err := Parse("[a = 1 || b = 2]"); err == nil {
		t.Error("a condition naming another field is refused")
	}
}

// groupEqualities must not change an answer: compare the grouped || with
// the conditions evaluated one by one.
func TestGroupedEqualitiesAgree(t *testing.T) {
	p := MustParse(`{ $.a = x || $.a = "404" || $.a = y* || $.a = 5 || $.b[0] = x || $.b[0] = z || $.a[*] = q || $.a = "q" }`)
	grouped, ok := p.json.(orExpr)
	if !ok {
		t.Fatalf("top expression is %T", p.json)
	}
	sets := 0
	for _, e := range grouped {
		if _, ok := e.(*eqSet); ok {
			sets++
		}
	}
	if sets != 2 {
		t.Fatalf("%d eqSets, want 2 (on $.a and $.b[0])", sets)
	}
	var plain orExpr
	for _, src := range []string{`$.a = x`, `$.a = "404"`, `$.a = y*`, `$.a = 5`, `$.b[0] = x`, `$.b[0] = z`, `$.a[*] = q`, `$.a = "q"`} {
		plain = append(plain, MustParse("{"+src+"}").json)
	}
	for _, msg := range []string{
		`{"a":"x"}`, `{"a":404}`, `{"a":"404"}`, `{"a":"yes"}`, `{"a":5}`, `{"a":"5"}`, `{"a":["q"]}`, `{"a":"q"}`,
		`{"b":["z"]}`, `{"b":"z"}`, `{"a":null}`, `{"a":{"x":1}}`, `{"a":true}`, `{}`, `{"a":"X"}`,
	} {
		v, _ := decodeEvent(msg)
		if g, w := grouped.eval(v), plain.eval(v); g != w {
			t.Errorf("on %s: grouped %v, one by one %v", msg, g, w)
		}
	}
}

// A regular expression that compiles past MaxRegexProgram instructions is
// a *LimitError (AWS may accept it; trailwatch does not judge it), never a
// match or a miss; small ones compile, and their cost counts.
func TestRegexProgramLimit(t *testing.T) {
	huge := `%\w{,1000}\w{,1000}\w{,1000}x%`
	_, err := Parse(huge)
	var le *LimitError
	if !errors.As(err, &le) || !strings.Contains(err.Error(), "more than 5000 instructions") {
		t.Errorf("Parse(%s) = %v, want a *LimitError", huge, err)
	}
	if _, err := Parse(`{ $.a = %\w{,1000}\w{,1000}\w{,1000}x% }`); !errors.As(err, &le) {
		t.Errorf("a huge regex in a JSON pattern: %v", err)
	}
	small := MustParse(`%\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}%`)
	plain := MustParse(`{ $.eventName = StopLogging }`)
	if !small.HasRegex() || plain.HasRegex() || small.Cost() <= plain.Cost() {
		t.Errorf("HasRegex %v %v, Cost %d %d", small.HasRegex(), plain.HasRegex(), small.Cost(), plain.Cost())
	}
}

// sizeAbove counts instructions on the parse tree, without compiling: the
// count must be what Simplify and Compile produce, exactly, for every
// expression AWS allows. Random expressions over AWS's alphabet, with
// repetitions of every form, are compared with the compiled program.
func TestSizeAbove(t *testing.T) {
	atoms := []string{"a", "b7", `\w`, `\d`, `\S`, ".", "[a-f]", "[^:]", `\x41`, "^", "$", "-"}
	reps := []string{"", "", "*", "+", "?", "{3}", "{2,}", "{0,}", "{,4}", "{1,5}", "{0,0}", "{1}", "*?", "{2,3}?"}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 5000 {
		var b strings.Builder
		for range 1 + rng.IntN(6) {
			if b.Len() > 0 && rng.IntN(5) == 0 {
				b.WriteString("|")
			}
			b.WriteString(atoms[rng.IntN(len(atoms))])
			b.WriteString(reps[rng.IntN(len(reps))])
		}
		re, err := syntax.Parse(b.String(), syntax.Perl)
		if err != nil {
			continue
		}
		want := programSize(re)
		for _, limit := range []int{want - 1, want} {
			if got := sizeAbove(re, limit); got != (want > limit) {
				t.Fatalf("%s compiles to %d instructions; sizeAbove(%d) = %v", b.String(), want, limit, got)
			}
		}
	}
	// Past the limit it stops counting, whatever the repetitions multiply to.
	huge, err := syntax.Parse(strings.Repeat(`\w{0,1000}`, 113), syntax.Perl)
	if err != nil {
		t.Fatal(err)
	}
	if !sizeAbove(huge, MaxRegexProgram) {
		t.Error("113 times \\w{0,1000} is within the limit")
	}
}
