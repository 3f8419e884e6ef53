# METADATA
# title: trailwatch library
# description: |
#   Helpers shared by trailwatch's controls. The input is a snapshot
#   (input.accounts, as trailwatch collect writes it) plus input.account_id,
#   the account being judged; a control may follow evidence into another
#   account of the snapshot, such as the one that owns an organization trail.
package lib

# account(id) is an account of the snapshot.
account(id) := a if {
	some a in input.accounts
	a.account_id == id
}

# judged is the account being judged.
judged := account(input.account_id)

# region(account_id, name) is a region read in an account.
region(account_id, name) := r if {
	some r in account(account_id).regions
	r.region == name
}

# arn(s) splits an ARN: arn:partition:service:region:account:resource.
arn(s) := {
	"partition": p[1],
	"service": p[2],
	"region": p[3],
	"account": p[4],
	"resource": concat(":", array.slice(p, 5, count(p))),
} if {
	p := split(s, ":")
	count(p) >= 6
	p[0] == "arn"
}

# failed_calls(account_id) are the calls that failed in an account, each
# with the region it was made in.
failed_calls(account_id) := array.concat(
	[e | some e in object.get(account(account_id), "errors", [])],
	[object.union({"region": r.region}, e) |
		some r in account(account_id).regions
		some e in object.get(r, "errors", [])
	],
)

# failures(account_id, region, operation, resource) are the failed calls of
# one operation; resource "" matches calls made for a whole region.
failures(account_id, region_name, operation, resource) := [e |
	some e in failed_calls(account_id)
	e.region == region_name
	e.operation == operation
	object.get(e, "resource", "") == resource
]

# describe_failure(e) says what failed, for a reason.
describe_failure(e) := sprintf("%s %s in %s failed: %s (%s)", [e.service, e.operation, e.region, e.error_code, e.message]) if {
	object.get(e, "region", "") != ""
} else := sprintf("%s %s failed: %s (%s)", [e.service, e.operation, e.error_code, e.message])

# result(chain, verdict) is a control's result: the control's METADATA
# (from rego.metadata.chain() in the calling rule) with the verdict's status,
# reason, evidence and remediation. METADATA is the single source of a
# control's id, title, severity, frameworks and default remediation.
result(chain, verdict) := object.union(
	{
		"control_id": meta.custom.id,
		"account_id": input.account_id,
		"title": meta.title,
		"description": object.get(meta, "description", ""),
		"severity": meta.custom.severity,
		"frameworks": object.get(meta.custom, "frameworks", []),
		"remediation": object.get(meta.custom, "remediation", ""),
	},
	verdict,
) if {
	some entry in chain
	meta := entry.annotations
	meta.scope == "package"
}

# call_failure says why a call's answer is missing.
call_failure(account_id, region, operation, resource) := describe_failure(fs[0]) if {
	fs := failures(account_id, region, operation, resource)
	count(fs) > 0
} else := sprintf("no %s answer in the snapshot", [operation])

# The links of a monitoring chain, in order. A break records the furthest
# link a path through a trail reached.
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

# brk(link, status, trail, reason, remediation) is a broken link of the
# path through a trail.
brk(link, status, trail, reason, remediation) := {
	"rank": rank[link],
	"link": link,
	"status": status,
	"trail": trail.TrailARN,
	"trail_name": trail.Name,
	"reason": reason,
	"remediation": remediation,
}

# group(pairs) turns [key, value] pairs into an object of each key's
# values, in their order: the pairs (with their index, to keep the order)
# are sorted and each key's values are the run from where the key starts
# to where the next one does, so grouping costs time in proportion to the
# pairs (and a sort), never to their square.
group(pairs) := {sorted[at][0]: [pairs[p[1]][1] | some p in array.slice(sorted, at, ends[i])] |
	some i, at in starts
} if {
	sorted := sort([[pair[0], i] | some i, pair in pairs])
	starts := [i |
		some i, _ in sorted
		starts_run(sorted, i)
	]
	ends := array.concat(array.slice(starts, 1, count(starts)), [count(sorted)])
}

starts_run(_, 0)

starts_run(sorted, i) if sorted[i - 1][0] != sorted[i][0]
