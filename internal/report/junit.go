package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// JUnit renders the report as JUnit XML, which the test tab of every CI
// system reads: one testsuite per control, one testcase per account; a
// FAIL is a failure and an ERROR an error, each with the reason as its
// message and the reason and remediation in its body. The file has no
// times of its own (none are measured); a suite's timestamp is when the
// evidence was collected.
type JUnit struct{}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Timestamp  string          `xml:"timestamp,attr,omitempty"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitProblem `xml:"failure"`
	Error     *junitProblem `xml:"error"`
	Skipped   *junitProblem `xml:"skipped"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitProblem struct {
	Type    string `xml:"type,attr"`
	Message string `xml:"message,attr"`
	Body    string `xml:",chardata"`
}

func (JUnit) Render(w io.Writer, r *Report) error {
	out := junitSuites{Name: r.Tool}
	suites := map[string]int{}
	for _, c := range r.ControlList() {
		suites[c.ID] = len(out.Suites)
		s := junitSuite{Name: c.ID, Timestamp: r.CollectedAt}
		s.Properties = append(s.Properties, junitProperty{"title", c.Title}, junitProperty{"severity", c.Severity})
		for _, f := range c.Frameworks {
			s.Properties = append(s.Properties, junitProperty{"framework", f.String()})
		}
		if r.Benchmark != "" {
			s.Properties = append(s.Properties, junitProperty{"benchmark", r.BenchmarkName + " " + r.Benchmark})
		}
		out.Suites = append(out.Suites, s)
	}
	for _, res := range r.Results {
		s := &out.Suites[suites[res.ControlID]]
		tc := junitCase{Name: "account " + res.AccountID, Classname: res.ControlID}
		body := res.Reason
		if res.Remediation != "" && res.Status != Pass {
			body += "\n\nRemediation:\n" + strings.TrimRight(res.Remediation, "\n")
		}
		switch res.Status {
		case Pass:
			tc.SystemOut = res.Reason
		case Waived:
			msg := "waived"
			if w := res.Waiver; w != nil {
				msg = fmt.Sprintf("waived until %s by %s: %s", w.Expires, w.Owner, w.Reason)
			}
			tc.Skipped = &junitProblem{Type: string(res.Was), Message: msg, Body: res.Reason}
			s.Skipped++
		case Fail:
			tc.Failure = &junitProblem{Type: string(Fail), Message: res.Reason, Body: body}
			s.Failures++
			out.Failures++
		default:
			tc.Error = &junitProblem{Type: string(res.Status), Message: res.Reason, Body: body}
			s.Errors++
			out.Errors++
		}
		s.Tests++
		out.Tests++
		s.Cases = append(s.Cases, tc)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("junit: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}
