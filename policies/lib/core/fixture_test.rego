# METADATA
# title: the shared test fixture
# description: |
#   One account as the benchmark's remediation leaves it, for the library's
#   tests and every control's: a multi-region trail logging management
#   events (and S3 object data events) to a log group, a metric filter
#   there, an alarm on its metric that notifies a topic with a confirmed
#   subscription; the trail validates its log files, encrypts them with a
#   customer managed key, and delivers them to a private bucket of its own
#   account whose server access is logged. Tests vary it in one place with
#   object.union.
package lib.core.fixture

account_id := "111122223333"

trail_arn := "arn:aws:cloudtrail:us-east-1:111122223333:trail/main"

log_group := "cloudtrail-logs"

topic_arn := "arn:aws:sns:us-east-1:111122223333:alerts"

bucket := "aws-cloudtrail-logs-111122223333"

trail_key_arn := "arn:aws:kms:us-east-1:111122223333:key/0a1b2c3d-4e5f-4a7b-8c9d-0e1f2a3b4c5d"

base_trail := {
	"Name": "main",
	"TrailARN": trail_arn,
	"HomeRegion": "us-east-1",
	"IsMultiRegionTrail": true,
	"IsOrganizationTrail": false,
	"IncludeGlobalServiceEvents": true,
	"LogFileValidationEnabled": true,
	"S3BucketName": bucket,
	"KmsKeyId": trail_key_arn,
	"CloudWatchLogsLogGroupArn": "arn:aws:logs:us-east-1:111122223333:log-group:cloudtrail-logs:*",
	"CloudWatchLogsRoleArn": "arn:aws:iam::111122223333:role/CloudTrail_CloudWatchLogs",
	"GetTrailStatus": {"IsLogging": true, "LatestDeliveryTime": "2026-11-20T11:55:00Z", "LatestCloudWatchLogsDeliveryTime": "2026-11-20T11:56:00Z"},
	"GetEventSelectors": {"EventSelectors": [{
		"ReadWriteType": "All",
		"IncludeManagementEvents": true,
		"DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}],
	}]},
}

trail_key := {
	"key_reference": trail_key_arn,
	"KeyMetadata": {"KeyId": "0a1b2c3d-4e5f-4a7b-8c9d-0e1f2a3b4c5d", "Arn": trail_key_arn, "AWSAccountId": account_id, "Enabled": true, "KeyState": "Enabled", "KeyManager": "CUSTOMER"},
}

all_blocked := {"PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": true, "RestrictPublicBuckets": true}}

# base_bucket is the trail's bucket as its owner reads it: only the owner
# in its ACL, a policy AWS does not judge public, Block Public Access on,
# and server access logged to another bucket.
base_bucket := {
	"Name": bucket,
	"owned": true,
	"Region": "us-east-1",
	"GetBucketAcl": {"Owner": {"ID": "c0ffee"}, "Grants": [{"Grantee": {"Type": "CanonicalUser", "ID": "c0ffee"}, "Permission": "FULL_CONTROL"}]},
	"GetBucketPolicyStatus": {"PolicyStatus": {"IsPublic": false}},
	"GetPublicAccessBlock": all_blocked,
	"GetBucketLogging": {"LoggingEnabled": {"TargetBucket": "s3-access-logs-111122223333", "TargetPrefix": "cloudtrail/"}},
}

filter(name, pattern) := {
	"filterName": name,
	"filterPattern": pattern,
	"logGroupName": log_group,
	"metricTransformations": [{"metricName": name, "metricNamespace": "CISBenchmark", "metricValue": "1"}],
}

alarm(metric) := {
	"AlarmName": metric,
	"ActionsEnabled": true,
	"AlarmActions": [topic_arn],
	"MetricName": metric,
	"Namespace": "CISBenchmark",
	"Statistic": "Sum",
	"Period": 300,
	"EvaluationPeriods": 1,
	"Threshold": 1,
	"ComparisonOperator": "GreaterThanOrEqualToThreshold",
}

# The policy SNS gives a new topic: the owner's account may publish (and
# CloudWatch, for the owner's alarms).
default_topic_policy(arn, owner) := json.marshal({
	"Version": "2008-10-17",
	"Id": "__default_policy_ID",
	"Statement": [{
		"Sid": "__default_statement_ID",
		"Effect": "Allow",
		"Principal": {"AWS": "*"},
		"Action": ["SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission", "SNS:RemovePermission", "SNS:DeleteTopic", "SNS:Subscribe", "SNS:ListSubscriptionsByTopic", "SNS:Publish"],
		"Resource": arn,
		"Condition": {"StringEquals": {"AWS:SourceOwner": owner}},
	}],
})

base_topic := topic(topic_arn, account_id)

# topic(arn, owner) is a topic with SNS's default policy and one confirmed
# e-mail subscription without a filter policy.
topic(arn, owner) := {
	"TopicArn": arn,
	"Attributes": {"TopicArn": arn, "Owner": owner, "Policy": default_topic_policy(arn, owner)},
	"Subscriptions": [{
		"SubscriptionArn": concat(":", [arn, "0f1e2d3c"]),
		"Protocol": "email",
		"Attributes": {"SubscriptionArn": concat(":", [arn, "0f1e2d3c"]), "Protocol": "email", "PendingConfirmation": "false"},
	}],
}

# region(filters) is the account's home region with these metric filters on
# the trail's log group, each with an alarm on its metric.
region(filters) := {
	"region": "us-east-1",
	"trails": [base_trail],
	"log_groups": [{"logGroupName": log_group, "metricFilters": filters}],
	"metric_alarms": [alarm(mt.metricName) | some f in filters; some mt in f.metricTransformations],
	"topics": [base_topic],
	"kms_keys": [trail_key],
}

# with_pattern(pattern) is the account with one filter, named probe, with
# this pattern.
with_pattern(pattern) := region([filter("probe", pattern)])

# snapshot(regions) is the input of the account with these regions, as
# trailwatch evaluate passes it.
snapshot(regions) := {
	"format_version": 1,
	"collected_at": "2026-11-20T12:00:00Z",
	"account_id": account_id,
	"accounts": [{"account_id": account_id, "regions": regions, "s3_buckets": [base_bucket], "s3_public_access_block": all_blocked}],
}

failed(service, operation, resource, code) := {
	"service": service, "operation": operation, "region": "us-east-1",
	"resource": resource, "error_code": code, "message": "refused", "http_status": 400,
}
