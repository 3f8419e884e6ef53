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
import data.lib.sns

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

# watching(ref, mt) are the alarms on a filter's metric, found through an
# index of the region's alarms by the names of the metrics they read.
watching(ref, mt) := [a |
	some j in object.get(by_metric_name(ref.account, ref.region), mt.metricName, [])
	a := region_alarms(ref)[j]
	watches(a, mt)
]

# by_metric_name(account, region) indexes a region's alarms (their
# positions) by the names of the metrics they read, in linear time
# (lib.group).
by_metric_name(account_id, region) := lib.group([[name, j] |
	some j, a in object.get(lib.region(account_id, region), "metric_alarms", [])
	some name in read_names(a)
])

read_names(a) := {a.MetricName} if {
	a.MetricName
} else := {q.MetricStat.Metric.MetricName | some q in object.get(a, "Metrics", [])}

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

# put_alarm(ref, name, mt, topics) creates (or replaces) an alarm on a
# filter's metric that fires on one event, as the benchmark's remediation
# does, and says how to treat the periods without an event: not breaching,
# as AWS advises for a metric published only when something happens (the
# alarm rests in OK and each event is a change of state). PutMetricAlarm
# replaces the whole alarm, so a unit or dimension that kept it blind goes.
put_alarm(ref, name, mt, topics) := sprintf("aws cloudwatch put-metric-alarm --region %s --alarm-name %s --metric-name %s --namespace %s --statistic Sum --period 300 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 --treat-missing-data notBreaching --alarm-actions %s", [lib.sh(ref.region), lib.sh(name), lib.sh(mt.metricName), lib.sh(mt.metricNamespace), concat(" ", [lib.sh(t) | some t in topics])])

# notify(ref, name, mt) creates an alarm on a filter's metric that fires
# on one event and notifies a topic someone is told through.
notify(ref, name, mt) := concat("\n", array.concat(topic.steps, [put_alarm(ref, name, mt, [topic.arn])])) if {
	topic := sns.plan(ref.account, ref.region)
}

# refire(ref, a, f, mt) is the fix for an alarm that cannot fire on one
# event: publish 1 per event when the filter's value is the cause, else
# replace the alarm with one that fires on one event, keeping its topics.
refire(ref, a, f, mt) := sprintf("aws logs put-metric-filter --region %s --log-group-name %s --filter-name %s --metric-transformations %s --filter-pattern %s", [lib.sh(ref.region), lib.sh(ref.name), lib.sh(f.filterName), lib.sh(sprintf("metricName=%s,metricNamespace=%s,metricValue=1", [mt.metricName, mt.metricNamespace])), lib.sh(f.filterPattern)]) if {
	not fires_with_one(a, mt)
	fires_with_one(a, object.union(mt, {"metricValue": "1"}))
	not fires(a, f, mt)
} else := put_alarm(ref, a.AlarmName, mt, actions) if {
	actions := sns_actions(a)
	count(actions) > 0
} else := notify(ref, a.AlarmName, mt)

fires_with_one(a, mt) if {
	w := view(a, mt)
	breaches(w.op, one_event(w.stat, metric_value(mt)), w.threshold)
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

# silent(a, f, mt) says why one event matching filter f does not make
# alarm a fire, or is undefined when it does.
silent(a, f, mt) := sprintf("filter %s publishes %q for each event, not a number; trailwatch cannot tell that one event raises the metric (publish 1)", [f.filterName, mt.metricValue]) if {
	not metric_value(mt)
} else := sprintf("alarm %s compares with an anomaly-detection band (%s), which one event need not cross", [a.AlarmName, a.ComparisonOperator]) if {
	not op_text[a.ComparisonOperator]
} else := w.problem if {
	w := view(a, mt)
	w.problem
} else := sprintf("alarm %s fires on %s, which trailwatch does not evaluate; it cannot tell that one event makes it fire", [a.AlarmName, w.stat]) if {
	w := view(a, mt)
	not kind(w.stat)
} else := sprintf("filter %s publishes %v for each event (metricValue %s), so one event makes the %s %v, and alarm %s fires when %s %s %v", [f.filterName, v, mt.metricValue, w.stat, s, a.AlarmName, w.stat, op_text[w.op], w.threshold]) if {
	w := view(a, mt)
	v := metric_value(mt)
	s := one_event(w.stat, v)
	not breaches(w.op, s, w.threshold)
} else := sprintf("filter %s has the default value %v, which it publishes for every other log event: with one event among many, the %s of the period tends to %v, and alarm %s fires when %s %s %v", [f.filterName, mt.defaultValue, w.stat, s, a.AlarmName, w.stat, op_text[w.op], w.threshold]) if {
	w := view(a, mt)
	s := among_defaults(w.stat, metric_value(mt), mt.defaultValue)
	not breaches(w.op, s, w.threshold)
} else := sprintf("alarm %s watches the unit %s, but filter %s publishes its metric %s, so the alarm sees none of its datapoints", [a.AlarmName, unit, f.filterName, published_unit_text(mt)]) if {
	unit := alarm_unit(a, mt)
	unit != published_unit(mt)
} else := sprintf("alarm %s treats missing data as breaching, and filter %s publishes its metric only when an event matches (it has no default value): the alarm is in ALARM whenever nothing happens, and CloudWatch notifies only when the state changes, so an event changes nothing", [a.AlarmName, f.filterName]) if {
	not has_default(mt)
	a.TreatMissingData == "breaching"
} else := sprintf("alarm %s treats missing data as ignore, and filter %s publishes its metric only when an event matches (it has no default value): after the first event the alarm stays in ALARM (missing data keeps the state), and CloudWatch notifies only when the state changes, so the next event notifies nobody", [a.AlarmName, f.filterName]) if {
	not has_default(mt)
	a.TreatMissingData == "ignore"
} else := sprintf("alarm %s needs %d breaching datapoints out of %d, and one event breaches one period%s", [a.AlarmName, needed(a), object.get(a, "EvaluationPeriods", 1), why_periods(a, mt)]) if {
	needed(a) > 1
	not others_breach(a, mt)
}

# fires(a, f, mt): one event matching f makes alarm a fire.
fires(a, f, mt) if not silent(a, f, mt)

metric_value(mt) := to_number(mt.metricValue) if regex.match(`^\s*[-+]?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?\s*$`, mt.metricValue)

op_text := {
	"GreaterThanOrEqualToThreshold": ">=",
	"GreaterThanThreshold": ">",
	"LessThanThreshold": "<",
	"LessThanOrEqualToThreshold": "<=",
}

# view(a, mt) is what the alarm computes from the metric: a statistic, a
# comparison and a threshold; or a problem that stops it.
view(a, mt) := {"stat": stat, "op": a.ComparisonOperator, "threshold": a.Threshold} if {
	a.MetricName
	stat := object.get(a, "Statistic", object.get(a, "ExtendedStatistic", ""))
} else := {"problem": sprintf("alarm %s has no threshold (%s)", [a.AlarmName, object.get(a, "ThresholdMetricId", "a threshold metric")])} if {
	not is_number(object.get(a, "Threshold", null))
} else := {"stat": q.MetricStat.Stat, "op": a.ComparisonOperator, "threshold": a.Threshold} if {
	q := stat_query(a, mt)
	returned(a).Id == q.Id
} else := {"stat": q.MetricStat.Stat, "op": a.ComparisonOperator, "threshold": a.Threshold} if {
	q := stat_query(a, mt)
	fills(returned(a).Expression, q.Id)
} else := {"problem": sprintf("alarm %s fires on the expression %s, which trailwatch does not evaluate; it cannot tell that one event makes it fire", [a.AlarmName, object.get(returned(a), "Expression", "(none)")])}

stat_query(a, mt) := [q |
	some q in a.Metrics
	m := q.MetricStat.Metric
	m.MetricName == mt.metricName
	m.Namespace == mt.metricNamespace
][0]

returned(a) := [q |
	some q in a.Metrics
	object.get(q, "ReturnData", true) == true
][0]

# fills(e, id): e is FILL(id, value), which leaves the periods that have
# data as they are.
fills(e, id) if regex.match(sprintf(`^\s*FILL\(\s*%s\s*,\s*[^)]*\)\s*$`, [id]), e)

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

one_event(stat, v) := v if kind(stat) != "count"

# among_defaults(stat, v, d) is the statistic of a period holding v and a
# great many d: "+inf" and "-inf" for sums and counts that grow without
# bound.
among_defaults(stat, _, _) := "+inf" if kind(stat) == "count"

among_defaults(stat, v, d) := v if {
	kind(stat) == "sum"
	d == 0
}

among_defaults(stat, _, d) := "+inf" if {
	kind(stat) == "sum"
	d > 0
}

among_defaults(stat, _, d) := "-inf" if {
	kind(stat) == "sum"
	d < 0
}

among_defaults(stat, _, d) := d if kind(stat) == "mean"

among_defaults(stat, v, d) := min([v, d]) if kind(stat) == "min"

among_defaults(stat, v, d) := max([v, d]) if kind(stat) == "max"

breaches("GreaterThanOrEqualToThreshold", s, t) if {
	is_number(s)
	s >= t
}

breaches("GreaterThanThreshold", s, t) if {
	is_number(s)
	s > t
}

breaches("LessThanThreshold", s, t) if {
	is_number(s)
	s < t
}

breaches("LessThanOrEqualToThreshold", s, t) if {
	is_number(s)
	s <= t
}

breaches(op, "+inf", _) if op in {"GreaterThanOrEqualToThreshold", "GreaterThanThreshold"}

breaches(op, "-inf", _) if op in {"LessThanThreshold", "LessThanOrEqualToThreshold"}

has_default(mt) if is_number(mt.defaultValue)

why_periods(a, mt) := sprintf(" (filter publishes its default value, %v, between events, and that does not breach)", [mt.defaultValue]) if {
	has_default(mt)
} else := sprintf(" (it treats missing data as %s, so the periods without an event count as not breaching)", [a.TreatMissingData])

# The unit a filter publishes its metric with: None unless it says.
published_unit(mt) := object.get(mt, "unit", "None")

published_unit_text(mt) := sprintf("with the unit %s", [mt.unit]) if {
	mt.unit
} else := "without a unit (None)"

# alarm_unit(a, mt) is the unit an alarm asks for; undefined when it asks
# for none (it then sees every unit).
alarm_unit(a, mt) := a.Unit if {
	a.MetricName
	a.Unit != ""
} else := u if {
	not a.MetricName
	u := stat_query(a, mt).MetricStat.Unit
	u != ""
}

# needed(a) is how many breaching datapoints the alarm needs.
needed(a) := object.get(a, "DatapointsToAlarm", object.get(a, "EvaluationPeriods", 1)) if {
	object.get(a, "DatapointsToAlarm", 0) > 0
} else := object.get(a, "EvaluationPeriods", 1)

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
others_breach(a, mt) if {
	not has_default(mt)
	object.get(a, "TreatMissingData", "missing") == "missing"
}

others_breach(a, mt) if {
	w := view(a, mt)
	s := among_defaults(w.stat, mt.defaultValue, mt.defaultValue)
	breaches(w.op, s, w.threshold)
}

# --- dimensions ---
#
# A filter with dimensions publishes one metric per combination of their
# values, each value read from the event (EventName=$.eventName publishes
# EventName=StopLogging for a StopLogging record). An alarm names every
# dimension with one value: it sees the events that carry those values
# and no other.

dimensioned(mt) if count(object.get(mt, "dimensions", {})) > 0

# sees(a, mt, record): the alarm sees the datapoint the record publishes.
# "unknown" when a dimension reads the event in a way trailwatch does not
# follow.
sees(a, mt, record) if {
	every name, expr in object.get(mt, "dimensions", {}) {
		dimension_value(expr, record) == alarm_dimension(a, mt, name)
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

text(v) := v if is_string(v)

else := sprintf("%v", [v])

# followed(mt): every dimension of the filter reads a field trailwatch
# follows.
followed(mt) if {
	every _, expr in object.get(mt, "dimensions", {}) {
		regex.match(`^\$(\.[A-Za-z0-9_@-]+)+$`, expr)
	}
}

alarm_dimension(a, _, name) := d.Value if {
	a.MetricName
	some d in object.get(a, "Dimensions", [])
	d.Name == name
} else := d.Value if {
	some q in object.get(a, "Metrics", [])
	some d in object.get(q.MetricStat.Metric, "Dimensions", [])
	d.Name == name
}

# pinned(a) says which values an alarm watches, for a reason.
pinned(a, mt) := concat(", ", sort([sprintf("%s=%s", [name, alarm_dimension(a, mt, name)]) | some name, _ in mt.dimensions]))

# arn_of(ref, a) is the alarm's ARN: as DescribeAlarms gave it, or built
# from the account and region it was read in.
arn_of(ref, a) := a.AlarmArn if {
	object.get(a, "AlarmArn", "") != ""
} else := sprintf("arn:aws:cloudwatch:%s:%s:alarm:%s", [ref.region, ref.account, a.AlarmName])
