package lib.monitoring.strict_test

import data.lib.core.fixture
import data.lib.monitoring
import data.lib.monitoring.probe
import data.lib.monitoring.records

test_pass_benchmark_text_strictly if probe.strict_result(fixture.with_pattern("{($.eventName=StopLogging)||($.eventName=DeleteTrail)}")).status == "PASS"

test_fail_other_text_strictly if {
	r := probe.strict_result(fixture.with_pattern(probe.reordered))
	r.status == "FAIL"
	contains(r.reason, "filter probe catches what it must, but its pattern is not the benchmark's text, which the strict reading (evaluate --strict) requires")
	startswith(r.remediation, "aws logs put-metric-filter --region us-east-1 --log-group-name cloudtrail-logs --filter-name probe --metric-transformations '[{\"metricName\":\"probe\",\"metricNamespace\":\"CISBenchmark\",\"metricValue\":\"1\"}]' --filter-pattern '{ ($.eventName = StopLogging) || ($.eventName = DeleteTrail) }'")
}

test_pass_other_text_notes_the_strict_reading if {
	r := probe.result_for(fixture.with_pattern(probe.reordered))
	r.status == "PASS"
	contains(r.reason, "; note: filter probe is not the benchmark's text, so evaluate --strict would fail it")
}

# Security Hub is named only for a control it has.
test_pass_other_text_notes_security_hub if {
	r := monitoring.verdict(object.union(records.compile(probe.spec, "v7.0.0"), {"security_hub": "CloudWatch.5"})) with input as fixture.snapshot([fixture.with_pattern(probe.reordered)])
	contains(r.reason, "; note: filter probe is not the benchmark's text, so evaluate --strict, and Security Hub's CloudWatch.5, which reads the text, would fail it")
}
