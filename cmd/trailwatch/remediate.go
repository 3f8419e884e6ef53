package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/trailwatch/trailwatch/internal/engine"
	"github.com/trailwatch/trailwatch/internal/fileio"
	"github.com/trailwatch/trailwatch/internal/remediate"
	"github.com/trailwatch/trailwatch/internal/report"
	"github.com/trailwatch/trailwatch/internal/snapshot"
	"github.com/trailwatch/trailwatch/internal/waiver"
)

func runRemediate(ctx context.Context, args []string, s streams) error {
	fs := newFlagSet("remediate", "remediate [--account ID]... [--control ID]... [--format sh|cloudformation] [--notify ENDPOINT] [--benchmark VERSION] [--policy DIR]... [--waivers FILE]... -o DIR SNAPSHOT...", s)
	var policyDirs, controls, accounts, families, waiverFiles multiFlag
	fs.Var(&policyDirs, "policy", "directory of Rego policies and data to use instead of the built-in ones (repeatable)")
	fs.Var(&controls, "control", "fix only this control (repeatable; default: every control of the benchmark version)")
	fs.Var(&families, "family", "fix only the controls of this family (repeatable)")
	fs.Var(&accounts, "account", "write the fix of this account only (repeatable; default: every account with a FAIL)")
	benchmark := fs.String("benchmark", "", "judge by this version of the CIS AWS Foundations Benchmark (default: the newest)")
	format := fs.String("format", "sh", "sh: a bash script of aws CLI calls per account; cloudformation: a template per account and region")
	notify := fs.String("notify", "", "subscribe this `ENDPOINT` (email address, https URL, SQS queue or Lambda ARN, +phone) to a topic the fix creates or that nobody is subscribed to")
	output := fs.String("o", "", "write the fixes into `DIR` (created if missing)")
	fs.Var(&waiverFiles, "waivers", "leave alone the FAILs these waivers accept (repeatable)")
	todayFlag := fs.String("today", "", "judge waivers' expiry on this date, `YYYY-MM-DD` (default: today, UTC)")
	paths, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		fs.Usage()
		return usageError("remediate needs at least one snapshot file")
	}
	if *output == "" {
		return usageError("remediate needs -o DIR: the directory the fixes are written to")
	}
	if *format != "sh" && *format != "cloudformation" {
		return usageError("--format %q: want sh or cloudformation", *format)
	}
	if *notify != "" {
		if _, err := remediate.Protocol(*notify); err != nil {
			return usageError("--notify: %v", err)
		}
	}
	if fi, err := os.Stat(*output); err == nil && !fi.IsDir() {
		return usageError("-o: %s is not a directory", *output)
	}
	today, err := parseToday(*todayFlag)
	if err != nil {
		return err
	}
	var guard outputGuard
	guard.reads("snapshot", paths...)
	guard.reads("--waivers", waiverFiles...)
	guard.readsDirs(policyDirs...)
	if err := guard.writes("-o", *output); err != nil {
		return err
	}

	org, err := readOrganization(ctx, paths, s.stdin)
	if err != nil {
		return err
	}
	for _, id := range accounts {
		if !slices.ContainsFunc(org.Accounts, func(a snapshot.Account) bool { return a.AccountID == id }) {
			return usageError("--account %s: no such account in %s", id, strings.Join(paths, ", "))
		}
	}
	ev, err := prepare(ctx, policyDirs, engine.Selection{Controls: controls, Families: families, Benchmark: *benchmark, Fixes: true})
	if err != nil {
		return err
	}
	waivers, err := readWaivers(ctx, waiverFiles, ev)
	if err != nil {
		return err
	}
	results, err := ev.Evaluate(ctx, org)
	if err != nil {
		return err
	}
	if len(waiverFiles) > 0 {
		results, _ = waiver.Apply(results, waivers, today, 0)
	}
	if len(accounts) > 0 {
		results = slices.DeleteFunc(results, func(r report.Result) bool { return !slices.Contains(accounts, r.AccountID) })
	}
	plans, err := remediate.Build(results, remediate.Options{Notify: *notify})
	if err != nil {
		return usageError("--notify: %v", err)
	}
	rep := ev.Report("trailwatch", toolVersion(), org, paths, nil)
	meta := remediate.Meta{Benchmark: benchmarkWords(rep), Sources: paths}

	// Make every file before writing any: an error never leaves half a fix.
	type file struct {
		name string
		data []byte
	}
	var files []file
	for _, p := range plans {
		if len(p.Calls)+len(p.Manual) == 0 {
			continue
		}
		switch *format {
		case "sh":
			files = append(files, file{p.Account + ".sh", remediate.Shell(p, meta)})
		case "cloudformation":
			templates, err := remediate.CloudFormation(p, meta)
			if err != nil {
				return err
			}
			for _, t := range templates {
				name := p.Account + ".json"
				if t.Region != "" {
					name = p.Account + "-" + t.Region + ".json"
				}
				files = append(files, file{name, t.Body})
			}
		}
	}
	for _, f := range files {
		if err := guard.writes("-o", filepath.Join(*output, f.name)); err != nil {
			return err
		}
	}
	if len(files) > 0 {
		if err := os.MkdirAll(*output, 0o755); err != nil {
			return fmt.Errorf("-o: %w", err)
		}
	}
	for _, f := range files {
		if err := fileio.WriteAtomic(filepath.Join(*output, f.name), f.data); err != nil {
			return err
		}
	}
	fmt.Fprint(s.stdout, summary(plans, *output, *format))
	return nil
}

// benchmarkWords names what the results were judged by.
func benchmarkWords(rep *report.Report) string {
	if rep.BenchmarkName != "" {
		return rep.BenchmarkName + " " + rep.Benchmark
	}
	if rep.Benchmark != "" {
		return rep.Benchmark
	}
	return "trailwatch's policies"
}

// summary says, account by account, what each file will change.
func summary(plans []remediate.Plan, dir, format string) string {
	var b strings.Builder
	wrote := 0
	for _, p := range plans {
		file := filepath.Join(dir, p.Account+".sh")
		if format == "cloudformation" {
			file = filepath.Join(dir, p.Account+"-*.json")
		}
		if len(p.Calls)+len(p.Manual) == 0 {
			fmt.Fprintf(&b, "account %s: nothing to fix\n", p.Account)
		} else {
			wrote++
			fmt.Fprintf(&b, "account %s: %s\n", p.Account, file)
		}
		if len(p.Mended) > 0 {
			fmt.Fprintf(&b, "  mends %s with %s\n", strings.Join(p.Mended, ", "), plural(len(p.Calls), "call"))
		}
		if len(p.Partly) > 0 {
			fmt.Fprintf(&b, "  needs manual steps for %s\n", strings.Join(p.Partly, ", "))
		}
		for i, m := range p.Manual {
			fmt.Fprintf(&b, "  manual step %d (%s): %s\n", i+1, strings.Join(m.Controls, ", "), firstLine(m.Text))
		}
		for _, l := range p.Left {
			fmt.Fprintf(&b, "  leaves %s alone, %s\n", strings.Join(l.Controls, ", "), firstLine(l.Why))
		}
		if p.NeedsConfirmation() {
			fmt.Fprintf(&b, "  subscribes an endpoint: nobody is told until it confirms the subscription\n")
		}
	}
	if wrote == 0 {
		b.WriteString("nothing to fix: no FAIL has a fix\n")
	}
	return b.String()
}
