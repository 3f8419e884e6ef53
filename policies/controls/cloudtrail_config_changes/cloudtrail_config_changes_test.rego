package controls.cloudtrail_config_changes_test

import data.controls.cloudtrail_config_changes as control

# One account, as the benchmark's remediation leaves it; every test varies
# it in one place.

account_id := "111122223333"

trail_arn := "arn:aws:cloudtrail:us-east-1:111122223333:trail/main"

log_group := "cloudtrail-logs"

topic_arn := "arn:aws:sns:us-east-1:111122223333:alerts"

benchmark := "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }"

base_trail := {
	"Name": "main",
	"TrailARN": trail_arn,
	"HomeRegion": "us-east-1",
	"IsMultiRegionTrail": true,
	"IsOrganizationTrail": false,
	"CloudWatchLogsLogGroupArn": "arn:aws:logs:us-east-1:111122223333:log-group:cloudtrail-logs:*",
	"GetTrailStatus": {"IsLogging": true},
	"GetEventSelectors": {"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": true}]},
}

base_filter := {
	"filterName": "trail-changes",
	"filterPattern": benchmark,
	"logGroupName": log_group,
	"metricTransformations": [{"metricName": "TrailChanges", "metricNamespace": "CISBenchmark", "metricValue": "1"}],
}

base_alarm := {
	"AlarmName": "trail-changes",
	"ActionsEnabled": true,
	"AlarmActions": [topic_arn],
	"MetricName": "TrailChanges",
	"Namespace": "CISBenchmark",
	"Statistic": "Sum",
	"Period": 300,
	"EvaluationPeriods": 1,
	"Threshold": 1,
	"ComparisonOperator": "GreaterThanOrEqualToThreshold",
}

base_topic := {
	"TopicArn": topic_arn,
	"Subscriptions": [{"SubscriptionArn": concat(":", [topic_arn, "0f1e2d3c"]), "Protocol": "email"}],
}

base_region := {
	"region": "us-east-1",
	"trails": [base_trail],
	"log_groups": [{"logGroupName": log_group, "metricFilters": [base_filter]}],
	"metric_alarms": [base_alarm],
	"topics": [base_topic],
}

# result_for(region) judges the account holding one region.
result_for(region) := r if {
	r := control.result with input as {
		"format_version": 1,
		"account_id": account_id,
		"accounts": [{"account_id": account_id, "regions": [region]}],
	}
}

with_trail(patch) := object.union(base_region, {"trails": [object.union(base_trail, patch)]})

with_selectors(answer) := object.union(base_region, {"trails": [object.union(object.remove(base_trail, ["GetEventSelectors"]), {"GetEventSelectors": answer})]})

with_pattern(p) := object.union(base_region, {"log_groups": [{
	"logGroupName": log_group,
	"metricFilters": [object.union(base_filter, {"filterPattern": p})],
}]})

with_alarm(patch) := object.union(base_region, {"metric_alarms": [object.union(base_alarm, patch)]})

with_errors(region, errors) := object.union(region, {"errors": errors})

failed(service, operation, resource, code) := {
	"service": service, "operation": operation, "region": "us-east-1",
	"resource": resource, "error_code": code, "message": "refused", "http_status": 400,
}

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

# --- PASS, and what the filter may look like ---

test_pass_benchmark_remediation if {
	r := result_for(base_region)
	r.status == "PASS"
	r.control_id == "cloudtrail-config-changes"
	r.account_id == account_id
	r.evidence.chain == {
		"trail": trail_arn,
		"home_region": "us-east-1",
		"log_group": "arn:aws:logs:us-east-1:111122223333:log-group:cloudtrail-logs:*",
		"metric_filter": "trail-changes",
		"filter_pattern": benchmark,
		"metric": "CISBenchmark/TrailChanges",
		"alarm": "trail-changes",
		"topic": topic_arn,
		"confirmed_subscriptions": 1,
	}
	not contains(r.reason, "noisy")
}

test_pass_result_carries_metadata if {
	r := result_for(base_region)
	r.title != ""
	r.severity == "medium"
	{"name": "AWS Security Hub", "id": "CloudWatch.5"} in r.frameworks
	some f in r.frameworks
	f.id == "4.5"
	"v5.0.0" in f.versions
}

test_pass_quoted_values if passes(with_pattern(`{ ($.eventName = "CreateTrail") || ($.eventName = "UpdateTrail") || ($.eventName = "DeleteTrail") || ($.eventName = "StartLogging") || ($.eventName = "StopLogging") }`))

test_pass_reordered_clauses if passes(with_pattern("{ ($.eventName = StopLogging) || ($.eventName = StartLogging) || ($.eventName = DeleteTrail) || ($.eventName = UpdateTrail) || ($.eventName = CreateTrail) }"))

test_pass_newlines_and_extra_spaces if passes(with_pattern("{\n  ( $.eventName   =   CreateTrail ) ||\n  ($.eventName=UpdateTrail)||($.eventName = DeleteTrail)\n  || ($.eventName = StartLogging) || ($.eventName = StopLogging)\n}"))

test_pass_without_parentheses if passes(with_pattern("{$.eventName = CreateTrail || $.eventName = UpdateTrail || $.eventName = DeleteTrail || $.eventName = StartLogging || $.eventName = StopLogging}"))

test_pass_extra_conditions_that_keep_the_events if passes(with_pattern("{ ($.eventSource = cloudtrail.amazonaws.com) && (($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging)) }"))

test_pass_wildcards_that_keep_the_events if passes(with_pattern("{ ($.eventName = *Trail) || ($.eventName = *Logging) }"))

test_pass_catch_all_is_noisy if {
	r := result_for(with_pattern("{ $.eventName = * }"))
	r.status == "PASS"
	contains(r.reason, "also matches a console sign-in (ConsoleLogin)")
	contains(r.reason, "noisy")
}

test_pass_event_source_filter_is_noisy if {
	r := result_for(with_pattern("{ $.eventSource = cloudtrail.amazonaws.com }"))
	r.status == "PASS"
	contains(r.reason, "DescribeTrails")
}

test_pass_notes_a_delivery_error if {
	r := result_for(with_trail({"GetTrailStatus": {"IsLogging": true, "LatestCloudWatchLogsDeliveryError": "AccessDenied"}}))
	r.status == "PASS"
	contains(r.reason, "CloudWatch Logs delivery error for this trail: AccessDenied")
}

test_pass_metric_math_alarm if passes(object.union(base_region, {"metric_alarms": [{
	"AlarmName": "math",
	"ActionsEnabled": true,
	"AlarmActions": [topic_arn],
	"Metrics": [
		{"Id": "m1", "MetricStat": {"Metric": {"Namespace": "CISBenchmark", "MetricName": "TrailChanges"}, "Period": 300, "Stat": "Sum"}, "ReturnData": false},
		{"Id": "e1", "Expression": "FILL(m1, 0)", "ReturnData": true},
	],
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

test_pass_one_good_trail_among_broken_ones if passes(object.union(base_region, {"trails": [
	object.union(base_trail, {"Name": "a-broken", "TrailARN": "arn:aws:cloudtrail:us-east-1:111122223333:trail/a-broken", "IsMultiRegionTrail": false}),
	base_trail,
]}))

test_pass_failure_elsewhere_does_not_matter if passes(with_errors(base_region, [failed("sns", "GetTopicAttributes", "arn:aws:sns:us-east-1:111122223333:other", "AccessDenied")]))

# A member account sees its organization's trail; the chain runs in the
# management account, which the snapshot also holds.
test_pass_organization_trail_in_owner_account if {
	mgmt := "999988887777"
	org_trail := object.union(base_trail, {
		"Name": "org",
		"TrailARN": "arn:aws:cloudtrail:us-east-1:999988887777:trail/org",
		"IsOrganizationTrail": true,
		"CloudWatchLogsLogGroupArn": "arn:aws:logs:us-east-1:999988887777:log-group:org-trail:*",
	})
	member_view := object.remove(org_trail, ["GetTrailStatus", "GetEventSelectors"])
	org_topic := "arn:aws:sns:us-east-1:999988887777:org-alerts"
	r := control.result with input as {
		"format_version": 1,
		"account_id": account_id,
		"accounts": [
			{"account_id": account_id, "regions": [{"region": "us-east-1", "trails": [member_view], "metric_alarms": []}]},
			{"account_id": mgmt, "regions": [{
				"region": "us-east-1",
				"trails": [org_trail],
				"log_groups": [{"logGroupName": "org-trail", "metricFilters": [base_filter]}],
				"metric_alarms": [object.union(base_alarm, {"AlarmActions": [org_topic]})],
				"topics": [object.union(base_topic, {"TopicArn": org_topic})],
			}]},
		],
	}
	r.status == "PASS"
	r.evidence.chain.trail == "arn:aws:cloudtrail:us-east-1:999988887777:trail/org"
}

# --- FAIL: each link broken in turn ---

test_fail_not_multi_region if fails_with(with_trail({"IsMultiRegionTrail": false}), "trail main: it is not multi-region")

test_fail_logging_stopped if {
	region := with_trail({"GetTrailStatus": {"IsLogging": false}})
	fails_with(region, "trail main: logging is stopped")
	result_for(region).remediation == "aws cloudtrail start-logging --region us-east-1 --name main"
}

test_fail_write_only_management_events if fails_with(with_selectors({"EventSelectors": [{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": true}]}), "does not record management events")

test_fail_management_events_off if fails_with(with_selectors({"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": false}]}), "does not record management events")

test_fail_no_event_selectors if fails_with(with_selectors({"EventSelectors": []}), "does not record management events")

test_fail_advanced_selectors_read_only if fails_with(
	with_selectors({"AdvancedEventSelectors": [{"FieldSelectors": [
		{"Field": "eventCategory", "Equals": ["Management"]},
		{"Field": "readOnly", "Equals": ["true"]},
	]}]}),
	"does not record management events",
)

test_fail_advanced_selectors_exclude_cloudtrail if fails_with(
	with_selectors({"AdvancedEventSelectors": [{"FieldSelectors": [
		{"Field": "eventCategory", "Equals": ["Management"]},
		{"Field": "eventSource", "NotEquals": ["cloudtrail.amazonaws.com"]},
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

without_log_group := object.union(base_region, {"trails": [object.remove(base_trail, ["CloudWatchLogsLogGroupArn"])]})

test_fail_no_log_group if fails_with(without_log_group, "delivers to no CloudWatch Logs log group")

test_fail_log_group_arn_not_a_log_group if fails_with(with_trail({"CloudWatchLogsLogGroupArn": "arn:aws:s3:::bucket"}), "is not a log group ARN")

test_fail_log_group_does_not_exist if {
	region := with_errors(object.remove(base_region, ["log_groups"]), [failed("logs", "DescribeMetricFilters", log_group, "ResourceNotFoundException")])
	fails_with(region, "its log group cloudtrail-logs does not exist")
}

test_fail_filter_on_another_log_group if {
	other := object.union(base_filter, {"logGroupName": "app-logs"})
	region := object.union(base_region, {"log_groups": [
		{"logGroupName": "app-logs", "metricFilters": [other]},
		{"logGroupName": log_group, "metricFilters": []},
	]})
	fails_with(region, "its log group cloudtrail-logs has no metric filter")
	contains(result_for(region).remediation, "--log-group-name cloudtrail-logs")
}

test_fail_filter_in_another_region if {
	elsewhere := object.union(base_region, {"region": "eu-west-1", "trails": [], "metric_alarms": [], "topics": []})
	home := object.union(base_region, {"log_groups": [{"logGroupName": log_group, "metricFilters": []}]})
	r := control.result with input as {
		"format_version": 1,
		"account_id": account_id,
		"accounts": [{"account_id": account_id, "regions": [home, elsewhere]}],
	}
	r.status == "FAIL"
	contains(r.reason, "has no metric filter")
}

test_fail_and_instead_of_or if fails_with(with_pattern("{ ($.eventName = CreateTrail) && ($.eventName = UpdateTrail) && ($.eventName = DeleteTrail) && ($.eventName = StartLogging) && ($.eventName = StopLogging) }"), "filter trail-changes misses CreateTrail, UpdateTrail, DeleteTrail, StartLogging, StopLogging")

test_fail_missing_event_name if fails_with(with_pattern("{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) }"), "filter trail-changes misses StopLogging")

test_fail_case_differs if fails_with(with_pattern("{ ($.eventName = createtrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }"), "misses CreateTrail")

test_fail_extra_condition_that_drops_events if fails_with(with_pattern("{ ($.eventSource = kms.amazonaws.com) && (($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging)) }"), "misses CreateTrail, UpdateTrail")

test_fail_names_every_filter_that_misses if {
	region := object.union(base_region, {"log_groups": [{"logGroupName": log_group, "metricFilters": [
		object.union(base_filter, {"filterName": "a", "filterPattern": "{ $.eventName = CreateTrail }"}),
		object.union(base_filter, {"filterName": "b", "filterPattern": "{ $.eventName = StopLogging }", "metricTransformations": [{"metricName": "B", "metricNamespace": "NS", "metricValue": "1"}]}),
	]}]})
	fails_with(region, "filter a misses UpdateTrail, DeleteTrail, StartLogging, StopLogging; filter b misses CreateTrail, UpdateTrail, DeleteTrail, StartLogging")
	contains(result_for(region).remediation, "--filter-name a --metric-transformations metricName=TrailChanges,metricNamespace=CISBenchmark")
}

test_fail_pattern_does_not_parse if fails_with(with_pattern("{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) "), "filter trail-changes does not parse (column 1: a pattern that starts with { must end with })")

test_fail_no_metric_filter if fails_with(object.union(base_region, {"log_groups": [{"logGroupName": log_group, "metricFilters": []}]}), "has no metric filter")

test_fail_alarm_in_other_namespace if fails_with(with_alarm({"Namespace": "CloudTrailMetrics"}), "no alarm watches metric CISBenchmark/TrailChanges of filter trail-changes (alarm trail-changes watches CloudTrailMetrics/TrailChanges)")

test_fail_alarm_on_filter_name_not_metric if fails_with(with_alarm({"MetricName": "trail-changes-filter"}), "no alarm watches metric CISBenchmark/TrailChanges")

test_fail_alarm_with_dimensions_the_filter_does_not_publish if fails_with(with_alarm({"Dimensions": [{"Name": "Trail", "Value": "main"}]}), "no alarm watches metric")

test_fail_alarm_in_another_region if {
	home := object.union(base_region, {"metric_alarms": []})
	elsewhere := {"region": "eu-west-1", "trails": [], "metric_alarms": [base_alarm]}
	r := control.result with input as {
		"format_version": 1,
		"account_id": account_id,
		"accounts": [{"account_id": account_id, "regions": [home, elsewhere]}],
	}
	r.status == "FAIL"
	contains(r.reason, "no alarm watches metric")
}

test_fail_alarm_actions_disabled if {
	region := with_alarm({"ActionsEnabled": false})
	fails_with(region, "alarm trail-changes has its actions disabled")
	result_for(region).remediation == "aws cloudwatch enable-alarm-actions --region us-east-1 --alarm-names trail-changes"
}

test_fail_alarm_notifies_nothing if fails_with(with_alarm({"AlarmActions": []}), "alarm trail-changes notifies no SNS topic")

test_fail_alarm_only_stops_an_instance if fails_with(with_alarm({"AlarmActions": ["arn:aws:automate:us-east-1:ec2:stop"]}), "notifies no SNS topic")

test_fail_topic_does_not_exist if {
	region := with_errors(object.remove(base_region, ["topics"]), [failed("sns", "GetTopicAttributes", topic_arn, "NotFound")])
	fails_with(region, "notifies topic arn:aws:sns:us-east-1:111122223333:alerts, which does not exist")
}

test_fail_subscription_pending if fails_with(object.union(base_region, {"topics": [object.union(base_topic, {"Subscriptions": [{"SubscriptionArn": "PendingConfirmation", "Protocol": "email"}]})]}), "has no confirmed subscription (1 pending confirmation)")

test_fail_topic_without_subscriptions if {
	region := object.union(base_region, {"topics": [object.union(base_topic, {"Subscriptions": []})]})
	fails_with(region, "has no confirmed subscription (0 pending confirmation)")
	contains(result_for(region).remediation, "aws sns subscribe --region us-east-1 --topic-arn arn:aws:sns:us-east-1:111122223333:alerts")
}

test_fail_no_trail if fails_with(object.union(base_region, {"trails": []}), "no CloudTrail trail exists")

test_fail_names_each_trail if {
	second := object.union(base_trail, {"Name": "second", "TrailARN": "arn:aws:cloudtrail:us-east-1:111122223333:trail/second", "GetTrailStatus": {"IsLogging": false}})
	region := object.union(base_region, {
		"trails": [object.union(base_trail, {"IsMultiRegionTrail": false}), second],
	})
	fails_with(region, "trail main: it is not multi-region; trail second: logging is stopped")

	# The remediation follows the trail that got furthest.
	result_for(region).remediation == "aws cloudtrail start-logging --region us-east-1 --name second"
}

test_fail_remediation_names_own_resources if {
	r := result_for(with_alarm({"Namespace": "Other"}))
	contains(r.remediation, "--metric-name TrailChanges --namespace CISBenchmark")
	contains(r.remediation, concat("", ["--alarm-actions ", topic_arn]))
}

# --- ERROR: evidence the verdict needs was not collected ---

test_error_trail_status_unreadable if errs_with(
	with_errors(
		object.union(base_region, {"trails": [object.remove(base_trail, ["GetTrailStatus"])]}),
		[failed("cloudtrail", "GetTrailStatus", trail_arn, "AccessDeniedException")],
	),
	"trail main: its status was not collected (cloudtrail GetTrailStatus in us-east-1 failed: AccessDeniedException",
)

test_error_event_selectors_unreadable if errs_with(
	object.union(base_region, {"trails": [object.remove(base_trail, ["GetEventSelectors"])]}),
	"its event selectors were not collected (no GetEventSelectors answer in the snapshot)",
)

test_error_metric_filters_unreadable if errs_with(
	with_errors(object.remove(base_region, ["log_groups"]), [failed("logs", "DescribeMetricFilters", log_group, "ThrottlingException")]),
	"the metric filters of its log group cloudtrail-logs could not be read",
)

test_error_log_group_not_collected if errs_with(object.remove(base_region, ["log_groups"]), "its log group cloudtrail-logs (account 111122223333, us-east-1) was not collected")

test_error_log_group_in_account_not_collected if errs_with(
	with_trail({"CloudWatchLogsLogGroupArn": "arn:aws:logs:us-east-1:444455556666:log-group:central:*"}),
	"is in account 444455556666, which this snapshot does not hold",
)

test_error_alarms_unreadable if errs_with(
	with_errors(object.union(base_region, {"metric_alarms": []}), [failed("cloudwatch", "DescribeAlarms", "", "AccessDenied")]),
	"could not all be read",
)

test_error_alarms_partly_unreadable_turns_fail_into_error if errs_with(
	with_errors(with_alarm({"ActionsEnabled": false}), [failed("cloudwatch", "DescribeAlarms", "", "Throttling")]),
	"alarm trail-changes has its actions disabled, and the alarms of us-east-1 could not all be read",
)

test_error_topic_unreadable if errs_with(
	with_errors(object.remove(base_region, ["topics"]), [failed("sns", "GetTopicAttributes", topic_arn, "AuthorizationError")]),
	"topic arn:aws:sns:us-east-1:111122223333:alerts of alarm trail-changes could not be read",
)

test_error_topic_not_collected if errs_with(object.remove(base_region, ["topics"]), "was not collected")

test_error_subscriptions_unreadable if errs_with(
	with_errors(object.union(base_region, {"topics": [object.union(base_topic, {"Subscriptions": []})]}), [failed("sns", "ListSubscriptionsByTopic", topic_arn, "Throttling")]),
	"the subscriptions of topic arn:aws:sns:us-east-1:111122223333:alerts could not be read",
)

test_error_trails_unreadable if errs_with(
	with_errors(object.union(base_region, {"trails": []}), [failed("cloudtrail", "DescribeTrails", "", "AccessDeniedException")]),
	"cloudtrail DescribeTrails in us-east-1 failed",
)

test_error_no_region_collected if {
	r := control.result with input as {
		"format_version": 1,
		"account_id": account_id,
		"accounts": [{"account_id": account_id, "regions": [], "errors": [{"service": "sts", "operation": "AssumeRole", "error_code": "AccessDenied", "message": "no"}]}],
	}
	r.status == "ERROR"
	contains(r.reason, "no region of this account was collected")
}

test_error_never_hides_behind_a_fail if {
	# One trail is broken for sure; the other cannot be judged: ERROR, not FAIL.
	second := object.union(base_trail, {"Name": "second", "TrailARN": "arn:aws:cloudtrail:us-east-1:111122223333:trail/second"})
	region := object.union(base_region, {"trails": [
		object.union(base_trail, {"IsMultiRegionTrail": false}),
		object.remove(second, ["GetTrailStatus"]),
	]})
	errs_with(region, "trail second: its status was not collected")
}
