package controls.trail_integrity.trail_s3_object_reads_test

import data.lib.trail_integrity.probe

# What is this control's own: reads, which a write-only selector leaves
# out.

id := "trail_s3_object_reads"

selectors(answer) := probe.with_trails([probe.replacing("GetEventSelectors", answer)])

management := {"ReadWriteType": "All", "IncludeManagementEvents": true}

test_fail_writes_only if probe.fails_with(id, selectors({"EventSelectors": [management, {"ReadWriteType": "WriteOnly", "IncludeManagementEvents": false, "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]}]}), "it records no S3 object-level read events")

test_fail_advanced_writes_only if probe.fails_with(
	id,
	selectors({"AdvancedEventSelectors": [{"Name": "writes", "FieldSelectors": [
		{"Field": "eventCategory", "Equals": ["Data"]},
		{"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
		{"Field": "readOnly", "Equals": ["false"]},
	]}]}),
	"it records no S3 object-level read events",
)

test_pass_advanced_reads_and_writes if probe.passes(id, selectors({"AdvancedEventSelectors": [{"Name": "all objects", "FieldSelectors": [
	{"Field": "eventCategory", "Equals": ["Data"]},
	{"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
]}]}))

test_fail_logging_stopped if probe.fails_with(id, probe.with_trail({"GetTrailStatus": {"IsLogging": false}}), "trail main: logging is stopped")
