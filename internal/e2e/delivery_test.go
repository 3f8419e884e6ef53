package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trailwatch/trailwatch/internal/moto"
	"github.com/trailwatch/trailwatch/internal/snapshot"
)

// Would one such event, today, reach a person? The benchmark's remediation
// set up in moto with the aws CLI, then one link broken the way production
// breaks it: each verdict names the link that stops the event.
func TestDeliveryScenarios(t *testing.T) {
	const topicName = moto.TopicName
	run := func(args ...string) func(ctx context.Context, c *moto.CLI) error {
		return func(ctx context.Context, c *moto.CLI) error {
			_, err := c.Run(ctx, args...)
			return err
		}
	}
	topicOf := func(c *moto.CLI) string { return fmt.Sprintf("arn:aws:sns:%s:%s:%s", c.Region, c.Account, topicName) }
	subscriptionOf := func(ctx context.Context, c *moto.CLI) (string, error) {
		out, err := c.Run(ctx, "sns", "list-subscriptions-by-topic", "--topic-arn", topicOf(c))
		if err != nil {
			return "", err
		}
		var subs struct {
			Subscriptions []struct{ SubscriptionArn string }
		}
		if err := json.Unmarshal([]byte(out), &subs); err != nil || len(subs.Subscriptions) == 0 {
			return "", fmt.Errorf("no subscription: %v %s", err, out)
		}
		return subs.Subscriptions[0].SubscriptionArn, nil
	}
	// alarm45 replaces 4.5's alarm with the benchmark's, changed by extra.
	alarm45 := func(extra ...string) func(ctx context.Context, c *moto.CLI) error {
		return func(ctx context.Context, c *moto.CLI) error {
			args := append([]string{"cloudwatch", "put-metric-alarm", "--alarm-name", "CloudTrailConfigChanges", "--metric-name", "CloudTrailConfigChanges",
				"--namespace", "CISBenchmark", "--statistic", "Sum", "--period", "300", "--threshold", "1",
				"--comparison-operator", "GreaterThanOrEqualToThreshold", "--evaluation-periods", "1", "--alarm-actions", topicOf(c)}, extra...)
			_, err := c.Run(ctx, args...)
			return err
		}
	}
	const pattern45 = "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }"
	// replaceFilter puts a filter in place of one of the same name (moto
	// keeps both when put-metric-filter names an existing filter; AWS
	// replaces it).
	replaceFilter := func(name, p, transform string) func(ctx context.Context, c *moto.CLI) error {
		return func(ctx context.Context, c *moto.CLI) error {
			if err := run("logs", "delete-metric-filter", "--log-group-name", moto.LogGroup, "--filter-name", name)(ctx, c); err != nil {
				return err
			}
			return run("logs", "put-metric-filter", "--log-group-name", moto.LogGroup, "--filter-name", name,
				"--metric-transformations", transform, "--filter-pattern", p)(ctx, c)
		}
	}
	filter45 := func(p string, transform string) func(ctx context.Context, c *moto.CLI) error {
		return replaceFilter("CloudTrailConfigChanges", p, transform)
	}
	tests := []struct {
		name    string
		account string
		setup   moto.Account
		after   func(ctx context.Context, c *moto.CLI) error
		args    []string // evaluate's own
		status  string   // of cloudtrail-config-changes
		reason  string
		others  string // the status of every other control; "" for that of 4.5
		except  map[string]string
		// manual says why remediate's fix needs a manual step, so that
		// it cannot be proven by running it; empty: proveFix runs it.
		manual string
	}{
		{name: "topic encrypted with the AWS managed key", account: "110000000001", setup: moto.Account{TopicKey: "aws-managed"}, status: "FAIL", manual: "a customer managed key, with a policy, is the account's to make",
			reason: "is encrypted with the AWS managed key alias/aws/sns, which CloudWatch cannot use"},
		{name: "topic key whose policy shuts CloudWatch out", account: "110000000002", setup: moto.Account{TopicKey: "customer-account-only"}, status: "FAIL", manual: "trailwatch does not rewrite a key policy (TestKeyPolicyFixed applies the statement it gives)",
			reason: "does not let CloudWatch use it (kms:Decrypt: no statement allows it; kms:GenerateDataKey: no statement allows it)"},
		{name: "topic key that lets CloudWatch in", account: "110000000003", setup: moto.Account{TopicKey: "customer"}, status: "PASS", reason: "confirmed subscriptions that let it through: 1"},
		{name: "topic key disabled", account: "110000000004", setup: moto.Account{TopicKey: "customer"}, status: "FAIL", reason: "is Disabled, so no alarm notification is delivered",
			after: func(ctx context.Context, c *moto.CLI) error {
				out, err := c.Run(ctx, "kms", "describe-key", "--key-id", moto.KeyAlias)
				if err != nil {
					return err
				}
				var key struct{ KeyMetadata struct{ KeyId string } }
				if err := json.Unmarshal([]byte(out), &key); err != nil {
					return err
				}
				_, err = c.Run(ctx, "kms", "disable-key", "--key-id", key.KeyMetadata.KeyId)
				return err
			}},
		{name: "topic policy lets one role publish", account: "110000000005", status: "FAIL", reason: "does not let CloudWatch publish for alarm arn:aws:cloudwatch:us-east-1:110000000005:alarm:CloudTrailConfigChanges of account 110000000005",
			after: func(ctx context.Context, c *moto.CLI) error {
				policy := `{"Version":"2012-10-17","Statement":[{"Sid":"PublishersOnly","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + c.Account + `:role/AlertPublisher"},"Action":"sns:Publish","Resource":"` + topicOf(c) + `"}]}`
				return run("sns", "set-topic-attributes", "--topic-arn", topicOf(c), "--attribute-name", "Policy", "--attribute-value", policy)(ctx, c)
			}},
		{name: "subscription filter policy lets one alarm through", account: "110000000006", status: "FAIL",
			reason: "the filter policies of the 1 confirmed subscriptions of topic arn:aws:sns:us-east-1:110000000006:security-alerts drop the notification of alarm CloudTrailConfigChanges",
			except: map[string]string{"root-account-usage": "PASS"},
			after: func(ctx context.Context, c *moto.CLI) error {
				sub, err := subscriptionOf(ctx, c)
				if err != nil {
					return err
				}
				if err := run("sns", "set-subscription-attributes", "--subscription-arn", sub, "--attribute-name", "FilterPolicyScope", "--attribute-value", "MessageBody")(ctx, c); err != nil {
					return err
				}
				return run("sns", "set-subscription-attributes", "--subscription-arn", sub, "--attribute-name", "FilterPolicy", "--attribute-value", `{"AlarmName":["RootAccountUsage"]}`)(ctx, c)
			}},
		{name: "alarm unit the filter never publishes", account: "110000000007", after: alarm45("--unit", "Count"), others: "PASS", status: "FAIL",
			reason: "alarm CloudTrailConfigChanges watches the unit Count, but filter CloudTrailConfigChanges publishes its metric without a unit (None)"},
		{name: "missing data treated as breaching", account: "110000000008", after: alarm45("--treat-missing-data", "breaching"), others: "PASS", status: "FAIL",
			reason: "alarm CloudTrailConfigChanges treats missing data as breaching"},
		{name: "missing data ignored", account: "110000000009", after: alarm45("--treat-missing-data", "ignore"), others: "PASS", status: "FAIL",
			reason: "after the first event the alarm stays in ALARM"},
		{name: "two of three datapoints, missing data missing", account: "110000000010", after: alarm45("--evaluation-periods", "3", "--datapoints-to-alarm", "2"), others: "PASS", status: "PASS",
			reason: "alarm CloudTrailConfigChanges"},
		{name: "alarm pinned to one dimension value", account: "110000000011", others: "PASS", status: "FAIL",
			reason: `and its alarms watch only EventName=StopLogging (alarm CloudTrailConfigChanges): misses CreateTrail, UpdateTrail, DeleteTrail, StartLogging`,
			after: func(ctx context.Context, c *moto.CLI) error {
				if err := filter45(pattern45, `[{"metricName":"CloudTrailConfigChanges","metricNamespace":"CISBenchmark","metricValue":"1","dimensions":{"EventName":"$.eventName"}}]`)(ctx, c); err != nil {
					return err
				}
				return alarm45("--dimensions", "Name=EventName,Value=StopLogging")(ctx, c)
			}},
		// CIS v1.4.0 to v3.0.0's 4.1 text matches nearly every call: its
		// alarm is always in ALARM, so it tells nobody of a change to
		// CloudTrail; it passes 4.1 only where it is the benchmark's text.
		{name: "catch-all filter standing in for another control", account: "110000000012", status: "FAIL",
			reason: "also matches routine traffic", others: "PASS",
			except: map[string]string{"unauthorized-api-calls": "FAIL"},
			after: func(ctx context.Context, c *moto.CLI) error {
				v14 := `{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") || ($.sourceIPAddress!="delivery.logs.amazonaws.com") || ($.eventName!="HeadBucket") }`
				if err := replaceFilter("UnauthorizedAPICalls", v14, "metricName=UnauthorizedAPICalls,metricNamespace=CISBenchmark,metricValue=1")(ctx, c); err != nil {
					return err
				}
				return run("logs", "delete-metric-filter", "--log-group-name", moto.LogGroup, "--filter-name", "CloudTrailConfigChanges")(ctx, c)
			}},
		{name: "filter scoped to the account's own recipientAccountId", account: "110000000013", others: "PASS", status: "PASS", reason: "filter CloudTrailConfigChanges",
			after: filter45("{ ($.recipientAccountId = 110000000013) && (($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging)) }",
				"metricName=CloudTrailConfigChanges,metricNamespace=CISBenchmark,metricValue=1")},
		{name: "filter scoped to another account", account: "110000000014", others: "PASS", status: "FAIL", reason: "filter CloudTrailConfigChanges misses CreateTrail, UpdateTrail, DeleteTrail, StartLogging, StopLogging",
			after: filter45("{ ($.recipientAccountId = 999999999999) && (($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging)) }",
				"metricName=CloudTrailConfigChanges,metricNamespace=CISBenchmark,metricValue=1")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cli := seed(t, tt.account, "us-east-1", scenario(tt.setup))
			if tt.after != nil {
				if err := tt.after(context.Background(), cli); err != nil {
					t.Fatal(err)
				}
			}
			collectArgs := []string{"--role-arn", moto.RoleARN(tt.account, "audit"), "--region", "us-east-1"}
			path, code, stderr := collect(t, admin, collectArgs...)
			if code != 0 {
				t.Fatalf("collect: exit %d\n%s", code, stderr)
			}
			_, results := evaluateScenario(t, path)
			if len(results[tt.account]) != len(scenarioControls) {
				t.Errorf("%d results, want %d", len(results[tt.account]), len(scenarioControls))
			}
			r := results[tt.account][trail45]
			if r.Status != tt.status || !strings.Contains(r.Reason, tt.reason) {
				t.Errorf("%s %q\nwant %s containing %q", r.Status, r.Reason, tt.status, tt.reason)
			}
			others := tt.others
			if others == "" {
				others = tt.status
			}
			for id, o := range results[tt.account] {
				want := others
				if w, ok := tt.except[id]; ok {
					want = w
				}
				if id != trail45 && o.Status != want {
					t.Errorf("%s: %s %q, want %s", id, o.Status, o.Reason, want)
				}
			}
			if tt.manual == "" && (tt.status == "FAIL" || tt.others == "FAIL" || len(tt.except) > 0) {
				proveFix(t, fixRun{account: tt.account, cli: cli, collect: collectArgs, eval: append(scenarioArgs(), tt.args...), family: "monitoring"}, path, results)
			}
		})
	}
}

// The topic's key policy shuts CloudWatch out: every control FAILs, the
// fix the verdict gives (the statement, put into the key's policy) makes
// them PASS, and the diff between the two readings names the change.
func TestKeyPolicyFixed(t *testing.T) {
	t.Parallel()
	const account = "110000000020"
	cli := seed(t, account, "us-east-1", scenario(moto.Account{TopicKey: "customer-account-only"}))
	before, code, stderr := collect(t, admin, "--role-arn", moto.RoleARN(account, "audit"), "--region", "us-east-1")
	if code != 0 {
		t.Fatalf("collect: exit %d\n%s", code, stderr)
	}
	if fail, other := evaluateAll(t, before).all(account, "FAIL"); !fail {
		t.Fatalf("not every control fails: %v", other)
	}
	ctx := context.Background()
	if _, err := cli.Run(ctx, "kms", "put-key-policy", "--key-id", keyID(t, cli), "--policy-name", "default",
		"--policy", moto.KeyPolicy(account, moto.CloudWatchKeyStatement(account))); err != nil {
		t.Fatal(err)
	}
	after, code, stderr := collect(t, admin, "--role-arn", moto.RoleARN(account, "audit"), "--region", "us-east-1")
	if code != 0 {
		t.Fatalf("collect: exit %d\n%s", code, stderr)
	}
	if pass, other := evaluateAll(t, after).all(account, "PASS"); !pass {
		t.Fatalf("the fix left: %v", other)
	}
	args := []string{"diff"}
	for _, c := range scenarioControls {
		args = append(args, "--control", c[1])
	}
	code, out, _ := trailwatch(t, os.Environ(), append(args, before, after)...)
	if code != 0 || !strings.Contains(out, fmt.Sprintf("%d improvements", len(scenarioControls))) || !strings.Contains(out, "'s policy changed from") {
		t.Errorf("diff: exit %d\n%s", code, out)
	}
}

// evaluateAll evaluates the scenario controls.
func evaluateAll(t *testing.T, path string) verdicts {
	t.Helper()
	_, v := evaluateScenario(t, path)
	return v
}

func keyID(t *testing.T, c *moto.CLI) string {
	t.Helper()
	out, err := c.Run(context.Background(), "kms", "describe-key", "--key-id", moto.KeyAlias)
	if err != nil {
		t.Fatal(err)
	}
	var key struct{ KeyMetadata struct{ KeyId string } }
	if err := json.Unmarshal([]byte(out), &key); err != nil {
		t.Fatal(err)
	}
	return key.KeyMetadata.KeyId
}

// A landing zone's alarms notify a central security topic in another
// account. Collected together, with each account's own role, the member
// passes when the topic's policy lets its alarms publish, fails when the
// topic keeps SNS's default policy (the owner's alarms only), and is ERROR
// when the security account was not collected.
func TestCentralSecurityTopic(t *testing.T) {
	t.Parallel()
	const member, security, stranger = "120000000001", "120000000002", "120000000003"
	ctx := context.Background()
	central := "arn:aws:sns:us-east-1:" + security + ":security-alerts"
	sec := seed(t, security, "us-east-1", moto.Account{})
	policy := `{"Version":"2012-10-17","Statement":[{"Sid":"MembersAlarms","Effect":"Allow","Principal":{"Service":"cloudwatch.amazonaws.com"},"Action":"sns:Publish","Resource":"` + central + `","Condition":{"StringEquals":{"aws:SourceAccount":"` + member + `"}}}]}`
	if _, err := sec.Run(ctx, "sns", "set-topic-attributes", "--topic-arn", central, "--attribute-name", "Policy", "--attribute-value", policy); err != nil {
		t.Fatal(err)
	}
	for _, acct := range []string{member, stranger} {
		c := seed(t, acct, "us-east-1", moto.Account{Controls: []string{"cloudtrail_config_changes"}})
		if _, err := c.Run(ctx, "cloudwatch", "put-metric-alarm", "--alarm-name", "CloudTrailConfigChanges", "--metric-name", "CloudTrailConfigChanges",
			"--namespace", "CISBenchmark", "--statistic", "Sum", "--period", "300", "--threshold", "1",
			"--comparison-operator", "GreaterThanOrEqualToThreshold", "--evaluation-periods", "1", "--alarm-actions", central); err != nil {
			t.Fatal(err)
		}
	}
	path, code, stderr := collect(t, admin, "--region", "us-east-1",
		"--role-arn", moto.RoleARN(member, "audit"), "--role-arn", moto.RoleARN(security, "audit"), "--role-arn", moto.RoleARN(stranger, "audit"))
	if code != 0 {
		t.Fatalf("collect: exit %d\n%s", code, stderr)
	}
	snap := readSnapshot(t, path)
	if !hasTopic(snap, security, central) {
		t.Fatal("the central topic was not read in the security account")
	}
	_, results := evaluate(t, "--control", trail45, path)
	if r := results[member][trail45]; r.Status != "PASS" || !strings.Contains(r.Reason, "topic "+central) {
		t.Errorf("member: %s %q", r.Status, r.Reason)
	}
	if r := results[stranger][trail45]; r.Status != "FAIL" || !strings.Contains(r.Reason, "does not let CloudWatch publish for alarm arn:aws:cloudwatch:us-east-1:"+stranger) {
		t.Errorf("an account the topic's policy does not name: %s %q", r.Status, r.Reason)
	}

	alone, code, stderr := collect(t, admin, "--region", "us-east-1", "--role-arn", moto.RoleARN(member, "audit"))
	if code != 0 {
		t.Fatalf("collect: exit %d\n%s", code, stderr)
	}
	_, results = evaluate(t, "--control", trail45, alone)
	if r := results[member][trail45]; r.Status != "ERROR" || !strings.Contains(r.Reason, "which this snapshot does not hold; collect that account too") {
		t.Errorf("without the security account: %s %q", r.Status, r.Reason)
	}
}

func hasTopic(s *snapshot.Snapshot, account, arn string) bool {
	for _, a := range s.Accounts {
		for _, r := range a.Regions {
			for _, tp := range r.Topics {
				if a.AccountID == account && tp.TopicArn == arn && tp.Attributes["Policy"] != "" {
					return true
				}
			}
		}
	}
	return false
}

// moto never reports a delivery to CloudWatch Logs (GetTrailStatus has no
// LatestCloudWatchLogsDelivery* fields there); AWS does. The snapshot moto
// gave is edited to AWS's real shape for a trail whose delivery role
// CloudTrail cannot assume, and for one that stopped delivering days ago.
func TestTrailDeliveryAsAWSReportsIt(t *testing.T) {
	t.Parallel()
	const account = "110000000030"
	seed(t, account, "us-east-1", scenario(moto.Account{}))
	path, code, stderr := collect(t, admin, "--role-arn", moto.RoleARN(account, "audit"), "--region", "us-east-1")
	if code != 0 {
		t.Fatalf("collect: exit %d\n%s", code, stderr)
	}
	for _, tt := range []struct {
		name   string
		status snapshot.TrailStatus
		want   string
		reason string
	}{
		{"never delivered", snapshot.TrailStatus{LatestCloudWatchLogsDeliveryError: "AccessDeniedException: CloudTrail cannot assume role CloudTrail_CloudWatchLogs_Role"},
			"FAIL", "CloudTrail has never delivered its events to CloudWatch Logs: AccessDeniedException"},
		{"delivered days ago", snapshot.TrailStatus{LatestCloudWatchLogsDeliveryTime: "2020-01-01T00:00:00Z"}, "FAIL", "CloudTrail last delivered its events to CloudWatch Logs at 2020-01-01T00:00:00Z"},
		{"delivering, with a past error", snapshot.TrailStatus{LatestCloudWatchLogsDeliveryError: "ThrottlingException", LatestCloudWatchLogsDeliveryTime: "now"}, "PASS", "CloudWatch Logs delivery error for this trail: ThrottlingException"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := readSnapshot(t, path)
			for i := range s.Accounts[0].Regions {
				for j := range s.Accounts[0].Regions[i].Trails {
					st := s.Accounts[0].Regions[i].Trails[j].GetTrailStatus
					st.LatestCloudWatchLogsDeliveryError = tt.status.LatestCloudWatchLogsDeliveryError
					st.LatestCloudWatchLogsDeliveryTime = tt.status.LatestCloudWatchLogsDeliveryTime
					if st.LatestCloudWatchLogsDeliveryTime == "now" {
						st.LatestCloudWatchLogsDeliveryTime = s.CollectedAt
					}
				}
			}
			edited := filepath.Join(t.TempDir(), "edited.json")
			if err := s.WriteFile(edited); err != nil {
				t.Fatal(err)
			}
			_, results := evaluateScenario(t, edited)
			for id, r := range results[account] {
				if r.Status != tt.want || !strings.Contains(r.Reason, tt.reason) {
					t.Errorf("%s: %s %q, want %s containing %q", id, r.Status, r.Reason, tt.want, tt.reason)
				}
			}
		})
	}
}

// CIS v1.4.0 to v3.0.0 print 4.1's two exclusions (refused log deliveries,
// HeadBucket) joined with ||, which v4.0.0 corrected to &&. A filter that
// writes what they meant, as a real Terraform module does, passes those
// versions; v1.2.0, which names no exclusion, keeps its own reading.
func TestUnauthorizedCallsReadAsMeant(t *testing.T) {
	t.Parallel()
	const account = "110000000040"
	ctx := context.Background()
	cli := seed(t, account, "us-east-1", moto.Account{Controls: []string{"unauthorized_api_calls"}})
	module := `{(($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) && (($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket"))}`
	if _, err := cli.Run(ctx, "logs", "delete-metric-filter", "--log-group-name", moto.LogGroup, "--filter-name", "UnauthorizedAPICalls"); err != nil {
		t.Fatal(err)
	}
	if _, err := cli.Run(ctx, "logs", "put-metric-filter", "--log-group-name", moto.LogGroup, "--filter-name", "UnauthorizedAPICalls",
		"--metric-transformations", "metricName=UnauthorizedAPICalls,metricNamespace=CISBenchmark,metricValue=1", "--filter-pattern", module); err != nil {
		t.Fatal(err)
	}
	path, code, stderr := collect(t, admin, "--role-arn", moto.RoleARN(account, "audit"), "--region", "us-east-1")
	if code != 0 {
		t.Fatalf("collect: exit %d\n%s", code, stderr)
	}
	for version, want := range map[string]string{"v1.4.0": "PASS", "v3.0.0": "PASS", "v7.0.0": "PASS", "v1.2.0": "FAIL"} {
		_, results := evaluate(t, "--benchmark", version, "--control", "unauthorized-api-calls", path)
		if r := results[account]["unauthorized-api-calls"]; r.Status != want {
			t.Errorf("%s: %s %q, want %s", version, r.Status, r.Reason, want)
		}
	}
}
