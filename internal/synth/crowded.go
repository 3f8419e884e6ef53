package synth

import (
	"fmt"

	"github.com/trailwatch/trailwatch/internal/snapshot"
)

// CrowdedAccount is the account Crowded makes.
const CrowdedAccount = "111122223333"

// Crowded is one account, read in us-east-1, crowded with what a hostile
// snapshot can hold within AWS's limits: trails trails, each logging
// management events to a log group of its own that holds the metric
// filters filters returns for it, an alarm (threshold 1, Sum, 5 minutes)
// on each metric of alarmMetrics in the namespace NS, and one topic with a
// subscription that every alarm notifies.
func Crowded(trails int, filters func(logGroup string) []snapshot.MetricFilter, alarmMetrics []string) *snapshot.Snapshot {
	id := CrowdedAccount
	one := 1.0
	topic := "arn:aws:sns:us-east-1:" + id + ":t"
	r := snapshot.Region{Region: "us-east-1"}
	for t := range trails {
		lg := fmt.Sprintf("lg%d", t)
		r.Trails = append(r.Trails, snapshot.Trail{Name: fmt.Sprintf("t%d", t), TrailARN: fmt.Sprintf("arn:aws:cloudtrail:us-east-1:%s:trail/t%d", id, t), HomeRegion: "us-east-1", IsMultiRegionTrail: true,
			CloudWatchLogsLogGroupArn: fmt.Sprintf("arn:aws:logs:us-east-1:%s:log-group:%s:*", id, lg),
			GetTrailStatus:            &snapshot.TrailStatus{IsLogging: true},
			GetEventSelectors:         &snapshot.EventSelectors{EventSelectors: []snapshot.EventSelector{{ReadWriteType: "All", IncludeManagementEvents: true}}}})
		r.LogGroups = append(r.LogGroups, snapshot.LogGroup{LogGroupName: lg, MetricFilters: filters(lg)})
	}
	for a, metric := range alarmMetrics {
		r.MetricAlarms = append(r.MetricAlarms, snapshot.MetricAlarm{AlarmName: fmt.Sprintf("a%d", a), ActionsEnabled: true, AlarmActions: []string{topic},
			MetricName: metric, Namespace: "NS", Statistic: "Sum", Period: 300, EvaluationPeriods: 1, Threshold: &one, ComparisonOperator: "GreaterThanOrEqualToThreshold"})
	}
	r.Topics = []snapshot.Topic{Topic(topic, id)}
	return &snapshot.Snapshot{FormatVersion: 1, Generator: "trailwatch synth", Accounts: []snapshot.Account{{AccountID: id, Regions: []snapshot.Region{r}}}}
}

// Filter is a metric filter of logGroup that counts 1 into metric, in the
// namespace NS, for each event pattern matches.
func Filter(logGroup, name, pattern, metric string) snapshot.MetricFilter {
	return snapshot.MetricFilter{FilterName: name, FilterPattern: pattern, LogGroupName: logGroup,
		MetricTransformations: []snapshot.MetricTransformation{{MetricName: metric, MetricNamespace: "NS", MetricValue: "1"}}}
}
