# METADATA
# title: trailwatch library, the links of a monitoring chain
# description: |
#   The chain every monitoring control follows, link by link, in order: a
#   trail that is multi-region, logging and recording management events
#   delivers to a log group (and does deliver); a metric filter there
#   catches what the control asks for; an alarm watches its metric, its
#   actions enabled, and notifies a topic that takes the notification and
#   that someone is subscribed to. A broken link says how far a path got.
package lib.monitoring.links

import data.lib.core

# rank orders the links: the break with the highest rank got furthest.
rank := {
	"multi_region": 1,
	"logging": 2,
	"management_events": 3,
	"log_group": 4,
	"delivery": 5,
	"metric_filter": 6,
	"alarm": 7,
	"alarm_actions": 8,
	"topic": 9,
	"topic_access": 10,
	"subscription": 11,
}

# broken(link, status, trail, reason, fix) is a broken link of the path
# through a trail; fix is its steps (lib.core.call), a manual text, or "".
# The steps' text (core.fix_text) is written only for the links a result
# reports (with_remediation): most links of most paths are never shown.
broken(link, status, trail, reason, fix) := {
	"rank": rank[link],
	"link": link,
	"status": status,
	"trail": trail.TrailARN,
	"trail_name": trail.Name,
	"reason": reason,
	"fix": steps,
} if {
	steps := [object.union({"mends": link}, step) | some step in core.steps(fix)]
}

# with_remediation(link) is a reported link with its steps as text.
with_remediation(link) := object.union(link, {"remediation": core.fix_text(link.fix)})

# past(link, status, reason, remediation) is a broken link past the log
# group, where no trail is known yet: it is worked out once per metric and
# given its trail when a path reaches it.
past(link, status, reason, fix) := broken(link, status, {"TrailARN": "", "Name": ""}, reason, fix)

# representative(links) keeps of some broken links those that matter to a
# verdict: the furthest along the chain and those for want of evidence,
# three of each in their sorted order.
representative(links) := array.concat(
	array.slice(sort([link | some link in links; link.rank == top]), 0, 3),
	array.slice(sort([link | some link in links; link.status == "ERROR"; link.rank != top]), 0, 3),
) if {
	top := max({link.rank | some link in links})
} else := []
