package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
	"strings"
)

// version is set at build time with -ldflags "-X main.version=..."; builds
// without it report the module version, or "dev".
var version = ""

func toolVersion() string {
	if version != "" {
		return version
	}
	bi, _ := debug.ReadBuildInfo()
	return versionFrom(bi)
}

// versionFrom reads the version from what the Go toolchain stamped into the
// binary: the module version (go install ...@v1.2.0, or the pseudo-version
// Go derives from the checkout), else the VCS revision (dev+abcdef123456,
// -dirty for uncommitted changes), else dev.
func versionFrom(bi *debug.BuildInfo) string {
	if bi == nil {
		return "dev"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev string
	dirty := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "dev"
	}
	v := "dev+" + rev[:min(12, len(rev))]
	if dirty {
		v += "-dirty"
	}
	return v
}

// Exit codes, like diff and grep: 0 all passed, 1 something failed, 2 the
// run could not decide.
const (
	exitOK        = 0
	exitFailed    = 1
	exitUndecided = 2
)

// usageError is a bad command line (exit 2, as every error without a
// code of its own).
func usageError(format string, args ...any) error {
	return fmt.Errorf(format, args...)
}

// silentExit ends the run with a code and nothing more to print.
type silentExit int

func (s silentExit) Error() string { return fmt.Sprintf("exit %d", int(s)) }

type streams struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, s streams) error
}

func commands() []command {
	return []command{
		{"collect", "read AWS accounts into a snapshot (read-only)", runCollect},
		{"evaluate", "judge snapshots with the Rego policies, offline", runEvaluate},
		{"diff", "what changed between two readings: verdicts, and the evidence that explains them", runDiff},
		{"remediate", "write one reviewed fix per account for the FAILs of snapshots: a bash script or CloudFormation", runRemediate},
		{"policy", "work with the policies: test, capabilities, list", runPolicy},
		{"test-metric-filter", "try a filter pattern on log event messages, as aws logs test-metric-filter does", runTestMetricFilter},
		{"version", "print the version", runVersion},
	}
}

const intro = `trailwatch proves whether an AWS account watches its own audit trail: if someone
stops or changes CloudTrail, does a human get told?

Usage:
  trailwatch <command> [flags] [arguments]

Commands:
`

func usage(w io.Writer) {
	fmt.Fprint(w, intro)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-20s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, "\nRun 'trailwatch <command> -h' for a command's flags.\n")
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	s := streams{stdin, stdout, stderr}
	if len(args) == 0 {
		usage(stderr)
		return exitUndecided
	}
	name := args[0]
	if name == "-h" || name == "--help" || name == "help" {
		usage(stdout)
		return exitOK
	}
	if name == "--version" || name == "-version" {
		name = "version"
	}
	for _, c := range commands() {
		if c.name == name {
			return exitCode(c.run(ctx, args[1:], s), stderr)
		}
	}
	fmt.Fprintf(stderr, "trailwatch: unknown command %q\n\n", name)
	usage(stderr)
	return exitUndecided
}

// exitCode maps an error to the process's exit code and prints it.
func exitCode(err error, stderr io.Writer) int {
	var se silentExit
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &se):
		return int(se)
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "trailwatch: interrupted")
		return exitUndecided
	}
	printError(stderr, err)
	return exitUndecided
}

func printError(w io.Writer, err error) {
	msg := strings.TrimRight(err.Error(), "\n")
	if strings.Contains(msg, "\n") {
		fmt.Fprintln(w, "trailwatch: "+strings.ReplaceAll(msg, "\n", "\n  "))
		return
	}
	fmt.Fprintln(w, "trailwatch: "+msg)
}

func runVersion(_ context.Context, args []string, s streams) error {
	if len(args) > 0 {
		return usageError("version takes no arguments")
	}
	fmt.Fprintf(s.stdout, "trailwatch %s\n", toolVersion())
	return nil
}

// newFlagSet makes a FlagSet that reports errors instead of exiting.
func newFlagSet(name, synopsis string, s streams) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(s.stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: trailwatch %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseInterleaved parses flags that may come before, between or after the
// positional arguments, as users of the aws CLI and conftest expect.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		if rest[0] == "--" {
			return append(positional, rest[1:]...), nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// multiFlag is a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }
