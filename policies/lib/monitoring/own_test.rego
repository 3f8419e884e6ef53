# METADATA
# title: helpers for a monitoring control's own tests
# description: |
#   A control's own tests judge patterns of its own with its records; the
#   chain around the filter is the shared fixture (lib.core.fixture), and
#   the generic cases are tested once for every control
#   (lib/monitoring/controls_test.rego).
package lib.monitoring.own

import data.lib.core.fixture
import data.lib.monitoring.records

# benchmark(id) is the control's benchmark pattern for the newest version,
# as its data gives it.
benchmark(id) := records.patterns(data.controls.monitoring[id].monitoring, records.versions[count(records.versions) - 1])[0]

# pattern_in(id, version) is its benchmark pattern for a version.
pattern_in(id, version) := records.patterns(data.controls.monitoring[id].monitoring, version)[0]

result_for(id, pattern) := result if {
	result := data.controls.monitoring[id].result with input as fixture.snapshot([fixture.with_pattern(pattern)])
}

result_in(id, version, pattern) := result if {
	result := data.controls.monitoring[id].result with input as object.union(fixture.snapshot([fixture.with_pattern(pattern)]), {"benchmark": version})
}

passes(id, pattern) if result_for(id, pattern).status == "PASS"

fails_with(id, pattern, text) if {
	result := result_for(id, pattern)
	result.status == "FAIL"
	contains(result.reason, text)
}
