// Command demo is `make demo`: trailwatch's main job on an embedded
// default, no AWS account needed. It starts moto (a real implementation of
// the AWS APIs) on loopback, sets an account up with the CIS benchmark's
// remediation using the aws CLI, collects and evaluates it (PASS, with the
// evidence chain), stops logging on the trail, collects and evaluates again
// (FAIL, naming the broken link), and stops moto.
//
// Usage: go run ./internal/demo path/to/trailwatch
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/trailwatch/trailwatch/internal/moto"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: demo path/to/trailwatch")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1])
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, bin string) error {
	bin, err := filepath.Abs(bin)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "trailwatch-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	step("Starting moto, a real implementation of the AWS APIs, on loopback")
	srv, err := moto.Start(ctx, filepath.Join(dir, "moto.log"))
	if err != nil {
		return err
	}
	defer srv.Stop()
	fmt.Println("  moto listens on", srv.URL)

	step("Setting up account 123456789012 with the CIS benchmark's remediation (aws CLI)")
	cli := moto.NewCLI(srv.URL, "us-east-1")
	cli.Verbose = func(cmd string) { fmt.Println("  $", clip(cmd)) }
	if _, err := cli.Remediate(ctx, moto.Account{}); err != nil {
		return err
	}

	snap := filepath.Join(dir, "snapshot.json")
	if err := trailwatch(ctx, bin, cli, 0, "collect", "--endpoint-url", srv.URL, "--region", "us-east-1", "-o", snap); err != nil {
		return err
	}
	if err := trailwatch(ctx, bin, cli, 0, "evaluate", "-v", snap); err != nil {
		return err
	}

	step("Someone stops logging on the trail")
	if _, err := cli.Run(ctx, "cloudtrail", "stop-logging", "--name", "management-events"); err != nil {
		return err
	}
	if err := trailwatch(ctx, bin, cli, 0, "collect", "--endpoint-url", srv.URL, "--region", "us-east-1", "-o", snap); err != nil {
		return err
	}
	if err := trailwatch(ctx, bin, cli, 1, "evaluate", "-v", snap); err != nil {
		return err
	}
	step("Stopping moto")
	return nil
}

func step(s string) { fmt.Printf("\n== %s\n", s) }

// trailwatch runs one trailwatch command, shows it, and checks its exit code.
func trailwatch(ctx context.Context, bin string, cli *moto.CLI, wantCode int, args ...string) error {
	step("trailwatch " + strings.Join(args, " "))
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = cli.Env()
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stdout
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		return err
	}
	if code != wantCode {
		return fmt.Errorf("trailwatch %s: exit %d, want %d", args[0], code, wantCode)
	}
	fmt.Printf("  (exit %d)\n", code)
	return nil
}

func clip(s string) string {
	if len(s) > 160 {
		return s[:157] + "..."
	}
	return s
}
