package controls.monitoring.console_signin_without_mfa_test

import data.lib.monitoring.own

# What is this control's own: the records its filter must catch and those
# it should leave alone. The chain's failure modes are tested once in the
# library (lib/monitoring), and the generic cases once for every control
# (lib/monitoring/controls_test.rego).

test_pass_single_sign_on_form if {
	r := own.result_for("console_signin_without_mfa", `{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }`)
	r.status == "PASS"
	not contains(r.reason, "noisy")
}

# The benchmark's own pattern catches sign-ins through an identity
# provider, whose MFA happens outside AWS.
test_pass_benchmark_pattern_is_noisy_with_sso if contains(own.result_for("console_signin_without_mfa", own.benchmark("console_signin_without_mfa")).reason, "also matches an IAM Identity Center user's console sign-in (MFA happens at the identity provider)")

test_pass_mfa_used_no if own.passes("console_signin_without_mfa", `{ $.eventName = ConsoleLogin && $.additionalEventData.MFAUsed = "No" }`)

test_pass_every_sign_in_is_noisy if {
	r := own.result_for("console_signin_without_mfa", "{ $.eventName = ConsoleLogin }")
	r.status == "PASS"
	contains(r.reason, "also matches an IAM user's console sign-in with MFA")
}

test_fail_one_sign_in_endpoint if own.fails_with("console_signin_without_mfa", `{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.awsRegion = "us-east-1") }`, "misses an IAM user's console sign-in without MFA through the eu-west-1 sign-in endpoint; an IAM user's sign-in without MFA to the mobile console")

test_fail_root_only if own.fails_with("console_signin_without_mfa", `{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "Root") }`, "filter probe misses an IAM user's console sign-in without MFA;")

test_fail_session_context_mfa if own.fails_with("console_signin_without_mfa", `{ ($.eventName = "ConsoleLogin") && ($.userIdentity.sessionContext.attributes.mfaAuthenticated != "true") }`, "misses an IAM user's console sign-in without MFA")
