// Package report owns what trailwatch tells its users: the results of an
// evaluation and their renderings (text for people, JSON for programs),
// each behind the Renderer interface.
package report

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// Status is a control's verdict for one account.
type Status string

const (
	Pass  Status = "PASS"
	Fail  Status = "FAIL"
	Error Status = "ERROR"
)

// Valid reports whether s is one of the three verdicts.
func (s Status) Valid() bool { return s == Pass || s == Fail || s == Error }

// Result is one control's verdict for one account: the JSON report's
// contract (documented in the README).
type Result struct {
	ControlID   string      `json:"control_id"`
	AccountID   string      `json:"account_id"`
	Status      Status      `json:"status"`
	Reason      string      `json:"reason"`
	Title       string      `json:"title"`
	Description string      `json:"description,omitempty"`
	Severity    string      `json:"severity"`
	Frameworks  []Framework `json:"frameworks"`
	Evidence    any         `json:"evidence,omitempty"`
	Remediation string      `json:"remediation,omitempty"`
}

// Framework is a place a control appears in a compliance framework.
type Framework struct {
	Name     string   `json:"name"`               // "CIS AWS Foundations Benchmark"
	Versions []string `json:"versions,omitempty"` // "v1.4.0", ...; empty when the id does not depend on it
	ID       string   `json:"id"`                 // "4.5"
}

func (f Framework) String() string {
	if len(f.Versions) == 0 {
		return f.Name + " " + f.ID
	}
	return fmt.Sprintf("%s %s (%s)", f.Name, f.ID, strings.Join(f.Versions, ", "))
}

// Report is the outcome of one evaluate run.
type Report struct {
	Tool      string   `json:"tool"`
	Version   string   `json:"version"`
	Snapshots []string `json:"snapshots"`
	// Benchmark is the CIS AWS Foundations Benchmark version the controls
	// were judged by.
	Benchmark string `json:"benchmark,omitempty"`
	// Strict says Security Hub\'s textual reading was applied as well.
	Strict  bool     `json:"strict,omitempty"`
	Summary Summary  `json:"summary"`
	Results []Result `json:"results"`
}

// Summary counts results by status.
type Summary struct {
	Pass  int `json:"pass"`
	Fail  int `json:"fail"`
	Error int `json:"error"`
}

// New builds a report, sorting results by control then account.
func New(tool, version string, snapshots []string, results []Result) *Report {
	r := &Report{Tool: tool, Version: version, Snapshots: slices.Clone(snapshots), Results: slices.Clone(results)}
	if r.Snapshots == nil {
		r.Snapshots = []string{}
	}
	if r.Results == nil {
		r.Results = []Result{}
	}
	slices.SortStableFunc(r.Results, func(a, b Result) int {
		return strings.Compare(a.ControlID+"\x00"+a.AccountID, b.ControlID+"\x00"+b.AccountID)
	})
	for _, res := range r.Results {
		switch res.Status {
		case Pass:
			r.Summary.Pass++
		case Fail:
			r.Summary.Fail++
		default:
			r.Summary.Error++
		}
	}
	return r
}

// ExitCode is what a CI gate needs: 0 when every control passed, 1 when at
// least one failed, 2 when nothing failed but something could not be
// decided (an ERROR, or no result at all).
func (r *Report) ExitCode() int {
	switch {
	case r.Summary.Fail > 0:
		return 1
	case r.Summary.Error > 0 || len(r.Results) == 0:
		return 2
	}
	return 0
}

// Renderer writes a report in one format.
type Renderer interface {
	Render(w io.Writer, r *Report) error
}

// Options shape how a renderer writes.
type Options struct {
	// Verbose adds each result's evidence and remediation (text).
	Verbose bool
}

// formats is the registry of renderers, by the name --format takes.
var formats = map[string]func(Options) Renderer{
	"text": func(o Options) Renderer { return Text{Verbose: o.Verbose} },
	"json": func(Options) Renderer { return JSON{} },
}

// Formats lists the format names, sorted, for help texts and errors.
func Formats() []string {
	names := make([]string, 0, len(formats))
	for n := range formats {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// NewRenderer returns the renderer for a format name.
func NewRenderer(format string, opts Options) (Renderer, error) {
	if format == "" {
		format = "text"
	}
	if f, ok := formats[format]; ok {
		return f(opts), nil
	}
	return nil, fmt.Errorf("unknown format %q; use one of %s", format, strings.Join(Formats(), ", "))
}
