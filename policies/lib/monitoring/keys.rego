# METADATA
# title: trailwatch library, a topic's KMS key
# description: |
#   An SNS topic encrypted with a KMS key takes CloudWatch's notification
#   only if CloudWatch may use the key: "Enable compatibility between event
#   sources from AWS services and encrypted topics" (SNS Developer Guide)
#   asks for a customer managed key whose policy allows the service
#   principal kms:GenerateDataKey* and kms:Decrypt. The AWS managed key
#   (alias/aws/sns) has a policy nobody can change that allows neither, and
#   a disabled key, or one pending deletion, allows nothing.
package lib.monitoring.keys

import data.lib.core
import data.lib.core.iam

# reference(topic) is the key the topic names in KmsMasterKeyId; undefined
# for a topic that is not encrypted.
reference(topic) := ref if {
	ref := object.get(object.get(topic, "Attributes", {}), "KmsMasterKeyId", "")
	ref != ""
}

managed_alias(ref) if startswith(ref, "alias/aws/")

managed_alias(ref) if startswith(core.arn(ref).resource, "alias/aws/")

# home(topic, ref) is where the key lives: the account and region its ARN
# names, or the topic's.
home(topic, ref) := {"account": parsed.account, "region": parsed.region} if {
	parsed := core.arn(ref)
} else := {"account": topic_arn.account, "region": topic_arn.region} if {
	topic_arn := core.arn(topic.TopicArn)
}

# find(topic, ref) is the key as the snapshot recorded it.
find(topic, ref) := found[0] if {
	where := home(topic, ref)
	found := [k |
		some k in object.get(core.region(where.account, where.region), "kms_keys", [])
		k.key_reference == ref
	]
	count(found) > 0
}

# statement is what a key policy needs for CloudWatch's alarms of one
# account, with the confused-deputy guard AWS advises.
statement(account) := {
	"Sid": "AllowCloudWatchAlarmsToUseTheKey",
	"Effect": "Allow",
	"Principal": {"Service": "cloudwatch.amazonaws.com"},
	"Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
	"Resource": "*",
	"Condition": {"StringEquals": {"aws:SourceAccount": account}},
}

# problem(topic, alarm_arn) says why the topic's key keeps the alarm's
# notification out: {"status", "reason", "fix"}; undefined when
# the topic is not encrypted or the key lets CloudWatch in.
problem(topic, alarm_arn) := {
	"status": "FAIL",
	"reason": sprintf("topic %s is encrypted with the AWS managed key %s, which CloudWatch cannot use (its policy cannot be changed), so no alarm notification is delivered", [topic.TopicArn, ref]),
	"fix": use_customer_key(topic, core.arn(alarm_arn).account),
} if {
	ref := reference(topic)
	managed_alias(ref)
} else := problem if {
	ref := reference(topic)
	not find(topic, ref)
	problem := unread(topic, ref)
} else := problem if {
	ref := reference(topic)
	key := find(topic, ref)
	problem := key_problem(topic, ref, key, alarm_arn)
}

unread(topic, ref) := {
	"status": "FAIL",
	"reason": sprintf("topic %s is encrypted with KMS key %s, which does not exist, so no alarm notification is delivered", [topic.TopicArn, ref]),
	"fix": use_customer_key(topic, core.arn(topic.TopicArn).account),
} if {
	where := home(topic, ref)
	some failure in core.failures(where.account, where.region, "DescribeKey", ref)
	failure.error_code in {"NotFoundException", "NotFound"}
} else := {"status": "ERROR", "reason": sprintf("the KMS key %s of topic %s could not be read (%s)", [ref, topic.TopicArn, core.describe_failure(found[0])]), "fix": ""} if {
	where := home(topic, ref)
	found := core.failures(where.account, where.region, "DescribeKey", ref)
	count(found) > 0
} else := {"status": "ERROR", "reason": sprintf("the KMS key %s of topic %s is in account %s, which this snapshot does not hold; collect that account too", [ref, topic.TopicArn, where.account]), "fix": ""} if {
	where := home(topic, ref)
	not core.account(where.account)
} else := {"status": "ERROR", "reason": sprintf("the KMS key %s of topic %s was not collected", [ref, topic.TopicArn]), "fix": ""}

key_problem(topic, ref, key, alarm_arn) := {
	"status": "ERROR",
	"reason": sprintf("the KMS key %s of topic %s could not be described (%s)", [ref, topic.TopicArn, core.call_failure(where.account, where.region, "DescribeKey", ref)]),
	"fix": "",
} if {
	where := home(topic, ref)
	not key.KeyMetadata
} else := {
	"status": "FAIL",
	"reason": sprintf("topic %s is encrypted with %s, an AWS managed key, which CloudWatch cannot use (its policy cannot be changed), so no alarm notification is delivered", [topic.TopicArn, key.KeyMetadata.Arn]),
	"fix": use_customer_key(topic, core.arn(alarm_arn).account),
} if {
	key.KeyMetadata.KeyManager == "AWS"
} else := {
	"status": "FAIL",
	"reason": sprintf("the KMS key %s of topic %s is %s, so no alarm notification is delivered", [key.KeyMetadata.Arn, topic.TopicArn, key.KeyMetadata.KeyState]),
	"fix": core.enable_key(key),
} if {
	where := home(topic, ref)
	key.KeyMetadata.KeyState != "Enabled"
} else := {
	"status": "ERROR",
	"reason": sprintf("the policy of KMS key %s of topic %s could not be read (%s)", [key.KeyMetadata.Arn, topic.TopicArn, core.call_failure(where.account, where.region, "GetKeyPolicy", ref)]),
	"fix": "",
} if {
	where := home(topic, ref)
	not is_string(object.get(key, "Policy", null))
} else := problem if {
	problem := policy_problem(topic, key, alarm_arn)
}

# policy_problem: CloudWatch needs both actions on the key.
policy_problem(topic, key, alarm_arn) := {
	"status": "ERROR",
	"reason": sprintf("trailwatch cannot tell whether the policy of KMS key %s lets CloudWatch use it for topic %s: %s", [key.KeyMetadata.Arn, topic.TopicArn, decision.reason]),
	"fix": "",
} if {
	some decision in decisions(key, alarm_arn)
	decision.effect in {"unknown", "invalid"}
} else := {
	"status": "FAIL",
	"reason": sprintf("the policy of KMS key %s does not let CloudWatch use it (%s), so the encrypted topic %s takes no alarm notification", [key.KeyMetadata.Arn, concat("; ", denials), topic.TopicArn]),
	"fix": add_statement(key, core.arn(alarm_arn).account, home(topic, key.key_reference).region),
} if {
	denials := [sprintf("%s: %s", [action, why(decision)]) |
		some action, decision in decisions_by_action(key, alarm_arn)
		decision.effect != "allow"
	]
	count(denials) > 0
}

actions := ["kms:GenerateDataKey", "kms:Decrypt"]

decisions(key, alarm_arn) := [decision | some _, decision in decisions_by_action(key, alarm_arn)]

decisions_by_action(key, alarm_arn) := {action: iam.decision(key.Policy, {
	"principal": {"service": "cloudwatch.amazonaws.com"},
	"action": action,
	"resource": key.KeyMetadata.Arn,
	"context": {"aws:SourceArn": iam.source_arn(key.Policy, alarm_arn), "aws:SourceAccount": core.arn(alarm_arn).account},
}) |
	some action in actions
}

why(decision) := sprintf("denied by %s", [decision.statement]) if decision.effect == "deny"

else := "no statement allows it"

# add_statement: the statement to add to the key's policy, and how (the
# policy is read, changed by a person, and written back whole: trailwatch
# does not rewrite a key policy for you).
add_statement(key, account, region) := concat("\n", [
	sprintf("Add this statement to the policy of KMS key %s:", [key.KeyMetadata.Arn]),
	sprintf("  %s", [json.marshal(statement(account))]),
	sprintf("aws kms get-key-policy --region %s --key-id %s --policy-name default --output text > key-policy.json", [core.shell_word(region), core.shell_word(key.KeyMetadata.KeyId)]),
	"(add the statement to the Statement list of key-policy.json)",
	sprintf("aws kms put-key-policy --region %s --key-id %s --policy-name default --policy file://key-policy.json", [core.shell_word(region), core.shell_word(key.KeyMetadata.KeyId)]),
])

use_customer_key(topic, account) := concat("\n", [
	sprintf("Encrypt topic %s with a customer managed key whose policy has this statement:", [topic.TopicArn]),
	sprintf("  %s", [json.marshal(statement(account))]),
	sprintf("aws kms create-key --region %s --description 'SNS topic for CloudWatch alarms' --policy file://key-policy.json", [core.shell_word(core.arn(topic.TopicArn).region)]),
	sprintf("aws sns set-topic-attributes --region %s --topic-arn %s --attribute-name KmsMasterKeyId --attribute-value <key-id>", [core.shell_word(core.arn(topic.TopicArn).region), core.shell_word(topic.TopicArn)]),
])
