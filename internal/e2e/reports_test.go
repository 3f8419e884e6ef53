package e2e

import (
	"context"
	"encoding/json"
	"path/filepath"
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
	cli := seed(t, account, "us-east-1", moto.Account{})
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
		if imported.FailedCount != 0 || imported.SuccessCount != 15 {
			t.Fatalf("%s: imported %+v; want 15 and none failed\n%s", day, imported, out)
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
	if len(first) != 15 || first["trailwatch/"+account+"/"+trail45] != "PASSED" {
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
	if len(second) != 15 {
		t.Errorf("day 2: %d findings; the new report added findings instead of updating the 15", len(second))
	}
	for id, s := range second {
		if s != "FAILED" {
			t.Errorf("day 2: %s is %s, want FAILED (logging stopped)", id, s)
		}
	}
}
