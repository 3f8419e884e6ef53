package controls.monitoring.unauthorized_api_calls_test

import data.lib.monitoring.own

# What is this control's own: the records its filter must catch and those
# it should leave alone. The chain's failure modes are tested once in the
# library (lib/monitoring), and the generic cases once for every control
# (lib/monitoring/controls_test.rego).

v12_pattern := `{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}`

v14_pattern := `{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") || ($.sourceIPAddress!="delivery.logs.amazonaws.com") || ($.eventName!="HeadBucket") }`

test_pass_v4_rewrite_quoted if own.passes("unauthorized_api_calls", `{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && ($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }`)

test_pass_grouped_form_that_keeps_the_exclusions if own.passes("unauthorized_api_calls", `{ (($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) && (($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket")) }`)

# v1.4.0 to v3.0.0 joined every clause with ||, so the pattern matches
# nearly every call: in those versions it is the benchmark's own text, and
# passes, noted as noisy...
test_pass_v14_pattern_is_noisy_in_v3 if {
	r := own.result_in("unauthorized_api_calls", "v3.0.0", v14_pattern)
	r.status == "PASS"
	contains(r.reason, "also matches a successful call (DescribeInstances)")
}

# ...in the others it matches routine traffic, and its alarm, always in
# ALARM, would tell nobody of one more refusal.
test_fail_v14_pattern_since_v4 if {
	r := own.result_for("unauthorized_api_calls", v14_pattern)
	r.status == "FAIL"
	contains(r.reason, "also matches routine traffic")
}

test_pass_v12_pattern_is_noisy_since_v14 if {
	r := own.result_for("unauthorized_api_calls", v12_pattern)
	r.status == "PASS"
	contains(r.reason, "also matches HeadBucket refused to an assumed role (AccessDenied), log delivery refused by a bucket")
}

test_pass_v12_pattern_in_v12 if {
	r := own.result_in("unauthorized_api_calls", "v1.2.0", v12_pattern)
	r.status == "PASS"
	not contains(r.reason, "noisy")
}

# From v1.4.0 the benchmark's text names two exclusions, refused log
# deliveries and HeadBucket; v1.4.0 to v3.0.0 joined them with ||, which
# v4.0.0 corrected to &&. Read as meant, a filter that leaves them out
# passes those versions too (as a real Terraform module writes it)...
test_pass_v4_rewrite_in_v14_to_v3 if {
	every version in ["v1.4.0", "v2.0.0", "v3.0.0"] {
		own.result_in("unauthorized_api_calls", version, own.benchmark("unauthorized_api_calls")).status == "PASS"
		own.result_in("unauthorized_api_calls", version, `{(($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) && (($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket"))}`).status == "PASS"
	}
}

# ...while v1.2.0, which names no exclusion, asks for every refusal.
test_fail_v4_rewrite_in_v12 if {
	r := own.result_in("unauthorized_api_calls", "v1.2.0", own.benchmark("unauthorized_api_calls"))
	r.status == "FAIL"
	contains(r.reason, "misses HeadBucket refused to an assumed role (AccessDenied); log delivery refused by a bucket (AccessDenied from delivery.logs.amazonaws.com)")
}

test_fail_access_denied_only if own.fails_with("unauthorized_api_calls", `{ $.errorCode = "AccessDenied*" }`, "misses an EC2 call refused to an IAM user (Client.UnauthorizedOperation)")

test_fail_exact_access_denied if own.fails_with("unauthorized_api_calls", `{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied") }`, "misses a KMS call refused to a federated user (AccessDeniedException)")
