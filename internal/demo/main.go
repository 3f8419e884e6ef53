// Command demo is `make demo`: trailwatch's main job on an embedded
// default, no AWS account needed. It starts moto (a real implementation of
// the AWS APIs) on loopback, sets an account up with the CIS benchmark's
// remediation for the whole monitoring section using the aws CLI (one
// trail, fifteen filters and alarms, one topic with one subscription),
// collects and evaluates it (fifteen PASS), disables one alarm's actions,
// collects and evaluates again (the one control that alarm served FAILs,
// with its fix), shows the diff between the two readings and a waiver that
// accepts the muted alarm for a month, encrypts the alerts topic with a
// key whose policy shuts CloudWatch out (every control FAILs: no
// notification is delivered) and applies the fix the verdict gives (they
// PASS again, and the diff names the key's policy), stops logging on the
// trail (every control FAILs: they share the trail) and shows that diff,
// and stops moto.
//
// Usage: go run ./internal/demo path/to/trailwatch
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

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

	step("Setting up account 123456789012 with the CIS benchmark's remediation for its logging and monitoring sections (aws CLI)")
	cli := moto.NewCLI(srv.URL, "us-east-1")
	defer cli.Close()
	cli.Verbose = func(cmd string) { fmt.Println("  $", clip(cmd)) }
	topic, err := cli.Remediate(ctx, moto.Account{TrailIntegrity: true})
	if err != nil {
		return err
	}

	snap := filepath.Join(dir, "snapshot.json")
	collect := func(name string) error {
		snap = filepath.Join(dir, name)
		return trailwatch(ctx, bin, cli, 0, "collect", "--endpoint-url", srv.URL, "--region", "us-east-1", "-o", snap)
	}
	if err := collect("monday.json"); err != nil {
		return err
	}
	if err := trailwatch(ctx, bin, cli, 0, "evaluate", snap); err != nil {
		return err
	}
	if err := trailwatch(ctx, bin, cli, 0, "evaluate", "-v", "--control", "cloudtrail-config-changes", snap); err != nil {
		return err
	}

	step("Someone mutes the alarm on use of the root user (its actions disabled)")
	if _, err := cli.Run(ctx, "cloudwatch", "put-metric-alarm", "--alarm-name", "RootAccountUsage", "--metric-name", "RootAccountUsage",
		"--statistic", "Sum", "--period", "300", "--threshold", "1", "--comparison-operator", "GreaterThanOrEqualToThreshold",
		"--evaluation-periods", "1", "--namespace", "CISBenchmark", "--alarm-actions", topic, "--no-actions-enabled"); err != nil {
		return err
	}
	monday := snap
	if err := collect("tuesday.json"); err != nil {
		return err
	}
	if err := trailwatch(ctx, bin, cli, 1, "evaluate", snap); err != nil {
		return err
	}
	if err := trailwatch(ctx, bin, cli, 1, "evaluate", "-v", "--control", "root-account-usage", snap); err != nil {
		return err
	}
	if err := trailwatch(ctx, bin, cli, 1, "diff", monday, snap); err != nil {
		return err
	}

	step("The security team accepts the muted alarm for a month, with an owner and a reason")
	waivers := filepath.Join(dir, "waivers.yaml")
	text := fmt.Sprintf(`waivers:
  - control: root-account-usage
    accounts: ["123456789012"]
    reason: the alarm is being moved to the new paging system
    owner: secops@example.com
    expires: %s
`, time.Now().UTC().AddDate(0, 0, 30).Format("2006-01-02"))
	if err := os.WriteFile(waivers, []byte(text), 0o644); err != nil {
		return err
	}
	fmt.Print(indent(text))
	if err := trailwatch(ctx, bin, cli, 0, "evaluate", "--waivers", waivers, snap); err != nil {
		return err
	}

	step("Someone encrypts the alerts topic with a new KMS key, whose default policy names the account alone")
	out, err := cli.Run(ctx, "kms", "create-key", "--description", "security alerts topic", "--policy", moto.KeyPolicy(cli.Account))
	if err != nil {
		return err
	}
	var key struct{ KeyMetadata struct{ KeyId string } }
	if err := json.Unmarshal([]byte(out), &key); err != nil {
		return fmt.Errorf("create-key answer: %w", err)
	}
	if _, err := cli.Run(ctx, "sns", "set-topic-attributes", "--topic-arn", topic, "--attribute-name", "KmsMasterKeyId", "--attribute-value", key.KeyMetadata.KeyId); err != nil {
		return err
	}
	tuesday := snap
	if err := collect("wednesday.json"); err != nil {
		return err
	}
	if err := trailwatch(ctx, bin, cli, 1, "evaluate", "--waivers", waivers, snap); err != nil {
		return err
	}
	if err := trailwatch(ctx, bin, cli, 1, "evaluate", "-v", "--control", "cloudtrail-config-changes", snap); err != nil {
		return err
	}

	step("The fix the verdict gives: the key's policy lets CloudWatch use the key")
	if _, err := cli.Run(ctx, "kms", "put-key-policy", "--key-id", key.KeyMetadata.KeyId, "--policy-name", "default",
		"--policy", moto.KeyPolicy(cli.Account, moto.CloudWatchKeyStatement(cli.Account))); err != nil {
		return err
	}
	wednesday := snap
	if err := collect("thursday.json"); err != nil {
		return err
	}
	if err := trailwatch(ctx, bin, cli, 0, "evaluate", "--waivers", waivers, snap); err != nil {
		return err
	}
	if err := trailwatch(ctx, bin, cli, 0, "diff", wednesday, snap); err != nil {
		return err
	}

	step("Someone turns off the trail's log file validation: a log file could be changed unnoticed")
	if _, err := cli.Run(ctx, "cloudtrail", "update-trail", "--name", "management-events", "--no-enable-log-file-validation"); err != nil {
		return err
	}
	thursday := snap
	if err := collect("thursday-evening.json"); err != nil {
		return err
	}
	if err := trailwatch(ctx, bin, cli, 1, "evaluate", "--family", "trail_integrity", "-v", "--control", "trail-log-file-validation", snap); err != nil {
		return err
	}
	if err := trailwatch(ctx, bin, cli, 1, "diff", thursday, snap); err != nil {
		return err
	}

	step("The fix the verdict gives: validation back on")
	if _, err := cli.Run(ctx, "cloudtrail", "update-trail", "--region", "us-east-1", "--name", "management-events", "--enable-log-file-validation"); err != nil {
		return err
	}
	if err := collect("thursday-night.json"); err != nil {
		return err
	}
	if err := trailwatch(ctx, bin, cli, 0, "evaluate", "--family", "trail_integrity", snap); err != nil {
		return err
	}

	step("Someone stops logging on the trail: every control shares it")
	if _, err := cli.Run(ctx, "cloudtrail", "stop-logging", "--name", "management-events"); err != nil {
		return err
	}
	tuesday = snap
	if err := collect("friday.json"); err != nil {
		return err
	}
	friday := snap
	if err := trailwatch(ctx, bin, cli, 1, "evaluate", "--waivers", waivers, snap); err != nil {
		return err
	}
	if err := trailwatch(ctx, bin, cli, 1, "diff", "--format", "markdown", tuesday, snap); err != nil {
		return err
	}

	step("The fix for the account, written by trailwatch remediate, reviewed, then run with the aws CLI")
	fixes := filepath.Join(dir, "fixes")
	if err := trailwatch(ctx, bin, cli, 0, "remediate", "--waivers", waivers, "-o", fixes, snap); err != nil {
		return err
	}
	script := filepath.Join(fixes, cli.Account+".sh")
	fix, err := os.ReadFile(script)
	if err != nil {
		return err
	}
	fmt.Print(indent(string(fix)))
	step("bash " + filepath.Base(script))
	run := exec.CommandContext(ctx, "bash", script)
	run.Env = append(cli.Env(), "AWS_ENDPOINT_URL="+srv.URL)
	run.Stdout, run.Stderr = os.Stdout, os.Stdout
	if err := run.Run(); err != nil {
		return fmt.Errorf("bash %s: %w", script, err)
	}
	if err := collect("saturday.json"); err != nil {
		return err
	}
	if err := trailwatch(ctx, bin, cli, 0, "evaluate", "--waivers", waivers, snap); err != nil {
		return err
	}

	// The week as an auditor reads it: Friday's reading, in a browser.
	page := filepath.Join(filepath.Dir(bin), "demo-report.html")
	if err := trailwatch(ctx, bin, cli, 1, "evaluate", "--waivers", waivers, "--format", "html", "-o", page, friday); err != nil {
		return err
	}
	fmt.Printf("  the HTML report of Friday's reading: %s (open it in a browser)\n", page)
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

func indent(s string) string {
	return "  " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n  ") + "\n"
}

func clip(s string) string {
	if len(s) > 160 {
		return s[:157] + "..."
	}
	return s
}
