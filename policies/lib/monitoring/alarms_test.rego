package lib.monitoring.alarms_test

import data.lib.core
import data.lib.core.fixture
import data.lib.monitoring.probe
import data.lib.monitoring.remediation

test_fail_alarm_less_than_zero if {
	region := probe.with_alarm({"ComparisonOperator": "LessThanThreshold", "Threshold": 0})
	probe.fails_with(region, "trail main: filter probe publishes 1 for each event (metricValue 1), so one event makes the Sum 1, and alarm probe fires when Sum < 0")
	probe.result_for(region).remediation == "aws cloudwatch put-metric-alarm --region us-east-1 --alarm-name probe --metric-name probe --namespace CISBenchmark --statistic Sum --period 300 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 --treat-missing-data notBreaching --alarm-actions arn:aws:sns:us-east-1:111122223333:alerts"
}

test_fail_threshold_above_one_event if probe.fails_with(probe.with_alarm({"Threshold": 5}), "one event makes the Sum 1, and alarm probe fires when Sum >= 5")

test_fail_metric_value_zero if {
	region := probe.with_metric({"metricValue": "0"})
	probe.fails_with(region, "filter probe publishes 0 for each event (metricValue 0), so one event makes the Sum 0")
	startswith(probe.result_for(region).remediation, "aws logs put-metric-filter --region us-east-1 --log-group-name cloudtrail-logs --filter-name probe --metric-transformations '[{\"metricName\":\"probe\",\"metricNamespace\":\"CISBenchmark\",\"metricValue\":\"1\"}]' --filter-pattern")
}

# A filter name or pattern from the snapshot goes into the fix as one
# shell word: copied and pasted, it runs no command of its own.
test_remediation_quotes_names if {
	f := fixture.filter("probe; touch /tmp/pwned", probe.probe_pattern)
	region := object.union(probe.base_region, {"log_groups": [{"logGroupName": fixture.log_group, "metricFilters": [f]}]})
	contains(probe.result_for(region).remediation, "--alarm-name 'probe; touch /tmp/pwned' --metric-name 'probe; touch /tmp/pwned' --namespace")
	core.command(remediation.put_filter({"region": "us-east-1", "name": "lg"}, "n", {"metricName": "m", "metricNamespace": "ns"}, `{ $.userIdentity.userName = "it's" }`)) == `aws logs put-metric-filter --region us-east-1 --log-group-name lg --filter-name n --metric-transformations '[{"metricName":"m","metricNamespace":"ns","metricValue":"1"}]' --filter-pattern '{ $.userIdentity.userName = "it'\''s" }'`
}

test_fail_metric_value_from_the_event if probe.fails_with(probe.with_metric({"metricValue": "$.requestParameters.count"}), `filter probe publishes "$.requestParameters.count" for each event, not a number`)

test_pass_average_without_default if probe.passes(probe.with_alarm({"Statistic": "Average"}))

test_fail_average_with_default_zero if probe.fails_with(
	object.union(probe.with_metric({"defaultValue": 0}), {"metric_alarms": [object.union(fixture.alarm("probe"), {"Statistic": "Average"})]}),
	"filter probe has the default value 0, which it publishes for every other log event: with one event among many, the Average of the period tends to 0, and alarm probe fires when Average >= 1",
)

test_pass_sum_with_default_zero if probe.passes(probe.with_metric({"defaultValue": 0}))

test_fail_sum_with_negative_default if probe.fails_with(probe.with_metric({"defaultValue": -1}), "the Sum of the period tends to -inf")

test_pass_sample_count_whatever_the_value if probe.passes(object.union(probe.with_metric({"metricValue": "0"}), {"metric_alarms": [object.union(fixture.alarm("probe"), {"Statistic": "SampleCount"})]}))

test_pass_percentile if probe.passes(object.union(probe.with_alarm({}), {"metric_alarms": [object.union(object.remove(fixture.alarm("probe"), ["Statistic"]), {"ExtendedStatistic": "p99"})]}))

test_fail_unknown_statistic if probe.fails_with(object.union(probe.with_alarm({}), {"metric_alarms": [object.union(object.remove(fixture.alarm("probe"), ["Statistic"]), {"ExtendedStatistic": "PR(1:)"})]}), "alarm probe fires on PR(1:), which trailwatch does not evaluate")

#
# AWS's tables ("Configuring how CloudWatch alarms treat missing data"):
# treated as missing (the default), one breaching datapoint among missing
# ones fires, whatever M of N; as notBreaching, it takes M; as breaching
# the alarm is always in ALARM, as ignore it stays there after the first.

test_pass_several_datapoints_with_missing_data_missing if probe.passes(probe.with_alarm({"EvaluationPeriods": 3, "DatapointsToAlarm": 2}))

test_pass_several_periods_with_missing_data_missing if probe.passes(probe.with_alarm({"EvaluationPeriods": 3, "TreatMissingData": "missing"}))

test_fail_several_datapoints if probe.fails_with(probe.with_alarm({"EvaluationPeriods": 3, "DatapointsToAlarm": 2, "TreatMissingData": "notBreaching"}), "alarm probe needs 2 breaching datapoints out of 3, and one event breaches one period (it treats missing data as notBreaching, so the periods without an event count as not breaching)")

test_fail_missing_data_breaching if {
	region := probe.with_alarm({"TreatMissingData": "breaching"})
	probe.fails_with(region, "alarm probe treats missing data as breaching, and filter probe publishes its metric only when an event matches (it has no default value): the alarm is in ALARM whenever nothing happens")
	contains(probe.result_for(region).remediation, "--treat-missing-data notBreaching")
}

test_fail_missing_data_ignored if probe.fails_with(probe.with_alarm({"TreatMissingData": "ignore"}), "after the first event the alarm stays in ALARM (missing data keeps the state), and CloudWatch notifies only when the state changes, so the next event notifies nobody")

test_pass_missing_data_breaching_with_a_default_value if probe.passes(object.union(probe.with_metric({"defaultValue": 0}), {"metric_alarms": [object.union(fixture.alarm("probe"), {"TreatMissingData": "breaching"})]}))

test_pass_missing_data_not_breaching if probe.passes(probe.with_alarm({"TreatMissingData": "notBreaching"}))

test_fail_several_periods_with_a_default_value if probe.fails_with(object.union(probe.with_metric({"defaultValue": 0}), {"metric_alarms": [object.union(fixture.alarm("probe"), {"EvaluationPeriods": 2})]}), "alarm probe needs 2 breaching datapoints out of 2, and one event breaches one period (filter publishes its default value, 0, between events, and that does not breach)")

test_pass_one_of_several_datapoints if probe.passes(probe.with_alarm({"EvaluationPeriods": 5, "DatapointsToAlarm": 1}))

test_fail_anomaly_detection_band if probe.fails_with(
	object.union(probe.base_region, {"metric_alarms": [{
		"AlarmName": "band",
		"ActionsEnabled": true,
		"AlarmActions": [fixture.topic_arn],
		"Metrics": [
			{"Id": "m1", "MetricStat": {"Metric": {"Namespace": "CISBenchmark", "MetricName": "probe"}, "Period": 300, "Stat": "Sum"}, "ReturnData": true},
			{"Id": "ad1", "Expression": "ANOMALY_DETECTION_BAND(m1, 2)", "ReturnData": true},
		],
		"ThresholdMetricId": "ad1",
		"ComparisonOperator": "GreaterThanUpperThreshold",
		"EvaluationPeriods": 1,
	}]}),
	"alarm band compares with an anomaly-detection band (GreaterThanUpperThreshold), which one event need not cross",
)

test_fail_metric_math_beyond_reach if probe.fails_with(
	object.union(probe.base_region, {"metric_alarms": [{
		"AlarmName": "math",
		"ActionsEnabled": true,
		"AlarmActions": [fixture.topic_arn],
		"Metrics": [
			{"Id": "m1", "MetricStat": {"Metric": {"Namespace": "CISBenchmark", "MetricName": "probe"}, "Period": 300, "Stat": "Sum"}, "ReturnData": false},
			{"Id": "e1", "Expression": "RATE(m1)", "ReturnData": true},
		],
		"Threshold": 1,
		"ComparisonOperator": "GreaterThanOrEqualToThreshold",
		"EvaluationPeriods": 1,
	}]}),
	"alarm math fires on the expression RATE(m1), which trailwatch does not evaluate",
)

test_pass_one_firing_alarm_among_silent_ones if probe.passes(object.union(probe.base_region, {"metric_alarms": [
	object.union(fixture.alarm("probe"), {"AlarmName": "a-silent", "Threshold": 10}),
	fixture.alarm("probe"),
]}))

test_fail_alarm_unit_the_filter_does_not_publish if {
	region := probe.with_alarm({"Unit": "Count"})
	probe.fails_with(region, "alarm probe watches the unit Count, but filter probe publishes its metric without a unit (None), so the alarm sees none of its datapoints")
	not contains(probe.result_for(region).remediation, "--unit")
}

test_pass_alarm_unit_the_filter_publishes if probe.passes(object.union(probe.with_metric({"unit": "Count"}), {"metric_alarms": [object.union(fixture.alarm("probe"), {"Unit": "Count"})]}))

test_pass_alarm_unit_none if probe.passes(probe.with_alarm({"Unit": "None"}))

# An alarm pinned to one value of a dimension sees that event only.
test_fail_alarm_pinned_to_one_dimension_value if {
	region := probe.with_dimensions(["StopLogging"])
	probe.fails_with(region, `filter probe publishes metric CISBenchmark/probe with dimensions {"EventName":"$.eventName"}, one metric per value, and its alarms watch only EventName=StopLogging (alarm probe-StopLogging): misses DeleteTrail`)
	r := probe.result_for(region)
	contains(r.remediation, "--metric-transformations '[{\"metricName\":\"probe\",\"metricNamespace\":\"CISBenchmark\",\"metricValue\":\"1\"}]' --filter-pattern")
}

test_pass_one_alarm_per_dimension_value if probe.passes(probe.with_dimensions(["StopLogging", "DeleteTrail"]))

test_error_dimension_trailwatch_cannot_follow if probe.errs_with(
	object.union(probe.with_metric({"dimensions": {"EventName": "$.requestParameters['name']"}}), {"metric_alarms": [object.union(fixture.alarm("probe"), {"Dimensions": [{"Name": "EventName", "Value": "x"}]})]}),
	"which trailwatch cannot follow into the records",
)
