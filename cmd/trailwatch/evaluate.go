package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"time"

	"github.com/trailwatch/trailwatch/internal/engine"
	"github.com/trailwatch/trailwatch/internal/fileio"
	"github.com/trailwatch/trailwatch/internal/report"
	"github.com/trailwatch/trailwatch/internal/snapshot"
	"github.com/trailwatch/trailwatch/internal/waiver"
)

func runEvaluate(ctx context.Context, args []string, s streams) error {
	fs := newFlagSet("evaluate", "evaluate [--policy DIR]... [--family F]... [--control ID]... [--benchmark VERSION] [--format F] [-o FILE] [--report F=FILE]... [--waivers FILE]... [-v] SNAPSHOT... (- reads standard input)", s)
	var policyDirs, controls multiFlag
	fs.Var(&policyDirs, "policy", "directory of Rego policies and data to use instead of the built-in ones (repeatable)")
	fs.Var(&controls, "control", "apply only this control (repeatable; default: every control of the benchmark version)")
	var families multiFlag
	fs.Var(&families, "family", "apply only the controls of this family: monitoring, trail_integrity (repeatable; default: every family)")
	benchmark := fs.String("benchmark", "", "judge by this version of the CIS AWS Foundations Benchmark (e.g. v3.0.0 or cis-aws-v3.0.0; default: the newest)")
	strict := fs.Bool("strict", false, "also apply Security Hub's reading: a filter passes only if its pattern is the benchmark's text (whitespace aside)")
	format := fs.String("format", "text", "report format: "+strings.Join(report.Formats(), ", "))
	output := fs.String("o", "", "write the report to `FILE` instead of standard output")
	var reports multiFlag
	fs.Var(&reports, "report", "also write the report in `FORMAT=FILE` (repeatable), atomically")
	verbose := fs.Bool("v", false, "text format: show evidence, frameworks and remediation under each result")
	asffRegion := fs.String("asff-region", "", "asff format: the region the findings are imported into (default: the region of the first trail in the report)")
	var waiverFiles multiFlag
	fs.Var(&waiverFiles, "waivers", "accept the exceptions in this YAML `FILE` (repeatable): a FAIL they cover is WAIVED until they expire")
	todayFlag := fs.String("today", "", "judge waivers' expiry on this date, `YYYY-MM-DD` (default: today, UTC)")
	warnExpiry := fs.Int("warn-expiry", 14, "list waivers that expire within this many `DAYS`")
	par := fs.Int("parallel", runtime.GOMAXPROCS(0), "judge this many accounts at once")
	timeout := fs.Duration("timeout", 15*time.Minute, "stop evaluating after this long: exit 2, naming the control that did not finish (policies from contributors are bounded)")
	maxMemory := fs.Int("max-memory", 0, "stop evaluating when the heap passes this many `MiB`: exit 2 (default: 4 GiB, or 4 times the snapshots if more)")
	reuse := fs.Bool("reuse", true, "judge once the accounts whose evidence is the same up to their own id and, with the built-in policies, the names of their things (false: judge every account)")
	paths, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		fs.Usage()
		return usageError("evaluate needs at least one snapshot file")
	}
	opts := report.Options{Verbose: *verbose, Region: *asffRegion}
	if *asffRegion != "" {
		if !snapshot.IsRegion(*asffRegion) {
			return usageError("--asff-region %q is not a region name (such as us-east-1)", *asffRegion)
		}
	}
	renderer, err := report.NewRenderer(*format, opts)
	if err != nil {
		return usageError("--format: %v", err)
	}
	extra, err := parseReports(reports, opts)
	if err != nil {
		return err
	}
	if err := checkDashO(*output); err != nil {
		return err
	}
	var guard outputGuard
	guard.reads("snapshot", paths...)
	guard.reads("--waivers", waiverFiles...)
	guard.readsDirs(policyDirs...)
	if err := guard.writes("-o", *output); err != nil {
		return err
	}
	for _, r := range extra {
		if err := guard.writes("--report "+r.format+"=", r.path); err != nil {
			return err
		}
	}
	today, err := parseToday(*todayFlag)
	if err != nil {
		return err
	}
	if *warnExpiry < 0 {
		return usageError("--warn-expiry must be 0 or more days")
	}
	if *par < 1 {
		return usageError("--parallel must be at least 1")
	}
	if *timeout <= 0 || *maxMemory < 0 {
		return usageError("--timeout must be more than 0, and --max-memory 0 (automatic) or more")
	}

	limitMemory(paths)
	// Results keep what the reports asked for show: in an organization of
	// thousands of accounts, evidence nobody reads is most of the memory.
	needs := report.NeedsOf(renderer)
	for _, r := range extra {
		n := report.NeedsOf(r.renderer)
		needs.Evidence, needs.Remediation = needs.Evidence || n.Evidence, needs.Remediation || n.Remediation
	}
	// The policies compile while the snapshots are read (one core each):
	// the snapshots' errors come first, as they always have.
	type prepared struct {
		ev  *engine.Evaluator
		err error
	}
	compiled := make(chan prepared, 1)
	go func() {
		ev, err := prepare(ctx, policyDirs, engine.Selection{Controls: controls, Families: families, Benchmark: *benchmark, Strict: *strict, Parallel: *par, NoReuse: !*reuse, Keep: &needs})
		compiled <- prepared{ev, err}
	}()
	org, err := readOrganization(ctx, paths, s.stdin)
	c := <-compiled
	if err != nil {
		return err
	}
	if c.err != nil {
		return c.err
	}
	ev := c.ev
	collectLess()
	waivers, err := readWaivers(ctx, waiverFiles, ev)
	if err != nil {
		return err
	}
	// Only the results are needed from here: the snapshot's evidence goes
	// as soon as it has been judged. The policies are bounded in time and
	// in memory: a contributor's policy that runs away stops the run with
	// exit 2, naming what it was judging.
	bounded, stop := boundEvaluation(ctx, *timeout, memoryLimit(*maxMemory, paths))
	results, err := ev.EvaluateAndRelease(bounded, org)
	stop()
	if err != nil {
		return err
	}
	var standing *report.Waivers
	if len(waiverFiles) > 0 {
		results, standing = waiver.Apply(results, waivers, today, *warnExpiry)
	}
	rep := ev.Report("trailwatch", toolVersion(), org, paths, results)
	rep.Waivers = standing

	// Render everything before writing anything: an error never leaves a
	// partial report that looks complete.
	var buf bytes.Buffer
	if err := renderer.Render(&buf, rep); err != nil {
		return fmt.Errorf("render report: %w", err)
	}
	rendered := make([][]byte, len(extra))
	for i, r := range extra {
		var b bytes.Buffer
		if err := r.renderer.Render(&b, rep); err != nil {
			return fmt.Errorf("render %s report: %w", r.format, err)
		}
		rendered[i] = b.Bytes()
	}
	for i, r := range extra {
		if err := writeOutput(r.path, rendered[i], s.stdout, r.format+" report"); err != nil {
			return err
		}
	}
	if err := writeOutput(*output, buf.Bytes(), s.stdout, "report"); err != nil {
		return err
	}
	if len(rep.Results) > 0 && !rep.Decided() && rep.Summary.Error == 0 {
		fmt.Fprintln(s.stderr, "trailwatch: no result was decided: every control was ERROR before the waivers, and waivers cannot make a run that read nothing pass")
	}
	if code := rep.ExitCode(); code != exitOK {
		return silentExit(code)
	}
	return nil
}

// limitMemory sets a soft limit on the memory evaluate keeps, from the
// size of its input: an organization's evidence, once read, takes about
// as much memory as its files, and its results half as much, so the
// garbage collector can keep the heap within 1.75 times the input (at
// least 256 MiB) by running earlier, instead of letting garbage grow to
// twice what is live. Beyond the heap the process holds about 64 MiB
// (the policies' code, the runtime, memory freed but not yet returned):
// below a few hundred MB of input the limit leaves room for it under
// twice the input. GOMEMLIMIT, when set, is left to decide.
func limitMemory(paths []string) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	size := int64(snapshotBytes(paths))
	debug.SetMemoryLimit(max(min(size/4*7, 2*size-96<<20), 256<<20))
}

// snapshotBytes is the size of the snapshot files (standard input counts
// for nothing).
func snapshotBytes(paths []string) uint64 {
	var total uint64
	for _, p := range paths {
		if info, err := os.Stat(p); err == nil && info.Mode().IsRegular() {
			total += uint64(info.Size())
		}
	}
	return total
}

// collectLess lets the heap grow to five times what is live before the
// garbage collector runs, within the soft limit limitMemory set: once the
// snapshots are read and each account's evidence goes as it is judged,
// what is live is small, and collecting it every few accounts took a
// fifth of the CPU judging did. GOGC, when set, is left to decide.
func collectLess() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
}

// parseToday reads --today, or takes the current UTC date: the one place
// an evaluation reads the clock, and only for waivers' expiry.
func parseToday(v string) (time.Time, error) {
	if v == "" {
		return time.Now().UTC(), nil
	}
	t, err := time.Parse(waiver.DateLayout, v)
	if err != nil {
		return time.Time{}, usageError("--today %q is not a date (YYYY-MM-DD)", v)
	}
	return t, nil
}

// readWaivers reads and checks every --waivers file against the controls
// the policies know, before any evaluation.
func readWaivers(ctx context.Context, files []string, ev *engine.Evaluator) ([]report.Waiver, error) {
	var known []string
	for _, c := range ev.AllControls() {
		known = append(known, c.ID)
	}
	var out []report.Waiver
	for _, f := range files {
		data, err := fileio.ReadBounded(ctx, f, waiver.MaxFile)
		if err != nil {
			return nil, fmt.Errorf("%s: cannot read: %w", f, errors.Unwrap(err))
		}
		ws, err := waiver.Parse(f, data, known)
		if err != nil {
			return nil, err
		}
		out = append(out, ws...)
	}
	return out, nil
}

// readOrganization reads snapshot files and merges them into one
// organization, refusing one with no accounts.
func readOrganization(ctx context.Context, paths []string, stdin io.Reader) (*snapshot.Snapshot, error) {
	var sources []snapshot.Source
	for _, p := range paths {
		snap, err := readSnapshot(ctx, p, stdin)
		if err != nil {
			return nil, err
		}
		sources = append(sources, snapshot.Source{Name: p, Snapshot: snap})
	}
	org, err := snapshot.Merge(sources)
	if err != nil {
		return nil, err
	}
	if len(org.Accounts) == 0 {
		return nil, fmt.Errorf("%s: no accounts in the snapshot, nothing to judge", paths[0])
	}
	return org, nil
}

// readSnapshot reads a snapshot file, or standard input for "-" (as in
// trailwatch collect -o - | trailwatch evaluate -), giving up when ctx
// ends.
func readSnapshot(ctx context.Context, path string, stdin io.Reader) (*snapshot.Snapshot, error) {
	if path != "-" {
		return snapshot.ReadContext(ctx, path)
	}
	return snapshot.ReadFrom(ctx, "<stdin>", stdin)
}

// prepare loads, compiles and prepares the policies for the controls and
// benchmark version asked for.
func prepare(ctx context.Context, policyDirs []string, sel engine.Selection) (*engine.Evaluator, error) {
	pols, err := engine.Load(engine.Options{PolicyDirs: policyDirs})
	if err != nil {
		return nil, err
	}
	return pols.Prepare(ctx, sel)
}

// extraReport is one --report FORMAT=FILE.
type extraReport struct {
	format, path string
	renderer     report.Renderer
}

// parseReports checks every --report before any work: a known format, a
// file name, and a directory it can be written in.
func parseReports(specs []string, opts report.Options) ([]extraReport, error) {
	var out []extraReport
	for _, spec := range specs {
		format, path, ok := strings.Cut(spec, "=")
		if !ok || format == "" || path == "" {
			return nil, usageError("--report %q: want FORMAT=FILE, FORMAT one of %s", spec, strings.Join(report.Formats(), ", "))
		}
		r, err := report.NewRenderer(format, opts)
		if err != nil {
			return nil, usageError("--report %s: %v", spec, err)
		}
		if path != "-" {
			if err := checkOutput(path); err != nil {
				return nil, usageError("--report %s: %v", spec, err)
			}
		}
		out = append(out, extraReport{format: format, path: path, renderer: r})
	}
	return out, nil
}

// memoryLimit is the heap, in bytes, evaluation may reach: --max-memory
// MiB, or 4 GiB, or 4 times the snapshots if that is more.
func memoryLimit(mib int, paths []string) uint64 {
	if mib > 0 {
		return uint64(mib) << 20
	}
	return max(4<<30, 4*snapshotBytes(paths))
}

// boundEvaluation is a context that ends after timeout, or when the heap
// passes limit bytes (read every 50 ms), its cause an
// engine.StoppedError saying which. Go cannot catch running out of
// memory, so the limit stops a policy that grows without end before the
// machine does.
func boundEvaluation(ctx context.Context, timeout time.Duration, limit uint64) (context.Context, func()) {
	ctx, cancelTime := context.WithTimeoutCause(ctx, timeout, &engine.StoppedError{Why: fmt.Sprintf("the time limit (--timeout %s)", timeout)})
	ctx, cancel := context.WithCancelCause(ctx)
	done := make(chan struct{})
	go func() {
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-tick.C:
				metrics.Read(sample)
				if sample[0].Value.Kind() == metrics.KindUint64 && sample[0].Value.Uint64() > limit {
					cancel(&engine.StoppedError{Memory: true, Why: fmt.Sprintf("the memory limit (--max-memory %d MiB)", limit>>20)})
					return
				}
			}
		}
	}()
	return ctx, func() {
		close(done)
		cancel(nil)
		cancelTime()
	}
}
