package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Text renders the report for people: the results grouped by account, one
// line per control, then a summary with a line per status. With Verbose,
// each result's title, frameworks, evidence and remediation follow its
// line.
//
// Every string that comes from a snapshot or a policy is printed through
// safe, so that a name holding a newline or an escape sequence cannot
// forge a line of the report.
type Text struct {
	Verbose bool
}

func (t Text) Render(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	width := 0
	for _, res := range r.Results {
		width = max(width, len(safe(res.ControlID)))
	}
	// By account, then control: an order of indexes, not a copy of the
	// results, which an organization has a great many of.
	order := orderBy(r.Results, func(r *Result) string { return r.AccountID }, func(r *Result) string { return r.ControlID })
	byAccount := func(yield func(int, Result) bool) {
		for i, j := range order {
			if !yield(i, r.Results[j]) {
				return
			}
		}
	}
	prev := ""
	for i, res := range byAccount {
		if i == 0 || res.AccountID != prev {
			if i > 0 {
				bw.WriteString("\n")
			}
			fmt.Fprintf(bw, "account %s\n", safe(res.AccountID))
		}
		fmt.Fprintf(bw, "  %-6s %-*s  %s%s\n", res.Status, width, safe(res.ControlID), safe(res.Reason), waivedBy(res))
		if t.Verbose {
			t.details(bw, res)
		}
		prev = res.AccountID
	}
	t.summary(bw, r)
	return bw.Flush()
}

func (t Text) details(bw *bufio.Writer, res Result) {
	const indent = "         "
	fmt.Fprintf(bw, "%s%s (severity %s)\n", indent, safe(res.Title), safe(res.Severity))
	if len(res.Frameworks) > 0 {
		var fs []string
		for _, f := range res.Frameworks {
			fs = append(fs, safe(f.String()))
		}
		fmt.Fprintf(bw, "%sframeworks: %s\n", indent, strings.Join(fs, "; "))
	}
	if len(res.Evidence) > 0 {
		var ev any
		if err := json.Unmarshal(res.Evidence, &ev); err == nil {
			bw.WriteString(indent + "evidence:\n")
			writeEvidence(bw, ev, indent+"  ")
		}
	}
	if res.Remediation != "" && res.Status != Pass {
		bw.WriteString(indent + "remediation:\n")
		for _, line := range strings.Split(strings.TrimRight(res.Remediation, "\n"), "\n") {
			bw.WriteString(indent + "  " + safe(line) + "\n")
		}
	}
}

// summary counts the results by status, naming the controls that failed
// or could not be decided and in how many accounts.
func (t Text) summary(bw *bufio.Writer, r *Report) {
	controls, accounts := map[string]bool{}, map[string]bool{}
	for _, res := range r.Results {
		controls[res.ControlID], accounts[res.AccountID] = true, true
	}
	fmt.Fprintf(bw, "\n%s, %s", plural(len(controls), "control"), plural(len(accounts), "account"))
	if r.Benchmark != "" {
		fmt.Fprintf(bw, "; %s %s", safe(r.BenchmarkName), safe(r.Benchmark))
	}
	if r.Strict {
		bw.WriteString(", strict reading")
	}
	bw.WriteString("\n")
	statuses := []Status{Pass, Fail, Error}
	if r.Waivers != nil || r.Summary.Waived > 0 {
		statuses = append(statuses, Waived)
	}
	for _, s := range statuses {
		n := map[string]int{}
		total := 0
		for _, res := range r.Results {
			if res.Status == s {
				n[res.ControlID]++
				total++
			}
		}
		fmt.Fprintf(bw, "  %-6s %d", s, total)
		if s != Pass && total > 0 {
			var ids []string
			for id := range n {
				ids = append(ids, id)
			}
			slices.Sort(ids)
			var parts []string
			for _, id := range ids {
				if len(accounts) > 1 {
					parts = append(parts, fmt.Sprintf("%s (%s)", safe(id), plural(n[id], "account")))
				} else {
					parts = append(parts, safe(id))
				}
			}
			wrap(bw, parts, "  ", "           ", 100)
		}
		bw.WriteString("\n")
	}
	if len(r.Skipped) > 0 {
		fmt.Fprintf(bw, "\naccounts not read (%d):\n", len(r.Skipped))
		for _, sk := range r.Skipped {
			fmt.Fprintf(bw, "  %s %s: %s\n", safe(sk.AccountID), safe(sk.Name), safe(sk.Reason))
		}
	}
	if w := r.Waivers; w != nil {
		waiverList(bw, "expiring soon", w.Expiring)
		waiverList(bw, "expired, so no longer applied", w.Expired)
		waiverList(bw, "unused (they matched no failing result)", w.Unused)
	}
}

// waivedBy says which waiver accepts a WAIVED result.
func waivedBy(res Result) string {
	if res.Status != Waived || res.Waiver == nil {
		return ""
	}
	w := res.Waiver
	return fmt.Sprintf(" (waived %s until %s by %s: %s)", res.Was, safe(w.Expires), safe(w.Owner), safe(w.Reason))
}

// waiverList names waivers in a state, with where they are written.
func waiverList(bw *bufio.Writer, state string, ws []Waiver) {
	if len(ws) == 0 {
		return
	}
	fmt.Fprintf(bw, "\nwaivers %s:\n", state)
	for _, w := range ws {
		fmt.Fprintf(bw, "  %s:%d: %s in %s, expires %s (%s: %s)\n", safe(w.File), w.Line, safe(w.Control), safe(strings.Join(w.Accounts, ", ")), safe(w.Expires), safe(w.Owner), safe(w.Reason))
	}
}

// wrap writes items separated by commas after first, breaking lines before
// they pass width and starting each new one with indent.
func wrap(bw *bufio.Writer, items []string, first, indent string, width int) {
	bw.WriteString(first)
	col := 16
	for i, it := range items {
		if i > 0 {
			bw.WriteString(",")
			col++
			if col+1+len(it) > width {
				bw.WriteString("\n" + indent)
				col = len(indent)
			} else {
				bw.WriteString(" ")
				col++
			}
		}
		bw.WriteString(it)
		col += len(it)
	}
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// writeEvidence prints a JSON-like value as an indented outline, keys in
// sorted order.
func writeEvidence(w *bufio.Writer, v any, indent string) {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if isScalar(x[k]) {
				fmt.Fprintf(w, "%s%s: %s\n", indent, safe(k), scalar(x[k]))
				continue
			}
			fmt.Fprintf(w, "%s%s:\n", indent, safe(k))
			writeEvidence(w, x[k], indent+"  ")
		}
	case []any:
		for _, e := range x {
			if isScalar(e) {
				fmt.Fprintf(w, "%s- %s\n", indent, scalar(e))
				continue
			}
			fmt.Fprintf(w, "%s-\n", indent)
			writeEvidence(w, e, indent+"  ")
		}
	default:
		fmt.Fprintf(w, "%s%s\n", indent, scalar(v))
	}
}

func isScalar(v any) bool {
	switch v.(type) {
	case map[string]any, []any:
		return false
	}
	return true
}

func scalar(v any) string {
	switch x := v.(type) {
	case string:
		return safe(x)
	case nil:
		return "null"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return safe(fmt.Sprint(v))
	}
	return safe(string(b))
}

// safe makes a string fit for one line of a terminal: control characters
// (newlines, escape sequences, C1 controls), bytes that are not UTF-8 (a
// lone 0x9b is a C1 escape to some terminals) and the characters that
// reorder text on screen (bidirectional overrides) are written as escapes,
// \n, \u001b or \x9b, and so is a backslash that could start one.
func safe(s string) string {
	clean := true
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			// ASCII, most of every report: only control characters and
			// the backslash are written otherwise.
			if c < 0x20 || c == 0x7f || c == '\\' {
				clean = false
				break
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if unsafeRune(r) || r == '\\' || r == utf8.RuneError && size == 1 {
			clean = false
			break
		}
		i += size
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
		i += size
	}
	return b.String()
}

func unsafeRune(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == '\u2028' || r == '\u2029'
}

// OneLine is s made fit for one line of a terminal, as every text format
// prints what comes from a snapshot or a policy.
func OneLine(s string) string { return safe(s) }
