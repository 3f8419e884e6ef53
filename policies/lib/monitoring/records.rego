# METADATA
# title: trailwatch library, the CloudTrail records a filter must catch
# description: |
#   A control says what its metric filter must catch as whole CloudTrail
#   records, in its data.json under "monitoring": each a patch over the
#   realistic record in lib/monitoring/data.json, made by one of the callers there
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
package lib.monitoring.records

versions := data.lib.core.frameworks.cis.versions

# benchmark is the CIS benchmark version being applied: input.benchmark,
# which trailwatch evaluate sets, or the newest.
benchmark := object.get(input, "benchmark", versions[count(versions) - 1])

index(version_name) := position if {
	some position, known in versions
	known == version_name
}

# applies(entry, version): an entry belongs to a benchmark version.
applies(entry, version) if {
	index(version) >= index(object.get(entry, "since", versions[0]))
	not retired(entry, version)
}

retired(entry, version) if index(version) >= index(entry.before)

caller(id) := who if {
	some who in data.lib.monitoring.callers
	who.id == id
}

all_callers := [who.id | some who in data.lib.monitoring.callers]

# build(who, patch, spec) is a whole record: the realistic record, made by
# caller who, with the patch over it. A refused call carries the control's
# own error, where its service words refusals differently.
build(who, patch, spec) := object.union_n([
	data.lib.monitoring.record,
	object.get(who, "patch", {}),
	refusal(who, spec),
	patch,
])

refusal(who, spec) := object.get(spec, "refusal", {}) if who.denied

else := {}

entry_fields := ["callers", "since", "before", "label", "caller", "patch"]

# required(spec, version) are the records a control's filter must match, each with a
# label a person can read in a reason.
required(spec, version) := array.concat(
	[{"label": sprintf("%s by %s", [entry.eventName, who.label]), "event": entry.eventName, "caller": who.label, "record": build(who, object.remove(entry, entry_fields), spec)} |
		some entry in object.get(spec, "events", [])
		applies(entry, version)
		some id in object.get(entry, "callers", object.get(spec, "callers", all_callers))
		who := caller(id)
	],
	[single(entry, spec) |
		some entry in object.get(spec, "records", [])
		applies(entry, version)
	],
)

# ignored(spec, version) are the records a well-aimed filter leaves alone.
ignored(spec, version) := [single(entry, spec) |
	some entry in object.get(spec, "ignore", [])
	applies(entry, version)
]

single(entry, spec) := {"label": entry.label, "record": build(caller_of(entry), entry.patch, spec)}

caller_of(entry) := caller(entry.caller) if {
	entry.caller
} else := {}

# placeholder is the account id the realistic records carry (in
# recipientAccountId, userIdentity.accountId, ARNs); a filter is judged on
# them as the judged account's own, with the account's id in its place
# (lib.monitoring.filters.judge_for): a filter scoped to an account (by
# recipientAccountId, say) catches that account's records and not
# another's.
placeholder := "111122223333"

# routine are ordinary successful calls that happen in every account all
# day (lib/monitoring/data.json, "routine"): a filter that matches them keeps its
# alarm in ALARM most of the time.
routine := [single(entry, {}) | some entry in data.lib.monitoring.routine]

# needs(records) are the events a trail must record for these records.
needs(records) := {{"eventSource": entry.record.eventSource, "eventName": entry.record.eventName} | some entry in records}

# patterns(spec, version) are the benchmark's own filter patterns for a
# version, the first being the one its remediation gives.
patterns(spec, version) := [listed.pattern |
	some listed in spec.benchmark
	applies(listed, version)
]

# problems(spec) are what is wrong with a control's data: trailwatch
# refuses to load the policies while there are any, naming the file,
# rather than judge with records that silently dropped out.
problems(spec) := {problem |
	some problem in array.concat(array.concat(spec_problems(spec), entry_problems(spec)), benchmark_problems(spec))
}

spec_problems(spec) := [problem |
	some field in ["name", "text", "benchmark"]
	not spec[field]
	problem := sprintf("monitoring.%s is missing", [field])
] if is_object(spec)

else := ["monitoring is missing, or not an object"]

entry_problems(spec) := array.concat(
	[sprintf("monitoring.events[%d] needs an eventSource and an eventName", [position]) |
		some position, entry in object.get(spec, "events", [])
		not valid_event(entry)
	],
	array.concat(
		[sprintf("monitoring.%s[%d] needs a label and a patch", [list, position]) |
			some list in ["records", "ignore"]
			some position, entry in object.get(spec, list, [])
			not valid_record(entry)
		],
		array.concat(
			[sprintf("monitoring: unknown caller %q (lib/monitoring/data.json has %s)", [id, concat(", ", all_callers)]) |
				some id in named_callers(spec)
				not caller(id)
			],
			[sprintf("monitoring: unknown benchmark version %q in since or before (known: %s)", [version_name, concat(", ", versions)]) |
				some version_name in named_versions(spec)
				not index(version_name)
			],
		),
	),
)

valid_event(entry) if {
	is_string(entry.eventSource)
	is_string(entry.eventName)
}

valid_record(entry) if {
	is_string(entry.label)
	is_object(entry.patch)
}

named_callers(spec) := ({id |
	some entry in object.get(spec, "events", [])
	some id in object.get(entry, "callers", [])
} | {id |
	some id in object.get(spec, "callers", [])
}) | {entry.caller |
	some list in ["records", "ignore"]
	some entry in object.get(spec, list, [])
	entry.caller
}

named_versions(spec) := {version_name |
	some list in ["events", "records", "ignore", "benchmark"]
	some entry in object.get(spec, list, [])
	some field in ["since", "before"]
	version_name := entry[field]
}

benchmark_problems(spec) := array.concat(
	[sprintf("monitoring.benchmark[%d] (%s) does not parse: %s; mark it \"text_only\" if the benchmark prints it so", [position, listed.pattern, cwlogs.filter_error(listed.pattern)]) |
		some position, listed in object.get(spec, "benchmark", [])
		not listed.text_only
		is_string(listed.pattern)
		cwlogs.filter_error(listed.pattern) != ""
	],
	[sprintf("monitoring has no record a filter must catch in benchmark %s", [version_name]) |
		version_name := versions[count(versions) - 1]
		count(required(spec, version_name)) == 0
	],
)

# --- what a control asks of the chain ---
#
# compile(spec, version) turns a control's spec into what the chain needs:
#   records: [{label, record}]   CloudTrail records the filter must match
#                                (events: the records alone)
#   ignore:  [{label, record}]   records a well-aimed filter leaves alone
#   routine: [{label, record}]   ordinary calls no alarm may be built on
#   needs:   [{eventSource, eventName}]  what the trail must record
#   patterns                     the benchmark's own filter patterns
#   texts                        those patterns, whitespace removed, for
#                                the strict reading
#   name, namespace              names a remediation gives new resources
#   text: {pass, fail, unrecorded}      words for the reason
#
# METADATA
# description: The compiled spec; it depends only on the control's data and
#   the benchmark version, so trailwatch computes it once per run.
# custom:
#   memoize: run
compile(spec, version) := {
	"records": required_records,
	"events": [entry.record | some entry in required_records],
	"ignore": ignored_records,
	"ignore_events": [entry.record | some entry in ignored_records],
	"routine": routine,
	"routine_events": [entry.record | some entry in routine],
	"needs": needs(required_records),
	"patterns": patterns(spec, version),
	"texts": {regex.replace(listed.pattern, `\s+`, "") | some listed in spec.benchmark; applies(listed, version)},
	"security_hub": "",
	"name": spec.name,
	"namespace": object.get(spec, "namespace", "CISBenchmark"),
	"text": spec.text,
} if {
	required_records := required(spec, version)
	ignored_records := ignored(spec, version)
}

# remediation_problems(spec, meta): the METADATA remediation must give the
# benchmark's own pattern for the newest version, as the data says it: the
# pattern is written in data.json, and METADATA repeats it for a person,
# so trailwatch checks the two agree when it loads the policies.
remediation_problems(spec, meta) := [sprintf("METADATA custom.remediation does not give the benchmark's pattern for %s (monitoring.benchmark): %s", [newest, pattern]) |
	newest := versions[count(versions) - 1]
	some pattern in patterns(spec, newest)
	pattern == patterns(spec, newest)[0]
	not contains(object.get(meta.custom, "remediation", ""), pattern)
]
