# METADATA
# title: trailwatch library, the trail links of a monitoring chain
# description: |
#   The first links: the trails an account sees (organization trails
#   included, read from their owner's record), whether each is
#   multi-region and logging, whether it records the management events a
#   control needs, which CloudWatch Logs log group it delivers to, and
#   whether CloudTrail says it does deliver there.
package lib.monitoring.trails

import data.lib.core
import data.lib.monitoring.links

# candidates are the trails the judged account sees, each with the account
# whose record of it is used: an organization trail is read from its
# owner's record when the snapshot holds the owner account.
candidates := [candidate(trail) |
	some read in core.judged.regions
	some trail in read.trails
]

candidate(trail) := {"trail": owned, "account": owner} if {
	owner := core.arn(trail.TrailARN).account
	owner != input.account_id
	some read in core.account(owner).regions
	some owned in read.trails
	owned.TrailARN == trail.TrailARN
} else := {"trail": trail, "account": input.account_id}

# early_break(candidate) is a break of links 1 to 3 that holds whatever a
# control needs: not multi-region, not logging, status or selectors not
# collected.
early_break(candidate) := links.broken("multi_region", "FAIL", trail, "it is not multi-region", sprintf("aws cloudtrail update-trail --region %s --name %s --is-multi-region-trail", [core.shell_word(trail.HomeRegion), core.shell_word(trail.Name)])) if {
	trail := candidate.trail
	not trail.IsMultiRegionTrail
} else := links.broken("logging", "ERROR", trail, sprintf("its status was not collected (%s)", [core.call_failure(candidate.account, trail.HomeRegion, "GetTrailStatus", trail.TrailARN)]), "") if {
	trail := candidate.trail
	not trail.GetTrailStatus
} else := links.broken("logging", "FAIL", trail, "logging is stopped", sprintf("aws cloudtrail start-logging --region %s --name %s", [core.shell_word(trail.HomeRegion), core.shell_word(trail.Name)])) if {
	trail := candidate.trail
	not trail.GetTrailStatus.IsLogging
} else := links.broken("management_events", "ERROR", trail, sprintf("its event selectors were not collected (%s)", [core.call_failure(candidate.account, trail.HomeRegion, "GetEventSelectors", trail.TrailARN)]), "") if {
	trail := candidate.trail
	not trail.GetEventSelectors
}

# selector_break(candidate, needs) is link 3 for a control: the trail does
# not record, read and write, the management events in needs (a list of
# {"eventSource", "eventName"}).
selector_break(candidate, needs) := links.broken("management_events", "FAIL", trail, "it does not record management events, read and write", sprintf(`aws cloudtrail put-event-selectors --region %s --trail-name %s --event-selectors '[{"ReadWriteType":"All","IncludeManagementEvents":true}]'`, [core.shell_word(trail.HomeRegion), core.shell_word(trail.Name)])) if {
	trail := candidate.trail
	not records_management_events(trail, needs)
}

# delivery_break(candidate) is link 4 as the trail states it: no log
# group, or an ARN that names none.
delivery_break(candidate) := links.broken("log_group", "FAIL", candidate.trail, "it delivers to no CloudWatch Logs log group", attach_log_group(candidate.trail)) if {
	not candidate.trail.CloudWatchLogsLogGroupArn
} else := links.broken("log_group", "FAIL", candidate.trail, sprintf("its CloudWatchLogsLogGroupArn %q is not a log group ARN", [candidate.trail.CloudWatchLogsLogGroupArn]), attach_log_group(candidate.trail)) if {
	not log_group_ref(candidate.trail)
}

# trail_break(candidate, needs) is the first broken link of a trail, up to
# its log group ARN, for a control that needs these events.
trail_break(candidate, needs) := link if {
	link := early_break(candidate)
} else := link if {
	link := selector_break(candidate, needs)
} else := delivery_break(candidate)

attach_log_group(trail) := sprintf("aws cloudtrail update-trail --region %s --name %s --cloud-watch-logs-log-group-arn <log-group-arn> --cloud-watch-logs-role-arn <role-arn>", [core.shell_word(trail.HomeRegion), core.shell_word(trail.Name)])

# --- delivery to CloudWatch Logs ---

# cloudwatch_delivery_break(candidate) is the trail's own word that it does
# not deliver to CloudWatch Logs (GetTrailStatus): an error and no
# delivery ever, or a last delivery older than the limit in
# lib/monitoring/data.json (CIS's CloudTrail-CloudWatch integration audit
# asks for one within the last day), measured against when the snapshot
# was collected. An error beside a recent delivery may be past: a note on
# a PASS, not a FAIL.
cloudwatch_delivery_break(candidate) := links.broken("delivery", "FAIL", trail, sprintf("CloudTrail has never delivered its events to CloudWatch Logs: %s", [delivery_error]), repair_delivery(trail)) if {
	trail := candidate.trail
	object.get(trail.GetTrailStatus, "LatestCloudWatchLogsDeliveryTime", "") == ""
	delivery_error := object.get(trail.GetTrailStatus, "LatestCloudWatchLogsDeliveryError", "")
	delivery_error != ""
} else := links.broken("delivery", "ERROR", trail, sprintf("CloudTrail last delivered its events to CloudWatch Logs at %s, and the snapshot does not say when it was collected, so trailwatch cannot tell whether that is recent", [last]), "") if {
	trail := candidate.trail
	last := object.get(trail.GetTrailStatus, "LatestCloudWatchLogsDeliveryTime", "")
	last != ""
	not core.collected_at
} else := links.broken("delivery", "FAIL", trail, sprintf("CloudTrail last delivered its events to CloudWatch Logs at %s, %s before the snapshot was collected (%s)%s", [last, age_text(age), core.collected_at, error_text(trail)]), repair_delivery(trail)) if {
	trail := candidate.trail
	last := object.get(trail.GetTrailStatus, "LatestCloudWatchLogsDeliveryTime", "")
	last != ""
	age := time.parse_rfc3339_ns(core.collected_at) - time.parse_rfc3339_ns(last)
	age > time.parse_duration_ns(data.lib.monitoring.cloudwatch_logs_max_age)
}

age_text(nanoseconds) := sprintf("%d days", [floor(nanoseconds / (24 * 3600e9))]) if {
	nanoseconds >= (2 * 24) * 3600e9
} else := sprintf("%d hours", [floor(nanoseconds / 3600e9)])

error_text(trail) := sprintf("; its latest error: %s", [delivery_error]) if {
	delivery_error := object.get(trail.GetTrailStatus, "LatestCloudWatchLogsDeliveryError", "")
	delivery_error != ""
} else := ""

# delivery_note(trail): CloudTrail reports an error delivering to
# CloudWatch Logs (a role it cannot assume, say) beside a recent delivery.
# The status keeps the latest error, which may be past, so it is a note on
# a PASS rather than a broken link.
delivery_note(trail) := sprintf("; note: CloudTrail reports a CloudWatch Logs delivery error for this trail: %s", [delivery_error]) if {
	delivery_error := object.get(trail.GetTrailStatus, "LatestCloudWatchLogsDeliveryError", "")
	delivery_error != ""
} else := ""

# repair_delivery: CloudTrail writes with the role the trail names; the
# role must trust cloudtrail.amazonaws.com and allow logs:CreateLogStream
# and logs:PutLogEvents on the log group.
repair_delivery(trail) := concat("\n", [
	sprintf("CloudTrail writes to CloudWatch Logs as role %s: it must trust cloudtrail.amazonaws.com and allow logs:CreateLogStream and logs:PutLogEvents on %s.", [object.get(trail, "CloudWatchLogsRoleArn", "(none)"), trail.CloudWatchLogsLogGroupArn]),
	sprintf("aws iam get-role --role-name %s", [core.shell_word(role_name(trail))]),
	sprintf("aws cloudtrail update-trail --region %s --name %s --cloud-watch-logs-log-group-arn %s --cloud-watch-logs-role-arn %s", [core.shell_word(trail.HomeRegion), core.shell_word(trail.Name), core.shell_word(trail.CloudWatchLogsLogGroupArn), core.shell_word(object.get(trail, "CloudWatchLogsRoleArn", "<role-arn>"))]),
])

role_name(trail) := name if {
	parts := split(core.arn(trail.CloudWatchLogsRoleArn).resource, "/")
	name := parts[count(parts) - 1]
} else := "<role-name>"

# --- event selectors ---

# Basic selectors: one that includes management events, read and write,
# and excludes none of the sources a control needs.
records_management_events(trail, needs) if {
	some selector in object.get(trail.GetEventSelectors, "EventSelectors", [])
	selector.IncludeManagementEvents == true
	selector.ReadWriteType == "All"
	excluded := {source | some source in object.get(selector, "ExcludeManagementEventSources", [])}
	every need in needs {
		not need.eventSource in excluded
	}
}

# Advanced selectors: one that selects the Management category without
# restricting readOnly, and whose eventSource and eventName conditions let
# every needed event through.
records_management_events(trail, needs) if {
	some selector in object.get(trail.GetEventSelectors, "AdvancedEventSelectors", [])
	some field in selector.FieldSelectors
	field.Field == "eventCategory"
	"Management" in object.get(field, "Equals", [])
	not restricts(selector, "readOnly")
	every need in needs {
		admits(selector, "eventSource", need.eventSource)
		admits(selector, "eventName", need.eventName)
	}
}

restricts(selector, name) if {
	some field in selector.FieldSelectors
	field.Field == name
}

admits(selector, name, value) if {
	every field in selector.FieldSelectors {
		not rejected_by(field, name, value)
	}
}

rejected_by(field, name, value) if {
	field.Field == name
	rejects(field, value)
}

rejects(field, value) if {
	count(object.get(field, "Equals", [])) > 0
	not value in field.Equals
}

rejects(field, value) if value in object.get(field, "NotEquals", [])

rejects(field, value) if {
	count(object.get(field, "StartsWith", [])) > 0
	not any_prefix(value, field.StartsWith)
}

rejects(field, value) if any_prefix(value, object.get(field, "NotStartsWith", []))

rejects(field, value) if {
	count(object.get(field, "EndsWith", [])) > 0
	not any_suffix(value, field.EndsWith)
}

rejects(field, value) if any_suffix(value, object.get(field, "NotEndsWith", []))

any_prefix(value, prefixes) if {
	some prefix in prefixes
	startswith(value, prefix)
}

any_suffix(value, suffixes) if {
	some suffix in suffixes
	endswith(value, suffix)
}

# log_group_ref reads the log group out of the trail's
# CloudWatchLogsLogGroupArn (arn:aws:logs:REGION:ACCOUNT:log-group:NAME:*):
# the filter must be on that log group, in that account and region.
log_group_ref(trail) := {"arn": trail.CloudWatchLogsLogGroupArn, "account": parsed.account, "region": parsed.region, "name": parts[1]} if {
	parsed := core.arn(trail.CloudWatchLogsLogGroupArn)
	parsed.service == "logs"
	parts := split(parsed.resource, ":")
	parts[0] == "log-group"
}
