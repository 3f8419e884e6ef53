package diff

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/trailwatch/trailwatch/internal/report"
)

// Formats are the formats a diff is rendered in.
var Formats = []string{"text", "json", "markdown"}

// Render writes a diff in a format.
func Render(w io.Writer, d *Diff, format string) error {
	switch format {
	case "", "text":
		return renderText(w, d)
	case "json":
		return report.WriteJSON(w, d)
	case "markdown":
		return renderMarkdown(w, d)
	}
	return fmt.Errorf("unknown format %q; use one of %s", format, strings.Join(Formats, ", "))
}

var sections = []struct {
	effect Effect
	title  string
}{
	{Regression, "Regressions"},
	{Undecided, "No longer decided"},
	{Improvement, "Improvements"},
}

func headline(d *Diff) string {
	return fmt.Sprintf("%s, %s, %s; %s that changed no verdict",
		plural(d.Summary.Regressions, "regression"), plural(d.Summary.Undecided, "verdict no longer decided", "verdicts no longer decided"),
		plural(d.Summary.Improvements, "improvement"), plural(d.Summary.Drift, "other change"))
}

func side(names []string, when string) string {
	s := strings.Join(names, ", ")
	if when != "" {
		s += " (collected " + when + ")"
	}
	return s
}

func renderText(w io.Writer, d *Diff) error {
	bw := bufio.NewWriter(w)
	one := report.OneLine
	fmt.Fprintf(bw, "trailwatch diff: %s\n", headline(d))
	fmt.Fprintf(bw, "old: %s\nnew: %s\n", one(side(d.Old, d.OldTime)), one(side(d.New, d.NewTime)))
	for _, s := range sections {
		first := true
		for _, v := range d.Verdicts {
			if v.Effect != s.effect {
				continue
			}
			if first {
				fmt.Fprintf(bw, "\n%s\n", s.title)
				first = false
			}
			fmt.Fprintf(bw, "  account %s  %s  %s -> %s\n", one(v.Account), one(v.Control), v.Old, v.New)
			if v.NewReason != "" {
				fmt.Fprintf(bw, "    now: %s\n", one(v.NewReason))
			} else if v.OldReason != "" {
				fmt.Fprintf(bw, "    was: %s\n", one(v.OldReason))
			}
			if len(v.Causes) == 0 {
				bw.WriteString("    because: no change of the evidence explains it (the policies or the benchmark version differ?)\n")
				continue
			}
			bw.WriteString("    because:\n")
			for _, c := range v.Causes {
				fmt.Fprintf(bw, "      - %s\n", one(changeText(c)))
			}
		}
	}
	if len(d.Drift) > 0 {
		bw.WriteString("\nOther changes (no verdict changed)\n")
		for _, c := range d.Drift {
			fmt.Fprintf(bw, "  - account %s: %s\n", one(c.Account), one(changeText(c)))
		}
	}
	return bw.Flush()
}

func changeText(c Change) string {
	if c.Region != "" && !strings.Contains(c.Text, c.Region) {
		return c.Text + " (" + c.Region + ")"
	}
	return c.Text
}

// markdownLimit is the most bytes the Markdown diff takes: GitHub's limit
// on a job summary (report.MarkdownLimit), like evaluate's Markdown.
var markdownLimit = report.MarkdownLimit

func renderMarkdown(w io.Writer, d *Diff) error {
	var b strings.Builder
	md, code := report.MarkdownText, report.MarkdownCode
	// Room kept for the note that says what was left out.
	const reserve = 512
	left := 0
	add := func(line string) {
		if left > 0 || b.Len()+len(line) > markdownLimit-reserve {
			left++
			return
		}
		b.WriteString(line)
	}
	fmt.Fprintf(&b, "## trailwatch diff: %s\n\n", md(headline(d)))
	fmt.Fprintf(&b, "Old: %s<br>\nNew: %s\n", md(side(d.Old, d.OldTime)), md(side(d.New, d.NewTime)))
	for _, s := range sections {
		var rows []Verdict
		for _, v := range d.Verdicts {
			if v.Effect == s.effect {
				rows = append(rows, v)
			}
		}
		if len(rows) == 0 {
			continue
		}
		add(fmt.Sprintf("\n### %s\n\n| account | control | verdict | reason now | because |\n| --- | --- | --- | --- | --- |\n", s.title))
		for _, v := range rows {
			var causes []string
			for _, c := range v.Causes {
				causes = append(causes, md(changeText(c)))
			}
			because := strings.Join(causes, "<br>")
			if because == "" {
				because = "no change of the evidence explains it"
			}
			add(fmt.Sprintf("| %s | `%s` | %s → %s | %s | %s |\n", md(v.Account), code(v.Control), v.Old, v.New, md(firstNonEmpty(v.NewReason, v.OldReason)), because))
		}
	}
	if len(d.Drift) > 0 {
		add("\n### Other changes (no verdict changed)\n\n")
		for _, c := range d.Drift {
			add(fmt.Sprintf("- account %s: %s\n", md(c.Account), md(changeText(c))))
		}
	}
	if left > 0 {
		fmt.Fprintf(&b, "\n**%s left out**: GitHub takes at most 1 MiB of job summary; `trailwatch diff` in text or JSON has them all.\n", plural(left, "line"))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func plural(n int, one string, many ...string) string {
	if n == 1 {
		return "1 " + one
	}
	if len(many) > 0 {
		return fmt.Sprintf("%d %s", n, many[0])
	}
	return fmt.Sprintf("%d %ss", n, one)
}
