package lib.monitoring.topics_test

import data.lib.core.fixture
import data.lib.monitoring.probe
import data.lib.monitoring.topics

test_fail_topic_policy_lets_one_role_publish if {
	region := probe.with_topic_policy([{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/Publisher"}, "Action": "sns:Publish", "Resource": fixture.topic_arn}])
	probe.fails_with(region, "the policy of topic arn:aws:sns:us-east-1:111122223333:alerts does not let CloudWatch publish for alarm arn:aws:cloudwatch:us-east-1:111122223333:alarm:probe of account 111122223333 (no statement allows it)")
	r := probe.result_for(region)
	startswith(r.remediation, "aws sns set-topic-attributes --region us-east-1 --topic-arn arn:aws:sns:us-east-1:111122223333:alerts --attribute-name Policy --attribute-value ")
	contains(r.remediation, `"Principal":{"Service":"cloudwatch.amazonaws.com"}`)
	contains(r.remediation, `role/Publisher`)
}

test_pass_topic_policy_for_cloudwatch if probe.passes(probe.with_topic_policy([{"Effect": "Allow", "Principal": {"Service": "cloudwatch.amazonaws.com"}, "Action": "sns:Publish", "Resource": fixture.topic_arn}]))

test_fail_topic_policy_denies if probe.fails_with(
	probe.with_topic_policy([
		{"Effect": "Allow", "Principal": {"Service": "cloudwatch.amazonaws.com"}, "Action": "sns:Publish", "Resource": fixture.topic_arn},
		{"Sid": "OnlyFromTheVpc", "Effect": "Deny", "Principal": "*", "Action": "sns:Publish", "Resource": fixture.topic_arn, "Condition": {"StringNotEquals": {"aws:SourceAccount": "999999999999"}}},
	]),
	"denies CloudWatch's notification for alarm arn:aws:cloudwatch:us-east-1:111122223333:alarm:probe (statement OnlyFromTheVpc)",
)

test_error_topic_policy_trailwatch_cannot_judge if probe.errs_with(
	probe.with_topic_policy([
		{"Effect": "Allow", "Principal": {"Service": "cloudwatch.amazonaws.com"}, "Action": "sns:Publish", "Resource": fixture.topic_arn},
		{"Effect": "Deny", "Principal": "*", "Action": "sns:Publish", "Resource": fixture.topic_arn, "Condition": {"StringNotEquals": {"aws:sourceVpce": "vpce-1ab2c34d"}}},
	]),
	"condition key aws:sourceVpce is not one trailwatch knows the value of",
)

test_error_topic_attributes_not_read if probe.errs_with(
	probe.with_errors(object.union(probe.base_region, {"topics": [object.remove(fixture.base_topic, ["Attributes"])]}), [fixture.failed("sns", "GetTopicAttributes", fixture.topic_arn, "AuthorizationError")]),
	"the attributes of topic arn:aws:sns:us-east-1:111122223333:alerts (its policy and key) could not be read (sns GetTopicAttributes in us-east-1 failed: AuthorizationError",
)

test_fail_topic_encrypted_with_the_aws_managed_key if {
	region := probe.with_topic({"Attributes": {"KmsMasterKeyId": "alias/aws/sns"}})
	probe.fails_with(region, "topic arn:aws:sns:us-east-1:111122223333:alerts is encrypted with the AWS managed key alias/aws/sns, which CloudWatch cannot use")
	contains(probe.result_for(region).remediation, "--attribute-name KmsMasterKeyId")
}

test_fail_topic_key_managed_by_aws if probe.fails_with(probe.with_key("1234abcd-12ab-34cd-56ef-1234567890ab", probe.key_metadata("Enabled", "AWS")), "an AWS managed key, which CloudWatch cannot use")

test_fail_topic_key_disabled if {
	region := probe.with_key("alias/alerts", object.union(probe.key_metadata("Disabled", "CUSTOMER"), probe.key_policy([probe.cloudwatch_key_statement])))
	probe.fails_with(region, "the KMS key arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab of topic arn:aws:sns:us-east-1:111122223333:alerts is Disabled")
	probe.result_for(region).remediation == "aws kms enable-key --region us-east-1 --key-id 1234abcd-12ab-34cd-56ef-1234567890ab"
}

test_fail_topic_key_policy_shuts_cloudwatch_out if {
	region := probe.with_key("alias/alerts", object.union(probe.key_metadata("Enabled", "CUSTOMER"), probe.key_policy([])))
	probe.fails_with(region, "does not let CloudWatch use it (kms:Decrypt: no statement allows it; kms:GenerateDataKey: no statement allows it)")
	r := probe.result_for(region)
	contains(r.remediation, `{"Action":["kms:Decrypt","kms:GenerateDataKey*"],"Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}},"Effect":"Allow","Principal":{"Service":"cloudwatch.amazonaws.com"},"Resource":"*","Sid":"AllowCloudWatchAlarmsToUseTheKey"}`)
	contains(r.remediation, "aws kms put-key-policy --region us-east-1 --key-id 1234abcd-12ab-34cd-56ef-1234567890ab --policy-name default --policy file://key-policy.json")
}

test_pass_topic_key_lets_cloudwatch_in if probe.passes(probe.with_key("alias/alerts", object.union(probe.key_metadata("Enabled", "CUSTOMER"), probe.key_policy([probe.cloudwatch_key_statement]))))

test_error_topic_key_not_read if probe.errs_with(
	probe.with_errors(probe.with_topic({"Attributes": {"KmsMasterKeyId": "alias/alerts"}}), [fixture.failed("kms", "DescribeKey", "alias/alerts", "AccessDeniedException")]),
	"the KMS key alias/alerts of topic arn:aws:sns:us-east-1:111122223333:alerts could not be read (kms DescribeKey in us-east-1 failed: AccessDeniedException",
)

test_error_topic_key_policy_not_read if probe.errs_with(
	probe.with_errors(probe.with_key("alias/alerts", probe.key_metadata("Enabled", "CUSTOMER")), [fixture.failed("kms", "GetKeyPolicy", "alias/alerts", "AccessDeniedException")]),
	"could not be read (kms GetKeyPolicy in us-east-1 failed: AccessDeniedException",
)

test_error_topic_key_not_collected if probe.errs_with(probe.with_topic({"Attributes": {"KmsMasterKeyId": "alias/alerts"}}), "the KMS key alias/alerts of topic arn:aws:sns:us-east-1:111122223333:alerts was not collected")

test_fail_topic_key_does_not_exist if probe.fails_with(
	probe.with_errors(probe.with_topic({"Attributes": {"KmsMasterKeyId": "alias/gone"}}), [fixture.failed("kms", "DescribeKey", "alias/gone", "NotFoundException")]),
	"is encrypted with KMS key alias/gone, which does not exist",
)

test_fail_filter_policy_on_message_attributes_drops_alarms if {
	region := probe.with_subscription({"FilterPolicy": `{"severity": ["critical"]}`})
	probe.fails_with(region, "the filter policies of the 1 confirmed subscriptions of topic arn:aws:sns:us-east-1:111122223333:alerts drop the notification of alarm probe")
	contains(probe.result_for(region).remediation, "--attribute-name FilterPolicy --attribute-value '{}'")
}

test_fail_filter_policy_lets_one_alarm_through if probe.fails_with(
	probe.with_subscription({"FilterPolicy": `{"AlarmName": ["root-account-usage"]}`, "FilterPolicyScope": "MessageBody"}),
	"drop the notification of alarm probe",
)

test_pass_filter_policy_lets_the_alarm_through if probe.passes(probe.with_subscription({"FilterPolicy": `{"AlarmName": [{"prefix": "pro"}], "NewStateValue": ["ALARM"]}`, "FilterPolicyScope": "MessageBody"}))

test_error_filter_policy_trailwatch_cannot_judge if probe.errs_with(
	probe.with_subscription({"FilterPolicy": `{"StateChangeTime": [{"prefix": "2026"}]}`, "FilterPolicyScope": "MessageBody"}),
	"StateChangeTime is not known before the message is sent",
)

test_error_subscription_attributes_not_collected if probe.errs_with(
	probe.with_topic({"Subscriptions": [object.remove(fixture.base_topic.Subscriptions[0], ["Attributes"])]}),
	"the attributes of subscription arn:aws:sns:us-east-1:111122223333:alerts:0f1e2d3c (its filter policy) were not collected",
)

# One subscription that lets the notification through is enough.
test_pass_one_of_two_subscriptions if probe.passes(probe.with_topic({"Subscriptions": [
	object.union(fixture.base_topic.Subscriptions[0], {"SubscriptionArn": concat(":", [fixture.topic_arn, "a"]), "Attributes": {"FilterPolicy": `{"severity": ["critical"]}`}}),
	object.union(fixture.base_topic.Subscriptions[0], {"SubscriptionArn": concat(":", [fixture.topic_arn, "b"]), "Attributes": {}}),
]}))

test_pass_central_topic_that_lets_the_account_publish if {
	policy := json.marshal({"Statement": [{"Effect": "Allow", "Principal": {"Service": "cloudwatch.amazonaws.com"}, "Action": "sns:Publish", "Resource": probe.central_topic, "Condition": {"StringEquals": {"aws:SourceAccount": ["111122223333", "222233334444"]}}}]})
	r := probe.central_verdict({"region": "us-east-1", "trails": [], "metric_alarms": [], "topics": [object.union(fixture.topic(probe.central_topic, "999999999999"), {"Attributes": {"Policy": policy}})]})
	r.status == "PASS"
	r.evidence.chain.topic == probe.central_topic
}

# The default policy lets only the owner's own alarms publish.
test_fail_central_topic_with_the_default_policy if {
	r := probe.central_verdict({"region": "us-east-1", "trails": [], "metric_alarms": [], "topics": [fixture.topic(probe.central_topic, "999999999999")]})
	r.status == "FAIL"
	contains(r.reason, "does not let CloudWatch publish for alarm arn:aws:cloudwatch:us-east-1:111122223333:alarm:probe of account 111122223333")
}

test_error_central_topic_account_not_collected if {
	r := probe.central_verdict(null)
	r.status == "ERROR"
	contains(r.reason, "is in account 999999999999, which this snapshot does not hold; collect that account too")
}

# --- a topic blind to its alarms is judged once for them all ---

alarm_named(name) := {"AlarmName": name, "AlarmArn": sprintf("arn:aws:cloudwatch:us-east-1:111122223333:alarm:%s", [name])}

alone := {"accounts": [{"account_id": "111122223333", "regions": [{"region": "us-east-1"}]}], "account_id": "111122223333"}

with_policy(statements) := object.union(fixture.base_topic, {"Attributes": {"Policy": json.marshal({"Statement": statements})}})

cloudwatch_publish(condition) := object.union(
	{"Effect": "Allow", "Principal": {"Service": "cloudwatch.amazonaws.com"}, "Action": "sns:Publish", "Resource": fixture.topic_arn},
	condition,
)

# A policy that does not read aws:SourceArn lets every alarm of the account
# publish, or none; each refused alarm is named in its own reason.
test_blind_topic_answers_alike_and_names_each_alarm if {
	topics.blind(fixture.base_topic) with input as alone
	not topics.stopped(fixture.base_topic, alarm_named("a"), alarm_named("a").AlarmArn) with input as alone
	not topics.stopped(fixture.base_topic, alarm_named("b"), alarm_named("b").AlarmArn) with input as alone
	count(topics.reaching(fixture.base_topic, alarm_named("b"), alarm_named("b").AlarmArn)) == 1 with input as alone

	refusing := with_policy([{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/Publisher"}, "Action": "sns:Publish", "Resource": fixture.topic_arn}])
	topics.blind(refusing) with input as alone
	a := topics.stopped(refusing, alarm_named("a"), alarm_named("a").AlarmArn) with input as alone
	b := topics.stopped(refusing, alarm_named("b"), alarm_named("b").AlarmArn) with input as alone
	contains(a.reason, "for alarm arn:aws:cloudwatch:us-east-1:111122223333:alarm:a of account")
	contains(b.reason, "for alarm arn:aws:cloudwatch:us-east-1:111122223333:alarm:b of account")
}

# A policy that reads aws:SourceArn is judged for each alarm.
test_topic_that_reads_source_arn_is_judged_per_alarm if {
	topic := with_policy([cloudwatch_publish({"Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:cloudwatch:us-east-1:111122223333:alarm:cis-*"}}})])
	not topics.blind(topic) with input as alone
	not topics.stopped(topic, alarm_named("cis-root"), alarm_named("cis-root").AlarmArn) with input as alone
	other := topics.stopped(topic, alarm_named("other"), alarm_named("other").AlarmArn) with input as alone
	contains(other.reason, "for alarm arn:aws:cloudwatch:us-east-1:111122223333:alarm:other of account")
}

# A filter policy that tests the alarm's name is judged for each alarm.
test_topic_whose_subscription_filters_by_alarm_is_judged_per_alarm if {
	topic := object.union(fixture.base_topic, {"Subscriptions": [object.union(fixture.base_topic.Subscriptions[0], {"Attributes": {"FilterPolicy": `{"AlarmName": [{"prefix": "cis-"}]}`, "FilterPolicyScope": "MessageBody"}})]})
	not topics.blind(topic) with input as alone
	count(topics.reaching(topic, alarm_named("cis-root"), alarm_named("cis-root").AlarmArn)) == 1 with input as alone
	count(topics.reaching(topic, alarm_named("other"), alarm_named("other").AlarmArn)) == 0 with input as alone
	stopped := topics.stopped(topic, alarm_named("other"), alarm_named("other").AlarmArn) with input as alone
	contains(stopped.reason, "drop the notification of alarm other")
}
