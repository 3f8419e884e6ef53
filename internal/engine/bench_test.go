package engine

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/trailwatch/trailwatch/internal/snapshot"
	"github.com/trailwatch/trailwatch/internal/synth"
)

// BenchmarkLoadAndPrepare is the fixed cost of a run: parse, compile and
// prepare the embedded policies.
func BenchmarkLoadAndPrepare(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		p, err := load(Options{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := p.Prepare(context.Background(), Selection{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEvaluate judges one account of each of three example snapshots
// with prepared queries, side by side: "before" is the one control the
// project started with, as it stood before the chain moved into
// policies/lib (testdata/baseline-policies, commit 26d29d0); "after" is
// the fifteen controls of the CIS monitoring section on that library.
//
//	go test ./internal/engine -run '^$' -bench Evaluate
func BenchmarkEvaluate(b *testing.B) {
	runs := []struct {
		name string
		dirs []string
	}{
		{"before=1-control", []string{filepath.Join("testdata", "baseline-policies")}},
		{"after=15-controls", nil},
	}
	for _, run := range runs {
		p, err := Load(Options{PolicyDirs: run.dirs})
		if err != nil {
			b.Fatal(err)
		}
		ev, err := p.Prepare(context.Background(), Selection{})
		if err != nil {
			b.Fatal(err)
		}
		for _, name := range []string{"compliant.json", "broken-filter-misses-event.json", "error-alarms-unreadable.json"} {
			snap, err := snapshot.Read(filepath.Join("..", "..", "snapshots", name))
			if err != nil {
				b.Fatal(err)
			}
			b.Run(run.name+"/"+name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					res, err := ev.Evaluate(context.Background(), snap)
					if err != nil {
						b.Fatal(err)
					}
					if len(res) != len(ev.Controls()) {
						b.Fatalf("%d results", len(res))
					}
				}
			})
		}
	}
}

// BenchmarkOrganization judges every account of synthetic organizations of
// 20 accounts in 17 regions (internal/synth), both kinds, without reuse,
// and reports the time per account judged: members alike up to their id,
// and members whose names are their own. Profile one kind with
//
//	go test ./internal/engine -run '^$' -bench 'Organization/distinct' -cpuprofile cpu.out
//	go tool pprof -top cpu.out
func BenchmarkOrganization(b *testing.B) {
	p, err := Load(Options{})
	if err != nil {
		b.Fatal(err)
	}
	ev, err := p.Prepare(context.Background(), Selection{NoReuse: true})
	if err != nil {
		b.Fatal(err)
	}
	for _, kind := range []string{"alike", "distinct"} {
		snap, err := synth.Organization(synth.Options{Accounts: 20, Seed: 1, Distinct: kind == "distinct"})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(kind, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				res, err := ev.Evaluate(context.Background(), snap)
				if err != nil {
					b.Fatal(err)
				}
				if len(res) != len(snap.Accounts)*len(ev.Controls()) {
					b.Fatalf("%d results", len(res))
				}
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N*len(snap.Accounts)), "ms/account")
		})
	}
}
