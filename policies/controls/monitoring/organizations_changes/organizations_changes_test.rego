package controls.monitoring.organizations_changes_test

import data.lib.monitoring.own

# What is this control's own: the records its filter must catch and those
# it should leave alone. The chain's failure modes are tested once in the
# library (lib/monitoring), and the generic cases once for every control
# (lib/monitoring/controls_test.rego).

test_pass_v14_quoted_form if own.passes("organizations_changes", `{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = "AcceptHandshake") || ($.eventName = "AttachPolicy") || ($.eventName = "CreateAccount") || ($.eventName = "CreateOrganizationalUnit") || ($.eventName = "CreatePolicy") || ($.eventName = "DeclineHandshake") || ($.eventName = "DeleteOrganization") || ($.eventName = "DeleteOrganizationalUnit") || ($.eventName = "DeletePolicy") || ($.eventName = "DetachPolicy") || ($.eventName = "DisablePolicyType") || ($.eventName = "EnablePolicyType") || ($.eventName = "InviteAccountToOrganization") || ($.eventName = "LeaveOrganization") || ($.eventName = "MoveAccount") || ($.eventName = "RemoveAccountFromOrganization") || ($.eventName = "UpdatePolicy") || ($.eventName = "UpdateOrganizationalUnit")) }`)

# Without the eventSource guard, IAM's CreatePolicy sets it off too.
test_pass_without_the_guard_is_noisy if contains(own.result_for("organizations_changes", replace(own.benchmark("organizations_changes"), "($.eventSource = organizations.amazonaws.com) && ", "")).reason, "also matches an IAM policy created (iam CreatePolicy)")

test_pass_event_source_alone if own.passes("organizations_changes", "{ $.eventSource = organizations.amazonaws.com && $.readOnly = false }")
