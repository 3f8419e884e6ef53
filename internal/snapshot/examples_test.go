package snapshot

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

// The example snapshots in snapshots/ are generated here from one compliant
// account, as the benchmark's remediation leaves it, each example breaking
// one link. go test ./internal/snapshot -run TestExamples -update rewrites
// them; without -update the test fails when a file differs from what this
// code generates.
var update = flag.Bool("update", false, "rewrite the example snapshots in snapshots/")

const (
	exAccount  = "111122223333"
	exRegion   = "us-east-1"
	exTrailARN = "arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events"
	exLogGroup = "aws-cloudtrail-logs-111122223333"
	exTopic    = "arn:aws:sns:us-east-1:111122223333:security-alerts"
	exPattern  = "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }"
)

func compliant() *Snapshot {
	threshold := 1.0
	return &Snapshot{
		FormatVersion: FormatVersion,
		Generator:     "trailwatch example",
		CollectedAt:   "2026-11-20T10:00:00Z",
		Accounts: []Account{{
			AccountID: exAccount,
			CallerArn: "arn:aws:sts::111122223333:assumed-role/SecurityAudit/trailwatch",
			Regions: []Region{
				{
					Region: exRegion,
					Trails: []Trail{{
						Name:                       "management-events",
						TrailARN:                   exTrailARN,
						HomeRegion:                 exRegion,
						IsMultiRegionTrail:         true,
						IncludeGlobalServiceEvents: true,
						LogFileValidationEnabled:   true,
						HasCustomEventSelectors:    true,
						S3BucketName:               "audit-logs-111122223333",
						CloudWatchLogsLogGroupArn:  "arn:aws:logs:us-east-1:111122223333:log-group:" + exLogGroup + ":*",
						CloudWatchLogsRoleArn:      "arn:aws:iam::111122223333:role/CloudTrailToCloudWatchLogs",
						GetTrailStatus: &TrailStatus{
							IsLogging:                        true,
							LatestDeliveryTime:               "2026-11-20T09:55:00Z",
							LatestCloudWatchLogsDeliveryTime: "2026-11-20T09:55:00Z",
							StartLoggingTime:                 "2026-01-05T08:00:00Z",
						},
						GetEventSelectors: &EventSelectors{EventSelectors: []EventSelector{{ReadWriteType: "All", IncludeManagementEvents: true}}},
					}},
					LogGroups: []LogGroup{{
						LogGroupName: exLogGroup,
						MetricFilters: []MetricFilter{{
							FilterName:    "CloudTrailConfigChanges",
							FilterPattern: exPattern,
							LogGroupName:  exLogGroup,
							CreationTime:  1767600000000,
							MetricTransformations: []MetricTransformation{{
								MetricName: "CloudTrailConfigChanges", MetricNamespace: "CISBenchmark", MetricValue: "1",
							}},
						}},
					}},
					MetricAlarms: []MetricAlarm{{
						AlarmName:          "CloudTrailConfigChanges",
						AlarmArn:           "arn:aws:cloudwatch:us-east-1:111122223333:alarm:CloudTrailConfigChanges",
						ActionsEnabled:     true,
						AlarmActions:       []string{exTopic},
						StateValue:         "INSUFFICIENT_DATA",
						MetricName:         "CloudTrailConfigChanges",
						Namespace:          "CISBenchmark",
						Statistic:          "Sum",
						Period:             300,
						EvaluationPeriods:  1,
						Threshold:          &threshold,
						ComparisonOperator: "GreaterThanOrEqualToThreshold",
					}},
					Topics: []Topic{{
						TopicArn:   exTopic,
						Attributes: map[string]string{"SubscriptionsConfirmed": "1", "SubscriptionsPending": "0", "DisplayName": ""},
						Subscriptions: []Subscription{{
							SubscriptionArn: exTopic + ":6f1d2c3b-4a5e-4f60-8b7c-9d0e1f2a3b4c",
							Protocol:        "email",
							Endpoint:        "REDACTED",
							Owner:           exAccount,
							TopicArn:        exTopic,
						}},
					}},
				},
				{Region: "eu-west-1"},
			},
		}},
	}
}

// The examples, by file name: what each changes in the compliant account.
var examples = map[string]func(s *Snapshot){
	"compliant.json": func(*Snapshot) {},
	"broken-not-multi-region.json": func(s *Snapshot) {
		trail(s).IsMultiRegionTrail = false
	},
	"broken-logging-stopped.json": func(s *Snapshot) {
		trail(s).GetTrailStatus.IsLogging = false
		trail(s).GetTrailStatus.StopLoggingTime = "2026-11-19T23:12:00Z"
	},
	"broken-no-management-events.json": func(s *Snapshot) {
		trail(s).GetEventSelectors.EventSelectors[0].ReadWriteType = "WriteOnly"
	},
	"broken-no-log-group.json": func(s *Snapshot) {
		trail(s).CloudWatchLogsLogGroupArn = ""
		trail(s).CloudWatchLogsRoleArn = ""
		home(s).LogGroups = nil
	},
	"broken-filter-on-other-log-group.json": func(s *Snapshot) {
		lg := &home(s).LogGroups[0]
		lg.MetricFilters = []MetricFilter{}
		other := compliant().Accounts[0].Regions[0].LogGroups[0]
		other.LogGroupName = "application-logs"
		other.MetricFilters[0].LogGroupName = "application-logs"
		home(s).LogGroups = append(home(s).LogGroups, other)
	},
	"broken-filter-misses-event.json": func(s *Snapshot) {
		home(s).LogGroups[0].MetricFilters[0].FilterPattern = "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) }"
	},
	"broken-filter-and-instead-of-or.json": func(s *Snapshot) {
		home(s).LogGroups[0].MetricFilters[0].FilterPattern = "{ ($.eventName = CreateTrail) && ($.eventName = UpdateTrail) && ($.eventName = DeleteTrail) && ($.eventName = StartLogging) && ($.eventName = StopLogging) }"
	},
	"broken-alarm-other-namespace.json": func(s *Snapshot) {
		home(s).MetricAlarms[0].Namespace = "CloudTrailMetrics"
	},
	"broken-alarm-actions-disabled.json": func(s *Snapshot) {
		home(s).MetricAlarms[0].ActionsEnabled = false
	},
	"broken-alarm-notifies-nothing.json": func(s *Snapshot) {
		home(s).MetricAlarms[0].AlarmActions = []string{}
		home(s).Topics = nil
	},
	"broken-topic-no-subscription.json": func(s *Snapshot) {
		tp := &home(s).Topics[0]
		tp.Subscriptions[0].SubscriptionArn = "PendingConfirmation"
		tp.Attributes["SubscriptionsConfirmed"], tp.Attributes["SubscriptionsPending"] = "0", "1"
	},
	"error-alarms-unreadable.json": func(s *Snapshot) {
		r := home(s)
		r.MetricAlarms = nil
		r.Topics = nil
		r.Errors = append(r.Errors, CallError{
			Service: "cloudwatch", Operation: "DescribeAlarms", Region: exRegion,
			ErrorCode: "AccessDenied", HTTPStatus: 403,
			Message: "User: arn:aws:sts::111122223333:assumed-role/SecurityAudit/trailwatch is not authorized to perform: cloudwatch:DescribeAlarms",
		})
	},
}

func home(s *Snapshot) *Region { return &s.Accounts[0].Regions[0] }
func trail(s *Snapshot) *Trail { return &home(s).Trails[0] }

func TestExamples(t *testing.T) {
	dir := filepath.Join("..", "..", "snapshots")
	for name, change := range examples {
		s := compliant()
		change(s)
		want, err := s.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Decode(name, want); err != nil {
			t.Errorf("generated example %s is not a valid snapshot: %v", name, err)
		}
		path := filepath.Join(dir, name)
		if *update {
			if err := WriteFileAtomic(path, want); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%v (run go test ./internal/snapshot -run TestExamples -update)", err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from what examples_test.go generates; rerun with -update", path)
		}
	}
}
