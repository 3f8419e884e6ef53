package collector

import (
	"context"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"github.com/trailwatch/trailwatch/internal/awsarn"
	"github.com/trailwatch/trailwatch/internal/snapshot"
)

// pendingLogGroups lists the log groups this account's trails deliver to,
// as "region/name". A log group of another account is that account's to
// read.
func (a *accountRun) pendingLogGroups() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	var keys []string
	for _, reg := range a.regions {
		for _, t := range reg.data.Trails {
			if lg, ok := logGroupOf(t.CloudWatchLogsLogGroupArn); ok && lg.account == a.id {
				keys = append(keys, lg.region+"/"+lg.name)
			}
		}
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

// readLogGroup reads a log group's metric filters in its region
// (logs:DescribeMetricFilters, all pages).
func (a *accountRun) readLogGroup(ctx context.Context, key string) {
	region, name, _ := strings.Cut(key, "/")
	ref := logGroupRef{region, name}
	reg := a.ensureFollowed(ctx, region)
	filters, err := a.describeMetricFilters(ctx, ref)
	if err != nil {
		a.fail(region, failure("logs", "DescribeMetricFilters", region, name, err))
		return
	}
	a.mu.Lock()
	reg.data.LogGroups = append(reg.data.LogGroups, snapshot.LogGroup{LogGroupName: name, MetricFilters: filters})
	a.mu.Unlock()
}

// logGroupRef is a log group a trail delivers to.
type logGroupRef struct{ region, name string }

func (a *accountRun) describeMetricFilters(ctx context.Context, ref logGroupRef) ([]snapshot.MetricFilter, error) {
	filters := []snapshot.MetricFilter{}
	pages := cloudwatchlogs.NewDescribeMetricFiltersPaginator(a.api.Logs(ref.region), &cloudwatchlogs.DescribeMetricFiltersInput{
		LogGroupName: aws.String(ref.name),
	})
	for pages.HasMorePages() {
		out, err := call(ctx, a.r, "logs", "DescribeMetricFilters", func(ctx context.Context) (*cloudwatchlogs.DescribeMetricFiltersOutput, error) {
			return pages.NextPage(ctx)
		})
		if err != nil {
			return nil, err
		}
		for _, f := range out.MetricFilters {
			mf := snapshot.MetricFilter{
				FilterName:             aws.ToString(f.FilterName),
				FilterPattern:          aws.ToString(f.FilterPattern),
				LogGroupName:           aws.ToString(f.LogGroupName),
				CreationTime:           aws.ToInt64(f.CreationTime),
				ApplyOnTransformedLogs: f.ApplyOnTransformedLogs,
				MetricTransformations:  []snapshot.MetricTransformation{},
			}
			for _, t := range f.MetricTransformations {
				mf.MetricTransformations = append(mf.MetricTransformations, snapshot.MetricTransformation{
					MetricName:      aws.ToString(t.MetricName),
					MetricNamespace: aws.ToString(t.MetricNamespace),
					MetricValue:     aws.ToString(t.MetricValue),
					DefaultValue:    t.DefaultValue,
					Dimensions:      t.Dimensions,
					Unit:            string(t.Unit),
				})
			}
			filters = append(filters, mf)
		}
	}
	return filters, nil
}

// accountLogGroup is a log group with the account that owns it.
type accountLogGroup struct {
	logGroupRef
	account string
}

// logGroupOf reads arn:aws:logs:REGION:ACCOUNT:log-group:NAME[:*].
func logGroupOf(arn string) (accountLogGroup, bool) {
	region, account, name, ok := awsarn.LogGroup(arn)
	if !ok {
		return accountLogGroup{}, false
	}
	return accountLogGroup{logGroupRef{region, name}, account}, true
}
