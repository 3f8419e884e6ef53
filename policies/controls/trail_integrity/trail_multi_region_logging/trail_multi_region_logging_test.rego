package controls.trail_integrity.trail_multi_region_logging_test

import data.lib.core.fixture
import data.lib.trail_integrity.probe

# What is this control's own: what makes one trail record everything.

id := "trail_multi_region_logging"

test_fail_single_region if probe.fails_with(id, probe.with_trail({"IsMultiRegionTrail": false}), "trail main: it is not multi-region")

test_fail_logging_stopped if {
	r := probe.result(id, probe.with_trail({"GetTrailStatus": {"IsLogging": false}}))
	r.status == "FAIL"
	contains(r.reason, "trail main: logging is stopped")
	r.remediation == "aws cloudtrail start-logging --region us-east-1 --name main"
}

test_fail_write_only if probe.fails_with(
	id,
	probe.with_trails([probe.replacing("GetEventSelectors", {"EventSelectors": [{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": true}]})]),
	"it does not record management events, read and write",
)

test_pass_with_excluded_sources_noted if probe.passes_with(
	id,
	probe.with_trails([probe.replacing("GetEventSelectors", {"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": true, "ExcludeManagementEventSources": ["kms.amazonaws.com"]}]})]),
	"read and write (but not those of kms.amazonaws.com)",
)

# A trail that cannot write its log files records nothing anyone reads.
test_fail_log_files_not_delivered if probe.fails_with(
	id,
	probe.with_trails([probe.replacing("GetTrailStatus", {"IsLogging": true, "LatestDeliveryError": "KMS.DisabledException", "LatestDeliveryTime": "2026-11-10T00:00:00Z"})]),
	"CloudTrail cannot deliver its log files to S3 bucket aws-cloudtrail-logs-111122223333: KMS.DisabledException (its last delivery was at 2026-11-10T00:00:00Z)",
)

test_pass_past_delivery_error_noted if probe.passes_with(
	id,
	probe.with_trail({"GetTrailStatus": {"LatestDeliveryError": "AccessDenied"}}),
	"note: CloudTrail reports an error delivering its log files to S3: AccessDenied",
)

test_error_status_not_collected if probe.errs_with(
	id,
	probe.with_trails([object.remove(fixture.base_trail, ["GetTrailStatus"])]),
	"trail main: its status was not collected (no GetTrailStatus answer in the snapshot)",
)
