package collector

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwltypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/trailwatch/trailwatch/internal/snapshot"
)

// fake is one account's AWS, answering from tables; pages hold paged
// answers, failures the calls that fail ("Operation region").
type fake struct {
	account    string
	trails     map[string][]cttypes.Trail           // region -> DescribeTrails
	status     map[string]bool                      // trail ARN -> IsLogging
	filters    map[string][][]cwltypes.MetricFilter // "region/log group" -> pages
	alarms     map[string][][]cwtypes.MetricAlarm   // region -> pages
	subs       map[string][][]snstypes.Subscription // topic ARN -> pages
	topics     map[string]map[string]string         // topic ARN -> extra attributes
	subAttrs   map[string]map[string]string         // subscription ARN -> attributes
	keys       map[string]kmstypes.KeyMetadata      // "region reference" -> DescribeKey
	policies   map[string]string                    // key ARN -> GetKeyPolicy
	buckets    map[string]fakeBucket                // bucket name -> the bucket, owned by this account
	accountPAB *s3types.PublicAccessBlockConfiguration
	regions    []string
	failures   map[string]error
	delay      time.Duration

	mu       sync.Mutex
	calls    []string // "Operation region"
	inFlight int
	maxIn    int
}

func (f *fake) enter(op, region string) error {
	f.mu.Lock()
	f.calls = append(f.calls, op+" "+region)
	f.inFlight++
	f.maxIn = max(f.maxIn, f.inFlight)
	err := f.failures[op+" "+region]
	f.mu.Unlock()
	if f.delay > 0 {
		time.Sleep(f.delay)
	}
	f.mu.Lock()
	f.inFlight--
	f.mu.Unlock()
	return err
}

func (f *fake) called(op string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, c := range f.calls {
		if strings.HasPrefix(c, op+" ") {
			out = append(out, strings.TrimPrefix(c, op+" "))
		}
	}
	slices.Sort(out)
	return out
}

type regional struct {
	f      *fake
	region string
}

func (f *fake) CloudTrail(r string) CloudTrailAPI { return regional{f, r} }
func (f *fake) Logs(r string) LogsAPI             { return regional{f, r} }
func (f *fake) CloudWatch(r string) CloudWatchAPI { return regional{f, r} }
func (f *fake) SNS(r string) SNSAPI               { return regional{f, r} }
func (f *fake) KMS(r string) KMSAPI               { return regional{f, r} }
func (f *fake) STS(r string) STSAPI               { return regional{f, r} }
func (f *fake) EC2(r string) EC2API               { return regional{f, r} }
func (f *fake) S3(r string) S3API                 { return regional{f, r} }
func (f *fake) S3Control(r string) S3ControlAPI   { return fakeControl{f, r} }

func (r regional) DescribeTrails(_ context.Context, in *cloudtrail.DescribeTrailsInput, _ ...func(*cloudtrail.Options)) (*cloudtrail.DescribeTrailsOutput, error) {
	if err := r.f.enter("DescribeTrails", r.region); err != nil {
		return nil, err
	}
	if !aws.ToBool(in.IncludeShadowTrails) {
		return nil, fmt.Errorf("shadow trails not asked for")
	}
	return &cloudtrail.DescribeTrailsOutput{TrailList: r.f.trails[r.region]}, nil
}

func (r regional) GetTrailStatus(_ context.Context, in *cloudtrail.GetTrailStatusInput, _ ...func(*cloudtrail.Options)) (*cloudtrail.GetTrailStatusOutput, error) {
	if err := r.f.enter("GetTrailStatus", r.region); err != nil {
		return nil, err
	}
	return &cloudtrail.GetTrailStatusOutput{IsLogging: aws.Bool(r.f.status[aws.ToString(in.Name)])}, nil
}

func (r regional) GetEventSelectors(_ context.Context, in *cloudtrail.GetEventSelectorsInput, _ ...func(*cloudtrail.Options)) (*cloudtrail.GetEventSelectorsOutput, error) {
	if err := r.f.enter("GetEventSelectors", r.region); err != nil {
		return nil, err
	}
	return &cloudtrail.GetEventSelectorsOutput{
		TrailARN:       in.TrailName,
		EventSelectors: []cttypes.EventSelector{{ReadWriteType: cttypes.ReadWriteTypeAll, IncludeManagementEvents: aws.Bool(true)}},
	}, nil
}

// page serves page n of pages, with "n+1" as the next token.
func page[T any](pages [][]T, token *string) ([]T, *string) {
	n := 0
	if token != nil {
		fmt.Sscan(*token, &n)
	}
	if n >= len(pages) {
		return nil, nil
	}
	if n+1 < len(pages) {
		return pages[n], aws.String(fmt.Sprint(n + 1))
	}
	return pages[n], nil
}

func (r regional) DescribeMetricFilters(_ context.Context, in *cloudwatchlogs.DescribeMetricFiltersInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DescribeMetricFiltersOutput, error) {
	if err := r.f.enter("DescribeMetricFilters", r.region); err != nil {
		return nil, err
	}
	items, next := page(r.f.filters[r.region+"/"+aws.ToString(in.LogGroupName)], in.NextToken)
	return &cloudwatchlogs.DescribeMetricFiltersOutput{MetricFilters: items, NextToken: next}, nil
}

func (r regional) DescribeAlarms(_ context.Context, in *cloudwatch.DescribeAlarmsInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.DescribeAlarmsOutput, error) {
	if err := r.f.enter("DescribeAlarms", r.region); err != nil {
		return nil, err
	}
	items, next := page(r.f.alarms[r.region], in.NextToken)
	return &cloudwatch.DescribeAlarmsOutput{MetricAlarms: items, NextToken: next}, nil
}

func (r regional) GetTopicAttributes(_ context.Context, in *sns.GetTopicAttributesInput, _ ...func(*sns.Options)) (*sns.GetTopicAttributesOutput, error) {
	if err := r.f.enter("GetTopicAttributes", r.region); err != nil {
		return nil, err
	}
	attrs := map[string]string{"TopicArn": aws.ToString(in.TopicArn)}
	for k, v := range r.f.topics[aws.ToString(in.TopicArn)] {
		attrs[k] = v
	}
	return &sns.GetTopicAttributesOutput{Attributes: attrs}, nil
}

func (r regional) GetSubscriptionAttributes(_ context.Context, in *sns.GetSubscriptionAttributesInput, _ ...func(*sns.Options)) (*sns.GetSubscriptionAttributesOutput, error) {
	if err := r.f.enter("GetSubscriptionAttributes", r.region); err != nil {
		return nil, err
	}
	attrs := map[string]string{"SubscriptionArn": aws.ToString(in.SubscriptionArn), "Endpoint": "a@example.com"}
	for k, v := range r.f.subAttrs[aws.ToString(in.SubscriptionArn)] {
		attrs[k] = v
	}
	return &sns.GetSubscriptionAttributesOutput{Attributes: attrs}, nil
}

func (r regional) DescribeKey(_ context.Context, in *kms.DescribeKeyInput, _ ...func(*kms.Options)) (*kms.DescribeKeyOutput, error) {
	if err := r.f.enter("DescribeKey", r.region); err != nil {
		return nil, err
	}
	m, ok := r.f.keys[r.region+" "+aws.ToString(in.KeyId)]
	if !ok {
		return nil, apiError("KMS", "DescribeKey", 400, "NotFoundException", "Key not found")
	}
	return &kms.DescribeKeyOutput{KeyMetadata: &m}, nil
}

func (r regional) GetKeyPolicy(_ context.Context, in *kms.GetKeyPolicyInput, _ ...func(*kms.Options)) (*kms.GetKeyPolicyOutput, error) {
	if err := r.f.enter("GetKeyPolicy", r.region); err != nil {
		return nil, err
	}
	p, ok := r.f.policies[aws.ToString(in.KeyId)]
	if !ok {
		return nil, apiError("KMS", "GetKeyPolicy", 400, "NotFoundException", "Key not found")
	}
	return &kms.GetKeyPolicyOutput{Policy: aws.String(p), PolicyName: in.PolicyName}, nil
}

func (r regional) ListSubscriptionsByTopic(_ context.Context, in *sns.ListSubscriptionsByTopicInput, _ ...func(*sns.Options)) (*sns.ListSubscriptionsByTopicOutput, error) {
	if err := r.f.enter("ListSubscriptionsByTopic", r.region); err != nil {
		return nil, err
	}
	items, next := page(r.f.subs[aws.ToString(in.TopicArn)], in.NextToken)
	return &sns.ListSubscriptionsByTopicOutput{Subscriptions: items, NextToken: next}, nil
}

func (r regional) GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	if err := r.f.enter("GetCallerIdentity", r.region); err != nil {
		return nil, err
	}
	return &sts.GetCallerIdentityOutput{Account: aws.String(r.f.account), Arn: aws.String("arn:aws:sts::" + r.f.account + ":assumed-role/audit/x")}, nil
}

func (r regional) DescribeRegions(context.Context, *ec2.DescribeRegionsInput, ...func(*ec2.Options)) (*ec2.DescribeRegionsOutput, error) {
	if err := r.f.enter("DescribeRegions", r.region); err != nil {
		return nil, err
	}
	var out []ec2types.Region
	for _, n := range r.f.regions {
		out = append(out, ec2types.Region{RegionName: aws.String(n)})
	}
	return &ec2.DescribeRegionsOutput{Regions: out}, nil
}

// apiError is what the SDK returns for an API error answer.
func apiError(service, op string, status int, code, msg string) error {
	return &smithy.OperationError{ServiceID: service, OperationName: op, Err: &awshttp.ResponseError{
		ResponseError: &smithyhttp.ResponseError{
			Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}},
			Err:      &smithy.GenericAPIError{Code: code, Message: msg},
		},
	}}
}

const acct = "111122223333"

// newFake is an account with a multi-region trail homed in us-west-2 (seen
// from every region), delivering to a log group in us-west-2, whose alarm
// notifies a topic in ap-southeast-2.
func newFake() *fake {
	trail := cttypes.Trail{
		Name: aws.String("main"), TrailARN: aws.String("arn:aws:cloudtrail:us-west-2:" + acct + ":trail/main"),
		HomeRegion: aws.String("us-west-2"), IsMultiRegionTrail: aws.Bool(true),
		CloudWatchLogsLogGroupArn: aws.String("arn:aws:logs:us-west-2:" + acct + ":log-group:trail-logs:*"),
	}
	topic := "arn:aws:sns:ap-southeast-2:" + acct + ":alerts"
	mf := func(name string) cwltypes.MetricFilter {
		return cwltypes.MetricFilter{FilterName: aws.String(name), FilterPattern: aws.String("x"), LogGroupName: aws.String("trail-logs"),
			MetricTransformations: []cwltypes.MetricTransformation{{MetricName: aws.String(name), MetricNamespace: aws.String("CIS"), MetricValue: aws.String("1")}}}
	}
	alarm := func(name, action string) cwtypes.MetricAlarm {
		return cwtypes.MetricAlarm{AlarmName: aws.String(name), ActionsEnabled: aws.Bool(true), AlarmActions: []string{action}, MetricName: aws.String("f1"), Namespace: aws.String("CIS")}
	}
	return &fake{
		account: acct,
		trails: map[string][]cttypes.Trail{
			"eu-west-1": {trail}, "us-west-2": {trail}, "us-east-1": {trail}, "ap-southeast-2": {trail},
		},
		status:  map[string]bool{aws.ToString(trail.TrailARN): true},
		filters: map[string][][]cwltypes.MetricFilter{"us-west-2/trail-logs": {{mf("f1"), mf("f2")}, {mf("f3")}, {mf("f4")}}},
		alarms: map[string][][]cwtypes.MetricAlarm{
			"us-west-2": {{alarm("a1", topic)}, {alarm("a2", "arn:aws:automate:us-west-2:ec2:stop"), alarm("a3", "arn:aws:sns:us-west-2:999999999999:theirs")}},
		},
		subs: map[string][][]snstypes.Subscription{topic: {
			{{SubscriptionArn: aws.String(topic + ":1"), Protocol: aws.String("email"), Endpoint: aws.String("a@example.com")}},
			{{SubscriptionArn: aws.String("PendingConfirmation"), Protocol: aws.String("https"), Endpoint: aws.String("https://hook.example.com/?token=secret")}},
		}},
		regions:  []string{"eu-west-1", "us-east-1", "us-west-2", "ap-southeast-2"},
		failures: map[string]error{},
	}
}

func collectFake(t *testing.T, f *fake, opts Options) *snapshot.Snapshot {
	t.Helper()
	if opts.Concurrency == 0 {
		opts.Concurrency = 4
	}
	snap, _, err := Collect(context.Background(), []Target{{API: f}}, opts)
	if err != nil {
		t.Fatal(err)
	}
	data, err := snap.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := snapshot.Decode("collected", data); err != nil {
		t.Fatalf("the collected snapshot is not valid: %v", err)
	}
	return snap
}

func region(t *testing.T, s *snapshot.Snapshot, name string) *snapshot.Region {
	t.Helper()
	for i := range s.Accounts[0].Regions {
		if s.Accounts[0].Regions[i].Region == name {
			return &s.Accounts[0].Regions[i]
		}
	}
	t.Fatalf("region %s not in the snapshot", name)
	return nil
}

// The chain decides where to look: the trail's home region, its log
// group's region and the topic's region are read though only eu-west-1 was
// asked for, and each call goes to the right region.
func TestFollowsTheChain(t *testing.T) {
	f := newFake()
	s := collectFake(t, f, Options{Regions: []string{"eu-west-1"}})
	var got []string
	for _, r := range s.Accounts[0].Regions {
		got = append(got, r.Region)
	}
	if want := []string{"ap-southeast-2", "eu-west-1", "us-west-2"}; !slices.Equal(got, want) {
		t.Errorf("regions read %v, want %v", got, want)
	}
	for op, want := range map[string][]string{
		"GetTrailStatus":           {"us-west-2"},
		"GetEventSelectors":        {"us-west-2"},
		"DescribeMetricFilters":    {"us-west-2", "us-west-2", "us-west-2"}, // three pages
		"DescribeTrails":           {"ap-southeast-2", "eu-west-1", "us-west-2"},
		"DescribeAlarms":           {"ap-southeast-2", "eu-west-1", "us-west-2", "us-west-2"},
		"GetTopicAttributes":       {"ap-southeast-2"},
		"ListSubscriptionsByTopic": {"ap-southeast-2", "ap-southeast-2"},
	} {
		if got := f.called(op); !slices.Equal(got, want) {
			t.Errorf("%s called in %v, want %v", op, got, want)
		}
	}
	home := region(t, s, "us-west-2")
	if len(home.Trails) != 1 || home.Trails[0].GetTrailStatus == nil || !home.Trails[0].GetTrailStatus.IsLogging {
		t.Errorf("trail in its home region: %+v", home.Trails)
	}
	if len(region(t, s, "eu-west-1").Trails) != 0 {
		t.Error("a shadow trail was recorded outside its home region")
	}
	// All pages, in order of name.
	var names []string
	for _, mf := range home.LogGroups[0].MetricFilters {
		names = append(names, mf.FilterName)
	}
	if !slices.Equal(names, []string{"f1", "f2", "f3", "f4"}) {
		t.Errorf("filters %v: pages lost", names)
	}
	if len(home.MetricAlarms) != 3 {
		t.Errorf("%d alarms, want 3 from two pages", len(home.MetricAlarms))
	}
	topics := region(t, s, "ap-southeast-2").Topics
	if len(topics) != 1 || len(topics[0].Subscriptions) != 2 {
		t.Fatalf("topics %+v", topics)
	}
	// Endpoints redacted, protocol and confirmation state kept.
	for _, sub := range topics[0].Subscriptions {
		if sub.Endpoint != Redacted || sub.Protocol == "" || sub.SubscriptionArn == "" {
			t.Errorf("subscription %+v", sub)
		}
	}
	// A topic of another account is left to that account.
	if slices.Contains(f.called("GetTopicAttributes"), "us-west-2") {
		t.Error("another account's topic was read")
	}
}

func TestKeepEndpoints(t *testing.T) {
	s := collectFake(t, newFake(), Options{Regions: []string{"us-west-2"}, KeepEndpoints: true})
	subs := region(t, s, "ap-southeast-2").Topics[0].Subscriptions
	if !slices.ContainsFunc(subs, func(s snapshot.Subscription) bool { return s.Endpoint == "https://hook.example.com/?token=secret" }) {
		t.Errorf("endpoints not kept: %+v", subs)
	}
}

func TestAllRegions(t *testing.T) {
	f := newFake()
	s := collectFake(t, f, Options{AllRegions: true, BootstrapRegion: "us-east-1"})
	if got := len(s.Accounts[0].Regions); got != 4 {
		t.Errorf("%d regions, want the 4 enabled", got)
	}
	if got := f.called("DescribeRegions"); !slices.Equal(got, []string{"us-east-1"}) {
		t.Errorf("DescribeRegions called in %v", got)
	}
}

// Failed calls are recorded where they happened, with what AWS said, and
// the rest is collected all the same.
func TestFailuresRecorded(t *testing.T) {
	f := newFake()
	f.failures["DescribeAlarms eu-west-1"] = apiError("CloudWatch", "DescribeAlarms", 403, "AccessDenied", "not authorized to perform: cloudwatch:DescribeAlarms")
	f.failures["GetEventSelectors us-west-2"] = apiError("CloudTrail", "GetEventSelectors", 400, "ThrottlingException", "Rate exceeded")
	f.failures["ListSubscriptionsByTopic ap-southeast-2"] = &smithy.OperationError{ServiceID: "SNS", OperationName: "ListSubscriptionsByTopic", Err: context.DeadlineExceeded}
	s := collectFake(t, f, Options{Regions: []string{"eu-west-1", "us-west-2"}})

	eu := region(t, s, "eu-west-1")
	want := snapshot.CallError{Service: "cloudwatch", Operation: "DescribeAlarms", Region: "eu-west-1", ErrorCode: "AccessDenied",
		Message: "not authorized to perform: cloudwatch:DescribeAlarms", HTTPStatus: 403}
	if len(eu.Errors) != 1 || eu.Errors[0] != want {
		t.Errorf("eu-west-1 errors %+v\nwant %+v", eu.Errors, want)
	}
	home := region(t, s, "us-west-2")
	trail := home.Trails[0]
	if trail.GetEventSelectors != nil || trail.GetTrailStatus == nil {
		t.Errorf("trail: selectors %v status %v", trail.GetEventSelectors, trail.GetTrailStatus)
	}
	if len(home.Errors) != 1 || home.Errors[0].Resource != trail.TrailARN || home.Errors[0].ErrorCode != "ThrottlingException" {
		t.Errorf("us-west-2 errors %+v", home.Errors)
	}
	ap := region(t, s, "ap-southeast-2")
	if len(ap.Errors) != 1 || ap.Errors[0].ErrorCode != "Timeout" || ap.Errors[0].Operation != "ListSubscriptionsByTopic" {
		t.Errorf("ap-southeast-2 errors %+v", ap.Errors)
	}
	if len(home.LogGroups) != 1 || len(home.MetricAlarms) != 3 {
		t.Error("a failure elsewhere stopped the rest of the collection")
	}
}

// A failed page drops the whole list: half a list of alarms is no list.
func TestFailedPageDropsTheList(t *testing.T) {
	f := newFake()
	calls := 0
	f.failures = nil
	wrapped := &pageFailer{fake: f, failOnCall: 2, calls: &calls}
	snap, _, err := Collect(context.Background(), []Target{{API: wrapped}}, Options{Regions: []string{"us-west-2"}, Concurrency: 1})
	if err != nil {
		t.Fatal(err)
	}
	home := region(t, snap, "us-west-2")
	if len(home.MetricAlarms) != 0 || len(home.Errors) != 1 || home.Errors[0].Operation != "DescribeAlarms" {
		t.Errorf("alarms %d, errors %+v", len(home.MetricAlarms), home.Errors)
	}
}

// pageFailer fails the second DescribeAlarms page.
type pageFailer struct {
	*fake
	failOnCall int
	calls      *int
}

func (p *pageFailer) CloudWatch(r string) CloudWatchAPI { return failingAlarms{regional{p.fake, r}, p} }

type failingAlarms struct {
	regional
	p *pageFailer
}

func (f failingAlarms) DescribeAlarms(ctx context.Context, in *cloudwatch.DescribeAlarmsInput, o ...func(*cloudwatch.Options)) (*cloudwatch.DescribeAlarmsOutput, error) {
	*f.p.calls++
	if *f.p.calls == f.p.failOnCall {
		return nil, apiError("CloudWatch", "DescribeAlarms", 500, "InternalFailure", "boom")
	}
	return f.regional.DescribeAlarms(ctx, in, o...)
}

// A trail listed in many regions is read once, in its home region.
func TestShadowTrailsReadOnce(t *testing.T) {
	f := newFake()
	collectFake(t, f, Options{Regions: []string{"eu-west-1", "us-east-1", "us-west-2", "ap-southeast-2"}})
	if got := f.called("GetTrailStatus"); len(got) != 1 {
		t.Errorf("GetTrailStatus called %d times", len(got))
	}
}

func TestConcurrencyBound(t *testing.T) {
	for _, n := range []int{1, 3} {
		f := newFake()
		f.delay = 5 * time.Millisecond
		collectFake(t, f, Options{Regions: f.regions, Concurrency: n})
		if f.maxIn > n {
			t.Errorf("concurrency %d: %d calls in flight", n, f.maxIn)
		}
		if n > 1 && f.maxIn < 2 {
			t.Errorf("concurrency %d: calls never overlapped", n)
		}
	}
}

// A role that cannot be assumed is recorded under the role's account; the
// caller's own identity failing leaves nothing to write.
func TestIdentityFailures(t *testing.T) {
	f := newFake()
	f.failures["GetCallerIdentity us-east-1"] = &smithy.OperationError{ServiceID: "STS", OperationName: "GetCallerIdentity",
		Err: fmt.Errorf("get credentials: %w", apiError("STS", "AssumeRole", 403, "AccessDenied", "not authorized to perform sts:AssumeRole"))}
	snap, _, err := Collect(context.Background(), []Target{{API: f, RoleARN: "arn:aws:iam::444455556666:role/audit", Account: "444455556666"}},
		Options{Regions: []string{"us-east-1"}})
	if err != nil {
		t.Fatal(err)
	}
	a := snap.Accounts[0]
	if a.AccountID != "444455556666" || len(a.Regions) != 0 || len(a.Errors) != 1 || a.Errors[0].Operation != "AssumeRole" || a.Errors[0].ErrorCode != "AccessDenied" {
		t.Errorf("account %+v", a)
	}
	if _, _, err := Collect(context.Background(), []Target{{API: f}}, Options{Regions: []string{"us-east-1"}}); err == nil {
		t.Error("an unknown identity gave a snapshot")
	}
}

func TestCanceled(t *testing.T) {
	f := newFake()
	f.delay = 50 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(20*time.Millisecond, cancel)
	snap, _, err := Collect(ctx, []Target{{API: f}}, Options{Regions: f.regions})
	if err == nil || snap != nil {
		t.Errorf("a canceled run returned a snapshot (err %v)", err)
	}
}

// A region list that would record failures with no region, or the same
// region twice, is refused before any call.
func TestRegionsChecked(t *testing.T) {
	for _, regions := range [][]string{{""}, {"us-east-1", ""}, {"eu-west-1", "eu-west-1"}, {"us-east-1,eu-west-1"}, {"US-EAST-1"}} {
		f := newFake()
		snap, _, err := Collect(context.Background(), []Target{{API: f}}, Options{Regions: regions})
		if err == nil || snap != nil || len(f.calls) != 0 {
			t.Errorf("%q: err %v, calls %q", regions, err, f.calls)
		}
	}
	if err := CheckRegions([]string{"us-east-1", "us-gov-west-1", "cn-northwest-1", "ap-southeast-5"}); err != nil {
		t.Errorf("real regions refused: %v", err)
	}
}

func TestCallTimeout(t *testing.T) {
	f := newFake()
	slow := &slowTrails{fake: f}
	snap, _, err := Collect(context.Background(), []Target{{API: slow}}, Options{Regions: []string{"eu-west-1"}, CallTimeout: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	errs := region(t, snap, "eu-west-1").Errors
	if len(errs) != 1 || errs[0].ErrorCode != "Timeout" || errs[0].Operation != "DescribeTrails" {
		t.Errorf("errors %+v", errs)
	}
}

type slowTrails struct{ *fake }

func (s *slowTrails) CloudTrail(r string) CloudTrailAPI { return slowCT{regional{s.fake, r}} }

type slowCT struct{ regional }

func (s slowCT) DescribeTrails(ctx context.Context, _ *cloudtrail.DescribeTrailsInput, _ ...func(*cloudtrail.Options)) (*cloudtrail.DescribeTrailsOutput, error) {
	<-ctx.Done()
	return nil, &smithy.OperationError{ServiceID: "CloudTrail", OperationName: "DescribeTrails", Err: ctx.Err()}
}

func TestLogGroupOf(t *testing.T) {
	for arn, want := range map[string]string{
		"arn:aws:logs:us-east-1:111122223333:log-group:CloudTrail/DefaultLogGroup:*": "us-east-1 CloudTrail/DefaultLogGroup 111122223333",
		"arn:aws:logs:eu-west-1:111122223333:log-group:x":                            "eu-west-1 x 111122223333",
		"arn:aws:s3:::bucket":                               "",
		"arn:aws:logs:us-east-1:111122223333:destination:x": "",
		"not an arn": "",
	} {
		got := ""
		if lg, ok := logGroupOf(arn); ok {
			got = lg.region + " " + lg.name + " " + lg.account
		}
		if got != want {
			t.Errorf("logGroupOf(%q) = %q, want %q", arn, got, want)
		}
	}
}

// A region reached late, through a log group, may list trails of its own:
// they are read too, and their links followed.
func TestLateRegionIsFollowed(t *testing.T) {
	f := newFake()
	local := cttypes.Trail{Name: aws.String("local"), TrailARN: aws.String("arn:aws:cloudtrail:ca-central-1:" + acct + ":trail/local"),
		HomeRegion: aws.String("ca-central-1"), CloudWatchLogsLogGroupArn: aws.String("arn:aws:logs:ca-central-1:" + acct + ":log-group:local-logs:*")}
	main := f.trails["us-west-2"][0]
	main.CloudWatchLogsLogGroupArn = aws.String("arn:aws:logs:ca-central-1:" + acct + ":log-group:trail-logs:*")
	f.trails = map[string][]cttypes.Trail{"eu-west-1": {main}, "us-west-2": {main}, "ca-central-1": {main, local}}
	s := collectFake(t, f, Options{Regions: []string{"eu-west-1"}})
	ca := region(t, s, "ca-central-1")
	if len(ca.Trails) != 1 || ca.Trails[0].Name != "local" || ca.Trails[0].GetTrailStatus == nil {
		t.Fatalf("trails of the late region: %+v", ca.Trails)
	}
	var groups []string
	for _, lg := range ca.LogGroups {
		groups = append(groups, lg.LogGroupName)
	}
	if !slices.Equal(groups, []string{"local-logs", "trail-logs"}) {
		t.Errorf("log groups read in ca-central-1: %v", groups)
	}
	if got := f.called("GetTrailStatus"); len(got) != 2 {
		t.Errorf("GetTrailStatus calls %v, want one per trail", got)
	}
}
