# METADATA
# title: trailwatch library, the monitoring family's verdict
# description: |
#   A monitoring control asks: if one of its events happens today, is a
#   person told? Its data (data.json, "monitoring") says what its filter
#   must catch (lib.monitoring.records); the chain runs through a trail
#   (lib.monitoring.trails) to a log group, a metric filter
#   (lib.monitoring.filters), an alarm (lib.monitoring.alarms) and a topic
#   that takes the notification and tells someone (lib.monitoring.topics).
#
#   PASS needs one complete chain (shown), FAIL needs complete evidence (the
#   reason names, for each trail, the first link that broke, and the
#   remediation the account's own names), and anything else is ERROR.
package lib.monitoring

import data.lib.core
import data.lib.core.trails as core_trails
import data.lib.monitoring.alarms
import data.lib.monitoring.filters
import data.lib.monitoring.links
import data.lib.monitoring.paths
import data.lib.monitoring.records
import data.lib.monitoring.remediation
import data.lib.monitoring.strict
import data.lib.monitoring.trails

# result(chain) is the result of the control whose rule calls it (chain is
# rego.metadata.chain() there), for input.account_id.
result(chain) := core.result(chain, verdict(control(chain)))

# spec(chain) is the control's data: the "monitoring" object of its
# data.json, found by its package path.
spec(chain) := data.controls[path[1]][path[2]].monitoring if {
	path := core.control_path(chain)
}

# control(chain) is the control's data compiled for the version applied,
# with its Security Hub id for the wording.
control(chain) := compiled(spec(chain), records.benchmark, core.framework_id(chain, "security_hub"))

# METADATA
# description: |
#   A control's data compiled for a benchmark version, with its Security
#   Hub id: the same for every account, so trailwatch makes it once per run
#   (and every account's judgement then asks the functions memoized per
#   run about the very same control).
# custom:
#   memoize: run
compiled(spec, version, security_hub) := object.union(
	records.compile(spec, version),
	{"security_hub": security_hub},
)

# problems(chain) are what is wrong with the control's data, and whether
# its METADATA remediation gives the benchmark's pattern: trailwatch
# refuses to load the policies while there are any.
problems(chain) := records.problems(found) | {problem | some problem in records.remediation_problems(found, core.metadata(chain))} if {
	found := spec(chain)
} else := {"data.json has no \"monitoring\" object"}

verdict(control) := found if {
	chains := paths.complete(control)
	count(chains) > 0
	found := pass_verdict(chains, control)
} else := {
	"status": "ERROR",
	"reason": concat("", ["no region of this account was collected, so its trails are unknown", why_uncollected]),
	"evidence": {"failed_calls": core.failed_calls(input.account_id)},
} if {
	count(core.judged.regions) == 0
} else := found if {
	found := undecided(control)
} else := {
	"status": "FAIL",
	"reason": sprintf("no CloudTrail trail exists in this account, so %s", [control.text.unrecorded]),
	"evidence": {"trails": []},
	"remediation": create_trail,
	"fix": [core.manual(create_trail)],
} if {
	count(paths.paths) == 0
} else := fail_verdict(control)

create_trail := "aws cloudtrail create-trail --name management-events --s3-bucket-name <bucket> --is-multi-region-trail --cloud-watch-logs-log-group-arn <log-group-arn> --cloud-watch-logs-role-arn <role-arn>; aws cloudtrail start-logging --name management-events; then add the metric filter, alarm and topic (the bucket is the account's to choose)"

# paths_of are the paths by trail ARN (a trail the snapshot records twice
# has two).
paths_of := core.group([[path.candidate.trail.TrailARN, path] | some path in paths.paths])

trail_arns := {arn | some arn, _ in paths_of}

# breaks_of(arn, control) are the breaks of the paths through one trail.
breaks_of(arn, control) := union({paths.trail_breaks(path, control) | some path in paths_of[arn]})

# furthest(control) is, for each trail, the break that got furthest along
# the chain.
furthest(control) := [sorted[0] |
	some arn in trail_arns
	found := breaks_of(arn, control)
	top := max({link.rank | some link in found})
	sorted := sort([link | some link in found; link.rank == top])
]

why_uncollected := sprintf(": %s", [concat("; ", [core.describe_failure(failure) | some failure in core.failed_calls(input.account_id)])]) if {
	count(core.failed_calls(input.account_id)) > 0
} else := ""

failed_listings := [failure |
	some failure in core.failed_calls(input.account_id)
	failure.operation in {"DescribeTrails", "AssumeRole", "GetCallerIdentity"}
]

trail_phrase(link) := sprintf("trail %s: %s", [link.trail_name, link.reason])

trail_evidence(control) := [object.remove(links.with_remediation(link), ["rank", "fix"]) | some link in furthest(control)]

# undecided(control): a path stopped for want of evidence, and might have
# been complete.
undecided(control) := {
	"status": "ERROR",
	"reason": sprintf("cannot decide: %s", [concat("; ", array.concat(
		[core.describe_failure(failure) | some failure in failed_listings],
		[trail_phrase(link) | some link in errors],
	))]),
	"evidence": {"trails": trail_evidence(control), "failed_calls": core.failed_calls(input.account_id)},
} if {
	errors := sort([link |
		some arn in trail_arns
		some link in breaks_of(arn, control)
		link.status == "ERROR"
	])
	count(failed_listings) + count(errors) > 0
}

fail_verdict(control) := {
	"status": "FAIL",
	"reason": sprintf("%s: %s", [control.text.fail, concat("; ", [trail_phrase(link) | some link in reports])]),
	"evidence": {"trails": trail_evidence(control)},
	"remediation": core.fix_text(fix),
	"fix": fix,
} if {
	reports := furthest(control)
	top := max({link.rank | some link in reports})
	best := [link | some link in reports; link.rank == top][0]
	fix := array.concat(best.fix, onward(best, control))
}

# onward(link, control): where the fix of a trail's broken link gives it a
# log group (a new one, or the missing one its ARN names), the fix goes on
# to put the control's filter and alarm there, so that one run of it
# mends the control.
onward(link, control) := [object.union({"mends": "metric_filter"}, step) | some step in remediation.filter_fix(empty_path(group), control)] if {
	link.link == "log_group"
	trail := paths_of[link.trail][0].candidate.trail
	group := onward_group(trail)
} else := []

onward_group(trail) := trails.log_group_ref(trail) if {
	trail.CloudWatchLogsLogGroupArn
} else := {"account": parsed.account, "region": trail.HomeRegion, "name": core_trails.new_log_group(trail)} if {
	parsed := core.arn(trail.TrailARN)
}

# empty_path(group) is the path to a log group with no metric filters.
empty_path(group) := {"group": group, "record": {"metricFilters": []}, "filters": [], "patterns": set(), "by_name": {}, "broken": [], "namespaces": []}

pass_verdict(chains, control) := {
	"status": "PASS",
	"reason": sprintf("%s: trail %s -> log group %s -> filter %s -> metric %s -> alarm %s -> topic %s (confirmed subscriptions that let it through: %d)%s%s%s", [control.text.pass, found.path.candidate.trail.Name, found.path.group.name, found.filter.filterName, alarms.metric_name(found.metric), found.chain.alarm.AlarmName, found.chain.topic.TopicArn, found.chain.subscriptions, filters.noise_note(found.filter, control), strict.text_note(found.filter, control), trails.delivery_note(found.path.candidate.trail)]),
	"evidence": {"chain": evidence_of(found), "complete_chains": count(chains)},
} if {
	found := chains[0]
}

evidence_of(found) := object.union(
	{
		"trail": found.path.candidate.trail.TrailARN,
		"home_region": found.path.candidate.trail.HomeRegion,
		"log_group": found.path.group.arn,
		"metric_filter": found.filter.filterName,
		"filter_pattern": found.filter.filterPattern,
		"metric": alarms.metric_name(found.metric),
		"alarm": found.chain.alarm.AlarmName,
		"alarm_arn": object.get(found.chain.alarm, "AlarmArn", ""),
		"topic": found.chain.topic.TopicArn,
		"confirmed_subscriptions": found.chain.subscriptions,
	},
	topic_key(found.chain.topic),
)

topic_key(topic) := {"topic_kms_key": topic.Attributes.KmsMasterKeyId} if {
	object.get(object.get(topic, "Attributes", {}), "KmsMasterKeyId", "") != ""
} else := {}
