package report

import (
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Markdown renders the report for a GitHub job summary
// ($GITHUB_STEP_SUMMARY) or a pull-request comment: a summary line, a
// table of accounts by controls with one symbol per status (accounts with
// something wrong first), then one collapsible section per FAIL and ERROR
// with its reason and, in a code block, its remediation.
//
// GitHub takes at most 1 MiB of summary per step: past Limit the table and
// then the sections stop, with a note saying how many were left out, so
// that the summary is never refused and never looks complete when it is
// not. Every string from a snapshot or a policy is escaped: it can add
// neither a line, a table cell nor HTML.
type Markdown struct {
	// Limit is the most bytes written; 0 means MarkdownLimit.
	Limit int
}

// MarkdownLimit is GitHub's limit on one step's job summary.
const MarkdownLimit = 1 << 20

var symbols = map[Status]string{Pass: "✅", Fail: "❌", Error: "⚠️", Waived: "💤"}

func (m Markdown) Render(w io.Writer, r *Report) error {
	limit := m.Limit
	if limit <= 0 {
		limit = MarkdownLimit
	}
	// Room kept for the notes that say what was left out.
	const reserve = 512
	var b strings.Builder
	controls := r.ControlList()
	slices.SortStableFunc(controls, func(a, b Control) int {
		return compareLabels(controlLabel(a, r.BenchmarkName, r.Benchmark), controlLabel(b, r.BenchmarkName, r.Benchmark))
	})
	accounts := accountsWorstFirst(r)

	fmt.Fprintf(&b, "## trailwatch: %s\n\n", mdEscape(summaryLine(r)))
	var about []string
	if r.Benchmark != "" {
		about = append(about, mdEscape(r.BenchmarkName)+" "+mdEscape(r.Benchmark))
	}
	if r.Strict {
		about = append(about, "strict reading")
	}
	if r.CollectedAt != "" {
		about = append(about, "evidence collected "+mdEscape(r.CollectedAt))
	}
	if len(r.Snapshots) > 0 {
		var snaps []string
		for _, s := range r.Snapshots {
			snaps = append(snaps, "`"+codeSpan(s)+"`")
		}
		about = append(about, "from "+strings.Join(snaps, ", "))
	}
	if len(about) > 0 {
		b.WriteString(strings.Join(about, "; ") + ".\n\n")
	}

	// The table: a column per control, labelled by its benchmark id.
	labels := make([]string, len(controls))
	col := map[string]int{}
	for i, c := range controls {
		labels[i] = controlLabel(c, r.BenchmarkName, r.Benchmark)
		col[c.ID] = i
	}
	b.WriteString("| account | " + strings.Join(mapEach(labels, mdEscape), " | ") + " |\n")
	b.WriteString("| --- |" + strings.Repeat(" :-: |", len(controls)) + "\n")
	byAccount := map[string][]string{}
	for _, res := range r.Results {
		row := byAccount[res.AccountID]
		if row == nil {
			row = make([]string, len(controls))
			for i := range row {
				row[i] = " "
			}
			byAccount[res.AccountID] = row
		}
		row[col[res.ControlID]] = symbols[res.Status]
	}
	shown := 0
	for _, a := range accounts {
		line := "| " + mdEscape(a) + " | " + strings.Join(byAccount[a], " | ") + " |\n"
		if b.Len()+len(line) > limit/2 {
			break
		}
		b.WriteString(line)
		shown++
	}
	if shown < len(accounts) {
		fmt.Fprintf(&b, "\n*%d more accounts are not in the table: GitHub takes at most 1 MiB of summary. The full report is in the other formats.*\n", len(accounts)-shown)
	}
	b.WriteString("\n")
	for _, c := range controls {
		fmt.Fprintf(&b, "%s: %s (`%s`)<br>\n", mdEscape(controlLabel(c, r.BenchmarkName, r.Benchmark)), mdEscape(c.Title), codeSpan(c.ID))
	}

	// The sections, worst accounts first as in the table.
	problemsOf := map[string][]Result{}
	for _, res := range r.Results {
		if res.Status == Fail || res.Status == Error {
			problemsOf[res.AccountID] = append(problemsOf[res.AccountID], res)
		}
	}
	var problems []Result
	for _, a := range accounts {
		problems = append(problems, problemsOf[a]...)
	}
	if len(problems) > 0 {
		b.WriteString("\n### What failed or could not be decided\n")
	}
	for i, res := range problems {
		section := problemSection(res)
		if b.Len()+len(section) > limit-reserve {
			fmt.Fprintf(&b, "\n*%d more results that failed or could not be decided are not shown: GitHub takes at most 1 MiB of summary. The full report is in the other formats.*\n", len(problems)-i)
			break
		}
		b.WriteString(section)
	}
	if len(r.Skipped) > 0 {
		var names []string
		for _, sk := range r.Skipped {
			names = append(names, fmt.Sprintf("%s (%s)", mdEscape(sk.AccountID), mdEscape(sk.State)))
		}
		fmt.Fprintf(&b, "\n**Accounts not read:** %s.\n", strings.Join(names, ", "))
	}
	if ws := r.Waivers; ws != nil {
		for _, l := range []struct {
			state string
			list  []Waiver
		}{{"expiring soon", ws.Expiring}, {"expired, so no longer applied", ws.Expired}, {"unused (they matched no failing result)", ws.Unused}} {
			if len(l.list) == 0 {
				continue
			}
			fmt.Fprintf(&b, "\n**Waivers %s:**\n\n", l.state)
			for _, wv := range l.list {
				line := fmt.Sprintf("- `%s:%d`: `%s` in %s, expires %s (%s: %s)\n", codeSpan(wv.File), wv.Line, codeSpan(wv.Control), mdEscape(strings.Join(wv.Accounts, ", ")), mdEscape(wv.Expires), mdEscape(wv.Owner), mdEscape(wv.Reason))
				if b.Len()+len(line) > limit {
					break
				}
				b.WriteString(line)
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func problemSection(res Result) string {
	var s strings.Builder
	fmt.Fprintf(&s, "\n<details><summary>%s %s: account %s: %s</summary>\n\n", symbols[res.Status], res.Status, mdEscape(res.AccountID), mdEscape(res.Title))
	fmt.Fprintf(&s, "`%s`: %s\n", codeSpan(res.ControlID), mdEscape(res.Reason))
	if res.Remediation != "" && res.Status == Fail {
		s.WriteString("\nRemediation:\n\n" + codeBlock(res.Remediation))
	}
	s.WriteString("\n</details>\n")
	return s.String()
}

// summaryLine counts results by status.
func summaryLine(r *Report) string {
	accounts := map[string]bool{}
	for _, res := range r.Results {
		accounts[res.AccountID] = true
	}
	waived := ""
	if r.Summary.Waived > 0 {
		waived = fmt.Sprintf(", %d waived", r.Summary.Waived)
	}
	return fmt.Sprintf("%d passed, %d failed, %d could not be decided%s (%s, %s)",
		r.Summary.Pass, r.Summary.Fail, r.Summary.Error, waived,
		plural(len(r.ControlList()), "control"), plural(len(accounts), "account"))
}

// accountsWorstFirst lists the accounts, those with a FAIL first, then
// those with an ERROR, then the rest, each group by id.
func accountsWorstFirst(r *Report) []string {
	worst := map[string]int{}
	for _, res := range r.Results {
		rank := 2
		switch res.Status {
		case Fail:
			rank = 0
		case Error:
			rank = 1
		}
		if w, ok := worst[res.AccountID]; !ok || rank < w {
			worst[res.AccountID] = rank
		}
	}
	var out []string
	for a := range worst {
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b string) int {
		if worst[a] != worst[b] {
			return worst[a] - worst[b]
		}
		return strings.Compare(a, b)
	})
	return out
}

// controlLabel is a control's id in the benchmark version applied (5.1),
// else its own id.
func controlLabel(c Control, name, benchmark string) string {
	for _, f := range c.Frameworks {
		if f.Name == name && slices.Contains(f.Versions, benchmark) {
			return f.ID
		}
	}
	return c.ID
}

// compareLabels orders benchmark ids as numbers (5.2 before 5.10), and
// other labels after them, as text.
func compareLabels(a, b string) int {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) && i < len(pb); i++ {
		na, ea := strconv.Atoi(pa[i])
		nb, eb := strconv.Atoi(pb[i])
		switch {
		case ea == nil && eb == nil && na != nb:
			return na - nb
		case (ea == nil) != (eb == nil):
			if ea == nil {
				return -1
			}
			return 1
		case ea != nil && pa[i] != pb[i]:
			return strings.Compare(pa[i], pb[i])
		}
	}
	return len(pa) - len(pb)
}

// mdEscape makes text from a snapshot or a policy inert in Markdown and in
// the HTML of a section's summary, where it never starts a line: one line
// (safe), and as character references &, <, > (no HTML) and what has a
// meaning within a line (a table's |, emphasis, links, code,
// strikethrough, backslash escapes). References read the same in both.
func mdEscape(s string) string {
	return neutralize(mdEscapeMarkup(s))
}

// wordJoiner is U+2060, invisible and of no width: put inside what GitHub
// would turn into a link, a mention or an emoji, it leaves it text.
const wordJoiner = "\u2060"

var (
	mentionLike = regexp.MustCompile(`@([A-Za-z0-9])`)
	schemeLike  = regexp.MustCompile(`(?i)\b(https?|ftp|mailto|www)([:.])`)
	emojiLike   = regexp.MustCompile(`:([a-z0-9_+-]*[a-z][a-z0-9_+-]*):`)
)

// neutralize keeps text from a snapshot or a waiver from acting when
// GitHub renders the Markdown in a pull request or a job summary: an
// @mention that would notify someone, a bare URL or www. address that
// would become a link, a :shortcode: that would become an emoji. GitHub
// finds them in the rendered text, after character references are
// decoded, so an invisible word joiner goes inside each. ARNs (words
// starting arn:) are left whole: their fields are AWS's, and a reader
// copies them.
func neutralize(s string) string {
	if !strings.ContainsAny(s, "@:.") {
		return s
	}
	s = mentionLike.ReplaceAllString(s, "@"+wordJoiner+"$1")
	s = schemeLike.ReplaceAllString(s, "$1"+wordJoiner+"$2")
	words := strings.Split(s, " ")
	for i, w := range words {
		if !strings.HasPrefix(w, "arn:") && strings.Count(w, ":") >= 2 {
			words[i] = emojiLike.ReplaceAllString(w, ":$1"+wordJoiner+":")
		}
	}
	return strings.Join(words, " ")
}

// mdEscapeMarkup writes the characters that are markup as references.
func mdEscapeMarkup(s string) string {
	var b strings.Builder
	for _, r := range safe(s) {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '\\', '`', '*', '_', '[', ']', '|', '~':
			fmt.Fprintf(&b, "&#%d;", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// codeSpan is text for inside `...`: one line, and no backtick to end it.
func codeSpan(s string) string {
	return strings.ReplaceAll(safe(s), "`", "'")
}

// codeBlock fences text, each line made safe, with a fence longer than any
// run of backticks in it, so the text cannot close the block.
func codeBlock(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	longest := 0
	for i, l := range lines {
		lines[i] = safe(l)
		run := 0
		for _, r := range lines[i] {
			if r == '`' {
				run++
				longest = max(longest, run)
			} else {
				run = 0
			}
		}
	}
	fence := strings.Repeat("`", max(3, longest+1))
	return fence + "\n" + strings.Join(lines, "\n") + "\n" + fence + "\n"
}

func mapEach(xs []string, f func(string) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

// MarkdownText is s made inert in Markdown, as the markdown format prints
// what comes from a snapshot or a policy.
func MarkdownText(s string) string { return mdEscape(s) }

// MarkdownCode is s made fit for a `code span`.
func MarkdownCode(s string) string { return codeSpan(s) }
