package main

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/trailwatch/trailwatch/internal/diff"
	"github.com/trailwatch/trailwatch/internal/engine"
	"github.com/trailwatch/trailwatch/internal/snapshot"
)

const diffSynopsis = "diff [--policy DIR]... [--control ID]... [--benchmark VERSION] [--strict] [--format text|json|markdown] [-o FILE] OLD NEW | --old FILE... --new FILE..."

// runDiff judges two readings with the same policies and tells what
// changed: exit 0 when nothing got worse, 1 when a verdict did, 2 when one
// can no longer be decided (or the run could not decide).
func runDiff(ctx context.Context, args []string, s streams) error {
	fs := newFlagSet("diff", diffSynopsis, s)
	var policyDirs, controls, olds, news multiFlag
	fs.Var(&policyDirs, "policy", "directory of Rego policies and data to use instead of the built-in ones (repeatable)")
	fs.Var(&controls, "control", "compare only this control (repeatable)")
	benchmark := fs.String("benchmark", "", "judge by this version of the CIS AWS Foundations Benchmark (default: the newest)")
	strict := fs.Bool("strict", false, "also apply Security Hub's textual reading of filter patterns")
	format := fs.String("format", "text", "output format: "+strings.Join(diff.Formats, ", "))
	output := fs.String("o", "", "write the diff to `FILE` instead of standard output")
	fs.Var(&olds, "old", "a snapshot of the old reading (repeatable: the files are one organization)")
	fs.Var(&news, "new", "a snapshot of the new reading (repeatable)")
	rest, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(olds) == 0 && len(news) == 0 && len(rest) == 2:
		olds, news = multiFlag{rest[0]}, multiFlag{rest[1]}
	case len(olds) > 0 && len(news) > 0 && len(rest) == 0:
	default:
		fs.Usage()
		return usageError("diff takes two snapshots, OLD NEW, or --old FILE... and --new FILE...")
	}
	if !slices.Contains(diff.Formats, *format) {
		return usageError("--format %q: use one of %s", *format, strings.Join(diff.Formats, ", "))
	}
	if err := checkDashO(*output); err != nil {
		return err
	}
	var guard outputGuard
	guard.reads("--old", olds...)
	guard.reads("--new", news...)
	guard.readsDirs(policyDirs...)
	if err := guard.writes("-o", *output); err != nil {
		return err
	}
	for _, p := range append(append([]string{}, olds...), news...) {
		if p == "-" {
			return usageError("diff reads snapshot files; standard input cannot be both sides")
		}
	}
	oldOrg, err := readOrganization(ctx, olds, s.stdin)
	if err != nil {
		return err
	}
	newOrg, err := readOrganization(ctx, news, s.stdin)
	if err != nil {
		return err
	}
	if oldOrg.FormatVersion != newOrg.FormatVersion {
		return fmt.Errorf("%s: format version %d, and %s: %d; compare readings of one format", olds[0], oldOrg.FormatVersion, news[0], newOrg.FormatVersion)
	}
	ev, err := prepare(ctx, policyDirs, engine.Selection{Controls: controls, Benchmark: *benchmark, Strict: *strict})
	if err != nil {
		return err
	}
	side := func(names []string, org *snapshot.Snapshot) (diff.Side, error) {
		results, err := ev.Evaluate(ctx, org)
		return diff.Side{Names: names, Snapshot: org, Results: results}, err
	}
	oldSide, err := side(olds, oldOrg)
	if err != nil {
		return err
	}
	newSide, err := side(news, newOrg)
	if err != nil {
		return err
	}
	d := diff.Compare(oldSide, newSide)
	d.Benchmark = ev.Benchmark()
	var buf bytes.Buffer
	if err := diff.Render(&buf, d, *format); err != nil {
		return err
	}
	if err := writeOutput(*output, buf.Bytes(), s.stdout, "diff"); err != nil {
		return err
	}
	if code := d.ExitCode(); code != exitOK {
		return silentExit(code)
	}
	return nil
}
