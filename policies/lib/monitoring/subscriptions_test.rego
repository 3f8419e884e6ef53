package lib.monitoring.subscriptions_test

import data.lib.monitoring.subscriptions

# The filter-policy language is tested in internal/snsfilter with the SNS
# Developer Guide's examples; here, what CloudWatch's notifications are and
# what a subscription lets through.

# --- CloudWatch's notifications ---

alarm := {
	"AlarmName": "cloudtrail-config-changes",
	"AlarmArn": "arn:aws:cloudwatch:us-east-1:111122223333:alarm:cloudtrail-config-changes",
	"ActionsEnabled": true,
	"AlarmActions": ["arn:aws:sns:us-east-1:111122223333:alerts"],
	"MetricName": "CloudTrailConfigChanges",
	"Namespace": "CISBenchmark",
	"Statistic": "Sum",
	"Period": 300,
	"EvaluationPeriods": 1,
	"Threshold": 1,
	"ComparisonOperator": "GreaterThanOrEqualToThreshold",
}

admits(attributes) := subscriptions.admits(attributes, alarm, "111122223333").result

test_no_filter_policy_admits if {
	admits({}) == "yes"
	admits({"FilterPolicy": "{}"}) == "yes"
}

# CloudWatch's notifications carry no message attributes: an attribute
# policy drops them, unless it asks only that an attribute be absent.
test_attribute_policy_drops_alarms if {
	admits({"FilterPolicy": `{"severity": ["high"]}`}) == "no"
	admits({"FilterPolicy": `{"severity": ["high"]}`, "FilterPolicyScope": "MessageAttributes"}) == "no"
	admits({"FilterPolicy": `{"severity": [{"exists": false}]}`}) == "yes"
}

test_body_policy_on_the_alarm if {
	admits({"FilterPolicy": `{"AlarmName": ["cloudtrail-config-changes", "root-account-usage"]}`, "FilterPolicyScope": "MessageBody"}) == "yes"
	admits({"FilterPolicy": `{"AlarmName": ["root-account-usage"]}`, "FilterPolicyScope": "MessageBody"}) == "no"
	admits({"FilterPolicy": `{"NewStateValue": ["ALARM"], "Trigger": {"Namespace": ["CISBenchmark"]}}`, "FilterPolicyScope": "MessageBody"}) == "yes"
	admits({"FilterPolicy": `{"AWSAccountId": ["444455556666"]}`, "FilterPolicyScope": "MessageBody"}) == "no"
}

# The state the alarm leaves: INSUFFICIENT_DATA for missing data treated
# as missing (the default), OK for notBreaching.
test_old_state_follows_missing_data if {
	admits({"FilterPolicy": `{"OldStateValue": ["OK"]}`, "FilterPolicyScope": "MessageBody"}) == "no"
	subscriptions.admits({"FilterPolicy": `{"OldStateValue": ["OK"]}`, "FilterPolicyScope": "MessageBody"}, object.union(alarm, {"TreatMissingData": "notBreaching"}), "111122223333").result == "yes"
}

test_body_policy_on_what_is_not_known if {
	d := subscriptions.admits({"FilterPolicy": `{"NewStateReason": [{"prefix": "Threshold Crossed"}]}`, "FilterPolicyScope": "MessageBody"}, alarm, "111122223333")
	d.result == "unknown"
	contains(d.reason, "NewStateReason")
}

test_filter_policy_not_json if subscriptions.admits({"FilterPolicy": "{x"}, alarm, "111122223333") == {"result": "unknown", "reason": "the filter policy is not JSON"}
