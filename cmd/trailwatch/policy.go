package main

import (
	"bytes"
	"context"
	"fmt"
	iofs "io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"text/tabwriter"

	"github.com/trailwatch/trailwatch/internal/engine"
	"github.com/trailwatch/trailwatch/internal/fileio"
	"github.com/trailwatch/trailwatch/policies"
)

const policyUsage = `Usage:
  trailwatch policy test [--policy DIR]... [-v]     run the policies' Rego unit tests
  trailwatch policy capabilities [-o FILE]          write the OPA capabilities the policies run with
  trailwatch policy list [--policy DIR]...          list the controls
  trailwatch policy fmt [-w] DIR...                 check (or with -w rewrite) the formatting of .rego files
  trailwatch policy export DIR                      write the built-in policies to DIR, to edit and use with --policy
  trailwatch policy new [--policy DIR] FAMILY/ID    write a new control's skeleton (METADATA, data.json, its own tests)
`

func runPolicy(ctx context.Context, args []string, s streams) error {
	if len(args) == 0 {
		fmt.Fprint(s.stderr, policyUsage)
		return usageError("policy needs a subcommand: test, capabilities or list")
	}
	switch args[0] {
	case "test":
		return runPolicyTest(ctx, args[1:], s)
	case "capabilities":
		return runPolicyCapabilities(args[1:], s)
	case "list":
		return runPolicyList(args[1:], s)
	case "fmt":
		return runPolicyFmt(ctx, args[1:], s)
	case "export":
		if len(args) != 2 {
			return usageError("policy export takes one directory")
		}
		if err := policies.Export(args[1]); err != nil {
			return fmt.Errorf("export policies: %w", err)
		}
		fmt.Fprintf(s.stderr, "trailwatch: wrote the built-in policies to %s; use them with --policy %s\n", args[1], args[1])
		return nil
	case "new":
		return runPolicyNew(args[1:], s)
	case "-h", "--help", "help":
		fmt.Fprint(s.stdout, policyUsage)
		return nil
	}
	fmt.Fprint(s.stderr, policyUsage)
	return usageError("unknown policy subcommand %q", args[0])
}

func runPolicyTest(ctx context.Context, args []string, s streams) error {
	fs := newFlagSet("policy test", "policy test [--policy DIR]... [--run REGEX] [--timeout D] [-v]", s)
	var dirs multiFlag
	fs.Var(&dirs, "policy", "directory of Rego policies, tests and data (repeatable; default: the built-in policies)")
	verbose := fs.Bool("v", false, "list every test, not only failures")
	run := fs.String("run", "", "only the tests whose package and name (data.pkg.test_name) match this `REGEX`")
	timeout := fs.Duration("timeout", engine.DefaultTestTimeout, "bound on each test; one that runs longer is an ERROR")
	rest, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageError("policy test takes no arguments; use --policy DIR")
	}
	pols, err := engine.Load(engine.Options{PolicyDirs: dirs, WithTests: true})
	if err != nil {
		return err
	}
	if *run != "" {
		if _, err := regexp.Compile(*run); err != nil {
			return usageError("--run: %v", err)
		}
	}
	if *timeout <= 0 {
		return usageError("--timeout must be positive, not %v", *timeout)
	}
	sum, err := pols.RunTests(ctx, s.stdout, engine.TestOptions{Verbose: *verbose, Run: *run, Timeout: *timeout})
	if err != nil {
		return err
	}
	switch {
	case sum.Errored > 0:
		return silentExit(exitUndecided)
	case sum.Failed > 0:
		return silentExit(exitFailed)
	case sum.Passed == 0:
		if *run != "" {
			return fmt.Errorf("no test matches --run %s", *run)
		}
		return fmt.Errorf("no tests found: a test is a rule named test_* in a *_test.rego file")
	}
	return nil
}

func runPolicyCapabilities(args []string, s streams) error {
	fs := newFlagSet("policy capabilities", "policy capabilities [-o FILE]", s)
	output := fs.String("o", "", "write to `FILE` instead of standard output")
	rest, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageError("policy capabilities takes no arguments")
	}
	data, err := engine.CapabilitiesJSON()
	if err != nil {
		return err
	}
	return writeOutput(*output, data, s.stdout, "capabilities")
}

func runPolicyList(args []string, s streams) error {
	fs := newFlagSet("policy list", "policy list [--policy DIR]...", s)
	var dirs multiFlag
	fs.Var(&dirs, "policy", "directory of Rego policies (repeatable; default: the built-in policies)")
	rest, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageError("policy list takes no arguments")
	}
	pols, err := engine.Load(engine.Options{PolicyDirs: dirs})
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(s.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CONTROL\tFAMILY\tCIS\tOTHER FRAMEWORKS\tSEVERITY\tTITLE")
	for _, c := range pols.Controls() {
		var cis, other []string
		for _, f := range c.Frameworks {
			if f.Name == pols.BenchmarkName() {
				cis = append(cis, fmt.Sprintf("%s (%s)", f.ID, versionRange(f.Versions)))
			} else {
				other = append(other, f.ID)
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", c.ID, dash(c.Family), dash(strings.Join(cis, ", ")), dash(strings.Join(other, ", ")), c.Severity, c.Title)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if vs := pols.Benchmarks(); len(vs) > 0 {
		fmt.Fprintf(s.stdout, "\n%s versions: %s (evaluate --benchmark; default %s)\n", pols.BenchmarkName(), strings.Join(vs, ", "), vs[len(vs)-1])
	}
	return nil
}

// versionRange writes a list of benchmark versions as its first and last.
func versionRange(vs []string) string {
	switch len(vs) {
	case 0:
		return "any version"
	case 1:
		return vs[0]
	}
	return vs[0] + "-" + vs[len(vs)-1]
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// runPolicyFmt checks that Rego files are formatted as opa fmt formats them,
// or rewrites them with -w: auditors who edit policies keep them tidy
// without installing opa.
func runPolicyFmt(ctx context.Context, args []string, s streams) error {
	fs := newFlagSet("policy fmt", "policy fmt [-w] DIR...", s)
	write := fs.Bool("w", false, "rewrite files that are not formatted")
	dirs, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(dirs) == 0 {
		return usageError("policy fmt needs a directory, e.g. policies")
	}
	var unformatted []string
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(path string, d iofs.DirEntry, err error) error {
			if err != nil || d.IsDir() || filepath.Ext(path) != ".rego" {
				return err
			}
			if info, err := os.Stat(path); err != nil {
				return err
			} else if !info.Mode().IsRegular() {
				return fmt.Errorf("%s: not a regular file (%s); policies are regular files", path, info.Mode().Type())
			}
			src, err := fileio.ReadBounded(ctx, path, engine.MaxPolicyFile)
			if err != nil {
				return err
			}
			out, err := engine.FormatRego(path, src)
			if err != nil {
				return err
			}
			if bytes.Equal(src, out) {
				return nil
			}
			if *write {
				return fileio.WriteAtomic(path, out)
			}
			unformatted = append(unformatted, path)
			return nil
		})
		if err != nil {
			return err
		}
	}
	for _, p := range unformatted {
		fmt.Fprintln(s.stdout, p)
	}
	if len(unformatted) > 0 {
		return fmt.Errorf("%d Rego files are not formatted; run trailwatch policy fmt -w", len(unformatted))
	}
	return nil
}

// controlIDForm is a control id: lower-case words joined by dashes.
var controlIDForm = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)

// runPolicyNew writes a new control of a family into a policy directory,
// from the family's skeleton (lib/FAMILY/new/*.tmpl, in the directory or
// else the built-in policies): METADATA, data.json and its own tests, which
// pass trailwatch policy test as written.
func runPolicyNew(args []string, s streams) error {
	fs := newFlagSet("policy new", "policy new [--policy DIR] FAMILY/ID", s)
	dir := fs.String("policy", "policies", "the policy `DIR`ectory to add the control to (trailwatch policy export writes one)")
	rest, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usageError("policy new takes one FAMILY/ID, such as monitoring/iam-user-created")
	}
	family, id, ok := strings.Cut(rest[0], "/")
	if !ok || !regexp.MustCompile(`^[a-z][a-z0-9_]*$`).MatchString(family) || !controlIDForm.MatchString(id) {
		return usageError("policy new %q: want FAMILY/ID, a family directory under lib/ and an id of lower-case words and dashes, such as monitoring/iam-user-created", rest[0])
	}
	skeleton, err := policies.Skeleton(os.DirFS(*dir), family, id)
	if err != nil {
		return usageError("policy new: %v", err)
	}
	target := filepath.Join(*dir, "controls", family, strings.ReplaceAll(id, "-", "_"))
	if _, err := os.Stat(target); err == nil {
		return usageError("policy new: %s exists", target)
	}
	if err := os.MkdirAll(target, 0o755); err != nil {
		return err
	}
	for _, f := range skeleton {
		path := filepath.Join(target, f.Name)
		if err := fileio.WriteAtomic(path, f.Data); err != nil {
			return err
		}
		fmt.Fprintf(s.stdout, "wrote %s\n", path)
	}
	fmt.Fprintf(s.stderr, "trailwatch: edit its METADATA and data.json, then: trailwatch policy test --policy %s\n", *dir)
	return nil
}
