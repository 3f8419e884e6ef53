# METADATA
# title: helpers for the trail integrity family's tests
# description: |
#   The shared fixture (lib.core.fixture) is an account whose trail passes
#   every control of the family; tests change one thing in it and judge a
#   control, by its directory name, or the library with a spec of their
#   own.
package lib.trail_integrity.probe

import data.lib.core.fixture
import data.lib.trail_integrity

# region is the fixture's home region, with the trail's key.
region := fixture.with_pattern("{ $.eventName = StopLogging }")

# input_with(regions, account_patch) is the fixture's input with these
# regions and the account's other members replaced by account_patch's.
input_with(regions, account_patch) := object.union(fixture.snapshot(regions), {"accounts": [object.union(
	object.remove(fixture.snapshot(regions).accounts[0], object.keys(account_patch)),
	account_patch,
)]})

base := input_with([region], {})

# with_trail(patch) is the input whose trail is changed by patch
# (object.union: nested objects merge).
with_trail(patch) := input_with([object.union(region, {"trails": [object.union(fixture.base_trail, patch)]})], {})

# with_trails(trails) is the input whose home region lists these trails.
with_trails(trails) := input_with([object.union(region, {"trails": trails})], {})

# replacing(field, value) is the fixture's trail with one member replaced
# whole, not merged.
replacing(field, value) := object.union(object.remove(fixture.base_trail, [field]), {field: value})

# with_bucket(patch) is the input whose trail's bucket reading is changed;
# replace_in_bucket replaces members whole.
with_bucket(patch) := input_with([region], {"s3_buckets": [object.union(fixture.base_bucket, patch)]})

bucket_without(fields, account_patch) := input_with([region], object.union({"s3_buckets": [object.remove(fixture.base_bucket, fields)]}, account_patch))

# result(id, input_value) is control id's result for the fixture account.
result(id, input_value) := r if {
	r := data.controls.trail_integrity[id].result with input as input_value
}

passes(id, input_value) if result(id, input_value).status == "PASS"

fails_with(id, input_value, text) if {
	r := result(id, input_value)
	r.status == "FAIL"
	contains(r.reason, text)
}

errs_with(id, input_value, text) if {
	r := result(id, input_value)
	r.status == "ERROR"
	contains(r.reason, text)
}

passes_with(id, input_value, text) if {
	r := result(id, input_value)
	r.status == "PASS"
	contains(r.reason, text)
}

# verdict(spec, input_value) is the library's verdict for a spec of the
# test's own.
verdict(spec, input_value) := v if {
	v := trail_integrity.verdict(spec) with input as input_value
}

# ids are the family's controls, by directory.
ids := {id | data.controls.trail_integrity[id].trail_integrity}
