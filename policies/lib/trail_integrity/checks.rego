# METADATA
# title: trailwatch library, what the trail integrity family checks of one trail
# description: |
#   Each check judges one trail the account sees (a candidate of
#   lib.core.trails) and gives a finding: {"status", "reason",
#   "remediation", "fix"}, the reason a phrase about the trail ("it does not
#   validate its log files"). A finding of PASS may carry a note.
package lib.trail_integrity.checks

import data.lib.core
import data.lib.core.trails

# finding(spec, candidate) is what spec.check says of one trail.
finding(spec, candidate) := multi_region_logging(candidate) if {
	spec.check == "multi_region_logging"
} else := log_file_validation(candidate) if {
	spec.check == "log_file_validation"
} else := kms_encryption(candidate) if {
	spec.check == "kms_encryption"
} else := cloudwatch_logs(candidate) if {
	spec.check == "cloudwatch_logs"
} else := s3_data_events(candidate, spec.access) if {
	spec.check == "s3_data_events"
}

# The checks a control's data may name, and those that judge the trail's
# bucket instead (lib.trail_integrity.buckets).
trail_checks := {"multi_region_logging", "log_file_validation", "kms_encryption", "cloudwatch_logs", "s3_data_events"}

bucket_checks := {"bucket_not_public", "bucket_access_logging"}

pass(reason) := {"status": "PASS", "reason": reason, "remediation": "", "fix": []}

# fail(reason, fix): fix is steps (lib.core.call) or a manual text.
fail(reason, fix) := {"status": "FAIL", "reason": reason, "remediation": core.fix_text(steps), "fix": steps} if {
	steps := [object.union({"mends": reason}, step) | some step in core.steps(fix)]
}

undecided(reason) := {"status": "ERROR", "reason": reason, "remediation": "", "fix": []}

# --- a multi-region trail that is logging management events ---

# not_recording(candidate) is why a trail records nothing to judge, or
# cannot be judged: not multi-region, logging stopped, its status or its
# selectors not collected; undefined when it records.
not_recording(candidate) := fail("it is not multi-region", trails.make_multi_region(candidate.trail)) if {
	not candidate.trail.IsMultiRegionTrail
} else := undecided(sprintf("its status was not collected (%s)", [trails.status_failure(candidate)])) if {
	not trails.status(candidate)
} else := fail("logging is stopped", trails.start_logging(candidate.trail)) if {
	not trails.logging(candidate)
} else := undecided(sprintf("its event selectors were not collected (%s)", [trails.selectors_failure(candidate)])) if {
	not candidate.trail.GetEventSelectors
}

# multi_region_logging(candidate): CIS's "CloudTrail is enabled in all
# regions": multi-region, logging, recording management events read and
# write; and, since a trail that cannot write its log files records
# nothing, delivering them to its bucket.
multi_region_logging(candidate) := finding if {
	finding := not_recording(candidate)
} else := fail("it does not record management events, read and write", trails.record_management_events(candidate.trail)) if {
	not trails.records_management_events(candidate.trail, [])
} else := fail(problem.reason, problem.fix) if {
	problem := s3_delivery_problem(candidate.trail)
} else := pass(sprintf("it is multi-region, logging, and records management events, read and write%s%s", [excluded_note(candidate.trail), s3_delivery_note(candidate.trail)]))

excluded_note(trail) := sprintf(" (but not those of %s)", [concat(", ", sort(trails.excluded_sources(trail)))]) if {
	count(trails.excluded_sources(trail)) > 0
} else := ""

# s3_delivery_problem(trail) is CloudTrail's own word (GetTrailStatus)
# that it cannot write the trail's log files to its bucket: an error and
# no delivery within the limit of lib/core/data.json before the snapshot
# was collected. A KMS key or bucket policy that shuts CloudTrail out shows
# here.
s3_delivery_problem(trail) := {
	"reason": sprintf("CloudTrail cannot deliver its log files to S3 bucket %s: %s%s", [object.get(trail, "S3BucketName", "(none)"), delivery_error, last_delivery(trail)]),
	"fix": sprintf("CloudTrail needs the bucket's policy to let cloudtrail.amazonaws.com s3:GetBucketAcl and s3:PutObject (and, with a KMS key, the key's policy to let it kms:GenerateDataKey*): aws s3api get-bucket-policy --bucket %s", [core.shell_word(object.get(trail, "S3BucketName", "<bucket>"))]),
} if {
	delivery_error := object.get(trail.GetTrailStatus, "LatestDeliveryError", "")
	delivery_error != ""
	not delivered_recently(trail)
}

delivered_recently(trail) if {
	last := object.get(trail.GetTrailStatus, "LatestDeliveryTime", "")
	last != ""
	time.parse_rfc3339_ns(core.collected_at) - time.parse_rfc3339_ns(last) <= time.parse_duration_ns(data.lib.core.cloudwatch_logs_max_age)
}

last_delivery(trail) := sprintf(" (its last delivery was at %s)", [last]) if {
	last := object.get(trail.GetTrailStatus, "LatestDeliveryTime", "")
	last != ""
} else := " (it has never delivered)"

s3_delivery_note(trail) := sprintf("; note: CloudTrail reports an error delivering its log files to S3: %s", [delivery_error]) if {
	delivery_error := object.get(trail.GetTrailStatus, "LatestDeliveryError", "")
	delivery_error != ""
} else := ""

# --- log file validation ---

log_file_validation(candidate) := pass("it validates its log files (a signed digest file every hour)") if {
	candidate.trail.LogFileValidationEnabled == true
} else := fail("it does not validate its log files: a changed or deleted log file would go unnoticed", trails.enable_log_file_validation(candidate.trail))

# --- encryption with a KMS key ---

# kms_encryption(candidate): CIS asks for the trail's log files to be
# encrypted with a KMS key (SSE-KMS). A key that is disabled or pending
# deletion leaves CloudTrail unable to write them at all.
kms_encryption(candidate) := fail("its log files are not encrypted with a KMS key (only with S3's own keys)", sprintf("aws cloudtrail update-trail --region %s --name %s --kms-key-id <key-arn>, with a key whose policy lets cloudtrail.amazonaws.com kms:GenerateDataKey* and the log readers kms:Decrypt: the key and who reads the logs are the account's to choose", [core.shell_word(candidate.trail.HomeRegion), core.shell_word(candidate.trail.Name)])) if {
	object.get(candidate.trail, "KmsKeyId", "") == ""
} else := fail(sprintf("its KMS key %s is %s: CloudTrail cannot encrypt with it, so it delivers no log files", [candidate.trail.KmsKeyId, key.KeyMetadata.KeyState]), core.enable_key(key)) if {
	key := trail_key(candidate.trail)
	key.KeyMetadata.KeyState != "Enabled"
} else := pass(sprintf("its log files are encrypted with KMS key %s%s", [candidate.trail.KmsKeyId, key_note(candidate.trail)]))

# trail_key(trail) is the record of the trail's key, read in the key's own
# account and region.
trail_key(trail) := key if {
	ref := core.arn(trail.KmsKeyId)
	some read in core.account(ref.account).regions
	read.region == ref.region
	some key in object.get(read, "kms_keys", [])
	key.key_reference == trail.KmsKeyId
	key.KeyMetadata
}

key_note(trail) := "" if {
	trail_key(trail)
} else := sprintf("; note: the key was not read (%s), so whether CloudTrail can use it is not known", [key_failure(trail)])

key_failure(trail) := core.call_failure(ref.account, ref.region, "DescribeKey", trail.KmsKeyId) if {
	ref := core.arn(trail.KmsKeyId)
} else := "its KmsKeyId is not a key ARN"

# --- delivery to CloudWatch Logs ---

# cloudwatch_logs(candidate): CIS's "trails are integrated with CloudWatch
# Logs": a log group named, and CloudTrail's last delivery there recent,
# as CIS's audit asks; never having delivered fails.
cloudwatch_logs(candidate) := fail("it delivers to no CloudWatch Logs log group", trails.attach_log_group(candidate.trail)) if {
	object.get(candidate.trail, "CloudWatchLogsLogGroupArn", "") == ""
} else := undecided(sprintf("its status was not collected (%s)", [trails.status_failure(candidate)])) if {
	not trails.status(candidate)
} else := fail(problem.reason, trails.repair_delivery(candidate.trail)) if {
	problem := trails.cloudwatch_delivery_problem(candidate.trail)
	problem.status == "FAIL"
} else := undecided(problem.reason) if {
	problem := trails.cloudwatch_delivery_problem(candidate.trail)
} else := fail("CloudTrail has never delivered its events to CloudWatch Logs", trails.repair_delivery(candidate.trail)) if {
	object.get(candidate.trail.GetTrailStatus, "LatestCloudWatchLogsDeliveryTime", "") == ""
} else := pass(sprintf("it delivers to log group %s, last at %s%s", [log_group_name(candidate.trail), candidate.trail.GetTrailStatus.LatestCloudWatchLogsDeliveryTime, trails.delivery_note(candidate.trail)]))

log_group_name(trail) := trails.log_group_ref(trail).name if {
	trails.log_group_ref(trail)
} else := trail.CloudWatchLogsLogGroupArn

# --- S3 object-level data events ---

# s3_data_events(candidate, access): CIS's object-level logging for write
# (or read) events: a multi-region trail that is logging records S3
# object data events of every bucket for that access.
s3_data_events(candidate, access) := finding if {
	finding := not_recording(candidate)
} else := pass(sprintf("its %s records S3 object-level %s events of every bucket", [selector, access])) if {
	selector := trails.s3_objects_everywhere(candidate.trail, access)
} else := fail(sprintf("it records S3 object-level %s events of some buckets only", [access]), add_s3_objects(candidate.trail, access)) if {
	trails.s3_objects_some(candidate.trail, access)
} else := fail(sprintf("it records no S3 object-level %s events", [access]), add_s3_objects(candidate.trail, access))

# add_s3_objects keeps management events, read and write, in a selector of
# their own beside the data events: put-event-selectors replaces every
# selector the trail has.
add_s3_objects(trail, access) := [core.call("cloudtrail", "put-event-selectors", trail.HomeRegion, [
	["--trail-name", trail.Name],
	["--event-selectors", json.marshal([
		{"ReadWriteType": "All", "IncludeManagementEvents": true},
		{"ReadWriteType": s3_access(trail, access), "IncludeManagementEvents": false, "DataResources": [{"Type": "AWS::S3::Object", "Values": [sprintf("arn:%s:s3", [core.arn(trail.TrailARN).partition])]}]},
	])],
])]

# s3_access(trail, access) is the ReadWriteType the fix records: All when
# the trail records the other access of no bucket either, so that the
# fixes of reads and writes are one and the same step.
s3_access(trail, access) := "All" if {
	other := {"write": "read", "read": "write"}[access]
	not trails.s3_objects_everywhere(trail, other)
} else := {"write": "WriteOnly", "read": "ReadOnly"}[access]
