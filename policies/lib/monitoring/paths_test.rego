package lib.monitoring.paths_test

import data.lib.core.fixture
import data.lib.monitoring
import data.lib.monitoring.probe
import data.lib.monitoring.records

test_fail_not_multi_region if probe.fails_with(probe.with_trail({"IsMultiRegionTrail": false}), "no probe event reaches a human: trail main: it is not multi-region")

test_fail_logging_stopped if {
	region := probe.with_trail({"GetTrailStatus": {"IsLogging": false}})
	probe.fails_with(region, "trail main: logging is stopped")
	probe.result_for(region).remediation == "aws cloudtrail start-logging --region us-east-1 --name main"
}

test_fail_write_only_management_events if probe.fails_with(probe.with_selectors({"EventSelectors": [{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": true}]}), "does not record management events")

test_fail_management_events_off if probe.fails_with(probe.with_selectors({"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": false}]}), "does not record management events")

test_fail_no_event_selectors if probe.fails_with(probe.with_selectors({"EventSelectors": []}), "does not record management events")

test_fail_basic_selector_excludes_a_needed_source if probe.fails_with(probe.with_selectors({"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": true, "ExcludeManagementEventSources": ["cloudtrail.amazonaws.com"]}]}), "does not record management events")

test_fail_advanced_selectors_read_only if probe.fails_with(
	probe.with_selectors({"AdvancedEventSelectors": [{"FieldSelectors": [
		{"Field": "eventCategory", "Equals": ["Management"]},
		{"Field": "readOnly", "Equals": ["true"]},
	]}]}),
	"does not record management events",
)

test_fail_advanced_selectors_exclude_the_source if probe.fails_with(
	probe.with_selectors({"AdvancedEventSelectors": [{"FieldSelectors": [
		{"Field": "eventCategory", "Equals": ["Management"]},
		{"Field": "eventSource", "NotEquals": ["cloudtrail.amazonaws.com"]},
	]}]}),
	"does not record management events",
)

test_fail_advanced_selectors_drop_an_event if probe.fails_with(
	probe.with_selectors({"AdvancedEventSelectors": [{"FieldSelectors": [
		{"Field": "eventCategory", "Equals": ["Management"]},
		{"Field": "eventName", "StartsWith": ["Stop"]},
	]}]}),
	"does not record management events",
)

test_fail_advanced_selectors_data_events_only if probe.fails_with(
	probe.with_selectors({"AdvancedEventSelectors": [{"FieldSelectors": [
		{"Field": "eventCategory", "Equals": ["Data"]},
		{"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
	]}]}),
	"does not record management events",
)

test_fail_no_log_group if probe.fails_with(probe.without_log_group, "delivers to no CloudWatch Logs log group")

test_fail_log_group_arn_not_a_log_group if probe.fails_with(probe.with_trail({"CloudWatchLogsLogGroupArn": "arn:aws:s3:::bucket"}), "is not a log group ARN")

test_fail_log_group_does_not_exist if {
	region := probe.with_errors(object.remove(probe.base_region, ["log_groups"]), [fixture.failed("logs", "DescribeMetricFilters", fixture.log_group, "ResourceNotFoundException")])
	probe.fails_with(region, "its log group cloudtrail-logs does not exist")
}

test_fail_filter_on_another_log_group if {
	other := object.union(fixture.filter("probe", probe.probe_pattern), {"logGroupName": "app-logs"})
	region := object.union(probe.base_region, {"log_groups": [
		{"logGroupName": "app-logs", "metricFilters": [other]},
		{"logGroupName": fixture.log_group, "metricFilters": []},
	]})
	probe.fails_with(region, "its log group cloudtrail-logs has no metric filter")
	contains(probe.result_for(region).remediation, "--log-group-name cloudtrail-logs")
}

test_fail_filter_in_another_region if {
	elsewhere := object.union(probe.base_region, {"region": "eu-west-1", "trails": [], "metric_alarms": [], "topics": []})
	home := object.union(probe.base_region, {"log_groups": [{"logGroupName": fixture.log_group, "metricFilters": []}]})
	r := probe.verdict_of([home, elsewhere])
	r.status == "FAIL"
	contains(r.reason, "has no metric filter")
}

test_fail_and_instead_of_or if probe.fails_with(fixture.with_pattern("{ ($.eventName = StopLogging) && ($.eventName = DeleteTrail) }"), "filter probe misses StopLogging, DeleteTrail")

test_fail_missing_event if probe.fails_with(fixture.with_pattern("{ $.eventName = StopLogging }"), "filter probe misses DeleteTrail")

test_fail_names_the_callers_a_filter_catches if probe.fails_with(
	fixture.with_pattern("{ (($.eventName = StopLogging) || ($.eventName = DeleteTrail)) && ($.userIdentity.type = AssumedRole) }"),
	"filter probe catches StopLogging, DeleteTrail only when called by an assumed role with an SDK in ap-southeast-2 or an IAM Identity Center user in the console, in us-west-2",
)

test_fail_tells_events_that_fare_differently_apart if probe.fails_with(
	fixture.with_pattern("{ ($.eventName = StopLogging && $.awsRegion = us-east-1) }"),
	"filter probe misses DeleteTrail; catches StopLogging only when called by the root user in the console or an IAM user with MFA, refused (AccessDenied)",
)

test_fail_names_every_filter_that_misses if {
	region := fixture.region([
		fixture.filter("a", "{ $.eventName = StopLogging }"),
		fixture.filter("b", "{ $.eventName = DeleteTrail }"),
	])
	probe.fails_with(region, "no metric filter on its log group cloudtrail-logs catches what this control requires: filter a misses DeleteTrail; filter b misses StopLogging")
}

test_fail_pattern_does_not_parse if probe.fails_with(fixture.with_pattern("{ ($.eventName = StopLogging) || ($.eventName = DeleteTrail) "), "filter probe does not parse (column 1: a pattern that starts with { must end with })")

test_fail_no_metric_filter if probe.fails_with(fixture.region([]), "has no metric filter")

test_fail_alarm_in_other_namespace if probe.fails_with(probe.with_alarm({"Namespace": "CloudTrailMetrics"}), "no alarm watches metric CISBenchmark/probe of filter probe (alarm probe watches CloudTrailMetrics/probe)")

test_fail_alarm_on_filter_name_not_metric if probe.fails_with(
	object.union(probe.base_region, {
		"log_groups": [{"logGroupName": fixture.log_group, "metricFilters": [object.union(fixture.filter("probe", probe.probe_pattern), {"metricTransformations": [{"metricName": "ProbeCount", "metricNamespace": "CISBenchmark", "metricValue": "1"}]})]}],
		"metric_alarms": [fixture.alarm("probe")],
	}),
	"no alarm watches metric CISBenchmark/ProbeCount",
)

test_fail_alarm_with_dimensions_the_filter_does_not_publish if probe.fails_with(probe.with_alarm({"Dimensions": [{"Name": "Trail", "Value": "main"}]}), "no alarm watches metric")

test_fail_alarm_in_another_region if {
	home := object.union(probe.base_region, {"metric_alarms": []})
	elsewhere := {"region": "eu-west-1", "trails": [], "metric_alarms": [fixture.alarm("probe")]}
	r := probe.verdict_of([home, elsewhere])
	r.status == "FAIL"
	contains(r.reason, "no alarm watches metric")
}

test_fail_alarm_actions_disabled if {
	region := probe.with_alarm({"ActionsEnabled": false})
	probe.fails_with(region, "alarm probe has its actions disabled")
	probe.result_for(region).remediation == "aws cloudwatch enable-alarm-actions --region us-east-1 --alarm-names probe"
}

test_fail_alarm_notifies_nothing if probe.fails_with(probe.with_alarm({"AlarmActions": []}), "alarm probe notifies no SNS topic")

test_fail_alarm_only_stops_an_instance if probe.fails_with(probe.with_alarm({"AlarmActions": ["arn:aws:automate:us-east-1:ec2:stop"]}), "notifies no SNS topic")

test_fail_topic_does_not_exist if {
	region := probe.with_errors(object.remove(probe.base_region, ["topics"]), [fixture.failed("sns", "GetTopicAttributes", fixture.topic_arn, "NotFound")])
	probe.fails_with(region, "notifies topic arn:aws:sns:us-east-1:111122223333:alerts, which does not exist")
}

test_fail_subscription_pending if probe.fails_with(object.union(probe.base_region, {"topics": [object.union(fixture.base_topic, {"Subscriptions": [{"SubscriptionArn": "PendingConfirmation", "Protocol": "email"}]})]}), "has no confirmed subscription (1 pending confirmation)")

test_fail_topic_without_subscriptions if {
	region := object.union(probe.base_region, {"topics": [object.union(fixture.base_topic, {"Subscriptions": []})]})
	probe.fails_with(region, "has no confirmed subscription (0 pending confirmation)")
	contains(probe.result_for(region).remediation, "aws sns subscribe --region us-east-1 --topic-arn arn:aws:sns:us-east-1:111122223333:alerts")
}

test_fail_no_trail if probe.fails_with(object.union(probe.base_region, {"trails": []}), "no CloudTrail trail exists in this account, so no probe event is recorded")

test_fail_names_each_trail if {
	second := object.union(fixture.base_trail, {"Name": "second", "TrailARN": "arn:aws:cloudtrail:us-east-1:111122223333:trail/second", "GetTrailStatus": {"IsLogging": false}})
	region := object.union(probe.base_region, {
		"trails": [object.union(fixture.base_trail, {"IsMultiRegionTrail": false}), second],
	})
	probe.fails_with(region, "trail main: it is not multi-region; trail second: logging is stopped")

	# The remediation follows the trail that got furthest.
	probe.result_for(region).remediation == "aws cloudtrail start-logging --region us-east-1 --name second"
}

test_fail_remediation_names_own_resources if {
	r := probe.result_for(probe.with_alarm({"Namespace": "Other"}))
	contains(r.remediation, "--metric-name probe --namespace CISBenchmark")
	contains(r.remediation, concat("", ["--alarm-actions ", fixture.topic_arn]))
}

test_error_trail_status_unreadable if probe.errs_with(
	probe.with_errors(
		object.union(probe.base_region, {"trails": [object.remove(fixture.base_trail, ["GetTrailStatus"])]}),
		[fixture.failed("cloudtrail", "GetTrailStatus", fixture.trail_arn, "AccessDeniedException")],
	),
	"trail main: its status was not collected (cloudtrail GetTrailStatus in us-east-1 failed: AccessDeniedException",
)

test_error_event_selectors_unreadable if probe.errs_with(
	object.union(probe.base_region, {"trails": [object.remove(fixture.base_trail, ["GetEventSelectors"])]}),
	"its event selectors were not collected (no GetEventSelectors answer in the snapshot)",
)

test_error_metric_filters_unreadable if probe.errs_with(
	probe.with_errors(object.remove(probe.base_region, ["log_groups"]), [fixture.failed("logs", "DescribeMetricFilters", fixture.log_group, "ThrottlingException")]),
	"the metric filters of its log group cloudtrail-logs could not be read",
)

test_error_log_group_not_collected if probe.errs_with(object.remove(probe.base_region, ["log_groups"]), "its log group cloudtrail-logs (account 111122223333, us-east-1) was not collected")

test_error_log_group_in_account_not_collected if probe.errs_with(
	probe.with_trail({"CloudWatchLogsLogGroupArn": "arn:aws:logs:us-east-1:444455556666:log-group:central:*"}),
	"is in account 444455556666, which this snapshot does not hold",
)

test_error_alarms_unreadable if probe.errs_with(
	probe.with_errors(object.union(probe.base_region, {"metric_alarms": []}), [fixture.failed("cloudwatch", "DescribeAlarms", "", "AccessDenied")]),
	"could not all be read",
)

test_error_alarms_partly_unreadable_turns_fail_into_error if probe.errs_with(
	probe.with_errors(probe.with_alarm({"ActionsEnabled": false}), [fixture.failed("cloudwatch", "DescribeAlarms", "", "Throttling")]),
	"alarm probe has its actions disabled, and the alarms of us-east-1 could not all be read",
)

test_error_topic_unreadable if probe.errs_with(
	probe.with_errors(object.remove(probe.base_region, ["topics"]), [fixture.failed("sns", "GetTopicAttributes", fixture.topic_arn, "AuthorizationError")]),
	"topic arn:aws:sns:us-east-1:111122223333:alerts of alarm probe could not be read",
)

test_error_topic_not_collected if probe.errs_with(object.remove(probe.base_region, ["topics"]), "was not collected")

test_error_subscriptions_unreadable if probe.errs_with(
	probe.with_errors(object.union(probe.base_region, {"topics": [object.union(fixture.base_topic, {"Subscriptions": []})]}), [fixture.failed("sns", "ListSubscriptionsByTopic", fixture.topic_arn, "Throttling")]),
	"the subscriptions of topic arn:aws:sns:us-east-1:111122223333:alerts could not be read",
)

test_error_trails_unreadable if probe.errs_with(
	probe.with_errors(object.union(probe.base_region, {"trails": []}), [fixture.failed("cloudtrail", "DescribeTrails", "", "AccessDeniedException")]),
	"cloudtrail DescribeTrails in us-east-1 failed",
)

test_error_no_region_collected if {
	r := monitoring.verdict(records.compile(probe.spec, "v7.0.0")) with input as {
		"format_version": 1,
		"account_id": fixture.account_id,
		"accounts": [{"account_id": fixture.account_id, "regions": [], "errors": [{"service": "sts", "operation": "AssumeRole", "error_code": "AccessDenied", "message": "no"}]}],
	}
	r.status == "ERROR"
	contains(r.reason, "no region of this account was collected")
}

test_error_never_hides_behind_a_fail if {
	# One trail is broken for sure; the other cannot be judged: ERROR, not FAIL.
	second := object.union(fixture.base_trail, {"Name": "second", "TrailARN": "arn:aws:cloudtrail:us-east-1:111122223333:trail/second"})
	region := object.union(probe.base_region, {"trails": [
		object.union(fixture.base_trail, {"IsMultiRegionTrail": false}),
		object.remove(second, ["GetTrailStatus"]),
	]})
	probe.errs_with(region, "trail second: its status was not collected")
}

test_error_the_same_trail_twice_is_judged_once if {
	# A snapshot edited to hold one trail in two regions still gets one
	# verdict, naming the trail once.
	twice := [probe.base_region, object.union(probe.with_trail({"GetTrailStatus": {"IsLogging": false}}), {"region": "eu-west-1"})]
	r := probe.verdict_of(twice)
	r.status == "PASS"
}
