package controls.trail_integrity.trail_encrypted_with_kms_test

import data.lib.core.fixture
import data.lib.trail_integrity.probe

# What is this control's own: the trail's key, named and usable.

id := "trail_encrypted_with_kms"

test_fail_without_a_key if probe.fails_with(id, probe.with_trails([object.remove(fixture.base_trail, ["KmsKeyId"])]), "its log files are not encrypted with a KMS key")

disabled_key := object.union(fixture.trail_key, {"KeyMetadata": {"Enabled": false, "KeyState": "PendingDeletion"}})

test_fail_key_pending_deletion if {
	r := probe.result(id, probe.input_with([object.union(probe.region, {"kms_keys": [disabled_key]})], {}))
	r.status == "FAIL"
	contains(r.reason, sprintf("its KMS key %s is PendingDeletion: CloudTrail cannot encrypt with it, so it delivers no log files", [fixture.trail_key_arn]))
	startswith(r.remediation, "aws kms cancel-key-deletion --region us-east-1")
	contains(r.remediation, "\naws kms enable-key --region us-east-1")
}

# The benchmark asks for the key to be named; a key that could not be read
# is noted, not failed.
test_pass_key_unread_noted if probe.passes_with(
	id,
	probe.input_with(
		[object.union(object.remove(probe.region, ["kms_keys"]), {"errors": [fixture.failed("kms", "DescribeKey", fixture.trail_key_arn, "AccessDeniedException")]})],
		{},
	),
	"note: the key was not read (kms DescribeKey in us-east-1 failed: AccessDeniedException (refused)), so whether CloudTrail can use it is not known",
)
