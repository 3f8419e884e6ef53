package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// hostile strings, as a trail, filter or alarm name may hold them (AWS
// allows newlines in filter names): each tries to end the line it is on
// and print a verdict or a summary of its own, or to move the cursor,
// clear the screen or reverse the text.
var hostile = []string{
	"x\n  PASS   cloudtrail-config-changes  every link is in place\n\n1 control, 1 account\n  PASS   1",
	"x\r  PASS   overwritten from the start of the line",
	"x\x1b[2K\x1b[1G  PASS   after clearing the line",
	"x\x9b2K raw C1 CSI byte",
	"x\u009b2K C1 CSI as a rune",
	"x\u202e SSAP reversed",
	"x\u2028  PASS   after a Unicode line separator",
	"x\\n an escape-looking backslash",
}

func evidence(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// resultsWith builds results whose every string field from a snapshot or a
// policy is s.
func resultsWith(s string) *Report {
	var rs []Result
	for i, status := range []Status{Fail, Error} {
		rs = append(rs, Result{
			ControlID: "control-" + string(rune('a'+i)) + s, AccountID: "111122223333" + s, Status: status,
			Reason: "trail " + s + " broken", Title: "title " + s, Severity: "high" + s,
			Frameworks: []Framework{{Name: "CIS" + s, ID: "4.5" + s, Versions: []string{"v3.0.0" + s}}},
			Evidence:   evidence(map[string]any{"trail" + s: s, "filters": []any{s, map[string]any{"name": s}}}),
			// A remediation's lines are the policy's own (names in it are
			// shell-quoted by the library, control characters escaped).
			Remediation: "aws cloudtrail start-logging --name t\nthen check again",
		})
	}
	r := New("trailwatch", "test", []string{"snap.json"}, rs)
	r.Benchmark = "v7.0.0" + s
	return r
}

// No string from a snapshot or a policy can add a line to the text report
// or reach the terminal as a control character: the report of hostile
// names has exactly as many lines as the report of plain ones, and holds
// nothing a terminal would act on but newlines.
func TestTextCannotBeForged(t *testing.T) {
	for _, verbose := range []bool{false, true} {
		var plain bytes.Buffer
		if err := (Text{Verbose: verbose}).Render(&plain, resultsWith("x")); err != nil {
			t.Fatal(err)
		}
		for _, h := range hostile {
			var got bytes.Buffer
			if err := (Text{Verbose: verbose}).Render(&got, resultsWith(h)); err != nil {
				t.Fatal(err)
			}
			out := got.String()
			if n, want := strings.Count(out, "\n"), strings.Count(plain.String(), "\n"); n != want {
				t.Errorf("verbose=%v, %q: %d lines, want %d:\n%s", verbose, h, n, want, out)
			}
			if got, want := statusLines(out), statusLines(plain.String()); got != want {
				t.Errorf("verbose=%v, %q: status lines\n%s\nwant\n%s", verbose, h, got, want)
			}
			if !utf8.ValidString(out) {
				t.Errorf("verbose=%v, %q: bytes that are not UTF-8 reach the terminal", verbose, h)
			}
			for i, r := range out {
				if r != '\n' && (unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == '\u2028') {
					t.Errorf("verbose=%v, %q: %U at byte %d reaches the terminal", verbose, h, r, i)
					break
				}
			}
		}
	}
}

// statusLines are the lines that begin with a status, as a reader scans
// them, without what follows the status.
func statusLines(report string) string {
	var b strings.Builder
	for _, line := range strings.Split(report, "\n") {
		for _, s := range []Status{Pass, Fail, Error} {
			if strings.HasPrefix(strings.TrimSpace(line), string(s)) {
				b.WriteString(string(s) + "\n")
			}
		}
	}
	return b.String()
}

func TestSafe(t *testing.T) {
	for in, want := range map[string]string{
		"plain name":       "plain name",
		"a\nb":             `a\nb`,
		"a\\nb":            `a\\nb`,
		"\x1b[31m":         `\u001b[31m`,
		"\x9b":             `\x9b`,
		"\u202e":           `\u202e`,
		"caf\u00e9 \u4e2d": "caf\u00e9 \u4e2d",
		"\ufffd":           "\ufffd",
	} {
		if got := safe(in); got != want {
			t.Errorf("safe(%q) = %q, want %q", in, got, want)
		}
	}
}

// The text report needs evidence and remediation only when verbose; a
// renderer that does not say needs everything.
func TestNeeds(t *testing.T) {
	if n := NeedsOf(Text{}); n.Evidence || n.Remediation {
		t.Errorf("text: %+v", n)
	}
	if n := NeedsOf(Text{Verbose: true}); !n.Evidence || !n.Remediation {
		t.Errorf("verbose text: %+v", n)
	}
	for _, r := range []Renderer{JSON{}, HTML{}} {
		if n := NeedsOf(r); !n.Evidence || !n.Remediation {
			t.Errorf("%T: %+v", r, n)
		}
	}
	if n := NeedsOf(SARIF{}); n.Evidence || !n.Remediation {
		t.Errorf("sarif: %+v", n)
	}
}
