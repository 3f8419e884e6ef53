package synth

import "github.com/trailwatch/trailwatch/internal/snapshot"

// DefaultTopicPolicy is the policy SNS gives a new topic: anyone may act
// on it when the source is the owner's account, so the owner's alarms may
// publish.
func DefaultTopicPolicy(topic, owner string) string {
	return `{"Version":"2008-10-17","Id":"__default_policy_ID","Statement":[{"Sid":"__default_statement_ID","Effect":"Allow","Principal":{"AWS":"*"},` +
		`"Action":["SNS:GetTopicAttributes","SNS:SetTopicAttributes","SNS:AddPermission","SNS:RemovePermission","SNS:DeleteTopic","SNS:Subscribe","SNS:ListSubscriptionsByTopic","SNS:Publish"],` +
		`"Resource":"` + topic + `","Condition":{"StringEquals":{"AWS:SourceOwner":"` + owner + `"}}}]}`
}

// Topic is a topic as collect records it when the benchmark's remediation
// made it: SNS's default policy, one confirmed e-mail subscription
// without a filter policy, its endpoint redacted.
func Topic(arn, owner string) snapshot.Topic {
	sub := arn + ":0b5e7a52-4d0c-4f2e-9a44-1c2d3e4f5a6b"
	return snapshot.Topic{
		TopicArn: arn,
		Attributes: map[string]string{
			"TopicArn": arn, "Owner": owner, "Policy": DefaultTopicPolicy(arn, owner),
			"SubscriptionsConfirmed": "1", "SubscriptionsPending": "0",
		},
		Subscriptions: []snapshot.Subscription{{
			SubscriptionArn: sub, Protocol: "email", Endpoint: "<redacted>", Owner: owner, TopicArn: arn,
			Attributes: map[string]string{"SubscriptionArn": sub, "TopicArn": arn, "Owner": owner, "Protocol": "email", "Endpoint": "<redacted>", "PendingConfirmation": "false"},
		}},
	}
}
