package lib.core.iam_test

import data.lib.core.iam

# The requests are those CloudWatch makes for an alarm in 111122223333,
# us-east-2; the policies are AWS's documented examples where there is one.

topic := "arn:aws:sns:us-east-2:444455556666:MyTopic"

alarm := "arn:aws:cloudwatch:us-east-2:111122223333:alarm:cloudtrail-config-changes"

publish := {
	"principal": {"service": "cloudwatch.amazonaws.com"},
	"action": "sns:Publish",
	"resource": topic,
	"context": {"aws:SourceArn": alarm, "aws:SourceAccount": "111122223333", "AWS:SourceOwner": "111122223333"},
}

policy(statements) := json.marshal({"Version": "2012-10-17", "Statement": statements})

effect(statements) := iam.decision(policy(statements), publish).effect

# The default policy SNS gives a new topic: anyone may act on it when the
# source is the owner's account.
default_policy(owner) := policy([{
	"Sid": "__default_statement_ID",
	"Effect": "Allow",
	"Principal": {"AWS": "*"},
	"Action": ["SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission", "SNS:RemovePermission", "SNS:DeleteTopic", "SNS:Subscribe", "SNS:ListSubscriptionsByTopic", "SNS:Publish"],
	"Resource": topic,
	"Condition": {"StringEquals": {"AWS:SourceOwner": owner}},
}])

test_default_policy_lets_the_owners_alarms_publish if {
	iam.decision(default_policy("111122223333"), publish) == {"effect": "allow", "statement": "statement __default_statement_ID"}
}

test_default_policy_of_another_account_does_not if {
	iam.decision(default_policy("444455556666"), publish).effect == "implicit_deny"
}

# re:Post, "Why didn't I receive an SNS notification for my CloudWatch
# alarm trigger?": the statement to add for CloudWatch.
test_service_principal_allows if {
	effect([{"Sid": "Allow_Publish_Alarms", "Effect": "Allow", "Principal": {"Service": ["cloudwatch.amazonaws.com"]}, "Action": "sns:Publish", "Resource": topic}]) == "allow"
}

# SNS developer guide, "Allow any CloudWatch alarm to publish to a topic in
# a different account".
cross_account := [{
	"Effect": "Allow",
	"Principal": {"AWS": "*"},
	"Action": "SNS:Publish",
	"Resource": topic,
	"Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:cloudwatch:us-east-2:111122223333:alarm:*"}},
}]

test_cross_account_alarms_of_the_named_account if effect(cross_account) == "allow"

test_cross_account_alarms_of_another_region_are_not if {
	request := object.union(publish, {"context": {"aws:SourceArn": "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:x"}})
	iam.decision(policy(cross_account), request).effect == "implicit_deny"
}

# ArnLike's * stays within one part of the ARN.
test_arn_like_star_does_not_cross_a_colon if {
	statements := [object.union(cross_account[0], {"Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:cloudwatch:*:alarm:*"}}})]
	effect(statements) == "implicit_deny"
}

# SNS developer guide, "Grant AWS account access to a topic": AddPermission
# grants an account, and an account principal is not a service.
test_account_principal_does_not_let_cloudwatch_publish if {
	effect([{"Sid": "grant-1234-publish", "Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": ["sns:Publish"], "Resource": topic}]) == "implicit_deny"
}

test_one_role_only if {
	effect([{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/Publisher"}, "Action": "sns:Publish", "Resource": topic}]) == "implicit_deny"
}

test_explicit_deny_wins if {
	d := iam.decision(
		policy([
			{"Sid": "Allow_Publish_Alarms", "Effect": "Allow", "Principal": {"Service": "cloudwatch.amazonaws.com"}, "Action": "sns:Publish", "Resource": topic},
			{"Sid": "NoAlarms", "Effect": "Deny", "Principal": "*", "Action": "sns:*", "Resource": "*", "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}}},
		]),
		publish,
	)
	d == {"effect": "deny", "statement": "statement NoAlarms"}
}

test_deny_for_another_account_does_not_apply if {
	effect([
		{"Effect": "Allow", "Principal": {"Service": "cloudwatch.amazonaws.com"}, "Action": "sns:Publish", "Resource": topic},
		{"Effect": "Deny", "Principal": "*", "Action": "sns:Publish", "Resource": topic, "Condition": {"StringNotEquals": {"aws:SourceAccount": "111122223333"}}},
	]) == "allow"
}

# SNS developer guide, "Restrict publication to an Amazon SNS topic only
# from a specific VPC endpoint": trailwatch does not know whether
# CloudWatch's call carries aws:sourceVpce, so it says it cannot judge.
test_unknown_condition_key_is_unknown_and_named if {
	d := iam.decision(
		policy([
			{"Effect": "Allow", "Principal": {"Service": "cloudwatch.amazonaws.com"}, "Action": "sns:Publish", "Resource": topic},
			{"Effect": "Deny", "Principal": "*", "Action": "SNS:Publish", "Resource": topic, "Condition": {"StringNotEquals": {"aws:sourceVpce": "vpce-1ab2c34d"}}},
		]),
		publish,
	)
	d.effect == "unknown"
	contains(d.reason, "aws:sourceVpce")
}

test_unknown_operator_is_unknown_and_named if {
	d := iam.decision(policy([{"Effect": "Allow", "Principal": "*", "Action": "sns:Publish", "Resource": topic, "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}}}]), publish)
	d.effect == "unknown"
	contains(d.reason, "DateGreaterThan")
}

# An Allow that cannot be judged does not matter when another allows and
# nothing denies.
test_unknown_allow_beside_a_judged_allow if {
	effect([
		{"Effect": "Allow", "Principal": "*", "Action": "sns:Publish", "Resource": topic, "Condition": {"Bool": {"aws:SecureTransport": "true"}}},
		{"Effect": "Allow", "Principal": {"Service": "cloudwatch.amazonaws.com"}, "Action": "sns:Publish", "Resource": topic},
	]) == "allow"
}

# A Deny that cannot be judged does not matter when nothing allows.
test_unknown_deny_without_allow_is_a_denial if {
	effect([{"Effect": "Deny", "Principal": "*", "Action": "sns:Publish", "Resource": topic, "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]) == "implicit_deny"
}

test_wildcard_actions_and_case if {
	effect([{"Effect": "Allow", "Principal": "*", "Action": "SNS:Pub*", "Resource": "arn:aws:sns:*:444455556666:*"}]) == "allow"
	effect([{"Effect": "Allow", "Principal": "*", "Action": "sns:Subscribe", "Resource": topic}]) == "implicit_deny"
	effect([{"Effect": "Allow", "Principal": "*", "Action": "sns:Publish", "Resource": "arn:aws:sns:us-east-2:444455556666:mytopic"}]) == "implicit_deny"
}

test_not_action_and_not_resource if {
	effect([{"Effect": "Allow", "Principal": "*", "NotAction": "sns:DeleteTopic", "Resource": topic}]) == "allow"
	effect([{"Effect": "Allow", "Principal": "*", "Action": "sns:Publish", "NotResource": topic}]) == "implicit_deny"
}

test_not_principal if {
	effect([{"Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "sns:Publish", "Resource": topic}, {"Effect": "Allow", "Principal": "*", "Action": "sns:Publish", "Resource": topic}]) == "deny"
}

test_string_like_and_ignore_case if {
	effect([{"Effect": "Allow", "Principal": "*", "Action": "sns:Publish", "Resource": topic, "Condition": {"StringLike": {"aws:SourceArn": "arn:aws:cloudwatch:*:111122223333:alarm:cloudtrail-*"}}}]) == "allow"
	effect([{"Effect": "Allow", "Principal": "*", "Action": "sns:Publish", "Resource": topic, "Condition": {"StringEqualsIgnoreCase": {"aws:sourceaccount": ["999999999999", "111122223333"]}}}]) == "allow"
	effect([{"Effect": "Allow", "Principal": "*", "Action": "sns:Publish", "Resource": topic, "Condition": {"ForAnyValue:StringEquals": {"aws:SourceAccount": "111122223333"}, "Null": {"aws:SourceArn": "false"}}}]) == "allow"
	effect([{"Effect": "Allow", "Principal": "*", "Action": "sns:Publish", "Resource": topic, "Condition": {"Null": {"aws:SourceArn": "true"}}}]) == "implicit_deny"
}

test_single_statement_object if {
	iam.decision(json.marshal({"Statement": {"Effect": "Allow", "Principal": "*", "Action": "sns:Publish", "Resource": "*"}}), publish).effect == "allow"
}

test_invalid_documents if {
	iam.decision("{not json", publish) == {"effect": "invalid", "reason": "it is not JSON"}
	iam.decision("{}", publish) == {"effect": "invalid", "reason": "it has no Statement"}
}

# KMS developer guide and SNS developer guide, "Enable compatibility
# between event sources from AWS services and encrypted topics".
key_policy(extra) := policy(array.concat(
	[{"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"}],
	extra,
))

use_key(action) := {
	"principal": {"service": "cloudwatch.amazonaws.com"},
	"action": action,
	"resource": "arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
	"context": {"aws:SourceArn": alarm, "aws:SourceAccount": "111122223333"},
}

test_key_policy_of_the_account_only_shuts_cloudwatch_out if {
	iam.decision(key_policy([]), use_key("kms:GenerateDataKey")).effect == "implicit_deny"
}

test_key_policy_statement_for_cloudwatch if {
	statement := {"Effect": "Allow", "Principal": {"Service": "cloudwatch.amazonaws.com"}, "Action": ["kms:GenerateDataKey*", "kms:Decrypt"], "Resource": "*"}
	iam.decision(key_policy([statement]), use_key("kms:GenerateDataKey")).effect == "allow"
	iam.decision(key_policy([statement]), use_key("kms:Decrypt")).effect == "allow"
	iam.decision(key_policy([statement]), use_key("kms:Encrypt")).effect == "implicit_deny"
}

test_key_policy_statement_with_confused_deputy_conditions if {
	statement := {
		"Effect": "Allow", "Principal": {"Service": "cloudwatch.amazonaws.com"}, "Action": ["kms:GenerateDataKey*", "kms:Decrypt"], "Resource": "*",
		"Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}, "ArnLike": {"aws:SourceArn": "arn:aws:cloudwatch:us-east-2:111122223333:alarm:*"}},
	}
	iam.decision(key_policy([statement]), use_key("kms:Decrypt")).effect == "allow"
	other := object.union(use_key("kms:Decrypt"), {"context": {"aws:SourceArn": "arn:aws:cloudwatch:us-east-2:999999999999:alarm:x", "aws:SourceAccount": "999999999999"}})
	iam.decision(key_policy([statement]), other).effect == "implicit_deny"
}
