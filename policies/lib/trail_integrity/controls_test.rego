package lib.trail_integrity.controls_test

import data.lib.core.fixture
import data.lib.trail_integrity.probe

# The cases every control of the family shares, walked over each: a
# control's own tests keep only what is its own.

test_every_control_passes_the_fixture if {
	failing := {sprintf("%s: %s", [id, r.reason]) |
		some id in probe.ids
		r := probe.result(id, probe.base)
		r.status != "PASS"
	}
	print("failing:", failing)
	count(failing) == 0
}

test_every_control_fails_without_a_trail if {
	wrong := {sprintf("%s: %s %s", [id, r.status, r.reason]) |
		some id in probe.ids
		r := probe.result(id, probe.with_trails([]))
		not fails_for_want_of_a_trail(r)
	}
	print("wrong:", wrong)
	count(wrong) == 0
}

fails_for_want_of_a_trail(r) if {
	r.status == "FAIL"
	endswith(r.reason, ": no CloudTrail trail records this account's events")
	startswith(r.remediation, "aws cloudtrail create-trail")
}

test_every_control_errs_without_its_account if {
	wrong := {sprintf("%s: %s %s", [id, r.status, r.reason]) |
		some id in probe.ids
		r := probe.result(id, probe.input_with([], {"errors": [fixture.failed("sts", "AssumeRole", "", "AccessDenied")]}))
		not r.status == "ERROR"
	}
	count(wrong) == 0
}

# A result carries the control's METADATA, and names what it is about.
test_every_result_carries_its_metadata if {
	wrong := {id |
		some id in probe.ids
		r := probe.result(id, probe.base)
		not complete(r)
	}
	count(wrong) == 0
}

complete(r) if {
	r.control_id != ""
	r.title != ""
	r.severity in {"informational", "low", "medium", "high", "critical"}
	count(r.frameworks) > 0
	r.resources[0].id == fixture.trail_arn
}

# Every control of the family reads its data, and finds nothing wrong in
# it.
test_every_control_has_sound_data if {
	wrong := {id |
		some id in probe.ids
		count(data.controls.trail_integrity[id].problems) > 0
	}
	count(wrong) == 0
}
