package controls.monitoring.security_group_changes_test

import data.lib.monitoring.own

# What is this control's own: the records its filter must catch and those
# it should leave alone. The chain's failure modes are tested once in the
# library (lib/monitoring), and the generic cases once for every control
# (lib/monitoring/controls_test.rego).

before_v5 := "{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }"

# v5.0.0 adds ModifySecurityGroupRules.
test_pass_before_v5_in_v4 if own.result_in("security_group_changes", "v4.0.1", before_v5).status == "PASS"

test_fail_before_v5_in_v5 if {
	r := own.result_in("security_group_changes", "v5.0.0", before_v5)
	r.status == "FAIL"
	contains(r.reason, "filter probe misses ModifySecurityGroupRules")
}
