package e2e

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/trailwatch/trailwatch/internal/moto"
)

// ASFF goes into Security Hub as a user would send it: an account is
// collected and evaluated with --report asff=FILE, and the file imported
// with `aws securityhub batch-import-findings --findings file://FILE` as
// that account (the default product takes findings only from their own
// account), so the aws CLI's parameter validation applies Security Hub's
// model to every finding. All are imported and come back with the verdict's
// compliance status. The next day the trail has stopped logging: the new
// report, imported the same way, updates the same findings to FAILED.
func TestSecurityHubImport(t *testing.T) {
	t.Parallel()
	const account = "700000000001" // each test has its own series of accounts
	cli := seed(t, account, "us-east-1", moto.Account{TrailIntegrity: true})
	ctx := context.Background()
	if _, err := cli.Run(ctx, "securityhub", "enable-security-hub"); err != nil {
		t.Fatal(err)
	}

	importReport := func(day string) map[string]string {
		t.Helper()
		path, code, stderr := collect(t, admin, "--role-arn", moto.RoleARN(account, "audit"), "--region", "us-east-1")
		if code != 0 {
			t.Fatalf("%s: collect: exit %d\n%s", day, code, stderr)
		}
		asff := filepath.Join(t.TempDir(), "findings.asff.json")
		if code, _, stderr := trailwatch(t, nil, "evaluate", "--report", "asff="+asff, "-o", filepath.Join(t.TempDir(), "report.txt"), path); code > 1 {
			t.Fatalf("%s: evaluate: exit %d\n%s", day, code, stderr)
		}
		out, err := cli.Run(ctx, "securityhub", "batch-import-findings", "--findings", "file://"+asff)
		if err != nil {
			t.Fatalf("%s: %v", day, err)
		}
		var imported struct{ FailedCount, SuccessCount int }
		if err := json.Unmarshal([]byte(out), &imported); err != nil {
			t.Fatal(err)
		}
		if imported.FailedCount != 0 || imported.SuccessCount != controlsV7 {
			t.Fatalf("%s: imported %+v; want %d and none failed\n%s", day, imported, controlsV7, out)
		}
		out, err = cli.Run(ctx, "securityhub", "get-findings")
		if err != nil {
			t.Fatal(err)
		}
		var got struct {
			Findings []struct {
				Id           string
				AwsAccountId string
				Compliance   struct{ Status string }
			}
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatal(err)
		}
		status := map[string]string{}
		for _, f := range got.Findings {
			status[f.Id] = f.Compliance.Status
		}
		return status
	}

	first := importReport("day 1")
	if len(first) != controlsV7 || first["trailwatch/"+account+"/"+trail45] != "PASSED" {
		t.Fatalf("day 1: %d findings, %s: %s", len(first), trail45, first["trailwatch/"+account+"/"+trail45])
	}
	for id, s := range first {
		if s != "PASSED" {
			t.Errorf("day 1: %s is %s", id, s)
		}
	}

	if _, err := cli.Run(ctx, "cloudtrail", "stop-logging", "--name", "management-events"); err != nil {
		t.Fatal(err)
	}
	second := importReport("day 2")
	if len(second) != controlsV7 {
		t.Errorf("day 2: %d findings; the new report added findings instead of updating the %d", len(second), controlsV7)
	}
	// What a stopped trail keeps: its validation, its key, its bucket.
	kept := []string{"trail-log-file-validation", "trail-encrypted-with-kms", "trail-bucket-access-logging"}
	for id, s := range second {
		want := "FAILED"
		if slices.Contains(kept, strings.TrimPrefix(id, "trailwatch/"+account+"/")) {
			want = "PASSED"
		}
		if s != want {
			t.Errorf("day 2: %s is %s, want %s (logging stopped)", id, s, want)
		}
	}
}

// diff between two readings of an account that changed in between as a
// user would change it with the aws CLI: logging stopped, a filter pattern
// narrowed, the subscription removed. diff names each change and the
// verdicts it broke, and exits 1.
func TestDiffAfterChanges(t *testing.T) {
	t.Parallel()
	const account = "700000000002"
	ctx := context.Background()
	cli, err := admin.AssumeRole(ctx, account, "seed")
	if err != nil {
		t.Fatal(err)
	}
	cli = cli.With("us-east-1", cli.KeyID, cli.Secret, cli.Token, account)
	t.Cleanup(cli.Close)
	topic, err := cli.Remediate(ctx, moto.Account{TrailIntegrity: true})
	if err != nil {
		t.Fatal(err)
	}
	reading := func() string {
		path, code, stderr := collect(t, admin, "--role-arn", moto.RoleARN(account, "audit"), "--region", "us-east-1")
		if code != 0 {
			t.Fatalf("collect: exit %d\n%s", code, stderr)
		}
		return path
	}
	before := reading()

	for _, args := range [][]string{
		{"cloudtrail", "stop-logging", "--name", "management-events"},
		{"logs", "put-metric-filter", "--log-group-name", moto.LogGroup, "--filter-name", "CloudTrailConfigChanges",
			"--metric-transformations", "metricName=CloudTrailConfigChanges,metricNamespace=CISBenchmark,metricValue=1",
			"--filter-pattern", "{ ($.eventName = CreateTrail) || ($.eventName = DeleteTrail) }"},
	} {
		if _, err := cli.Run(ctx, args...); err != nil {
			t.Fatal(err)
		}
	}
	out, err := cli.Run(ctx, "sns", "list-subscriptions-by-topic", "--topic-arn", topic)
	if err != nil {
		t.Fatal(err)
	}
	var subs struct {
		Subscriptions []struct{ SubscriptionArn string }
	}
	if err := json.Unmarshal([]byte(out), &subs); err != nil || len(subs.Subscriptions) == 0 {
		t.Fatalf("subscriptions of %s: %v %s", topic, err, out)
	}
	for _, s := range subs.Subscriptions {
		if _, err := cli.Run(ctx, "sns", "unsubscribe", "--subscription-arn", s.SubscriptionArn); err != nil {
			t.Fatal(err)
		}
	}
	after := reading()
	code, stdout, stderr := trailwatch(t, nil, "diff", "--format", "json", before, after)
	var d struct {
		Summary  struct{ Regressions int }
		Verdicts []struct {
			Effect  string
			Control string `json:"control_id"`
			Old     string
			New     string
			Causes  []struct{ Kind, Text string }
		}
	}
	if err := json.Unmarshal([]byte(stdout), &d); err != nil || code != 1 {
		t.Fatalf("diff: exit %d, %v\n%s%s", code, err, stdout, stderr)
	}
	// Logging stopped: the fifteen monitoring controls, and the three of
	// the trail's integrity that need a trail that is logging.
	if d.Summary.Regressions != 18 {
		t.Errorf("%d regressions, want the 15 monitoring controls, trail-multi-region-logging and trail-s3-object-reads and -writes", d.Summary.Regressions)
	}
	kinds := map[string]string{}
	for _, v := range d.Verdicts {
		if v.Control != trail45 {
			continue
		}
		if v.Old != "PASS" || v.New != "FAIL" || v.Effect != "regression" {
			t.Errorf("%s: %s -> %s (%s)", v.Control, v.Old, v.New, v.Effect)
		}
		for _, c := range v.Causes {
			kinds[c.Kind] = c.Text
		}
	}
	for _, k := range []string{"trail_stopped_logging", "filter_pattern_changed", "last_subscription_removed"} {
		if kinds[k] == "" {
			t.Errorf("%s's change of verdict is not explained by %s; causes: %v\n%s", trail45, k, kinds, stdout)
		}
	}
}
