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
import data.lib.core.trails
import data.lib.monitoring.links

# candidates are the trails the judged account sees (lib/core/trails).
candidates := trails.candidates

# early_break(candidate) is a break of links 1 to 3 that holds whatever a
# control needs: not multi-region, not logging, status or selectors not
# collected.
early_break(candidate) := links.broken("multi_region", "FAIL", trail, "it is not multi-region", trails.make_multi_region(trail)) if {
	trail := candidate.trail
	not trail.IsMultiRegionTrail
} else := links.broken("logging", "ERROR", trail, sprintf("its status was not collected (%s)", [core.call_failure(candidate.account, trail.HomeRegion, "GetTrailStatus", trail.TrailARN)]), "") if {
	trail := candidate.trail
	not trail.GetTrailStatus
} else := links.broken("logging", "FAIL", trail, "logging is stopped", trails.start_logging(trail)) if {
	trail := candidate.trail
	not trail.GetTrailStatus.IsLogging
} else := links.broken("management_events", "ERROR", trail, sprintf("its event selectors were not collected (%s)", [core.call_failure(candidate.account, trail.HomeRegion, "GetEventSelectors", trail.TrailARN)]), "") if {
	trail := candidate.trail
	not trail.GetEventSelectors
}

# selector_break(candidate, needs) is link 3 for a control: the trail does
# not record, read and write, the management events in needs (a list of
# {"eventSource", "eventName"}).
selector_break(candidate, needs) := links.broken("management_events", "FAIL", trail, "it does not record management events, read and write", trails.record_management_events(trail)) if {
	trail := candidate.trail
	not trails.records_management_events(trail, needs)
}

# delivery_break(candidate) is link 4 as the trail states it: no log
# group, or an ARN that names none.
delivery_break(candidate) := links.broken("log_group", "FAIL", candidate.trail, "it delivers to no CloudWatch Logs log group", attach_log_group(candidate.trail)) if {
	not candidate.trail.CloudWatchLogsLogGroupArn
} else := links.broken("log_group", "FAIL", candidate.trail, sprintf("its CloudWatchLogsLogGroupArn %q is not a log group ARN", [candidate.trail.CloudWatchLogsLogGroupArn]), attach_log_group(candidate.trail)) if {
	not trails.log_group_ref(candidate.trail)
}

# trail_break(candidate, needs) is the first broken link of a trail, up to
# its log group ARN, for a control that needs these events.
trail_break(candidate, needs) := link if {
	link := early_break(candidate)
} else := link if {
	link := selector_break(candidate, needs)
} else := delivery_break(candidate)

attach_log_group(trail) := trails.attach_log_group(trail)

# log_group_ref reads the log group out of the trail's
# CloudWatchLogsLogGroupArn: the filter must be on that log group, in that
# account and region.
log_group_ref(trail) := trails.log_group_ref(trail)

# cloudwatch_delivery_break(candidate) is the trail's own word that it does
# not deliver to CloudWatch Logs (lib/core/trails).
cloudwatch_delivery_break(candidate) := links.broken("delivery", problem.status, candidate.trail, problem.reason, remediation) if {
	problem := trails.cloudwatch_delivery_problem(candidate.trail)
	remediation := {"FAIL": trails.repair_delivery(candidate.trail), "ERROR": ""}[problem.status]
}

# delivery_note(trail) notes a delivery error beside a recent delivery.
delivery_note(trail) := trails.delivery_note(trail)
