# METADATA
# title: trailwatch library, what every family shares
# description: |
#   The input is a snapshot (input.accounts, as trailwatch collect writes
#   it) plus input.account_id, the account being judged, and
#   input.collected_at, when its evidence was read; a control may follow
#   evidence into another account of the snapshot, such as the one that
#   owns an organization trail. input.needs, when given, says which parts
#   of a result the report reads (remediation, evidence: true or false).
#   Here: accounts, regions and failed calls; ARNs; a control's result from
#   its METADATA; the resources a verdict is about; a control's data, found
#   by its package path; the frameworks (lib/core/data.json); names as
#   shell words.
package lib.core

# account(id) is an account of the snapshot.
account(id) := found if {
	some found in input.accounts
	found.account_id == id
}

# judged is the account being judged.
judged := account(input.account_id)

# collected_at is when the judged account's evidence was read (RFC 3339),
# as trailwatch evaluate passes it; ages are measured against it, never
# against the clock.
collected_at := input.collected_at

# region(account_id, name) is a region read in an account.
region(account_id, name) := found if {
	some found in account(account_id).regions
	found.region == name
}

# arn(text) splits an ARN: arn:partition:service:region:account:resource.
arn(text) := {
	"partition": parts[1],
	"service": parts[2],
	"region": parts[3],
	"account": parts[4],
	"resource": concat(":", array.slice(parts, 5, count(parts))),
} if {
	parts := split(text, ":")
	count(parts) >= 6
	parts[0] == "arn"
}

# failed_calls(account_id) are the calls that failed in an account, each
# with the region it was made in.
failed_calls(account_id) := array.concat(
	[failure | some failure in object.get(account(account_id), "errors", [])],
	[object.union({"region": read.region}, failure) |
		some read in account(account_id).regions
		some failure in object.get(read, "errors", [])
	],
)

# failures(account_id, region, operation, resource) are the failed calls of
# one operation; resource "" matches calls made for a whole region.
failures(account_id, region_name, operation, resource) := [failure |
	some failure in failed_calls(account_id)
	failure.region == region_name
	failure.operation == operation
	object.get(failure, "resource", "") == resource
]

# describe_failure(failure) says what failed, for a reason.
describe_failure(failure) := sprintf("%s %s in %s failed: %s (%s)", [failure.service, failure.operation, failure.region, failure.error_code, failure.message]) if {
	object.get(failure, "region", "") != ""
} else := sprintf("%s %s failed: %s (%s)", [failure.service, failure.operation, failure.error_code, failure.message])

# call_failure says why a call's answer is missing.
call_failure(account_id, region_name, operation, resource) := describe_failure(found[0]) if {
	found := failures(account_id, region_name, operation, resource)
	count(found) > 0
} else := sprintf("no %s answer in the snapshot", [operation])

# --- a control ---

# metadata(chain) is a control's package METADATA, from
# rego.metadata.chain() in one of its rules. METADATA is the single source
# of a control's id, title, severity, frameworks and default remediation.
metadata(chain) := entry.annotations if {
	some entry in chain
	entry.annotations.scope == "package"
}

# control_path(chain) is a control's package path, from
# rego.metadata.chain() in one of its rules: ["controls", family, control].
# A family finds the control's data there, under its own key
# (data.controls[family][control].<family>: a constant last key, so that
# the compiler can tell the data from the control's rules).
control_path(chain) := array.slice(chain[0].path, 0, 3) if chain[0].path[0] == "controls"

# METADATA
# description: |
#   The control's id in a framework of lib/core/data.json ("" when it has
#   none): framework_id(chain, "security_hub") is "CloudWatch.5" for CIS
#   4.5. It depends on the control alone, so trailwatch finds it once per
#   run.
# custom:
#   memoize: run
framework_id(chain, key) := ids[0] if {
	ids := [f.id |
		some f in object.get(metadata(chain).custom, "frameworks", [])
		f.name == data.lib.core.frameworks[key].name
	]
	count(ids) > 0
} else := ""

# result(chain, verdict) is a control's result: its METADATA with the
# verdict's status, reason, evidence and remediation.
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
	meta := metadata(chain)
}

# resources(verdict) are the AWS resources a verdict is about, typed as
# CloudFormation names them: the chain of a PASS, the trails of a FAIL or
# an ERROR, or else the account. A verdict may give its own.
resources(verdict) := verdict.resources if {
	verdict.resources
} else := chain_resources(verdict.evidence.chain) if {
	verdict.evidence.chain
} else := found if {
	found := [trail_resource(t.trail) | some t in verdict.evidence.trails]
	count(found) > 0
} else := [{"type": "AWS::::Account", "id": input.account_id, "name": input.account_id}]

trail_resource(trail_arn) := {"type": "AWS::CloudTrail::Trail", "id": trail_arn, "name": trim_prefix(arn(trail_arn).resource, "trail/"), "region": arn(trail_arn).region}

# A metric filter has no ARN: its id is its log group's ARN and its name.
chain_resources(chain) := [
	trail_resource(chain.trail),
	{"type": "AWS::Logs::LogGroup", "id": log_group, "name": trim_prefix(arn(log_group).resource, "log-group:"), "region": arn(log_group).region},
	{"type": "AWS::Logs::MetricFilter", "id": sprintf("%s:metric-filter:%s", [log_group, chain.metric_filter]), "name": chain.metric_filter, "region": arn(log_group).region},
	{"type": "AWS::CloudWatch::Alarm", "id": alarm_id(chain), "name": chain.alarm, "region": arn(log_group).region},
	{"type": "AWS::SNS::Topic", "id": chain.topic, "name": arn(chain.topic).resource, "region": arn(chain.topic).region},
] if {
	log_group := trim_suffix(chain.log_group, ":*")
}

alarm_id(chain) := chain.alarm_arn if {
	object.get(chain, "alarm_arn", "") != ""
} else := chain.alarm

# --- fixes ---

# A fix is a list of steps, data rather than shell text: evaluate shows
# each step as a command line (fix_text), and trailwatch remediate quotes
# the same steps for bash or writes them as CloudFormation.
#
# call(service, operation, region, args) is one AWS CLI call. args are
# [option, value] pairs, or [option] for a flag, in the order given; every
# value is a string (a JSON document is given as its text).
call(service, operation, region, args) := {"service": service, "operation": operation, "region": region, "args": args}

# creates(step, code) is a call that creates something, and fails with
# the error code when it exists already: a script runs it once, and a
# second run goes on.
creates(step, code) := object.union(step, {"exists": code})

# replaces(step, name) is a call that changes a resource that exists (a
# filter or an alarm put again under its own name): CloudFormation cannot
# take over a resource it did not create, so a template lists the step.
replaces(step, name) := object.union(step, {"replaces": name})

# unless(step, check, query, value) is a step taken only when a read-only
# call, check (lib.core.call), does not answer value to the JMESPath
# query (as aws --output text prints it): what is already so is not done
# again, as when a trail that logs is started again and its
# StartLoggingTime moves.
unless(step, check, query, value) := object.union(step, {"unless": object.union(check, {"query": query, "equals": value})})

# subscribe(topic_arn) subscribes a person to a topic: the endpoint is the
# user's (remediate --notify), and they must confirm the subscription.
subscribe(topic_arn) := {
	"service": "sns",
	"operation": "subscribe",
	"region": arn(topic_arn).region,
	"args": [["--topic-arn", topic_arn], ["--protocol", "email"], ["--notification-endpoint", "<address>"]],
	"notify": true,
}

# enable_key(key) enables a KMS key (a record of kms_keys), cancelling
# its deletion first when it is pending.
enable_key(key) := [
	creates(call("kms", "cancel-key-deletion", region, [["--key-id", key.KeyMetadata.KeyId]]), "KMSInvalidStateException"),
	call("kms", "enable-key", region, [["--key-id", key.KeyMetadata.KeyId]]),
] if {
	key.KeyMetadata.KeyState == "PendingDeletion"
	region := arn(key.KeyMetadata.Arn).region
} else := [call("kms", "enable-key", arn(key.KeyMetadata.Arn).region, [["--key-id", key.KeyMetadata.KeyId]])]

# manual(text) is a step trailwatch does not take for the user: a value
# only they know, or a policy it would have to rewrite whole. remediate
# lists it, with its reason, and fixes the rest.
manual(text) := {"manual": text}

# command(step) is a step as a command line to copy and paste.
command(step) := step.manual if {
	step.manual
} else := concat("", [line, ", then confirm the subscription"]) if {
	step.notify
	line := call_line(step)
} else := call_line(step)

call_line(step) := concat(" ", array.concat(
	["aws", step.service, step.operation, "--region", shell_word(step.region)],
	[concat(" ", array.concat([arg[0]], [shell_word(value) | some value in array.slice(arg, 1, count(arg))])) | some arg in step.args],
))

# fix_text(steps) is a fix as evaluate shows it: a command line a step;
# "" when the report reads neither remediation nor evidence (input.needs),
# as the text format does: most FAIL verdicts of an organization would
# otherwise write commands nobody reads.
fix_text(steps) := concat("\n", [command(step) | some step in steps]) if {
	texts_read
} else := ""

# texts_read: a result's remediation text, or its evidence, is read.
texts_read if not input.needs

texts_read if input.needs.remediation

texts_read if input.needs.evidence

# steps(fix) are the steps of a fix given as steps, as a manual text, or
# as "" (nothing to do).
steps(fix) := fix if {
	is_array(fix)
} else := [] if {
	fix == ""
} else := [manual(fix)]

# --- words for a person ---

# shell_word(text) is text as one word of a shell command line, for the
# commands a remediation gives to copy and paste: bare when it holds only
# characters no shell treats specially, in single quotes otherwise, and
# as $'...' (bash, zsh, ksh, POSIX.1-2024 sh) when it holds control
# characters, which are written as escapes. A name from a snapshot (a
# filter may be called "x; curl ... | sh", a pattern may hold a quote)
# never runs as a command.
shell_word(text) := text if {
	regex.match(`^[A-Za-z0-9_./:=,@%+-]+$`, text)
} else := concat("", ["$'", strings.replace_n(ansi_c_escapes, text), "'"]) if {
	regex.match(`[\x00-\x1f\x7f]`, text)
} else := concat("", ["'", replace(text, "'", `'\''`), "'"])

ansi_c_escapes := object.union(
	{"\\": `\\`, "'": `\'`},
	{character: sprintf(`\x%02x`, [code]) |
		some code in array.concat(numbers.range(0, 31), [127])
		character := control_character[code]
	},
)

control_character := {
	0: "\u0000", 1: "\u0001", 2: "\u0002", 3: "\u0003", 4: "\u0004", 5: "\u0005", 6: "\u0006", 7: "\u0007",
	8: "\b", 9: "\t", 10: "\n", 11: "\u000b", 12: "\f", 13: "\r", 14: "\u000e", 15: "\u000f",
	16: "\u0010", 17: "\u0011", 18: "\u0012", 19: "\u0013", 20: "\u0014", 21: "\u0015", 22: "\u0016", 23: "\u0017",
	24: "\u0018", 25: "\u0019", 26: "\u001a", 27: "\u001b", 28: "\u001c", 29: "\u001d", 30: "\u001e", 31: "\u001f",
	127: "\u007f",
}

# --- grouping ---

# group(pairs) turns [key, value] pairs into an object of each key's
# values, in their order: the pairs (with their index, to keep the order)
# are sorted and each key's values are the run from where the key starts
# to where the next one does, so grouping costs time in proportion to the
# pairs (and a sort), never to their square.
group(pairs) := {sorted[at][0]: [pairs[entry[1]][1] | some entry in array.slice(sorted, at, ends[i])] |
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
