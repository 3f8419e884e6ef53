package controls.trail_integrity.trail_cloudwatch_logs_delivery_test

import data.lib.core.fixture
import data.lib.trail_integrity.probe

# What is this control's own: a log group named, and a delivery there
# within the day before the snapshot.

id := "trail_cloudwatch_logs_delivery"

test_fail_no_log_group if probe.fails_with(id, probe.with_trails([object.remove(fixture.base_trail, ["CloudWatchLogsLogGroupArn"])]), "trail main: it delivers to no CloudWatch Logs log group")

test_fail_never_delivered if probe.fails_with(id, probe.with_trails([probe.replacing("GetTrailStatus", {"IsLogging": true})]), "trail main: CloudTrail has never delivered its events to CloudWatch Logs")

test_fail_delivery_too_old if probe.fails_with(
	id,
	probe.with_trail({"GetTrailStatus": {"LatestCloudWatchLogsDeliveryTime": "2026-11-17T12:00:00Z"}}),
	"CloudTrail last delivered its events to CloudWatch Logs at 2026-11-17T12:00:00Z, 3 days before the snapshot was collected (2026-11-20T12:00:00Z)",
)

test_error_without_collection_time if {
	r := probe.result(id, object.remove(probe.base, ["collected_at"]))
	r.status == "ERROR"
	contains(r.reason, "the snapshot does not say when it was collected")
}

test_pass_names_log_group if probe.passes_with(id, probe.base, "it delivers to log group cloudtrail-logs, last at 2026-11-20T11:56:00Z")
