# METADATA
# title: trailwatch library, CloudTrail links
# description: |
#   The first links of every monitoring chain: the trails an account sees
#   (organization trails included, read from their owner's record), whether
#   each is multi-region and logging, whether it records the management
#   events a control needs, and which CloudWatch Logs log group it
#   delivers to.
package lib.cloudtrail

import data.lib

# candidates are the trails the judged account sees, each with the account
# whose record of it is used: an organization trail is read from its
# owner's record when the snapshot holds the owner account.
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

# early_break(c) is a break of links 1 to 3 that holds whatever a control
# needs: not multi-region, not logging, status or selectors not collected.
early_break(c) := lib.brk("multi_region", "FAIL", c.trail, "it is not multi-region", sprintf("aws cloudtrail update-trail --region %s --name %s --is-multi-region-trail", [lib.sh(c.trail.HomeRegion), lib.sh(c.trail.Name)])) if {
	not c.trail.IsMultiRegionTrail
} else := lib.brk("logging", "ERROR", c.trail, sprintf("its status was not collected (%s)", [lib.call_failure(c.account, c.trail.HomeRegion, "GetTrailStatus", c.trail.TrailARN)]), "") if {
	not c.trail.GetTrailStatus
} else := lib.brk("logging", "FAIL", c.trail, "logging is stopped", sprintf("aws cloudtrail start-logging --region %s --name %s", [lib.sh(c.trail.HomeRegion), lib.sh(c.trail.Name)])) if {
	not c.trail.GetTrailStatus.IsLogging
} else := lib.brk("management_events", "ERROR", c.trail, sprintf("its event selectors were not collected (%s)", [lib.call_failure(c.account, c.trail.HomeRegion, "GetEventSelectors", c.trail.TrailARN)]), "") if {
	not c.trail.GetEventSelectors
}

# selector_break(c, needs) is link 3 for a control: the trail does not
# record, read and write, the management events in needs (a list of
# {"eventSource", "eventName"}).
selector_break(c, needs) := lib.brk("management_events", "FAIL", c.trail, "it does not record management events, read and write", sprintf(`aws cloudtrail put-event-selectors --region %s --trail-name %s --event-selectors '[{"ReadWriteType":"All","IncludeManagementEvents":true}]'`, [lib.sh(c.trail.HomeRegion), lib.sh(c.trail.Name)])) if {
	not records_management_events(c.trail, needs)
}

# delivery_break(c) is link 4 as the trail states it: no log group, or an
# ARN that names none.
delivery_break(c) := lib.brk("log_group", "FAIL", c.trail, "it delivers to no CloudWatch Logs log group", attach_log_group(c.trail)) if {
	not c.trail.CloudWatchLogsLogGroupArn
} else := lib.brk("log_group", "FAIL", c.trail, sprintf("its CloudWatchLogsLogGroupArn %q is not a log group ARN", [c.trail.CloudWatchLogsLogGroupArn]), attach_log_group(c.trail)) if {
	not log_group_ref(c.trail)
}

# cloudwatch_delivery_break(c) is the trail's own word that it does not
# deliver to CloudWatch Logs (GetTrailStatus): an error and no delivery
# ever, or a last delivery older than the limit in lib/delivery/data.json
# (CIS's CloudTrail-CloudWatch integration audit asks for one within the
# last day), measured against when the snapshot was collected. An error
# beside a recent delivery may be past: a note on a PASS, not a FAIL.
cloudwatch_delivery_break(c) := lib.brk("delivery", "FAIL", c.trail, sprintf("CloudTrail has never delivered its events to CloudWatch Logs: %s", [err]), repair_delivery(c.trail)) if {
	status := c.trail.GetTrailStatus
	object.get(status, "LatestCloudWatchLogsDeliveryTime", "") == ""
	err := object.get(status, "LatestCloudWatchLogsDeliveryError", "")
	err != ""
} else := lib.brk("delivery", "ERROR", c.trail, sprintf("CloudTrail last delivered its events to CloudWatch Logs at %s, and the snapshot does not say when it was collected, so trailwatch cannot tell whether that is recent", [last]), "") if {
	last := object.get(c.trail.GetTrailStatus, "LatestCloudWatchLogsDeliveryTime", "")
	last != ""
	not lib.collected_at
} else := lib.brk("delivery", "FAIL", c.trail, sprintf("CloudTrail last delivered its events to CloudWatch Logs at %s, %s before the snapshot was collected (%s)%s", [last, age_text(age), lib.collected_at, error_text(c.trail)]), repair_delivery(c.trail)) if {
	last := object.get(c.trail.GetTrailStatus, "LatestCloudWatchLogsDeliveryTime", "")
	last != ""
	age := time.parse_rfc3339_ns(lib.collected_at) - time.parse_rfc3339_ns(last)
	age > time.parse_duration_ns(data.lib.delivery.cloudwatch_logs_max_age)
}

age_text(ns) := sprintf("%d days", [floor(ns / (24 * 3600e9))]) if {
	ns >= (2 * 24) * 3600e9
} else := sprintf("%d hours", [floor(ns / 3600e9)])

error_text(t) := sprintf("; its latest error: %s", [err]) if {
	err := object.get(t.GetTrailStatus, "LatestCloudWatchLogsDeliveryError", "")
	err != ""
} else := ""

# repair_delivery: CloudTrail writes with the role the trail names; the
# role must trust cloudtrail.amazonaws.com and allow logs:CreateLogStream
# and logs:PutLogEvents on the log group.
repair_delivery(t) := concat("\n", [
	sprintf("CloudTrail writes to CloudWatch Logs as role %s: it must trust cloudtrail.amazonaws.com and allow logs:CreateLogStream and logs:PutLogEvents on %s.", [object.get(t, "CloudWatchLogsRoleArn", "(none)"), t.CloudWatchLogsLogGroupArn]),
	sprintf("aws iam get-role --role-name %s", [lib.sh(role_name(t))]),
	sprintf("aws cloudtrail update-trail --region %s --name %s --cloud-watch-logs-log-group-arn %s --cloud-watch-logs-role-arn %s", [lib.sh(t.HomeRegion), lib.sh(t.Name), lib.sh(t.CloudWatchLogsLogGroupArn), lib.sh(object.get(t, "CloudWatchLogsRoleArn", "<role-arn>"))]),
])

role_name(t) := name if {
	a := lib.arn(t.CloudWatchLogsRoleArn)
	parts := split(a.resource, "/")
	name := parts[count(parts) - 1]
} else := "<role-name>"

# trail_break(c, needs) is the first broken link of a trail, up to its log
# group ARN, for a control that needs these events.
trail_break(c, needs) := b if {
	b := early_break(c)
} else := b if {
	b := selector_break(c, needs)
} else := delivery_break(c)

attach_log_group(t) := sprintf("aws cloudtrail update-trail --region %s --name %s --cloud-watch-logs-log-group-arn <log-group-arn> --cloud-watch-logs-role-arn <role-arn>", [lib.sh(t.HomeRegion), lib.sh(t.Name)])

# Basic selectors: one that includes management events, read and write,
# and excludes none of the sources a control needs.
records_management_events(t, needs) if {
	some s in object.get(t.GetEventSelectors, "EventSelectors", [])
	s.IncludeManagementEvents == true
	s.ReadWriteType == "All"
	excluded := {x | some x in object.get(s, "ExcludeManagementEventSources", [])}
	every n in needs {
		not n.eventSource in excluded
	}
}

# Advanced selectors: one that selects the Management category without
# restricting readOnly, and whose eventSource and eventName conditions let
# every needed event through.
records_management_events(t, needs) if {
	some s in object.get(t.GetEventSelectors, "AdvancedEventSelectors", [])
	some f in s.FieldSelectors
	f.Field == "eventCategory"
	"Management" in object.get(f, "Equals", [])
	not restricts(s, "readOnly")
	every n in needs {
		admits(s, "eventSource", n.eventSource)
		admits(s, "eventName", n.eventName)
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
