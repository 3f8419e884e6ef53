# METADATA
# title: CloudTrail configuration changes reach a human
# description: |
#   If someone creates, changes, deletes, starts or stops a CloudTrail trail,
#   someone is told. A multi-region trail that is logging management events
#   (read and write) delivers to a CloudWatch Logs log group in its own
#   account and region; a metric filter on that log group catches
#   CreateTrail, UpdateTrail, DeleteTrail, StartLogging and StopLogging; an
#   alarm on the filter's metric (name and namespace) has its actions enabled
#   and notifies an SNS topic with at least one confirmed subscription.
#   The filter is judged by what it matches, not by how it is written.
# related_resources:
#   - ref: https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html#cloudwatch-5
#     description: AWS Security Hub CloudWatch.5
# custom:
#   id: cloudtrail-config-changes
#   severity: medium
#   frameworks:
#     - name: CIS AWS Foundations Benchmark
#       versions: [v1.2.0]
#       id: "3.5"
#     - name: CIS AWS Foundations Benchmark
#       versions: [v1.4.0, v1.5.0, v2.0.0, v3.0.0, v4.0.0, v4.0.1, v5.0.0]
#       id: "4.5"
#     - name: CIS AWS Foundations Benchmark
#       versions: [v6.0.0, v7.0.0]
#       id: "5.5"
#     - name: AWS Security Hub
#       id: CloudWatch.5
#   remediation: |
#     Make one multi-region trail log management events (read and write) to a
#     CloudWatch Logs log group, then on that log group:
#       aws logs put-metric-filter --log-group-name <log-group> --filter-name cloudtrail-config-changes \
#         --metric-transformations metricName=CloudTrailConfigChanges,metricNamespace=CISBenchmark,metricValue=1 \
#         --filter-pattern '{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }'
#       aws sns create-topic --name <topic>
#       aws sns subscribe --topic-arn <topic-arn> --protocol email --notification-endpoint <address>
#       aws cloudwatch put-metric-alarm --alarm-name cloudtrail-config-changes --metric-name CloudTrailConfigChanges \
#         --namespace CISBenchmark --statistic Sum --period 300 --threshold 1 \
#         --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 --alarm-actions <topic-arn>
#     and confirm the subscription.
package controls.cloudtrail_config_changes

import data.lib

# The events a filter must catch, a realistic CloudTrail record to build
# samples from, and unrelated events that a well-aimed filter leaves alone,
# all in data.json beside this file, where an auditor can change them.
settings := data.controls.cloudtrail_config_changes.events

# sample(name) is a CloudTrail record of the call name, as CloudTrail
# delivers it to CloudWatch Logs.
sample(name) := object.union(settings.sample_record, {
	"eventName": name,
	"requestParameters": object.get(settings.request_parameters, name, settings.sample_record.requestParameters),
})

unrelated_samples := [object.union(settings.sample_record, u) | some u in settings.unrelated]

# missed(pattern) lists the required events a pattern does not match.
missed(pattern) := [name |
	some name in settings.required
	not cwlogs.filter_matches(pattern, sample(name))
]

catches(pattern) if {
	cwlogs.filter_error(pattern) == ""
	count(missed(pattern)) == 0
}

# noisy(pattern) lists unrelated events a pattern also matches.
noisy(pattern) := [u.eventName |
	some u in unrelated_samples
	cwlogs.filter_matches(pattern, u)
]

benchmark_pattern := sprintf("{ %s }", [concat(" || ", [sprintf("($.eventName = %s)", [name]) | some name in settings.required])])

# Each candidate is a trail the account sees, with the account whose record
# of it is used: an organization trail is read from its owner's record when
# the snapshot holds the owner account.
candidates := [c |
	some r in lib.judged.regions
	some t in r.trails
	c := candidate(t)
]

candidate(t) := {"trail": owned, "account": owner} if {
	owner := lib.arn(t.TrailARN).account
	owner != input.account_id
	some r in lib.account(owner).regions
	some owned in r.trails
	owned.TrailARN == t.TrailARN
} else := {"trail": t, "account": input.account_id}

# The links of the chain, in order. A break records the furthest link a
# path through a trail reached.
rank := {
	"multi_region": 1,
	"logging": 2,
	"management_events": 3,
	"log_group": 4,
	"metric_filter": 5,
	"alarm": 6,
	"alarm_actions": 7,
	"topic": 8,
	"subscription": 9,
}

brk(link, status, trail, reason, remediation) := {
	"rank": rank[link],
	"link": link,
	"status": status,
	"trail": trail.TrailARN,
	"trail_name": trail.Name,
	"reason": reason,
	"remediation": remediation,
}

# --- links 1 to 3 and the log group ARN: the trail itself ---

trail_break(c) := brk("multi_region", "FAIL", c.trail, "it is not multi-region", sprintf("aws cloudtrail update-trail --region %s --name %s --is-multi-region-trail", [c.trail.HomeRegion, c.trail.Name])) if {
	not c.trail.IsMultiRegionTrail
} else := brk("logging", "ERROR", c.trail, sprintf("its status was not collected (%s)", [call_failure(c.account, c.trail.HomeRegion, "GetTrailStatus", c.trail.TrailARN)]), "") if {
	not c.trail.GetTrailStatus
} else := brk("logging", "FAIL", c.trail, "logging is stopped", sprintf("aws cloudtrail start-logging --region %s --name %s", [c.trail.HomeRegion, c.trail.Name])) if {
	not c.trail.GetTrailStatus.IsLogging
} else := brk("management_events", "ERROR", c.trail, sprintf("its event selectors were not collected (%s)", [call_failure(c.account, c.trail.HomeRegion, "GetEventSelectors", c.trail.TrailARN)]), "") if {
	not c.trail.GetEventSelectors
} else := brk("management_events", "FAIL", c.trail, "it does not record management events, read and write", sprintf(`aws cloudtrail put-event-selectors --region %s --trail-name %s --event-selectors '[{"ReadWriteType":"All","IncludeManagementEvents":true}]'`, [c.trail.HomeRegion, c.trail.Name])) if {
	not records_management_events(c.trail)
} else := brk("log_group", "FAIL", c.trail, "it delivers to no CloudWatch Logs log group", attach_log_group(c.trail)) if {
	not c.trail.CloudWatchLogsLogGroupArn
} else := brk("log_group", "FAIL", c.trail, sprintf("its CloudWatchLogsLogGroupArn %q is not a log group ARN", [c.trail.CloudWatchLogsLogGroupArn]), attach_log_group(c.trail)) if {
	not log_group_ref(c.trail)
}

attach_log_group(t) := sprintf("aws cloudtrail update-trail --region %s --name %s --cloud-watch-logs-log-group-arn <log-group-arn> --cloud-watch-logs-role-arn <role-arn>", [t.HomeRegion, t.Name])

# call_failure says why a call's answer is missing.
call_failure(account_id, region, operation, resource) := lib.describe_failure(fs[0]) if {
	fs := lib.failures(account_id, region, operation, resource)
	count(fs) > 0
} else := sprintf("no %s answer in the snapshot", [operation])

# Basic selectors: one that includes management events, read and write,
# and does not exclude CloudTrail's own.
records_management_events(t) if {
	some s in object.get(t.GetEventSelectors, "EventSelectors", [])
	s.IncludeManagementEvents == true
	s.ReadWriteType == "All"
	not "cloudtrail.amazonaws.com" in object.get(s, "ExcludeManagementEventSources", [])
}

# Advanced selectors: one that selects the Management category without
# restricting readOnly, and whose eventSource and eventName conditions let
# the required events through.
records_management_events(t) if {
	some s in object.get(t.GetEventSelectors, "AdvancedEventSelectors", [])
	some f in s.FieldSelectors
	f.Field == "eventCategory"
	"Management" in object.get(f, "Equals", [])
	not restricts(s, "readOnly")
	admits(s, "eventSource", "cloudtrail.amazonaws.com")
	every name in settings.required {
		admits(s, "eventName", name)
	}
}

restricts(s, field) if {
	some f in s.FieldSelectors
	f.Field == field
}

admits(s, field, value) if {
	every f in s.FieldSelectors {
		not rejected_by(f, field, value)
	}
}

rejected_by(f, field, value) if {
	f.Field == field
	rejects(f, value)
}

rejects(f, v) if {
	count(object.get(f, "Equals", [])) > 0
	not v in f.Equals
}

rejects(f, v) if v in object.get(f, "NotEquals", [])

rejects(f, v) if {
	count(object.get(f, "StartsWith", [])) > 0
	not any_prefix(v, f.StartsWith)
}

rejects(f, v) if any_prefix(v, object.get(f, "NotStartsWith", []))

rejects(f, v) if {
	count(object.get(f, "EndsWith", [])) > 0
	not any_suffix(v, f.EndsWith)
}

rejects(f, v) if any_suffix(v, object.get(f, "NotEndsWith", []))

any_prefix(v, ps) if {
	some p in ps
	startswith(v, p)
}

any_suffix(v, ss) if {
	some s in ss
	endswith(v, s)
}

# log_group_ref reads the log group out of the trail's
# CloudWatchLogsLogGroupArn (arn:aws:logs:REGION:ACCOUNT:log-group:NAME:*):
# the filter must be on that log group, in that account and region.
log_group_ref(t) := {"arn": t.CloudWatchLogsLogGroupArn, "account": a.account, "region": a.region, "name": parts[1]} if {
	a := lib.arn(t.CloudWatchLogsLogGroupArn)
	a.service == "logs"
	parts := split(a.resource, ":")
	parts[0] == "log-group"
}

trails_ok := [c |
	some c in candidates
	not trail_break(c)
]

# --- the log group ---

find_log_group(ref) := found[0] if {
	found := [lg |
		some lg in object.get(lib.region(ref.account, ref.region), "log_groups", [])
		lg.logGroupName == ref.name
	]
	count(found) > 0
}

lg_paths := [{"c": c, "ref": ref, "lg": lg} |
	some c in trails_ok
	ref := log_group_ref(c.trail)
	lg := find_log_group(ref)
]

log_group_break(c, ref) := brk("log_group", "FAIL", c.trail, sprintf("its log group %s does not exist in account %s, %s", [ref.name, ref.account, ref.region]), sprintf("aws logs create-log-group --region %s --log-group-name %s", [ref.region, ref.name])) if {
	some e in lib.failures(ref.account, ref.region, "DescribeMetricFilters", ref.name)
	e.error_code == "ResourceNotFoundException"
} else := brk("log_group", "ERROR", c.trail, sprintf("the metric filters of its log group %s could not be read (%s)", [ref.name, lib.describe_failure(fs[0])]), "") if {
	fs := lib.failures(ref.account, ref.region, "DescribeMetricFilters", ref.name)
	count(fs) > 0
} else := brk("log_group", "ERROR", c.trail, sprintf("its log group %s is in account %s, which this snapshot does not hold; collect that account too", [ref.name, ref.account]), "") if {
	not lib.account(ref.account)
} else := brk("log_group", "ERROR", c.trail, sprintf("its log group %s (account %s, %s) was not collected", [ref.name, ref.account, ref.region]), "")

# --- the metric filter ---

filter_paths := [object.union(p, {"filter": f, "mt": mt}) |
	some p in lg_paths
	some f in p.lg.metricFilters
	catches(f.filterPattern)
	some mt in f.metricTransformations
]

filter_problem(f) := sprintf("filter %s does not parse (%s)", [f.filterName, cwlogs.filter_error(f.filterPattern)]) if {
	cwlogs.filter_error(f.filterPattern) != ""
} else := sprintf("filter %s misses %s", [f.filterName, concat(", ", missed(f.filterPattern))])

filter_break(p) := brk("metric_filter", "FAIL", p.c.trail, sprintf("its log group %s has no metric filter", [p.ref.name]), put_filter(p)) if {
	count(p.lg.metricFilters) == 0
} else := brk("metric_filter", "FAIL", p.c.trail, sprintf("no metric filter on its log group %s catches the %d events: %s", [p.ref.name, count(settings.required), concat("; ", [filter_problem(f) | some f in p.lg.metricFilters])]), put_filter(p))

# put_filter keeps the metric an existing filter on the log group publishes,
# so alarms already on it keep working.
put_filter(p) := sprintf("aws logs put-metric-filter --region %s --log-group-name %s --filter-name %s --metric-transformations metricName=%s,metricNamespace=%s,metricValue=1 --filter-pattern '%s'", [p.ref.region, p.ref.name, t.filter, t.metric, t.namespace, benchmark_pattern]) if {
	t := existing_metric(p.lg)
}

existing_metric(lg) := metrics[0] if {
	metrics := [{"filter": f.filterName, "metric": m.metricName, "namespace": m.metricNamespace} |
		some f in lg.metricFilters
		some m in f.metricTransformations
	]
	count(metrics) > 0
} else := {"filter": "cloudtrail-config-changes", "metric": "CloudTrailConfigChanges", "namespace": "CISBenchmark"}

# --- the alarm ---

region_alarms(ref) := object.get(lib.region(ref.account, ref.region), "metric_alarms", [])

alarms_incomplete(ref) if count(lib.failures(ref.account, ref.region, "DescribeAlarms", "")) > 0

# watches(a, mt): the alarm reads the metric the filter publishes: same
# name, same namespace, same dimensions, either as its metric or as one of
# the metrics of a metric-math alarm.
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

watching(p) := [a |
	some a in region_alarms(p.ref)
	watches(a, p.mt)
]

metric_name(mt) := sprintf("%s/%s", [mt.metricNamespace, mt.metricName])

alarm_paths := [object.union(p, {"alarm": a}) |
	some p in filter_paths
	some a in watching(p)
]

# near_misses: alarms on the same metric name in another namespace.
near_misses(p) := [sprintf("alarm %s watches %s/%s", [a.AlarmName, a.Namespace, a.MetricName]) |
	some a in region_alarms(p.ref)
	a.MetricName == p.mt.metricName
	a.Namespace != p.mt.metricNamespace
]

alarm_hint(p) := sprintf(" (%s)", [concat("; ", near_misses(p))]) if {
	count(near_misses(p)) > 0
} else := ""

alarm_break(p) := brk("alarm", "ERROR", p.c.trail, sprintf("no alarm seen on metric %s of filter %s, and the alarms of %s could not all be read (%s)", [metric_name(p.mt), p.filter.filterName, p.ref.region, call_failure(p.ref.account, p.ref.region, "DescribeAlarms", "")]), "") if {
	alarms_incomplete(p.ref)
} else := brk("alarm", "FAIL", p.c.trail, sprintf("no alarm watches metric %s of filter %s%s", [metric_name(p.mt), p.filter.filterName, alarm_hint(p)]), sprintf("aws cloudwatch put-metric-alarm --region %s --alarm-name cloudtrail-config-changes --metric-name %s --namespace %s --statistic Sum --period 300 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 --alarm-actions %s", [p.ref.region, p.mt.metricName, p.mt.metricNamespace, known_topic(p.ref.account)]))

# known_topic names a topic the account's alarms already notify, if any.
known_topic(account_id) := arns[0] if {
	arns := sort({tp.TopicArn |
		some r in lib.account(account_id).regions
		some tp in object.get(r, "topics", [])
	})
	count(arns) > 0
} else := "<sns-topic-arn>"

# --- the alarm's actions ---

enabled_paths := [p |
	some p in alarm_paths
	p.alarm.ActionsEnabled == true
]

sns_actions(a) := [x |
	some x in a.AlarmActions
	lib.arn(x).service == "sns"
]

# --- the topic ---

find_topic(arn) := found[0] if {
	a := lib.arn(arn)
	found := [tp |
		some tp in object.get(lib.region(a.account, a.region), "topics", [])
		tp.TopicArn == arn
	]
	count(found) > 0
}

topic_paths := [object.union(p, {"topic": tp}) |
	some p in enabled_paths
	some arn in sns_actions(p.alarm)
	tp := find_topic(arn)
]

topic_break(p, arn) := brk("topic", "FAIL", p.c.trail, sprintf("alarm %s notifies topic %s, which does not exist", [p.alarm.AlarmName, arn]), sprintf("aws sns create-topic --region %s --name %s", [a.region, a.resource])) if {
	a := lib.arn(arn)
	some e in lib.failures(a.account, a.region, "GetTopicAttributes", arn)
	e.error_code == "NotFound"
} else := brk("topic", "ERROR", p.c.trail, sprintf("topic %s of alarm %s could not be read (%s)", [arn, p.alarm.AlarmName, lib.describe_failure(fs[0])]), "") if {
	a := lib.arn(arn)
	fs := array.concat(lib.failures(a.account, a.region, "GetTopicAttributes", arn), lib.failures(a.account, a.region, "ListSubscriptionsByTopic", arn))
	count(fs) > 0
} else := brk("topic", "ERROR", p.c.trail, sprintf("topic %s of alarm %s was not collected", [arn, p.alarm.AlarmName]), "")

# --- the subscription ---

confirmed(tp) := count([s |
	some s in tp.Subscriptions
	startswith(s.SubscriptionArn, "arn:")
])

pending(tp) := count([s |
	some s in tp.Subscriptions
	s.SubscriptionArn == "PendingConfirmation"
])

complete := [p |
	some p in topic_paths
	confirmed(p.topic) > 0
]

subscription_break(p) := brk("subscription", "ERROR", p.c.trail, sprintf("the subscriptions of topic %s could not be read (%s)", [p.topic.TopicArn, lib.describe_failure(fs[0])]), "") if {
	a := lib.arn(p.topic.TopicArn)
	fs := lib.failures(a.account, a.region, "ListSubscriptionsByTopic", p.topic.TopicArn)
	count(fs) > 0
} else := brk("subscription", "FAIL", p.c.trail, sprintf("topic %s has no confirmed subscription (%d pending confirmation)", [p.topic.TopicArn, pending(p.topic)]), sprintf("aws sns subscribe --region %s --topic-arn %s --protocol email --notification-endpoint <address>, then confirm the subscription", [lib.arn(p.topic.TopicArn).region, p.topic.TopicArn]))

# --- every break of every path ---

breaks contains b if {
	some c in candidates
	b := trail_break(c)
}

breaks contains b if {
	some c in trails_ok
	ref := log_group_ref(c.trail)
	not find_log_group(ref)
	b := log_group_break(c, ref)
}

breaks contains b if {
	some p in lg_paths
	not any_catching(p.lg)
	b := filter_break(p)
}

breaks contains b if {
	some p in filter_paths
	count(watching(p)) == 0
	b := alarm_break(p)
}

breaks contains b if {
	some p in alarm_paths
	not p.alarm.ActionsEnabled
	b := late_break(p, brk("alarm_actions", "FAIL", p.c.trail, sprintf("alarm %s has its actions disabled", [p.alarm.AlarmName]), sprintf("aws cloudwatch enable-alarm-actions --region %s --alarm-names %s", [p.ref.region, p.alarm.AlarmName])))
}

breaks contains b if {
	some p in enabled_paths
	count(sns_actions(p.alarm)) == 0
	b := late_break(p, brk("topic", "FAIL", p.c.trail, sprintf("alarm %s notifies no SNS topic", [p.alarm.AlarmName]), sprintf("aws cloudwatch put-metric-alarm --region %s --alarm-name %s ... --alarm-actions %s (repeat the alarm's settings and add the topic)", [p.ref.region, p.alarm.AlarmName, known_topic(p.ref.account)])))
}

breaks contains b if {
	some p in enabled_paths
	some arn in sns_actions(p.alarm)
	not find_topic(arn)
	b := late_break(p, topic_break(p, arn))
}

breaks contains b if {
	some p in topic_paths
	confirmed(p.topic) == 0
	b := late_break(p, subscription_break(p))
}

any_catching(lg) if {
	some f in lg.metricFilters
	catches(f.filterPattern)
}

# late_break: past the alarm, a FAIL needs every alarm of the region to have
# been read; another alarm might complete the chain.
late_break(p, b) := object.union(b, {
	"status": "ERROR",
	"reason": sprintf("%s, and the alarms of %s could not all be read (%s)", [b.reason, p.ref.region, call_failure(p.ref.account, p.ref.region, "DescribeAlarms", "")]),
}) if {
	alarms_incomplete(p.ref)
} else := b

# --- the verdict ---

# furthest(arn) is the break of a trail that got furthest along the chain.
furthest(arn) := sorted[0] if {
	mine := [b | some b in breaks; b.trail == arn]
	top := max({b.rank | some b in mine})
	sorted := sort([b | some b in mine; b.rank == top])
}

trail_reports := [furthest(arn) | some arn in {c.trail.TrailARN | some c in candidates}]

trail_evidence := [object.remove(b, ["rank"]) | some b in trail_reports]

failed_listings := [e |
	some e in lib.failed_calls(input.account_id)
	e.operation in {"DescribeTrails", "AssumeRole", "GetCallerIdentity"}
]

trail_phrase(b) := sprintf("trail %s: %s", [b.trail_name, b.reason])

evidence_of(p) := {
	"trail": p.c.trail.TrailARN,
	"home_region": p.c.trail.HomeRegion,
	"log_group": p.ref.arn,
	"metric_filter": p.filter.filterName,
	"filter_pattern": p.filter.filterPattern,
	"metric": metric_name(p.mt),
	"alarm": p.alarm.AlarmName,
	"topic": p.topic.TopicArn,
	"confirmed_subscriptions": confirmed(p.topic),
}

# delivery_note: CloudTrail reports an error delivering to CloudWatch Logs
# (a role it cannot assume, say). The status keeps the latest error, which
# may be past, so it is a note on a PASS rather than a broken link.
delivery_note(p) := sprintf("; note: CloudTrail reports a CloudWatch Logs delivery error for this trail: %s", [err]) if {
	err := object.get(p.c.trail.GetTrailStatus, "LatestCloudWatchLogsDeliveryError", "")
	err != ""
} else := ""

noise_note(p) := sprintf("; note: filter %s also matches %s, so its alarm will be noisy", [p.filter.filterName, concat(", ", noisy(p.filter.filterPattern))]) if {
	count(noisy(p.filter.filterPattern)) > 0
} else := ""

pass_verdict := {
	"status": "PASS",
	"reason": sprintf("CloudTrail changes reach a human: trail %s -> log group %s -> filter %s -> metric %s -> alarm %s -> topic %s (confirmed subscriptions: %d)%s%s", [p.c.trail.Name, p.ref.name, p.filter.filterName, metric_name(p.mt), p.alarm.AlarmName, p.topic.TopicArn, confirmed(p.topic), noise_note(p), delivery_note(p)]),
	"evidence": {"chain": evidence_of(p), "complete_chains": count(complete)},
} if {
	p := complete[0]
}

# Any path that stops for want of evidence might have been complete.
error_breaks := [b |
	some b in breaks
	b.status == "ERROR"
]

verdict := pass_verdict if {
	count(complete) > 0
} else := {
	"status": "ERROR",
	"reason": "no region of this account was collected, so its trails are unknown",
	"evidence": {"failed_calls": lib.failed_calls(input.account_id)},
} if {
	count(lib.judged.regions) == 0
} else := {
	"status": "ERROR",
	"reason": sprintf("cannot decide: %s", [concat("; ", array.concat(
		[lib.describe_failure(e) | some e in failed_listings],
		[trail_phrase(b) | some b in error_breaks],
	))]),
	"evidence": {"trails": trail_evidence, "failed_calls": lib.failed_calls(input.account_id)},
} if {
	count(failed_listings) + count(error_breaks) > 0
} else := {
	"status": "FAIL",
	"reason": "no CloudTrail trail exists in this account, so no change to CloudTrail is recorded",
	"evidence": {"trails": []},
	"remediation": "aws cloudtrail create-trail --name management-events --s3-bucket-name <bucket> --is-multi-region-trail --cloud-watch-logs-log-group-arn <log-group-arn> --cloud-watch-logs-role-arn <role-arn>; aws cloudtrail start-logging --name management-events; then add the metric filter, alarm and topic",
} if {
	count(candidates) == 0
} else := {
	"status": "FAIL",
	"reason": sprintf("no CloudTrail configuration change reaches a human: %s", [concat("; ", [trail_phrase(b) | some b in trail_reports])]),
	"evidence": {"trails": trail_evidence},
	"remediation": best.remediation,
} if {
	top := max({b.rank | some b in trail_reports})
	best := [b | some b in trail_reports; b.rank == top][0]
}

# METADATA
# description: The verdict for input.account_id, with this control's METADATA.
result := lib.result(rego.metadata.chain(), verdict)
