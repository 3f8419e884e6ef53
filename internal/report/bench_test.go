package report_test

import (
	"fmt"
	"testing"

	"github.com/trailwatch/trailwatch/internal/report"
)

// countingWriter counts what a renderer writes.
type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// bigReport is an organization of n accounts made of the example reports'
// results (a pass, a fail and an error account in turn), each under an
// account id of its own.
func bigReport(t testing.TB, n int) *report.Report {
	ex := exampleReports(t)
	kinds := []*report.Report{ex["pass"], ex["fail"], ex["error"]}
	var results []report.Result
	for i := range n {
		for _, r := range kinds[i%3].Results {
			r.AccountID = fmt.Sprintf("%012d", 100000000000+i)
			results = append(results, r)
		}
	}
	rep := report.New("trailwatch", "test", []string{"snapshots/org.json"}, results)
	rep.Controls = ex["pass"].Controls
	rep.Benchmark = ex["pass"].Benchmark
	rep.CollectedAt = ex["pass"].CollectedAt
	return rep
}

// BenchmarkRender renders a 1,000-account report (15,000 results) in each
// format; bytes/report is the size of one rendering.
//
//	go test ./internal/report -run '^$' -bench Render -benchtime 5x
func BenchmarkRender(b *testing.B) {
	rep := bigReport(b, 1000)
	for _, f := range report.Formats() {
		r, err := report.NewRenderer(f, report.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(f, func(b *testing.B) {
			var size int64
			for b.Loop() {
				w := &countingWriter{}
				if err := r.Render(w, rep); err != nil {
					b.Fatal(err)
				}
				size = w.n
			}
			b.ReportMetric(float64(size), "bytes/report")
		})
	}
}
