package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/trailwatch/trailwatch/internal/moto"
)

// The trail's own integrity, on moto: the benchmark's logging section
// remediated as written (validation, a KMS key, S3 data events, a private
// bucket whose access is logged), then one part of it left undone in
// turn. Each breaks its control (a setting two controls read, both) and no
// other of the family.
func TestTrailIntegrity(t *testing.T) {
	tests := []struct {
		name      string
		account   string
		setup     moto.Account
		after     func(ctx context.Context, c *moto.CLI) error
		benchmark string            // the version whose controls include the one broken
		fails     map[string]string // control -> what its reason says; none when every control passes
		// fixed: trailwatch remediate's script mends every FAIL, proven
		// on moto (proveFix). The others need a manual step: a key or
		// a log bucket only the account can choose; or moto lacks the
		// evidence (a public bucket's policy status).
		fixed bool
	}{
		{name: "logging section remediated", account: "130000000001"},
		{name: "log file validation off", account: "130000000002", setup: moto.Account{NoValidation: true}, fixed: true,
			fails: map[string]string{"trail-log-file-validation": "trail management-events: it does not validate its log files"}},
		{name: "no KMS key", account: "130000000003", setup: moto.Account{NoTrailKey: true},
			fails: map[string]string{"trail-encrypted-with-kms": "trail management-events: its log files are not encrypted with a KMS key"}},
		{name: "no S3 data events", account: "130000000004", setup: moto.Account{NoDataEvents: true}, fixed: true,
			fails: map[string]string{
				"trail-s3-object-writes": "trail management-events: it records no S3 object-level write events",
				"trail-s3-object-reads":  "trail management-events: it records no S3 object-level read events",
			}},
		{name: "bucket access not logged", account: "130000000005", setup: moto.Account{NoAccessLogging: true},
			fails: map[string]string{"trail-bucket-access-logging": "bucket cloudtrail-130000000005 does not log the requests made to it"}},
		{name: "bucket readable by everyone", account: "130000000006", setup: moto.Account{PublicBucket: true}, benchmark: "v2.0.0",
			fails: map[string]string{
				"trail-bucket-not-public": "bucket cloudtrail-130000000006 is public: its ACL grants READ to everyone (AllUsers)",
				// moto's GetTrailStatus never reports a delivery to
				// CloudWatch Logs, which v2.0.0's 3.4 asks for.
				"trail-cloudwatch-logs-delivery": "CloudTrail has never delivered its events to CloudWatch Logs",
			}},
		{name: "trail key disabled", account: "130000000007", fixed: true,
			fails: map[string]string{"trail-encrypted-with-kms": "is Disabled: CloudTrail cannot encrypt with it, so it delivers no log files"},
			after: func(ctx context.Context, c *moto.CLI) error {
				out, err := c.Run(ctx, "cloudtrail", "describe-trails", "--query", "trailList[0].KmsKeyId", "--output", "text")
				if err != nil {
					return err
				}
				keyARN := strings.TrimSpace(out)
				_, err = c.Run(ctx, "kms", "disable-key", "--key-id", keyARN[strings.LastIndex(keyARN, "/")+1:])
				return err
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			setup := tt.setup
			setup.TrailIntegrity = true
			setup.Controls = []string{"cloudtrail_config_changes"} // the monitoring section is not judged here
			cli := seed(t, tt.account, "us-east-1", setup)
			if tt.after != nil {
				if err := tt.after(context.Background(), cli); err != nil {
					t.Fatal(err)
				}
			}
			collectArgs := []string{"--role-arn", moto.RoleARN(tt.account, "audit"), "--region", "us-east-1"}
			path, code, stderr := collect(t, admin, collectArgs...)
			// moto answers GetBucketPolicyStatus without IsPublic: a bucket
			// whose Block Public Access does not make its policy moot has
			// that call recorded as failed.
			if wantCode := map[bool]int{false: 0, true: 1}[tt.setup.PublicBucket]; code != wantCode {
				t.Fatalf("collect: exit %d, want %d\n%s", code, wantCode, stderr)
			}
			var selection []string
			if tt.benchmark != "" {
				selection = []string{"--benchmark", tt.benchmark}
			}
			_, results := evaluateFamily(t, "trail_integrity", append(selection, path)...)
			got := results[tt.account]
			if len(got) == 0 {
				t.Fatalf("no results for %s: %v", tt.account, results)
			}
			for id, r := range got {
				reason, broken := tt.fails[id]
				switch {
				case broken && (r.Status != "FAIL" || !strings.Contains(r.Reason, reason)):
					t.Errorf("%s: %s %q, want FAIL containing %q", id, r.Status, r.Reason, reason)
				case !broken && r.Status != "PASS":
					t.Errorf("%s: %s %q, want PASS", id, r.Status, r.Reason)
				}
			}
			for id := range tt.fails {
				if _, ok := got[id]; !ok {
					t.Errorf("no result for %s: %v", id, got)
				}
			}
			if tt.fixed {
				proveFix(t, fixRun{account: tt.account, cli: cli, collect: collectArgs, eval: selection, family: "trail_integrity"}, path, results)
			}
		})
	}
}
