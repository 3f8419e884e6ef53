package controls.trail_integrity.trail_bucket_access_logging_test

import data.lib.core.fixture
import data.lib.trail_integrity.probe

# What is this control's own: the bucket's server access logging.

id := "trail_bucket_access_logging"

test_fail_logging_off if {
	r := probe.result(id, probe.input_with([probe.region], {"s3_buckets": [object.union(object.remove(fixture.base_bucket, ["GetBucketLogging"]), {"GetBucketLogging": {}})]}))
	r.status == "FAIL"
	contains(r.reason, "bucket aws-cloudtrail-logs-111122223333 does not log the requests made to it")
	startswith(r.remediation, "aws s3api put-bucket-logging --bucket aws-cloudtrail-logs-111122223333")
}

test_error_logging_unread if probe.errs_with(
	id,
	probe.bucket_without(["GetBucketLogging"], {"errors": [fixture.failed("s3", "GetBucketLogging", "arn:aws:s3:::aws-cloudtrail-logs-111122223333", "AccessDenied")]}),
	"its logging was not read (s3 GetBucketLogging in us-east-1 failed: AccessDenied (refused))",
)

test_pass_logging_into_itself_noted if probe.passes_with(
	id,
	probe.with_bucket({"GetBucketLogging": {"LoggingEnabled": {"TargetBucket": fixture.bucket}}}),
	"note: it logs into itself",
)
