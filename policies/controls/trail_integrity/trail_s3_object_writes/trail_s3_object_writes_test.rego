package controls.trail_integrity.trail_s3_object_writes_test

import data.lib.trail_integrity.probe

# What is this control's own: which selectors record S3 object writes in
# every bucket.

id := "trail_s3_object_writes"

selectors(answer) := probe.with_trails([probe.replacing("GetEventSelectors", answer)])

management := {"ReadWriteType": "All", "IncludeManagementEvents": true}

test_pass_advanced_selector if probe.passes_with(
	id,
	selectors({"AdvancedEventSelectors": [{"Name": "S3 writes", "FieldSelectors": [
		{"Field": "eventCategory", "Equals": ["Data"]},
		{"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
		{"Field": "readOnly", "Equals": ["false"]},
	]}]}),
	`its advanced event selector "S3 writes" records S3 object-level write events of every bucket`,
)

test_pass_write_only_basic_selector if probe.passes(id, selectors({"EventSelectors": [management, {"ReadWriteType": "WriteOnly", "IncludeManagementEvents": false, "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::"]}]}]}))

test_fail_one_bucket_only if {
	r := probe.result(id, selectors({"EventSelectors": [object.union(management, {"DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::payroll/"]}]})]}))
	r.status == "FAIL"
	contains(r.reason, "trail main: it records S3 object-level write events of some buckets only")

	# It records reads of every bucket nowhere either, so the fix records
	# both: the fixes of reads and of writes are then one step.
	contains(r.remediation, `{"IncludeManagementEvents":true,"ReadWriteType":"All"},{"DataResources":[{"Type":"AWS::S3::Object","Values":["arn:aws:s3"]}],"IncludeManagementEvents":false,"ReadWriteType":"All"}`)
}

test_fail_advanced_selector_leaving_buckets_out if probe.fails_with(
	id,
	selectors({"AdvancedEventSelectors": [{"Name": "most", "FieldSelectors": [
		{"Field": "eventCategory", "Equals": ["Data"]},
		{"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
		{"Field": "resources.ARN", "NotStartsWith": ["arn:aws:s3:::scratch/"]},
	]}]}),
	"of some buckets only",
)

test_fail_reads_only if probe.fails_with(id, selectors({"EventSelectors": [management, {"ReadWriteType": "ReadOnly", "IncludeManagementEvents": false, "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]}]}), "it records no S3 object-level write events")

test_fail_no_data_events if probe.fails_with(id, selectors({"EventSelectors": [management]}), "trail main: it records no S3 object-level write events")

test_fail_single_region_trail if probe.fails_with(id, probe.with_trail({"IsMultiRegionTrail": false}), "trail main: it is not multi-region")
