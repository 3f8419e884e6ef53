package controls.monitoring.iam_policy_changes_test

import data.lib.monitoring.own

# What is this control's own: the records its filter must catch and those
# it should leave alone. The chain's failure modes are tested once in the
# library (lib/monitoring), and the generic cases once for every control
# (lib/monitoring/controls_test.rego).

test_pass_benchmark_pattern_is_noisy if contains(own.result_for("iam_policy_changes", own.benchmark("iam_policy_changes")).reason, "also matches an Auto Scaling scaling policy deleted (autoscaling DeletePolicy), an Organizations policy created (organizations CreatePolicy)")

test_pass_event_source_guard_is_quiet if not contains(own.result_for("iam_policy_changes", sprintf("{ ($.eventSource = iam.amazonaws.com) && (%s) }", [trim(own.benchmark("iam_policy_changes"), "{}")])).reason, "noisy")

# IAM is global: CloudTrail records its calls in us-east-1, so a filter
# that keeps only another region's events sees none.
test_fail_another_region_only if own.fails_with("iam_policy_changes", sprintf("{ (%s) && ($.awsRegion = eu-west-1) }", [trim(own.benchmark("iam_policy_changes"), "{}")]), "filter probe misses DeleteGroupPolicy, DeleteRolePolicy")
