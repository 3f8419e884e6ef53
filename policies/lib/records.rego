# METADATA
# title: trailwatch library, the CloudTrail records a filter must catch
# description: |
#   A control says what its metric filter must catch as whole CloudTrail
#   records, in its data.json under "monitoring": each a patch over the
#   realistic record in lib/cis/data.json, made by one of the callers there
#   (the root user in the console, an IAM user with the CLI, an assumed
#   role, an IAM Identity Center user, a federated user, a refused call).
#
#   events    are crossed with the callers (or the event's own "callers"):
#             StopLogging by the root user in the console, by an IAM user
#             with the CLI, ...
#   records   are single records with a label of their own, for what an
#             event name cannot say (an errorCode, MFAUsed, invokedBy)
#   ignore    are records a well-aimed filter leaves alone; a filter that
#             matches one is noisy, which is noted, not failed
#
#   Any entry may say "since" and "before" (benchmark versions), and applies
#   only to the versions in that range.
package lib.records

versions := data.lib.cis.versions

# benchmark is the CIS benchmark version being applied: input.benchmark,
# which trailwatch evaluate sets, or the newest.
benchmark := object.get(input, "benchmark", versions[count(versions) - 1])

index(v) := i if {
	some i, x in versions
	x == v
}

# applies(e, version): an entry belongs to a benchmark version.
applies(e, version) if {
	index(version) >= index(object.get(e, "since", versions[0]))
	not retired(e, version)
}

retired(e, version) if index(version) >= index(e.before)

caller(id) := c if {
	some c in data.lib.cis.callers
	c.id == id
}

all_callers := [c.id | some c in data.lib.cis.callers]

# build(c, patch, spec) is a whole record: the realistic record, made by
# caller c, with the patch over it. A refused call carries the control's
# own error, where its service words refusals differently.
build(c, patch, spec) := object.union_n([
	data.lib.cis.record,
	object.get(c, "patch", {}),
	refusal(c, spec),
	patch,
])

refusal(c, spec) := object.get(spec, "refusal", {}) if c.denied

else := {}

entry_fields := ["callers", "since", "before", "label", "caller", "patch"]

# required(spec, version) are the records a control's filter must match, each with a
# label a person can read in a reason.
required(spec, version) := array.concat(
	[{"label": sprintf("%s by %s", [e.eventName, c.label]), "event": e.eventName, "caller": c.label, "record": build(c, object.remove(e, entry_fields), spec)} |
		some e in object.get(spec, "events", [])
		applies(e, version)
		some id in object.get(e, "callers", object.get(spec, "callers", all_callers))
		c := caller(id)
	],
	[single(r, spec) |
		some r in object.get(spec, "records", [])
		applies(r, version)
	],
)

# ignored(spec, version) are the records a well-aimed filter leaves alone.
ignored(spec, version) := [single(r, spec) |
	some r in object.get(spec, "ignore", [])
	applies(r, version)
]

single(r, spec) := {"label": r.label, "record": build(caller_of(r), r.patch, spec)}

caller_of(r) := caller(r.caller) if {
	r.caller
} else := {}

# placeholder is the account id the realistic records carry (in
# recipientAccountId, userIdentity.accountId, ARNs); for_account puts the
# judged account's own there.
placeholder := "111122223333"

# for_account(events, id) are the events as account id's own: a filter
# scoped to an account (by recipientAccountId, say) catches that
# account's records and not another's.
for_account(events, id) := events if {
	id == placeholder
} else := json.unmarshal(replace(json.marshal(events), placeholder, id))

# routine are ordinary successful calls that happen in every account all
# day (lib/cis/data.json, "routine"): a filter that matches them keeps its
# alarm in ALARM most of the time.
routine := [single(r, {}) | some r in data.lib.cis.routine]

# needs(records) are the events a trail must record for these records.
needs(records) := {{"eventSource": r.record.eventSource, "eventName": r.record.eventName} | some r in records}

# patterns(spec, version) are the benchmark's own filter patterns for a
# version, the first being the one its remediation gives.
patterns(spec, version) := [b.pattern |
	some b in spec.benchmark
	applies(b, version)
]

# problems(spec) are what is wrong with a control's data: trailwatch
# refuses to load the policies while there are any, naming the file,
# rather than judge with records that silently dropped out.
problems(spec) := {p |
	some p in array.concat(array.concat(spec_problems(spec), entry_problems(spec)), benchmark_problems(spec))
}

spec_problems(spec) := [p |
	some field in ["name", "text", "benchmark"]
	not spec[field]
	p := sprintf("monitoring.%s is missing", [field])
] if is_object(spec)

else := ["monitoring is missing, or not an object"]

entry_problems(spec) := array.concat(
	[sprintf("monitoring.events[%d] needs an eventSource and an eventName", [i]) |
		some i, e in object.get(spec, "events", [])
		not valid_event(e)
	],
	array.concat(
		[sprintf("monitoring.%s[%d] needs a label and a patch", [list, i]) |
			some list in ["records", "ignore"]
			some i, r in object.get(spec, list, [])
			not valid_record(r)
		],
		array.concat(
			[sprintf("monitoring: unknown caller %q (lib/cis/data.json has %s)", [id, concat(", ", all_callers)]) |
				some id in named_callers(spec)
				not caller(id)
			],
			[sprintf("monitoring: unknown benchmark version %q in since or before (known: %s)", [v, concat(", ", versions)]) |
				some v in named_versions(spec)
				not index(v)
			],
		),
	),
)

valid_event(e) if {
	is_string(e.eventSource)
	is_string(e.eventName)
}

valid_record(r) if {
	is_string(r.label)
	is_object(r.patch)
}

named_callers(spec) := ({id |
	some e in object.get(spec, "events", [])
	some id in object.get(e, "callers", [])
} | {id |
	some id in object.get(spec, "callers", [])
}) | {r.caller |
	some list in ["records", "ignore"]
	some r in object.get(spec, list, [])
	r.caller
}

named_versions(spec) := {v |
	some list in ["events", "records", "ignore", "benchmark"]
	some e in object.get(spec, list, [])
	some field in ["since", "before"]
	v := e[field]
}

benchmark_problems(spec) := array.concat(
	[sprintf("monitoring.benchmark[%d] (%s) does not parse: %s; mark it \"text_only\" if the benchmark prints it so", [i, b.pattern, cwlogs.filter_error(b.pattern)]) |
		some i, b in object.get(spec, "benchmark", [])
		not b.text_only
		is_string(b.pattern)
		cwlogs.filter_error(b.pattern) != ""
	],
	[sprintf("monitoring has no record a filter must catch in benchmark %s", [v]) |
		v := versions[count(versions) - 1]
		count(required(spec, v)) == 0
	],
)
