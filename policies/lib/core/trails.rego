# METADATA
# title: trailwatch library, the trails an account sees
# description: |
#   What every family reads of a trail: the trails the judged account sees
#   (an organization trail read from its owner's record), which management
#   and data events their selectors record, the log group they deliver to,
#   and CloudTrail's own word on whether that delivery is current.
package lib.core.trails

import data.lib.core

# candidates are the trails the judged account sees, each with the account
# whose record of it is used: an organization trail is read from its
# owner's record when the snapshot holds the owner account. Read from its
# owner, a trail that every region lists (an organization trail) is the
# same record each time: it is a candidate once, where it first appears.
# The account's own records of a trail stay one per region (a shadow read
# without its status may differ from the home region's).
candidates := [c |
	some i, c in listed
	not owners_record_before(i, c)
]

listed := [candidate(trail) |
	some read in core.judged.regions
	some trail in read.trails
]

owners_record_before(i, c) if {
	c.account != input.account_id
	owners_first[c.trail.TrailARN] < i
}

# owners_first is where each trail read from its owner's record first
# appears in listed, by ARN.
owners_first := {arn: min(places) |
	some arn, places in core.group([[c.trail.TrailARN, i] |
		some i, c in listed
		c.account != input.account_id
	])
}

candidate(trail) := {"trail": owned, "account": owner} if {
	owner := core.arn(trail.TrailARN).account
	owner != input.account_id
	some read in core.account(owner).regions
	some owned in read.trails
	owned.TrailARN == trail.TrailARN
} else := {"trail": trail, "account": input.account_id}

# each is every trail the judged account sees, once, sorted by ARN.
each := [first(arn) | some arn in sort({c.trail.TrailARN | some c in candidates})]

first(arn) := [c | some c in candidates; c.trail.TrailARN == arn][0]

# status(candidate) is GetTrailStatus's answer, or undefined when it was
# not collected.
status(candidate) := candidate.trail.GetTrailStatus

# logging(candidate): the trail is logging.
logging(candidate) if candidate.trail.GetTrailStatus.IsLogging == true

# status_failure(candidate) says why a trail's status is missing.
status_failure(candidate) := core.call_failure(candidate.account, candidate.trail.HomeRegion, "GetTrailStatus", candidate.trail.TrailARN)

# selectors_failure(candidate) says why a trail's event selectors are
# missing.
selectors_failure(candidate) := core.call_failure(candidate.account, candidate.trail.HomeRegion, "GetEventSelectors", candidate.trail.TrailARN)

# --- management events ---

# records_management_events(trail, needs): the trail's selectors record,
# read and write, the management events in needs (a list of
# {"eventSource", "eventName"}; [] for all of them but those a selector
# leaves out by source).
#
# Basic selectors: one that includes management events, read and write,
# and excludes none of the sources needed.
records_management_events(trail, needs) if {
	some selector in object.get(trail.GetEventSelectors, "EventSelectors", [])
	selector.IncludeManagementEvents == true
	selector.ReadWriteType == "All"
	excluded := {source | some source in object.get(selector, "ExcludeManagementEventSources", [])}
	count(excluded & sources(needs)) == 0
}

# METADATA
# description: The event sources of some needs; every account asks it of
#   the same controls' needs, so trailwatch answers once per run.
# custom:
#   memoize: run
sources(needs) := {need.eventSource | some need in needs}

# Advanced selectors: one that selects the Management category without
# restricting readOnly, and whose eventSource and eventName conditions let
# every needed event through.
records_management_events(trail, needs) if {
	some selector in object.get(trail.GetEventSelectors, "AdvancedEventSelectors", [])
	category(selector, "Management")
	not restricts(selector, "readOnly")
	every need in needs {
		admits(selector, "eventSource", need.eventSource)
		admits(selector, "eventName", need.eventName)
	}
}

# excluded_sources(trail) are the management event sources a selector
# that records management events leaves out (KMS, RDS Data API), by
# ExcludeManagementEventSources or by an advanced selector's eventSource.
excluded_sources(trail) := {source |
	some selector in object.get(trail.GetEventSelectors, "EventSelectors", [])
	selector.IncludeManagementEvents == true
	some source in object.get(selector, "ExcludeManagementEventSources", [])
} | {source |
	some selector in object.get(trail.GetEventSelectors, "AdvancedEventSelectors", [])
	category(selector, "Management")
	some field in selector.FieldSelectors
	field.Field == "eventSource"
	some source in object.get(field, "NotEquals", [])
}

category(selector, name) if {
	some field in selector.FieldSelectors
	field.Field == "eventCategory"
	name in object.get(field, "Equals", [])
}

restricts(selector, name) if {
	some field in selector.FieldSelectors
	field.Field == name
}

# admits(selector, name, value): no condition of the selector on the field
# name turns the value away.
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

# --- S3 data events ---

# s3_objects_everywhere(trail, access) is how the trail's selectors record
# S3 object-level data events of every bucket for access ("write" or
# "read"): the selector that does, or undefined. A basic selector does with
# the data resource AWS::S3::Object whose values hold "arn:aws:s3" or
# "arn:aws:s3:::" (every bucket, now and later) and a ReadWriteType that
# includes the access; an advanced one with eventCategory Data,
# resources.type AWS::S3::Object, no readOnly condition against the access
# and no other condition that leaves objects out.
s3_objects_everywhere(trail, access) := sprintf("event selector %d", [i + 1]) if {
	some i, selector in object.get(trail.GetEventSelectors, "EventSelectors", [])
	selector.ReadWriteType in read_write_types[access]
	some resource in object.get(selector, "DataResources", [])
	resource.Type == "AWS::S3::Object"
	some value in object.get(resource, "Values", [])
	value in {"arn:aws:s3", "arn:aws:s3:::", "arn:aws-us-gov:s3", "arn:aws-us-gov:s3:::", "arn:aws-cn:s3", "arn:aws-cn:s3:::"}
} else := sprintf("advanced event selector %q", [selector.Name]) if {
	some selector in object.get(trail.GetEventSelectors, "AdvancedEventSelectors", [])
	category(selector, "Data")
	some field in selector.FieldSelectors
	field.Field == "resources.type"
	"AWS::S3::Object" in object.get(field, "Equals", [])
	admits(selector, "readOnly", read_only[access])
	every narrowing in selector.FieldSelectors {
		narrowing.Field in {"eventCategory", "resources.type", "readOnly"}
	}
}

read_write_types := {"write": {"All", "WriteOnly"}, "read": {"All", "ReadOnly"}}

read_only := {"write": "false", "read": "true"}

# s3_objects_some(trail, access): the trail records S3 object data events
# of some buckets, or of all but some, for access: what a remediation
# that widens it needs to say.
s3_objects_some(trail, access) if {
	some selector in object.get(trail.GetEventSelectors, "EventSelectors", [])
	selector.ReadWriteType in read_write_types[access]
	some resource in object.get(selector, "DataResources", [])
	resource.Type == "AWS::S3::Object"
}

s3_objects_some(trail, access) if {
	some selector in object.get(trail.GetEventSelectors, "AdvancedEventSelectors", [])
	category(selector, "Data")
	some field in selector.FieldSelectors
	field.Field == "resources.type"
	"AWS::S3::Object" in object.get(field, "Equals", [])
	admits(selector, "readOnly", read_only[access])
}

# --- delivery to CloudWatch Logs ---

# log_group_ref reads the log group out of the trail's
# CloudWatchLogsLogGroupArn (arn:aws:logs:REGION:ACCOUNT:log-group:NAME:*).
log_group_ref(trail) := {"arn": trail.CloudWatchLogsLogGroupArn, "account": parsed.account, "region": parsed.region, "name": parts[1]} if {
	parsed := core.arn(trail.CloudWatchLogsLogGroupArn)
	parsed.service == "logs"
	parts := split(parsed.resource, ":")
	parts[0] == "log-group"
}

# cloudwatch_delivery_problem(trail) is the trail's own word
# (GetTrailStatus) that it does not deliver to CloudWatch Logs, as
# {"status", "reason"}: an error and no delivery ever, or a last delivery
# older than cloudwatch_logs_max_age in lib/core/data.json (CIS's
# CloudTrail-CloudWatch integration audit asks for one within the last
# day), measured against when the snapshot was collected. Undefined when
# the delivery is current. An error beside a recent delivery may be past:
# delivery_note, not a problem.
cloudwatch_delivery_problem(trail) := {"status": "FAIL", "reason": sprintf("CloudTrail has never delivered its events to CloudWatch Logs: %s", [delivery_error])} if {
	object.get(trail.GetTrailStatus, "LatestCloudWatchLogsDeliveryTime", "") == ""
	delivery_error := object.get(trail.GetTrailStatus, "LatestCloudWatchLogsDeliveryError", "")
	delivery_error != ""
} else := {"status": "ERROR", "reason": sprintf("CloudTrail last delivered its events to CloudWatch Logs at %s, and the snapshot does not say when it was collected, so trailwatch cannot tell whether that is recent", [last])} if {
	last := object.get(trail.GetTrailStatus, "LatestCloudWatchLogsDeliveryTime", "")
	last != ""
	not core.collected_at
} else := {"status": "FAIL", "reason": sprintf("CloudTrail last delivered its events to CloudWatch Logs at %s, %s before the snapshot was collected (%s)%s", [last, age_text(age), core.collected_at, error_text(trail)])} if {
	last := object.get(trail.GetTrailStatus, "LatestCloudWatchLogsDeliveryTime", "")
	last != ""
	age := time.parse_rfc3339_ns(core.collected_at) - time.parse_rfc3339_ns(last)
	age > time.parse_duration_ns(data.lib.core.cloudwatch_logs_max_age)
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
# a PASS rather than a problem.
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

# --- the steps that mend a trail (lib.core.call) ---

trail_call(trail, operation, args) := core.call("cloudtrail", operation, trail.HomeRegion, array.concat([["--name", trail.Name]], args))

make_multi_region(trail) := [trail_call(trail, "update-trail", [["--is-multi-region-trail"]])]

start_logging(trail) := [core.unless(trail_call(trail, "start-logging", []), trail_call(trail, "get-trail-status", []), "IsLogging", "True")]

enable_log_file_validation(trail) := [trail_call(trail, "update-trail", [["--enable-log-file-validation"]])]

# record_management_events(trail) has the trail record management events,
# read and write, beside the data events it records (its S3 object data
# events are kept).
record_management_events(trail) := [core.call("cloudtrail", "put-event-selectors", trail.HomeRegion, [
	["--trail-name", trail.Name],
	["--event-selectors", json.marshal(array.concat([{"ReadWriteType": "All", "IncludeManagementEvents": true}], kept_data_selectors(trail)))],
])]

# kept_data_selectors(trail) are the trail's basic selectors for data
# events, without their management events part.
kept_data_selectors(trail) := [object.union(selector, {"IncludeManagementEvents": false}) |
	some selector in object.get(trail.GetEventSelectors, "EventSelectors", [])
	count(object.get(selector, "DataResources", [])) > 0
]

# attach_log_group(trail) gives a trail without one a log group and the
# role CloudTrail writes to it with, as the benchmark's remediation does:
# the group (named after the trail, in its home region), a role that
# trusts cloudtrail.amazonaws.com and may create streams and put events
# there, then the trail pointed at both. Each creation goes on if the
# thing exists already.
attach_log_group(trail) := [
	core.creates(core.call("logs", "create-log-group", trail.HomeRegion, [["--log-group-name", group]]), "ResourceAlreadyExistsException"),
	core.creates(core.call("iam", "create-role", trail.HomeRegion, [["--role-name", role], ["--assume-role-policy-document", json.marshal(delivery_trust)]]), "EntityAlreadyExists"),
	core.call("iam", "put-role-policy", trail.HomeRegion, [["--role-name", role], ["--policy-name", "cloudtrail-to-cloudwatch-logs"], ["--policy-document", json.marshal(delivery_permissions(group_arn))]]),
	trail_call(trail, "update-trail", [["--cloud-watch-logs-log-group-arn", group_arn], ["--cloud-watch-logs-role-arn", sprintf("arn:%s:iam::%s:role/%s", [parsed.partition, parsed.account, role])]]),
] if {
	parsed := core.arn(trail.TrailARN)
	group := new_log_group(trail)
	role := "CloudTrail_CloudWatchLogs_Role"
	group_arn := sprintf("arn:%s:logs:%s:%s:log-group:%s:*", [parsed.partition, trail.HomeRegion, parsed.account, group])
}

# new_log_group(trail) is the log group attach_log_group creates.
new_log_group(trail) := sprintf("aws-cloudtrail-logs-%s", [trail.Name])

delivery_trust := {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "sts:AssumeRole"}]}

delivery_permissions(group_arn) := {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": group_arn}]}
