// Command hostile times whole `trailwatch evaluate` runs on snapshots built
// to cost time or memory while staying within what AWS allows (and, for
// comparison, the ones that do not), for one or more trailwatch binaries
// side by side: the measure behind the hardening of the chain and of
// regular expressions.
//
//	go run ./internal/bench/hostile bin/trailwatch /tmp/baseline/trailwatch
//
// `make bench-hostile` builds a baseline from a git ref and runs both.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/trailwatch/trailwatch/internal/snapshot"
	"github.com/trailwatch/trailwatch/internal/synth"
)

// writeOnly, in the environment, makes this program write the snapshot of
// the case it names to the file it is given, and stop. Snapshots are built
// in a process of their own: Linux carries a process's peak memory through
// exec into the children it starts, so a parent that had built them would
// inflate the peak of every run measured after.
const writeOnly = "TRAILWATCH_HOSTILE_WRITE"

// A hostileCase is a snapshot built to cost time or memory.
type hostileCase struct {
	name string
	snap func() *snapshot.Snapshot
}

var cases = []hostileCase{
	{"400 regex filters on one log group (AWS allows 5)", func() *snapshot.Snapshot { return regexes(1, 400) }},
	{"400 regex filters on 80 log groups (5 each)", func() *snapshot.Snapshot { return regexes(80, 5) }},
	{"5 trails x 100 filters x 5,000 alarms", func() *snapshot.Snapshot { return crowded(5, 100, 5000) }},
	{"160 trails x 160 filters x 160 alarms (AWS allows 100 filters)", func() *snapshot.Snapshot { return crowded(160, 160, 160) }},
	{"160 trails x 100 filters x 160 alarms", func() *snapshot.Snapshot { return crowded(160, 100, 160) }},
}

func main() {
	if name := os.Getenv(writeOnly); name != "" {
		i := slices.IndexFunc(cases, func(c hostileCase) bool { return c.name == name })
		if i < 0 || len(os.Args) != 2 {
			fail(fmt.Errorf("%s=%q: no such case, or no file", writeOnly, name))
		}
		data, err := cases[i].snap().Marshal()
		if err != nil {
			fail(err)
		}
		if err := os.WriteFile(os.Args[1], data, 0o644); err != nil {
			fail(err)
		}
		return
	}
	keep := flag.String("keep", "", "write the snapshots to `DIR` and keep them")
	only := flag.String("run", "", "only the cases whose name holds `TEXT`")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: hostile [-keep DIR] [-run TEXT] TRAILWATCH...")
		flag.PrintDefaults()
	}
	flag.Parse()
	bins := flag.Args()
	if len(bins) == 0 {
		flag.Usage()
		os.Exit(2)
	}
	dir := *keep
	if dir == "" {
		d, err := os.MkdirTemp("", "trailwatch-hostile-")
		if err != nil {
			fail(err)
		}
		defer os.RemoveAll(d)
		dir = d
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		fail(err)
	}
	fmt.Printf("%-52s %-28s %12s %12s %6s\n", "snapshot", "binary", "wall", "peak RSS", "exit")
	for _, c := range cases {
		if !strings.Contains(c.name, *only) {
			continue
		}
		path := filepath.Join(dir, strings.NewReplacer(" ", "-", ",", "", "(", "", ")", "").Replace(c.name)+".json")
		cmd := exec.Command(os.Args[0], path)
		cmd.Env = append(os.Environ(), writeOnly+"="+c.name)
		cmd.Stderr = os.Stderr
		if err := cmd.Run(); err != nil {
			fail(err)
		}
		info, err := os.Stat(path)
		if err != nil {
			fail(err)
		}
		for _, bin := range bins {
			wall, rss, code := run(bin, path)
			fmt.Printf("%-52s %-28s %12s %9d MB %6d\n", fmt.Sprintf("%s, %d KB", c.name, info.Size()>>10), clip(bin), wall.Round(10*time.Millisecond), rss>>10, code)
		}
	}
}

// limit is how long one run may take before it is stopped.
const limit = 10 * time.Minute

// run times one evaluate, with its peak resident memory in KB; a run past
// limit is stopped (exit -1).
func run(bin, snap string) (time.Duration, int64, int) {
	cmd := exec.Command(bin, "evaluate", "--format", "json", snap)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		fail(err)
	}
	timer := time.AfterFunc(limit, func() { cmd.Process.Kill() })
	err := cmd.Wait()
	timer.Stop()
	wall := time.Since(start)
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		fail(err)
	}
	return wall, cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss, code
}

// regexes is an account whose trails deliver to groups log groups, each
// with perGroup filters whose regular expressions are as costly as 1024
// characters make them.
func regexes(groups, perGroup int) *snapshot.Snapshot {
	pattern := "%" + strings.Repeat(`\w{,1000}`, 113) + "%"
	return synth.Crowded(groups, func(lg string) []snapshot.MetricFilter {
		var fs []snapshot.MetricFilter
		for i := range perGroup {
			fs = append(fs, synth.Filter(lg, fmt.Sprintf("rx%d", i), strings.Replace(pattern, "%", fmt.Sprintf("%%x%d", i), 1), fmt.Sprintf("m%d", i)))
		}
		return fs
	}, nil)
}

// configChanges is CIS 4.5's pattern: every filter of a crowded account
// catches what the control asks, so every path through the chain is a
// candidate and none can be dropped early.
const configChanges = `{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }`

// crowded is an account with trails trails, each delivering to a log group
// of its own with filters filters, and alarms alarms. Every filter counts
// into the same metric and every alarm watches it: the worst case for a
// chain that joins trails, filters and alarms pairwise.
func crowded(trails, filters, alarms int) *snapshot.Snapshot {
	return synth.Crowded(trails, func(lg string) []snapshot.MetricFilter {
		var fs []snapshot.MetricFilter
		for i := range filters {
			fs = append(fs, synth.Filter(lg, fmt.Sprintf("f%d", i), configChanges, "m0"))
		}
		return fs
	}, slices.Repeat([]string{"m0"}, alarms))
}

func clip(s string) string {
	if len(s) > 28 {
		return "..." + s[len(s)-25:]
	}
	return s
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "hostile:", err)
	os.Exit(1)
}
