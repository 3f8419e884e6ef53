# METADATA
# title: trailwatch library, SNS links
# description: |
#   The last links of a monitoring chain: the SNS topic an alarm notifies
#   exists, and someone has confirmed a subscription to it.
package lib.sns

import data.lib

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
# snapshot: AWS said it does not exist, or it could not be read.
missing(arn, alarm, trail) := lib.brk("topic", "FAIL", trail, sprintf("alarm %s notifies topic %s, which does not exist", [alarm.AlarmName, arn]), sprintf("aws sns create-topic --region %s --name %s", [lib.sh(a.region), lib.sh(a.resource)])) if {
	a := lib.arn(arn)
	some e in lib.failures(a.account, a.region, "GetTopicAttributes", arn)
	e.error_code == "NotFound"
} else := lib.brk("topic", "ERROR", trail, sprintf("topic %s of alarm %s could not be read (%s)", [arn, alarm.AlarmName, lib.describe_failure(fs[0])]), "") if {
	a := lib.arn(arn)
	fs := array.concat(lib.failures(a.account, a.region, "GetTopicAttributes", arn), lib.failures(a.account, a.region, "ListSubscriptionsByTopic", arn))
	count(fs) > 0
} else := lib.brk("topic", "ERROR", trail, sprintf("topic %s of alarm %s was not collected", [arn, alarm.AlarmName]), "")

confirmed(tp) := count([s |
	some s in tp.Subscriptions
	startswith(s.SubscriptionArn, "arn:")
])

pending(tp) := count([s |
	some s in tp.Subscriptions
	s.SubscriptionArn == "PendingConfirmation"
])

# unsubscribed(tp, trail) says why nobody is told through a topic.
unsubscribed(tp, trail) := lib.brk("subscription", "ERROR", trail, sprintf("the subscriptions of topic %s could not be read (%s)", [tp.TopicArn, lib.describe_failure(fs[0])]), "") if {
	a := lib.arn(tp.TopicArn)
	fs := lib.failures(a.account, a.region, "ListSubscriptionsByTopic", tp.TopicArn)
	count(fs) > 0
} else := lib.brk("subscription", "FAIL", trail, sprintf("topic %s has no confirmed subscription (%d pending confirmation)", [tp.TopicArn, pending(tp)]), sprintf("aws sns subscribe --region %s --topic-arn %s --protocol email --notification-endpoint <address>, then confirm the subscription", [lib.sh(lib.arn(tp.TopicArn).region), lib.sh(tp.TopicArn)]))

# plan(account_id, region) is the topic a new alarm in that account and
# region should notify, reusing what the account has so that fixing many
# controls needs one topic: one with a confirmed subscription; else one to
# subscribe to; else one to create and subscribe to. steps are the
# commands that make it reach a human.
plan(account_id, region) := {"arn": confirmed_topics[0], "steps": []} if {
	confirmed_topics := sort([tp.TopicArn |
		some tp in object.get(lib.region(account_id, region), "topics", [])
		confirmed(tp) > 0
	])
	count(confirmed_topics) > 0
} else := {"arn": arn, "steps": [subscribe(arn)]} if {
	arn := sort([tp.TopicArn | some tp in object.get(lib.region(account_id, region), "topics", [])])[0]
} else := {"arn": arn, "steps": [sprintf("aws sns create-topic --region %s --name security-alerts", [lib.sh(region)]), subscribe(arn)]} if {
	arn := sprintf("arn:aws:sns:%s:%s:security-alerts", [region, account_id])
}

subscribe(arn) := sprintf("aws sns subscribe --region %s --topic-arn %s --protocol email --notification-endpoint <address>, then confirm the subscription", [lib.sh(lib.arn(arn).region), lib.sh(arn)])
