# METADATA
# title: trailwatch library, what a subscription's filter policy lets through
# description: |
#   A subscription counts for an alarm only if its filter policy lets the
#   alarm's notification through. The filter policy language is judged by
#   the built-in sns.filter_policy_decision (internal/snsfilter, as the SNS
#   Developer Guide describes filtering); what CloudWatch sends is modelled
#   here, where an auditor can read and change it.
#
#   A policy scoped to MessageAttributes (the default) is judged against the
#   notification's message attributes, a MessageBody policy against its
#   body. Values trailwatch cannot know before the alarm fires (the time and
#   reason of the change) are marked unknown: a condition on one cannot be
#   judged, and a verdict that needs it is ERROR.
package lib.monitoring.subscriptions

# unknown marks a message value trailwatch cannot know.
unknown := {"trailwatch": "unknown value"}

# --- what CloudWatch sends ---
#
# An alarm's notification to SNS carries no message attributes; its body
# is a JSON object ("Using Amazon CloudWatch alarms" shows it): the alarm's
# name, description, account, ARN and region (by its long name), its old
# and new state, the time and reason of the change, its actions and its
# trigger (metric, namespace, statistic in capitals, dimensions, period,
# evaluation periods, comparison, threshold, missing-data treatment). The
# region is given by a long name whose wording trailwatch does not rely on.

# notification(alarm, account) is the body of the notification an
# alarm sends as it goes to ALARM from the state it rests in when nothing
# happens: OK when it treats missing data as not breaching,
# INSUFFICIENT_DATA otherwise.
notification(alarm, account) := {
	"AlarmName": alarm.AlarmName,
	"AlarmDescription": object.get(alarm, "AlarmDescription", null),
	"AWSAccountId": account,
	"AlarmConfigurationUpdatedTimestamp": unknown,
	"NewStateValue": "ALARM",
	"NewStateReason": unknown,
	"StateChangeTime": unknown,
	# Its long name, which AWS words differently in different places.
	"Region": unknown,
	"AlarmArn": object.get(alarm, "AlarmArn", unknown),
	"OldStateValue": resting_state(alarm),
	"OKActions": object.get(alarm, "OKActions", []),
	"AlarmActions": object.get(alarm, "AlarmActions", []),
	"InsufficientDataActions": object.get(alarm, "InsufficientDataActions", []),
	"Trigger": trigger(alarm),
}

resting_state(alarm) := "OK" if object.get(alarm, "TreatMissingData", "missing") == "notBreaching"

else := "INSUFFICIENT_DATA"

trigger(alarm) := {
	"MetricName": alarm.MetricName,
	"Namespace": alarm.Namespace,
	"StatisticType": "Statistic",
	"Statistic": upper(object.get(alarm, "Statistic", "")),
	"Unit": object.get(alarm, "Unit", null),
	"Dimensions": [{"value": d.Value, "name": d.Name} | some d in object.get(alarm, "Dimensions", [])],
	"Period": object.get(alarm, "Period", unknown),
	"EvaluationPeriods": object.get(alarm, "EvaluationPeriods", unknown),
	"ComparisonOperator": object.get(alarm, "ComparisonOperator", unknown),
	"Threshold": object.get(alarm, "Threshold", unknown),
	"TreatMissingData": object.get(alarm, "TreatMissingData", ""),
	"EvaluateLowSampleCountPercentile": object.get(alarm, "EvaluateLowSampleCountPercentile", ""),
} if {
	alarm.MetricName
} else := unknown

# admits(attributes, alarm, account) is {"result": "yes" | "no" |
# "unknown", "reason": ...}: whether a subscription (its attributes, as
# GetSubscriptionAttributes returns them) lets the alarm's notification
# through. No filter policy lets everything through.
admits(attributes, alarm, account) := {"result": "yes", "reason": ""} if {
	object.get(attributes, "FilterPolicy", "") in {"", "{}"}
} else := sns.filter_policy_decision(attributes.FilterPolicy, message_attributes) if {
	object.get(attributes, "FilterPolicyScope", "MessageAttributes") == "MessageAttributes"
} else := sns.filter_policy_decision(attributes.FilterPolicy, notification(alarm, account))

# CloudWatch's notifications carry no message attributes.
message_attributes := {}
