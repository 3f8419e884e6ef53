package controls.trail_integrity.trail_log_file_validation_test

import data.lib.trail_integrity.probe

# What is this control's own: a trail without validation, and the command
# that turns it on.

id := "trail_log_file_validation"

test_fail_validation_off if {
	r := probe.result(id, probe.with_trail({"LogFileValidationEnabled": false}))
	r.status == "FAIL"
	contains(r.reason, "trail main: it does not validate its log files")
	r.remediation == "aws cloudtrail update-trail --region us-east-1 --name main --enable-log-file-validation"
}

# A trail that is not logging still must validate what it delivered: this
# control judges validation alone.
test_pass_whatever_else_is_broken if probe.passes(id, probe.with_trail({"IsMultiRegionTrail": false, "GetTrailStatus": {"IsLogging": false}}))
