# METADATA
# title: trailwatch library, what a metric filter catches
# description: |
#   A filter pattern is judged by what it matches, with trailwatch's own
#   engine for the CloudWatch Logs filter-pattern language (the built-ins
#   cwlogs.*), against a control's records (lib.monitoring.records): it
#   catches a control's events when it matches every record the control
#   requires; it is noisy when it matches records a well-aimed filter
#   leaves alone; it is stuck when it matches routine traffic, which keeps
#   its alarm in ALARM most of the time. Reasons say what a filter misses
#   in words, and name the filters that come closest.
package lib.monitoring.filters

import data.lib.monitoring.records
import data.lib.monitoring.strict

# METADATA
# description: |
#   How a filter pattern fares on some events: why AWS would refuse it
#   ("" when it would not), and the indices of the events it does not
#   match. The same patterns recur in every account of an organization,
#   so trailwatch computes each answer once per run.
# custom:
#   memoize: run
judge(pattern, events) := {
	"error": cwlogs.filter_error(pattern),
	"unjudged": cwlogs.filter_unjudged(pattern),
	"misses": cwlogs.filter_misses(pattern, events),
}

# judge_for(pattern, events) judges a pattern against the records as the
# judged account's own. The records carry a placeholder account id
# (lib.monitoring.records). A pattern fares alike in every account, and is
# judged once per run on the records as they are, when it holds no digit
# (it cannot tell one twelve-digit id from another) or reads no text that
# holds the placeholder in them (cwlogs.filter_reads: most read only
# eventSource, eventName and the like); only one that does both (scoped to
# an account by its recipientAccountId, say) is judged on the account's
# own, by cwlogs.filter_misses_as, which puts the account's id in the
# records as it matches them (nothing is kept per account).
judge_for(pattern, events) := judge_as(pattern, events, scope(pattern, events))

# scope(pattern, events) is the account a pattern is judged for on some
# events: the judged account when it could tell it from another, else ""
# (any account).
scope(pattern, events) := input.account_id if {
	tells_accounts(pattern, events)
} else := ""

tells_accounts(pattern, events) if {
	has_digit(pattern)
	cwlogs.filter_reads(pattern, events, records.placeholder)
}

# METADATA
# description: Whether a pattern holds a digit; the same patterns recur in
#   every account, so trailwatch answers once per run.
# custom:
#   memoize: run
has_digit(pattern) := regex.match(`[0-9]`, pattern)

# judge_as(pattern, events, account) judges a pattern as account's own
# ("": as the records are). The functions below take the account too, so
# that what depends only on the pattern, the control and the account is
# worked out once per run (good_set).
judge_as(pattern, events, "") := judge(pattern, events)

judge_as(pattern, events, account) := {
	"error": cwlogs.filter_error(pattern),
	"unjudged": cwlogs.filter_unjudged(pattern),
	"misses": cwlogs.filter_misses_as(pattern, events, records.placeholder, account),
} if {
	account != ""
}

catches(pattern, control) if catches_as(pattern, control, scope(pattern, control.events))

catches_as(pattern, control, account) if {
	judgement := judge_as(pattern, control.events, account)
	judgement.error == ""
	judgement.unjudged == ""
	count(judgement.misses) == 0
}

# unjudged(filter, control): trailwatch does not judge the filter's pattern
# (AWS may accept it): it might catch what the control requires, so a
# verdict that needs it is ERROR.
unjudged(filter, control) if judge_for(filter.filterPattern, control.events).unjudged != ""

# missed(pattern, control) are the records a pattern misses.
missed(pattern, control) := [control.records[i] | some i in judge_for(pattern, control.events).misses]

# matched_labels(pattern, entries, events) lists the labels of the records
# a pattern matches.
matched_labels(pattern, entries, events) := matched_labels_as(pattern, entries, events, scope(pattern, events))

# METADATA
# description: The labels of the records a pattern matches, as an
#   account's own ("" for any); the same patterns and records recur in
#   every account, so trailwatch answers once per run.
# custom:
#   memoize: run
matched_labels_as(pattern, entries, events, account) := [entries[i].label |
	judgement := judge_as(pattern, events, account)
	judgement.unjudged == ""
	judgement.error == ""
	some i, _ in events
	not i in {miss | some miss in judgement.misses}
]

# noisy(pattern, control) lists the records a pattern should leave alone
# but matches.
noisy(pattern, control) := matched_labels(pattern, control.ignore, control.ignore_events)

# routine_matched(pattern, control) lists the routine calls a pattern
# matches.
routine_matched(pattern, control) := matched_labels(pattern, control.routine, control.routine_events)

# stuck(pattern, control): a pattern that matches routine traffic keeps its
# alarm in ALARM most of the time, and one more event changes nothing. It
# serves only the control whose benchmark text it is (4.1 at v1.4.0 to
# v3.0.0 matches nearly every call: it passes that control, noisily), and
# no other.
stuck(pattern, control) if stuck_as(pattern, control, scope(pattern, control.routine_events))

stuck_as(pattern, control, account) if {
	count(matched_labels_as(pattern, control.routine, control.routine_events, account)) > 0
	not strict.literal(pattern, control)
}

# good(pattern, control): the pattern serves the control.
good(pattern, control) if pattern in good_among({pattern}, control)

# good_among(patterns, control) are the patterns of a set that serve the
# control.
good_among(patterns, control) := good_set(patterns, control, strict.strict, set_scope(patterns, control))

# set_scope(patterns, control) is the judged account when a pattern of the
# set could tell it from another in the records that decide whether it
# serves the control, else "".
set_scope(patterns, control) := input.account_id if {
	some_reads_account(patterns, control)
} else := ""

# METADATA
# description: Whether a pattern of a set could tell one account from
#   another in the records that decide whether it serves a control (true
#   or false); the same sets recur in every account, so trailwatch answers
#   once per run.
# custom:
#   memoize: run
some_reads_account(patterns, control) if {
	some pattern in patterns
	reads_account(pattern, control)
} else := false

# METADATA
# description: |
#   Whether a pattern of a set could tell one account from another in any
#   of a control's records (true or false): those it must catch, those it
#   should leave alone, routine calls. Answered once per run.
# custom:
#   memoize: run
any_reads_account(patterns, control) if {
	some pattern in patterns
	some events in [control.events, control.ignore_events, control.routine_events]
	tells_accounts(pattern, events)
} else := false

reads_account(pattern, control) if tells_accounts(pattern, control.events)

reads_account(pattern, control) if tells_accounts(pattern, control.routine_events)

# good_scope(pattern, control, account): the account a pattern is judged
# for, to tell whether it serves the control.
good_scope(pattern, control, account) := account if {
	reads_account(pattern, control)
} else := ""

# METADATA
# description: |
#   The patterns of a set that serve a control, under the strict reading or
#   not, for an account ("" when no pattern could tell accounts apart). The
#   accounts of an organization have the same patterns on their log
#   groups, so trailwatch answers once per run for each set.
# custom:
#   memoize: run
good_set(patterns, control, strict_reading, account) := {pattern |
	some pattern in patterns
	good_as(pattern, control, strict_reading, good_scope(pattern, control, account))
}

# METADATA
# description: |
#   Whether a pattern serves a control (true or false), under the strict
#   reading or not, for an account ("" for any). Every account of an
#   organization asks it of the same patterns, so trailwatch answers once
#   per run.
# custom:
#   memoize: run
good_as(pattern, control, strict_reading, account) if {
	catches_as(pattern, control, account)
	strict.acceptable_as(pattern, control, strict_reading)
	not stuck_as(pattern, control, account)
} else := false

noise_note(filter, control) := sprintf("; note: filter %s also matches %s, so its alarm will be noisy", [filter.filterName, concat(", ", labels)]) if {
	labels := array.concat(noisy(filter.filterPattern, control), routine_matched(filter.filterPattern, control))
	count(labels) > 0
} else := ""

# problem(filter, control) says what keeps a filter from serving a control.
problem(filter, control) := sprintf("trailwatch cannot judge filter %s (%s)", [filter.filterName, judge_for(filter.filterPattern, control.events).unjudged]) if {
	unjudged(filter, control)
} else := sprintf("filter %s does not parse (%s)", [filter.filterName, cwlogs.filter_error(filter.filterPattern)]) if {
	cwlogs.filter_error(filter.filterPattern) != ""
} else := sprintf("filter %s catches what it must, but it also matches routine traffic (%s), so its alarm would be in ALARM most of the time and one more event would change nothing; only this control's own benchmark text may match that much", [filter.filterName, concat(", ", routine_matched(filter.filterPattern, control))]) if {
	catches(filter.filterPattern, control)
	stuck(filter.filterPattern, control)
} else := sprintf("filter %s catches what it must, but its pattern is not the benchmark's text, which the strict reading (%s) requires", [filter.filterName, strict.reader(control)]) if {
	catches(filter.filterPattern, control)
	not strict.acceptable(filter.filterPattern, control)
} else := sprintf("filter %s publishes no metric", [filter.filterName]) if {
	count(missed(filter.filterPattern, control)) == 0
} else := sprintf("filter %s %s", [filter.filterName, describe_misses(missed(filter.filterPattern, control), control)])

# METADATA
# description: |
#   What a filter misses, in words. Records of an event crossed with
#   callers are told by event: "misses DeleteTrail" when no caller's
#   record is caught, "catches StopLogging only when called by an assumed
#   role" when some are; events that fare alike are told together. The
#   same misses recur in every account, so trailwatch words them once per
#   run.
# custom:
#   memoize: run
describe_misses(misses, control) := concat("; ", array.concat(array.concat(whole, partial), singles)) if {
	missed_labels := {entry.label | some entry in misses}
	missed_events := {entry.event | some entry in misses; entry.event}
	events := unique([entry.event | some entry in control.records; entry.event])
	caught := {event: [entry.caller | some entry in control.records; entry.event == event; not entry.label in missed_labels] | some event in events}
	whole_events := [event | some event in events; event in missed_events; count(caught[event]) == 0]
	whole := [sprintf("misses %s", [concat(", ", whole_events)]) | count(whole_events) > 0]
	partial_events := [event | some event in events; event in missed_events; count(caught[event]) > 0]
	partial := [sprintf("catches %s only when called by %s", [concat(", ", [event | some event in partial_events; caught[event] == callers]), concat(" or ", callers)]) |
		some callers in {caught[event] | some event in partial_events}
	]
	single_labels := [entry.label | some entry in misses; not entry.event]
	singles := [sprintf("misses %s", [concat("; ", single_labels)]) | count(single_labels) > 0]
}

# unique keeps the first of each value, in order.
unique(values) := [value |
	some i, value in values
	not seen_earlier(values, i, value)
]

seen_earlier(values, i, value) if {
	some j, other in values
	j < i
	other == value
}

# catch_count(pattern, events) is how many of some events a pattern
# catches (0 for one that does not parse, or that trailwatch does not
# judge), as the judged account's own.
catch_count(pattern, events) := count(events) - count(judgement.misses) if {
	judgement := judge_for(pattern, events)
	judgement.error == ""
	judgement.unjudged == ""
} else := 0

# closest(path, control) are the filters on the log group that come
# closest to what the control requires: those that catch the most of its
# records, some at least. A reason names them, rather than every filter of
# every other control on the log group.
closest(path, control) := [filter |
	some filter in path.record.metricFilters
	caught := counts[filter.filterPattern]
	caught > 0
	caught == best
] if {
	counts := pattern_counts(path.patterns, control)
	best := max([caught | some caught in counts])
}

# pattern_counts(patterns, control) is how many of a control's records each
# pattern catches: log groups with the same filters share the answer.
pattern_counts(patterns, control) := {pattern: catch_count(pattern, control.events) | some pattern in patterns}

# considered(path, control) are the filters a reason names: the control's
# own (by the name its data gives, or that of its metric) or else the
# closest, and those that do not parse (whatever they meant to catch); when
# none catches anything, each of a few filters (a log group with one or
# two is likely this control's attempt), or none of many.
considered(path, control) := array.concat(named, path.broken) if {
	named := [filter |
		some filter in object.get(path.by_name, control.name, [])
		not filter in path.broken
	]
	count(named) > 0
} else := named if {
	named := array.concat(closest(path, control), path.broken)
	count(named) > 0
} else := path.record.metricFilters if {
	count(path.record.metricFilters) <= 3
} else := []
