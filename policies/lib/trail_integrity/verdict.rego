# METADATA
# title: trailwatch library, the trail integrity family's verdict
# description: |
#   A trail integrity control asks whether the audit trail itself can be
#   trusted: that one trail records everything, and that every trail's log
#   files are validated, encrypted, delivered, and kept in a private bucket
#   whose own access is logged. Its data (data.json, "trail_integrity")
#   names the check (lib.trail_integrity.checks for a trail,
#   lib.trail_integrity.buckets for its bucket) and its scope: "some" (one
#   trail that passes is enough) or "every" (every trail the account sees
#   must pass, and a trail that could not be listed is a doubt).
#
#   PASS needs the evidence that proves it, FAIL a finding that does, and
#   anything else is ERROR.
package lib.trail_integrity

import data.lib.core
import data.lib.core.trails
import data.lib.trail_integrity.buckets
import data.lib.trail_integrity.checks

# result(chain) is the result of the control whose rule calls it (chain is
# rego.metadata.chain() there), for input.account_id.
result(chain) := core.result(chain, verdict(spec(chain)))

# spec(chain) is the control's data: the "trail_integrity" object of its
# data.json, found by its package path.
spec(chain) := data.controls[path[1]][path[2]].trail_integrity if {
	path := core.control_path(chain)
}

# problems(chain) are what is wrong with the control's data: trailwatch
# refuses to load the policies while there are any.
problems(chain) := spec_problems(found) if {
	found := spec(chain)
} else := {"data.json has no \"trail_integrity\" object"}

spec_problems(spec) := (({problem |
	some problem in [
	sprintf("trail_integrity.check %q is none of %v", [object.get(spec, "check", ""), sort(checks.trail_checks | checks.bucket_checks)]) |
		not object.get(spec, "check", "") in (checks.trail_checks | checks.bucket_checks)
	]
} | {problem |
	some problem in [
	sprintf("trail_integrity.scope %q is neither \"some\" nor \"every\"", [object.get(spec, "scope", "")]) |
		not object.get(spec, "scope", "") in {"some", "every"}
	]
}) | {problem |
	some problem in [
	"trail_integrity.access must be \"write\" or \"read\" for the s3_data_events check" |
		object.get(spec, "check", "") == "s3_data_events"
		not object.get(spec, "access", "") in {"write", "read"}
	]
}) | {problem |
	some key in ["pass", "fail"]
	some problem in [
	sprintf("trail_integrity.text.%s must be a sentence for the reason", [key]) |
		not is_string(object.get(object.get(spec, "text", {}), key, null))
	]
}

# judged are the findings a control's verdict rests on: one per trail, or
# one per bucket (with the trails that deliver to it) for a bucket check.
judged(spec) := [{"trails": [candidate.trail], "subject": sprintf("trail %s", [candidate.trail.Name]), "finding": checks.finding(spec, candidate)} |
	some candidate in trails.each
] if {
	spec.check in checks.trail_checks
} else := [{"trails": delivering, "subject": sprintf("trail %s", [concat(", ", [t.Name | some t in delivering])]), "bucket": name, "finding": buckets.finding(spec.check, name)} |
	some name in sort({object.get(c.trail, "S3BucketName", "") | some c in trails.each} - {""})
	delivering := [c.trail | some c in trails.each; object.get(c.trail, "S3BucketName", "") == name]
]

# unlisted are the failed calls that may hide a trail: the region's trail
# listing, or the role that reads the account.
unlisted := [failure |
	some failure in core.failed_calls(input.account_id)
	failure.operation in {"DescribeTrails", "AssumeRole", "GetCallerIdentity"}
]

phrase(entry) := sprintf("%s: %s", [entry.subject, entry.finding.reason])

with_status(found, status) := [entry | some entry in found; entry.finding.status == status]

verdict(spec) := {
	"status": "ERROR",
	"reason": sprintf("no region of this account was collected, so its trails are unknown%s", [why_uncollected]),
	"evidence": {"failed_calls": core.failed_calls(input.account_id)},
} if {
	count(core.judged.regions) == 0
} else := found if {
	spec.scope == "some"
	found := some_verdict(spec, judged(spec))
} else := found if {
	spec.scope == "every"
	found := every_verdict(spec, judged(spec))
}

why_uncollected := sprintf(": %s", [concat("; ", [core.describe_failure(failure) | some failure in core.failed_calls(input.account_id)])]) if {
	count(core.failed_calls(input.account_id)) > 0
} else := ""

# some: one trail that passes is enough.
some_verdict(spec, found) := outcome("PASS", sprintf("%s: %s", [spec.text.pass, phrase(passing[0])]), passing, "") if {
	passing := with_status(found, "PASS")
	count(passing) > 0
} else := undecided(found) if {
	count(unlisted) + count(with_status(found, "ERROR")) > 0
} else := no_trail(spec) if {
	count(found) == 0
} else := outcome("FAIL", sprintf("%s: %s", [spec.text.fail, concat("; ", [phrase(entry) | some entry in found])]), found, found[0].finding.fix)

# every: each trail (or bucket) must pass; one that fails is enough to
# fail, and a trail that could not be judged, or listed, leaves a pass in
# doubt.
every_verdict(spec, found) := outcome("FAIL", sprintf("%s: %s%s", [spec.text.fail, concat("; ", [phrase(entry) | some entry in failing]), doubts(found)]), array.concat(failing, with_status(found, "ERROR")), every_fix(failing)) if {
	failing := with_status(found, "FAIL")
	count(failing) > 0
} else := undecided(found) if {
	count(unlisted) + count(with_status(found, "ERROR")) > 0
} else := no_trail(spec) if {
	count(found) == 0
} else := outcome("PASS", sprintf("%s: %s", [spec.text.pass, concat("; ", [phrase(entry) | some entry in found])]), found, "")

doubts(found) := sprintf("; and cannot decide: %s", [concat("; ", [phrase(entry) | some entry in with_status(found, "ERROR")])]) if {
	count(with_status(found, "ERROR")) > 0
} else := ""

undecided(found) := outcome(
	"ERROR", sprintf("cannot decide: %s", [concat("; ", array.concat(
		[core.describe_failure(failure) | some failure in unlisted],
		[phrase(entry) | some entry in with_status(found, "ERROR")],
	))]),
	with_status(found, "ERROR"), "",
)

no_trail(spec) := {
	"status": "FAIL",
	"reason": sprintf("%s: no CloudTrail trail records this account's events", [spec.text.fail]),
	"evidence": {"trails": []},
	"remediation": create_trail,
	"fix": [core.manual(create_trail)],
}

create_trail := "aws cloudtrail create-trail --name management-events --s3-bucket-name <bucket> --is-multi-region-trail --enable-log-file-validation --kms-key-id <key-arn>; aws cloudtrail start-logging --name management-events (the bucket and the key are the account's to choose)"

# outcome is a verdict with its evidence (each trail or bucket judged, with
# its finding) and the resources it is about.
outcome(status, reason, entries, fix) := object.union(
	{
		"status": status,
		"reason": reason,
		"evidence": {"trails": [evidence(entry) | some entry in entries]},
		"resources": resources(entries),
	},
	with_fix(core.steps(fix)),
)

with_fix(steps) := {"remediation": core.fix_text(steps), "fix": steps} if {
	count(steps) > 0
} else := {}

# every_fix(failing) mends every trail (or bucket) that fails, each step
# once.
every_fix(failing) := [step |
	some i, step in all
	not step in array.slice(all, 0, i)
] if {
	all := [step | some entry in failing; some step in core.steps(entry.finding.fix)]
}

evidence(entry) := object.union(
	{
		"trail": entry.trails[0].TrailARN,
		"trail_name": entry.trails[0].Name,
		"status": entry.finding.status,
		"reason": entry.finding.reason,
	},
	{"bucket": entry.bucket | entry.bucket},
)

resources(entries) := array.concat(
	[core.trail_resource(arn) | some arn in sort({trail.TrailARN | some entry in entries; some trail in entry.trails})],
	[{"type": "AWS::S3::Bucket", "id": buckets.arn(name), "name": name} | some name in sort({entry.bucket | some entry in entries; entry.bucket})],
) if {
	count(entries) > 0
} else := [{"type": "AWS::::Account", "id": input.account_id, "name": input.account_id}]
