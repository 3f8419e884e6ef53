package collector

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/trailwatch/trailwatch/internal/awsarn"
	"github.com/trailwatch/trailwatch/internal/snapshot"
)

// pendingTopics lists the SNS topics this account's alarms notify. A topic
// of another account is that account's to read (crossAccount).
func (a *accountRun) pendingTopics() []string {
	return a.alarmTopics(func(account string) bool { return account == a.id })
}

// foreignTopics lists the topics of other accounts this account's alarms
// notify: a central security topic, as landing zones set up.
func (a *accountRun) foreignTopics() []string {
	return a.alarmTopics(func(account string) bool { return account != a.id && account != "" })
}

func (a *accountRun) alarmTopics(keep func(account string) bool) []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	var arns []string
	for _, reg := range a.regions {
		for _, al := range reg.data.MetricAlarms {
			for _, action := range al.AlarmActions {
				if arn, ok := awsarn.Parse(action); ok && arn.Service == "sns" && keep(arn.Account) {
					arns = append(arns, action)
				}
			}
		}
	}
	slices.Sort(arns)
	return slices.Compact(arns)
}

// readTopic reads a topic in its region: sns:GetTopicAttributes and
// sns:ListSubscriptionsByTopic (all pages), side by side. Subscription
// endpoints are redacted unless KeepEndpoints.
func (a *accountRun) readTopic(ctx context.Context, arn string) {
	parsed, _ := awsarn.Parse(arn)
	region := parsed.Region
	reg := a.ensureFollowed(ctx, region)
	topic := snapshot.Topic{TopicArn: arn, Subscriptions: []snapshot.Subscription{}}
	var wg sync.WaitGroup
	var subs []snapshot.Subscription
	var attrFail, subFail *snapshot.CallError
	wg.Go(func() { topic.Attributes, attrFail = a.topicAttributes(ctx, region, arn) })
	wg.Go(func() { subs, subFail = a.subscriptions(ctx, region, arn) })
	wg.Wait()
	a.fail(region, attrFail)
	a.fail(region, subFail)
	if notFound(attrFail) || notFound(subFail) {
		return // no such topic: the recorded NotFound is the evidence
	}
	if subs != nil {
		topic.Subscriptions = subs
	}
	a.mu.Lock()
	reg.data.Topics = append(reg.data.Topics, topic)
	a.mu.Unlock()
}

func (a *accountRun) topicAttributes(ctx context.Context, region, arn string) (map[string]string, *snapshot.CallError) {
	out, err := call(ctx, a.r, "sns", "GetTopicAttributes", func(ctx context.Context) (*sns.GetTopicAttributesOutput, error) {
		return a.api.SNS(region).GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(arn)})
	})
	if err != nil {
		return nil, failure("sns", "GetTopicAttributes", region, arn, err)
	}
	return out.Attributes, nil
}

func (a *accountRun) subscriptions(ctx context.Context, region, arn string) ([]snapshot.Subscription, *snapshot.CallError) {
	subs := []snapshot.Subscription{}
	pages := sns.NewListSubscriptionsByTopicPaginator(a.api.SNS(region), &sns.ListSubscriptionsByTopicInput{TopicArn: aws.String(arn)})
	for pages.HasMorePages() {
		out, err := call(ctx, a.r, "sns", "ListSubscriptionsByTopic", func(ctx context.Context) (*sns.ListSubscriptionsByTopicOutput, error) {
			return pages.NextPage(ctx)
		})
		if err != nil {
			return nil, failure("sns", "ListSubscriptionsByTopic", region, arn, err)
		}
		for _, s := range out.Subscriptions {
			sub := snapshot.Subscription{
				SubscriptionArn: aws.ToString(s.SubscriptionArn),
				Protocol:        aws.ToString(s.Protocol),
				Endpoint:        aws.ToString(s.Endpoint),
				Owner:           aws.ToString(s.Owner),
				TopicArn:        aws.ToString(s.TopicArn),
			}
			if !a.r.opts.KeepEndpoints && sub.Endpoint != "" {
				sub.Endpoint = Redacted
			}
			subs = append(subs, sub)
		}
	}
	a.subscriptionAttributes(ctx, region, subs)
	return subs, nil
}

// subscriptionAttributes reads, side by side, the attributes of each
// confirmed subscription (sns:GetSubscriptionAttributes): its filter
// policy decides which notifications reach the endpoint. A failure is
// recorded with the subscription's ARN as its resource.
func (a *accountRun) subscriptionAttributes(ctx context.Context, region string, subs []snapshot.Subscription) {
	var wg sync.WaitGroup
	for i := range subs {
		s := &subs[i]
		if !strings.HasPrefix(s.SubscriptionArn, "arn:") {
			continue // pending or deleted: nothing reaches anyone through it
		}
		wg.Go(func() {
			out, err := call(ctx, a.r, "sns", "GetSubscriptionAttributes", func(ctx context.Context) (*sns.GetSubscriptionAttributesOutput, error) {
				return a.api.SNS(region).GetSubscriptionAttributes(ctx, &sns.GetSubscriptionAttributesInput{SubscriptionArn: aws.String(s.SubscriptionArn)})
			})
			if err != nil {
				a.fail(region, failure("sns", "GetSubscriptionAttributes", region, s.SubscriptionArn, err))
				return
			}
			attrs := out.Attributes
			if attrs == nil {
				attrs = map[string]string{}
			}
			if e, ok := attrs["Endpoint"]; ok && e != "" && !a.r.opts.KeepEndpoints {
				attrs["Endpoint"] = Redacted
			}
			s.Attributes = attrs
		})
	}
	wg.Wait()
}

func notFound(e *snapshot.CallError) bool { return e != nil && e.NotFound() }
