package controls.monitoring.cloudtrail_config_changes_test

import data.lib.monitoring.own

# What is this control's own: the records its filter must catch and those
# it should leave alone. The chain's failure modes are tested once in the
# library (lib/monitoring), and the generic cases once for every control
# (lib/monitoring/controls_test.rego).

test_pass_without_parentheses if own.passes("cloudtrail_config_changes", "{$.eventName = CreateTrail || $.eventName = UpdateTrail || $.eventName = DeleteTrail || $.eventName = StartLogging || $.eventName = StopLogging}")

test_pass_wildcards_that_keep_the_events if own.passes("cloudtrail_config_changes", "{ ($.eventName = *Trail) || ($.eventName = *Logging) }")

test_pass_event_source_filter_is_noisy if {
	r := own.result_for("cloudtrail_config_changes", "{ $.eventSource = cloudtrail.amazonaws.com }")
	r.status == "PASS"
	contains(r.reason, "also matches trails listed (DescribeTrails), events looked up (LookupEvents)")
}

test_fail_missing_event_name if own.fails_with("cloudtrail_config_changes", "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) }", "filter probe misses StopLogging")

test_fail_case_differs if own.fails_with("cloudtrail_config_changes", replace(own.benchmark("cloudtrail_config_changes"), "CreateTrail", "createtrail"), "misses CreateTrail")

test_fail_extra_condition_that_drops_events if own.fails_with(
	"cloudtrail_config_changes",
	"{ ($.eventSource = kms.amazonaws.com) && (($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging)) }",
	"misses CreateTrail, UpdateTrail, DeleteTrail, StartLogging, StopLogging",
)

test_fail_only_one_region if own.fails_with(
	"cloudtrail_config_changes",
	sprintf("{ (%s) && ($.awsRegion = us-east-1) }", [trim(own.benchmark("cloudtrail_config_changes"), "{} ")]),
	"only when called by the root user in the console or an IAM user with MFA, refused (AccessDenied)",
)

test_fail_only_with_mfa if own.fails_with(
	"cloudtrail_config_changes",
	sprintf(`{ (%s) && ($.userIdentity.sessionContext.attributes.mfaAuthenticated = "true") }`, [trim(own.benchmark("cloudtrail_config_changes"), "{} ")]),
	"only when called by the root user in the console or an IAM user with MFA, refused (AccessDenied)",
)
