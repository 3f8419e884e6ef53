# METADATA
# title: trailwatch library, the paths through a monitoring chain
# description: |
#   One path per trail the judged account sees: its trail's early breaks,
#   its log group (or why there is none), and each metric filter there with
#   each metric it publishes and what lies past it (alarms, topics,
#   subscriptions). Everything but "does this filter catch the control's
#   records" is the same for every control, so it is worked out once per
#   account; what a control adds (which filters catch its records, and the
#   records an alarm pinned to a dimension sees) is worked out per control.
package lib.monitoring.paths

import data.lib.core
import data.lib.monitoring.alarms
import data.lib.monitoring.filters
import data.lib.monitoring.links
import data.lib.monitoring.remediation
import data.lib.monitoring.topics
import data.lib.monitoring.trails

# paths has one entry per candidate trail:
#   {"candidate", "early": link}             links 1 to 3 broken whatever the control
#   {"candidate", "delivery": link}          no log group, or not delivering to it
#   {"candidate", "missing_log_group": link} the log group is not there
#   {"candidate", "group", "record", "filters", ...} the log group, read
paths := [path_of(candidate) | some candidate in trails.candidates]

# path_of(candidate) is the path through a candidate. A trail read from
# another account's record (an organization trail, from its owner's) leads
# through that account's records only, the same in every member's input:
# its path is worked out once per run for all the accounts whose inputs
# hold the same records of other accounts (input.others: the input without
# the judged account, given when those records never name it).
# path_through reads the input only through core.account, the settings and
# when the evidence was read (TestSharedPathsReadNoJudgedAccount), so
# without the judged account it gives what it gives with it.
path_of(candidate) := shared_path(input.others, candidate) if {
	through_others(candidate)
} else := path_through(candidate)

# through_others(candidate): the trail is read from another account's
# record, and the input without the judged account is offered.
through_others(candidate) if {
	candidate.account != input.account_id
	input.others
}

# METADATA
# description: path_through(candidate) in an input of its own.
# custom:
#   memoize: run
shared_path(others, candidate) := path if {
	path := path_through(candidate) with input as others
}

path_through(candidate) := {"candidate": candidate, "early": link} if {
	link := trails.early_break(candidate)
} else := {"candidate": candidate, "delivery": link} if {
	link := trails.delivery_break(candidate)
} else := {"candidate": candidate, "missing_log_group": log_group_break(candidate, group)} if {
	group := trails.log_group_ref(candidate.trail)
	not find_log_group(group)
} else := {"candidate": candidate, "delivery": link} if {
	link := trails.cloudwatch_delivery_break(candidate)
} else := {
	"candidate": candidate,
	"group": group,
	"record": record,
	"filters": [filter_path(candidate, group, filter, metric) |
		some filter in record.metricFilters
		some metric in filter.metricTransformations
	],
	# What a control asks of the filters, indexed once per path: their
	# distinct patterns; the filters by their names and their metrics'
	# names; those whose pattern AWS would refuse or trailwatch does not
	# judge; the namespaces they publish to.
	"patterns": {filter.filterPattern | some filter in record.metricFilters},
	"by_name": core.group(array.concat(
		[[filter.filterName, filter] | some filter in record.metricFilters],
		[[metric.metricName, filter] | some filter in record.metricFilters; some metric in filter.metricTransformations; metric.metricName != filter.filterName],
	)),
	"broken": [filter |
		some filter in record.metricFilters
		concat("", [cwlogs.filter_error(filter.filterPattern), cwlogs.filter_unjudged(filter.filterPattern)]) != ""
	],
	"namespaces": [metric.metricNamespace | some filter in record.metricFilters; some metric in filter.metricTransformations],
} if {
	group := trails.log_group_ref(candidate.trail)
	record := find_log_group(group)
}

find_log_group(group) := found[0] if {
	found := [record |
		some record in object.get(core.region(group.account, group.region), "log_groups", [])
		record.logGroupName == group.name
	]
	count(found) > 0
}

log_group_break(candidate, group) := links.broken("log_group", "FAIL", candidate.trail, sprintf("its log group %s does not exist in account %s, %s", [group.name, group.account, group.region]), [core.creates(core.call("logs", "create-log-group", group.region, [["--log-group-name", group.name]]), "ResourceAlreadyExistsException")]) if {
	some failure in core.failures(group.account, group.region, "DescribeMetricFilters", group.name)
	failure.error_code == "ResourceNotFoundException"
} else := links.broken("log_group", "ERROR", candidate.trail, sprintf("the metric filters of its log group %s could not be read (%s)", [group.name, core.describe_failure(found[0])]), "") if {
	found := core.failures(group.account, group.region, "DescribeMetricFilters", group.name)
	count(found) > 0
} else := links.broken("log_group", "ERROR", candidate.trail, sprintf("its log group %s is in account %s, which this snapshot does not hold; collect that account too", [group.name, group.account]), "") if {
	not core.account(group.account)
} else := links.broken("log_group", "ERROR", candidate.trail, sprintf("its log group %s (account %s, %s) was not collected", [group.name, group.account, group.region]), "")

# --- past a filter: the metric, its alarms, their topics ---

# filter_path(candidate, group, filter, metric) is one metric a filter
# publishes, with the complete chains past it, and the breaks of the
# others. What lies past the filter depends on the metric, not on the
# filter, so it is worked out once per metric (outcome), whatever the
# number of filters that publish it: the chain costs time in proportion to
# trails, filters, alarms and topics, not to their product.
filter_path(candidate, group, filter, metric) := {
	"filter": filter,
	"metric": metric,
	"complete": past.chains,
	"breaks": {fill(link, candidate, filter) | some link in past.breaks},
} if {
	past := outcome(group, metric)
}

# In an outcome, the filter's name and pattern stand as placeholders, for
# fill to put in (in a remediation, as shell words).
filter_name := "\u0000filter\u0000"

filter_pattern := "\u0000pattern\u0000"

placeholder_filter := {"filterName": filter_name, "filterPattern": filter_pattern}

fill(link, candidate, filter) := object.union(link, {
	"trail": candidate.trail.TrailARN,
	"trail_name": candidate.trail.Name,
	"reason": replace(link.reason, filter_name, filter.filterName),
	"fix": fix,
}) if {
	fix := [fill_step(step, filter) | some step in link.fix]
}

fill_step(step, filter) := object.union(step, {
	"args": [[fill_value(value, filter) | some value in arg] | some arg in step.args],
	"replaces": fill_value(step.replaces, filter),
}) if {
	step.replaces
} else := object.union(step, {"args": [[fill_value(value, filter) | some value in arg] | some arg in step.args]}) if {
	step.args
} else := step

fill_value(value, filter) := filter.filterName if {
	value == filter_name
} else := filter.filterPattern if {
	value == filter_pattern
} else := value

# outcome(group, metric) is what lies past a metric a filter publishes: the
# complete chains (an alarm that one event makes fire, its actions
# enabled, notifying a topic that takes its notification and has a
# confirmed subscription that lets it through): the first, or every one
# when the metric has dimensions (each alarm then sees some events only);
# and the breaks that matter: those that got furthest along the chain, and
# those for want of evidence (a few of each; the reasons name the first).
outcome(group, metric) := {"breaks": [link], "chains": []} if {
	count(alarms.watching(group, metric)) == 0
	alarms.incomplete(group)
	link := links.past("alarm", "ERROR", sprintf("no alarm seen on metric %s of filter %s, and the alarms of %s could not all be read (%s)", [alarms.metric_name(metric), filter_name, group.region, core.call_failure(group.account, group.region, "DescribeAlarms", "")]), "")
} else := {"breaks": [link], "chains": []} if {
	count(alarms.watching(group, metric)) == 0
	link := links.past("alarm", "FAIL", sprintf("no alarm watches metric %s of filter %s%s", [alarms.metric_name(metric), filter_name, alarms.hint(group, metric)]), remediation.notify(group, metric.metricName, metric))
} else := {"breaks": links.representative(found), "chains": chains_of(group, metric, firing)} if {
	watching := alarms.watching(group, metric)
	firing := [alarm | some alarm in watching; alarms.fires(alarm, placeholder_filter, metric)]
	found := array.concat(
		[late_break(group, link) |
			some alarm in watching
			why := alarms.silent(alarm, placeholder_filter, metric)
			link := links.past("alarm", "FAIL", why, remediation.refire(group, alarm, placeholder_filter, metric))
		],
		[late_break(group, link) |
			some alarm in firing
			some link in alarm_breaks(group, alarm)
		],
	)
}

chains_of(group, metric, firing) := array.slice(found, 0, 1) if {
	not alarms.dimensioned(metric)
	found := complete_chains(group, firing)
} else := complete_chains(group, firing)

complete_chains(group, firing) := [chain |
	some alarm in firing
	alarm.ActionsEnabled == true
	alarm_arn := alarms.arn_of(group, alarm)
	some arn in alarms.sns_actions(alarm)
	topic := topics.find(arn)
	not topics.stopped(topic, alarm, alarm_arn)
	chain := {"alarm": alarm, "topic": topic, "subscriptions": count(topics.reaching(topic, alarm, alarm_arn))}
]

# alarm_breaks(group, alarm) are the breaks past one alarm on the metric.
alarm_breaks(group, alarm) := {links.past("alarm_actions", "FAIL", sprintf("alarm %s has its actions disabled", [alarm.AlarmName]), [core.call("cloudwatch", "enable-alarm-actions", group.region, [["--alarm-names", alarm.AlarmName]])])} if {
	not alarm.ActionsEnabled
} else := {links.past("topic", "FAIL", sprintf("alarm %s notifies no SNS topic", [alarm.AlarmName]), remediation.notify(group, alarm.AlarmName, remediation.alarm_metric(alarm)))} if {
	count(alarms.sns_actions(alarm)) == 0
} else := {link |
	some arn in alarms.sns_actions(alarm)
	link := topic_break(group, alarm, arn)
}

topic_break(group, alarm, arn) := topics.missing(arn, alarm, {"TrailARN": "", "Name": ""}) if {
	not topics.find(arn)
} else := links.past(problem.link, problem.status, problem.reason, problem.fix) if {
	topic := topics.find(arn)
	problem := topics.stopped(topic, alarm, alarms.arn_of(group, alarm))
}

# late_break: past the alarm, a FAIL needs every alarm of the region to have
# been read; another alarm might complete the chain.
late_break(group, link) := object.union(link, {
	"status": "ERROR",
	"reason": sprintf("%s, and the alarms of %s could not all be read (%s)", [link.reason, group.region, core.call_failure(group.account, group.region, "DescribeAlarms", "")]),
}) if {
	alarms.incomplete(group)
} else := link

# --- one control's paths ---

# trail_breaks(path, control) are the breaks on the path through one trail.
trail_breaks(path, control) := {path.early} if {
	path.early
} else := {link} if {
	link := trails.selector_break(path.candidate, control.needs)
} else := {path.delivery} if {
	path.delivery
} else := {path.missing_log_group} if {
	path.missing_log_group
} else := filter_break_of(path, control) if {
	count(path.patterns & good_patterns(control)) == 0
} else := {link |
	some serving in catching(path, control)
	some link in serving.breaks
} | {link |
	some serving in catching(path, control)
	some link in dimension_breaks(path, serving, control)
}

catching(path, control) := [serving |
	good := good_patterns(control)
	some serving in object.get(path, "filters", [])
	serving.filter.filterPattern in good
]

# patterns are the distinct patterns of the filters on the trails' log
# groups; good_patterns(control) those that serve a control: judged once
# per pattern rather than once per path through a filter.
patterns := {serving.filter.filterPattern |
	some path in paths
	some serving in object.get(path, "filters", [])
}

good_patterns(control) := filters.good_among(patterns, control)

# filter_break_of(path, control) is filter_break(path, control). On a path
# through other accounts' records (an organization trail's), where none of
# the log group's patterns could tell one account from another in the
# control's records, it is worked out once per run in the input without
# the judged account, like the path itself (path_of): filter_break reads
# the input only through core.account, the strict reading, and
# filters.scope, which reads the judged account's id only for a pattern
# that could tell accounts apart (TestSharedPathsReadNoJudgedAccount).
filter_break_of(path, control) := shared_filter_break(input.others, path, control) if {
	through_others(path.candidate)
	not filters.any_reads_account(path.patterns, control)
} else := filter_break(path, control)

# METADATA
# description: filter_break(path, control) in an input of its own.
# custom:
#   memoize: run
shared_filter_break(others, path, control) := found if {
	found := filter_break(path, control) with input as others
}

filter_break(path, control) := {links.broken("metric_filter", "FAIL", path.candidate.trail, sprintf("its log group %s has no metric filter", [path.group.name]), remediation.filter_fix(path, control))} if {
	count(path.record.metricFilters) == 0
} else := {links.broken("metric_filter", "FAIL", path.candidate.trail, sprintf("none of the %d metric filters on its log group %s catches anything this control requires", [count(path.record.metricFilters), path.group.name]), remediation.filter_fix(path, control))} if {
	count(filters.considered(path, control)) == 0
} else := {links.broken("metric_filter", "ERROR", path.candidate.trail, sprintf("no metric filter on its log group %s is known to catch what this control requires: %s", [path.group.name, concat("; ", [filters.problem(filter, control) | some filter in filters.considered(path, control)])]), "")} if {
	some filter in path.record.metricFilters
	filters.unjudged(filter, control)
} else := {links.broken("metric_filter", "FAIL", path.candidate.trail, sprintf("no metric filter on its log group %s catches what this control requires: %s", [path.group.name, concat("; ", [filters.problem(filter, control) | some filter in filters.considered(path, control)])]), remediation.filter_fix(path, control))}

# complete(control) are the complete chains, in a stable order. Past a
# filter whose metric has dimensions, every record the control requires
# must reach an alarm that watches its values (alarms.sees).
complete(control) := [object.union(serving, {"path": path, "chain": chain}) |
	good := good_patterns(control)
	some path in paths
	not path.early
	not trails.selector_break(path.candidate, control.needs)
	count(path.patterns & good) > 0
	some serving in path.filters
	serving.filter.filterPattern in good
	chain := covering(serving, control)
]

covering(serving, control) := serving.complete[0] if {
	not alarms.dimensioned(serving.metric)
	count(serving.complete) > 0
} else := serving.complete[0] if {
	count(serving.complete) > 0
	alarms.followed(serving.metric)
	count(unseen(serving, control)) == 0
}

# unseen(serving, control) are the records of a control no complete chain
# past a filter with dimensions sees.
unseen(serving, control) := [entry |
	some entry in control.records
	not seen(serving, entry.record)
]

seen(serving, record) if {
	some chain in serving.complete
	alarms.sees(chain.alarm, serving.metric, record)
}

# dimension_breaks(path, serving, control) say why the alarms past a
# filter with dimensions miss some of a control's records.
dimension_breaks(path, serving, control) := {links.broken("alarm", "ERROR", path.candidate.trail, sprintf("filter %s publishes metric %s with dimensions %s, which trailwatch cannot follow into the records", [serving.filter.filterName, alarms.metric_name(serving.metric), json.marshal(serving.metric.dimensions)]), "")} if {
	count(serving.complete) > 0
	alarms.dimensioned(serving.metric)
	not alarms.followed(serving.metric)
} else := {links.broken("alarm", "FAIL", path.candidate.trail, sprintf("filter %s publishes metric %s with dimensions %s, one metric per value, and its alarms watch only %s: %s", [serving.filter.filterName, alarms.metric_name(serving.metric), json.marshal(serving.metric.dimensions), concat("; ", sort({sprintf("%s (alarm %s)", [alarms.pinned(chain.alarm, serving.metric), chain.alarm.AlarmName]) | some chain in serving.complete})), filters.describe_misses(missing, control)]), remediation.undimension(path, serving))} if {
	count(serving.complete) > 0
	alarms.dimensioned(serving.metric)
	missing := unseen(serving, control)
	count(missing) > 0
} else := set()
