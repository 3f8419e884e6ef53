package lib.trail_integrity.verdict_test

import data.lib.core.fixture
import data.lib.trail_integrity
import data.lib.trail_integrity.probe

some_spec := {"check": "log_file_validation", "scope": "some", "text": {"pass": "one validates", "fail": "none validates"}}

every_spec := object.union(some_spec, {"scope": "every", "text": {"pass": "all validate", "fail": "one does not validate"}})

other := object.union(fixture.base_trail, {"Name": "other", "TrailARN": "arn:aws:cloudtrail:us-east-1:111122223333:trail/other", "LogFileValidationEnabled": false})

# "some": one trail that passes is enough, and it is the one shown.
test_some_passes_with_one_good_trail if {
	v := probe.verdict(some_spec, probe.with_trails([other, fixture.base_trail]))
	v.status == "PASS"
	v.reason == "one validates: trail main: it validates its log files (a signed digest file every hour)"
	[r.id | some r in v.resources] == [fixture.trail_arn]
}

test_some_fails_naming_every_trail if {
	v := probe.verdict(some_spec, probe.with_trails([other, object.union(other, {"Name": "third", "TrailARN": "arn:aws:cloudtrail:us-east-1:111122223333:trail/third"})]))
	v.status == "FAIL"
	contains(v.reason, "none validates: trail other: it does not validate")
	contains(v.reason, "; trail third: it does not validate")
	startswith(v.remediation, "aws cloudtrail update-trail --region us-east-1 --name other --enable-log-file-validation")
	count(v.evidence.trails) == 2
}

# "every": one trail that fails is enough to fail, whatever the others.
test_every_fails_on_one_trail if {
	v := probe.verdict(every_spec, probe.with_trails([fixture.base_trail, other]))
	v.status == "FAIL"
	v.reason == "one does not validate: trail other: it does not validate its log files: a changed or deleted log file would go unnoticed"
	[r.id | some r in v.resources] == ["arn:aws:cloudtrail:us-east-1:111122223333:trail/other"]
}

test_every_passes_naming_each_trail if {
	v := probe.verdict(every_spec, probe.with_trails([fixture.base_trail, object.union(other, {"LogFileValidationEnabled": true})]))
	v.status == "PASS"
	contains(v.reason, "trail main: it validates")
	contains(v.reason, "trail other: it validates")
}

# A region whose trails could not be listed may hide a trail: a pass of
# every trail is in doubt, a pass of one is not.
failed_listing := probe.input_with(
	[probe.region, {"region": "eu-west-1", "trails": [], "metric_alarms": [], "errors": [object.union(fixture.failed("cloudtrail", "DescribeTrails", "", "AccessDenied"), {"region": "eu-west-1"})]}],
	{},
)

test_every_errs_when_a_listing_failed if {
	v := probe.verdict(every_spec, failed_listing)
	v.status == "ERROR"
	contains(v.reason, "cannot decide: cloudtrail DescribeTrails in eu-west-1 failed: AccessDenied")
}

test_some_passes_despite_a_failed_listing if probe.verdict(some_spec, failed_listing).status == "PASS"

test_no_trail_fails if {
	v := probe.verdict(every_spec, probe.with_trails([]))
	v.status == "FAIL"
	v.reason == "one does not validate: no CloudTrail trail records this account's events"
	startswith(v.remediation, "aws cloudtrail create-trail")
}

test_no_region_errs if {
	v := probe.verdict(some_spec, probe.input_with([], {"errors": [fixture.failed("sts", "AssumeRole", "", "AccessDenied")]}))
	v.status == "ERROR"
	startswith(v.reason, "no region of this account was collected, so its trails are unknown: sts AssumeRole in us-east-1 failed: AccessDenied")
}

# A trail the account sees twice (listed in two regions) is judged once.
test_a_trail_is_judged_once if {
	v := probe.verdict(every_spec, probe.input_with([probe.region, object.union(probe.region, {"region": "eu-west-1"})], {}))
	count(v.evidence.trails) == 1
}

# An organization trail is judged from its owner's record.
test_organization_trail_from_its_owner if {
	owner := "999988887777"
	org_trail := object.union(fixture.base_trail, {"Name": "org", "TrailARN": sprintf("arn:aws:cloudtrail:us-east-1:%s:trail/org", [owner]), "IsOrganizationTrail": true})
	member_view := object.union(object.remove(org_trail, ["GetTrailStatus", "GetEventSelectors"]), {"LogFileValidationEnabled": false})
	v := probe.verdict(every_spec, object.union(probe.with_trails([member_view]), {"accounts": [
		{"account_id": fixture.account_id, "regions": [object.union(probe.region, {"trails": [member_view]})]},
		{"account_id": owner, "regions": [object.union(probe.region, {"trails": [org_trail]})]},
	]}))
	v.status == "PASS"
}

# The data a control gives is checked when the policies load.
test_spec_problems if {
	trail_integrity.spec_problems({"check": "nope", "scope": "all", "text": {"pass": "p"}}) == {
		`trail_integrity.check "nope" is none of ["bucket_access_logging", "bucket_not_public", "cloudwatch_logs", "kms_encryption", "log_file_validation", "multi_region_logging", "s3_data_events"]`,
		`trail_integrity.scope "all" is neither "some" nor "every"`,
		"trail_integrity.text.fail must be a sentence for the reason",
	}
	trail_integrity.spec_problems({"check": "s3_data_events", "scope": "some", "text": {"pass": "p", "fail": "f"}}) == {`trail_integrity.access must be "write" or "read" for the s3_data_events check`}
	count(trail_integrity.spec_problems(some_spec)) == 0
}
