package controls.config_changes_test

import data.controls.config_changes as control
import data.lib.fixture

# What is this control's own: the records its filter must catch and those
# it should leave alone. The chain's failure modes are tested once, in
# lib/monitoring_test.rego.

benchmark := "{ ($.eventSource = config.amazonaws.com) && (($.eventName=StopConfigurationRecorder)||($.eventName=DeleteDeliveryChannel)||($.eventName=PutDeliveryChannel)||($.eventName=PutConfigurationRecorder)) }"

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
	r.control_id == "config-changes"
	startswith(r.reason, "AWS Config changes reach a human: trail main -> log group cloudtrail-logs -> filter probe")
}

test_pass_result_carries_metadata if {
	r := result_for(benchmark)
	r.title != ""
	r.severity == "medium"
	{"name": "AWS Security Hub", "id": "CloudWatch.9"} in r.frameworks
	some f in r.frameworks
	f.id == "4.9"
	"v5.0.0" in f.versions
}

test_pass_quoted_values if passes(`{ ($.eventName = "StopConfigurationRecorder") || ($.eventName = "DeleteDeliveryChannel") || ($.eventName = "PutDeliveryChannel") || ($.eventName = "PutConfigurationRecorder") }`)

test_pass_reordered_clauses if passes("{ ($.eventName = PutConfigurationRecorder) || ($.eventName = PutDeliveryChannel) || ($.eventName = DeleteDeliveryChannel) || ($.eventName = StopConfigurationRecorder) }")

test_pass_newlines if passes("{\n  ($.eventName=StopConfigurationRecorder)\n  || ($.eventName=DeleteDeliveryChannel)\n  || ($.eventName=PutDeliveryChannel)\n  || ($.eventName=PutConfigurationRecorder)\n}")

test_pass_event_source_guard if passes("{ ($.eventSource = config.amazonaws.com) && (($.eventName = StopConfigurationRecorder) || ($.eventName = DeleteDeliveryChannel) || ($.eventName = PutDeliveryChannel) || ($.eventName = PutConfigurationRecorder)) }")

test_fail_misses_an_event if fails_with("{ ($.eventName = StopConfigurationRecorder) || ($.eventName = DeleteDeliveryChannel) || ($.eventName = PutDeliveryChannel) }", "filter probe misses PutConfigurationRecorder")

test_fail_and_instead_of_or if fails_with("{ ($.eventName = StopConfigurationRecorder) && ($.eventName = DeleteDeliveryChannel) && ($.eventName = PutDeliveryChannel) && ($.eventName = PutConfigurationRecorder) }", "filter probe misses StopConfigurationRecorder, DeleteDeliveryChannel, PutDeliveryChannel, PutConfigurationRecorder")

test_fail_only_assumed_roles if fails_with("{ (($.eventName = StopConfigurationRecorder) || ($.eventName = DeleteDeliveryChannel) || ($.eventName = PutDeliveryChannel) || ($.eventName = PutConfigurationRecorder)) && ($.userIdentity.type = AssumedRole) }", "catches StopConfigurationRecorder, DeleteDeliveryChannel, PutDeliveryChannel, PutConfigurationRecorder only when called by an assumed role with an SDK in ap-southeast-2 or an IAM Identity Center user in the console, in us-west-2")

test_fail_only_successful_calls if fails_with("{ (($.eventName = StopConfigurationRecorder) || ($.eventName = DeleteDeliveryChannel) || ($.eventName = PutDeliveryChannel) || ($.eventName = PutConfigurationRecorder)) && ($.errorCode NOT EXISTS) }", "or an IAM Identity Center user in the console, in us-west-2 or a federated user in eu-central-1")

# A filter that matches every call matches routine traffic too: its alarm
# would be in ALARM most of the time, so it serves no control whose
# benchmark text it is not.
test_fail_catch_all_matches_routine_traffic if fails_with("{ $.eventName = * }", "also matches routine traffic (instances described (DescribeInstances) by an assumed role")
