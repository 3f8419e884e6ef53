# METADATA
# title: trailwatch library, the strict reading of a filter
# description: |
#   Security Hub's CloudWatch.1 to .14 "fail if the exact metric filters
#   prescribed by CIS are not used. Additional fields or terms cannot be
#   added to the metric filters" (its user guide, for every one of them).
#   It reads the pattern's text, not what it matches: users report that a
#   pattern differing from CIS's only in its parentheses fails (issue 32 of
#   aws-quickstart/quickstart-compliance-cis-benchmark), while the guide's
#   own patterns differ from CIS's in their spacing. trailwatch's strict
#   reading (evaluate --strict) therefore compares the pattern with each of
#   the benchmark's texts for the version being applied, whitespace
#   removed: quotes, parentheses, order and extra terms count. Without
#   --strict, a PASS whose filter is not the benchmark's text says so, and
#   names Security Hub only for a control it has.
package lib.monitoring.strict

strict := object.get(input, "strict", false)

# literal(pattern, control): the pattern is one of the benchmark's texts
# for the version applied, whitespace removed.
literal(pattern, control) if regex.replace(pattern, `\s+`, "") in control.texts

acceptable(pattern, control) if acceptable_as(pattern, control, strict)

# acceptable_as(pattern, control, strict_reading): as acceptable, the
# reading given.
acceptable_as(pattern, control, true) if literal(pattern, control)

acceptable_as(_, _, false)

# reader(control) names who reads the text: evaluate --strict, and Security
# Hub's control when the control has one.
reader(control) := sprintf("evaluate --strict, and Security Hub's %s, which reads the text,", [control.security_hub]) if {
	control.security_hub != ""
} else := "evaluate --strict"

text_note(filter, control) := sprintf("; note: filter %s is not the benchmark's text, so %s would fail it", [filter.filterName, reader(control)]) if {
	not literal(filter.filterPattern, control)
} else := ""
