package controls.iam_policy_changes_test

import data.controls.iam_policy_changes as control
import data.lib.fixture

# What is this control's own: the records its filter must catch and those
# it should leave alone. The chain's failure modes are tested once, in
# lib/monitoring_test.rego.

benchmark := "{ ($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy) }"

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
	r.control_id == "iam-policy-changes"
	startswith(r.reason, "IAM policy changes reach a human: trail main -> log group cloudtrail-logs -> filter probe")
}

test_pass_result_carries_metadata if {
	r := result_for(benchmark)
	r.title != ""
	r.severity == "medium"
	{"name": "AWS Security Hub", "id": "CloudWatch.4"} in r.frameworks
	some f in r.frameworks
	f.id == "4.4"
	"v5.0.0" in f.versions
}

test_pass_quoted_values if passes(`{ ($.eventName = "DeleteGroupPolicy") || ($.eventName = "DeleteRolePolicy") || ($.eventName = "DeleteUserPolicy") || ($.eventName = "PutGroupPolicy") || ($.eventName = "PutRolePolicy") || ($.eventName = "PutUserPolicy") || ($.eventName = "CreatePolicy") || ($.eventName = "DeletePolicy") || ($.eventName = "CreatePolicyVersion") || ($.eventName = "DeletePolicyVersion") || ($.eventName = "AttachRolePolicy") || ($.eventName = "DetachRolePolicy") || ($.eventName = "AttachUserPolicy") || ($.eventName = "DetachUserPolicy") || ($.eventName = "AttachGroupPolicy") || ($.eventName = "DetachGroupPolicy") }`)

test_pass_reordered_clauses if passes("{ ($.eventName = DetachGroupPolicy) || ($.eventName = AttachGroupPolicy) || ($.eventName = DetachUserPolicy) || ($.eventName = AttachUserPolicy) || ($.eventName = DetachRolePolicy) || ($.eventName = AttachRolePolicy) || ($.eventName = DeletePolicyVersion) || ($.eventName = CreatePolicyVersion) || ($.eventName = DeletePolicy) || ($.eventName = CreatePolicy) || ($.eventName = PutUserPolicy) || ($.eventName = PutRolePolicy) || ($.eventName = PutGroupPolicy) || ($.eventName = DeleteUserPolicy) || ($.eventName = DeleteRolePolicy) || ($.eventName = DeleteGroupPolicy) }")

test_pass_newlines if passes("{\n  ($.eventName=DeleteGroupPolicy)\n  || ($.eventName=DeleteRolePolicy)\n  || ($.eventName=DeleteUserPolicy)\n  || ($.eventName=PutGroupPolicy)\n  || ($.eventName=PutRolePolicy)\n  || ($.eventName=PutUserPolicy)\n  || ($.eventName=CreatePolicy)\n  || ($.eventName=DeletePolicy)\n  || ($.eventName=CreatePolicyVersion)\n  || ($.eventName=DeletePolicyVersion)\n  || ($.eventName=AttachRolePolicy)\n  || ($.eventName=DetachRolePolicy)\n  || ($.eventName=AttachUserPolicy)\n  || ($.eventName=DetachUserPolicy)\n  || ($.eventName=AttachGroupPolicy)\n  || ($.eventName=DetachGroupPolicy)\n}")

test_pass_event_source_guard if passes("{ ($.eventSource = iam.amazonaws.com) && (($.eventName = DeleteGroupPolicy) || ($.eventName = DeleteRolePolicy) || ($.eventName = DeleteUserPolicy) || ($.eventName = PutGroupPolicy) || ($.eventName = PutRolePolicy) || ($.eventName = PutUserPolicy) || ($.eventName = CreatePolicy) || ($.eventName = DeletePolicy) || ($.eventName = CreatePolicyVersion) || ($.eventName = DeletePolicyVersion) || ($.eventName = AttachRolePolicy) || ($.eventName = DetachRolePolicy) || ($.eventName = AttachUserPolicy) || ($.eventName = DetachUserPolicy) || ($.eventName = AttachGroupPolicy) || ($.eventName = DetachGroupPolicy)) }")

test_fail_misses_an_event if fails_with("{ ($.eventName = DeleteGroupPolicy) || ($.eventName = DeleteRolePolicy) || ($.eventName = DeleteUserPolicy) || ($.eventName = PutGroupPolicy) || ($.eventName = PutRolePolicy) || ($.eventName = PutUserPolicy) || ($.eventName = CreatePolicy) || ($.eventName = DeletePolicy) || ($.eventName = CreatePolicyVersion) || ($.eventName = DeletePolicyVersion) || ($.eventName = AttachRolePolicy) || ($.eventName = DetachRolePolicy) || ($.eventName = AttachUserPolicy) || ($.eventName = DetachUserPolicy) || ($.eventName = AttachGroupPolicy) }", "filter probe misses DetachGroupPolicy")

test_fail_and_instead_of_or if fails_with("{ ($.eventName = DeleteGroupPolicy) && ($.eventName = DeleteRolePolicy) && ($.eventName = DeleteUserPolicy) && ($.eventName = PutGroupPolicy) && ($.eventName = PutRolePolicy) && ($.eventName = PutUserPolicy) && ($.eventName = CreatePolicy) && ($.eventName = DeletePolicy) && ($.eventName = CreatePolicyVersion) && ($.eventName = DeletePolicyVersion) && ($.eventName = AttachRolePolicy) && ($.eventName = DetachRolePolicy) && ($.eventName = AttachUserPolicy) && ($.eventName = DetachUserPolicy) && ($.eventName = AttachGroupPolicy) && ($.eventName = DetachGroupPolicy) }", "filter probe misses DeleteGroupPolicy, DeleteRolePolicy, DeleteUserPolicy, PutGroupPolicy, PutRolePolicy, PutUserPolicy, CreatePolicy, DeletePolicy, CreatePolicyVersion, DeletePolicyVersion, AttachRolePolicy, DetachRolePolicy, AttachUserPolicy, DetachUserPolicy, AttachGroupPolicy, DetachGroupPolicy")

test_fail_only_assumed_roles if fails_with("{ (($.eventName = DeleteGroupPolicy) || ($.eventName = DeleteRolePolicy) || ($.eventName = DeleteUserPolicy) || ($.eventName = PutGroupPolicy) || ($.eventName = PutRolePolicy) || ($.eventName = PutUserPolicy) || ($.eventName = CreatePolicy) || ($.eventName = DeletePolicy) || ($.eventName = CreatePolicyVersion) || ($.eventName = DeletePolicyVersion) || ($.eventName = AttachRolePolicy) || ($.eventName = DetachRolePolicy) || ($.eventName = AttachUserPolicy) || ($.eventName = DetachUserPolicy) || ($.eventName = AttachGroupPolicy) || ($.eventName = DetachGroupPolicy)) && ($.userIdentity.type = AssumedRole) }", "catches DeleteGroupPolicy, DeleteRolePolicy, DeleteUserPolicy, PutGroupPolicy, PutRolePolicy, PutUserPolicy, CreatePolicy, DeletePolicy, CreatePolicyVersion, DeletePolicyVersion, AttachRolePolicy, DetachRolePolicy, AttachUserPolicy, DetachUserPolicy, AttachGroupPolicy, DetachGroupPolicy only when called by an assumed role with an SDK in ap-southeast-2 or an IAM Identity Center user in the console, in us-west-2")

test_fail_only_successful_calls if fails_with("{ (($.eventName = DeleteGroupPolicy) || ($.eventName = DeleteRolePolicy) || ($.eventName = DeleteUserPolicy) || ($.eventName = PutGroupPolicy) || ($.eventName = PutRolePolicy) || ($.eventName = PutUserPolicy) || ($.eventName = CreatePolicy) || ($.eventName = DeletePolicy) || ($.eventName = CreatePolicyVersion) || ($.eventName = DeletePolicyVersion) || ($.eventName = AttachRolePolicy) || ($.eventName = DetachRolePolicy) || ($.eventName = AttachUserPolicy) || ($.eventName = DetachUserPolicy) || ($.eventName = AttachGroupPolicy) || ($.eventName = DetachGroupPolicy)) && ($.errorCode NOT EXISTS) }", "or an IAM Identity Center user in the console, in us-west-2 or a federated user in eu-central-1")

# A filter that matches every call matches routine traffic too: its alarm
# would be in ALARM most of the time, so it serves no control whose
# benchmark text it is not.
test_fail_catch_all_matches_routine_traffic if fails_with("{ $.eventName = * }", "also matches routine traffic (instances described (DescribeInstances) by an assumed role")

test_pass_benchmark_pattern_is_noisy if contains(result_for(benchmark).reason, "also matches an Auto Scaling scaling policy deleted (autoscaling DeletePolicy), an Organizations policy created (organizations CreatePolicy)")

test_pass_event_source_guard_is_quiet if not contains(result_for(sprintf("{ ($.eventSource = iam.amazonaws.com) && (%s) }", [trim(benchmark, "{}")])).reason, "noisy")

# IAM is global: CloudTrail records its calls in us-east-1, so a filter
# that keeps only another region's events sees none.
test_fail_another_region_only if fails_with(sprintf("{ (%s) && ($.awsRegion = eu-west-1) }", [trim(benchmark, "{}")]), "filter probe misses DeleteGroupPolicy, DeleteRolePolicy")
