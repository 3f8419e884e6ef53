package collector

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/trailwatch/trailwatch/internal/snapshot"
)

// describeAlarms reads a region's metric alarms, metric-math alarms
// included (cloudwatch:DescribeAlarms, all pages). Half a list is no list:
// on a failed page the alarms read so far are dropped and the failure
// recorded.
func (a *accountRun) describeAlarms(ctx context.Context, reg *regionRun) {
	alarms := []snapshot.MetricAlarm{}
	pages := cloudwatch.NewDescribeAlarmsPaginator(a.api.CloudWatch(reg.name), &cloudwatch.DescribeAlarmsInput{
		AlarmTypes: []cwtypes.AlarmType{cwtypes.AlarmTypeMetricAlarm},
	})
	for pages.HasMorePages() {
		out, err := call(ctx, a.r, "cloudwatch", "DescribeAlarms", func(ctx context.Context) (*cloudwatch.DescribeAlarmsOutput, error) {
			return pages.NextPage(ctx)
		})
		if err != nil {
			a.fail(reg.name, failure("cloudwatch", "DescribeAlarms", reg.name, "", err))
			return
		}
		for _, m := range out.MetricAlarms {
			alarms = append(alarms, convertAlarm(m))
		}
	}
	a.mu.Lock()
	reg.data.MetricAlarms = alarms
	a.mu.Unlock()
}

func convertAlarm(m cwtypes.MetricAlarm) snapshot.MetricAlarm {
	out := snapshot.MetricAlarm{
		AlarmName:                        aws.ToString(m.AlarmName),
		AlarmArn:                         aws.ToString(m.AlarmArn),
		AlarmDescription:                 aws.ToString(m.AlarmDescription),
		ActionsEnabled:                   aws.ToBool(m.ActionsEnabled),
		AlarmActions:                     nonNil(m.AlarmActions),
		OKActions:                        m.OKActions,
		InsufficientDataActions:          m.InsufficientDataActions,
		StateValue:                       string(m.StateValue),
		MetricName:                       aws.ToString(m.MetricName),
		Namespace:                        aws.ToString(m.Namespace),
		Statistic:                        string(m.Statistic),
		ExtendedStatistic:                aws.ToString(m.ExtendedStatistic),
		Dimensions:                       convertDimensions(m.Dimensions),
		Period:                           aws.ToInt32(m.Period),
		EvaluationPeriods:                aws.ToInt32(m.EvaluationPeriods),
		DatapointsToAlarm:                aws.ToInt32(m.DatapointsToAlarm),
		Threshold:                        m.Threshold,
		ComparisonOperator:               string(m.ComparisonOperator),
		TreatMissingData:                 aws.ToString(m.TreatMissingData),
		Unit:                             string(m.Unit),
		ThresholdMetricId:                aws.ToString(m.ThresholdMetricId),
		EvaluateLowSampleCountPercentile: aws.ToString(m.EvaluateLowSampleCountPercentile),
	}
	for _, q := range m.Metrics {
		mq := snapshot.MetricDataQuery{
			Id:         aws.ToString(q.Id),
			Expression: aws.ToString(q.Expression),
			Label:      aws.ToString(q.Label),
			ReturnData: q.ReturnData,
			Period:     aws.ToInt32(q.Period),
			AccountId:  aws.ToString(q.AccountId),
		}
		if s := q.MetricStat; s != nil {
			mq.MetricStat = &snapshot.MetricStat{
				Period: aws.ToInt32(s.Period),
				Stat:   aws.ToString(s.Stat),
				Unit:   string(s.Unit),
			}
			if s.Metric != nil {
				mq.MetricStat.Metric = snapshot.Metric{
					Namespace:  aws.ToString(s.Metric.Namespace),
					MetricName: aws.ToString(s.Metric.MetricName),
					Dimensions: convertDimensions(s.Metric.Dimensions),
				}
			}
		}
		out.Metrics = append(out.Metrics, mq)
	}
	return out
}

func convertDimensions(ds []cwtypes.Dimension) []snapshot.Dimension {
	var out []snapshot.Dimension
	for _, d := range ds {
		out = append(out, snapshot.Dimension{Name: aws.ToString(d.Name), Value: aws.ToString(d.Value)})
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
