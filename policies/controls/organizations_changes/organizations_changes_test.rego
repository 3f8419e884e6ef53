package controls.organizations_changes_test

import data.controls.organizations_changes as control
import data.lib.fixture

# What is this control's own: the records its filter must catch and those
# it should leave alone. The chain's failure modes are tested once, in
# lib/monitoring_test.rego.

benchmark := "{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = AcceptHandshake) || ($.eventName = AttachPolicy) || ($.eventName = CreateAccount) || ($.eventName = CreateOrganizationalUnit) || ($.eventName = CreatePolicy) || ($.eventName = DeclineHandshake) || ($.eventName = DeleteOrganization) || ($.eventName = DeleteOrganizationalUnit) || ($.eventName = DeletePolicy) || ($.eventName = DetachPolicy) || ($.eventName = DisablePolicyType) || ($.eventName = EnablePolicyType) || ($.eventName = InviteAccountToOrganization) || ($.eventName = LeaveOrganization) || ($.eventName = MoveAccount) || ($.eventName = RemoveAccountFromOrganization) || ($.eventName = UpdatePolicy) || ($.eventName = UpdateOrganizationalUnit)) }"

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
	r.control_id == "organizations-changes"
	startswith(r.reason, "AWS Organizations changes reach a human: trail main -> log group cloudtrail-logs -> filter probe")
}

test_pass_result_carries_metadata if {
	r := result_for(benchmark)
	r.title != ""
	r.severity == "medium"
	some f in r.frameworks
	f.id == "4.15"
	"v5.0.0" in f.versions
}

test_pass_quoted_values if passes(`{ ($.eventName = "AcceptHandshake") || ($.eventName = "AttachPolicy") || ($.eventName = "CreateAccount") || ($.eventName = "CreateOrganizationalUnit") || ($.eventName = "CreatePolicy") || ($.eventName = "DeclineHandshake") || ($.eventName = "DeleteOrganization") || ($.eventName = "DeleteOrganizationalUnit") || ($.eventName = "DeletePolicy") || ($.eventName = "DetachPolicy") || ($.eventName = "DisablePolicyType") || ($.eventName = "EnablePolicyType") || ($.eventName = "InviteAccountToOrganization") || ($.eventName = "LeaveOrganization") || ($.eventName = "MoveAccount") || ($.eventName = "RemoveAccountFromOrganization") || ($.eventName = "UpdatePolicy") || ($.eventName = "UpdateOrganizationalUnit") }`)

test_pass_reordered_clauses if passes("{ ($.eventName = UpdateOrganizationalUnit) || ($.eventName = UpdatePolicy) || ($.eventName = RemoveAccountFromOrganization) || ($.eventName = MoveAccount) || ($.eventName = LeaveOrganization) || ($.eventName = InviteAccountToOrganization) || ($.eventName = EnablePolicyType) || ($.eventName = DisablePolicyType) || ($.eventName = DetachPolicy) || ($.eventName = DeletePolicy) || ($.eventName = DeleteOrganizationalUnit) || ($.eventName = DeleteOrganization) || ($.eventName = DeclineHandshake) || ($.eventName = CreatePolicy) || ($.eventName = CreateOrganizationalUnit) || ($.eventName = CreateAccount) || ($.eventName = AttachPolicy) || ($.eventName = AcceptHandshake) }")

test_pass_newlines if passes("{\n  ($.eventName=AcceptHandshake)\n  || ($.eventName=AttachPolicy)\n  || ($.eventName=CreateAccount)\n  || ($.eventName=CreateOrganizationalUnit)\n  || ($.eventName=CreatePolicy)\n  || ($.eventName=DeclineHandshake)\n  || ($.eventName=DeleteOrganization)\n  || ($.eventName=DeleteOrganizationalUnit)\n  || ($.eventName=DeletePolicy)\n  || ($.eventName=DetachPolicy)\n  || ($.eventName=DisablePolicyType)\n  || ($.eventName=EnablePolicyType)\n  || ($.eventName=InviteAccountToOrganization)\n  || ($.eventName=LeaveOrganization)\n  || ($.eventName=MoveAccount)\n  || ($.eventName=RemoveAccountFromOrganization)\n  || ($.eventName=UpdatePolicy)\n  || ($.eventName=UpdateOrganizationalUnit)\n}")

test_pass_event_source_guard if passes("{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = AcceptHandshake) || ($.eventName = AttachPolicy) || ($.eventName = CreateAccount) || ($.eventName = CreateOrganizationalUnit) || ($.eventName = CreatePolicy) || ($.eventName = DeclineHandshake) || ($.eventName = DeleteOrganization) || ($.eventName = DeleteOrganizationalUnit) || ($.eventName = DeletePolicy) || ($.eventName = DetachPolicy) || ($.eventName = DisablePolicyType) || ($.eventName = EnablePolicyType) || ($.eventName = InviteAccountToOrganization) || ($.eventName = LeaveOrganization) || ($.eventName = MoveAccount) || ($.eventName = RemoveAccountFromOrganization) || ($.eventName = UpdatePolicy) || ($.eventName = UpdateOrganizationalUnit)) }")

test_fail_misses_an_event if fails_with("{ ($.eventName = AcceptHandshake) || ($.eventName = AttachPolicy) || ($.eventName = CreateAccount) || ($.eventName = CreateOrganizationalUnit) || ($.eventName = CreatePolicy) || ($.eventName = DeclineHandshake) || ($.eventName = DeleteOrganization) || ($.eventName = DeleteOrganizationalUnit) || ($.eventName = DeletePolicy) || ($.eventName = DetachPolicy) || ($.eventName = DisablePolicyType) || ($.eventName = EnablePolicyType) || ($.eventName = InviteAccountToOrganization) || ($.eventName = LeaveOrganization) || ($.eventName = MoveAccount) || ($.eventName = RemoveAccountFromOrganization) || ($.eventName = UpdatePolicy) }", "filter probe misses UpdateOrganizationalUnit")

test_fail_and_instead_of_or if fails_with("{ ($.eventName = AcceptHandshake) && ($.eventName = AttachPolicy) && ($.eventName = CreateAccount) && ($.eventName = CreateOrganizationalUnit) && ($.eventName = CreatePolicy) && ($.eventName = DeclineHandshake) && ($.eventName = DeleteOrganization) && ($.eventName = DeleteOrganizationalUnit) && ($.eventName = DeletePolicy) && ($.eventName = DetachPolicy) && ($.eventName = DisablePolicyType) && ($.eventName = EnablePolicyType) && ($.eventName = InviteAccountToOrganization) && ($.eventName = LeaveOrganization) && ($.eventName = MoveAccount) && ($.eventName = RemoveAccountFromOrganization) && ($.eventName = UpdatePolicy) && ($.eventName = UpdateOrganizationalUnit) }", "filter probe misses AcceptHandshake, AttachPolicy, CreateAccount, CreateOrganizationalUnit, CreatePolicy, DeclineHandshake, DeleteOrganization, DeleteOrganizationalUnit, DeletePolicy, DetachPolicy, DisablePolicyType, EnablePolicyType, InviteAccountToOrganization, LeaveOrganization, MoveAccount, RemoveAccountFromOrganization, UpdatePolicy, UpdateOrganizationalUnit")

test_fail_only_assumed_roles if fails_with("{ (($.eventName = AcceptHandshake) || ($.eventName = AttachPolicy) || ($.eventName = CreateAccount) || ($.eventName = CreateOrganizationalUnit) || ($.eventName = CreatePolicy) || ($.eventName = DeclineHandshake) || ($.eventName = DeleteOrganization) || ($.eventName = DeleteOrganizationalUnit) || ($.eventName = DeletePolicy) || ($.eventName = DetachPolicy) || ($.eventName = DisablePolicyType) || ($.eventName = EnablePolicyType) || ($.eventName = InviteAccountToOrganization) || ($.eventName = LeaveOrganization) || ($.eventName = MoveAccount) || ($.eventName = RemoveAccountFromOrganization) || ($.eventName = UpdatePolicy) || ($.eventName = UpdateOrganizationalUnit)) && ($.userIdentity.type = AssumedRole) }", "catches AcceptHandshake, AttachPolicy, CreateAccount, CreateOrganizationalUnit, CreatePolicy, DeclineHandshake, DeleteOrganization, DeleteOrganizationalUnit, DeletePolicy, DetachPolicy, DisablePolicyType, EnablePolicyType, InviteAccountToOrganization, LeaveOrganization, MoveAccount, RemoveAccountFromOrganization, UpdatePolicy, UpdateOrganizationalUnit only when called by an assumed role with an SDK in ap-southeast-2 or an IAM Identity Center user in the console, in us-west-2")

test_fail_only_successful_calls if fails_with("{ (($.eventName = AcceptHandshake) || ($.eventName = AttachPolicy) || ($.eventName = CreateAccount) || ($.eventName = CreateOrganizationalUnit) || ($.eventName = CreatePolicy) || ($.eventName = DeclineHandshake) || ($.eventName = DeleteOrganization) || ($.eventName = DeleteOrganizationalUnit) || ($.eventName = DeletePolicy) || ($.eventName = DetachPolicy) || ($.eventName = DisablePolicyType) || ($.eventName = EnablePolicyType) || ($.eventName = InviteAccountToOrganization) || ($.eventName = LeaveOrganization) || ($.eventName = MoveAccount) || ($.eventName = RemoveAccountFromOrganization) || ($.eventName = UpdatePolicy) || ($.eventName = UpdateOrganizationalUnit)) && ($.errorCode NOT EXISTS) }", "or an IAM Identity Center user in the console, in us-west-2 or a federated user in eu-central-1")

# A filter that matches every call matches routine traffic too: its alarm
# would be in ALARM most of the time, so it serves no control whose
# benchmark text it is not.
test_fail_catch_all_matches_routine_traffic if fails_with("{ $.eventName = * }", "also matches routine traffic (instances described (DescribeInstances) by an assumed role")

test_pass_v14_quoted_form if passes(`{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = "AcceptHandshake") || ($.eventName = "AttachPolicy") || ($.eventName = "CreateAccount") || ($.eventName = "CreateOrganizationalUnit") || ($.eventName = "CreatePolicy") || ($.eventName = "DeclineHandshake") || ($.eventName = "DeleteOrganization") || ($.eventName = "DeleteOrganizationalUnit") || ($.eventName = "DeletePolicy") || ($.eventName = "DetachPolicy") || ($.eventName = "DisablePolicyType") || ($.eventName = "EnablePolicyType") || ($.eventName = "InviteAccountToOrganization") || ($.eventName = "LeaveOrganization") || ($.eventName = "MoveAccount") || ($.eventName = "RemoveAccountFromOrganization") || ($.eventName = "UpdatePolicy") || ($.eventName = "UpdateOrganizationalUnit")) }`)

# Without the eventSource guard, IAM's CreatePolicy sets it off too.
test_pass_without_the_guard_is_noisy if contains(result_for(replace(benchmark, "($.eventSource = organizations.amazonaws.com) && ", "")).reason, "also matches an IAM policy created (iam CreatePolicy)")

test_pass_event_source_alone if passes("{ $.eventSource = organizations.amazonaws.com && $.readOnly = false }")
