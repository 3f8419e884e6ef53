package lib.monitoring.verdict_test

import data.lib.core
import data.lib.core.fixture
import data.lib.monitoring
import data.lib.monitoring.probe
import data.lib.monitoring.records

test_pass_benchmark_remediation if {
	r := probe.result_for(probe.base_region)
	r.status == "PASS"
	r.reason == "probe events reach a human: trail main -> log group cloudtrail-logs -> filter probe -> metric CISBenchmark/probe -> alarm probe -> topic arn:aws:sns:us-east-1:111122223333:alerts (confirmed subscriptions that let it through: 1)"
	r.evidence.chain == {
		"trail": fixture.trail_arn,
		"home_region": "us-east-1",
		"log_group": "arn:aws:logs:us-east-1:111122223333:log-group:cloudtrail-logs:*",
		"metric_filter": "probe",
		"filter_pattern": probe.probe_pattern,
		"metric": "CISBenchmark/probe",
		"alarm": "probe",
		"alarm_arn": "",
		"topic": fixture.topic_arn,
		"confirmed_subscriptions": 1,
	}
	core.resources(r) == [
		{"type": "AWS::CloudTrail::Trail", "id": fixture.trail_arn, "name": "main", "region": "us-east-1"},
		{"type": "AWS::Logs::LogGroup", "id": "arn:aws:logs:us-east-1:111122223333:log-group:cloudtrail-logs", "name": "cloudtrail-logs", "region": "us-east-1"},
		{"type": "AWS::Logs::MetricFilter", "id": "arn:aws:logs:us-east-1:111122223333:log-group:cloudtrail-logs:metric-filter:probe", "name": "probe", "region": "us-east-1"},
		{"type": "AWS::CloudWatch::Alarm", "id": "probe", "name": "probe", "region": "us-east-1"},
		{"type": "AWS::SNS::Topic", "id": fixture.topic_arn, "name": "alerts", "region": "us-east-1"},
	]
}

test_pass_broad_filter_is_noisy if {
	r := probe.result_for(fixture.with_pattern("{ $.eventName = StopLogging || $.eventName = DeleteTrail || $.eventName = ConsoleLogin }"))
	r.status == "PASS"
	contains(r.reason, "; note: filter probe also matches a console sign-in (ConsoleLogin), so its alarm will be noisy")
}

# A filter that matches routine traffic keeps its alarm in ALARM most of
# the time: one more event changes nothing, so it serves no control...
test_fail_catch_all_matches_routine_traffic if probe.fails_with(fixture.with_pattern("{ $.eventName = * }"), "filter probe catches what it must, but it also matches routine traffic (instances described (DescribeInstances) by an assumed role, a role assumed (AssumeRole) by Lambda, a data key generated (GenerateDataKey) for S3, a caller's identity asked (GetCallerIdentity) by an IAM user, log groups described (DescribeLogGroups) by an assumed role), so its alarm would be in ALARM most of the time")

# ...but the control whose benchmark text it is, noisily (CIS 4.1's text
# from v1.4.0 to v3.0.0 matches nearly every call).
test_pass_catch_all_benchmark_text_is_noisy if {
	catch_all := object.union(probe.spec, {"benchmark": [{"pattern": "{ $.eventName = * }"}]})
	r := monitoring.verdict(records.compile(catch_all, "v7.0.0")) with input as fixture.snapshot([fixture.with_pattern("{ $.eventName = * }")])
	r.status == "PASS"
	contains(r.reason, "also matches a console sign-in (ConsoleLogin), instances described (DescribeInstances) by an assumed role")
}
