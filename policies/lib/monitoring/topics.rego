# METADATA
# title: trailwatch library, SNS links
# description: |
#   The last links of a monitoring chain: the SNS topic an alarm notifies
#   exists; it takes the alarm's notification (its policy lets CloudWatch
#   publish for the alarm's account, lib.iam; its KMS key, if any, lets
#   CloudWatch in, lib.kms); and someone has confirmed a subscription whose
#   filter policy lets the notification through (lib.monitoring.subscriptions). A topic
#   in another account (a central security topic) is read from that
#   account's record.
package lib.monitoring.topics

import data.lib.core
import data.lib.core.iam
import data.lib.monitoring.keys
import data.lib.monitoring.links
import data.lib.monitoring.subscriptions

# find(arn) is the topic as the snapshot recorded it, in its own account
# and region.
find(arn) := found[0] if {
	parsed := core.arn(arn)
	found := [topic |
		some topic in object.get(core.region(parsed.account, parsed.region), "topics", [])
		topic.TopicArn == arn
	]
	count(found) > 0
}

# missing(arn, alarm, trail) says why an alarm's topic is not in the
# snapshot: AWS said it does not exist, or it could not be read, or it is
# in an account the snapshot does not hold.
missing(arn, alarm, trail) := links.broken("topic", "FAIL", trail, sprintf("alarm %s notifies topic %s, which does not exist", [alarm.AlarmName, arn]), [core.call("sns", "create-topic", parsed.region, [["--name", parsed.resource]]), core.subscribe(arn)]) if {
	parsed := core.arn(arn)
	some failure in core.failures(parsed.account, parsed.region, "GetTopicAttributes", arn)
	failure.error_code == "NotFound"
} else := links.broken("topic", "ERROR", trail, sprintf("topic %s of alarm %s could not be read (%s)", [arn, alarm.AlarmName, core.describe_failure(found[0])]), "") if {
	parsed := core.arn(arn)
	found := array.concat(core.failures(parsed.account, parsed.region, "GetTopicAttributes", arn), core.failures(parsed.account, parsed.region, "ListSubscriptionsByTopic", arn))
	count(found) > 0
} else := links.broken("topic", "ERROR", trail, sprintf("topic %s of alarm %s is in account %s, which this snapshot does not hold; collect that account too", [arn, alarm.AlarmName, parsed.account]), "") if {
	parsed := core.arn(arn)
	not core.account(parsed.account)
} else := links.broken("topic", "ERROR", trail, sprintf("topic %s of alarm %s was not collected", [arn, alarm.AlarmName]), "")

# --- does the topic take the alarm's notification? ---

# access(topic, alarm_arn) is why the topic refuses the alarm's notification
# ({"status", "reason", "fix"}), or undefined when it takes it:
# its attributes must be known, its policy must let CloudWatch publish for
# the alarm, and its key must let CloudWatch in.
access(topic, alarm_arn) := {"status": "ERROR", "reason": sprintf("the attributes of topic %s (its policy and key) could not be read (%s)", [topic.TopicArn, core.call_failure(parsed.account, parsed.region, "GetTopicAttributes", topic.TopicArn)]), "fix": ""} if {
	parsed := core.arn(topic.TopicArn)
	not topic.Attributes
} else := {"status": "ERROR", "reason": sprintf("topic %s has no Policy among its attributes, so trailwatch cannot tell who may publish to it", [topic.TopicArn]), "fix": ""} if {
	not topic.Attributes.Policy
} else := problem if {
	problem := policy_problem(topic, alarm_arn)
} else := problem if {
	problem := keys.problem(topic, alarm_arn)
}

# publish_decision is the topic policy's answer to CloudWatch publishing
# for an alarm. A policy that never reads aws:SourceArn answers alike for
# every alarm of an account and region: it is asked once for them all.
publish_decision(topic, alarm_arn) := iam.decision(topic.Attributes.Policy, {
	"principal": {"service": "cloudwatch.amazonaws.com"},
	"action": "sns:Publish",
	"resource": topic.TopicArn,
	"context": {
		"aws:SourceArn": iam.source_arn(topic.Attributes.Policy, alarm_arn),
		"aws:SourceAccount": core.arn(alarm_arn).account,
		"AWS:SourceOwner": core.arn(alarm_arn).account,
	},
})

policy_problem(topic, alarm_arn) := {
	"status": "ERROR",
	"reason": sprintf("trailwatch cannot tell whether the policy of topic %s lets CloudWatch publish for alarm %s: %s", [topic.TopicArn, alarm_arn, decision.reason]),
	"fix": "",
} if {
	decision := publish_decision(topic, alarm_arn)
	decision.effect in {"unknown", "invalid"}
} else := {
	"status": "FAIL",
	"reason": sprintf("the policy of topic %s denies CloudWatch's notification for alarm %s (%s)", [topic.TopicArn, alarm_arn, decision.statement]),
	"fix": sprintf("Remove or narrow %s of the policy of topic %s, which denies sns:Publish to CloudWatch for alarm %s (aws sns get-topic-attributes --region %s --topic-arn %s, then aws sns set-topic-attributes ... --attribute-name Policy): trailwatch does not take a Deny out of a policy for you", [decision.statement, topic.TopicArn, alarm_arn, core.shell_word(core.arn(topic.TopicArn).region), core.shell_word(topic.TopicArn)]),
} if {
	decision := publish_decision(topic, alarm_arn)
	decision.effect == "deny"
} else := {
	"status": "FAIL",
	"reason": sprintf("the policy of topic %s does not let CloudWatch publish for alarm %s of account %s (no statement allows it), so its notification is refused", [topic.TopicArn, alarm_arn, core.arn(alarm_arn).account]),
	"fix": allow_cloudwatch(topic, core.arn(alarm_arn).account),
} if {
	publish_decision(topic, alarm_arn).effect == "implicit_deny"
}

# allow_cloudwatch: the topic's policy with a statement that lets the
# alarms of an account publish, written back whole.
allow_cloudwatch(topic, account) := [core.call("sns", "set-topic-attributes", core.arn(topic.TopicArn).region, [
	["--topic-arn", topic.TopicArn],
	["--attribute-name", "Policy"],
	["--attribute-value", json.marshal(object.union(doc, {"Statement": array.concat(iam.statements(doc), [publish_statement(topic, account)])}))],
])] if {
	doc := json.unmarshal(topic.Attributes.Policy)
}

publish_statement(topic, account) := {
	"Sid": sprintf("AllowCloudWatchAlarmsOf%s", [account]),
	"Effect": "Allow",
	"Principal": {"Service": "cloudwatch.amazonaws.com"},
	"Action": "sns:Publish",
	"Resource": topic.TopicArn,
	"Condition": {"StringEquals": {"aws:SourceAccount": account}},
}

# --- who is told ---

confirmed_subscriptions(topic) := [subscription |
	some subscription in topic.Subscriptions
	startswith(subscription.SubscriptionArn, "arn:")
]

pending(topic) := count([subscription |
	some subscription in topic.Subscriptions
	subscription.SubscriptionArn == "PendingConfirmation"
])

# admits(subscription, alarm, alarm_arn) is whether a confirmed subscription lets
# the alarm's notification through: {"result", "reason"}.
admits(subscription, alarm, alarm_arn) := {"result": "unknown", "reason": sprintf("the attributes of subscription %s (its filter policy) could not be read (%s)", [subscription.SubscriptionArn, core.describe_failure(found[0])])} if {
	not subscription.Attributes
	parsed := core.arn(subscription.SubscriptionArn)
	found := core.failures(parsed.account, parsed.region, "GetSubscriptionAttributes", subscription.SubscriptionArn)
	count(found) > 0
} else := {"result": "unknown", "reason": sprintf("the attributes of subscription %s (its filter policy) were not collected", [subscription.SubscriptionArn])} if {
	not subscription.Attributes
} else := subscriptions.admits(subscription.Attributes, alarm, core.arn(alarm_arn).account)

# reaching(topic, alarm, alarm_arn) are the confirmed subscriptions that let
# the alarm's notification through: for a topic blind to its alarms, the
# same for every alarm of an account and region.
reaching(topic, alarm, alarm_arn) := reaching_each(topic, stand_in, stand_in_arn(alarm_arn)) if {
	shared(topic, alarm_arn)
} else := reaching_each(topic, alarm, alarm_arn)

reaching_each(topic, alarm, alarm_arn) := [subscription |
	some subscription in confirmed_subscriptions(topic)
	admits(subscription, alarm, alarm_arn).result == "yes"
]

# unsubscribed(topic, alarm, alarm_arn) says why nobody is told through a
# topic that takes the notification: {"status", "reason", "fix"}.
unsubscribed(topic, alarm, alarm_arn) := {"status": "ERROR", "reason": sprintf("the subscriptions of topic %s could not be read (%s)", [topic.TopicArn, core.describe_failure(found[0])]), "fix": ""} if {
	parsed := core.arn(topic.TopicArn)
	found := core.failures(parsed.account, parsed.region, "ListSubscriptionsByTopic", topic.TopicArn)
	count(found) > 0
} else := {"status": "FAIL", "reason": sprintf("topic %s has no confirmed subscription (%d pending confirmation)", [topic.TopicArn, pending(topic)]), "fix": [core.subscribe(topic.TopicArn)]} if {
	count(confirmed_subscriptions(topic)) == 0
} else := {"status": "ERROR", "reason": sprintf("trailwatch cannot tell whether the subscriptions of topic %s let the notification of alarm %s through: %s", [topic.TopicArn, alarm.AlarmName, concat("; ", unknowns)]), "fix": ""} if {
	count(reaching(topic, alarm, alarm_arn)) == 0
	unknowns := [decision.reason |
		some subscription in confirmed_subscriptions(topic)
		decision := admits(subscription, alarm, alarm_arn)
		decision.result == "unknown"
	]
	count(unknowns) > 0
} else := {"status": "FAIL", "reason": sprintf("the filter policies of the %d confirmed subscriptions of topic %s drop the notification of alarm %s (CloudWatch's notifications carry no message attributes; a MessageBody policy is judged against the body CloudWatch sends)", [count(confirmed_subscriptions(topic)), topic.TopicArn, alarm.AlarmName]), "fix": unfilter(topic)} if {
	count(reaching(topic, alarm, alarm_arn)) == 0
}

unfilter(topic) := [core.call("sns", "set-subscription-attributes", core.arn(subscription.SubscriptionArn).region, [
	["--subscription-arn", subscription.SubscriptionArn],
	["--attribute-name", "FilterPolicy"],
	["--attribute-value", "{}"],
]) |
	some subscription in confirmed_subscriptions(topic)
]

# stopped(topic, alarm, alarm_arn) is the first reason a topic tells nobody of
# the alarm: {"link", "status", "reason", "fix"}; undefined when
# someone is told. A topic blind to its alarms that tells someone of one
# alarm of an account and region tells someone of them all: that is
# worked out once for them, and each alarm's own reason only where one is
# stopped.
stopped(topic, alarm, alarm_arn) := stopped_each(topic, alarm, alarm_arn) if {
	not shared(topic, alarm_arn)
} else := stopped_each(topic, alarm, alarm_arn) if {
	stops_all(topic, stand_in_arn(alarm_arn))
}

# stops_all(topic, arn): the topic tells nobody of the alarms of an account
# and region (true or false: an answer is remembered, an undefined one
# would be worked out again for each alarm).
stops_all(topic, arn) if {
	stopped_each(topic, stand_in, arn)
} else := false

shared(topic, alarm_arn) if {
	blind(topic)
	stand_in_arn(alarm_arn)
}

# blind(topic): whether the topic takes an alarm's notification, and lets
# it through to a subscriber, cannot depend on which alarm of an account
# and region it is: neither its policy nor its key's reads aws:SourceArn,
# and no subscription has a filter policy (which may test the alarm's
# name). Only the alarm's account and region count then (iam.source_arn,
# subscriptions.admits), and the stand-in alarm has them.
blind(topic) if {
	not iam.reads_source_arn(object.get(topic, ["Attributes", "Policy"], ""))
	not key_reads_source_arn(topic)
	count([subscription |
		some subscription in object.get(topic, "Subscriptions", [])
		not object.get(subscription, ["Attributes", "FilterPolicy"], "") in {"", "{}"}
	]) == 0
}

key_reads_source_arn(topic) if {
	ref := keys.reference(topic)
	iam.reads_source_arn(object.get(keys.find(topic, ref), "Policy", ""))
}

# stand_in is an alarm of no name, and stand_in_arn(arn) the ARN of every
# alarm of the account and region of an alarm's ARN (undefined when arn is
# not an ARN: that alarm is judged on its own).
stand_in := {"AlarmName": "*"}

stand_in_arn(arn) := iam.every_alarm(arn) if core.arn(arn)

stopped_each(topic, alarm, alarm_arn) := object.union({"link": "topic_access"}, problem) if {
	problem := access(topic, alarm_arn)
} else := object.union({"link": "subscription"}, problem) if {
	problem := unsubscribed(topic, alarm, alarm_arn)
}

# plan(account_id, region) is the topic a new alarm in that account and
# region should notify, reusing what the account has so that fixing many
# controls needs one topic: one that takes an alarm's notification and has
# a confirmed subscription without a filter policy; else one to subscribe
# to; else one to create and subscribe to. steps are the commands that
# make it reach a human.
plan(account_id, region) := {"arn": working[0], "steps": []} if {
	working := sort([topic.TopicArn |
		some topic in object.get(core.region(account_id, region), "topics", [])
		works_for_new_alarms(topic, account_id, region)
	])
	count(working) > 0
} else := {"arn": arn, "steps": [core.subscribe(arn)]} if {
	arn := sort([topic.TopicArn | some topic in object.get(core.region(account_id, region), "topics", [])])[0]
} else := {"arn": arn, "steps": [core.call("sns", "create-topic", region, [["--name", "security-alerts"]]), core.subscribe(arn)]} if {
	arn := sprintf("arn:aws:sns:%s:%s:security-alerts", [region, account_id])
}

works_for_new_alarms(topic, account_id, region) if {
	alarm_arn := sprintf("arn:aws:cloudwatch:%s:%s:alarm:new", [region, account_id])
	not access(topic, alarm_arn)
	some subscription in confirmed_subscriptions(topic)
	object.get(object.get(subscription, "Attributes", {}), "FilterPolicy", "") in {"", "{}"}
}
