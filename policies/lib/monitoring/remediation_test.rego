package lib.monitoring.remediation_test

import data.lib.core.fixture
import data.lib.monitoring.probe

test_fix_new_filter_reuses_namespace_and_topic if {
	other := object.union(fixture.filter("Unrelated", "{ $.eventName = CreateUser }"), {"metricTransformations": [{"metricName": "Unrelated", "metricNamespace": "LogMetrics", "metricValue": "1"}]})
	region := object.union(fixture.region([other]), {"metric_alarms": [object.union(fixture.alarm("Unrelated"), {"Namespace": "LogMetrics"})]})
	r := probe.result_for(region)
	r.status == "FAIL"
	r.remediation == concat("\n", [
		"aws logs put-metric-filter --region us-east-1 --log-group-name cloudtrail-logs --filter-name Probe --metric-transformations '[{\"metricName\":\"Probe\",\"metricNamespace\":\"LogMetrics\",\"metricValue\":\"1\"}]' --filter-pattern '{ ($.eventName = StopLogging) || ($.eventName = DeleteTrail) }'",
		"aws cloudwatch put-metric-alarm --region us-east-1 --alarm-name Probe --metric-name Probe --namespace LogMetrics --statistic Sum --period 300 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 --treat-missing-data notBreaching --alarm-actions arn:aws:sns:us-east-1:111122223333:alerts",
	])
}

test_fix_broken_filter_in_place if {
	r := probe.result_for(fixture.with_pattern("{ $.eventName = StopLogging }"))
	r.remediation == "aws logs put-metric-filter --region us-east-1 --log-group-name cloudtrail-logs --filter-name probe --metric-transformations '[{\"metricName\":\"probe\",\"metricNamespace\":\"CISBenchmark\",\"metricValue\":\"1\"}]' --filter-pattern '{ ($.eventName = StopLogging) || ($.eventName = DeleteTrail) }'"
}

test_fix_creates_a_topic_when_there_is_none if {
	r := probe.result_for(object.union(fixture.region([]), {"topics": []}))
	r.remediation == concat("\n", [
		"aws logs put-metric-filter --region us-east-1 --log-group-name cloudtrail-logs --filter-name Probe --metric-transformations '[{\"metricName\":\"Probe\",\"metricNamespace\":\"CISBenchmark\",\"metricValue\":\"1\"}]' --filter-pattern '{ ($.eventName = StopLogging) || ($.eventName = DeleteTrail) }'",
		"aws sns create-topic --region us-east-1 --name security-alerts",
		"aws sns subscribe --region us-east-1 --topic-arn arn:aws:sns:us-east-1:111122223333:security-alerts --protocol email --notification-endpoint '<address>', then confirm the subscription",
		"aws cloudwatch put-metric-alarm --region us-east-1 --alarm-name Probe --metric-name Probe --namespace CISBenchmark --statistic Sum --period 300 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 --treat-missing-data notBreaching --alarm-actions arn:aws:sns:us-east-1:111122223333:security-alerts",
	])
}

test_fix_subscribes_to_a_topic_nobody_confirmed if {
	region := object.union(probe.with_alarm({"Namespace": "Other"}), {"topics": [object.union(fixture.base_topic, {"Subscriptions": []})]})
	r := probe.result_for(region)
	startswith(r.remediation, "aws sns subscribe --region us-east-1 --topic-arn arn:aws:sns:us-east-1:111122223333:alerts --protocol email")
	endswith(r.remediation, "--alarm-actions arn:aws:sns:us-east-1:111122223333:alerts")
}

# A filter that carries the control's name is the one a reason talks
# about, even when another filter comes closer by accident.
test_fail_names_the_controls_own_filter if {
	region := fixture.region([
		fixture.filter("Probe", "{ $.eventName = StopLogging && $.userIdentity.type = Root }"),
		fixture.filter("Unrelated", "{ $.awsRegion = us-east-1 }"),
	])
	probe.fails_with(region, "catches what this control requires: filter Probe misses DeleteTrail; catches StopLogging only when called by the root user in the console")
	startswith(probe.result_for(region).remediation, "aws logs put-metric-filter --region us-east-1 --log-group-name cloudtrail-logs --filter-name Probe --metric-transformations '[{\"metricName\":\"Probe\",")
}

# A pattern AWS may accept but trailwatch does not judge (a regular
# expression too costly to match) might catch what the control requires:
# ERROR, never FAIL or PASS.
test_error_filter_trailwatch_does_not_judge if probe.errs_with(
	fixture.region([fixture.filter("probe", `%\w{,1000}\w{,1000}\w{,1000}StopLogging%`)]),
	"no metric filter on its log group cloudtrail-logs is known to catch what this control requires: trailwatch cannot judge filter probe (the regular expression at column 2 compiles to",
)

test_pass_despite_a_filter_trailwatch_does_not_judge if probe.passes(fixture.region([
	fixture.filter("a-huge", `%\w{,1000}\w{,1000}\w{,1000}x%`),
	fixture.filter("probe", probe.probe_pattern),
]))
