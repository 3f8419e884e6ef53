package engine

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/trailwatch/trailwatch/internal/snapshot"
)

// BenchmarkLoadAndPrepare is the fixed cost of a run: parse, compile and
// prepare the embedded policies.
func BenchmarkLoadAndPrepare(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		p, err := Load(Options{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := p.Prepare(context.Background(), Selection{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEvaluate judges one account of each shipped example snapshot
// with prepared queries.
func BenchmarkEvaluate(b *testing.B) {
	p, err := Load(Options{})
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
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ev.Evaluate(context.Background(), snap); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
