package controls.cmk_disable_or_deletion_test

import data.controls.cmk_disable_or_deletion as control
import data.lib.fixture

# What is this control's own: the records its filter must catch and those
# it should leave alone. The chain's failure modes are tested once, in
# lib/monitoring_test.rego.

benchmark := "{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)) }"

result_for(pattern) := r if {
	r := control.result with input as fixture.snapshot([fixture.with_pattern(pattern)])
}

result_in(version, pattern) := r if {
	r := control.result with input as object.union(fixture.snapshot([fixture.with_pattern(pattern)]), {"benchmark": version})
}

passes(pattern) if result_for(pattern).status == "PASS"

fails_with(pattern, text) if {
	r := result_for(pattern)
	r.status == "FAIL"
	contains(r.reason, text)
}

test_pass_benchmark_pattern if {
	r := result_for(benchmark)
	r.status == "PASS"
	r.control_id == "cmk-disable-or-deletion"
	startswith(r.reason, "disabled or deleted KMS keys reach a human: trail main -> log group cloudtrail-logs -> filter probe")
}

test_pass_result_carries_metadata if {
	r := result_for(benchmark)
	r.title != ""
	r.severity == "medium"
	{"name": "AWS Security Hub", "id": "CloudWatch.7"} in r.frameworks
	some f in r.frameworks
	f.id == "4.7"
	"v5.0.0" in f.versions
}

test_pass_quoted_values if passes(`{ ($.eventName = "DisableKey") || ($.eventName = "ScheduleKeyDeletion") }`)

test_pass_reordered_clauses if passes("{ ($.eventName = ScheduleKeyDeletion) || ($.eventName = DisableKey) }")

test_pass_newlines if passes("{\n  ($.eventName=DisableKey)\n  || ($.eventName=ScheduleKeyDeletion)\n}")

test_pass_event_source_guard if passes("{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }")

test_fail_misses_an_event if fails_with("{ ($.eventName = DisableKey) }", "filter probe misses ScheduleKeyDeletion")

test_fail_and_instead_of_or if fails_with("{ ($.eventName = DisableKey) && ($.eventName = ScheduleKeyDeletion) }", "filter probe misses DisableKey, ScheduleKeyDeletion")

test_fail_only_assumed_roles if fails_with("{ (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && ($.userIdentity.type = AssumedRole) }", "catches DisableKey, ScheduleKeyDeletion only when called by an assumed role with an SDK in ap-southeast-2 or an IAM Identity Center user in the console, in us-west-2")

test_fail_only_successful_calls if fails_with("{ (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) && ($.errorCode NOT EXISTS) }", "or an IAM Identity Center user in the console, in us-west-2 or a federated user in eu-central-1")

# A filter that matches every call matches routine traffic too: its alarm
# would be in ALARM most of the time, so it serves no control whose
# benchmark text it is not.
test_fail_catch_all_matches_routine_traffic if fails_with("{ $.eventName = * }", "also matches routine traffic (instances described (DescribeInstances) by an assumed role")
