package lib.monitoring.trails_test

import data.lib.core.fixture
import data.lib.monitoring
import data.lib.monitoring.probe
import data.lib.monitoring.records

test_pass_recent_delivery_notes_an_error if {
	r := probe.result_for(probe.delivered({"LatestCloudWatchLogsDeliveryTime": "2026-11-20T11:00:00Z", "LatestCloudWatchLogsDeliveryError": "AccessDenied"}))
	r.status == "PASS"
	contains(r.reason, "CloudWatch Logs delivery error for this trail: AccessDenied")
}

test_pass_delivery_within_the_day if probe.passes(probe.delivered({"LatestCloudWatchLogsDeliveryTime": "2026-11-19T12:00:01Z"}))

test_fail_never_delivered if {
	region := probe.delivered({"LatestCloudWatchLogsDeliveryError": "AccessDenied: CloudTrail cannot assume role CloudTrail_CloudWatchLogs_Role"})
	probe.fails_with(region, "trail main: CloudTrail has never delivered its events to CloudWatch Logs: AccessDenied: CloudTrail cannot assume role")
	contains(probe.result_for(region).remediation, "aws cloudtrail update-trail --region us-east-1 --name main --cloud-watch-logs-log-group-arn 'arn:aws:logs:us-east-1:111122223333:log-group:cloudtrail-logs:*'")
}

test_fail_last_delivery_too_old if probe.fails_with(
	probe.delivered({"LatestCloudWatchLogsDeliveryTime": "2026-11-17T09:00:00Z", "LatestCloudWatchLogsDeliveryError": "ThrottlingException"}),
	"trail main: CloudTrail last delivered its events to CloudWatch Logs at 2026-11-17T09:00:00Z, 3 days before the snapshot was collected (2026-11-20T12:00:00Z); its latest error: ThrottlingException",
)

test_fail_last_delivery_hours_too_old if probe.fails_with(probe.delivered({"LatestCloudWatchLogsDeliveryTime": "2026-11-19T10:00:00Z"}), "26 hours before the snapshot was collected")

test_error_delivery_age_without_collection_time if {
	input_without_time := object.remove(fixture.snapshot([probe.delivered({"LatestCloudWatchLogsDeliveryTime": "2026-11-19T10:00:00Z"})]), ["collected_at"])
	r := monitoring.verdict(records.compile(probe.spec, "v7.0.0")) with input as input_without_time
	r.status == "ERROR"
	contains(r.reason, "the snapshot does not say when it was collected")
}

test_pass_metric_math_alarm if probe.passes(object.union(probe.base_region, {"metric_alarms": [{
	"AlarmName": "math",
	"ActionsEnabled": true,
	"AlarmActions": [fixture.topic_arn],
	"Metrics": [
		{"Id": "m1", "MetricStat": {"Metric": {"Namespace": "CISBenchmark", "MetricName": "probe"}, "Period": 300, "Stat": "Sum"}, "ReturnData": false},
		{"Id": "e1", "Expression": "FILL(m1, 0)", "ReturnData": true},
	],
	"Threshold": 1,
	"ComparisonOperator": "GreaterThanOrEqualToThreshold",
	"EvaluationPeriods": 1,
}]}))

test_pass_advanced_selectors if probe.passes(probe.with_selectors({"AdvancedEventSelectors": [{
	"Name": "management",
	"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}],
}]}))

test_pass_advanced_selectors_excluding_other_sources if probe.passes(probe.with_selectors({"AdvancedEventSelectors": [{
	"Name": "management without KMS",
	"FieldSelectors": [
		{"Field": "eventCategory", "Equals": ["Management"]},
		{"Field": "eventSource", "NotEquals": ["kms.amazonaws.com"]},
	],
}]}))

test_pass_basic_selector_excluding_other_sources if probe.passes(probe.with_selectors({"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": true, "ExcludeManagementEventSources": ["kms.amazonaws.com"]}]}))

test_pass_one_good_trail_among_broken_ones if probe.passes(object.union(probe.base_region, {"trails": [
	object.union(fixture.base_trail, {"Name": "a-broken", "TrailARN": "arn:aws:cloudtrail:us-east-1:111122223333:trail/a-broken", "IsMultiRegionTrail": false}),
	fixture.base_trail,
]}))

test_pass_one_good_filter_among_others if probe.passes(fixture.region([
	fixture.filter("a-other", "{ $.eventName = CreateUser }"),
	fixture.filter("probe", probe.probe_pattern),
]))

test_pass_failure_elsewhere_does_not_matter if probe.passes(probe.with_errors(probe.base_region, [fixture.failed("sns", "GetTopicAttributes", "arn:aws:sns:us-east-1:111122223333:other", "AccessDenied")]))

# A member account sees its organization's trail; the chain runs in the
# management account, which the snapshot also holds.
test_pass_organization_trail_in_owner_account if {
	org_trail := object.union(fixture.base_trail, {
		"Name": "org",
		"TrailARN": "arn:aws:cloudtrail:us-east-1:999988887777:trail/org",
		"IsOrganizationTrail": true,
		"CloudWatchLogsLogGroupArn": "arn:aws:logs:us-east-1:999988887777:log-group:org-trail:*",
	})
	member_view := object.remove(org_trail, ["GetTrailStatus", "GetEventSelectors"])
	org_topic := "arn:aws:sns:us-east-1:999988887777:org-alerts"
	r := monitoring.verdict(records.compile(probe.spec, "v7.0.0")) with input as {
		"format_version": 1,
		"collected_at": "2026-11-20T12:00:00Z",
		"account_id": fixture.account_id,
		"accounts": [
			{"account_id": fixture.account_id, "regions": [{"region": "us-east-1", "trails": [member_view], "metric_alarms": []}]},
			{"account_id": "999988887777", "regions": [{
				"region": "us-east-1",
				"trails": [org_trail],
				"log_groups": [{"logGroupName": "org-trail", "metricFilters": [fixture.filter("probe", probe.probe_pattern)]}],
				"metric_alarms": [object.union(fixture.alarm("probe"), {"AlarmActions": [org_topic]})],
				"topics": [fixture.topic(org_topic, "999988887777")],
			}]},
		],
	}
	r.status == "PASS"
	r.evidence.chain.trail == "arn:aws:cloudtrail:us-east-1:999988887777:trail/org"
}

test_error_organization_trail_owner_not_collected if {
	member_view := object.remove(
		object.union(fixture.base_trail, {
			"Name": "org",
			"TrailARN": "arn:aws:cloudtrail:us-east-1:999988887777:trail/org",
			"IsOrganizationTrail": true,
			"CloudWatchLogsLogGroupArn": "arn:aws:logs:us-east-1:999988887777:log-group:org-trail:*",
		}),
		["GetTrailStatus", "GetEventSelectors"],
	)
	probe.errs_with({"region": "us-east-1", "trails": [member_view], "metric_alarms": []}, "trail org: its status was not collected")
}
