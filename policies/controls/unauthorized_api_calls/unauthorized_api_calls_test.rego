package controls.unauthorized_api_calls_test

import data.controls.unauthorized_api_calls as control
import data.lib.fixture

# What is this control's own: the records its filter must catch and those
# it should leave alone. The chain's failure modes are tested once, in
# lib/monitoring_test.rego.

benchmark := "{ ($.errorCode =*UnauthorizedOperation) || ($.errorCode =AccessDenied*) && ($.sourceIPAddress!=delivery.logs.amazonaws.com) && ($.eventName!=HeadBucket) }"

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
	r.control_id == "unauthorized-api-calls"
	startswith(r.reason, "unauthorized API calls reach a human: trail main -> log group cloudtrail-logs -> filter probe")
}

test_pass_result_carries_metadata if {
	r := result_for(benchmark)
	r.title != ""
	r.severity == "low"
	{"name": "AWS Security Hub", "id": "CloudWatch.2"} in r.frameworks
	some f in r.frameworks
	f.id == "4.1"
	"v5.0.0" in f.versions
}

v12_pattern := `{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*")}`

v14_pattern := `{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") || ($.sourceIPAddress!="delivery.logs.amazonaws.com") || ($.eventName!="HeadBucket") }`

test_pass_v4_rewrite_quoted if passes(`{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && ($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }`)

test_pass_grouped_form_that_keeps_the_exclusions if passes(`{ (($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) && (($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket")) }`)

# v1.4.0 to v3.0.0 joined every clause with ||, so the pattern matches
# nearly every call: in those versions it is the benchmark's own text, and
# passes, noted as noisy...
test_pass_v14_pattern_is_noisy_in_v3 if {
	r := result_in("v3.0.0", v14_pattern)
	r.status == "PASS"
	contains(r.reason, "also matches a successful call (DescribeInstances)")
}

# ...in the others it matches routine traffic, and its alarm, always in
# ALARM, would tell nobody of one more refusal.
test_fail_v14_pattern_since_v4 if {
	r := result_for(v14_pattern)
	r.status == "FAIL"
	contains(r.reason, "also matches routine traffic")
}

test_pass_v12_pattern_is_noisy_since_v14 if {
	r := result_for(v12_pattern)
	r.status == "PASS"
	contains(r.reason, "also matches HeadBucket refused to an assumed role (AccessDenied), log delivery refused by a bucket")
}

test_pass_v12_pattern_in_v12 if {
	r := result_in("v1.2.0", v12_pattern)
	r.status == "PASS"
	not contains(r.reason, "noisy")
}

# From v1.4.0 the benchmark's text names two exclusions, refused log
# deliveries and HeadBucket; v1.4.0 to v3.0.0 joined them with ||, which
# v4.0.0 corrected to &&. Read as meant, a filter that leaves them out
# passes those versions too (as a real Terraform module writes it)...
test_pass_v4_rewrite_in_v14_to_v3 if {
	every version in ["v1.4.0", "v2.0.0", "v3.0.0"] {
		result_in(version, benchmark).status == "PASS"
		result_in(version, `{(($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) && (($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket"))}`).status == "PASS"
	}
}

# ...while v1.2.0, which names no exclusion, asks for every refusal.
test_fail_v4_rewrite_in_v12 if {
	r := result_in("v1.2.0", benchmark)
	r.status == "FAIL"
	contains(r.reason, "misses HeadBucket refused to an assumed role (AccessDenied); log delivery refused by a bucket (AccessDenied from delivery.logs.amazonaws.com)")
}

test_fail_access_denied_only if fails_with(`{ $.errorCode = "AccessDenied*" }`, "misses an EC2 call refused to an IAM user (Client.UnauthorizedOperation)")

test_fail_exact_access_denied if fails_with(`{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied") }`, "misses a KMS call refused to a federated user (AccessDeniedException)")
