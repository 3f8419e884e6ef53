package report_test

import (
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Every example renders to JUnit XML that a published JUnit schema (the
// one Jenkins' xUnit plugin validates reports with, testdata/schemas)
// accepts, checked by the XML Schema validator of the Java runtime; the
// counts add up to the report's.
func TestJUnit(t *testing.T) {
	java, err := exec.LookPath("java")
	if err != nil {
		t.Fatal("java is needed to validate JUnit XML against its schema (it is on every machine of this project: see the README)")
	}
	dir := t.TempDir()
	var files []string
	for name, data := range render(t, "junit", ".xml") {
		p := filepath.Join(dir, name+".xml")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
		var suites struct {
			Tests    int `xml:"tests,attr"`
			Failures int `xml:"failures,attr"`
			Errors   int `xml:"errors,attr"`
			Suites   []struct {
				Name  string `xml:"name,attr"`
				Cases []struct {
					Name    string    `xml:"name,attr"`
					Failure *struct{} `xml:"failure"`
					Error   *struct{} `xml:"error"`
					Skipped *struct{} `xml:"skipped"`
				} `xml:"testcase"`
			} `xml:"testsuite"`
		}
		if err := xml.Unmarshal(data, &suites); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		rep := exampleReports(t)[name]
		skipped := 0
		for _, s := range suites.Suites {
			for _, c := range s.Cases {
				if c.Skipped != nil {
					skipped++
				}
			}
		}
		if suites.Tests != len(rep.Results) || suites.Failures != rep.Summary.Fail || suites.Errors != rep.Summary.Error || skipped != rep.Summary.Waived || len(suites.Suites) != len(rep.Controls) {
			t.Errorf("%s: tests %d failures %d errors %d in %d suites; report: %+v, %d controls", name, suites.Tests, suites.Failures, suites.Errors, len(suites.Suites), rep.Summary, len(rep.Controls))
		}
	}
	args := append([]string{filepath.Join("testdata", "xsd", "Validate.java"), filepath.Join("testdata", "schemas", "junit-10.xsd")}, files...)
	out, err := exec.Command(java, args...).CombinedOutput()
	if err != nil {
		t.Errorf("JUnit XML does not validate against junit-10.xsd: %v\n%s", err, strings.TrimSpace(string(out)))
	}
}
