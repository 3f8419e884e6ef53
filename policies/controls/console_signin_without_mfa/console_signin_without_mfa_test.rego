package controls.console_signin_without_mfa_test

import data.controls.console_signin_without_mfa as control
import data.lib.fixture

# What is this control's own: the records its filter must catch and those
# it should leave alone. The chain's failure modes are tested once, in
# lib/monitoring_test.rego.

benchmark := `{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }`

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
	r.control_id == "console-signin-without-mfa"
	startswith(r.reason, "console sign-ins without MFA reach a human: trail main -> log group cloudtrail-logs -> filter probe")
}

test_pass_result_carries_metadata if {
	r := result_for(benchmark)
	r.title != ""
	r.severity == "high"
	{"name": "AWS Security Hub", "id": "CloudWatch.3"} in r.frameworks
	some f in r.frameworks
	f.id == "4.2"
	"v5.0.0" in f.versions
}

test_pass_single_sign_on_form if {
	r := result_for(`{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }`)
	r.status == "PASS"
	not contains(r.reason, "noisy")
}

# The benchmark's own pattern catches sign-ins through an identity
# provider, whose MFA happens outside AWS.
test_pass_benchmark_pattern_is_noisy_with_sso if contains(result_for(benchmark).reason, "also matches an IAM Identity Center user's console sign-in (MFA happens at the identity provider)")

test_pass_mfa_used_no if passes(`{ $.eventName = ConsoleLogin && $.additionalEventData.MFAUsed = "No" }`)

test_pass_every_sign_in_is_noisy if {
	r := result_for("{ $.eventName = ConsoleLogin }")
	r.status == "PASS"
	contains(r.reason, "also matches an IAM user's console sign-in with MFA")
}

test_fail_one_sign_in_endpoint if fails_with(`{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.awsRegion = "us-east-1") }`, "misses an IAM user's console sign-in without MFA through the eu-west-1 sign-in endpoint; an IAM user's sign-in without MFA to the mobile console")

test_fail_root_only if fails_with(`{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "Root") }`, "filter probe misses an IAM user's console sign-in without MFA;")

test_fail_session_context_mfa if fails_with(`{ ($.eventName = "ConsoleLogin") && ($.userIdentity.sessionContext.attributes.mfaAuthenticated != "true") }`, "misses an IAM user's console sign-in without MFA")
