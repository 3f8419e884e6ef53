package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/trailwatch/trailwatch/internal/moto"
	"github.com/trailwatch/trailwatch/internal/snapshot"
)

// One moto_server for the package; each scenario works in accounts of its
// own (reached with sts:AssumeRole, as a real multi-account collector
// does), so scenarios run in parallel without resetting each other.
var (
	bin   string // the trailwatch binary under test
	srv   *moto.Server
	admin *moto.CLI // moto's default credentials, account 123456789012
	work  string
)

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	var err error
	work, err = os.MkdirTemp("", "trailwatch-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(work)
	bin = filepath.Join(work, "trailwatch")
	build := exec.Command("go", "build", "-o", bin, "../../cmd/trailwatch")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build trailwatch: %v\n%s", err, out)
		return 1
	}
	shimDir = filepath.Join(work, "shim")
	shim := exec.Command("go", "build", "-o", filepath.Join(shimDir, "aws"), "../moto/awsshim")
	if out, err := shim.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build awsshim: %v\n%s", err, out)
		return 1
	}
	if _, err := exec.LookPath("aws"); err != nil {
		fmt.Fprintln(os.Stderr, "the end-to-end tests need the aws CLI, installed on every machine of this project:", err)
		return 1
	}
	srv, err = moto.Start(context.Background(), filepath.Join(work, "moto.log"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "the end-to-end tests need moto_server:", err)
		return 1
	}
	defer srv.Stop()
	admin = moto.NewCLI(srv.URL, "us-east-1")
	defer admin.Close()
	return m.Run()
}

// seed sets an account up with the benchmark's remediation, varied by a.
func seed(t testing.TB, account, region string, a moto.Account) *moto.CLI {
	t.Helper()
	ctx := context.Background()
	cli, err := admin.AssumeRole(ctx, account, "seed")
	if err != nil {
		t.Fatal(err)
	}
	cli = cli.With(region, cli.KeyID, cli.Secret, cli.Token, account)
	t.Cleanup(cli.Close)
	if _, err := cli.Remediate(ctx, a); err != nil {
		t.Fatal(err)
	}
	return cli
}

type result struct {
	ControlID string `json:"control_id"`
	AccountID string `json:"account_id"`
	Status    string `json:"status"`
	Reason    string `json:"reason"`
	Evidence  map[string]any
}

// execTrailwatch prepares a run of the binary under test.
func execTrailwatch(env []string, args ...string) *exec.Cmd {
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	return cmd
}

// trailwatch runs the binary with an environment holding the given
// credentials and nothing of the developer's own AWS setup.
func trailwatch(t *testing.T, env []string, args ...string) (int, string, string) {
	t.Helper()
	cmd := execTrailwatch(env, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, out.String(), errb.String()
}

// collect runs trailwatch collect against moto and returns the snapshot's
// path and collect's exit code.
func collect(t *testing.T, cli *moto.CLI, args ...string) (string, int, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "snapshot.json")
	full := append([]string{"collect", "--endpoint-url", srv.URL, "-o", path, "--quiet"}, args...)
	code, _, stderr := trailwatch(t, cli.Env(), full...)
	return path, code, stderr
}

// verdicts are an evaluation's results by account, then control.
type verdicts map[string]map[string]result

// trail45 is the result of the control this project started from.
const trail45 = "cloudtrail-config-changes"

// controlsV7 are the controls of the newest benchmark version: fifteen of
// monitoring, six of the trail's integrity.
const controlsV7 = 21

// The scenarios break one control, or the trail or topic they all share:
// three controls tell as much as fifteen (the broken one, and others that
// pass, or fail with it), for a fifth of the calls to moto. Each is a
// control's directory (the seed's Controls) and its id.
var scenarioControls = [][2]string{
	{"cloudtrail_config_changes", trail45},
	{"root_account_usage", "root-account-usage"},
	{"unauthorized_api_calls", "unauthorized-api-calls"},
}

// scenario is a seed's setup for the scenario controls alone.
func scenario(a moto.Account) moto.Account {
	for _, c := range scenarioControls {
		a.Controls = append(a.Controls, c[0])
	}
	return a
}

// evaluateScenario evaluates the scenario controls alone.
func evaluateScenario(t *testing.T, paths ...string) (int, verdicts) {
	t.Helper()
	return evaluate(t, append(scenarioArgs(), paths...)...)
}

// scenarioArgs select the scenario controls.
func scenarioArgs() []string {
	var args []string
	for _, c := range scenarioControls {
		args = append(args, "--control", c[1])
	}
	return args
}

// evaluate runs trailwatch evaluate --format json --family monitoring on
// snapshots: the scenarios here break the monitoring chain, and the trail
// integrity family has scenarios of its own (integrity_test.go).
func evaluate(t *testing.T, args ...string) (int, verdicts) {
	t.Helper()
	return evaluateFamily(t, "monitoring", args...)
}

// evaluateFamily runs trailwatch evaluate --format json on snapshots with
// the controls of one family ("" for all).
func evaluateFamily(t *testing.T, family string, args ...string) (int, verdicts) {
	t.Helper()
	if family != "" {
		args = append([]string{"--family", family}, args...)
	}
	code, stdout, stderr := trailwatch(t, os.Environ(), append([]string{"evaluate", "--format", "json"}, args...)...)
	var rep struct{ Results []result }
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("evaluate: exit %d, %v\nstdout: %s\nstderr: %s", code, err, stdout, stderr)
	}
	out := verdicts{}
	for _, r := range rep.Results {
		if out[r.AccountID] == nil {
			out[r.AccountID] = map[string]result{}
		}
		out[r.AccountID][r.ControlID] = r
	}
	return code, out
}

// all reports whether every control has the status in an account, and
// which do not.
func (v verdicts) all(account, status string) (bool, []string) {
	var other []string
	for id, r := range v[account] {
		if r.Status != status {
			other = append(other, id+": "+r.Status+" "+r.Reason)
		}
	}
	slices.Sort(other)
	return len(v[account]) >= len(scenarioControls) && len(other) == 0, other
}

func readSnapshot(t *testing.T, path string) *snapshot.Snapshot {
	t.Helper()
	s, err := snapshot.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// The benchmark's remediation, run as written for the whole section, and
// each link of the chain broken in turn: collect reads the account through
// --role-arn, evaluate judges it. A link of the trail breaks every
// control; the others break the control whose filter or alarm they touch
// (here cloudtrail-config-changes), and only that one.
func TestScenarios(t *testing.T) {
	trailBreak := func(setup moto.Account) moto.Account { return setup }
	only45 := func(b moto.Break) moto.Account {
		return moto.Account{Breaks: map[string]moto.Break{"cloudtrail_config_changes": b}}
	}
	tests := []struct {
		name    string
		account string
		setup   moto.Account
		after   func(ctx context.Context, c *moto.CLI) error // applied after the remediation
		every   bool                                         // every control fails, not only 4.5
		status  string
		reason  string
		// noProof says why remediate's fix of a FAIL cannot be proven on
		// moto; empty: proveFix runs it.
		noProof string
	}{
		{name: "benchmark remediation", account: "100000000001", status: "PASS",
			reason: "trail management-events -> log group CloudTrail/DefaultLogGroup -> filter CloudTrailConfigChanges -> metric CISBenchmark/CloudTrailConfigChanges -> alarm CloudTrailConfigChanges -> topic arn:aws:sns:us-east-1:100000000001:security-alerts (confirmed subscriptions that let it through: 1)"},
		{name: "trail not multi-region", account: "100000000002", setup: trailBreak(moto.Account{SingleRegion: true}), every: true, status: "FAIL", reason: "trail management-events: it is not multi-region"},
		{name: "logging stopped", account: "100000000003", every: true, status: "FAIL", reason: "trail management-events: logging is stopped",
			after: func(ctx context.Context, c *moto.CLI) error {
				_, err := c.Run(ctx, "cloudtrail", "stop-logging", "--name", "management-events")
				return err
			}},
		{name: "no management events", account: "100000000004", setup: moto.Account{WriteOnly: true}, every: true, status: "FAIL", reason: "it does not record management events, read and write"},
		{name: "no event selectors set", account: "100000000005", setup: moto.Account{NoSelectors: true}, every: true, status: "FAIL", reason: "it does not record management events"},
		{name: "no log group", account: "100000000006", setup: moto.Account{NoLogGroup: true}, every: true, status: "FAIL", reason: "it delivers to no CloudWatch Logs log group"},
		{name: "filters on another log group", account: "100000000007", setup: moto.Account{FilterOn: "application-logs"}, every: true, status: "FAIL", reason: "its log group CloudTrail/DefaultLogGroup has no metric filter"},
		{name: "filter pattern misses an event", account: "100000000008", status: "FAIL", reason: "filter CloudTrailConfigChanges misses StopLogging",
			setup: only45(moto.Break{Pattern: "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) }"})},
		{name: "alarm on another namespace", account: "100000000009", setup: only45(moto.Break{AlarmNamespace: "CloudTrailMetrics"}), status: "FAIL",
			reason: "no alarm watches metric CISBenchmark/CloudTrailConfigChanges of filter CloudTrailConfigChanges (alarm CloudTrailConfigChanges watches CloudTrailMetrics/CloudTrailConfigChanges)"},
		{name: "alarm actions disabled", account: "100000000010", setup: only45(moto.Break{ActionsOff: true}), status: "FAIL", reason: "alarm CloudTrailConfigChanges has its actions disabled",
			noProof: "moto 5.2 does not implement EnableAlarmActions (it answers 500)"},
		{name: "alarm notifying nothing", account: "100000000011", setup: only45(moto.Break{NoAlarmActions: true}), status: "FAIL", reason: "alarm CloudTrailConfigChanges notifies no SNS topic"},
		{name: "topic without subscriptions", account: "100000000012", setup: moto.Account{NoSubscription: true}, every: true, status: "FAIL",
			reason: "topic arn:aws:sns:us-east-1:100000000012:security-alerts has no confirmed subscription (0 pending confirmation)"},
		{name: "topic deleted", account: "100000000013", every: true, status: "FAIL", reason: "notifies topic arn:aws:sns:us-east-1:100000000013:security-alerts, which does not exist",
			after: func(ctx context.Context, c *moto.CLI) error {
				_, err := c.Run(ctx, "sns", "delete-topic", "--topic-arn", "arn:aws:sns:us-east-1:100000000013:security-alerts")
				return err
			}},
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
			wantCode := map[string]int{"PASS": 0, "FAIL": 1}[tt.status]
			code, results := evaluateScenario(t, path)
			r, ok := results[tt.account][trail45]
			if !ok {
				t.Fatalf("no result for account %s: %v", tt.account, results)
			}
			if code != wantCode || r.Status != tt.status || !strings.Contains(r.Reason, tt.reason) {
				t.Errorf("evaluate: exit %d, %s %q\nwant exit %d, %s containing %q", code, r.Status, r.Reason, wantCode, tt.status, tt.reason)
			}
			// The other controls: all as 4.5 when the trail or the topic is
			// broken, else PASS.
			others := "PASS"
			if tt.every {
				others = tt.status
			}
			for id, o := range results[tt.account] {
				if id != trail45 && o.Status != others {
					t.Errorf("%s: %s %q, want %s", id, o.Status, o.Reason, others)
				}
			}
			if len(results[tt.account]) != len(scenarioControls) {
				t.Errorf("%d results, want one per control (%d)", len(results[tt.account]), len(scenarioControls))
			}
			if tt.status == "FAIL" && tt.noProof == "" {
				proveFix(t, fixRun{account: tt.account, cli: cli, collect: collectArgs, eval: scenarioArgs(), family: "monitoring"}, path, results)
			}
		})
	}
}

// Two accounts in one snapshot, each through its own role: one compliant,
// one not. The snapshot redacts the subscription endpoint.
func TestTwoAccountsThroughRoles(t *testing.T) {
	t.Parallel()
	seed(t, "200000000001", "us-east-1", scenario(moto.Account{}))
	seed(t, "200000000002", "us-east-1", scenario(moto.Account{NotLogging: true}))
	path, code, stderr := collect(t, admin,
		"--role-arn", moto.RoleARN("200000000001", "audit"),
		"--role-arn", moto.RoleARN("200000000002", "audit"),
		"--region", "us-east-1")
	if code != 0 {
		t.Fatalf("collect: exit %d\n%s", code, stderr)
	}
	snap := readSnapshot(t, path)
	if len(snap.Accounts) != 2 {
		t.Fatalf("%d accounts in the snapshot, want 2", len(snap.Accounts))
	}
	for _, r := range snap.Accounts[0].Regions {
		for _, tp := range r.Topics {
			for _, s := range tp.Subscriptions {
				if s.Endpoint != "<redacted>" || s.Protocol != "email" {
					t.Errorf("subscription %+v: endpoint not redacted or protocol lost", s)
				}
			}
		}
	}
	code, results := evaluateScenario(t, path)
	pass, _ := results.all("200000000001", "PASS")
	fail, _ := results.all("200000000002", "FAIL")
	if code != 1 || !pass || !fail || !strings.Contains(results["200000000002"][trail45].Reason, "logging is stopped") {
		t.Errorf("exit %d, results %+v", code, results)
	}

	// --keep-endpoints keeps them.
	path, _, _ = collect(t, admin, "--role-arn", moto.RoleARN("200000000001", "audit"), "--region", "us-east-1", "--keep-endpoints")
	data, _ := os.ReadFile(path)
	if !bytes.Contains(data, []byte("security@example.com")) {
		t.Error("--keep-endpoints did not keep the endpoint")
	}
}

// A multi-region trail whose home region the user did not list is followed
// there all the same: the evidence chain decides where to look.
func TestHomeRegionNotListed(t *testing.T) {
	t.Parallel()
	seed(t, "300000000001", "us-west-2", scenario(moto.Account{}))
	path, code, stderr := collect(t, admin, "--role-arn", moto.RoleARN("300000000001", "audit"), "--region", "eu-west-1")
	if code != 0 {
		t.Fatalf("collect: exit %d\n%s", code, stderr)
	}
	var regions []string
	for _, r := range readSnapshot(t, path).Accounts[0].Regions {
		regions = append(regions, r.Region)
	}
	if strings.Join(regions, ",") != "eu-west-1,us-west-2" {
		t.Errorf("regions read: %v, want eu-west-1 and the trail's home us-west-2", regions)
	}
	code, results := evaluateScenario(t, path)
	if pass, other := results.all("300000000001", "PASS"); code != 0 || !pass {
		t.Errorf("exit %d, %v", code, other)
	}

	// The SDK's AWS_ENDPOINT_URL works as --endpoint-url does.
	env := append(admin.Env(), "AWS_ENDPOINT_URL="+srv.URL)
	path = filepath.Join(t.TempDir(), "env.json")
	code, _, stderr = trailwatch(t, env, "collect", "-o", path, "--quiet", "--role-arn", moto.RoleARN("300000000001", "audit"), "--region", "eu-west-1")
	if code != 0 {
		t.Fatalf("collect with AWS_ENDPOINT_URL: exit %d\n%s", code, stderr)
	}
	if code, results := evaluateScenario(t, path); code != 0 || results["300000000001"][trail45].Status != "PASS" {
		t.Errorf("with AWS_ENDPOINT_URL: exit %d, %+v", code, results)
	}
}

// --all-regions reads every region the account has enabled.
func TestAllRegions(t *testing.T) {
	t.Parallel()
	seed(t, "300000000002", "eu-central-1", scenario(moto.Account{}))
	path, code, stderr := collect(t, admin, "--role-arn", moto.RoleARN("300000000002", "audit"), "--all-regions", "--region", "us-east-1")
	if code != 0 {
		t.Fatalf("collect: exit %d\n%s", code, stderr)
	}
	snap := readSnapshot(t, path)
	if n := len(snap.Accounts[0].Regions); n < 10 {
		t.Errorf("--all-regions read %d regions", n)
	}
	if code, results := evaluateScenario(t, path); code != 0 || results["300000000002"][trail45].Status != "PASS" {
		t.Errorf("exit %d, %+v", code, results)
	}
}

// Snapshots are deterministic: two collections of an unchanged account
// differ only in their timestamp.
func TestDeterministic(t *testing.T) {
	t.Parallel()
	seed(t, "300000000003", "us-east-1", scenario(moto.Account{}))
	args := []string{"--role-arn", moto.RoleARN("300000000003", "audit"), "--region", "us-east-1", "--region", "eu-west-1"}
	a, _, _ := collect(t, admin, args...)
	b, _, _ := collect(t, admin, args...)
	strip := func(path string) []byte {
		data, _ := os.ReadFile(path)
		var lines []string
		for _, l := range strings.Split(string(data), "\n") {
			if !strings.Contains(l, `"collected_at"`) && !strings.Contains(l, `"LatestDeliveryTime"`) {
				lines = append(lines, l)
			}
		}
		return []byte(strings.Join(lines, "\n"))
	}
	if !bytes.Equal(strip(a), strip(b)) {
		t.Errorf("two collections differ:\n%s\n---\n%s", strip(a), strip(b))
	}
}

// A failed or interrupted collection leaves an earlier snapshot untouched,
// and without any credentials nothing is written at all.
func TestFailedRunKeepsEarlierSnapshot(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "snapshot.json")
	if err := os.WriteFile(path, []byte("earlier"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_EC2_METADATA_DISABLED=true", "AWS_REGION=us-east-1"}
	code, _, stderr := trailwatch(t, env, "collect", "--endpoint-url", srv.URL, "-o", path)
	if code != 2 || !strings.Contains(stderr, "no AWS credentials") {
		t.Errorf("no credentials: exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = trailwatch(t, admin.Env(), "collect", "--endpoint-url", srv.URL, "-o", path, "--role-arn", "not-an-arn")
	if code != 2 || !strings.Contains(stderr, "not an IAM role ARN") {
		t.Errorf("bad --role-arn: exit %d, stderr %q", code, stderr)
	}
	if data, _ := os.ReadFile(path); string(data) != "earlier" {
		t.Errorf("the earlier snapshot was changed: %q", data)
	}

	// Interrupted (SIGINT) while calls hang: exit 2, nothing written.
	hang := newFaultProxy(t, srv.URL, fault{match: "DescribeTrails", hang: true})
	cmd := exec.Command(bin, "collect", "--endpoint-url", hang.URL, "-o", path, "--region", "us-east-1", "--quiet")
	cmd.Env = admin.Env()
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	hang.waitHits(t, 1)
	cmd.Process.Signal(os.Interrupt)
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 2 || !strings.Contains(errb.String(), "interrupted") {
		t.Errorf("interrupted collect: %v, stderr %q", err, errb.String())
	}
	if data, _ := os.ReadFile(path); string(data) != "earlier" {
		t.Errorf("an interrupted run changed the earlier snapshot: %q", data)
	}
}

// The whole CIS monitoring section, seeded with the benchmark's
// remediation for every control in one account (fifteen PASS), and in
// another with each control's remediation gone wrong in its own way
// (fifteen FAIL, each naming what went wrong).
func TestSection(t *testing.T) {
	t.Parallel()
	const good, bad = "600000000001", "600000000002"
	breaks := map[string]struct {
		brk    moto.Break
		reason string
	}{
		"unauthorized_api_calls":     {moto.Break{Pattern: `{ $.errorCode = "AccessDenied*" }`}, "misses an EC2 call refused to an IAM user (Client.UnauthorizedOperation)"},
		"console_signin_without_mfa": {moto.Break{Pattern: `{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "Root") }`}, "misses an IAM user's console sign-in without MFA"},
		"root_account_usage":         {moto.Break{Pattern: `{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy != "support.amazonaws.com" }`}, "misses the root user's console sign-in"},
		"iam_policy_changes":         {moto.Break{Pattern: "{ ($.eventName = PutUserPolicy || $.eventName = AttachUserPolicy) && $.userIdentity.type = AssumedRole }"}, "catches PutUserPolicy, AttachUserPolicy only when called by an assumed role"},
		"cloudtrail_config_changes":  {moto.Break{Pattern: "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) }"}, "filter CloudTrailConfigChanges misses StopLogging"},
		"console_auth_failures":      {moto.Break{Pattern: `{ ($.eventName = ConsoleLogin) && ($.errorMessage = "failed authentication") }`}, "misses an IAM user's failed console sign-in"},
		"cmk_disable_or_deletion":    {moto.Break{AlarmNamespace: "KMS"}, "no alarm watches metric CISBenchmark/CMKDisableOrDeletion"},
		"s3_bucket_policy_changes":   {moto.Break{ActionsOff: true}, "alarm S3BucketPolicyChanges has its actions disabled"},
		"config_changes":             {moto.Break{NoAlarmActions: true}, "alarm AWSConfigChanges notifies no SNS topic"},
		"security_group_changes":     {moto.Break{Pattern: "{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }"}, "filter SecurityGroupChanges misses ModifySecurityGroupRules"},
		"nacl_changes":               {moto.Break{MetricValue: "0"}, "filter NACLChanges publishes 0 for each event (metricValue 0), so one event makes the Sum 0"},
		"network_gateway_changes":    {moto.Break{Threshold: "5"}, "one event makes the Sum 1, and alarm NetworkGatewayChanges fires when Sum >= 5"},
		"route_table_changes":        {moto.Break{Comparison: "LessThanThreshold"}, "alarm RouteTableChanges fires when Sum < 1"},
		"vpc_changes":                {moto.Break{NoAlarm: true}, "no alarm watches metric CISBenchmark/VPCChanges of filter VPCChanges"},
		"organizations_changes":      {moto.Break{NoFilter: true}, "catches what this control requires"},
	}
	var wrong moto.Account
	wrong.Breaks = map[string]moto.Break{}
	for dir, b := range breaks {
		wrong.Breaks[dir] = b.brk
	}
	done := make(chan struct{})
	go func() { defer close(done); seed(t, good, "us-east-1", moto.Account{}) }()
	seed(t, bad, "us-east-1", wrong)
	<-done
	path, code, stderr := collect(t, admin, "--role-arn", moto.RoleARN(good, "audit"), "--role-arn", moto.RoleARN(bad, "audit"), "--region", "us-east-1")
	if code != 0 {
		t.Fatalf("collect: exit %d\n%s", code, stderr)
	}
	code, results := evaluate(t, path)
	if code != 1 {
		t.Errorf("evaluate: exit %d, want 1", code)
	}
	if pass, other := results.all(good, "PASS"); !pass || len(results[good]) != len(breaks) {
		t.Errorf("the benchmark's remediation for every control does not pass every control (%d results):\n%s", len(results[good]), strings.Join(other, "\n"))
	}
	if len(results[bad]) != len(breaks) {
		t.Errorf("%d results for the broken account, want %d", len(results[bad]), len(breaks))
	}
	for dir, b := range breaks {
		id := strings.ReplaceAll(dir, "_", "-")
		r := results[bad][id]
		if r.Status != "FAIL" || !strings.Contains(r.Reason, b.reason) {
			t.Errorf("%s: %s %q\nwant FAIL containing %q", id, r.Status, r.Reason, b.reason)
		}
	}
}
