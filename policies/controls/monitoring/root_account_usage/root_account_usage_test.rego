package controls.monitoring.root_account_usage_test

import data.lib.monitoring.own

# What is this control's own: the records its filter must catch and those
# it should leave alone. The chain's failure modes are tested once in the
# library (lib/monitoring), and the generic cases once for every control
# (lib/monitoring/controls_test.rego).

test_pass_root_only_is_noisy if {
	r := own.result_for("root_account_usage", `{ $.userIdentity.type = "Root" }`)
	r.status == "PASS"
	contains(r.reason, "also matches an AWS service acting for the root user (invokedBy support.amazonaws.com), an AWS service event in the root user's name (AwsServiceEvent)")
}

test_pass_v4_unquoted if own.passes("root_account_usage", "{ $.userIdentity.type = Root && $.userIdentity.invokedBy NOT EXISTS && $.eventType != AwsServiceEvent }")

# != on a field a record does not have is false, so this filter, a common
# mistake, never matches the root user's own calls.
test_fail_invoked_by_not_equal if own.fails_with("root_account_usage", `{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy != "support.amazonaws.com" }`, "misses the root user's console sign-in; the root user calling S3 with access keys from the CLI")

test_fail_api_calls_only if own.fails_with("root_account_usage", `{ $.userIdentity.type = "Root" && $.eventType = "AwsApiCall" }`, "filter probe misses the root user's console sign-in")

test_fail_console_only if own.fails_with("root_account_usage", `{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.sessionCredentialFromConsole = "true" }`, "misses the root user's console sign-in; the root user calling S3 with access keys from the CLI; the root user launching an instance in eu-west-1")
