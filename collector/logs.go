package collector

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"github.com/trailwatch/trailwatch/internal/snapshot"
)

// logGroupRef is a log group a trail delivers to.
type logGroupRef struct{ region, name string }

// readLogGroups reads the metric filters of every log group this account's
// trails deliver to, in the log group's region (logs:DescribeMetricFilters,
// all pages). A log group of another account is that account's to read.
func (a *accountRun) readLogGroups(ctx context.Context) {
	a.mu.Lock()
	seen := map[logGroupRef]bool{}
	var refs []logGroupRef
	for _, reg := range a.regions {
		for _, t := range reg.data.Trails {
			ref, ok := logGroupOf(t.CloudWatchLogsLogGroupArn)
			if !ok || ref.account != a.id || seen[ref.logGroupRef] {
				continue
			}
			seen[ref.logGroupRef] = true
			refs = append(refs, ref.logGroupRef)
		}
	}
	a.mu.Unlock()
	slices.SortFunc(refs, func(x, y logGroupRef) int { return strings.Compare(x.region+x.name, y.region+y.name) })
	var wg sync.WaitGroup
	for _, ref := range refs {
		wg.Go(func() {
			reg := a.ensureFollowed(ctx, ref.region)
			filters, err := a.describeMetricFilters(ctx, ref)
			if err != nil {
				a.fail(ref.region, failure("logs", "DescribeMetricFilters", ref.region, ref.name, err))
				return
			}
			a.mu.Lock()
			reg.data.LogGroups = append(reg.data.LogGroups, snapshot.LogGroup{LogGroupName: ref.name, MetricFilters: filters})
			a.mu.Unlock()
		})
	}
	wg.Wait()
}

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
	service, region, account, resource, ok := arnParts(arn)
	if !ok || service != "logs" {
		return accountLogGroup{}, false
	}
	rest, ok := strings.CutPrefix(resource, "log-group:")
	if !ok {
		return accountLogGroup{}, false
	}
	name, _, _ := strings.Cut(rest, ":")
	if name == "" || region == "" {
		return accountLogGroup{}, false
	}
	return accountLogGroup{logGroupRef{region, name}, account}, true
}
