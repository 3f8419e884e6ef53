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

# collected_at is when the judged account's evidence was read (RFC 3339),
# as trailwatch evaluate passes it; ages are measured against it, never
# against the clock.
collected_at := input.collected_at

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
		"resources": resources(verdict),
	},
	verdict,
) if {
	some entry in chain
	meta := entry.annotations
	meta.scope == "package"
}

# resources(v) are the AWS resources a verdict is about, typed as
# CloudFormation names them: the chain of a PASS, the trails of a FAIL or
# an ERROR, or else the account. A verdict may give its own.
resources(v) := chain_resources(v.evidence.chain) if {
	v.evidence.chain
} else := rs if {
	rs := [trail_resource(t.trail) | some t in v.evidence.trails]
	count(rs) > 0
} else := [{"type": "AWS::::Account", "id": input.account_id, "name": input.account_id}]

trail_resource(a) := {"type": "AWS::CloudTrail::Trail", "id": a, "name": trim_prefix(arn(a).resource, "trail/"), "region": arn(a).region}

# A metric filter has no ARN: its id is its log group's ARN and its name.
chain_resources(c) := [
	trail_resource(c.trail),
	{"type": "AWS::Logs::LogGroup", "id": log_group, "name": trim_prefix(arn(log_group).resource, "log-group:"), "region": arn(log_group).region},
	{"type": "AWS::Logs::MetricFilter", "id": sprintf("%s:metric-filter:%s", [log_group, c.metric_filter]), "name": c.metric_filter, "region": arn(log_group).region},
	{"type": "AWS::CloudWatch::Alarm", "id": alarm_id(c), "name": c.alarm, "region": arn(log_group).region},
	{"type": "AWS::SNS::Topic", "id": c.topic, "name": arn(c.topic).resource, "region": arn(c.topic).region},
] if {
	log_group := trim_suffix(c.log_group, ":*")
}

alarm_id(c) := c.alarm_arn if {
	object.get(c, "alarm_arn", "") != ""
} else := c.alarm

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
	"delivery": 5,
	"metric_filter": 6,
	"alarm": 7,
	"alarm_actions": 8,
	"topic": 9,
	"topic_access": 10,
	"subscription": 11,
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

# sh(s) is s as one word of a shell command line, for the commands a
# remediation gives to copy and paste: bare when it holds only characters
# no shell treats specially, in single quotes otherwise, and as $'...'
# (bash, zsh, ksh, POSIX.1-2024 sh) when it holds control characters, which
# are written as escapes. A name from a snapshot (a filter may be called
# "x; curl ... | sh", a pattern may hold a quote) never runs as a command.
sh(s) := s if {
	regex.match(`^[A-Za-z0-9_./:=,@%+-]+$`, s)
} else := concat("", ["$'", strings.replace_n(ansi_c_escapes, s), "'"]) if {
	regex.match(`[\x00-\x1f\x7f]`, s)
} else := concat("", ["'", replace(s, "'", `'\''`), "'"])

ansi_c_escapes := object.union(
	{"\\": `\\`, "'": `\'`},
	{c: sprintf(`\x%02x`, [i]) |
		some i in array.concat(numbers.range(0, 31), [127])
		c := control_char[i]
	},
)

control_char := {
	0: "\u0000", 1: "\u0001", 2: "\u0002", 3: "\u0003", 4: "\u0004", 5: "\u0005", 6: "\u0006", 7: "\u0007",
	8: "\b", 9: "\t", 10: "\n", 11: "\u000b", 12: "\f", 13: "\r", 14: "\u000e", 15: "\u000f",
	16: "\u0010", 17: "\u0011", 18: "\u0012", 19: "\u0013", 20: "\u0014", 21: "\u0015", 22: "\u0016", 23: "\u0017",
	24: "\u0018", 25: "\u0019", 26: "\u001a", 27: "\u001b", 28: "\u001c", 29: "\u001d", 30: "\u001e", 31: "\u001f",
	127: "\u007f",
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
