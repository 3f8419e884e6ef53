# METADATA
# title: every monitoring control, its generic cases
# description: |
#   Each test walks every control of the family (data.controls.monitoring)
#   and checks, from the control's own data, what holds for all of them:
#   its benchmark pattern passes with a complete chain and its METADATA;
#   the pattern written otherwise (values quoted, clauses reordered,
#   newlines, a guard on the event source) still passes; the pattern
#   broken the ways people break it (an event dropped, && for ||, one kind
#   of caller, successful calls only, every call) fails, saying why. A
#   control's own test file keeps only what is its own. Each test lists
#   the controls it fails for.
package lib.monitoring.controls_test

import data.lib.core.fixture
import data.lib.monitoring.records

# ids are the family's controls: the packages under data.controls.monitoring
# with monitoring data (read by key, so that no control's rules run).
ids := {id | data.controls.monitoring[id].monitoring}

# spec(id) is a control's data.
spec(id) := data.controls.monitoring[id].monitoring

newest := records.versions[count(records.versions) - 1]

benchmark(id) := records.patterns(spec(id), newest)[0]

result_for(id, pattern) := result if {
	result := data.controls.monitoring[id].result with input as fixture.snapshot([fixture.with_pattern(pattern)])
}

status(id, pattern) := result_for(id, pattern).status

# event_lists are the controls whose data is a list of events crossed with
# callers (CIS 4.4 and 4.5, 4.7 to 4.15), whose benchmark patterns are a
# disjunction of event names, maybe behind an event-source guard.
event_lists := {id |
	some id in ids
	count(object.get(spec(id), "events", [])) > 0
	count(object.get(spec(id), "records", [])) == 0
}

event_names(pattern) := [match[1] | some match in regex.find_all_string_submatch_n(`\$\.eventName\s*=\s*"?([A-Za-z]+)"?`, pattern, -1)]

guard(pattern) := match[1] if {
	match := regex.find_all_string_submatch_n(`\$\.eventSource\s*=\s*"?([a-z0-9.]+)"?`, pattern, 1)[0]
} else := ""

# disjunction(names, source) is a filter for these event names, guarded by
# an event source when one is given.
disjunction(names, "") := sprintf("{ %s }", [concat(" || ", [sprintf("($.eventName = %s)", [name]) | some name in names])])

disjunction(names, source) := sprintf("{ ($.eventSource = %s) && (%s) }", [source, concat(" || ", [sprintf("($.eventName = %s)", [name]) | some name in names])]) if source != ""

# inner(pattern) is the pattern without its braces, to add a condition.
inner(pattern) := trim_space(trim(trim_space(pattern), "{}"))

# --- what passes ---

test_benchmark_pattern_passes_with_the_chain_and_metadata if {
	failing := {id |
		some id in ids
		not benchmark_passes(id)
	}
	print("failing:", failing)
	count(failing) == 0
}

benchmark_passes(id) if {
	result := result_for(id, benchmark(id))
	result.status == "PASS"
	startswith(result.reason, sprintf("%s: trail main -> log group cloudtrail-logs -> filter probe", [spec(id).text.pass]))
	result.control_id != ""
	result.title != ""
	result.severity in {"informational", "low", "medium", "high", "critical"}
	count(result.frameworks) > 0
}

# edges(id): the benchmark versions at which what a control's spec says
# changes (an entry begins or retires), the ones just before them, and the
# first and the last; the versions between two edges read the spec alike.
edges(id) := {records.versions[i] |
	some i in numbers.range(0, count(records.versions) - 1)
	edge(id, i)
}

edge(_, 0)

edge(_, i) if i == count(records.versions) - 1

edge(id, i) if changes(id, i)

edge(id, i) if changes(id, i + 1)

changes(id, i) if {
	i > 0
	entries_at(id, records.versions[i]) != entries_at(id, records.versions[i - 1])
}

entries_at(id, version) := {j | some j, entry in spec(id).benchmark; records.applies(entry, version)}

test_every_benchmark_pattern_passes_its_versions if {
	failing := {sprintf("%s %s: %s", [id, version, result.reason]) |
		some id in ids
		some entry in spec(id).benchmark
		not entry.text_only
		some version in edges(id)
		records.applies(entry, version)
		result := data.controls.monitoring[id].result with input as object.union(fixture.snapshot([fixture.with_pattern(entry.pattern)]), {"benchmark": version})
		result.status != "PASS"
	}
	print("failing:", failing)
	count(failing) == 0
}

test_pass_written_otherwise if {
	failing := {sprintf("%s: %s", [id, pattern]) |
		some id in event_lists
		names := event_names(benchmark(id))
		source := guard(benchmark(id))
		some pattern in [
			regex.replace(benchmark(id), `\s+`, ""),
			replace(benchmark(id), "||", "||\n   "),
			disjunction(array.reverse(names), source),
			replace(disjunction(names, source), " = ", ` = "`),
		]
		written := regex.replace(pattern, `= "([A-Za-z.0-9]+)\)`, `= "${1}")`)
		status(id, written) != "PASS"
	}
	print("failing:", failing)
	count(failing) == 0
}

# A guard on the source of the events takes nothing away.
test_pass_with_an_event_source_guard if {
	failing := {id |
		some id in event_lists
		sources := {event.eventSource | some event in spec(id).events}
		count(sources) == 1
		some source in sources
		status(id, disjunction(event_names(benchmark(id)), source)) != "PASS"
	}
	print("failing:", failing)
	count(failing) == 0
}

# --- what fails, saying why ---

fails_saying(id, pattern, text) if {
	result := result_for(id, pattern)
	result.status == "FAIL"
	startswith(result.reason, spec(id).text.fail)
	contains(result.reason, text)
}

test_fail_an_event_missed if {
	failing := {id |
		some id in event_lists
		names := event_names(benchmark(id))
		count(names) > 1
		dropped := names[count(names) - 1]
		not fails_saying(id, disjunction(array.slice(names, 0, count(names) - 1), guard(benchmark(id))), sprintf("misses %s", [dropped]))
	}
	print("failing:", failing)
	count(failing) == 0
}

test_fail_and_instead_of_or if {
	failing := {id |
		some id in event_lists
		count(event_names(benchmark(id))) > 1
		not fails_saying(id, replace(benchmark(id), "||", "&&"), "misses")
	}
	print("failing:", failing)
	count(failing) == 0
}

# A filter aimed at one kind of caller lets the others act unseen.
test_fail_only_assumed_roles if {
	failing := {id |
		some id in event_lists
		not fails_saying(id, sprintf("{ (%s) && ($.userIdentity.type = AssumedRole) }", [inner(benchmark(id))]), "only when called by")
	}
	print("failing:", failing)
	count(failing) == 0
}

test_fail_only_successful_calls if {
	failing := {id |
		some id in event_lists
		not fails_saying(id, sprintf("{ (%s) && ($.errorCode NOT EXISTS) }", [inner(benchmark(id))]), "only when called by")
	}
	print("failing:", failing)
	count(failing) == 0
}

# A filter that matches every call matches routine traffic too: its alarm
# would be in ALARM most of the time, so it serves no control whose
# benchmark text it is not.
test_fail_catch_all_matches_routine_traffic if {
	failing := {id |
		some id in ids
		not fails_saying(id, "{ $.eventName = * }", "also matches routine traffic (instances described (DescribeInstances) by an assumed role")
	}
	print("failing:", failing)
	count(failing) == 0
}

# The METADATA remediation gives the newest benchmark pattern (load checks
# it; this says so for every shipped control).
test_remediation_gives_the_benchmark_pattern if {
	failing := {id |
		some id in ids
		count(data.controls.monitoring[id].problems) > 0
	}
	print("failing:", failing)
	count(failing) == 0
}
