package filterpattern

import (
	"encoding/json"
	"maps"
	"strings"
	"testing"
)

// A CloudTrail record as CloudTrail delivers it to CloudWatch Logs.
const stopLogging = `{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","userName":"alice"},"eventTime":"2026-11-20T10:00:00Z","eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging","awsRegion":"eu-west-1","sourceIPAddress":"203.0.113.7","userAgent":"aws-cli/2.15.0","requestParameters":{"name":"arn:aws:cloudtrail:eu-west-1:111122223333:trail/main"},"responseElements":null,"readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","tags":["a","b"],"latency":250,"ratio":0.5,"flags":{"x":true,"y":false}}`

const cis45 = `{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }`

func TestMatchJSON(t *testing.T) {
	tests := []struct {
		name    string
		pattern string
		msg     string
		want    bool
	}{
		{"benchmark pattern", cis45, stopLogging, true},
		{"quoted value", `{ $.eventName = "StopLogging" }`, stopLogging, true},
		{"reordered clauses", `{ ($.eventName = StopLogging) || ($.eventName = CreateTrail) }`, stopLogging, true},
		{"newlines and extra spaces", "{\n  (  $.eventName   =   StopLogging )\n ||\n($.eventName=CreateTrail)\n}", stopLogging, true},
		{"no spaces at all", `{($.eventName=StopLogging)||($.eventName=CreateTrail)}`, stopLogging, true},
		{"and instead of or never matches", `{ ($.eventName = CreateTrail) && ($.eventName = StopLogging) }`, stopLogging, false},
		{"exact: no substring", `{ $.eventName = StopLog }`, stopLogging, false},
		{"exact: case sensitive", `{ $.eventName = stoplogging }`, stopLogging, false},
		{"exact: longer value differs", `{ $.eventName = StopLoggingX }`, stopLogging, false},
		{"prefix wildcard", `{ $.eventName = Stop* }`, stopLogging, true},
		{"suffix wildcard", `{ $.eventName = *Logging }`, stopLogging, true},
		{"both wildcards", `{ $.eventName = *opLog* }`, stopLogging, true},
		{"inner star is literal", `{ $.eventName = Stop*ing }`, stopLogging, false},
		{"inner star literal matches itself", `{ $.x = "a*b" }`, `{"x":"a*b"}`, true},
		{"quoted wildcard", `{ $.eventSource = "*.amazonaws.com" }`, stopLogging, true},
		{"exists", `{ $.eventName = * }`, stopLogging, true},
		{"exists on missing field", `{ $.nothere = * }`, stopLogging, false},
		{"exists on null", `{ $.responseElements = * }`, stopLogging, false},
		{"exists on number", `{ $.latency = * }`, stopLogging, true},
		{"exists on object is false", `{ $.userIdentity = * }`, stopLogging, false},
		{"not equal", `{ $.eventName != CreateTrail }`, stopLogging, true},
		{"not equal same value", `{ $.eventName != StopLogging }`, stopLogging, false},
		{"not equal on missing field is false", `{ $.nothere != "x" }`, stopLogging, false},
		{"not equal on object is false", `{ $.userIdentity != "x" }`, stopLogging, false},
		{"not equal on array is false", `{ $.tags != "x" }`, stopLogging, false},
		{"not equal on null is true", `{ $.responseElements != "x" }`, stopLogging, true},
		{"is null", `{ $.responseElements IS NULL }`, stopLogging, true},
		{"is null on missing", `{ $.nothere IS NULL }`, stopLogging, false},
		{"is null on value", `{ $.eventName IS NULL }`, stopLogging, false},
		{"is true", `{ $.managementEvent IS TRUE }`, stopLogging, true},
		{"is false", `{ $.readOnly IS FALSE }`, stopLogging, true},
		{"is true on false", `{ $.readOnly IS TRUE }`, stopLogging, false},
		{"is true on string true", `{ $.s IS TRUE }`, `{"s":"true"}`, false},
		{"keywords in lower case", `{ $.readOnly is false }`, stopLogging, true},
		{"not exists", `{ $.userIdentity.invokedBy NOT EXISTS }`, stopLogging, true},
		{"not exists on present", `{ $.userIdentity.type NOT EXISTS }`, stopLogging, false},
		{"not exists on null", `{ $.responseElements NOT EXISTS }`, stopLogging, false},
		{"nested", `{ $.userIdentity.type = IAMUser }`, stopLogging, true},
		{"array index", `{ $.tags[1] = b }`, stopLogging, true},
		{"array index out of range", `{ $.tags[5] = b }`, stopLogging, false},
		{"index on object", `{ $.userIdentity[0] = b }`, stopLogging, false},
		{"array any", `{ $.tags[*] = b }`, stopLogging, true},
		{"array any none", `{ $.tags[*] = c }`, stopLogging, false},
		{"object any", `{ $.flags.* IS FALSE }`, stopLogging, true},
		{"object any one level", `{ $.userIdentity.* = alice }`, stopLogging, true},
		{"object any is not deep", `{ $.* = alice }`, stopLogging, false},
		{"any then key", `{ $.list[*].id = 2 }`, `{"list":[{"id":1},{"id":2}]}`, true},
		{"nested arrays", `{ $.c[1][2] = 6 }`, `{"c":[[0,1,2],[4,5,6]]}`, true},
		{"bracketed key with dots", `{ $.['cluster.name'] = c }`, `{"cluster.name":"c"}`, true},
		{"bracketed key without dot", `{ $['cluster.name'] = c }`, `{"cluster.name":"c"}`, true},
		{"key with dash", `{ $.a-b = 1 }`, `{"a-b":1}`, true},
		{"number equal", `{ $.latency = 250 }`, stopLogging, true},
		{"number equal other form", `{ $.latency = 2.5e2 }`, stopLogging, true},
		{"number greater", `{ $.latency > 200 }`, stopLogging, true},
		{"number greater plus sign", `{ $.latency > +300 }`, stopLogging, false},
		{"number less equal", `{ $.ratio <= 0.5 }`, stopLogging, true},
		{"number less", `{ $.ratio < 0.5 }`, stopLogging, false},
		{"number ge", `{ $.latency >= 250 }`, stopLogging, true},
		{"negative number", `{ $.t < -1 }`, `{"t":-5}`, true},
		{"number not equal", `{ $.latency != 250 }`, stopLogging, false},
		{"numeric literal on numeric string", `{ $.recipientAccountId = 111122223333 }`, stopLogging, true},
		{"numeric compare on non-numeric string", `{ $.eventName > 1 }`, stopLogging, false},
		{"numeric compare on missing", `{ $.nothere < 1 }`, stopLogging, false},
		{"string wildcard on number", `{ $.latency = 2* }`, stopLogging, true},
		{"regex value", `{ $.eventName = %Logging$% }`, stopLogging, true},
		{"regex value anchored miss", `{ $.eventName = %^Logging% }`, stopLogging, false},
		{"regex not equal", `{ $.eventName != %Trail% }`, stopLogging, true},
		{"precedence: and before or", `{ $.eventName = X || $.eventName = StopLogging && $.readOnly IS FALSE }`, stopLogging, true},
		{"precedence: parentheses", `{ ($.eventName = X || $.eventName = StopLogging) && $.readOnly IS TRUE }`, stopLogging, false},
		{"not json", cis45, "StopLogging happened", false},
		{"json with trailing text", cis45, `{"eventName":"StopLogging"} trailing`, false},
		{"json array event", `{ $.eventName = StopLogging }`, `[1,2]`, false},
		{"json with surrounding blanks", `{ $.eventName = StopLogging }`, "  {\"eventName\":\"StopLogging\"}\n", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Parse(tt.pattern)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.pattern, err)
			}
			if p.Kind() != KindJSON {
				t.Fatalf("kind %s, want json", p.Kind())
			}
			if _, got := p.MatchMessage(tt.msg); got != tt.want {
				t.Errorf("MatchMessage = %v, want %v", got, tt.want)
			}
			var ev any
			if json.Unmarshal([]byte(tt.msg), &ev) == nil {
				if got := p.MatchEvent(ev); got != tt.want {
					t.Errorf("MatchEvent (float64 numbers) = %v, want %v", got, tt.want)
				}
			}
		})
	}
}

func TestMatchTerms(t *testing.T) {
	tests := []struct {
		pattern, msg string
		want         bool
	}{
		{"ERROR", "[ERROR] A fatal exception has occurred", true},
		{"ERROR", "Exiting with ERRORCODE: -1", true},
		{"ERROR", "error: lower case", false},
		{`"ERROR" -"Exiting"`, "Exiting with ERRORCODE: -1", false},
		{`"ERROR" - "Exiting"`, "Exiting with ERRORCODE: -1", false},
		{`ERROR -Exiting`, "[ERROR] fatal", true},
		{"ERROR Exception", "[ERROR] Caught IllegalArgumentException", true},
		{"ERROR Exception", "[ERROR] Caught it", false},
		{`"Failed to process the request"`, "[WARN] Failed to process the request", true},
		{`"Failed to process the request"`, "[WARN] Failed to process request", false},
		{"Failed to process the request", "[WARN] request processing Failed: the to", true},
		{"?ERROR ?WARN", "WARN message", true},
		{"?ERROR ?WARN", "INFO message", false},
		{"?ERROR ?WARN message", "INFO message", true}, // ? terms ignored when mixed
		{"?ERROR -INFO", "DEBUG", true},                // mixed with an exclusion: ? ignored
		{"-INFO", "DEBUG line", true},
		{"-INFO", "INFO line", false},
		{`" "`, "nospaceatall", true},
		{`""`, "anything", true},
		{"", "anything at all", true},
		{"   ", "anything at all", true},
		{"'Root'", `"type":"Root"`, false}, // single quotes do not quote
		{`"\"Root\""`, `"type":"Root"`, true},
		{"StopLogging", stopLogging, true},
		{`%abc`, "x %abc y", true}, // not a whole regex: a term
	}
	for _, tt := range tests {
		p, err := Parse(tt.pattern)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.pattern, err)
			continue
		}
		if p.Kind() != KindTerms {
			t.Errorf("Parse(%q).Kind() = %s, want terms", tt.pattern, p.Kind())
		}
		if _, got := p.MatchMessage(tt.msg); got != tt.want {
			t.Errorf("%q on %q = %v, want %v", tt.pattern, tt.msg, got, tt.want)
		}
	}
}

func TestMatchRegex(t *testing.T) {
	tests := []struct {
		pattern, msg string
		want         bool
	}{
		{"%AUTHORIZED%", "[SUCCESS 200] AUTHORIZED REQUEST", true},
		{"%authorized%", "[SUCCESS 200] AUTHORIZED REQUEST", false},
		{`%\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}%`, "from 10.0.0.1 ok", true},
		{`%[Ee]rror|[Ff]ail%`, "a fail here", true},
		{`%^[hc]at%`, "hat trick", true},
		{`%^[hc]at%`, "the hat", false},
		{`%[hc]at$%`, "the cat", true},
		{`%colou?r%`, "color", true},
		{`%a{3,5}%`, "baab", false},
		{`%a{3,5}%`, "baaab", true},
		{`%a{,2}b%`, "b", true},
		{`%\x28x\x29%`, "f(x)", true},
		{`%\s+end$%`, "the   end", true},
		{"  %ERROR%  ", "an ERROR", true},
	}
	for _, tt := range tests {
		p, err := Parse(tt.pattern)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.pattern, err)
			continue
		}
		if p.Kind() != KindRegex {
			t.Errorf("Parse(%q).Kind() = %s, want regex", tt.pattern, p.Kind())
		}
		if _, got := p.MatchMessage(tt.msg); got != tt.want {
			t.Errorf("%q on %q = %v, want %v", tt.pattern, tt.msg, got, tt.want)
		}
	}
}

const apache = `127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /products/index.html HTTP/1.0" 404 1534`

func TestMatchDelimited(t *testing.T) {
	tests := []struct {
		pattern, msg string
		want         bool
		extracted    map[string]string
	}{
		{`[..., request=*.html*, status_code=4*,]`, apache, true, map[string]string{
			"$1": "127.0.0.1", "$2": "-", "$3": "frank", "$4": "10/Oct/2000:13:25:15 -0700",
			"$request": "GET /products/index.html HTTP/1.0", "$status_code": "404", "$7": "1534",
		}},
		{`[ip, user, username, timestamp, request, status_code, bytes]`, apache, true, map[string]string{
			"$ip": "127.0.0.1", "$user": "-", "$username": "frank", "$timestamp": "10/Oct/2000:13:25:15 -0700",
			"$request": "GET /products/index.html HTTP/1.0", "$status_code": "404", "$bytes": "1534",
		}},
		{`[]`, apache, true, map[string]string{
			"$1": "127.0.0.1", "$2": "-", "$3": "frank", "$4": "10/Oct/2000:13:25:15 -0700",
			"$5": "GET /products/index.html HTTP/1.0", "$6": "404", "$7": "1534",
		}},
		{`[ip, user, ...]`, apache, true, map[string]string{
			"$ip": "127.0.0.1", "$user": "-", "$3": "frank", "$4": "10/Oct/2000:13:25:15 -0700",
			"$5": "GET /products/index.html HTTP/1.0", "$6": "404", "$7": "1534",
		}},
		{`[ip, rest]`, apache, true, map[string]string{ // the last field takes the rest
			"$ip": "127.0.0.1", "$rest": "- frank 10/Oct/2000:13:25:15 -0700 GET /products/index.html HTTP/1.0 404 1534",
		}},
		{`[a, b, c, d, e, f, g, h]`, apache, false, nil}, // more fields than the message has
		{`[..., status_code = 404, bytes > 1000]`, apache, true, nil},
		{`[..., status_code = 404, bytes > 2000]`, apache, false, nil},
		{`[..., status_code = 4* && status_code != 403, bytes]`, apache, true, nil},
		{`[..., status_code = 4* && status_code != 404, bytes]`, apache, false, nil},
		{`[..., status_code = 400 || status_code = 404, bytes]`, apache, true, nil},
		{`[..., status_code >= 500, bytes]`, apache, false, nil},
		{`[ip = %^127\.%, ...]`, apache, true, nil},
		{`[ip = "127.0.0.1", ...]`, apache, true, nil},
		{`[ip != 127.0.0.1, ...]`, apache, false, nil},
		{`[w1=ERROR || w1=WARNING, w2]`, "WARNING 09/25/2014 12:00:02 Invalid user request", true, nil},
		{`[w1=ERROR || w1=WARNING, w2]`, "INFO 09/25/2014 12:00:02 Invalid user request", false, nil},
		{`[ip, user, username, timestamp = *Oct*, ...]`, apache, true, nil},
		{`[a, b]`, "x  \t  y", true, map[string]string{"$a": "x", "$b": "y"}},
		{`[a, b]`, `[unclosed y`, true, map[string]string{"$a": "[unclosed", "$b": "y"}},
		{`[a]`, "", false, nil},
		{`[...]`, "", true, map[string]string{}},
	}
	for _, tt := range tests {
		p, err := Parse(tt.pattern)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.pattern, err)
			continue
		}
		if p.Kind() != KindDelimited {
			t.Errorf("Parse(%q).Kind() = %s, want delimited", tt.pattern, p.Kind())
		}
		res, got := p.MatchMessage(tt.msg)
		if got != tt.want {
			t.Errorf("%q on %q = %v, want %v", tt.pattern, tt.msg, got, tt.want)
			continue
		}
		if tt.extracted != nil && !maps.Equal(res.ExtractedValues, tt.extracted) {
			t.Errorf("%q extracted %v, want %v", tt.pattern, res.ExtractedValues, tt.extracted)
		}
	}
}

func TestParseErrors(t *testing.T) {
	long := "{ $.a = \"" + strings.Repeat("x", 1020) + "\" }"
	tests := []struct {
		pattern string
		column  int
		msg     string
	}{
		{"{ $.eventName = CreateTrail", 1, "must end with }"},
		{"{ }", 3, "expected a condition"},
		{"{ $.eventName }", 15, "expected an operator"},
		{"{ eventName = x }", 3, "expected a selector starting with $"},
		{"{ $.eventName == x }", 15, "write ="},
		{"{ $.eventName = }", 17, "expected a value"},
		{"{ ($.a = 1 }", 3, "unclosed ("},
		{"{ $.a = 1 ) }", 11, "expected && or || or }"},
		{"{ $.a = 1 } x", 13, "after the closing }"},
		{"{ $.a = 1 & $.b = 2 }", 11, "expected && or || or }"},
		{"{ $.a > abc }", 9, "compares numbers"},
		{"{ $.a IS NOT NULL }", 7, "IS NOT is not supported"},
		{"{ $.a EXISTS }", 7, "EXISTS is not supported"},
		{"{ $.a IS MAYBE }", 7, "after IS"},
		{"{ $.a NOT THERE }", 7, "EXISTS after NOT"},
		{"{ $ = 1 }", 4, "expected . or [ after $"},
		{"{ $. = 1 }", 5, "property name"},
		{"{ $.a[x] = 1 }", 7, "array index"},
		{"{ $.a[1 = 1 }", 8, "expected ]"},
		{`{ $.a = "open }`, 9, "unterminated quoted string"},
		{"{ $.a = %abc }", 9, "unterminated regular expression"},
		{"{ $.a = %(a)% }", 10, "parentheses are not supported"},
		{"{ $.a = %a!% }", 11, `"!" is not allowed`},
		{"{ $.a = %é% }", 10, "multi-byte"},
		{`{ $.a = %\q% }`, 10, `unsupported escape \q`},
		{`{ $.a = %\x2% }`, 10, `\x needs two hexadecimal digits`},
		{"{ $.a = %% }", 9, "empty regular expression"},
		{"{ $.a = %a% || $.b = %b% || $.c = %c% }", 35, "at most 2 regular expressions"},
		{"{ $.a[*].b[*] = 1 }", 3, "at most 1 wildcard"},
		{"{ $.a[*] = 1 || $.b.* = 1 || $.c[*] = 1 || $.d[*] = 1 }", 44, "at most 3 wildcard"},
		{"[a, b", 1, "must end with ]"},
		{"[..., x, ...]", 10, "... only once"},
		{"[a = 1 && b = 2]", 11, "conditions may only test their own field"},
		{"[a > x]", 6, "compares numbers"},
		{"[a ! 1]", 4, "expected an operator"},
		{"[a] b", 5, "after the closing ]"},
		{"[a = %x%, b = %y%, c = %z%]", 24, "at most 2 regular expressions"},
		{"%a(b)%", 3, "parentheses"},
		{"%a% x%", 5, "after the regular expression"},
		{`ERROR "open`, 7, "unterminated quoted string"},
		{`ab"c`, 3, "a quote inside a term"},
		{`"a"b`, 4, "expected a blank after the quoted term"},
		{"ERROR -", 8, "expected a term after -"},
		{long, 1025, "less than or equal to 1024"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.pattern)
		se, ok := err.(*SyntaxError)
		if !ok {
			t.Errorf("Parse(%q) error = %v, want a *SyntaxError", tt.pattern, err)
			continue
		}
		if se.Column != tt.column || !strings.Contains(se.Msg, tt.msg) {
			t.Errorf("Parse(%q) = column %d %q, want column %d containing %q", tt.pattern, se.Column, se.Msg, tt.column, tt.msg)
		}
		if !strings.Contains(err.Error(), "column") {
			t.Errorf("error text %q does not name the column", err.Error())
		}
	}
}

func TestLimitsAtTheEdge(t *testing.T) {
	exact := "{ $.a = \"" + strings.Repeat("x", 1024-12) + "\" }"
	if n := len(exact); n != 1024 {
		t.Fatalf("fixture is %d characters", n)
	}
	if _, err := Parse(exact); err != nil {
		t.Errorf("a 1024-character pattern is allowed: %v", err)
	}
	if _, err := Parse("{ $.a = %a% || $.b = %b% }"); err != nil {
		t.Errorf("two regexes are allowed: %v", err)
	}
	if _, err := Parse("{ $.a[*] = 1 || $.b.* = 1 || $.c[*] = 1 }"); err != nil {
		t.Errorf("three wildcard selectors are allowed: %v", err)
	}
	// Multi-byte characters count once toward the length limit.
	if _, err := Parse(`"` + strings.Repeat("é", 1022) + `"`); err != nil {
		t.Errorf("1024 characters of multi-byte text are allowed: %v", err)
	}
}

func TestMatchEventNonJSONPatterns(t *testing.T) {
	var ev map[string]any
	if err := json.Unmarshal([]byte(stopLogging), &ev); err != nil {
		t.Fatal(err)
	}
	for pattern, want := range map[string]bool{
		"StopLogging":                     true,
		`"\"eventName\":\"StopLogging\""`: true,
		"%Stop[A-Z]ogging%":               true,
		"CreateTrail":                     false,
		"[...]":                           true,
	} {
		if got := MustParse(pattern).MatchEvent(ev); got != want {
			t.Errorf("MatchEvent(%q) = %v, want %v", pattern, got, want)
		}
	}
	if !MustParse("StopLogging").MatchEvent("a StopLogging line") {
		t.Error("a string event is matched as a raw message")
	}
}
