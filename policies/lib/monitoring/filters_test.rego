package lib.monitoring.filters_test

import data.lib.monitoring.probe

test_pass_filter_scoped_to_the_judged_account if probe.account_verdict("123456789012").status == "PASS"

test_fail_filter_scoped_to_another_account if {
	r := probe.account_verdict("210987654321")
	r.status == "FAIL"
	contains(r.reason, "filter probe misses StopLogging, DeleteTrail")
}
