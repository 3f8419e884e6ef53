# METADATA
# title: trailwatch library, alarm links
# description: |
#   Which CloudWatch alarms watch the metric a metric filter publishes, and
#   whether their actions are enabled. An alarm watches a metric when it
#   reads the same name, namespace and dimensions, as its own metric or as
#   one of the metrics of a metric-math alarm; alarms are looked for in the
#   log group's own account and region, where the filter publishes.
#   Whether one event makes an alarm fire, and whether the alarm can change
#   state at all (its unit, dimensions, missing data), is decided here.
package lib.monitoring.alarms

import data.lib.core

# region_alarms(group) are the alarms of the log group's account and region.
region_alarms(group) := object.get(core.region(group.account, group.region), "metric_alarms", [])

# incomplete(group): DescribeAlarms failed there, so an alarm may be missing.
incomplete(group) if count(core.failures(group.account, group.region, "DescribeAlarms", "")) > 0

watches(alarm, metric) if {
	alarm.MetricName == metric.metricName
	alarm.Namespace == metric.metricNamespace
	same_dimensions(object.get(alarm, "Dimensions", []), object.get(metric, "dimensions", {}))
}

watches(alarm, metric) if {
	some query in object.get(alarm, "Metrics", [])
	read_metric := query.MetricStat.Metric
	read_metric.MetricName == metric.metricName
	read_metric.Namespace == metric.metricNamespace
	same_dimensions(object.get(read_metric, "Dimensions", []), object.get(metric, "dimensions", {}))
}

same_dimensions(alarm_dims, filter_dims) if {
	{dimension.Name | some dimension in alarm_dims} == object.keys(filter_dims)
}

# watching(group, metric) are the alarms on a filter's metric, found through an
# index of the region's alarms by the names of the metrics they read.
watching(group, metric) := [alarm |
	some position in object.get(by_metric_name(group.account, group.region), metric.metricName, [])
	alarm := region_alarms(group)[position]
	watches(alarm, metric)
]

# by_metric_name(account, region) indexes a region's alarms (their
# positions) by the names of the metrics they read, in linear time
# (core.group).
by_metric_name(account_id, region) := core.group([[name, position] |
	some position, alarm in object.get(core.region(account_id, region), "metric_alarms", [])
	some name in read_names(alarm)
])

read_names(alarm) := {alarm.MetricName} if {
	alarm.MetricName
} else := {query.MetricStat.Metric.MetricName | some query in object.get(alarm, "Metrics", [])}

metric_name(metric) := sprintf("%s/%s", [metric.metricNamespace, metric.metricName])

# near_misses: alarms on the same metric name in another namespace.
near_misses(group, metric) := [sprintf("alarm %s watches %s/%s", [alarm.AlarmName, alarm.Namespace, alarm.MetricName]) |
	some alarm in region_alarms(group)
	alarm.MetricName == metric.metricName
	alarm.Namespace != metric.metricNamespace
]

hint(group, metric) := sprintf(" (%s)", [concat("; ", near_misses(group, metric))]) if {
	count(near_misses(group, metric)) > 0
} else := ""

# sns_actions(alarm) are the SNS topics an alarm notifies when it fires.
sns_actions(alarm) := [action |
	some action in alarm.AlarmActions
	core.arn(action).service == "sns"
]

fires_with_one(alarm, metric) if {
	watched := view(alarm, metric)
	breaches(watched.op, one_event(watched.stat, metric_value(metric)), watched.threshold)
}

# --- can the alarm fire on one event? ---
#
# An alarm watches a statistic of its metric over a period and compares it
# with a threshold. One matching event puts the filter's metric value v in
# one period. With a defaultValue d the filter also puts d in that period
# for every log event that does not match, however many those are; so a
# period with the event holds v and any number of d. The alarm is sure to
# fire on one event when the statistic breaches the threshold both with v
# alone and with v among a great many d (the statistics are monotone in
# the number of d, so the two ends decide), and when one breaching
# datapoint is enough (DatapointsToAlarm, or EvaluationPeriods, of 1;
# or missing data treated as breaching).

# silent(alarm, filter, metric) says why one event matching the filter does not make
# the alarm fire, or is undefined when it does.
silent(alarm, filter, metric) := silence(alarm, filter, metric).why

# silence is {"why": reason}, or {} when the alarm fires: an answer is
# remembered for each alarm, an undefined one would be worked out again.
silence(alarm, filter, metric) := {"why": why} if {
	why := why_silent(alarm, filter, metric)
} else := {}

why_silent(alarm, filter, metric) := sprintf("filter %s publishes %q for each event, not a number; trailwatch cannot tell that one event raises the metric (publish 1)", [filter.filterName, metric.metricValue]) if {
	not metric_value(metric)
} else := sprintf("alarm %s compares with an anomaly-detection band (%s), which one event need not cross", [alarm.AlarmName, alarm.ComparisonOperator]) if {
	not op_text[alarm.ComparisonOperator]
} else := watched.problem if {
	watched := view(alarm, metric)
	watched.problem
} else := sprintf("alarm %s fires on %s, which trailwatch does not evaluate; it cannot tell that one event makes it fire", [alarm.AlarmName, watched.stat]) if {
	watched := view(alarm, metric)
	not kind(watched.stat)
} else := sprintf("filter %s publishes %v for each event (metricValue %s), so one event makes the %s %v, and alarm %s fires when %s %s %v", [filter.filterName, value, metric.metricValue, watched.stat, statistic, alarm.AlarmName, watched.stat, op_text[watched.op], watched.threshold]) if {
	watched := view(alarm, metric)
	value := metric_value(metric)
	statistic := one_event(watched.stat, value)
	not breaches(watched.op, statistic, watched.threshold)
} else := sprintf("filter %s has the default value %v, which it publishes for every other log event: with one event among many, the %s of the period tends to %v, and alarm %s fires when %s %s %v", [filter.filterName, metric.defaultValue, watched.stat, statistic, alarm.AlarmName, watched.stat, op_text[watched.op], watched.threshold]) if {
	watched := view(alarm, metric)
	statistic := among_defaults(watched.stat, metric_value(metric), metric.defaultValue)
	not breaches(watched.op, statistic, watched.threshold)
} else := sprintf("alarm %s watches the unit %s, but filter %s publishes its metric %s, so the alarm sees none of its datapoints", [alarm.AlarmName, unit, filter.filterName, published_unit_text(metric)]) if {
	unit := alarm_unit(alarm, metric)
	unit != published_unit(metric)
} else := sprintf("alarm %s treats missing data as breaching, and filter %s publishes its metric only when an event matches (it has no default value): the alarm is in ALARM whenever nothing happens, and CloudWatch notifies only when the state changes, so an event changes nothing", [alarm.AlarmName, filter.filterName]) if {
	not has_default(metric)
	alarm.TreatMissingData == "breaching"
} else := sprintf("alarm %s treats missing data as ignore, and filter %s publishes its metric only when an event matches (it has no default value): after the first event the alarm stays in ALARM (missing data keeps the state), and CloudWatch notifies only when the state changes, so the next event notifies nobody", [alarm.AlarmName, filter.filterName]) if {
	not has_default(metric)
	alarm.TreatMissingData == "ignore"
} else := sprintf("alarm %s needs %d breaching datapoints out of %d, and one event breaches one period%s", [alarm.AlarmName, needed(alarm), object.get(alarm, "EvaluationPeriods", 1), why_periods(alarm, metric)]) if {
	needed(alarm) > 1
	not others_breach(alarm, metric)
}

# fires(alarm, filter, metric): one event matching the filter makes the alarm fire.
fires(alarm, filter, metric) if not silent(alarm, filter, metric)

metric_value(metric) := to_number(metric.metricValue) if regex.match(`^\s*[-+]?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?\s*$`, metric.metricValue)

op_text := {
	"GreaterThanOrEqualToThreshold": ">=",
	"GreaterThanThreshold": ">",
	"LessThanThreshold": "<",
	"LessThanOrEqualToThreshold": "<=",
}

# view(alarm, metric) is what the alarm computes from the metric: a statistic, a
# comparison and a threshold; or a problem that stops it.
view(alarm, metric) := {"stat": stat, "op": alarm.ComparisonOperator, "threshold": alarm.Threshold} if {
	alarm.MetricName
	stat := object.get(alarm, "Statistic", object.get(alarm, "ExtendedStatistic", ""))
} else := {"problem": sprintf("alarm %s has no threshold (%s)", [alarm.AlarmName, object.get(alarm, "ThresholdMetricId", "a threshold metric")])} if {
	not is_number(object.get(alarm, "Threshold", null))
} else := {"stat": query.MetricStat.Stat, "op": alarm.ComparisonOperator, "threshold": alarm.Threshold} if {
	query := stat_query(alarm, metric)
	returned(alarm).Id == query.Id
} else := {"stat": query.MetricStat.Stat, "op": alarm.ComparisonOperator, "threshold": alarm.Threshold} if {
	query := stat_query(alarm, metric)
	fills(returned(alarm).Expression, query.Id)
} else := {"problem": sprintf("alarm %s fires on the expression %s, which trailwatch does not evaluate; it cannot tell that one event makes it fire", [alarm.AlarmName, object.get(returned(alarm), "Expression", "(none)")])}

stat_query(alarm, metric) := [query |
	some query in alarm.Metrics
	read_metric := query.MetricStat.Metric
	read_metric.MetricName == metric.metricName
	read_metric.Namespace == metric.metricNamespace
][0]

returned(alarm) := [query |
	some query in alarm.Metrics
	object.get(query, "ReturnData", true) == true
][0]

# fills(e, id): e is FILL(id, value), which leaves the periods that have
# data as they are.
fills(expression, id) if regex.match(sprintf(`^\s*FILL\(\s*%s\s*,\s*[^)]*\)\s*$`, [id]), expression)

# kind(stat) is how a statistic treats the values of a period.
kind(stat) := "sum" if stat == "Sum"

kind(stat) := "count" if stat == "SampleCount"

kind(stat) := "min" if stat == "Minimum"

kind(stat) := "max" if stat == "Maximum"

kind(stat) := "mean" if stat == "Average"

kind(stat) := "mean" if regex.match(`^(p|tm|wm)[0-9]+(\.[0-9]+)?$|^(TM|WM)\([^)]*\)$|^IQM$`, stat)

kind(stat) := "count" if regex.match(`^tc[0-9]+(\.[0-9]+)?$|^TC\([^)]*\)$`, stat)

kind(stat) := "sum" if regex.match(`^ts[0-9]+(\.[0-9]+)?$|^TS\([^)]*\)$`, stat)

# one_event(stat, v) is the statistic of a period holding the value v alone.
one_event(stat, _) := 1 if kind(stat) == "count"

one_event(stat, value) := value if kind(stat) != "count"

# among_defaults(stat, v, d) is the statistic of a period holding v and a
# great many d: "+inf" and "-inf" for sums and counts that grow without
# bound.
among_defaults(stat, _, _) := "+inf" if kind(stat) == "count"

among_defaults(stat, value, dimension) := value if {
	kind(stat) == "sum"
	dimension == 0
}

among_defaults(stat, _, dimension) := "+inf" if {
	kind(stat) == "sum"
	dimension > 0
}

among_defaults(stat, _, dimension) := "-inf" if {
	kind(stat) == "sum"
	dimension < 0
}

among_defaults(stat, _, dimension) := dimension if kind(stat) == "mean"

among_defaults(stat, value, dimension) := min([value, dimension]) if kind(stat) == "min"

among_defaults(stat, value, dimension) := max([value, dimension]) if kind(stat) == "max"

breaches("GreaterThanOrEqualToThreshold", statistic, threshold) if {
	is_number(statistic)
	statistic >= threshold
}

breaches("GreaterThanThreshold", statistic, threshold) if {
	is_number(statistic)
	statistic > threshold
}

breaches("LessThanThreshold", statistic, threshold) if {
	is_number(statistic)
	statistic < threshold
}

breaches("LessThanOrEqualToThreshold", statistic, threshold) if {
	is_number(statistic)
	statistic <= threshold
}

breaches(op, "+inf", _) if op in {"GreaterThanOrEqualToThreshold", "GreaterThanThreshold"}

breaches(op, "-inf", _) if op in {"LessThanThreshold", "LessThanOrEqualToThreshold"}

has_default(metric) if is_number(metric.defaultValue)

why_periods(alarm, metric) := sprintf(" (filter publishes its default value, %v, between events, and that does not breach)", [metric.defaultValue]) if {
	has_default(metric)
} else := sprintf(" (it treats missing data as %s, so the periods without an event count as not breaching)", [alarm.TreatMissingData])

# The unit a filter publishes its metric with: None unless it says.
published_unit(metric) := object.get(metric, "unit", "None")

published_unit_text(metric) := sprintf("with the unit %s", [metric.unit]) if {
	metric.unit
} else := "without a unit (None)"

# alarm_unit(alarm, metric) is the unit an alarm asks for; undefined when it asks
# for none (it then sees every unit).
alarm_unit(alarm, metric) := alarm.Unit if {
	alarm.MetricName
	alarm.Unit != ""
} else := u if {
	not alarm.MetricName
	u := stat_query(alarm, metric).MetricStat.Unit
	u != ""
}

# needed(alarm) is how many breaching datapoints the alarm needs.
needed(alarm) := object.get(alarm, "DatapointsToAlarm", object.get(alarm, "EvaluationPeriods", 1)) if {
	object.get(alarm, "DatapointsToAlarm", 0) > 0
} else := object.get(alarm, "EvaluationPeriods", 1)

# others_breach: one event is enough though the alarm asks for several
# breaching datapoints. AWS's table in "Configuring how CloudWatch alarms
# treat missing data" (Amazon CloudWatch User Guide, "How alarm state is
# evaluated when data is missing") shows it: with missing data treated as
# missing (the default), an alarm whose evaluation range holds one
# breaching datapoint and otherwise missing data goes to ALARM ("X - - - -"
# gives ALARM for 3 of 3: "the oldest evaluated data point is breaching
# and there aren't any non-breaching data points"). A filter without a
# default value publishes nothing between events, so that is the case of
# one event. Treated as notBreaching, the missing periods count as not
# breaching and one event is not enough (the same tables); treated as
# breaching or ignore, the alarm is stuck in ALARM (silent, above). With a
# default value the filter publishes every period, nothing is missing, and
# the default values must breach on their own.
others_breach(alarm, metric) if {
	not has_default(metric)
	object.get(alarm, "TreatMissingData", "missing") == "missing"
}

others_breach(alarm, metric) if {
	watched := view(alarm, metric)
	statistic := among_defaults(watched.stat, metric.defaultValue, metric.defaultValue)
	breaches(watched.op, statistic, watched.threshold)
}

# --- dimensions ---
#
# A filter with dimensions publishes one metric per combination of their
# values, each value read from the event (EventName=$.eventName publishes
# EventName=StopLogging for a StopLogging record). An alarm names every
# dimension with one value: it sees the events that carry those values
# and no other.

dimensioned(metric) if count(object.get(metric, "dimensions", {})) > 0

# sees(alarm, metric, record): the alarm sees the datapoint the record publishes.
# "unknown" when a dimension reads the event in a way trailwatch does not
# follow.
sees(alarm, metric, record) if {
	every name, expr in object.get(metric, "dimensions", {}) {
		dimension_value(expr, record) == alarm_dimension(alarm, metric, name)
	}
}

# dimension_value(expr, record) is the value a dimension takes for a
# record: $.a.b reads a field of a JSON event; numbers and booleans are
# published as text.
dimension_value(expr, record) := value if {
	regex.match(`^\$(\.[A-Za-z0-9_@-]+)+$`, expr)
	path := split(trim_prefix(expr, "$."), ".")
	raw := object.get(record, path, null)
	raw != null
	value := text(raw)
}

text(value) := value if is_string(value)

else := sprintf("%v", [value])

# followed(metric): every dimension of the filter reads a field trailwatch
# follows.
followed(metric) if {
	every _, expr in object.get(metric, "dimensions", {}) {
		regex.match(`^\$(\.[A-Za-z0-9_@-]+)+$`, expr)
	}
}

alarm_dimension(alarm, _, name) := dimension.Value if {
	alarm.MetricName
	some dimension in object.get(alarm, "Dimensions", [])
	dimension.Name == name
} else := dimension.Value if {
	some query in object.get(alarm, "Metrics", [])
	some dimension in object.get(query.MetricStat.Metric, "Dimensions", [])
	dimension.Name == name
}

# pinned(alarm) says which values an alarm watches, for a reason.
pinned(alarm, metric) := concat(", ", sort([sprintf("%s=%s", [name, alarm_dimension(alarm, metric, name)]) | some name, _ in metric.dimensions]))

# arn_of(group, alarm) is the alarm's ARN: as DescribeAlarms gave it, or built
# from the account and region it was read in.
arn_of(group, alarm) := alarm.AlarmArn if {
	object.get(alarm, "AlarmArn", "") != ""
} else := sprintf("arn:aws:cloudwatch:%s:%s:alarm:%s", [group.region, group.account, alarm.AlarmName])
