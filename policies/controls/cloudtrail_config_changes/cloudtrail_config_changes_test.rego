package controls.cloudtrail_config_changes_test

import data.controls.cloudtrail_config_changes as control
import data.lib.fixture

# What is this control's own: the records its filter must catch. The
# chain's failure modes are tested once, in lib/monitoring_test.rego.

benchmark := "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }"

result_for(pattern) := r if {
	r := control.result with input as fixture.snapshot([fixture.with_pattern(pattern)])
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
	r.control_id == "cloudtrail-config-changes"
	startswith(r.reason, "CloudTrail changes reach a human: trail main -> log group cloudtrail-logs -> filter probe")
	not contains(r.reason, "noisy")
}

test_pass_result_carries_metadata if {
	r := result_for(benchmark)
	r.title != ""
	r.severity == "medium"
	{"name": "AWS Security Hub", "id": "CloudWatch.5"} in r.frameworks
	some f in r.frameworks
	f.id == "4.5"
	"v5.0.0" in f.versions
}

test_pass_quoted_values if passes(`{ ($.eventName = "CreateTrail") || ($.eventName = "UpdateTrail") || ($.eventName = "DeleteTrail") || ($.eventName = "StartLogging") || ($.eventName = "StopLogging") }`)

test_pass_reordered_clauses if passes("{ ($.eventName = StopLogging) || ($.eventName = StartLogging) || ($.eventName = DeleteTrail) || ($.eventName = UpdateTrail) || ($.eventName = CreateTrail) }")

test_pass_newlines_and_extra_spaces if passes("{\n  ( $.eventName   =   CreateTrail ) ||\n  ($.eventName=UpdateTrail)||($.eventName = DeleteTrail)\n  || ($.eventName = StartLogging) || ($.eventName = StopLogging)\n}")

test_pass_without_parentheses if passes("{$.eventName = CreateTrail || $.eventName = UpdateTrail || $.eventName = DeleteTrail || $.eventName = StartLogging || $.eventName = StopLogging}")

test_pass_event_source_guard if passes("{ ($.eventSource = cloudtrail.amazonaws.com) && (($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging)) }")

test_pass_wildcards_that_keep_the_events if passes("{ ($.eventName = *Trail) || ($.eventName = *Logging) }")

# A filter that matches every call matches routine traffic too: its alarm
# would be in ALARM most of the time, so it serves no control whose
# benchmark text it is not.
test_fail_catch_all_matches_routine_traffic if fails_with("{ $.eventName = * }", "also matches routine traffic (instances described (DescribeInstances) by an assumed role")

test_pass_event_source_filter_is_noisy if {
	r := result_for("{ $.eventSource = cloudtrail.amazonaws.com }")
	r.status == "PASS"
	contains(r.reason, "also matches trails listed (DescribeTrails), events looked up (LookupEvents)")
}

test_fail_and_instead_of_or if fails_with(replace(benchmark, "||", "&&"), "filter probe misses CreateTrail, UpdateTrail, DeleteTrail, StartLogging, StopLogging")

test_fail_missing_event_name if fails_with("{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) }", "filter probe misses StopLogging")

test_fail_case_differs if fails_with(replace(benchmark, "CreateTrail", "createtrail"), "misses CreateTrail")

test_fail_extra_condition_that_drops_events if fails_with(
	"{ ($.eventSource = kms.amazonaws.com) && (($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging)) }",
	"misses CreateTrail, UpdateTrail, DeleteTrail, StartLogging, StopLogging",
)

# A filter aimed at one kind of caller lets the others stop the trail
# unseen: root, an IAM user, a federated user.
test_fail_only_assumed_roles if fails_with(
	sprintf("{ (%s) && ($.userIdentity.type = AssumedRole) }", [trim(benchmark, "{} ")]),
	"catches CreateTrail, UpdateTrail, DeleteTrail, StartLogging, StopLogging only when called by an assumed role with an SDK in ap-southeast-2 or an IAM Identity Center user in the console, in us-west-2",
)

test_fail_only_one_region if fails_with(
	sprintf("{ (%s) && ($.awsRegion = us-east-1) }", [trim(benchmark, "{} ")]),
	"only when called by the root user in the console or an IAM user with MFA, refused (AccessDenied)",
)

test_fail_only_with_mfa if fails_with(
	sprintf(`{ (%s) && ($.userIdentity.sessionContext.attributes.mfaAuthenticated = "true") }`, [trim(benchmark, "{} ")]),
	"only when called by the root user in the console or an IAM user with MFA, refused (AccessDenied)",
)

test_fail_only_successful_calls if fails_with(
	sprintf("{ (%s) && ($.errorCode NOT EXISTS) }", [trim(benchmark, "{} ")]),
	"only when called by the root user in the console or an IAM user with the AWS CLI, without MFA, in eu-west-1",
)
