package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
)

// JSON renders the report as one indented JSON document.
type JSON struct{}

func (JSON) Render(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// Text renders one line per control and account; with Verbose, the
// evidence, frameworks and remediation under each line.
type Text struct {
	Verbose bool
}

func (t Text) Render(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	for _, res := range r.Results {
		fmt.Fprintf(bw, "%-5s %s  account %s: %s\n", res.Status, res.ControlID, res.AccountID, res.Reason)
		if !t.Verbose {
			continue
		}
		fmt.Fprintf(bw, "      %s (severity %s)\n", res.Title, res.Severity)
		if len(res.Frameworks) > 0 {
			var fs []string
			for _, f := range res.Frameworks {
				fs = append(fs, f.String())
			}
			fmt.Fprintf(bw, "      frameworks: %s\n", strings.Join(fs, "; "))
		}
		if res.Evidence != nil {
			bw.WriteString("      evidence:\n")
			writeEvidence(bw, res.Evidence, "        ")
		}
		if res.Remediation != "" && res.Status != Pass {
			bw.WriteString("      remediation:\n")
			for _, line := range strings.Split(strings.TrimRight(res.Remediation, "\n"), "\n") {
				bw.WriteString("        " + line + "\n")
			}
		}
	}
	fmt.Fprintf(bw, "\n%d passed, %d failed, %d errors\n", r.Summary.Pass, r.Summary.Fail, r.Summary.Error)
	return bw.Flush()
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
				fmt.Fprintf(w, "%s%s: %s\n", indent, k, scalar(x[k]))
				continue
			}
			fmt.Fprintf(w, "%s%s:\n", indent, k)
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
		return x
	case nil:
		return "null"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
