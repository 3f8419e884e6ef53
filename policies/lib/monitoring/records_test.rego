package lib.monitoring.records_test

import data.lib.monitoring.records

spec := {
	"name": "Probe",
	"text": {"pass": "p", "fail": "f", "unrecorded": "u"},
	"benchmark": [{"pattern": "{ $.eventName = StopLogging }"}],
	"events": [{"eventSource": "cloudtrail.amazonaws.com", "eventName": "StopLogging"}],
}

test_no_problems if count(records.problems(spec)) == 0

test_problem_unknown_caller if `monitoring: unknown caller "robot" (lib/monitoring/data.json has root_console, iam_user_cli, assumed_role_sdk, sso_console, federated_user, iam_user_denied)` in records.problems(object.union(spec, {"callers": ["robot"]}))

test_problem_event_without_name if "monitoring.events[0] needs an eventSource and an eventName" in records.problems(object.union(spec, {"events": [{"eventSource": "cloudtrail.amazonaws.com"}]}))

test_problem_record_without_label if "monitoring.records[0] needs a label and a patch" in records.problems(object.union(spec, {"records": [{"patch": {}}]}))

test_problem_unknown_version if {
	some p in records.problems(object.union(spec, {"benchmark": [{"pattern": "{ $.eventName = StopLogging }", "since": "v9.0.0"}]}))
	startswith(p, `monitoring: unknown benchmark version "v9.0.0"`)
}

test_problem_pattern_does_not_parse if {
	some p in records.problems(object.union(spec, {"benchmark": [{"pattern": "{ $.eventName = "}]}))
	contains(p, "does not parse")
}

test_text_only_pattern_is_no_problem if count(records.problems(object.union(spec, {"benchmark": [{"pattern": "{ $.eventName = StopLogging }"}, {"pattern": "{ $.a = b c }", "text_only": true}]}))) == 0

test_problem_nothing_to_catch if "monitoring has no record a filter must catch in benchmark v7.0.0" in records.problems(object.union(spec, {"events": [{"eventSource": "x", "eventName": "Y", "before": "v1.4.0"}]}))

test_problem_missing_fields if {
	ps := records.problems({"events": []})
	"monitoring.name is missing" in ps
	"monitoring.benchmark is missing" in ps
}

# Records cross events with callers, keep the event's own fields over the
# caller's, and give refused callers the control's refusal.
test_records_cross_events_with_callers if {
	rs := records.required(object.union(spec, {"refusal": {"errorCode": "Client.UnauthorizedOperation"}}), "v7.0.0")
	count(rs) == 6
	some r in rs
	r.label == "StopLogging by an IAM user with MFA, refused (AccessDenied)"
	r.record.errorCode == "Client.UnauthorizedOperation"
	r.record.eventName == "StopLogging"
	r.record.userIdentity.userName == "erin"
}

test_records_by_version if {
	s := object.union(spec, {"events": [
		{"eventSource": "ec2.amazonaws.com", "eventName": "Old", "before": "v5.0.0", "callers": ["root_console"]},
		{"eventSource": "ec2.amazonaws.com", "eventName": "New", "since": "v5.0.0", "callers": ["root_console"]},
	]})
	[r.event | some r in records.required(s, "v4.0.1")] == ["Old"]
	[r.event | some r in records.required(s, "v5.0.0")] == ["New"]
}
