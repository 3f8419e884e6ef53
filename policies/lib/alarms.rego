# METADATA
# title: trailwatch library, alarm links
# description: |
#   Which CloudWatch alarms watch the metric a metric filter publishes, and
#   whether their actions are enabled. An alarm watches a metric when it
#   reads the same name, namespace and dimensions, as its own metric or as
#   one of the metrics of a metric-math alarm; alarms are looked for in the
#   log group's own account and region, where the filter publishes.
package lib.alarms

import data.lib

# region_alarms(ref) are the alarms of the log group's account and region.
region_alarms(ref) := object.get(lib.region(ref.account, ref.region), "metric_alarms", [])

# incomplete(ref): DescribeAlarms failed there, so an alarm may be missing.
incomplete(ref) if count(lib.failures(ref.account, ref.region, "DescribeAlarms", "")) > 0

watches(a, mt) if {
	a.MetricName == mt.metricName
	a.Namespace == mt.metricNamespace
	same_dimensions(object.get(a, "Dimensions", []), object.get(mt, "dimensions", {}))
}

watches(a, mt) if {
	some q in object.get(a, "Metrics", [])
	m := q.MetricStat.Metric
	m.MetricName == mt.metricName
	m.Namespace == mt.metricNamespace
	same_dimensions(object.get(m, "Dimensions", []), object.get(mt, "dimensions", {}))
}

same_dimensions(alarm_dims, filter_dims) if {
	{d.Name | some d in alarm_dims} == object.keys(filter_dims)
}

# watching(ref, mt) are the alarms on a filter's metric.
watching(ref, mt) := [a |
	some a in region_alarms(ref)
	watches(a, mt)
]

metric_name(mt) := sprintf("%s/%s", [mt.metricNamespace, mt.metricName])

# near_misses: alarms on the same metric name in another namespace.
near_misses(ref, mt) := [sprintf("alarm %s watches %s/%s", [a.AlarmName, a.Namespace, a.MetricName]) |
	some a in region_alarms(ref)
	a.MetricName == mt.metricName
	a.Namespace != mt.metricNamespace
]

hint(ref, mt) := sprintf(" (%s)", [concat("; ", near_misses(ref, mt))]) if {
	count(near_misses(ref, mt)) > 0
} else := ""

# sns_actions(a) are the SNS topics an alarm notifies when it fires.
sns_actions(a) := [x |
	some x in a.AlarmActions
	lib.arn(x).service == "sns"
]

# put_alarm(ref, mt, topic) creates an alarm on a filter's metric that fires
# on one event, as the benchmark's remediation does.
put_alarm(ref, mt, topic) := sprintf("aws cloudwatch put-metric-alarm --region %s --alarm-name %s --metric-name %s --namespace %s --statistic Sum --period 300 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 --alarm-actions %s", [ref.region, mt.metricName, mt.metricName, mt.metricNamespace, topic])
