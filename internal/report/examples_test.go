package report_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/trailwatch/trailwatch/internal/engine"
	"github.com/trailwatch/trailwatch/internal/golden"
	"github.com/trailwatch/trailwatch/internal/report"
	"github.com/trailwatch/trailwatch/internal/snapshot"
	"github.com/trailwatch/trailwatch/internal/waiver"
)

// The example reports every format's golden files are rendered from: the
// shipped example snapshots judged by the embedded policies, as evaluate
// builds its report (places in the snapshots, the controls that ran,
// collected_at), with the version fixed so that goldens do not change with
// builds.
var cases = []struct {
	name    string
	snaps   []string
	waivers string // a waivers file, applied on waiversToday
}{
	{"pass", []string{"compliant.json"}, ""},
	{"fail", []string{"broken-logging-stopped.json"}, ""},
	{"error", []string{"error-alarms-unreadable.json"}, ""},
	{"organization", []string{"organization.json"}, ""},
	{"waived", []string{"broken-logging-stopped.json"}, "testdata/waivers/example.yaml"},
}

// waiversToday is the day the waived example is judged on.
var waiversToday = time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)

var built struct {
	once    sync.Once
	reports map[string]*report.Report
	err     error
}

func exampleReports(t testing.TB) map[string]*report.Report {
	t.Helper()
	built.once.Do(func() {
		built.reports = map[string]*report.Report{}
		p, err := engine.Load(engine.Options{})
		if err != nil {
			built.err = err
			return
		}
		ev, err := p.Prepare(context.Background(), engine.Selection{})
		if err != nil {
			built.err = err
			return
		}
		for _, c := range cases {
			var srcs []snapshot.Source
			var names []string
			for _, s := range c.snaps {
				name := "snapshots/" + s
				data, err := os.ReadFile(filepath.Join("..", "..", name))
				if err != nil {
					built.err = err
					return
				}
				snap, err := snapshot.Decode(name, data)
				if err != nil {
					built.err = err
					return
				}
				srcs = append(srcs, snapshot.Source{Name: name, Snapshot: snap})
				names = append(names, name)
			}
			org, err := snapshot.Merge(srcs)
			if err != nil {
				built.err = err
				return
			}
			results, err := ev.Evaluate(context.Background(), org)
			if err != nil {
				built.err = err
				return
			}
			var standing *report.Waivers
			if c.waivers != "" {
				data, err := os.ReadFile(c.waivers)
				if err != nil {
					built.err = err
					return
				}
				var ids []string
				for _, ctl := range ev.AllControls() {
					ids = append(ids, ctl.ID)
				}
				ws, err := waiver.Parse(c.waivers, data, ids)
				if err != nil {
					built.err = err
					return
				}
				results, standing = waiver.Apply(results, ws, waiversToday, 14)
			}
			built.reports[c.name] = ev.Report("trailwatch", "test", org, names, results)
			built.reports[c.name].Waivers = standing
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.reports
}

// render renders every example report in a format, compares each with its
// golden file testdata/FORMAT/CASE.EXT, and returns them by case.
func render(t *testing.T, format, ext string) map[string][]byte {
	t.Helper()
	r, err := report.NewRenderer(format, report.Options{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for name, rep := range exampleReports(t) {
		var b bytes.Buffer
		if err := r.Render(&b, rep); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var again bytes.Buffer
		if err := r.Render(&again, rep); err != nil || !bytes.Equal(b.Bytes(), again.Bytes()) {
			t.Errorf("%s: rendering twice gives different bytes (%v)", name, err)
		}
		golden.Check(t, filepath.Join("testdata", format, name+ext), b.Bytes())
		out[name] = b.Bytes()
	}
	return out
}
