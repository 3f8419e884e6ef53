// Package synth makes synthetic organizations for benchmarks and tests:
// snapshots as trailwatch collect would write them for an AWS Organization
// of any size, deterministic from a seed.
//
// The management account owns an organization trail that logs to a log
// group in its home region, with metric filters and alarms for the first
// OrgControls controls of the section; every member sees that trail in
// every region, and has a trail of its own in a home region of its own,
// with the whole section's filters and alarms and a topic with a confirmed
// subscription. One member in BrokenEvery has something wrong, each kind of
// break in turn: links of its own trail (which the organization trail
// covers for the controls it has, and not for the others), filters,
// alarms, topics, failed calls, and a role that could not be assumed.
//
// In a Distinct organization every member names its own things as a team
// would: its trail, log group, filters, metrics and their namespace,
// alarms, topic and trail bucket carry names of their own (the same
// patterns, the same shape); otherwise members are alike up to their id,
// as a landing zone deploys them.
package synth

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/trailwatch/trailwatch/internal/snapshot"
	"github.com/trailwatch/trailwatch/policies"
)

// Regions are the seventeen regions every account is read in.
var Regions = []string{
	"us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "sa-east-1",
	"eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1",
	"ap-south-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1", "ap-southeast-2",
}

// Options shape an organization.
type Options struct {
	Accounts    int   // the management account and Accounts-1 members
	Regions     int   // how many of Regions each account is read in; 0 means all 17
	Seed        int64 // the same seed makes the same organization
	BrokenEvery int   // one member in BrokenEvery has a break; 0 means 10
	OrgControls int   // controls the organization trail's log group has filters for; 0 means 10
	// Distinct gives every member names of its own (see the package's
	// comment); false makes members alike up to their id.
	Distinct bool
}

// names are what a member calls its things.
type names struct {
	trail, logGroup, topic, bucket string
	filter                         func(control string) string // filter, metric and alarm name
	namespace                      string
}

// landingZone is how a landing zone names a member's things: the same in
// every account but for the id.
func landingZone(id string) names {
	return names{trail: "management-events", logGroup: "aws-cloudtrail-logs-" + id, topic: "security-alerts", bucket: "audit-logs-" + id,
		filter: func(c string) string { return c }, namespace: "CISBenchmark"}
}

// teamWords make the names teams give their things.
var teamWords = [][]string{
	{"acme", "blue", "core", "data", "edge", "fast", "gold", "hub", "iron", "jade", "kite", "lime", "mint", "nova", "opal", "pine"},
	{"payments", "search", "ledger", "media", "identity", "billing", "catalog", "growth", "mobile", "platform", "risk", "support"},
}

// team is how a team names its things: a name of its own, and its own
// conventions for each kind (a prefix or a path, a case).
func team(id string, rng *rand.Rand) names {
	name := fmt.Sprintf("%s-%s-%s", teamWords[0][rng.IntN(len(teamWords[0]))], teamWords[1][rng.IntN(len(teamWords[1]))], id[len(id)-4:])
	n := names{
		trail:     name + "-audit",
		logGroup:  "/" + strings.ReplaceAll(name, "-", "/") + "/cloudtrail",
		topic:     name + "-security-alarms",
		bucket:    name + "-cloudtrail-" + id,
		namespace: "Teams/" + name,
	}
	switch rng.IntN(3) {
	case 0:
		n.filter = func(c string) string { return name + "-" + c }
	case 1:
		n.filter = func(c string) string { return strings.ToLower(c) + "." + name }
	default:
		n.filter = func(c string) string { return "CIS_" + c + "_" + id[len(id)-4:] }
	}
	return n
}

// Breaks are the kinds of break members get, in turn.
var Breaks = []string{
	"logging-stopped", "not-multi-region", "no-management-events", "filter-misses-event", "metric-value-zero",
	"alarm-actions-disabled", "alarm-other-namespace", "no-subscription", "alarms-unreadable", "role-not-assumed",
}

// Management is the management account's id.
const Management = "100000000000"

// Organization makes the snapshot of an organization.
func Organization(o Options) (*snapshot.Snapshot, error) {
	if o.Accounts < 1 {
		return nil, fmt.Errorf("synth: an organization needs an account")
	}
	if o.Regions <= 0 || o.Regions > len(Regions) {
		o.Regions = len(Regions)
	}
	if o.BrokenEvery <= 0 {
		o.BrokenEvery = 10
	}
	section, err := policies.Section("")
	if err != nil {
		return nil, err
	}
	if o.OrgControls <= 0 || o.OrgControls > len(section) {
		o.OrgControls = min(10, len(section))
	}
	rng := rand.New(rand.NewPCG(uint64(o.Seed), 0x7472_6169_6c77))
	regions := Regions[:o.Regions]
	when := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	s := &snapshot.Snapshot{FormatVersion: snapshot.FormatVersion, Generator: "trailwatch synth", CollectedAt: when.Format(time.RFC3339)}

	// The management account: a trail of its own with the whole section,
	// and the organization trail, whose log group has filters for the
	// first OrgControls controls.
	const orgHome, orgLogGroup = "us-east-1", "aws-controltower/CloudTrailLogs"
	orgTrail := trail(Management, orgHome, "organization-trail", orgLogGroup)
	orgTrail.IsOrganizationTrail = true
	mn := landingZone(Management)
	mgmt := account(Management, regions, orgHome, trail(Management, orgHome, mn.trail, mn.logGroup), mn, section, nil)
	for i := range mgmt.Regions {
		if r := &mgmt.Regions[i]; r.Region == orgHome {
			r.Trails = append(r.Trails, orgTrail)
			org := landingZone(Management)
			org.logGroup, org.topic = orgLogGroup, "org-security-alerts"
			org.filter = func(c string) string { return "Org" + c }
			addChain(r, Management, org, section[:o.OrgControls])
		}
	}
	s.Accounts = append(s.Accounts, mgmt)

	shadow := orgTrail
	shadow.GetTrailStatus, shadow.GetEventSelectors = nil, nil
	broken := 0
	for i := 1; i < o.Accounts; i++ {
		id := fmt.Sprintf("%012d", 200000000000+i)
		home := regions[rng.IntN(len(regions))]
		n := landingZone(id)
		if o.Distinct {
			n = team(id, rng)
		}
		own := trail(id, home, n.trail, n.logGroup)
		own.S3BucketName = n.bucket
		a := account(id, regions, home, own, n, section, &shadow)
		if i%o.BrokenEvery == 0 {
			breakAccount(&a, home, Breaks[broken%len(Breaks)])
			broken++
		}
		s.Accounts = append(s.Accounts, a)
	}
	s.Normalize()
	return s, nil
}

func trail(acct, home, name, logGroup string) snapshot.Trail {
	return snapshot.Trail{
		Name: name, TrailARN: fmt.Sprintf("arn:aws:cloudtrail:%s:%s:trail/%s", home, acct, name), HomeRegion: home,
		IsMultiRegionTrail: true, IncludeGlobalServiceEvents: true, LogFileValidationEnabled: true, HasCustomEventSelectors: true,
		S3BucketName:              "audit-logs-" + acct,
		KmsKeyId:                  trailKey(acct, home),
		CloudWatchLogsLogGroupArn: fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s:*", home, acct, logGroup),
		CloudWatchLogsRoleArn:     fmt.Sprintf("arn:aws:iam::%s:role/CloudTrailToCloudWatchLogs", acct),
		GetTrailStatus:            &snapshot.TrailStatus{IsLogging: true, LatestDeliveryTime: "2026-11-20T09:55:00Z", LatestCloudWatchLogsDeliveryTime: "2026-11-20T09:55:00Z", StartLoggingTime: "2026-01-05T08:00:00Z"},
		GetEventSelectors: &snapshot.EventSelectors{EventSelectors: []snapshot.EventSelector{
			{ReadWriteType: "All", IncludeManagementEvents: true},
			{ReadWriteType: "All", DataResources: []snapshot.DataResource{{Type: "AWS::S3::Object", Values: []string{"arn:aws:s3"}}}},
		}},
	}
}

// trailKey is the KMS key an account's trails encrypt their log files
// with, in its home region.
func trailKey(acct, home string) string {
	return fmt.Sprintf("arn:aws:kms:%s:%s:key/0a1b2c3d-4e5f-4a6b-8c7d-%s", home, acct, acct)
}

// integrity gives an account what the trail integrity family reads of
// its trails' keys and buckets: the key, enabled, in its home region; the
// bucket, its own, private and logging its access.
func integrity(a *snapshot.Account, home, bucket string) {
	blocked := &snapshot.PublicAccessBlockAnswer{PublicAccessBlockConfiguration: &snapshot.PublicAccessBlock{
		BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true,
	}}
	a.S3Buckets = []snapshot.S3Bucket{{
		Name: bucket, Owned: true, Region: home,
		GetBucketAcl:         &snapshot.BucketAcl{Grants: []snapshot.Grant{{Grantee: snapshot.Grantee{Type: "CanonicalUser", ID: "owner-" + a.AccountID}, Permission: "FULL_CONTROL"}}},
		GetPublicAccessBlock: blocked,
		GetBucketLogging:     &snapshot.BucketLogging{LoggingEnabled: &snapshot.LoggingEnabled{TargetBucket: "s3-access-logs-" + a.AccountID, TargetPrefix: bucket + "/"}},
	}}
	a.S3PublicAccessBlock = blocked
	key := trailKey(a.AccountID, home)
	for i := range a.Regions {
		if r := &a.Regions[i]; r.Region == home {
			r.KMSKeys = append(r.KMSKeys, snapshot.KMSKey{Reference: key, KeyMetadata: &snapshot.KeyMetadata{
				KeyId: key[len(key)-36:], Arn: key, AWSAccountId: a.AccountID, Enabled: true, KeyState: "Enabled", KeyManager: "CUSTOMER",
			}})
		}
	}
}

// account is an account read in regions, with its own trail delivering to
// its log group in home, filters and alarms for controls there, a topic,
// and the organization trail's record in every region when it is a member.
func account(id string, regions []string, home string, own snapshot.Trail, n names, controls []policies.Remedy, orgShadow *snapshot.Trail) snapshot.Account {
	a := snapshot.Account{AccountID: id, CallerArn: fmt.Sprintf("arn:aws:sts::%s:assumed-role/OrganizationAccountAccessRole/trailwatch", id)}
	for _, name := range regions {
		r := snapshot.Region{Region: name, Trails: []snapshot.Trail{}, MetricAlarms: []snapshot.MetricAlarm{}}
		if orgShadow != nil {
			r.Trails = append(r.Trails, *orgShadow)
		}
		if name == home {
			r.Trails = append(r.Trails, own)
			addChain(&r, id, n, controls)
		}
		a.Regions = append(a.Regions, r)
	}
	integrity(&a, home, own.S3BucketName)
	return a
}

// addChain adds to a region a log group with a metric filter per control,
// an alarm on each filter's metric, and the topic they notify, with a
// confirmed subscription, named as n says.
func addChain(r *snapshot.Region, id string, n names, controls []policies.Remedy) {
	topic := fmt.Sprintf("arn:aws:sns:%s:%s:%s", r.Region, id, n.topic)
	lg := snapshot.LogGroup{LogGroupName: n.logGroup, MetricFilters: []snapshot.MetricFilter{}}
	for _, c := range controls {
		name := n.filter(c.Name)
		lg.MetricFilters = append(lg.MetricFilters, snapshot.MetricFilter{
			FilterName: name, FilterPattern: c.Pattern, LogGroupName: n.logGroup, CreationTime: 1767600000000,
			MetricTransformations: []snapshot.MetricTransformation{{MetricName: name, MetricNamespace: n.namespace, MetricValue: "1"}},
		})
		one := 1.0
		r.MetricAlarms = append(r.MetricAlarms, snapshot.MetricAlarm{
			AlarmName: name, AlarmArn: fmt.Sprintf("arn:aws:cloudwatch:%s:%s:alarm:%s", r.Region, id, name),
			ActionsEnabled: true, AlarmActions: []string{topic}, StateValue: "OK",
			MetricName: name, Namespace: n.namespace, Statistic: "Sum", Period: 300, EvaluationPeriods: 1,
			Threshold: &one, ComparisonOperator: "GreaterThanOrEqualToThreshold", TreatMissingData: "notBreaching",
		})
	}
	r.LogGroups = append(r.LogGroups, lg)
	r.Topics = append(r.Topics, Topic(topic, id))
}

// breakAccount breaks one link of a member's own chain.
func breakAccount(a *snapshot.Account, home, kind string) {
	var r *snapshot.Region
	for i := range a.Regions {
		if a.Regions[i].Region == home {
			r = &a.Regions[i]
		}
	}
	own := &r.Trails[len(r.Trails)-1]
	switch kind {
	case "logging-stopped":
		own.GetTrailStatus.IsLogging = false
		own.GetTrailStatus.StopLoggingTime = "2026-11-19T23:12:00Z"
	case "not-multi-region":
		own.IsMultiRegionTrail = false
	case "no-management-events":
		own.GetEventSelectors.EventSelectors[0].ReadWriteType = "WriteOnly"
	case "filter-misses-event":
		for i := range r.LogGroups[0].MetricFilters {
			f := &r.LogGroups[0].MetricFilters[i]
			f.FilterPattern = "{ $.eventName = NothingThatHappens }"
		}
	case "metric-value-zero":
		for i := range r.LogGroups[0].MetricFilters {
			r.LogGroups[0].MetricFilters[i].MetricTransformations[0].MetricValue = "0"
		}
	case "alarm-actions-disabled":
		for i := range r.MetricAlarms {
			r.MetricAlarms[i].ActionsEnabled = false
		}
	case "alarm-other-namespace":
		for i := range r.MetricAlarms {
			r.MetricAlarms[i].Namespace = "LogMetrics"
		}
	case "no-subscription":
		r.Topics[0].Subscriptions = []snapshot.Subscription{}
		r.Topics[0].Attributes["SubscriptionsConfirmed"] = "0"
	case "alarms-unreadable":
		r.MetricAlarms = nil
		r.Topics = nil
		r.Errors = append(r.Errors, snapshot.CallError{
			Service: "cloudwatch", Operation: "DescribeAlarms", Region: home, ErrorCode: "AccessDenied", HTTPStatus: 403,
			Message: fmt.Sprintf("User: arn:aws:sts::%s:assumed-role/OrganizationAccountAccessRole/trailwatch is not authorized to perform: cloudwatch:DescribeAlarms", a.AccountID),
		})
	case "role-not-assumed":
		a.Regions = []snapshot.Region{}
		a.S3Buckets, a.S3PublicAccessBlock = nil, nil
		a.CallerArn = ""
		a.Errors = []snapshot.CallError{{
			Service: "sts", Operation: "AssumeRole", ErrorCode: "AccessDenied", HTTPStatus: 403,
			Message: fmt.Sprintf("User: arn:aws:sts::%s:assumed-role/OrganizationAudit/trailwatch is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::%s:role/OrganizationAccountAccessRole", Management, a.AccountID),
		}}
	}
}
