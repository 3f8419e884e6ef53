package controls.console_auth_failures_test

import data.controls.console_auth_failures as control
import data.lib.fixture

# What is this control's own: the records its filter must catch and those
# it should leave alone. The chain's failure modes are tested once, in
# lib/monitoring_test.rego.

benchmark := `{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }`

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
	r.control_id == "console-auth-failures"
	startswith(r.reason, "failed console sign-ins reach a human: trail main -> log group cloudtrail-logs -> filter probe")
}

test_pass_result_carries_metadata if {
	r := result_for(benchmark)
	r.title != ""
	r.severity == "low"
	{"name": "AWS Security Hub", "id": "CloudWatch.6"} in r.frameworks
	some f in r.frameworks
	f.id == "4.6"
	"v5.0.0" in f.versions
}

test_pass_response_failure if passes(`{ ($.eventName = ConsoleLogin) && ($.responseElements.ConsoleLogin = "Failure") }`)

test_pass_without_event_name if passes(`{ $.errorMessage = "Failed authentication" }`)

test_fail_iam_users_only if fails_with(`{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") && ($.userIdentity.type = IAMUser) }`, "misses the root user's failed console sign-in")

test_fail_case_of_the_message if fails_with(`{ ($.eventName = ConsoleLogin) && ($.errorMessage = "failed authentication") }`, "misses an IAM user's failed console sign-in")
