package controls.security_group_changes_test

import data.controls.security_group_changes as control
import data.lib.fixture

# What is this control's own: the records its filter must catch and those
# it should leave alone. The chain's failure modes are tested once, in
# lib/monitoring_test.rego.

benchmark := "{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) || ($.eventName = ModifySecurityGroupRules) }"

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
	r.control_id == "security-group-changes"
	startswith(r.reason, "security group changes reach a human: trail main -> log group cloudtrail-logs -> filter probe")
}

test_pass_result_carries_metadata if {
	r := result_for(benchmark)
	r.title != ""
	r.severity == "medium"
	{"name": "AWS Security Hub", "id": "CloudWatch.10"} in r.frameworks
	some f in r.frameworks
	f.id == "4.10"
	"v5.0.0" in f.versions
}

test_pass_quoted_values if passes(`{ ($.eventName = "AuthorizeSecurityGroupIngress") || ($.eventName = "AuthorizeSecurityGroupEgress") || ($.eventName = "RevokeSecurityGroupIngress") || ($.eventName = "RevokeSecurityGroupEgress") || ($.eventName = "CreateSecurityGroup") || ($.eventName = "DeleteSecurityGroup") || ($.eventName = "ModifySecurityGroupRules") }`)

test_pass_reordered_clauses if passes("{ ($.eventName = ModifySecurityGroupRules) || ($.eventName = DeleteSecurityGroup) || ($.eventName = CreateSecurityGroup) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = AuthorizeSecurityGroupIngress) }")

test_pass_newlines if passes("{\n  ($.eventName=AuthorizeSecurityGroupIngress)\n  || ($.eventName=AuthorizeSecurityGroupEgress)\n  || ($.eventName=RevokeSecurityGroupIngress)\n  || ($.eventName=RevokeSecurityGroupEgress)\n  || ($.eventName=CreateSecurityGroup)\n  || ($.eventName=DeleteSecurityGroup)\n  || ($.eventName=ModifySecurityGroupRules)\n}")

test_pass_event_source_guard if passes("{ ($.eventSource = ec2.amazonaws.com) && (($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) || ($.eventName = ModifySecurityGroupRules)) }")

test_fail_misses_an_event if fails_with("{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }", "filter probe misses ModifySecurityGroupRules")

test_fail_and_instead_of_or if fails_with("{ ($.eventName = AuthorizeSecurityGroupIngress) && ($.eventName = AuthorizeSecurityGroupEgress) && ($.eventName = RevokeSecurityGroupIngress) && ($.eventName = RevokeSecurityGroupEgress) && ($.eventName = CreateSecurityGroup) && ($.eventName = DeleteSecurityGroup) && ($.eventName = ModifySecurityGroupRules) }", "filter probe misses AuthorizeSecurityGroupIngress, AuthorizeSecurityGroupEgress, RevokeSecurityGroupIngress, RevokeSecurityGroupEgress, CreateSecurityGroup, DeleteSecurityGroup, ModifySecurityGroupRules")

test_fail_only_assumed_roles if fails_with("{ (($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) || ($.eventName = ModifySecurityGroupRules)) && ($.userIdentity.type = AssumedRole) }", "catches AuthorizeSecurityGroupIngress, AuthorizeSecurityGroupEgress, RevokeSecurityGroupIngress, RevokeSecurityGroupEgress, CreateSecurityGroup, DeleteSecurityGroup, ModifySecurityGroupRules only when called by an assumed role with an SDK in ap-southeast-2 or an IAM Identity Center user in the console, in us-west-2")

test_fail_only_successful_calls if fails_with("{ (($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) || ($.eventName = ModifySecurityGroupRules)) && ($.errorCode NOT EXISTS) }", "or an IAM Identity Center user in the console, in us-west-2 or a federated user in eu-central-1")

# A filter that matches every call matches routine traffic too: its alarm
# would be in ALARM most of the time, so it serves no control whose
# benchmark text it is not.
test_fail_catch_all_matches_routine_traffic if fails_with("{ $.eventName = * }", "also matches routine traffic (instances described (DescribeInstances) by an assumed role")

before_v5 := "{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }"

# v5.0.0 adds ModifySecurityGroupRules.
test_pass_before_v5_in_v4 if result_in("v4.0.1", before_v5).status == "PASS"

test_fail_before_v5_in_v5 if {
	r := result_in("v5.0.0", before_v5)
	r.status == "FAIL"
	contains(r.reason, "filter probe misses ModifySecurityGroupRules")
}
