# METADATA
# title: trailwatch library, one fix for the account
# description: |
#   The fixes that put a filter and an alarm on a trail's log group, or
#   make an alarm fire on one event, reusing what the account has: the
#   trail's log group, the namespace its filters already use, the control's
#   own broken filter (never another control's), and a topic someone is
#   told through (lib.monitoring.topics.plan), so that fixing fourteen
#   controls needs no fourteen topics. The fixes are steps (lib.core.call).
package lib.monitoring.remediation

import data.lib.core
import data.lib.monitoring.alarms
import data.lib.monitoring.filters
import data.lib.monitoring.topics

# filter_fix(path, control) is the fix for a log group where no filter
# catches what the control requires. The control's own filter, broken (one
# of its name, or the closest if it catches at least half of the records),
# gets the benchmark's pattern and keeps its metric, so the alarm on it
# keeps working (and one is added if there is none). Otherwise a new
# filter publishes a metric of the control's name, in the namespace the
# log group's filters already use, with an alarm that notifies a topic
# someone is told through. A filter that catches less is left alone: it
# may be another control's.
filter_fix(path, control) := [core.replaces(put_filter(path.group, filter.filterName, metric, control.patterns[0]), filter.filterName)] if {
	filter := own(path, control)
	metric := filter.metricTransformations[0]
	some serving in path.filters
	serving.filter.filterName == filter.filterName
	count(serving.complete) > 0
} else := array.concat([core.replaces(put_filter(path.group, filter.filterName, metric, control.patterns[0]), filter.filterName)], notify(path.group, metric.metricName, metric)) if {
	filter := own(path, control)
	metric := filter.metricTransformations[0]
} else := array.concat([put_filter(path.group, control.name, metric, control.patterns[0])], notify(path.group, control.name, metric)) if {
	metric := {"metricName": control.name, "metricNamespace": namespace_in_use(path, control), "metricValue": "1"}
}

# own(path, control) is the control's own filter on the log group: by its
# name, or the closest that catches at least half of its records and is
# not stuck on routine traffic (such a filter may be another control's).
own(path, control) := mine[0] if {
	mine := [filter |
		some filter in object.get(path.by_name, control.name, [])
		count(filter.metricTransformations) > 0
	]
	count(mine) > 0
} else := near[0] if {
	near := [filter |
		some filter in filters.closest(path, control)
		count(filter.metricTransformations) > 0
		not filters.stuck(filter.filterPattern, control)
		filters.catch_count(filter.filterPattern, control.events) * 2 >= count(control.events)
	]
	count(near) > 0
}

namespace_in_use(path, control) := path.namespaces[0] if {
	count(path.namespaces) > 0
} else := control.namespace

# put_filter(group, name, metric, pattern) puts a filter that publishes 1
# per event, unless the log group has it as it should be (the last filter
# of that name: AWS keeps one, moto 5.2 appends one put again).
put_filter(group, name, metric, pattern) := core.unless(
	core.call("logs", "put-metric-filter", group.region, [
		["--log-group-name", group.name],
		["--filter-name", name],
		["--metric-transformations", json.marshal([{"metricName": metric.metricName, "metricNamespace": metric.metricNamespace, "metricValue": "1"}])],
		["--filter-pattern", pattern],
	]),
	core.call("logs", "describe-metric-filters", group.region, [["--log-group-name", group.name], ["--filter-name-prefix", name]]),
	sprintf("metricFilters[?filterName==`%s`] | [-1].[filterPattern, metricTransformations[0].metricName, metricTransformations[0].metricNamespace, metricTransformations[0].metricValue, metricTransformations[0].defaultValue, metricTransformations[0].unit, metricTransformations[0].dimensions, length(metricTransformations)]", [replace(json.marshal(name), "`", "\\`")]),
	concat("\t", [pattern, metric.metricName, metric.metricNamespace, "1", "None", "None", "None", "1"]),
)

# put_alarm(group, name, metric, topic_arns) creates (or replaces) an alarm
# on a filter's metric that fires on one event, as the benchmark's
# remediation does, and says how to treat the periods without an event:
# not breaching, as AWS advises for a metric published only when
# something happens (the alarm rests in OK and each event is a change of
# state). PutMetricAlarm replaces the whole alarm, so a unit or dimension
# that kept it blind goes.
put_alarm(group, name, metric, topic_arns) := core.call("cloudwatch", "put-metric-alarm", group.region, [
	["--alarm-name", name],
	["--metric-name", metric.metricName],
	["--namespace", metric.metricNamespace],
	["--statistic", "Sum"],
	["--period", "300"],
	["--threshold", "1"],
	["--comparison-operator", "GreaterThanOrEqualToThreshold"],
	["--evaluation-periods", "1"],
	["--treat-missing-data", "notBreaching"],
	array.concat(["--alarm-actions"], topic_arns),
])

# notify(group, name, metric) creates an alarm on a filter's metric that
# fires on one event and notifies a topic someone is told through.
notify(group, name, metric) := array.concat(planned.steps, [put_alarm(group, name, metric, [planned.arn])]) if {
	planned := topics.plan(group.account, group.region)
}

# refire(group, alarm, filter, metric) is the fix for an alarm that cannot
# fire on one event: publish 1 per event when the filter's value is the
# cause, else replace the alarm with one that fires on one event, keeping
# its topics.
refire(group, alarm, filter, metric) := [core.replaces(put_filter(group, filter.filterName, object.union(metric, {"metricValue": "1"}), filter.filterPattern), filter.filterName)] if {
	not alarms.fires_with_one(alarm, metric)
	alarms.fires_with_one(alarm, object.union(metric, {"metricValue": "1"}))
	not alarms.fires(alarm, filter, metric)
} else := [core.replaces(put_alarm(group, alarm.AlarmName, metric, actions), alarm.AlarmName)] if {
	actions := alarms.sns_actions(alarm)
	count(actions) > 0
} else := notify(group, alarm.AlarmName, metric)

# undimension: the filter publishes one metric, without dimensions, and
# its alarm watches that.
undimension(path, serving) := [
	core.replaces(put_filter(path.group, serving.filter.filterName, serving.metric, serving.filter.filterPattern), serving.filter.filterName),
	core.replaces(put_alarm(path.group, serving.complete[0].alarm.AlarmName, serving.metric, [serving.complete[0].topic.TopicArn]), serving.complete[0].alarm.AlarmName),
]

# alarm_metric(alarm) is the metric an alarm watches, as a filter
# publishes it.
alarm_metric(alarm) := {"metricName": alarm.MetricName, "metricNamespace": alarm.Namespace} if {
	alarm.MetricName
} else := [{"metricName": read.MetricName, "metricNamespace": read.Namespace} |
	some query in alarm.Metrics
	read := query.MetricStat.Metric
][0]
