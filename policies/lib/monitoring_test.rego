package lib.monitoring_test

import data.lib
import data.lib.fixture
import data.lib.monitoring

# The chain's failure modes, once, on the shared fixture, for a probe
# control that watches two CloudTrail events. Each control's own tests
# cover only what its filter must catch.

probe := {
	"name": "Probe",
	"text": {"pass": "probe events reach a human", "fail": "no probe event reaches a human", "unrecorded": "no probe event is recorded"},
	"benchmark": [{"pattern": probe_pattern}],
	"events": [
		{"eventSource": "cloudtrail.amazonaws.com", "eventName": "StopLogging"},
		{"eventSource": "cloudtrail.amazonaws.com", "eventName": "DeleteTrail"},
	],
	"ignore": [{"label": "a console sign-in (ConsoleLogin)", "patch": {"eventSource": "signin.amazonaws.com", "eventName": "ConsoleLogin"}}],
}

probe_pattern := "{ ($.eventName = StopLogging) || ($.eventName = DeleteTrail) }"

base_region := fixture.with_pattern(probe_pattern)

verdict_of(regions) := v if {
	v := monitoring.verdict(monitoring.compile(probe, "v7.0.0")) with input as fixture.snapshot(regions)
}

result_for(region) := verdict_of([region])

with_trail(patch) := object.union(base_region, {"trails": [object.union(fixture.base_trail, patch)]})

with_selectors(answer) := object.union(base_region, {"trails": [object.union(object.remove(fixture.base_trail, ["GetEventSelectors"]), {"GetEventSelectors": answer})]})

with_alarm(patch) := object.union(base_region, {"metric_alarms": [object.union(fixture.alarm("probe"), patch)]})

with_errors(region, errors) := object.union(region, {"errors": errors})

passes(region) if result_for(region).status == "PASS"

fails_with(region, text) if {
	r := result_for(region)
	r.status == "FAIL"
	contains(r.reason, text)
}

errs_with(region, text) if {
	r := result_for(region)
	r.status == "ERROR"
	contains(r.reason, text)
}

# --- PASS, and the chain it shows ---

test_pass_benchmark_remediation if {
	r := result_for(base_region)
	r.status == "PASS"
	r.reason == "probe events reach a human: trail main -> log group cloudtrail-logs -> filter probe -> metric CISBenchmark/probe -> alarm probe -> topic arn:aws:sns:us-east-1:111122223333:alerts (confirmed subscriptions that let it through: 1)"
	r.evidence.chain == {
		"trail": fixture.trail_arn,
		"home_region": "us-east-1",
		"log_group": "arn:aws:logs:us-east-1:111122223333:log-group:cloudtrail-logs:*",
		"metric_filter": "probe",
		"filter_pattern": probe_pattern,
		"metric": "CISBenchmark/probe",
		"alarm": "probe",
		"alarm_arn": "",
		"topic": fixture.topic_arn,
		"confirmed_subscriptions": 1,
	}
	lib.resources(r) == [
		{"type": "AWS::CloudTrail::Trail", "id": fixture.trail_arn, "name": "main", "region": "us-east-1"},
		{"type": "AWS::Logs::LogGroup", "id": "arn:aws:logs:us-east-1:111122223333:log-group:cloudtrail-logs", "name": "cloudtrail-logs", "region": "us-east-1"},
		{"type": "AWS::Logs::MetricFilter", "id": "arn:aws:logs:us-east-1:111122223333:log-group:cloudtrail-logs:metric-filter:probe", "name": "probe", "region": "us-east-1"},
		{"type": "AWS::CloudWatch::Alarm", "id": "probe", "name": "probe", "region": "us-east-1"},
		{"type": "AWS::SNS::Topic", "id": fixture.topic_arn, "name": "alerts", "region": "us-east-1"},
	]
}

test_pass_broad_filter_is_noisy if {
	r := result_for(fixture.with_pattern("{ $.eventName = StopLogging || $.eventName = DeleteTrail || $.eventName = ConsoleLogin }"))
	r.status == "PASS"
	contains(r.reason, "; note: filter probe also matches a console sign-in (ConsoleLogin), so its alarm will be noisy")
}

# A filter that matches routine traffic keeps its alarm in ALARM most of
# the time: one more event changes nothing, so it serves no control...
test_fail_catch_all_matches_routine_traffic if fails_with(fixture.with_pattern("{ $.eventName = * }"), "filter probe catches what it must, but it also matches routine traffic (instances described (DescribeInstances) by an assumed role, a role assumed (AssumeRole) by Lambda, a data key generated (GenerateDataKey) for S3, a caller's identity asked (GetCallerIdentity) by an IAM user, log groups described (DescribeLogGroups) by an assumed role), so its alarm would be in ALARM most of the time")

# ...but the control whose benchmark text it is, noisily (CIS 4.1's text
# from v1.4.0 to v3.0.0 matches nearly every call).
test_pass_catch_all_benchmark_text_is_noisy if {
	catch_all := object.union(probe, {"benchmark": [{"pattern": "{ $.eventName = * }"}]})
	r := monitoring.verdict(monitoring.compile(catch_all, "v7.0.0")) with input as fixture.snapshot([fixture.with_pattern("{ $.eventName = * }")])
	r.status == "PASS"
	contains(r.reason, "also matches a console sign-in (ConsoleLogin), instances described (DescribeInstances) by an assumed role")
}

# --- the trail's delivery to CloudWatch Logs (GetTrailStatus) ---

delivered(status) := with_trail({"GetTrailStatus": object.union({"IsLogging": true}, status)})

test_pass_recent_delivery_notes_an_error if {
	r := result_for(delivered({"LatestCloudWatchLogsDeliveryTime": "2026-11-20T11:00:00Z", "LatestCloudWatchLogsDeliveryError": "AccessDenied"}))
	r.status == "PASS"
	contains(r.reason, "CloudWatch Logs delivery error for this trail: AccessDenied")
}

test_pass_delivery_within_the_day if passes(delivered({"LatestCloudWatchLogsDeliveryTime": "2026-11-19T12:00:01Z"}))

test_fail_never_delivered if {
	region := delivered({"LatestCloudWatchLogsDeliveryError": "AccessDenied: CloudTrail cannot assume role CloudTrail_CloudWatchLogs_Role"})
	fails_with(region, "trail main: CloudTrail has never delivered its events to CloudWatch Logs: AccessDenied: CloudTrail cannot assume role")
	contains(result_for(region).remediation, "aws cloudtrail update-trail --region us-east-1 --name main --cloud-watch-logs-log-group-arn 'arn:aws:logs:us-east-1:111122223333:log-group:cloudtrail-logs:*'")
}

test_fail_last_delivery_too_old if fails_with(
	delivered({"LatestCloudWatchLogsDeliveryTime": "2026-11-17T09:00:00Z", "LatestCloudWatchLogsDeliveryError": "ThrottlingException"}),
	"trail main: CloudTrail last delivered its events to CloudWatch Logs at 2026-11-17T09:00:00Z, 3 days before the snapshot was collected (2026-11-20T12:00:00Z); its latest error: ThrottlingException",
)

test_fail_last_delivery_hours_too_old if fails_with(delivered({"LatestCloudWatchLogsDeliveryTime": "2026-11-19T10:00:00Z"}), "26 hours before the snapshot was collected")

test_error_delivery_age_without_collection_time if {
	input_without_time := object.remove(fixture.snapshot([delivered({"LatestCloudWatchLogsDeliveryTime": "2026-11-19T10:00:00Z"})]), ["collected_at"])
	r := monitoring.verdict(monitoring.compile(probe, "v7.0.0")) with input as input_without_time
	r.status == "ERROR"
	contains(r.reason, "the snapshot does not say when it was collected")
}

test_pass_metric_math_alarm if passes(object.union(base_region, {"metric_alarms": [{
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

test_pass_advanced_selectors if passes(with_selectors({"AdvancedEventSelectors": [{
	"Name": "management",
	"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}],
}]}))

test_pass_advanced_selectors_excluding_other_sources if passes(with_selectors({"AdvancedEventSelectors": [{
	"Name": "management without KMS",
	"FieldSelectors": [
		{"Field": "eventCategory", "Equals": ["Management"]},
		{"Field": "eventSource", "NotEquals": ["kms.amazonaws.com"]},
	],
}]}))

test_pass_basic_selector_excluding_other_sources if passes(with_selectors({"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": true, "ExcludeManagementEventSources": ["kms.amazonaws.com"]}]}))

test_pass_one_good_trail_among_broken_ones if passes(object.union(base_region, {"trails": [
	object.union(fixture.base_trail, {"Name": "a-broken", "TrailARN": "arn:aws:cloudtrail:us-east-1:111122223333:trail/a-broken", "IsMultiRegionTrail": false}),
	fixture.base_trail,
]}))

test_pass_one_good_filter_among_others if passes(fixture.region([
	fixture.filter("a-other", "{ $.eventName = CreateUser }"),
	fixture.filter("probe", probe_pattern),
]))

test_pass_failure_elsewhere_does_not_matter if passes(with_errors(base_region, [fixture.failed("sns", "GetTopicAttributes", "arn:aws:sns:us-east-1:111122223333:other", "AccessDenied")]))

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
	r := monitoring.verdict(monitoring.compile(probe, "v7.0.0")) with input as {
		"format_version": 1,
		"account_id": fixture.account_id,
		"accounts": [
			{"account_id": fixture.account_id, "regions": [{"region": "us-east-1", "trails": [member_view], "metric_alarms": []}]},
			{"account_id": "999988887777", "regions": [{
				"region": "us-east-1",
				"trails": [org_trail],
				"log_groups": [{"logGroupName": "org-trail", "metricFilters": [fixture.filter("probe", probe_pattern)]}],
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
	errs_with({"region": "us-east-1", "trails": [member_view], "metric_alarms": []}, "trail org: its status was not collected")
}

# --- FAIL: each link broken in turn ---

test_fail_not_multi_region if fails_with(with_trail({"IsMultiRegionTrail": false}), "no probe event reaches a human: trail main: it is not multi-region")

test_fail_logging_stopped if {
	region := with_trail({"GetTrailStatus": {"IsLogging": false}})
	fails_with(region, "trail main: logging is stopped")
	result_for(region).remediation == "aws cloudtrail start-logging --region us-east-1 --name main"
}

test_fail_write_only_management_events if fails_with(with_selectors({"EventSelectors": [{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": true}]}), "does not record management events")

test_fail_management_events_off if fails_with(with_selectors({"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": false}]}), "does not record management events")

test_fail_no_event_selectors if fails_with(with_selectors({"EventSelectors": []}), "does not record management events")

test_fail_basic_selector_excludes_a_needed_source if fails_with(with_selectors({"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": true, "ExcludeManagementEventSources": ["cloudtrail.amazonaws.com"]}]}), "does not record management events")

test_fail_advanced_selectors_read_only if fails_with(
	with_selectors({"AdvancedEventSelectors": [{"FieldSelectors": [
		{"Field": "eventCategory", "Equals": ["Management"]},
		{"Field": "readOnly", "Equals": ["true"]},
	]}]}),
	"does not record management events",
)

test_fail_advanced_selectors_exclude_the_source if fails_with(
	with_selectors({"AdvancedEventSelectors": [{"FieldSelectors": [
		{"Field": "eventCategory", "Equals": ["Management"]},
		{"Field": "eventSource", "NotEquals": ["cloudtrail.amazonaws.com"]},
	]}]}),
	"does not record management events",
)

test_fail_advanced_selectors_drop_an_event if fails_with(
	with_selectors({"AdvancedEventSelectors": [{"FieldSelectors": [
		{"Field": "eventCategory", "Equals": ["Management"]},
		{"Field": "eventName", "StartsWith": ["Stop"]},
	]}]}),
	"does not record management events",
)

test_fail_advanced_selectors_data_events_only if fails_with(
	with_selectors({"AdvancedEventSelectors": [{"FieldSelectors": [
		{"Field": "eventCategory", "Equals": ["Data"]},
		{"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
	]}]}),
	"does not record management events",
)

without_log_group := object.union(base_region, {"trails": [object.remove(fixture.base_trail, ["CloudWatchLogsLogGroupArn"])]})

test_fail_no_log_group if fails_with(without_log_group, "delivers to no CloudWatch Logs log group")

test_fail_log_group_arn_not_a_log_group if fails_with(with_trail({"CloudWatchLogsLogGroupArn": "arn:aws:s3:::bucket"}), "is not a log group ARN")

test_fail_log_group_does_not_exist if {
	region := with_errors(object.remove(base_region, ["log_groups"]), [fixture.failed("logs", "DescribeMetricFilters", fixture.log_group, "ResourceNotFoundException")])
	fails_with(region, "its log group cloudtrail-logs does not exist")
}

test_fail_filter_on_another_log_group if {
	other := object.union(fixture.filter("probe", probe_pattern), {"logGroupName": "app-logs"})
	region := object.union(base_region, {"log_groups": [
		{"logGroupName": "app-logs", "metricFilters": [other]},
		{"logGroupName": fixture.log_group, "metricFilters": []},
	]})
	fails_with(region, "its log group cloudtrail-logs has no metric filter")
	contains(result_for(region).remediation, "--log-group-name cloudtrail-logs")
}

test_fail_filter_in_another_region if {
	elsewhere := object.union(base_region, {"region": "eu-west-1", "trails": [], "metric_alarms": [], "topics": []})
	home := object.union(base_region, {"log_groups": [{"logGroupName": fixture.log_group, "metricFilters": []}]})
	r := verdict_of([home, elsewhere])
	r.status == "FAIL"
	contains(r.reason, "has no metric filter")
}

test_fail_and_instead_of_or if fails_with(fixture.with_pattern("{ ($.eventName = StopLogging) && ($.eventName = DeleteTrail) }"), "filter probe misses StopLogging, DeleteTrail")

test_fail_missing_event if fails_with(fixture.with_pattern("{ $.eventName = StopLogging }"), "filter probe misses DeleteTrail")

test_fail_names_the_callers_a_filter_catches if fails_with(
	fixture.with_pattern("{ (($.eventName = StopLogging) || ($.eventName = DeleteTrail)) && ($.userIdentity.type = AssumedRole) }"),
	"filter probe catches StopLogging, DeleteTrail only when called by an assumed role with an SDK in ap-southeast-2 or an IAM Identity Center user in the console, in us-west-2",
)

test_fail_tells_events_that_fare_differently_apart if fails_with(
	fixture.with_pattern("{ ($.eventName = StopLogging && $.awsRegion = us-east-1) }"),
	"filter probe misses DeleteTrail; catches StopLogging only when called by the root user in the console or an IAM user with MFA, refused (AccessDenied)",
)

test_fail_names_every_filter_that_misses if {
	region := fixture.region([
		fixture.filter("a", "{ $.eventName = StopLogging }"),
		fixture.filter("b", "{ $.eventName = DeleteTrail }"),
	])
	fails_with(region, "no metric filter on its log group cloudtrail-logs catches what this control requires: filter a misses DeleteTrail; filter b misses StopLogging")
}

test_fail_pattern_does_not_parse if fails_with(fixture.with_pattern("{ ($.eventName = StopLogging) || ($.eventName = DeleteTrail) "), "filter probe does not parse (column 1: a pattern that starts with { must end with })")

test_fail_no_metric_filter if fails_with(fixture.region([]), "has no metric filter")

test_fail_alarm_in_other_namespace if fails_with(with_alarm({"Namespace": "CloudTrailMetrics"}), "no alarm watches metric CISBenchmark/probe of filter probe (alarm probe watches CloudTrailMetrics/probe)")

test_fail_alarm_on_filter_name_not_metric if fails_with(
	object.union(base_region, {
		"log_groups": [{"logGroupName": fixture.log_group, "metricFilters": [object.union(fixture.filter("probe", probe_pattern), {"metricTransformations": [{"metricName": "ProbeCount", "metricNamespace": "CISBenchmark", "metricValue": "1"}]})]}],
		"metric_alarms": [fixture.alarm("probe")],
	}),
	"no alarm watches metric CISBenchmark/ProbeCount",
)

test_fail_alarm_with_dimensions_the_filter_does_not_publish if fails_with(with_alarm({"Dimensions": [{"Name": "Trail", "Value": "main"}]}), "no alarm watches metric")

test_fail_alarm_in_another_region if {
	home := object.union(base_region, {"metric_alarms": []})
	elsewhere := {"region": "eu-west-1", "trails": [], "metric_alarms": [fixture.alarm("probe")]}
	r := verdict_of([home, elsewhere])
	r.status == "FAIL"
	contains(r.reason, "no alarm watches metric")
}

test_fail_alarm_actions_disabled if {
	region := with_alarm({"ActionsEnabled": false})
	fails_with(region, "alarm probe has its actions disabled")
	result_for(region).remediation == "aws cloudwatch enable-alarm-actions --region us-east-1 --alarm-names probe"
}

test_fail_alarm_notifies_nothing if fails_with(with_alarm({"AlarmActions": []}), "alarm probe notifies no SNS topic")

test_fail_alarm_only_stops_an_instance if fails_with(with_alarm({"AlarmActions": ["arn:aws:automate:us-east-1:ec2:stop"]}), "notifies no SNS topic")

test_fail_topic_does_not_exist if {
	region := with_errors(object.remove(base_region, ["topics"]), [fixture.failed("sns", "GetTopicAttributes", fixture.topic_arn, "NotFound")])
	fails_with(region, "notifies topic arn:aws:sns:us-east-1:111122223333:alerts, which does not exist")
}

test_fail_subscription_pending if fails_with(object.union(base_region, {"topics": [object.union(fixture.base_topic, {"Subscriptions": [{"SubscriptionArn": "PendingConfirmation", "Protocol": "email"}]})]}), "has no confirmed subscription (1 pending confirmation)")

test_fail_topic_without_subscriptions if {
	region := object.union(base_region, {"topics": [object.union(fixture.base_topic, {"Subscriptions": []})]})
	fails_with(region, "has no confirmed subscription (0 pending confirmation)")
	contains(result_for(region).remediation, "aws sns subscribe --region us-east-1 --topic-arn arn:aws:sns:us-east-1:111122223333:alerts")
}

test_fail_no_trail if fails_with(object.union(base_region, {"trails": []}), "no CloudTrail trail exists in this account, so no probe event is recorded")

test_fail_names_each_trail if {
	second := object.union(fixture.base_trail, {"Name": "second", "TrailARN": "arn:aws:cloudtrail:us-east-1:111122223333:trail/second", "GetTrailStatus": {"IsLogging": false}})
	region := object.union(base_region, {
		"trails": [object.union(fixture.base_trail, {"IsMultiRegionTrail": false}), second],
	})
	fails_with(region, "trail main: it is not multi-region; trail second: logging is stopped")

	# The remediation follows the trail that got furthest.
	result_for(region).remediation == "aws cloudtrail start-logging --region us-east-1 --name second"
}

test_fail_remediation_names_own_resources if {
	r := result_for(with_alarm({"Namespace": "Other"}))
	contains(r.remediation, "--metric-name probe --namespace CISBenchmark")
	contains(r.remediation, concat("", ["--alarm-actions ", fixture.topic_arn]))
}

# --- ERROR: evidence the verdict needs was not collected ---

test_error_trail_status_unreadable if errs_with(
	with_errors(
		object.union(base_region, {"trails": [object.remove(fixture.base_trail, ["GetTrailStatus"])]}),
		[fixture.failed("cloudtrail", "GetTrailStatus", fixture.trail_arn, "AccessDeniedException")],
	),
	"trail main: its status was not collected (cloudtrail GetTrailStatus in us-east-1 failed: AccessDeniedException",
)

test_error_event_selectors_unreadable if errs_with(
	object.union(base_region, {"trails": [object.remove(fixture.base_trail, ["GetEventSelectors"])]}),
	"its event selectors were not collected (no GetEventSelectors answer in the snapshot)",
)

test_error_metric_filters_unreadable if errs_with(
	with_errors(object.remove(base_region, ["log_groups"]), [fixture.failed("logs", "DescribeMetricFilters", fixture.log_group, "ThrottlingException")]),
	"the metric filters of its log group cloudtrail-logs could not be read",
)

test_error_log_group_not_collected if errs_with(object.remove(base_region, ["log_groups"]), "its log group cloudtrail-logs (account 111122223333, us-east-1) was not collected")

test_error_log_group_in_account_not_collected if errs_with(
	with_trail({"CloudWatchLogsLogGroupArn": "arn:aws:logs:us-east-1:444455556666:log-group:central:*"}),
	"is in account 444455556666, which this snapshot does not hold",
)

test_error_alarms_unreadable if errs_with(
	with_errors(object.union(base_region, {"metric_alarms": []}), [fixture.failed("cloudwatch", "DescribeAlarms", "", "AccessDenied")]),
	"could not all be read",
)

test_error_alarms_partly_unreadable_turns_fail_into_error if errs_with(
	with_errors(with_alarm({"ActionsEnabled": false}), [fixture.failed("cloudwatch", "DescribeAlarms", "", "Throttling")]),
	"alarm probe has its actions disabled, and the alarms of us-east-1 could not all be read",
)

test_error_topic_unreadable if errs_with(
	with_errors(object.remove(base_region, ["topics"]), [fixture.failed("sns", "GetTopicAttributes", fixture.topic_arn, "AuthorizationError")]),
	"topic arn:aws:sns:us-east-1:111122223333:alerts of alarm probe could not be read",
)

test_error_topic_not_collected if errs_with(object.remove(base_region, ["topics"]), "was not collected")

test_error_subscriptions_unreadable if errs_with(
	with_errors(object.union(base_region, {"topics": [object.union(fixture.base_topic, {"Subscriptions": []})]}), [fixture.failed("sns", "ListSubscriptionsByTopic", fixture.topic_arn, "Throttling")]),
	"the subscriptions of topic arn:aws:sns:us-east-1:111122223333:alerts could not be read",
)

test_error_trails_unreadable if errs_with(
	with_errors(object.union(base_region, {"trails": []}), [fixture.failed("cloudtrail", "DescribeTrails", "", "AccessDeniedException")]),
	"cloudtrail DescribeTrails in us-east-1 failed",
)

test_error_no_region_collected if {
	r := monitoring.verdict(monitoring.compile(probe, "v7.0.0")) with input as {
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
	region := object.union(base_region, {"trails": [
		object.union(fixture.base_trail, {"IsMultiRegionTrail": false}),
		object.remove(second, ["GetTrailStatus"]),
	]})
	errs_with(region, "trail second: its status was not collected")
}

test_error_the_same_trail_twice_is_judged_once if {
	# A snapshot edited to hold one trail in two regions still gets one
	# verdict, naming the trail once.
	twice := [base_region, object.union(with_trail({"GetTrailStatus": {"IsLogging": false}}), {"region": "eu-west-1"})]
	r := verdict_of(twice)
	r.status == "PASS"
}

# --- the alarm must fire on one matching event ---

with_metric(patch) := object.union(base_region, {"log_groups": [{"logGroupName": fixture.log_group, "metricFilters": [object.union(fixture.filter("probe", probe_pattern), {"metricTransformations": [object.union(fixture.filter("probe", probe_pattern).metricTransformations[0], patch)]})]}]})

test_fail_alarm_less_than_zero if {
	region := with_alarm({"ComparisonOperator": "LessThanThreshold", "Threshold": 0})
	fails_with(region, "trail main: filter probe publishes 1 for each event (metricValue 1), so one event makes the Sum 1, and alarm probe fires when Sum < 0")
	result_for(region).remediation == "aws cloudwatch put-metric-alarm --region us-east-1 --alarm-name probe --metric-name probe --namespace CISBenchmark --statistic Sum --period 300 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 --treat-missing-data notBreaching --alarm-actions arn:aws:sns:us-east-1:111122223333:alerts"
}

test_fail_threshold_above_one_event if fails_with(with_alarm({"Threshold": 5}), "one event makes the Sum 1, and alarm probe fires when Sum >= 5")

test_fail_metric_value_zero if {
	region := with_metric({"metricValue": "0"})
	fails_with(region, "filter probe publishes 0 for each event (metricValue 0), so one event makes the Sum 0")
	startswith(result_for(region).remediation, "aws logs put-metric-filter --region us-east-1 --log-group-name cloudtrail-logs --filter-name probe --metric-transformations metricName=probe,metricNamespace=CISBenchmark,metricValue=1 --filter-pattern")
}

# A filter name or pattern from the snapshot goes into the fix as one
# shell word: copied and pasted, it runs no command of its own.
test_remediation_quotes_names if {
	f := fixture.filter("probe; touch /tmp/pwned", probe_pattern)
	region := object.union(base_region, {"log_groups": [{"logGroupName": fixture.log_group, "metricFilters": [f]}]})
	contains(result_for(region).remediation, "--alarm-name 'probe; touch /tmp/pwned' --metric-name 'probe; touch /tmp/pwned' --namespace")
	monitoring.put_filter({"region": "us-east-1", "name": "lg"}, "n", {"metricName": "m", "metricNamespace": "ns"}, `{ $.userIdentity.userName = "it's" }`) == `aws logs put-metric-filter --region us-east-1 --log-group-name lg --filter-name n --metric-transformations metricName=m,metricNamespace=ns,metricValue=1 --filter-pattern '{ $.userIdentity.userName = "it'\''s" }'`
}

test_fail_metric_value_from_the_event if fails_with(with_metric({"metricValue": "$.requestParameters.count"}), `filter probe publishes "$.requestParameters.count" for each event, not a number`)

test_pass_average_without_default if passes(with_alarm({"Statistic": "Average"}))

test_fail_average_with_default_zero if fails_with(
	object.union(with_metric({"defaultValue": 0}), {"metric_alarms": [object.union(fixture.alarm("probe"), {"Statistic": "Average"})]}),
	"filter probe has the default value 0, which it publishes for every other log event: with one event among many, the Average of the period tends to 0, and alarm probe fires when Average >= 1",
)

test_pass_sum_with_default_zero if passes(with_metric({"defaultValue": 0}))

test_fail_sum_with_negative_default if fails_with(with_metric({"defaultValue": -1}), "the Sum of the period tends to -inf")

test_pass_sample_count_whatever_the_value if passes(object.union(with_metric({"metricValue": "0"}), {"metric_alarms": [object.union(fixture.alarm("probe"), {"Statistic": "SampleCount"})]}))

test_pass_percentile if passes(object.union(with_alarm({}), {"metric_alarms": [object.union(object.remove(fixture.alarm("probe"), ["Statistic"]), {"ExtendedStatistic": "p99"})]}))

test_fail_unknown_statistic if fails_with(object.union(with_alarm({}), {"metric_alarms": [object.union(object.remove(fixture.alarm("probe"), ["Statistic"]), {"ExtendedStatistic": "PR(1:)"})]}), "alarm probe fires on PR(1:), which trailwatch does not evaluate")

# --- missing data: the filter publishes only when an event matches ---
#
# AWS's tables ("Configuring how CloudWatch alarms treat missing data"):
# treated as missing (the default), one breaching datapoint among missing
# ones fires, whatever M of N; as notBreaching, it takes M; as breaching
# the alarm is always in ALARM, as ignore it stays there after the first.

test_pass_several_datapoints_with_missing_data_missing if passes(with_alarm({"EvaluationPeriods": 3, "DatapointsToAlarm": 2}))

test_pass_several_periods_with_missing_data_missing if passes(with_alarm({"EvaluationPeriods": 3, "TreatMissingData": "missing"}))

test_fail_several_datapoints if fails_with(with_alarm({"EvaluationPeriods": 3, "DatapointsToAlarm": 2, "TreatMissingData": "notBreaching"}), "alarm probe needs 2 breaching datapoints out of 3, and one event breaches one period (it treats missing data as notBreaching, so the periods without an event count as not breaching)")

test_fail_missing_data_breaching if {
	region := with_alarm({"TreatMissingData": "breaching"})
	fails_with(region, "alarm probe treats missing data as breaching, and filter probe publishes its metric only when an event matches (it has no default value): the alarm is in ALARM whenever nothing happens")
	contains(result_for(region).remediation, "--treat-missing-data notBreaching")
}

test_fail_missing_data_ignored if fails_with(with_alarm({"TreatMissingData": "ignore"}), "after the first event the alarm stays in ALARM (missing data keeps the state), and CloudWatch notifies only when the state changes, so the next event notifies nobody")

test_pass_missing_data_breaching_with_a_default_value if passes(object.union(with_metric({"defaultValue": 0}), {"metric_alarms": [object.union(fixture.alarm("probe"), {"TreatMissingData": "breaching"})]}))

test_pass_missing_data_not_breaching if passes(with_alarm({"TreatMissingData": "notBreaching"}))

test_fail_several_periods_with_a_default_value if fails_with(object.union(with_metric({"defaultValue": 0}), {"metric_alarms": [object.union(fixture.alarm("probe"), {"EvaluationPeriods": 2})]}), "alarm probe needs 2 breaching datapoints out of 2, and one event breaches one period (filter publishes its default value, 0, between events, and that does not breach)")

test_pass_one_of_several_datapoints if passes(with_alarm({"EvaluationPeriods": 5, "DatapointsToAlarm": 1}))

test_fail_anomaly_detection_band if fails_with(
	object.union(base_region, {"metric_alarms": [{
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

test_fail_metric_math_beyond_reach if fails_with(
	object.union(base_region, {"metric_alarms": [{
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

test_pass_one_firing_alarm_among_silent_ones if passes(object.union(base_region, {"metric_alarms": [
	object.union(fixture.alarm("probe"), {"AlarmName": "a-silent", "Threshold": 10}),
	fixture.alarm("probe"),
]}))

# --- the strict reading: Security Hub's, by the pattern's text ---

strict_result(region) := r if {
	r := monitoring.verdict(monitoring.compile(probe, "v7.0.0")) with input as object.union(fixture.snapshot([region]), {"strict": true})
}

reordered := "{($.eventName=DeleteTrail)||($.eventName=StopLogging)}"

test_pass_benchmark_text_strictly if strict_result(fixture.with_pattern("{($.eventName=StopLogging)||($.eventName=DeleteTrail)}")).status == "PASS"

test_fail_other_text_strictly if {
	r := strict_result(fixture.with_pattern(reordered))
	r.status == "FAIL"
	contains(r.reason, "filter probe catches what it must, but its pattern is not the benchmark's text, which the strict reading (evaluate --strict) requires")
	startswith(r.remediation, "aws logs put-metric-filter --region us-east-1 --log-group-name cloudtrail-logs --filter-name probe --metric-transformations metricName=probe,metricNamespace=CISBenchmark,metricValue=1 --filter-pattern '{ ($.eventName = StopLogging) || ($.eventName = DeleteTrail) }'")
}

test_pass_other_text_notes_the_strict_reading if {
	r := result_for(fixture.with_pattern(reordered))
	r.status == "PASS"
	contains(r.reason, "; note: filter probe is not the benchmark's text, so evaluate --strict would fail it")
}

# Security Hub is named only for a control it has.
test_pass_other_text_notes_security_hub if {
	r := monitoring.verdict(object.union(monitoring.compile(probe, "v7.0.0"), {"security_hub": "CloudWatch.5"})) with input as fixture.snapshot([fixture.with_pattern(reordered)])
	contains(r.reason, "; note: filter probe is not the benchmark's text, so evaluate --strict, and Security Hub's CloudWatch.5, which reads the text, would fail it")
}

# --- one fix for the account: its log group, its namespace, its topic ---

test_fix_new_filter_reuses_namespace_and_topic if {
	other := object.union(fixture.filter("Unrelated", "{ $.eventName = CreateUser }"), {"metricTransformations": [{"metricName": "Unrelated", "metricNamespace": "LogMetrics", "metricValue": "1"}]})
	region := object.union(fixture.region([other]), {"metric_alarms": [object.union(fixture.alarm("Unrelated"), {"Namespace": "LogMetrics"})]})
	r := result_for(region)
	r.status == "FAIL"
	r.remediation == concat("\n", [
		"aws logs put-metric-filter --region us-east-1 --log-group-name cloudtrail-logs --filter-name Probe --metric-transformations metricName=Probe,metricNamespace=LogMetrics,metricValue=1 --filter-pattern '{ ($.eventName = StopLogging) || ($.eventName = DeleteTrail) }'",
		"aws cloudwatch put-metric-alarm --region us-east-1 --alarm-name Probe --metric-name Probe --namespace LogMetrics --statistic Sum --period 300 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 --treat-missing-data notBreaching --alarm-actions arn:aws:sns:us-east-1:111122223333:alerts",
	])
}

test_fix_broken_filter_in_place if {
	r := result_for(fixture.with_pattern("{ $.eventName = StopLogging }"))
	r.remediation == "aws logs put-metric-filter --region us-east-1 --log-group-name cloudtrail-logs --filter-name probe --metric-transformations metricName=probe,metricNamespace=CISBenchmark,metricValue=1 --filter-pattern '{ ($.eventName = StopLogging) || ($.eventName = DeleteTrail) }'"
}

test_fix_creates_a_topic_when_there_is_none if {
	r := result_for(object.union(fixture.region([]), {"topics": []}))
	r.remediation == concat("\n", [
		"aws logs put-metric-filter --region us-east-1 --log-group-name cloudtrail-logs --filter-name Probe --metric-transformations metricName=Probe,metricNamespace=CISBenchmark,metricValue=1 --filter-pattern '{ ($.eventName = StopLogging) || ($.eventName = DeleteTrail) }'",
		"aws sns create-topic --region us-east-1 --name security-alerts",
		"aws sns subscribe --region us-east-1 --topic-arn arn:aws:sns:us-east-1:111122223333:security-alerts --protocol email --notification-endpoint <address>, then confirm the subscription",
		"aws cloudwatch put-metric-alarm --region us-east-1 --alarm-name Probe --metric-name Probe --namespace CISBenchmark --statistic Sum --period 300 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 --treat-missing-data notBreaching --alarm-actions arn:aws:sns:us-east-1:111122223333:security-alerts",
	])
}

test_fix_subscribes_to_a_topic_nobody_confirmed if {
	region := object.union(with_alarm({"Namespace": "Other"}), {"topics": [object.union(fixture.base_topic, {"Subscriptions": []})]})
	r := result_for(region)
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
	fails_with(region, "catches what this control requires: filter Probe misses DeleteTrail; catches StopLogging only when called by the root user in the console")
	startswith(result_for(region).remediation, "aws logs put-metric-filter --region us-east-1 --log-group-name cloudtrail-logs --filter-name Probe --metric-transformations metricName=Probe,")
}

# A pattern AWS may accept but trailwatch does not judge (a regular
# expression too costly to match) might catch what the control requires:
# ERROR, never FAIL or PASS.
test_error_filter_trailwatch_does_not_judge if errs_with(
	fixture.region([fixture.filter("probe", `%\w{,1000}\w{,1000}\w{,1000}StopLogging%`)]),
	"no metric filter on its log group cloudtrail-logs is known to catch what this control requires: trailwatch cannot judge filter probe (the regular expression at column 2 compiles to",
)

test_pass_despite_a_filter_trailwatch_does_not_judge if passes(fixture.region([
	fixture.filter("a-huge", `%\w{,1000}\w{,1000}\w{,1000}x%`),
	fixture.filter("probe", probe_pattern),
]))

# --- the alarm's unit and dimensions ---

test_fail_alarm_unit_the_filter_does_not_publish if {
	region := with_alarm({"Unit": "Count"})
	fails_with(region, "alarm probe watches the unit Count, but filter probe publishes its metric without a unit (None), so the alarm sees none of its datapoints")
	not contains(result_for(region).remediation, "--unit")
}

test_pass_alarm_unit_the_filter_publishes if passes(object.union(with_metric({"unit": "Count"}), {"metric_alarms": [object.union(fixture.alarm("probe"), {"Unit": "Count"})]}))

test_pass_alarm_unit_none if passes(with_alarm({"Unit": "None"}))

with_dimensions(alarm_values) := object.union(with_metric({"dimensions": {"EventName": "$.eventName"}}), {"metric_alarms": [object.union(fixture.alarm(concat("-", ["probe", value])), {"Dimensions": [{"Name": "EventName", "Value": value}], "MetricName": "probe"}) | some value in alarm_values]})

# An alarm pinned to one value of a dimension sees that event only.
test_fail_alarm_pinned_to_one_dimension_value if {
	region := with_dimensions(["StopLogging"])
	fails_with(region, `filter probe publishes metric CISBenchmark/probe with dimensions {"EventName":"$.eventName"}, one metric per value, and its alarms watch only EventName=StopLogging (alarm probe-StopLogging): misses DeleteTrail`)
	r := result_for(region)
	contains(r.remediation, "--metric-transformations metricName=probe,metricNamespace=CISBenchmark,metricValue=1 --filter-pattern")
}

test_pass_one_alarm_per_dimension_value if passes(with_dimensions(["StopLogging", "DeleteTrail"]))

test_error_dimension_trailwatch_cannot_follow if errs_with(
	object.union(with_metric({"dimensions": {"EventName": "$.requestParameters['name']"}}), {"metric_alarms": [object.union(fixture.alarm("probe"), {"Dimensions": [{"Name": "EventName", "Value": "x"}]})]}),
	"which trailwatch cannot follow into the records",
)

# --- the topic takes the notification: its policy and its key ---

with_topic(patch) := object.union(base_region, {"topics": [object.union(fixture.base_topic, patch)]})

with_topic_policy(statements) := with_topic({"Attributes": {"Policy": json.marshal({"Version": "2012-10-17", "Statement": statements})}})

test_fail_topic_policy_lets_one_role_publish if {
	region := with_topic_policy([{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/Publisher"}, "Action": "sns:Publish", "Resource": fixture.topic_arn}])
	fails_with(region, "the policy of topic arn:aws:sns:us-east-1:111122223333:alerts does not let CloudWatch publish for alarm arn:aws:cloudwatch:us-east-1:111122223333:alarm:probe of account 111122223333 (no statement allows it)")
	r := result_for(region)
	startswith(r.remediation, "aws sns set-topic-attributes --region us-east-1 --topic-arn arn:aws:sns:us-east-1:111122223333:alerts --attribute-name Policy --attribute-value ")
	contains(r.remediation, `"Principal":{"Service":"cloudwatch.amazonaws.com"}`)
	contains(r.remediation, `role/Publisher`)
}

test_pass_topic_policy_for_cloudwatch if passes(with_topic_policy([{"Effect": "Allow", "Principal": {"Service": "cloudwatch.amazonaws.com"}, "Action": "sns:Publish", "Resource": fixture.topic_arn}]))

test_fail_topic_policy_denies if fails_with(
	with_topic_policy([
		{"Effect": "Allow", "Principal": {"Service": "cloudwatch.amazonaws.com"}, "Action": "sns:Publish", "Resource": fixture.topic_arn},
		{"Sid": "OnlyFromTheVpc", "Effect": "Deny", "Principal": "*", "Action": "sns:Publish", "Resource": fixture.topic_arn, "Condition": {"StringNotEquals": {"aws:SourceAccount": "999999999999"}}},
	]),
	"denies CloudWatch's notification for alarm arn:aws:cloudwatch:us-east-1:111122223333:alarm:probe (statement OnlyFromTheVpc)",
)

test_error_topic_policy_trailwatch_cannot_judge if errs_with(
	with_topic_policy([
		{"Effect": "Allow", "Principal": {"Service": "cloudwatch.amazonaws.com"}, "Action": "sns:Publish", "Resource": fixture.topic_arn},
		{"Effect": "Deny", "Principal": "*", "Action": "sns:Publish", "Resource": fixture.topic_arn, "Condition": {"StringNotEquals": {"aws:sourceVpce": "vpce-1ab2c34d"}}},
	]),
	"condition key aws:sourceVpce is not one trailwatch knows the value of",
)

test_error_topic_attributes_not_read if errs_with(
	with_errors(object.union(base_region, {"topics": [object.remove(fixture.base_topic, ["Attributes"])]}), [fixture.failed("sns", "GetTopicAttributes", fixture.topic_arn, "AuthorizationError")]),
	"the attributes of topic arn:aws:sns:us-east-1:111122223333:alerts (its policy and key) could not be read (sns GetTopicAttributes in us-east-1 failed: AuthorizationError",
)

with_key(reference, key) := object.union(
	with_topic({"Attributes": {"KmsMasterKeyId": reference}}),
	{"kms_keys": [object.union({"key_reference": reference}, key)]},
)

key_arn := "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"

key_metadata(state, manager) := {"KeyMetadata": {"KeyId": "1234abcd-12ab-34cd-56ef-1234567890ab", "Arn": key_arn, "Enabled": state == "Enabled", "KeyState": state, "KeyManager": manager}}

key_policy(statements) := {"Policy": json.marshal({"Version": "2012-10-17", "Statement": array.concat(
	[{"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"}],
	statements,
)})}

cloudwatch_key_statement := {"Effect": "Allow", "Principal": {"Service": "cloudwatch.amazonaws.com"}, "Action": ["kms:GenerateDataKey*", "kms:Decrypt"], "Resource": "*"}

test_fail_topic_encrypted_with_the_aws_managed_key if {
	region := with_topic({"Attributes": {"KmsMasterKeyId": "alias/aws/sns"}})
	fails_with(region, "topic arn:aws:sns:us-east-1:111122223333:alerts is encrypted with the AWS managed key alias/aws/sns, which CloudWatch cannot use")
	contains(result_for(region).remediation, "--attribute-name KmsMasterKeyId")
}

test_fail_topic_key_managed_by_aws if fails_with(with_key("1234abcd-12ab-34cd-56ef-1234567890ab", key_metadata("Enabled", "AWS")), "an AWS managed key, which CloudWatch cannot use")

test_fail_topic_key_disabled if {
	region := with_key("alias/alerts", object.union(key_metadata("Disabled", "CUSTOMER"), key_policy([cloudwatch_key_statement])))
	fails_with(region, "the KMS key arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab of topic arn:aws:sns:us-east-1:111122223333:alerts is Disabled")
	result_for(region).remediation == "aws kms enable-key --region us-east-1 --key-id 1234abcd-12ab-34cd-56ef-1234567890ab"
}

test_fail_topic_key_policy_shuts_cloudwatch_out if {
	region := with_key("alias/alerts", object.union(key_metadata("Enabled", "CUSTOMER"), key_policy([])))
	fails_with(region, "does not let CloudWatch use it (kms:Decrypt: no statement allows it; kms:GenerateDataKey: no statement allows it)")
	r := result_for(region)
	contains(r.remediation, `{"Action":["kms:Decrypt","kms:GenerateDataKey*"],"Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}},"Effect":"Allow","Principal":{"Service":"cloudwatch.amazonaws.com"},"Resource":"*","Sid":"AllowCloudWatchAlarmsToUseTheKey"}`)
	contains(r.remediation, "aws kms put-key-policy --region us-east-1 --key-id 1234abcd-12ab-34cd-56ef-1234567890ab --policy-name default --policy file://key-policy.json")
}

test_pass_topic_key_lets_cloudwatch_in if passes(with_key("alias/alerts", object.union(key_metadata("Enabled", "CUSTOMER"), key_policy([cloudwatch_key_statement]))))

test_error_topic_key_not_read if errs_with(
	with_errors(with_topic({"Attributes": {"KmsMasterKeyId": "alias/alerts"}}), [fixture.failed("kms", "DescribeKey", "alias/alerts", "AccessDeniedException")]),
	"the KMS key alias/alerts of topic arn:aws:sns:us-east-1:111122223333:alerts could not be read (kms DescribeKey in us-east-1 failed: AccessDeniedException",
)

test_error_topic_key_policy_not_read if errs_with(
	with_errors(with_key("alias/alerts", key_metadata("Enabled", "CUSTOMER")), [fixture.failed("kms", "GetKeyPolicy", "alias/alerts", "AccessDeniedException")]),
	"could not be read (kms GetKeyPolicy in us-east-1 failed: AccessDeniedException",
)

test_error_topic_key_not_collected if errs_with(with_topic({"Attributes": {"KmsMasterKeyId": "alias/alerts"}}), "the KMS key alias/alerts of topic arn:aws:sns:us-east-1:111122223333:alerts was not collected")

test_fail_topic_key_does_not_exist if fails_with(
	with_errors(with_topic({"Attributes": {"KmsMasterKeyId": "alias/gone"}}), [fixture.failed("kms", "DescribeKey", "alias/gone", "NotFoundException")]),
	"is encrypted with KMS key alias/gone, which does not exist",
)

# --- subscriptions: their filter policies ---

with_subscription(attributes) := with_topic({"Subscriptions": [object.union(fixture.base_topic.Subscriptions[0], {"Attributes": attributes})]})

test_fail_filter_policy_on_message_attributes_drops_alarms if {
	region := with_subscription({"FilterPolicy": `{"severity": ["critical"]}`})
	fails_with(region, "the filter policies of the 1 confirmed subscriptions of topic arn:aws:sns:us-east-1:111122223333:alerts drop the notification of alarm probe")
	contains(result_for(region).remediation, "--attribute-name FilterPolicy --attribute-value '{}'")
}

test_fail_filter_policy_lets_one_alarm_through if fails_with(
	with_subscription({"FilterPolicy": `{"AlarmName": ["root-account-usage"]}`, "FilterPolicyScope": "MessageBody"}),
	"drop the notification of alarm probe",
)

test_pass_filter_policy_lets_the_alarm_through if passes(with_subscription({"FilterPolicy": `{"AlarmName": [{"prefix": "pro"}], "NewStateValue": ["ALARM"]}`, "FilterPolicyScope": "MessageBody"}))

test_error_filter_policy_trailwatch_cannot_judge if errs_with(
	with_subscription({"FilterPolicy": `{"StateChangeTime": [{"prefix": "2026"}]}`, "FilterPolicyScope": "MessageBody"}),
	"StateChangeTime is not known before the message is sent",
)

test_error_subscription_attributes_not_collected if errs_with(
	with_topic({"Subscriptions": [object.remove(fixture.base_topic.Subscriptions[0], ["Attributes"])]}),
	"the attributes of subscription arn:aws:sns:us-east-1:111122223333:alerts:0f1e2d3c (its filter policy) were not collected",
)

# One subscription that lets the notification through is enough.
test_pass_one_of_two_subscriptions if passes(with_topic({"Subscriptions": [
	object.union(fixture.base_topic.Subscriptions[0], {"SubscriptionArn": concat(":", [fixture.topic_arn, "a"]), "Attributes": {"FilterPolicy": `{"severity": ["critical"]}`}}),
	object.union(fixture.base_topic.Subscriptions[0], {"SubscriptionArn": concat(":", [fixture.topic_arn, "b"]), "Attributes": {}}),
]}))

# --- a central security topic in another account of the run ---

central_topic := "arn:aws:sns:us-east-1:999999999999:security-alerts"

central_verdict(topic_region) := v if {
	v := monitoring.verdict(monitoring.compile(probe, "v7.0.0")) with input as central_input(topic_region)
}

central_input(topic_region) := {
	"collected_at": "2026-11-20T12:00:00Z",
	"account_id": fixture.account_id,
	"accounts": array.concat(
		[{"account_id": fixture.account_id, "regions": [object.union(base_region, {"metric_alarms": [object.union(fixture.alarm("probe"), {"AlarmActions": [central_topic]})], "topics": []})]}],
		[{"account_id": "999999999999", "regions": [topic_region]} | topic_region != null],
	),
}

test_pass_central_topic_that_lets_the_account_publish if {
	policy := json.marshal({"Statement": [{"Effect": "Allow", "Principal": {"Service": "cloudwatch.amazonaws.com"}, "Action": "sns:Publish", "Resource": central_topic, "Condition": {"StringEquals": {"aws:SourceAccount": ["111122223333", "222233334444"]}}}]})
	r := central_verdict({"region": "us-east-1", "trails": [], "metric_alarms": [], "topics": [object.union(fixture.topic(central_topic, "999999999999"), {"Attributes": {"Policy": policy}})]})
	r.status == "PASS"
	r.evidence.chain.topic == central_topic
}

# The default policy lets only the owner's own alarms publish.
test_fail_central_topic_with_the_default_policy if {
	r := central_verdict({"region": "us-east-1", "trails": [], "metric_alarms": [], "topics": [fixture.topic(central_topic, "999999999999")]})
	r.status == "FAIL"
	contains(r.reason, "does not let CloudWatch publish for alarm arn:aws:cloudwatch:us-east-1:111122223333:alarm:probe of account 111122223333")
}

test_error_central_topic_account_not_collected if {
	r := central_verdict(null)
	r.status == "ERROR"
	contains(r.reason, "is in account 999999999999, which this snapshot does not hold; collect that account too")
}

# --- the records carry the judged account's id ---

scoped := "{ ($.recipientAccountId = 123456789012) && (($.eventName = StopLogging) || ($.eventName = DeleteTrail)) }"

account_verdict(account) := v if {
	v := monitoring.verdict(monitoring.compile(probe, "v7.0.0")) with input as account_input(account)
}

account_input(account) := {
	"collected_at": "2026-11-20T12:00:00Z",
	"account_id": account,
	"accounts": [{"account_id": account, "regions": [json.unmarshal(replace(json.marshal(fixture.with_pattern(scoped)), "111122223333", account))]}],
}

test_pass_filter_scoped_to_the_judged_account if account_verdict("123456789012").status == "PASS"

test_fail_filter_scoped_to_another_account if {
	r := account_verdict("210987654321")
	r.status == "FAIL"
	contains(r.reason, "filter probe misses StopLogging, DeleteTrail")
}
