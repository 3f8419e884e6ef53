package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/trailwatch/trailwatch/internal/moto"
)

// readmePolicy is the IAM policy the README gives for collect: the JSON
// block after the collect-iam-policy marker.
func readmePolicy(t *testing.T) map[string]any {
	t.Helper()
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(data), "<!-- collect-iam-policy -->")
	if !ok {
		t.Fatal("README.md has no <!-- collect-iam-policy --> marker")
	}
	_, rest, _ = strings.Cut(rest, "```json\n")
	block, _, _ := strings.Cut(rest, "```")
	var policy map[string]any
	if err := json.Unmarshal([]byte(block), &policy); err != nil {
		t.Fatalf("README's IAM policy is not JSON: %v", err)
	}
	return policy
}

// actions returns the policy's single statement's actions.
func actions(t *testing.T, policy map[string]any) []string {
	t.Helper()
	stmts := policy["Statement"].([]any)
	var out []string
	for _, a := range stmts[0].(map[string]any)["Action"].([]any) {
		out = append(out, a.(string))
	}
	return out
}

func withActions(policy map[string]any, acts []string) string {
	stmt := map[string]any{"Effect": "Allow", "Action": acts, "Resource": "*"}
	out, _ := json.Marshal(map[string]any{"Version": policy["Version"], "Statement": []any{stmt}})
	return string(out)
}

// createUser makes an IAM user with an inline policy and returns a CLI with
// its access key.
func createUser(t *testing.T, c *moto.CLI, name, policy string) *moto.CLI {
	t.Helper()
	ctx := context.Background()
	if _, err := c.Run(ctx, "iam", "create-user", "--user-name", name); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Run(ctx, "iam", "put-user-policy", "--user-name", name, "--policy-name", "trailwatch", "--policy-document", policy); err != nil {
		t.Fatal(err)
	}
	out, err := c.Run(ctx, "iam", "create-access-key", "--user-name", name)
	if err != nil {
		t.Fatal(err)
	}
	var key struct {
		AccessKey struct{ AccessKeyId, SecretAccessKey string }
	}
	if err := json.Unmarshal([]byte(out), &key); err != nil {
		t.Fatal(err)
	}
	u := c.With(c.Region, key.AccessKey.AccessKeyId, key.AccessKey.SecretAccessKey, "", c.Account)
	t.Cleanup(u.Close)
	return u
}

// With IAM checks on: an identity holding exactly the README's policy gets
// a complete snapshot; one without cloudwatch:DescribeAlarms gets the
// refusal recorded, and evaluation says ERROR, never PASS.
//
// It needs a moto of its own: IAM checks apply to the whole server.
func TestIAMPolicy(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, err := moto.Start(ctx, filepath.Join(t.TempDir(), "moto-iam.log"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	root := moto.NewCLI(s.URL, "us-east-1")
	t.Cleanup(root.Close)
	// The topic is encrypted, so that the key's calls are made too, and the
	// trail's bucket is read whole.
	if _, err := root.Remediate(ctx, moto.Account{TopicKey: "customer", TrailIntegrity: true}); err != nil {
		t.Fatal(err)
	}
	policy := readmePolicy(t)
	acts := actions(t, policy)
	for _, want := range []string{"cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors",
		"logs:DescribeMetricFilters", "cloudwatch:DescribeAlarms", "sns:GetTopicAttributes", "sns:ListSubscriptionsByTopic",
		"sns:GetSubscriptionAttributes", "kms:DescribeKey", "kms:GetKeyPolicy", "s3:ListAllMyBuckets", "s3:GetBucketLocation",
		"s3:GetBucketAcl", "s3:GetBucketPolicyStatus", "s3:GetBucketPublicAccessBlock", "s3:GetBucketLogging", "s3:GetAccountPublicAccessBlock"} {
		if !slices.Contains(acts, want) {
			t.Errorf("README's policy lacks %s", want)
		}
	}
	// moto spells some actions otherwise than real IAM: CloudWatch's
	// monitoring: for cloudwatch:, s3:ListBucket for a bucket's
	// GetPublicAccessBlock and GetBucketPolicyStatus (the actions
	// s3:GetBucketPublicAccessBlock and s3:GetBucketPolicyStatus), and
	// s3:GetPublicAccessBlock for the account's (s3:GetAccountPublicAccessBlock).
	exact := append(slices.Clone(acts), "monitoring:DescribeAlarms", "s3:ListBucket", "s3:GetPublicAccessBlock")
	limited := slices.DeleteFunc(slices.Clone(acts), func(a string) bool { return strings.HasSuffix(a, ":DescribeAlarms") })
	auditor := createUser(t, root, "auditor", withActions(policy, exact))
	partial := createUser(t, root, "partial", withActions(policy, limited))
	noKey := createUser(t, root, "nokey", withActions(policy, slices.DeleteFunc(slices.Clone(exact), func(a string) bool { return a == "kms:GetKeyPolicy" })))
	if err := s.EnforceIAM(true); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.EnforceIAM(false) })

	path := filepath.Join(t.TempDir(), "auditor.json")
	code, _, stderr := trailwatch(t, auditor.Env(), "collect", "--endpoint-url", s.URL, "-o", path, "--region", "us-east-1", "--quiet")
	if code != 0 {
		t.Fatalf("the README's policy: collect exit %d\n%s", code, stderr)
	}
	if code, results := evaluate(t, path); code != 0 || results["123456789012"][trail45].Status != "PASS" {
		t.Errorf("the README's policy: evaluate exit %d, %+v", code, results)
	}

	path = filepath.Join(t.TempDir(), "partial.json")
	code, _, stderr = trailwatch(t, partial.Env(), "collect", "--endpoint-url", s.URL, "-o", path, "--region", "us-east-1", "--quiet")
	if code != 1 || !strings.Contains(stderr, "DescribeAlarms") {
		t.Errorf("without DescribeAlarms: collect exit %d, want 1\n%s", code, stderr)
	}
	snap := readSnapshot(t, path)
	var refused bool
	for _, r := range snap.Accounts[0].Regions {
		for _, e := range r.Errors {
			refused = refused || (e.Operation == "DescribeAlarms" && e.HTTPStatus == 403)
		}
	}
	if !refused {
		t.Error("the refused DescribeAlarms (HTTP 403) is not recorded in the snapshot")
	}
	code, results := evaluate(t, path)
	if r := results["123456789012"][trail45]; code != 2 || r.Status != "ERROR" {
		t.Errorf("without DescribeAlarms: evaluate exit %d, %s %q; want ERROR", code, r.Status, r.Reason)
	}

	// Without kms:GetKeyPolicy the key's policy is unknown: the refusal is
	// recorded, and every control says it cannot decide.
	path = filepath.Join(t.TempDir(), "nokey.json")
	code, _, stderr = trailwatch(t, noKey.Env(), "collect", "--endpoint-url", s.URL, "-o", path, "--region", "us-east-1", "--quiet")
	if code != 1 || !strings.Contains(stderr, "GetKeyPolicy") {
		t.Errorf("without GetKeyPolicy: collect exit %d, want 1\n%s", code, stderr)
	}
	code, results = evaluate(t, path)
	if r := results["123456789012"][trail45]; code != 2 || r.Status != "ERROR" || !strings.Contains(r.Reason, "kms GetKeyPolicy") {
		t.Errorf("without GetKeyPolicy: evaluate exit %d, %s %q; want ERROR naming the call", code, r.Status, r.Reason)
	}
}
