package remediate

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"

	"github.com/trailwatch/trailwatch/internal/report"
)

// Meta is what a fix file says of where it comes from.
type Meta struct {
	// Benchmark names what the results were judged by ("CIS AWS
	// Foundations Benchmark v5.0.0").
	Benchmark string
	// Sources are the snapshot files.
	Sources []string
}

// Shell writes a plan as a bash script of aws CLI calls: each call
// preceded by a comment naming the controls and links it mends, with
// --region on every call, every value quoted for the shell, and calls
// that create something going on when it exists already, so that a
// second run changes nothing. The script first checks that its
// credentials are the account's.
func Shell(p Plan, m Meta) []byte {
	var b bytes.Buffer
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("#!/usr/bin/env bash\n")
	w("# shellcheck disable=SC2016 # $ and ` in single quotes are JMESPath and filter patterns, not the shell's\n")
	w("# trailwatch remediate: the fix for AWS account %s\n", p.Account)
	w("#\n")
	w("# Judged by %s, from %s.\n", oneLine(m.Benchmark), oneLine(strings.Join(m.Sources, ", ")))
	w("# Review it, then run it with credentials for account %s (bash %s.sh).\n", p.Account, p.Account)
	w("# It reuses what works, changes only what the FAILs name, and running it\n")
	w("# twice changes nothing the second time.\n")
	writeSummary(&b, p, "# ")
	w("\nset -euo pipefail\n\n")
	if len(p.Calls) == 0 {
		w("# Nothing here can be done by a call: see the manual steps above.\n")
		return b.Bytes()
	}
	w("account=$(aws sts get-caller-identity --query Account --output text)\n")
	w("if [[ $account != %s ]]; then\n", p.Account)
	w("\techo \"these credentials are for account $account, not %s: nothing was changed\" >&2\n", p.Account)
	w("\texit 1\n")
	w("fi\n")
	if needsExists(p) {
		w("\n# exists_already CODE COMMAND...: runs a call that creates something and\n")
		w("# goes on when AWS answers CODE, that it exists already.\n")
		w("exists_already() {\n")
		w("\tlocal code=$1 out\n")
		w("\tshift\n")
		w("\tif out=$(\"$@\" 2>&1); then\n")
		w("\t\tprintf '%%s\\n' \"$out\"\n")
		w("\telif [[ $out == *\"$code\"* ]]; then\n")
		w("\t\techo \"exists already ($code): going on\"\n")
		w("\telse\n")
		w("\t\tprintf '%%s\\n' \"$out\" >&2\n")
		w("\t\treturn 1\n")
		w("\tfi\n")
		w("}\n")
	}
	for _, c := range p.Calls {
		b.WriteString("\n")
		for _, line := range describeCall(c) {
			writeWrapped(&b, "# ", line)
		}
		line := commandLine(c)
		if c.Exists != "" {
			line = "exists_already " + c.Exists + " " + line
		}
		if u := c.Unless; u != nil {
			check := commandLine(Call{Step: report.Step{Service: u.Service, Operation: u.Operation, Region: u.Region, Args: u.Args}})
			w("if [[ $(%s --query %s --output text) != %s ]]; then\n\t%s\nfi\n", check, shellWord(u.Query), shellWord(u.Equals), line)
		} else {
			w("%s\n", line)
		}
	}
	if p.NeedsConfirmation() {
		w("\necho 'The subscription made above is pending: nobody is told until its endpoint confirms it.'\n")
	}
	return b.Bytes()
}

func needsExists(p Plan) bool {
	for _, c := range p.Calls {
		if c.Exists != "" {
			return true
		}
	}
	return false
}

// describeCall says what a call mends and for which controls, a line
// per link.
func describeCall(c Call) []string {
	var lines []string
	byMends := map[string][]string{}
	var order []string
	for i, id := range c.Controls {
		m := c.Mends[i]
		if _, ok := byMends[m]; !ok {
			order = append(order, m)
		}
		byMends[m] = append(byMends[m], id)
	}
	for _, m := range order {
		if m == "" {
			lines = append(lines, fmt.Sprintf("For %s.", strings.Join(byMends[m], ", ")))
			continue
		}
		lines = append(lines, fmt.Sprintf("Mends %q for %s.", oneLine(m), strings.Join(byMends[m], ", ")))
	}
	if c.Replaces != "" {
		lines = append(lines, fmt.Sprintf("Puts %s again under its own name, replacing it.", oneLine(c.Replaces)))
	}
	return lines
}

// writeWrapped writes text as lines of at most about 78 columns, each
// prefixed; a word longer than that gets a line of its own.
func writeWrapped(b *bytes.Buffer, prefix, text string) {
	line := prefix
	for _, word := range strings.Fields(oneLine(text)) {
		if len(line) > len(prefix) && len(line)+1+len(word) > 78 {
			b.WriteString(line + "\n")
			line = prefix + "  "
		}
		if len(line) > len(prefix) && !strings.HasSuffix(line, "  ") {
			line += " "
		}
		line += word
	}
	b.WriteString(line + "\n")
}

// writeSummary writes what a plan mends and leaves, each line prefixed.
func writeSummary(b *bytes.Buffer, p Plan, prefix string) {
	w := func(format string, args ...any) {
		b.WriteString(prefix)
		fmt.Fprintf(b, format, args...)
		b.WriteString("\n")
	}
	b.WriteString(strings.TrimRight(prefix, " ") + "\n")
	if len(p.Mended) > 0 {
		writeWrapped(b, prefix, fmt.Sprintf("Mends: %s.", strings.Join(p.Mended, ", ")))
	}
	if len(p.Partly) > 0 {
		writeWrapped(b, prefix, fmt.Sprintf("Mends only with the manual steps below: %s.", strings.Join(p.Partly, ", ")))
	}
	if len(p.Calls) > 0 {
		w("Calls: %d.", len(p.Calls))
	}
	if len(p.Manual) > 0 {
		b.WriteString(strings.TrimRight(prefix, " ") + "\n")
		w("Manual steps (trailwatch does not take them for you):")
		for i, m := range p.Manual {
			writeWrapped(b, prefix, fmt.Sprintf("%d. For %s:", i+1, strings.Join(m.Controls, ", ")))
			for _, l := range strings.Split(m.Text, "\n") {
				b.WriteString(prefix + "   " + oneLine(l) + "\n")
			}
		}
	}
	if len(p.Left) > 0 {
		b.WriteString(strings.TrimRight(prefix, " ") + "\n")
		w("Left alone:")
		for _, l := range p.Left {
			writeWrapped(b, prefix, fmt.Sprintf("- %s: %s", strings.Join(l.Controls, ", "), l.Why))
		}
	}
}

// CommandLine is a step's call as one command line, as the script writes
// it (without its guards).
func CommandLine(step report.Step) string { return commandLine(Call{Step: step}) }

// commandLine is a call as one command line: options and flags as the
// policies give them (checked to be plain names), every value a shell
// word.
func commandLine(c Call) string {
	words := []string{"aws", c.Service, c.Operation, "--region", shellWord(c.Region)}
	for _, arg := range c.Args {
		words = append(words, arg[0])
		for _, v := range arg[1:] {
			words = append(words, shellWord(v))
		}
	}
	return strings.Join(words, " ")
}

var bare = regexp.MustCompile(`^[A-Za-z0-9_./:=,@%+-]+$`)

// shellWord is text as one bash word: bare when no character is special,
// in single quotes otherwise, and as $'...' when it holds control
// characters. The same rule as lib.core.shell_word, which writes
// evaluate's remediation text.
func shellWord(s string) string {
	if bare.MatchString(s) {
		return s
	}
	if strings.IndexFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0 {
		var b strings.Builder
		b.WriteString("$'")
		for i := 0; i < len(s); i++ {
			switch c := s[i]; {
			case c == '\\' || c == '\'':
				b.WriteByte('\\')
				b.WriteByte(c)
			case c < 0x20 || c == 0x7f:
				fmt.Fprintf(&b, `\x%02x`, c)
			default:
				b.WriteByte(c)
			}
		}
		b.WriteString("'")
		return b.String()
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
