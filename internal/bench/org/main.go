// Command org measures trailwatch on synthetic organizations (internal/
// synth) of growing size and of both kinds (members alike up to their id,
// as a landing zone makes them, and members whose names are their own),
// each measure beside its floor, in one run:
// evaluate's wall time against the time encoding/json takes merely to
// decode the same files into the snapshot types (the floor no evaluator can
// beat without skipping the input), its peak memory against the size of
// the files, and how its time grows from one size to the next.
//
// Usage:
//
//	go run ./internal/bench/org [-sizes 100,1000,10000] [-kinds alike,distinct] [-keep DIR] bin/trailwatch
//
// `make bench` runs it.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/trailwatch/trailwatch/internal/snapshot"
	"github.com/trailwatch/trailwatch/internal/synth"
)

// decodeOnly, in the environment, makes this program the floor: read a
// file and decode it into the snapshot types with encoding/json.
const decodeOnly = "TRAILWATCH_BENCH_DECODE_ONLY"

// generate, in the environment, makes this program write the organization
// of that many accounts ("N" alike, "N distinct") to the file it is given. Organizations are made
// in a process of their own: Linux counts in a child's peak memory the
// peak of the process that started it (the high-water mark passes through
// exec), so a parent that had held an organization would inflate every
// evaluate measured after it.
const generate = "TRAILWATCH_BENCH_GENERATE"

func main() {
	if os.Getenv(decodeOnly) != "" {
		raw, err := os.ReadFile(os.Args[1])
		check(err)
		var snap snapshot.Snapshot
		check(json.Unmarshal(raw, &snap))
		return
	}
	if n := os.Getenv(generate); n != "" {
		count, kind, _ := strings.Cut(n, " ")
		accounts, err := strconv.Atoi(count)
		check(err)
		s, err := synth.Organization(synth.Options{Accounts: accounts, Seed: 1, Distinct: kind == "distinct"})
		check(err)
		data, err := s.Marshal()
		check(err)
		check(os.WriteFile(os.Args[1], data, 0o644))
		return
	}
	sizes := flag.String("sizes", "100,1000,10000", "organization sizes, in accounts")
	kindList := flag.String("kinds", "alike,distinct", "kinds of organization: alike (up to their id), distinct (names of their own)")
	keep := flag.String("keep", "", "write the snapshots to `DIR` and keep them")
	args := flag.String("args", "", "more arguments for evaluate, space-separated")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: org [-sizes 100,1000,10000] [-kinds alike,distinct] [-keep DIR] TRAILWATCH")
		os.Exit(2)
	}
	bin := flag.Arg(0)
	dir := *keep
	if dir == "" {
		d, err := os.MkdirTemp("", "trailwatch-org-")
		check(err)
		defer os.RemoveAll(d)
		dir = d
	} else {
		check(os.MkdirAll(dir, 0o755))
	}
	var kinds []string
	for _, k := range strings.Split(*kindList, ",") {
		if k = strings.TrimSpace(k); k != "alike" && k != "distinct" {
			check(fmt.Errorf("-kinds: unknown kind %q (alike, distinct)", k))
		}
		kinds = append(kinds, strings.TrimSpace(k))
	}
	var ns []int
	for _, f := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		check(err)
		ns = append(ns, n)
	}
	file := func(kind string, n int) string { return filepath.Join(dir, fmt.Sprintf("org-%s-%d.json", kind, n)) }
	for _, kind := range kinds {
		for _, n := range ns {
			path := file(kind, n)
			if _, err := os.Stat(path); err == nil && *keep != "" {
				continue // kept from an earlier run: the same seed makes the same file
			}
			cmd := exec.Command(os.Args[0], path)
			cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%d %s", generate, n, kind))
			cmd.Stderr = os.Stderr
			check(cmd.Run())
		}
	}
	fmt.Printf("%-9s %8s %10s %10s %10s %8s %10s %8s %8s\n", "kind", "accounts", "input", "decode", "evaluate", "ratio", "peak RSS", "ratio", "growth")
	for _, kind := range kinds {
		var prev time.Duration
		var prevN int
		for _, n := range ns {
			path := file(kind, n)
			decode, eval, rss, size := measure(bin, path, strings.Fields(*args))
			growth := "-"
			if prev > 0 {
				growth = fmt.Sprintf("%.1fx/%dx", float64(eval)/float64(prev), n/prevN)
			}
			fmt.Printf("%-9s %8d %8.1fMB %10s %10s %7.2fx %8.0fMB %7.2fx %8s\n", kind, n, mb(size), decode.Round(time.Millisecond), eval.Round(time.Millisecond),
				float64(eval)/float64(decode), mb(rss), float64(rss)/float64(size), growth)
			prev, prevN = eval, n
		}
	}
}

// measure times the floor and evaluate on one file: the floor as evaluate
// is measured, a whole process that reads the file and decodes it with
// encoding/json (this program again), best of three; evaluate once, with
// its peak resident memory.
func measure(bin, path string, args []string) (decode, eval time.Duration, rss, size int64) {
	decode = bestOf(3, func() time.Duration {
		cmd := exec.Command(os.Args[0], path)
		cmd.Env = append(os.Environ(), decodeOnly+"=1")
		cmd.Stderr = os.Stderr
		start := time.Now()
		check(cmd.Run())
		return time.Since(start)
	})
	info, err := os.Stat(path)
	check(err)
	cmd := exec.Command(bin, append(append([]string{"evaluate", "-o", os.DevNull}, args...), path)...)
	cmd.Stderr = os.Stderr
	start := time.Now()
	err = cmd.Run()
	eval = time.Since(start)
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() > 2 {
		check(fmt.Errorf("evaluate %s: %v", path, err))
	}
	rss = cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss << 10
	return decode, eval, rss, info.Size()
}

func bestOf(n int, f func() time.Duration) time.Duration {
	best := time.Duration(0)
	for i := 0; i < n; i++ {
		if d := f(); best == 0 || d < best {
			best = d
		}
	}
	return best
}

func mb(n int64) float64 { return float64(n) / (1 << 20) }

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "org:", err)
		os.Exit(1)
	}
}
