package controls.trail_integrity.trail_bucket_not_public_test

import data.lib.core.fixture
import data.lib.trail_integrity.probe

# What is this control's own: S3's rules for a public bucket, with Block
# Public Access, read where the bucket's owner read them.

id := "trail_bucket_not_public"

everyone := {"Grantee": {"Type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"}, "Permission": "READ"}

open_acl := {"Owner": {"ID": "c0ffee"}, "Grants": [everyone]}

nothing_blocked := {"GetPublicAccessBlock": {}}

test_fail_acl_to_everyone if {
	r := probe.result(id, probe.input_with([probe.region], {"s3_public_access_block": {}, "s3_buckets": [object.union(object.remove(fixture.base_bucket, ["GetBucketAcl", "GetPublicAccessBlock"]), {"GetBucketAcl": open_acl, "GetPublicAccessBlock": {}})]}))
	r.status == "FAIL"
	contains(r.reason, "trail main: bucket aws-cloudtrail-logs-111122223333 is public: its ACL grants READ to everyone (AllUsers)")
	r.remediation == "aws s3api put-public-access-block --region us-east-1 --bucket aws-cloudtrail-logs-111122223333 --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true"
	[step.account | some step in r.fix] == ["111122223333"]
	[res.type | some res in r.resources] == ["AWS::CloudTrail::Trail", "AWS::S3::Bucket"]
}

# The account's Block Public Access ignores the ACL.
test_pass_acl_ignored_by_the_account if probe.passes_with(
	id,
	probe.input_with([probe.region], {"s3_buckets": [object.union(object.remove(fixture.base_bucket, ["GetBucketAcl", "GetPublicAccessBlock"]), {"GetBucketAcl": open_acl, "GetPublicAccessBlock": {}})]}),
	"Block Public Access ignores public ACLs",
)

test_fail_policy_public if probe.fails_with(
	id,
	probe.input_with([probe.region], {"s3_public_access_block": {}, "s3_buckets": [object.union(object.remove(fixture.base_bucket, ["GetPublicAccessBlock"]), {"GetPublicAccessBlock": {}, "GetBucketPolicyStatus": {"PolicyStatus": {"IsPublic": true}}})]}),
	"is public: AWS judges its bucket policy public",
)

test_pass_no_policy if probe.passes_with(
	id,
	probe.input_with([probe.region], {"s3_public_access_block": {}, "s3_buckets": [object.union(object.remove(fixture.base_bucket, ["GetPublicAccessBlock", "GetBucketPolicyStatus"]), {"GetPublicAccessBlock": {}, "GetBucketPolicyStatus": {}})]}),
	"its ACL grants nothing to everyone; it has no bucket policy",
)

# What was not read is never taken as closed.
test_error_settings_unread if probe.errs_with(
	id,
	probe.input_with([probe.region], {
		"s3_public_access_block": null,
		"s3_buckets": [object.union(object.remove(fixture.base_bucket, ["GetPublicAccessBlock", "GetBucketPolicyStatus"]), {"GetBucketAcl": open_acl})],
		"errors": [fixture.failed("s3", "GetBucketPolicyStatus", "arn:aws:s3:::aws-cloudtrail-logs-111122223333", "AccessDenied")],
	}),
	"cannot tell whether bucket aws-cloudtrail-logs-111122223333 is public: its ACL grants READ to everyone (AllUsers), unless Block Public Access ignores public ACLs",
)

test_error_bucket_unread if probe.errs_with(
	id,
	probe.input_with([probe.region], {"s3_buckets": [], "errors": [fixture.failed("s3", "GetBucketLocation", "arn:aws:s3:::aws-cloudtrail-logs-111122223333", "AccessDenied")]}),
	"bucket aws-cloudtrail-logs-111122223333 was not read: s3 GetBucketLocation in us-east-1 failed: AccessDenied",
)

# A bucket in a log archive account is judged as its owner read it.
test_pass_bucket_in_log_archive if {
	archive := "444455556666"
	snapshot := probe.input_with([probe.region], {"s3_buckets": [], "s3_public_access_block": {}})
	r := probe.result(id, object.union(snapshot, {"accounts": array.concat(snapshot.accounts, [{
		"account_id": archive, "regions": [],
		"s3_buckets": [fixture.base_bucket], "s3_public_access_block": fixture.all_blocked,
	}])}))
	r.status == "PASS"
}
