package controls.root_account_usage_test

import data.controls.root_account_usage as control
import data.lib.fixture

# What is this control's own: the records its filter must catch and those
# it should leave alone. The chain's failure modes are tested once, in
# lib/monitoring_test.rego.

benchmark := `{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }`

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
	r.control_id == "root-account-usage"
	startswith(r.reason, "use of the root user reaches a human: trail main -> log group cloudtrail-logs -> filter probe")
}

test_pass_result_carries_metadata if {
	r := result_for(benchmark)
	r.title != ""
	r.severity == "high"
	{"name": "AWS Security Hub", "id": "CloudWatch.1"} in r.frameworks
	some f in r.frameworks
	f.id == "4.3"
	"v5.0.0" in f.versions
}

test_pass_root_only_is_noisy if {
	r := result_for(`{ $.userIdentity.type = "Root" }`)
	r.status == "PASS"
	contains(r.reason, "also matches an AWS service acting for the root user (invokedBy support.amazonaws.com), an AWS service event in the root user's name (AwsServiceEvent)")
}

test_pass_v4_unquoted if passes("{ $.userIdentity.type = Root && $.userIdentity.invokedBy NOT EXISTS && $.eventType != AwsServiceEvent }")

# != on a field a record does not have is false, so this filter, a common
# mistake, never matches the root user's own calls.
test_fail_invoked_by_not_equal if fails_with(`{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy != "support.amazonaws.com" }`, "misses the root user's console sign-in; the root user calling S3 with access keys from the CLI")

test_fail_api_calls_only if fails_with(`{ $.userIdentity.type = "Root" && $.eventType = "AwsApiCall" }`, "filter probe misses the root user's console sign-in")

test_fail_console_only if fails_with(`{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.sessionCredentialFromConsole = "true" }`, "misses the root user's console sign-in; the root user calling S3 with access keys from the CLI; the root user launching an instance in eu-west-1")
