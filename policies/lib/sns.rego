# METADATA
# title: trailwatch library, SNS links
# description: |
#   The last links of a monitoring chain: the SNS topic an alarm notifies
#   exists; it takes the alarm's notification (its policy lets CloudWatch
#   publish for the alarm's account, lib.iam; its KMS key, if any, lets
#   CloudWatch in, lib.kms); and someone has confirmed a subscription whose
#   filter policy lets the notification through (lib.sns_filter). A topic
#   in another account (a central security topic) is read from that
#   account's record.
package lib.sns

import data.lib
import data.lib.iam
import data.lib.kms
import data.lib.sns_filter

# find(arn) is the topic as the snapshot recorded it, in its own account
# and region.
find(arn) := found[0] if {
	a := lib.arn(arn)
	found := [tp |
		some tp in object.get(lib.region(a.account, a.region), "topics", [])
		tp.TopicArn == arn
	]
	count(found) > 0
}

# missing(arn, alarm, trail) says why an alarm's topic is not in the
# snapshot: AWS said it does not exist, or it could not be read, or it is
# in an account the snapshot does not hold.
missing(arn, alarm, trail) := lib.brk("topic", "FAIL", trail, sprintf("alarm %s notifies topic %s, which does not exist", [alarm.AlarmName, arn]), sprintf("aws sns create-topic --region %s --name %s", [lib.sh(a.region), lib.sh(a.resource)])) if {
	a := lib.arn(arn)
	some e in lib.failures(a.account, a.region, "GetTopicAttributes", arn)
	e.error_code == "NotFound"
} else := lib.brk("topic", "ERROR", trail, sprintf("topic %s of alarm %s could not be read (%s)", [arn, alarm.AlarmName, lib.describe_failure(fs[0])]), "") if {
	a := lib.arn(arn)
	fs := array.concat(lib.failures(a.account, a.region, "GetTopicAttributes", arn), lib.failures(a.account, a.region, "ListSubscriptionsByTopic", arn))
	count(fs) > 0
} else := lib.brk("topic", "ERROR", trail, sprintf("topic %s of alarm %s is in account %s, which this snapshot does not hold; collect that account too", [arn, alarm.AlarmName, a.account]), "") if {
	a := lib.arn(arn)
	not lib.account(a.account)
} else := lib.brk("topic", "ERROR", trail, sprintf("topic %s of alarm %s was not collected", [arn, alarm.AlarmName]), "")

# --- does the topic take the alarm's notification? ---

# access(tp, alarm_arn) is why the topic refuses the alarm's notification
# ({"status", "reason", "remediation"}), or undefined when it takes it:
# its attributes must be known, its policy must let CloudWatch publish for
# the alarm, and its key must let CloudWatch in.
access(tp, alarm_arn) := {"status": "ERROR", "reason": sprintf("the attributes of topic %s (its policy and key) could not be read (%s)", [tp.TopicArn, lib.call_failure(a.account, a.region, "GetTopicAttributes", tp.TopicArn)]), "remediation": ""} if {
	a := lib.arn(tp.TopicArn)
	not tp.Attributes
} else := {"status": "ERROR", "reason": sprintf("topic %s has no Policy among its attributes, so trailwatch cannot tell who may publish to it", [tp.TopicArn]), "remediation": ""} if {
	not tp.Attributes.Policy
} else := p if {
	p := policy_problem(tp, alarm_arn)
} else := p if {
	p := kms.problem(tp, alarm_arn)
}

# publish_decision is the topic policy's answer to CloudWatch publishing
# for an alarm. A policy that never reads aws:SourceArn answers alike for
# every alarm of an account and region: it is asked once for them all.
publish_decision(tp, alarm_arn) := iam.decision(tp.Attributes.Policy, {
	"principal": {"service": "cloudwatch.amazonaws.com"},
	"action": "sns:Publish",
	"resource": tp.TopicArn,
	"context": {
		"aws:SourceArn": iam.source_arn(tp.Attributes.Policy, alarm_arn),
		"aws:SourceAccount": lib.arn(alarm_arn).account,
		"AWS:SourceOwner": lib.arn(alarm_arn).account,
	},
})

policy_problem(tp, alarm_arn) := {
	"status": "ERROR",
	"reason": sprintf("trailwatch cannot tell whether the policy of topic %s lets CloudWatch publish for alarm %s: %s", [tp.TopicArn, alarm_arn, d.reason]),
	"remediation": "",
} if {
	d := publish_decision(tp, alarm_arn)
	d.effect in {"unknown", "invalid"}
} else := {
	"status": "FAIL",
	"reason": sprintf("the policy of topic %s denies CloudWatch's notification for alarm %s (%s)", [tp.TopicArn, alarm_arn, d.statement]),
	"remediation": sprintf("Remove or narrow %s of the policy of topic %s, which denies sns:Publish to CloudWatch for alarm %s (aws sns get-topic-attributes --region %s --topic-arn %s, then aws sns set-topic-attributes ... --attribute-name Policy)", [d.statement, tp.TopicArn, alarm_arn, lib.sh(lib.arn(tp.TopicArn).region), lib.sh(tp.TopicArn)]),
} if {
	d := publish_decision(tp, alarm_arn)
	d.effect == "deny"
} else := {
	"status": "FAIL",
	"reason": sprintf("the policy of topic %s does not let CloudWatch publish for alarm %s of account %s (no statement allows it), so its notification is refused", [tp.TopicArn, alarm_arn, lib.arn(alarm_arn).account]),
	"remediation": allow_cloudwatch(tp, lib.arn(alarm_arn).account),
} if {
	publish_decision(tp, alarm_arn).effect == "implicit_deny"
}

# allow_cloudwatch: the topic's policy with a statement that lets the
# alarms of an account publish, written back whole.
allow_cloudwatch(tp, account) := sprintf("aws sns set-topic-attributes --region %s --topic-arn %s --attribute-name Policy --attribute-value %s", [
	lib.sh(lib.arn(tp.TopicArn).region),
	lib.sh(tp.TopicArn),
	lib.sh(json.marshal(object.union(doc, {"Statement": array.concat(iam.statements(doc), [publish_statement(tp, account)])}))),
]) if {
	doc := json.unmarshal(tp.Attributes.Policy)
}

publish_statement(tp, account) := {
	"Sid": sprintf("AllowCloudWatchAlarmsOf%s", [account]),
	"Effect": "Allow",
	"Principal": {"Service": "cloudwatch.amazonaws.com"},
	"Action": "sns:Publish",
	"Resource": tp.TopicArn,
	"Condition": {"StringEquals": {"aws:SourceAccount": account}},
}

# --- who is told ---

confirmed_subscriptions(tp) := [s |
	some s in tp.Subscriptions
	startswith(s.SubscriptionArn, "arn:")
]

pending(tp) := count([s |
	some s in tp.Subscriptions
	s.SubscriptionArn == "PendingConfirmation"
])

# admits(s, alarm, alarm_arn) is whether a confirmed subscription lets
# the alarm's notification through: {"result", "reason"}.
admits(s, alarm, alarm_arn) := {"result": "unknown", "reason": sprintf("the attributes of subscription %s (its filter policy) could not be read (%s)", [s.SubscriptionArn, lib.describe_failure(fs[0])])} if {
	not s.Attributes
	a := lib.arn(s.SubscriptionArn)
	fs := lib.failures(a.account, a.region, "GetSubscriptionAttributes", s.SubscriptionArn)
	count(fs) > 0
} else := {"result": "unknown", "reason": sprintf("the attributes of subscription %s (its filter policy) were not collected", [s.SubscriptionArn])} if {
	not s.Attributes
} else := sns_filter.admits(s.Attributes, alarm, lib.arn(alarm_arn).account)

# reaching(tp, alarm, alarm_arn) are the confirmed subscriptions that let
# the alarm's notification through.
reaching(tp, alarm, alarm_arn) := [s |
	some s in confirmed_subscriptions(tp)
	admits(s, alarm, alarm_arn).result == "yes"
]

# unsubscribed(tp, alarm, alarm_arn) says why nobody is told through a
# topic that takes the notification: {"status", "reason", "remediation"}.
unsubscribed(tp, alarm, alarm_arn) := {"status": "ERROR", "reason": sprintf("the subscriptions of topic %s could not be read (%s)", [tp.TopicArn, lib.describe_failure(fs[0])]), "remediation": ""} if {
	a := lib.arn(tp.TopicArn)
	fs := lib.failures(a.account, a.region, "ListSubscriptionsByTopic", tp.TopicArn)
	count(fs) > 0
} else := {"status": "FAIL", "reason": sprintf("topic %s has no confirmed subscription (%d pending confirmation)", [tp.TopicArn, pending(tp)]), "remediation": subscribe(tp.TopicArn)} if {
	count(confirmed_subscriptions(tp)) == 0
} else := {"status": "ERROR", "reason": sprintf("trailwatch cannot tell whether the subscriptions of topic %s let the notification of alarm %s through: %s", [tp.TopicArn, alarm.AlarmName, concat("; ", unknowns)]), "remediation": ""} if {
	count(reaching(tp, alarm, alarm_arn)) == 0
	unknowns := [d.reason |
		some s in confirmed_subscriptions(tp)
		d := admits(s, alarm, alarm_arn)
		d.result == "unknown"
	]
	count(unknowns) > 0
} else := {"status": "FAIL", "reason": sprintf("the filter policies of the %d confirmed subscriptions of topic %s drop the notification of alarm %s (CloudWatch's notifications carry no message attributes; a MessageBody policy is judged against the body CloudWatch sends)", [count(confirmed_subscriptions(tp)), tp.TopicArn, alarm.AlarmName]), "remediation": unfilter(tp)} if {
	count(reaching(tp, alarm, alarm_arn)) == 0
}

unfilter(tp) := concat("\n", [sprintf("aws sns set-subscription-attributes --region %s --subscription-arn %s --attribute-name FilterPolicy --attribute-value '{}'", [lib.sh(lib.arn(s.SubscriptionArn).region), lib.sh(s.SubscriptionArn)]) |
	some s in confirmed_subscriptions(tp)
])

# stopped(tp, alarm, alarm_arn) is the first reason a topic tells nobody of
# the alarm: {"link", "status", "reason", "remediation"}; undefined when
# someone is told.
stopped(tp, alarm, alarm_arn) := object.union({"link": "topic_access"}, p) if {
	p := access(tp, alarm_arn)
} else := object.union({"link": "subscription"}, p) if {
	p := unsubscribed(tp, alarm, alarm_arn)
}

# plan(account_id, region) is the topic a new alarm in that account and
# region should notify, reusing what the account has so that fixing many
# controls needs one topic: one that takes an alarm's notification and has
# a confirmed subscription without a filter policy; else one to subscribe
# to; else one to create and subscribe to. steps are the commands that
# make it reach a human.
plan(account_id, region) := {"arn": working[0], "steps": []} if {
	working := sort([tp.TopicArn |
		some tp in object.get(lib.region(account_id, region), "topics", [])
		works_for_new_alarms(tp, account_id, region)
	])
	count(working) > 0
} else := {"arn": arn, "steps": [subscribe(arn)]} if {
	arn := sort([tp.TopicArn | some tp in object.get(lib.region(account_id, region), "topics", [])])[0]
} else := {"arn": arn, "steps": [sprintf("aws sns create-topic --region %s --name security-alerts", [lib.sh(region)]), subscribe(arn)]} if {
	arn := sprintf("arn:aws:sns:%s:%s:security-alerts", [region, account_id])
}

works_for_new_alarms(tp, account_id, region) if {
	alarm_arn := sprintf("arn:aws:cloudwatch:%s:%s:alarm:new", [region, account_id])
	not access(tp, alarm_arn)
	some s in confirmed_subscriptions(tp)
	object.get(object.get(s, "Attributes", {}), "FilterPolicy", "") in {"", "{}"}
}

subscribe(arn) := sprintf("aws sns subscribe --region %s --topic-arn %s --protocol email --notification-endpoint <address>, then confirm the subscription", [lib.sh(lib.arn(arn).region), lib.sh(arn)])
