# METADATA
# title: the monitoring family's probe control
# description: |
#   A probe control that watches two CloudTrail events, on the shared
#   fixture (lib.core.fixture), with helpers that vary one link: the chain's
#   failure modes are tested once, here, for every monitoring control.
package lib.monitoring.probe

import data.lib.core.fixture
import data.lib.monitoring
import data.lib.monitoring.records

# The chain's failure modes, once, on the shared fixture, for a probe
# control that watches two CloudTrail events. Each control's own tests
# cover only what its filter must catch.

spec := {
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
	v := monitoring.verdict(records.compile(spec, "v7.0.0")) with input as fixture.snapshot(regions)
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

delivered(status) := object.union(base_region, {"trails": [object.union(object.remove(fixture.base_trail, ["GetTrailStatus"]), {"GetTrailStatus": object.union({"IsLogging": true}, status)})]})

without_log_group := object.union(base_region, {"trails": [object.remove(fixture.base_trail, ["CloudWatchLogsLogGroupArn"])]})

with_metric(patch) := object.union(base_region, {"log_groups": [{"logGroupName": fixture.log_group, "metricFilters": [object.union(fixture.filter("probe", probe_pattern), {"metricTransformations": [object.union(fixture.filter("probe", probe_pattern).metricTransformations[0], patch)]})]}]})

strict_result(region) := r if {
	r := monitoring.verdict(records.compile(spec, "v7.0.0")) with input as object.union(fixture.snapshot([region]), {"strict": true})
}

reordered := "{($.eventName=DeleteTrail)||($.eventName=StopLogging)}"

with_dimensions(alarm_values) := object.union(with_metric({"dimensions": {"EventName": "$.eventName"}}), {"metric_alarms": [object.union(fixture.alarm(concat("-", ["probe", value])), {"Dimensions": [{"Name": "EventName", "Value": value}], "MetricName": "probe"}) | some value in alarm_values]})

with_topic(patch) := object.union(base_region, {"topics": [object.union(fixture.base_topic, patch)]})

with_topic_policy(statements) := with_topic({"Attributes": {"Policy": json.marshal({"Version": "2012-10-17", "Statement": statements})}})

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

with_subscription(attributes) := with_topic({"Subscriptions": [object.union(fixture.base_topic.Subscriptions[0], {"Attributes": attributes})]})

central_topic := "arn:aws:sns:us-east-1:999999999999:security-alerts"

central_verdict(topic_region) := v if {
	v := monitoring.verdict(records.compile(spec, "v7.0.0")) with input as central_input(topic_region)
}

central_input(topic_region) := {
	"collected_at": "2026-11-20T12:00:00Z",
	"account_id": fixture.account_id,
	"accounts": array.concat(
		[{"account_id": fixture.account_id, "regions": [object.union(base_region, {"metric_alarms": [object.union(fixture.alarm("probe"), {"AlarmActions": [central_topic]})], "topics": []})]}],
		[{"account_id": "999999999999", "regions": [topic_region]} | topic_region != null],
	),
}

scoped := "{ ($.recipientAccountId = 123456789012) && (($.eventName = StopLogging) || ($.eventName = DeleteTrail)) }"

account_verdict(account) := v if {
	v := monitoring.verdict(records.compile(spec, "v7.0.0")) with input as account_input(account)
}

account_input(account) := {
	"collected_at": "2026-11-20T12:00:00Z",
	"account_id": account,
	"accounts": [{"account_id": account, "regions": [json.unmarshal(replace(json.marshal(fixture.with_pattern(scoped)), "111122223333", account))]}],
}
