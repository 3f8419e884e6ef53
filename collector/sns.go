package collector

import (
	"context"
	"slices"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/trailwatch/trailwatch/internal/snapshot"
)

// pendingTopics lists the SNS topics this account's alarms notify. A topic
// of another account is that account's to read.
func (a *accountRun) pendingTopics() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	var arns []string
	for _, reg := range a.regions {
		for _, al := range reg.data.MetricAlarms {
			for _, action := range al.AlarmActions {
				service, _, account, _, ok := arnParts(action)
				if ok && service == "sns" && account == a.id {
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
	_, region, _, _, _ := arnParts(arn)
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
	return subs, nil
}

func notFound(e *snapshot.CallError) bool { return e != nil && e.NotFound() }
