# METADATA
# title: trailwatch library, the monitoring chain
# description: |
#   The chain every CIS monitoring control shares: a trail (lib.cloudtrail)
#   delivers to a log group; a metric filter there catches what the control
#   asks for; an alarm (lib.alarms) watches the filter's metric and
#   notifies a topic (lib.sns) that someone is subscribed to.
#
#   Everything but "does this filter catch the control's records" is the
#   same for every control, so it is computed once per account, in rules
#   (paths); verdict(cs) then judges one control's compiled spec against them.
package lib.monitoring

import data.lib
import data.lib.alarms
import data.lib.cloudtrail
import data.lib.records
import data.lib.sns

# --- the chain as far as it does not depend on the control ---

# paths has one entry per candidate trail: its early and delivery breaks,
# its log group (or why there is none), and each metric filter there with
# each metric it publishes and what lies past it.
paths := [path(c) | some c in cloudtrail.candidates]

path(c) := {"c": c, "early": b} if {
	b := cloudtrail.early_break(c)
} else := {"c": c, "delivery": b} if {
	b := cloudtrail.delivery_break(c)
} else := {"c": c, "log_group": lg_break(c, ref)} if {
	ref := cloudtrail.log_group_ref(c.trail)
	not find_log_group(ref)
} else := {"c": c, "delivery": b} if {
	b := cloudtrail.cloudwatch_delivery_break(c)
} else := {
	"c": c, "ref": ref, "lg": lg,
	"filters": [filter_path(c, ref, f, mt) |
		some f in lg.metricFilters
		some mt in f.metricTransformations
	],
	# What a control asks of the filters, indexed once per path: their
	# distinct patterns; the filters by their names and their metrics'
	# names; those whose pattern AWS would refuse or trailwatch does not
	# judge; the namespace they publish to.
	"patterns": {f.filterPattern | some f in lg.metricFilters},
	"by_name": lib.group(array.concat(
		[[f.filterName, f] | some f in lg.metricFilters],
		[[mt.metricName, f] | some f in lg.metricFilters; some mt in f.metricTransformations; mt.metricName != f.filterName],
	)),
	"broken": [f |
		some f in lg.metricFilters
		concat("", [cwlogs.filter_error(f.filterPattern), cwlogs.filter_unjudged(f.filterPattern)]) != ""
	],
	"namespace": [mt.metricNamespace | some f in lg.metricFilters; some mt in f.metricTransformations],
} if {
	ref := cloudtrail.log_group_ref(c.trail)
	lg := find_log_group(ref)
}

find_log_group(ref) := found[0] if {
	found := [lg |
		some lg in object.get(lib.region(ref.account, ref.region), "log_groups", [])
		lg.logGroupName == ref.name
	]
	count(found) > 0
}

lg_break(c, ref) := lib.brk("log_group", "FAIL", c.trail, sprintf("its log group %s does not exist in account %s, %s", [ref.name, ref.account, ref.region]), sprintf("aws logs create-log-group --region %s --log-group-name %s", [lib.sh(ref.region), lib.sh(ref.name)])) if {
	some e in lib.failures(ref.account, ref.region, "DescribeMetricFilters", ref.name)
	e.error_code == "ResourceNotFoundException"
} else := lib.brk("log_group", "ERROR", c.trail, sprintf("the metric filters of its log group %s could not be read (%s)", [ref.name, lib.describe_failure(fs[0])]), "") if {
	fs := lib.failures(ref.account, ref.region, "DescribeMetricFilters", ref.name)
	count(fs) > 0
} else := lib.brk("log_group", "ERROR", c.trail, sprintf("its log group %s is in account %s, which this snapshot does not hold; collect that account too", [ref.name, ref.account]), "") if {
	not lib.account(ref.account)
} else := lib.brk("log_group", "ERROR", c.trail, sprintf("its log group %s (account %s, %s) was not collected", [ref.name, ref.account, ref.region]), "")

# filter_path(c, ref, f, mt) is one metric a filter publishes, with a
# complete chain past it if there is one, and the breaks of the others.
# What lies past the filter depends on the metric, not on the filter, so it
# is worked out once per metric (outcome), whatever the number of filters
# that publish it: the chain costs time in proportion to trails, filters,
# alarms and topics, not to their product.
filter_path(c, ref, f, mt) := {
	"filter": f,
	"mt": mt,
	"complete": o.chains,
	"breaks": {fill(b, c, f) | some b in o.breaks},
} if {
	o := outcome(ref, mt)
}

# In an outcome, the filter's name and pattern stand as placeholders, for
# fill to put in (in a remediation, as shell words: lib.sh of each).
filter_name := "\u0000filter\u0000"

filter_pattern := "\u0000pattern\u0000"

placeholder_filter := {"filterName": filter_name, "filterPattern": filter_pattern}

fill(b, c, f) := object.union(b, {
	"trail": c.trail.TrailARN,
	"trail_name": c.trail.Name,
	"reason": replace(b.reason, filter_name, f.filterName),
	"remediation": replace(replace(b.remediation, lib.sh(filter_name), lib.sh(f.filterName)), lib.sh(filter_pattern), lib.sh(f.filterPattern)),
})

# outcome(ref, mt) is what lies past a metric a filter publishes: the
# complete chains (an alarm that one event makes fire, its actions
# enabled, notifying a topic that takes its notification and has a
# confirmed subscription that lets it through): the first, or every one
# when the metric has dimensions (each alarm then sees some events only);
# and the breaks that matter: those that got furthest along the chain, and
# those for want of evidence (a few of each; the reasons name the first).
outcome(ref, mt) := {"breaks": [b], "chains": []} if {
	count(alarms.watching(ref, mt)) == 0
	alarms.incomplete(ref)
	b := brk_past("alarm", "ERROR", sprintf("no alarm seen on metric %s of filter %s, and the alarms of %s could not all be read (%s)", [alarms.metric_name(mt), filter_name, ref.region, lib.call_failure(ref.account, ref.region, "DescribeAlarms", "")]), "")
} else := {"breaks": [b], "chains": []} if {
	count(alarms.watching(ref, mt)) == 0
	b := brk_past("alarm", "FAIL", sprintf("no alarm watches metric %s of filter %s%s", [alarms.metric_name(mt), filter_name, alarms.hint(ref, mt)]), alarms.notify(ref, mt.metricName, mt))
} else := {"breaks": representative(all), "chains": chains_of(ref, mt, firing)} if {
	watching := alarms.watching(ref, mt)
	firing := [a | some a in watching; alarms.fires(a, placeholder_filter, mt)]
	all := array.concat(
		[late_break(ref, b) |
			some a in watching
			why := alarms.silent(a, placeholder_filter, mt)
			b := brk_past("alarm", "FAIL", why, alarms.refire(ref, a, placeholder_filter, mt))
		],
		[late_break(ref, b) |
			some a in firing
			some b in alarm_breaks(ref, a)
		],
	)
}

chains_of(ref, mt, firing) := array.slice(all, 0, 1) if {
	not alarms.dimensioned(mt)
	all := complete_chains(ref, firing)
} else := complete_chains(ref, firing)

complete_chains(ref, firing) := [chain |
	some a in firing
	a.ActionsEnabled == true
	alarm_arn := alarms.arn_of(ref, a)
	some arn in alarms.sns_actions(a)
	tp := sns.find(arn)
	not sns.stopped(tp, a, alarm_arn)
	chain := {"alarm": a, "topic": tp, "subscriptions": count(sns.reaching(tp, a, alarm_arn))}
]

# representative(bs) keeps of some breaks those that matter to a verdict:
# the furthest along the chain and those for want of evidence, three of
# each in their sorted order.
representative(bs) := array.concat(
	array.slice(sort([b | some b in bs; b.rank == top]), 0, 3),
	array.slice(sort([b | some b in bs; b.status == "ERROR"; b.rank != top]), 0, 3),
) if {
	top := max({b.rank | some b in bs})
} else := []

brk_past(link, status, reason, remediation) := lib.brk(link, status, {"TrailARN": "", "Name": ""}, reason, remediation)

# alarm_breaks(ref, a) are the breaks past one alarm on the metric.
alarm_breaks(ref, a) := {brk_past("alarm_actions", "FAIL", sprintf("alarm %s has its actions disabled", [a.AlarmName]), sprintf("aws cloudwatch enable-alarm-actions --region %s --alarm-names %s", [lib.sh(ref.region), lib.sh(a.AlarmName)]))} if {
	not a.ActionsEnabled
} else := {brk_past("topic", "FAIL", sprintf("alarm %s notifies no SNS topic", [a.AlarmName]), alarms.notify(ref, a.AlarmName, alarm_metric(a)))} if {
	count(alarms.sns_actions(a)) == 0
} else := {b |
	some arn in alarms.sns_actions(a)
	b := topic_break(ref, a, arn)
}

topic_break(ref, a, arn) := sns.missing(arn, a, {"TrailARN": "", "Name": ""}) if {
	not sns.find(arn)
} else := brk_past(p.link, p.status, p.reason, p.remediation) if {
	tp := sns.find(arn)
	p := sns.stopped(tp, a, alarms.arn_of(ref, a))
}

# late_break: past the alarm, a FAIL needs every alarm of the region to have
# been read; another alarm might complete the chain.
late_break(ref, b) := object.union(b, {
	"status": "ERROR",
	"reason": sprintf("%s, and the alarms of %s could not all be read (%s)", [b.reason, ref.region, lib.call_failure(ref.account, ref.region, "DescribeAlarms", "")]),
}) if {
	alarms.incomplete(ref)
} else := b

# --- one control: spec says what its filter must catch ---
#
# A control's spec is its data.json "monitoring" object (lib.records says
# what it holds). compile(spec, version) turns it into what the chain
# needs:
#   records: [{label, record}]   CloudTrail records the filter must match
#                                (events: the records alone)
#   ignore:  [{label, record}]   records a well-aimed filter leaves alone
#   needs:   [{eventSource, eventName}]  what the trail must record
#   patterns                     the benchmark's own filter patterns
#   name, namespace              names a remediation gives new resources
#   text: {pass, fail, unrecorded}      words for the reason
#
# METADATA
# description: The compiled spec; it depends only on the control's data and
#   the benchmark version, so trailwatch computes it once per run.
# custom:
#   memoize: run
compile(spec, version) := {
	"records": required,
	"events": [r.record | some r in required],
	"ignore": ignored,
	"ignore_events": [r.record | some r in ignored],
	"needs": records.needs(required),
	"routine": records.routine,
	"routine_events": [r.record | some r in records.routine],
	"patterns": records.patterns(spec, version),
	"texts": {regex.replace(b.pattern, `\s+`, "") | some b in spec.benchmark; records.applies(b, version)},
	"security_hub": "",
	"name": spec.name,
	"namespace": object.get(spec, "namespace", "CISBenchmark"),
	"text": spec.text,
} if {
	required := records.required(spec, version)
	ignored := records.ignored(spec, version)
}

# METADATA
# description: |
#   How a filter pattern fares on some events: why AWS would refuse it
#   ("" when it would not), and the indices of the events it does not
#   match. The same patterns recur in every account of an organization,
#   so trailwatch computes each answer once per run.
# custom:
#   memoize: run
judge(pattern, events) := {
	"error": cwlogs.filter_error(pattern),
	"unjudged": cwlogs.filter_unjudged(pattern),
	"misses": cwlogs.filter_misses(pattern, events),
}

# judge_for(pattern, events) judges a pattern against the records as the
# judged account's own. The records carry a placeholder account id
# (lib.records); a pattern without a digit cannot tell one twelve-digit id
# from another, so it is judged once per run on the records as they are,
# and only a pattern with a digit (one scoped to an account by its
# recipientAccountId, say) is judged on the account's own.
judge_for(pattern, events) := judge(pattern, events) if {
	not has_digit(pattern)
} else := judge(pattern, records.for_account(events, input.account_id))

# METADATA
# description: Whether a pattern holds a digit; the same patterns recur in
#   every account, so trailwatch answers once per run.
# custom:
#   memoize: run
has_digit(pattern) := regex.match(`[0-9]`, pattern)

catches(pattern, cs) if {
	j := judge_for(pattern, cs.events)
	j.error == ""
	j.unjudged == ""
	count(j.misses) == 0
}

# unjudged(f, cs): trailwatch does not judge the filter's pattern (AWS may
# accept it): it might catch what the control requires, so a verdict that
# needs it is ERROR.
unjudged(f, cs) if judge_for(f.filterPattern, cs.events).unjudged != ""

# missed(pattern, cs) are the records a pattern misses.
missed(pattern, cs) := [cs.records[i] | some i in judge_for(pattern, cs.events).misses]

# matched_labels(pattern, entries, events) lists the labels of the records
# a pattern matches.
matched_labels(pattern, entries, events) := [entries[i].label |
	j := judge_for(pattern, events)
	j.unjudged == ""
	j.error == ""
	some i, _ in events
	not i in {m | some m in j.misses}
]

# noisy(pattern, cs) lists the records a pattern should leave alone but
# matches.
noisy(pattern, cs) := matched_labels(pattern, cs.ignore, cs.ignore_events)

# routine_matched(pattern, cs) lists the routine calls a pattern matches.
routine_matched(pattern, cs) := matched_labels(pattern, cs.routine, cs.routine_events)

# stuck(pattern, cs): a pattern that matches routine traffic keeps its
# alarm in ALARM most of the time, and one more event changes nothing. It
# serves only the control whose benchmark text it is (4.1 at v1.4.0 to
# v3.0.0 matches nearly every call: it passes that control, noisily), and
# no other.
stuck(pattern, cs) if {
	count(routine_matched(pattern, cs)) > 0
	not literal(pattern, cs)
}

filter_problem(f, cs) := sprintf("trailwatch cannot judge filter %s (%s)", [f.filterName, judge(f.filterPattern, cs.events).unjudged]) if {
	unjudged(f, cs)
} else := sprintf("filter %s does not parse (%s)", [f.filterName, cwlogs.filter_error(f.filterPattern)]) if {
	cwlogs.filter_error(f.filterPattern) != ""
} else := sprintf("filter %s catches what it must, but it also matches routine traffic (%s), so its alarm would be in ALARM most of the time and one more event would change nothing; only this control's own benchmark text may match that much", [f.filterName, concat(", ", routine_matched(f.filterPattern, cs))]) if {
	catches(f.filterPattern, cs)
	stuck(f.filterPattern, cs)
} else := sprintf("filter %s catches what it must, but its pattern is not the benchmark's text, which the strict reading (%s) requires", [f.filterName, strict_reader(cs)]) if {
	catches(f.filterPattern, cs)
	not acceptable(f.filterPattern, cs)
} else := sprintf("filter %s publishes no metric", [f.filterName]) if {
	count(missed(f.filterPattern, cs)) == 0
} else := sprintf("filter %s %s", [f.filterName, describe_misses(missed(f.filterPattern, cs), cs)])

# describe_misses says in words what a filter misses. Records of an event
# crossed with callers are told by event: "misses DeleteTrail" when no
# caller's record is caught, "catches StopLogging only when called by an
# assumed role" when some are; events that fare alike are told together.
describe_misses(miss, cs) := concat("; ", array.concat(array.concat(whole, partial), singles)) if {
	missed_labels := {r.label | some r in miss}
	missed_events := {r.event | some r in miss; r.event}
	events := unique([r.event | some r in cs.records; r.event])
	caught := {e: [r.caller | some r in cs.records; r.event == e; not r.label in missed_labels] | some e in events}
	whole_events := [e | some e in events; e in missed_events; count(caught[e]) == 0]
	whole := [sprintf("misses %s", [concat(", ", whole_events)]) | count(whole_events) > 0]
	partial_events := [e | some e in events; e in missed_events; count(caught[e]) > 0]
	partial := [sprintf("catches %s only when called by %s", [concat(", ", [e | some e in partial_events; caught[e] == g]), concat(" or ", g)]) |
		some g in {caught[e] | some e in partial_events}
	]
	single_labels := [r.label | some r in miss; not r.event]
	singles := [sprintf("misses %s", [concat("; ", single_labels)]) | count(single_labels) > 0]
}

# unique keeps the first of each value, in order.
unique(xs) := [x |
	some i, x in xs
	not seen_earlier(xs, i, x)
]

seen_earlier(xs, i, x) if {
	some j, y in xs
	j < i
	y == x
}

# trail_breaks(p, cs) are the breaks on the path through one trail.
trail_breaks(p, cs) := {p.early} if {
	p.early
} else := {b} if {
	b := cloudtrail.selector_break(p.c, cs.needs)
} else := {p.delivery} if {
	p.delivery
} else := {p.log_group} if {
	p.log_group
} else := filter_break(p, cs) if {
	count(p.patterns & good_patterns(cs)) == 0
} else := {b |
	some fp in catching(p, cs)
	some b in fp.breaks
} | {b |
	some fp in catching(p, cs)
	some b in dimension_breaks(p, fp, cs)
}

catching(p, cs) := [fp |
	some fp in object.get(p, "filters", [])
	fp.filter.filterPattern in good_patterns(cs)
]

# patterns are the distinct patterns of the filters on the trails' log
# groups; good_patterns(cs) those that catch what a control requires (and
# that the strict reading accepts, when it applies): judged once per
# pattern rather than once per path through a filter.
patterns := {fp.filter.filterPattern |
	some p in paths
	some fp in object.get(p, "filters", [])
}

good_patterns(cs) := {pattern |
	some pattern in patterns
	catches(pattern, cs)
	acceptable(pattern, cs)
	not stuck(pattern, cs)
}

# --- the strict reading ---
#
# Security Hub's CloudWatch.1 to .14 "fail if the exact metric filters
# prescribed by CIS are not used. Additional fields or terms cannot be
# added to the metric filters" (its user guide, for every one of them).
# It reads the pattern's text, not what it matches: users report that a
# pattern differing from CIS's only in its parentheses fails (issue 32 of
# aws-quickstart/quickstart-compliance-cis-benchmark), while the guide's
# own patterns differ from CIS's in their spacing. trailwatch's strict
# reading (evaluate --strict) therefore compares the pattern with each of
# the benchmark's texts for the version being applied, whitespace
# removed: quotes, parentheses, order and extra terms count. Without
# --strict, a PASS whose filter is not the benchmark's text says that
# Security Hub would fail it.

strict := object.get(input, "strict", false)

literal(pattern, cs) if regex.replace(pattern, `\s+`, "") in cs.texts

acceptable(pattern, cs) if {
	strict
	literal(pattern, cs)
}

acceptable(_, _) if not strict

filter_break(p, cs) := {lib.brk("metric_filter", "FAIL", p.c.trail, sprintf("its log group %s has no metric filter", [p.ref.name]), filter_fix(p, cs))} if {
	count(p.lg.metricFilters) == 0
} else := {lib.brk("metric_filter", "FAIL", p.c.trail, sprintf("none of the %d metric filters on its log group %s catches anything this control requires", [count(p.lg.metricFilters), p.ref.name]), filter_fix(p, cs))} if {
	count(considered(p, cs)) == 0
} else := {lib.brk("metric_filter", "ERROR", p.c.trail, sprintf("no metric filter on its log group %s is known to catch what this control requires: %s", [p.ref.name, concat("; ", [filter_problem(f, cs) | some f in considered(p, cs)])]), "")} if {
	some f in p.lg.metricFilters
	unjudged(f, cs)
} else := {lib.brk("metric_filter", "FAIL", p.c.trail, sprintf("no metric filter on its log group %s catches what this control requires: %s", [p.ref.name, concat("; ", [filter_problem(f, cs) | some f in considered(p, cs)])]), filter_fix(p, cs))}

# catch_count(pattern, events) is how many of some events a pattern
# catches (0 for one that does not parse, or that trailwatch does not
# judge), as the judged account's own.
catch_count(pattern, events) := count(events) - count(j.misses) if {
	j := judge_for(pattern, events)
	j.error == ""
	j.unjudged == ""
} else := 0

# closest(p, cs) are the filters on the log group that come closest to
# what the control requires: those that catch the most of its records,
# some at least. A reason names them, rather than every filter of every
# other control on the log group.
closest(p, cs) := [f |
	some f in p.lg.metricFilters
	n := counts[f.filterPattern]
	n > 0
	n == best
] if {
	counts := pattern_counts(p.patterns, cs)
	best := max([n | some n in counts])
}

# pattern_counts(patterns, cs) is how many of a control's records each
# pattern catches: log groups with the same filters share the answer.
pattern_counts(patterns, cs) := {pattern: catch_count(pattern, cs.events) | some pattern in patterns}

# considered(p, cs) are the filters a reason names: the control's own (by
# the name its data gives, or that of its metric) or else the closest, and
# those that do not parse (whatever they meant to catch); when none
# catches anything, each of a few filters (a log group with one or two is
# likely this control's attempt), or none of many.
considered(p, cs) := array.concat(named, p.broken) if {
	named := [f |
		some f in object.get(p.by_name, cs.name, [])
		not f in p.broken
	]
	count(named) > 0
} else := named if {
	named := array.concat(closest(p, cs), p.broken)
	count(named) > 0
} else := p.lg.metricFilters if {
	count(p.lg.metricFilters) <= 3
} else := []

# filter_fix(p, cs) is the fix for a log group where no filter catches what
# the control requires, reusing what the account has. The control's own
# filter, broken (one of its name, or the closest if it catches at least
# half of the records), gets the benchmark's pattern and keeps its metric,
# so the alarm on it keeps working (and one is added if there is none).
# Otherwise a new filter publishes a metric of the control's name, in the
# namespace the log group's filters already use, with an alarm that
# notifies a topic someone is told through. A filter that catches less is
# left alone: it may be another control's.
filter_fix(p, cs) := concat("\n", [put_filter(p.ref, f.filterName, mt, cs.patterns[0])]) if {
	f := own(p, cs)
	mt := f.metricTransformations[0]
	some fp in p.filters
	fp.filter.filterName == f.filterName
	count(fp.complete) > 0
} else := concat("\n", [put_filter(p.ref, f.filterName, mt, cs.patterns[0]), alarms.notify(p.ref, mt.metricName, mt)]) if {
	f := own(p, cs)
	mt := f.metricTransformations[0]
} else := concat("\n", [put_filter(p.ref, cs.name, mt, cs.patterns[0]), alarms.notify(p.ref, cs.name, mt)]) if {
	mt := {"metricName": cs.name, "metricNamespace": namespace_in_use(p, cs), "metricValue": "1"}
}

own(p, cs) := mine[0] if {
	mine := [f |
		some f in object.get(p.by_name, cs.name, [])
		count(f.metricTransformations) > 0
	]
	count(mine) > 0
} else := near[0] if {
	near := [f |
		some f in closest(p, cs)
		count(f.metricTransformations) > 0
		not stuck(f.filterPattern, cs)
		catch_count(f.filterPattern, cs.events) * 2 >= count(cs.events)
	]
	count(near) > 0
}

namespace_in_use(p, cs) := p.namespace[0] if {
	count(p.namespace) > 0
} else := cs.namespace

put_filter(ref, name, mt, pattern) := sprintf("aws logs put-metric-filter --region %s --log-group-name %s --filter-name %s --metric-transformations %s --filter-pattern %s", [lib.sh(ref.region), lib.sh(ref.name), lib.sh(name), lib.sh(sprintf("metricName=%s,metricNamespace=%s,metricValue=1", [mt.metricName, mt.metricNamespace])), lib.sh(pattern)])

# alarm_metric(a) is the metric an alarm watches, as a filter publishes it.
alarm_metric(a) := {"metricName": a.MetricName, "metricNamespace": a.Namespace} if {
	a.MetricName
} else := [{"metricName": m.MetricName, "metricNamespace": m.Namespace} |
	some q in a.Metrics
	m := q.MetricStat.Metric
][0]

# complete(cs) are the complete chains, in a stable order. Past a filter
# whose metric has dimensions, every record the control requires must
# reach an alarm that watches its values (alarms.sees).
complete(cs) := [object.union(fp, {"p": p, "chain": chain}) |
	some p in paths
	not p.early
	not cloudtrail.selector_break(p.c, cs.needs)
	count(p.patterns & good_patterns(cs)) > 0
	some fp in p.filters
	fp.filter.filterPattern in good_patterns(cs)
	chain := covering(fp, cs)
]

covering(fp, cs) := fp.complete[0] if {
	not alarms.dimensioned(fp.mt)
	count(fp.complete) > 0
} else := fp.complete[0] if {
	count(fp.complete) > 0
	alarms.followed(fp.mt)
	count(unseen(fp, cs)) == 0
}

# unseen(fp, cs) are the records of a control no complete chain past a
# filter with dimensions sees.
unseen(fp, cs) := [r |
	some r in cs.records
	not seen(fp, r.record)
]

seen(fp, record) if {
	some chain in fp.complete
	alarms.sees(chain.alarm, fp.mt, record)
}

# dimension_breaks(p, fp, cs) say why the alarms past a filter with
# dimensions miss some of a control's records.
dimension_breaks(p, fp, cs) := {lib.brk("alarm", "ERROR", p.c.trail, sprintf("filter %s publishes metric %s with dimensions %s, which trailwatch cannot follow into the records", [fp.filter.filterName, alarms.metric_name(fp.mt), json.marshal(fp.mt.dimensions)]), "")} if {
	count(fp.complete) > 0
	alarms.dimensioned(fp.mt)
	not alarms.followed(fp.mt)
} else := {lib.brk("alarm", "FAIL", p.c.trail, sprintf("filter %s publishes metric %s with dimensions %s, one metric per value, and its alarms watch only %s: %s", [fp.filter.filterName, alarms.metric_name(fp.mt), json.marshal(fp.mt.dimensions), concat("; ", sort({sprintf("%s (alarm %s)", [alarms.pinned(chain.alarm, fp.mt), chain.alarm.AlarmName]) | some chain in fp.complete})), describe_misses(missing, cs)]), undimension(p, fp))} if {
	count(fp.complete) > 0
	alarms.dimensioned(fp.mt)
	missing := unseen(fp, cs)
	count(missing) > 0
} else := set()

# undimension: the filter publishes one metric, without dimensions, and
# its alarm watches that.
undimension(p, fp) := concat("\n", [
	put_filter(p.ref, fp.filter.filterName, fp.mt, fp.filter.filterPattern),
	alarms.put_alarm(p.ref, fp.complete[0].alarm.AlarmName, fp.mt, [fp.complete[0].topic.TopicArn]),
])

# --- the verdict ---

verdict(cs) := v if {
	chains := complete(cs)
	count(chains) > 0
	v := pass_verdict(chains, cs)
} else := {
	"status": "ERROR",
	"reason": concat("", ["no region of this account was collected, so its trails are unknown", why_uncollected]),
	"evidence": {"failed_calls": lib.failed_calls(input.account_id)},
} if {
	count(lib.judged.regions) == 0
} else := v if {
	v := undecided(cs)
} else := {
	"status": "FAIL",
	"reason": sprintf("no CloudTrail trail exists in this account, so %s", [cs.text.unrecorded]),
	"evidence": {"trails": []},
	"remediation": "aws cloudtrail create-trail --name management-events --s3-bucket-name <bucket> --is-multi-region-trail --cloud-watch-logs-log-group-arn <log-group-arn> --cloud-watch-logs-role-arn <role-arn>; aws cloudtrail start-logging --name management-events; then add the metric filter, alarm and topic",
} if {
	count(paths) == 0
} else := fail_verdict(cs)

# paths_of are the paths by trail ARN (a trail the snapshot records twice
# has two).
paths_of := lib.group([[p.c.trail.TrailARN, p] | some p in paths])

trail_arns := {arn | some arn, _ in paths_of}

# breaks_of(arn, cs) are the breaks of the paths through one trail.
breaks_of(arn, cs) := union({trail_breaks(p, cs) | some p in paths_of[arn]})

# furthest(cs) is, for each trail, the break that got furthest along the
# chain.
furthest(cs) := [sorted[0] |
	some arn in trail_arns
	bs := breaks_of(arn, cs)
	top := max({b.rank | some b in bs})
	sorted := sort([b | some b in bs; b.rank == top])
]

why_uncollected := sprintf(": %s", [concat("; ", [lib.describe_failure(e) | some e in lib.failed_calls(input.account_id)])]) if {
	count(lib.failed_calls(input.account_id)) > 0
} else := ""

failed_listings := [e |
	some e in lib.failed_calls(input.account_id)
	e.operation in {"DescribeTrails", "AssumeRole", "GetCallerIdentity"}
]

trail_phrase(b) := sprintf("trail %s: %s", [b.trail_name, b.reason])

trail_evidence(cs) := [object.remove(b, ["rank"]) | some b in furthest(cs)]

# undecided(cs): a path stopped for want of evidence, and might have been
# complete.
undecided(cs) := {
	"status": "ERROR",
	"reason": sprintf("cannot decide: %s", [concat("; ", array.concat(
		[lib.describe_failure(e) | some e in failed_listings],
		[trail_phrase(b) | some b in errors],
	))]),
	"evidence": {"trails": trail_evidence(cs), "failed_calls": lib.failed_calls(input.account_id)},
} if {
	errors := sort([b |
		some arn in trail_arns
		some b in breaks_of(arn, cs)
		b.status == "ERROR"
	])
	count(failed_listings) + count(errors) > 0
}

fail_verdict(cs) := {
	"status": "FAIL",
	"reason": sprintf("%s: %s", [cs.text.fail, concat("; ", [trail_phrase(b) | some b in reports])]),
	"evidence": {"trails": trail_evidence(cs)},
	"remediation": best.remediation,
} if {
	reports := furthest(cs)
	top := max({b.rank | some b in reports})
	best := [b | some b in reports; b.rank == top][0]
}

pass_verdict(chains, cs) := {
	"status": "PASS",
	"reason": sprintf("%s: trail %s -> log group %s -> filter %s -> metric %s -> alarm %s -> topic %s (confirmed subscriptions that let it through: %d)%s%s%s", [cs.text.pass, c.p.c.trail.Name, c.p.ref.name, c.filter.filterName, alarms.metric_name(c.mt), c.chain.alarm.AlarmName, c.chain.topic.TopicArn, c.chain.subscriptions, noise_note(c.filter, cs), text_note(c.filter, cs), delivery_note(c.p.c.trail)]),
	"evidence": {"chain": evidence_of(c), "complete_chains": count(chains)},
} if {
	c := chains[0]
}

evidence_of(c) := object.union(
	{
		"trail": c.p.c.trail.TrailARN,
		"home_region": c.p.c.trail.HomeRegion,
		"log_group": c.p.ref.arn,
		"metric_filter": c.filter.filterName,
		"filter_pattern": c.filter.filterPattern,
		"metric": alarms.metric_name(c.mt),
		"alarm": c.chain.alarm.AlarmName,
		"alarm_arn": object.get(c.chain.alarm, "AlarmArn", ""),
		"topic": c.chain.topic.TopicArn,
		"confirmed_subscriptions": c.chain.subscriptions,
	},
	topic_key(c.chain.topic),
)

topic_key(tp) := {"topic_kms_key": object.get(tp.Attributes, "KmsMasterKeyId", "")} if {
	object.get(object.get(tp, "Attributes", {}), "KmsMasterKeyId", "") != ""
} else := {}

# delivery_note: CloudTrail reports an error delivering to CloudWatch Logs
# (a role it cannot assume, say) beside a recent delivery. The status keeps
# the latest error, which may be past, so it is a note on a PASS rather
# than a broken link.
delivery_note(trail) := sprintf("; note: CloudTrail reports a CloudWatch Logs delivery error for this trail: %s", [err]) if {
	err := object.get(trail.GetTrailStatus, "LatestCloudWatchLogsDeliveryError", "")
	err != ""
} else := ""

# text_note names Security Hub only for a control it has, and says what
# its reading is: the pattern's text.
text_note(f, cs) := sprintf("; note: filter %s is not the benchmark's text, so %s would fail it", [f.filterName, strict_reader(cs)]) if {
	not literal(f.filterPattern, cs)
} else := ""

strict_reader(cs) := sprintf("evaluate --strict, and Security Hub's %s, which reads the text,", [cs.security_hub]) if {
	cs.security_hub != ""
} else := "evaluate --strict"

noise_note(f, cs) := sprintf("; note: filter %s also matches %s, so its alarm will be noisy", [f.filterName, concat(", ", labels)]) if {
	labels := array.concat(noisy(f.filterPattern, cs), routine_matched(f.filterPattern, cs))
	count(labels) > 0
} else := ""

# result(chain, spec) is a control's result for input.account_id.
result(chain, spec) := lib.result(chain, verdict(object.union(compile(spec, records.benchmark), {"security_hub": security_hub(chain)})))

# security_hub(chain) is the control's Security Hub id from its METADATA,
# "" when Security Hub has no such control.
security_hub(chain) := ids[0] if {
	ids := [f.id |
		some entry in chain
		entry.annotations.scope == "package"
		some f in object.get(entry.annotations.custom, "frameworks", [])
		f.name == "AWS Security Hub"
	]
	count(ids) > 0
} else := ""

# problems(spec) are what is wrong with a control's data (lib.records).
problems(spec) := records.problems(spec)
