# METADATA
# title: trailwatch library, the trail's S3 bucket
# description: |
#   A trail's log files are only as safe as their bucket. The bucket is
#   read in the account that owns it (input.accounts[_].s3_buckets, with
#   "owned"), which may not be the judged account: a log archive account
#   is common. Whether it is public follows S3's own rules: an ACL grant to
#   everyone (AllUsers) or every AWS user (AuthenticatedUsers) makes it
#   public unless Block Public Access ignores public ACLs (the bucket's
#   setting or its account's); a policy AWS judges public
#   (GetBucketPolicyStatus) makes it public unless Block Public Access
#   restricts public buckets. What was not read is never taken as closed.
package lib.trail_integrity.buckets

import data.lib.core

# records(name) are the snapshot's readings of a bucket, the owner's
# first.
records(name) := array.concat(
	[{"bucket": bucket, "account": held.account_id} |
		some held in input.accounts
		some bucket in object.get(held, "s3_buckets", [])
		bucket.Name == name
		bucket.owned == true
	],
	[{"bucket": bucket, "account": held.account_id} |
		some held in input.accounts
		some bucket in object.get(held, "s3_buckets", [])
		bucket.Name == name
		not bucket.owned
	],
)

arn(name) := sprintf("arn:aws:s3:::%s", [name])

# failures(name) are the failed calls about a bucket, in every account.
failures(name) := [core.describe_failure(failure) |
	some held in input.accounts
	some failure in core.failed_calls(held.account_id)
	object.get(failure, "resource", "") == arn(name)
]

# unread(name) says why a bucket has no reading, or what went wrong with
# the one it has.
unread(name) := sprintf("bucket %s was not read: %s", [name, concat("; ", failures(name))]) if {
	count(failures(name)) > 0
} else := sprintf("bucket %s was not read: no account of the snapshot holds a reading of it (its owner and its trail's owner were not in the run, or the snapshot was collected by a trailwatch that did not read buckets)", [name])

# finding(check, name) is what a bucket check says of a bucket:
# {"status", "reason", "remediation"}.
finding(check, name) := {"status": "ERROR", "reason": unread(name), "fix": ""} if {
	count(records(name)) == 0
} else := not_public(records(name)[0]) if {
	check == "bucket_not_public"
} else := access_logging(records(name)[0]) if {
	check == "bucket_access_logging"
}

# --- not public ---

public_groups := {
	"http://acs.amazonaws.com/groups/global/AllUsers": "everyone (AllUsers)",
	"http://acs.amazonaws.com/groups/global/AuthenticatedUsers": "every AWS user (AuthenticatedUsers)",
}

# public_grants(bucket) are the ACL's grants to a public group.
public_grants(bucket) := sort({sprintf("%s to %s", [grant.Permission, public_groups[grant.Grantee.URI]]) |
	some grant in bucket.GetBucketAcl.Grants
	public_groups[object.get(grant.Grantee, "URI", "")]
})

# setting(reading, flag) is a Block Public Access flag as it holds for the
# bucket: "on" when the bucket's or its account's configuration sets it,
# "off" when both were read and neither does, "unknown" otherwise (the
# owner's account settings are read only by the owner).
setting(reading, flag) := "on" if {
	reading.bucket.GetPublicAccessBlock.PublicAccessBlockConfiguration[flag] == true
} else := "on" if {
	reading.bucket.owned == true
	core.account(reading.account).s3_public_access_block.PublicAccessBlockConfiguration[flag] == true
} else := "off" if {
	reading.bucket.GetPublicAccessBlock
	reading.bucket.owned == true
	core.account(reading.account).s3_public_access_block
} else := "unknown"

setting_failure(reading) := concat("; ", array.concat(
	[sprintf("the bucket's own settings were not read (%s)", [core.call_failure(reading.account, object.get(reading.bucket, "Region", ""), "GetPublicAccessBlock", arn(reading.bucket.Name))]) | not reading.bucket.GetPublicAccessBlock],
	account_setting_failure(reading),
))

account_setting_failure(reading) := [] if {
	reading.bucket.owned == true
	core.account(reading.account).s3_public_access_block
} else := [sprintf("the account's settings were not read (%s)", [concat("; ", [core.describe_failure(f) | some f in core.failed_calls(reading.account); f.service == "s3control"])])] if {
	reading.bucket.owned == true
	count([f | some f in core.failed_calls(reading.account); f.service == "s3control"]) > 0
} else := ["the owner's account settings were not read: no account of this run owns the bucket"]

# acl(reading) is {"status", "reason"} for the ACL: "open" for public
# grants Block Public Access does not ignore, "closed", or "unknown".
acl(reading) := {"status": "closed", "reason": "Block Public Access ignores public ACLs"} if {
	setting(reading, "IgnorePublicAcls") == "on"
} else := {"status": "unknown", "reason": sprintf("its ACL was not read (%s)", [core.call_failure(reading.account, object.get(reading.bucket, "Region", ""), "GetBucketAcl", arn(reading.bucket.Name))])} if {
	not reading.bucket.GetBucketAcl
} else := {"status": "closed", "reason": "its ACL grants nothing to everyone"} if {
	count(public_grants(reading.bucket)) == 0
} else := {"status": "open", "reason": sprintf("its ACL grants %s", [concat(", ", public_grants(reading.bucket))])} if {
	setting(reading, "IgnorePublicAcls") == "off"
} else := {"status": "unknown", "reason": sprintf("its ACL grants %s, unless Block Public Access ignores public ACLs: %s", [concat(", ", public_grants(reading.bucket)), setting_failure(reading)])}

# policy(reading) is the same for the bucket policy.
policy(reading) := {"status": "closed", "reason": "Block Public Access restricts public buckets"} if {
	setting(reading, "RestrictPublicBuckets") == "on"
} else := {"status": "unknown", "reason": sprintf("its policy status was not read (%s)", [core.call_failure(reading.account, object.get(reading.bucket, "Region", ""), "GetBucketPolicyStatus", arn(reading.bucket.Name))])} if {
	not reading.bucket.GetBucketPolicyStatus
} else := {"status": "closed", "reason": "it has no bucket policy"} if {
	not reading.bucket.GetBucketPolicyStatus.PolicyStatus
} else := {"status": "closed", "reason": "AWS does not judge its policy public"} if {
	reading.bucket.GetBucketPolicyStatus.PolicyStatus.IsPublic == false
} else := {"status": "open", "reason": "AWS judges its bucket policy public"} if {
	setting(reading, "RestrictPublicBuckets") == "off"
} else := {"status": "unknown", "reason": sprintf("AWS judges its bucket policy public, unless Block Public Access restricts public buckets: %s", [setting_failure(reading)])}

# block_all(reading) turns on every Block Public Access setting of the
# bucket, in the bucket's account: CloudTrail needs no public access.
block_all(reading) := [object.union(
	core.call("s3api", "put-public-access-block", region, [
		["--bucket", reading.bucket.Name],
		["--public-access-block-configuration", "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true"],
	]),
	{"account": reading.account},
)] if {
	region := object.get(reading.bucket, "Region", "")
	region != ""
} else := sprintf("aws s3api put-public-access-block --bucket %s --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true (in account %s, where the bucket is)", [core.shell_word(reading.bucket.Name), reading.account])

not_public(reading) := {"status": "FAIL", "reason": sprintf("bucket %s is public: %s", [reading.bucket.Name, concat(" and ", open)]), "fix": block_all(reading)} if {
	open := [side.reason | some side in [acl(reading), policy(reading)]; side.status == "open"]
	count(open) > 0
} else := {"status": "ERROR", "reason": sprintf("cannot tell whether bucket %s is public: %s", [reading.bucket.Name, concat("; ", unknown)]), "fix": ""} if {
	unknown := [side.reason | some side in [acl(reading), policy(reading)]; side.status == "unknown"]
	count(unknown) > 0
} else := {"status": "PASS", "reason": sprintf("bucket %s is not public: %s; %s", [reading.bucket.Name, acl(reading).reason, policy(reading).reason]), "fix": ""}

# --- server access logging ---

access_logging(reading) := {"status": "ERROR", "reason": sprintf("bucket %s: its logging was not read (%s)", [reading.bucket.Name, core.call_failure(reading.account, object.get(reading.bucket, "Region", ""), "GetBucketLogging", arn(reading.bucket.Name))]), "fix": ""} if {
	not reading.bucket.GetBucketLogging
} else := {"status": "FAIL", "reason": sprintf("bucket %s does not log the requests made to it: who read or deleted a log file would be unknown", [reading.bucket.Name]), "fix": sprintf(`aws s3api put-bucket-logging --bucket %s --bucket-logging-status '{"LoggingEnabled":{"TargetBucket":"<access-log-bucket>","TargetPrefix":"%s/"}}' (in the bucket's account; the target bucket must let logging.s3.amazonaws.com s3:PutObject)`, [core.shell_word(reading.bucket.Name), reading.bucket.Name])} if {
	not reading.bucket.GetBucketLogging.LoggingEnabled
} else := {"status": "PASS", "reason": sprintf("bucket %s logs the requests made to it to bucket %s%s", [reading.bucket.Name, target, self_note(reading.bucket.Name, target)]), "fix": ""} if {
	target := reading.bucket.GetBucketLogging.LoggingEnabled.TargetBucket
}

self_note(name, target) := "; note: it logs into itself, which S3's guide advises against (each log write is logged in turn)" if {
	name == target
} else := ""
