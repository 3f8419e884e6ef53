#!/usr/bin/env bash
# shellcheck disable=SC2016 # $ and ` in single quotes are JMESPath and filter patterns, not the shell's
# trailwatch remediate: the fix for AWS account 111122223333
#
# Judged by CIS AWS Foundations Benchmark v7.0.0, from ../../snapshots/broken-topic-policy.json.
# Review it, then run it with credentials for account 111122223333 (bash 111122223333.sh).
# It reuses what works, changes only what the FAILs name, and running it
# twice changes nothing the second time.
#
# Mends: cloudtrail-config-changes, cmk-disable-or-deletion, config-changes,
#   console-auth-failures, console-signin-without-mfa, iam-policy-changes,
#   nacl-changes, network-gateway-changes, organizations-changes,
#   root-account-usage, route-table-changes, s3-bucket-policy-changes,
#   security-group-changes, unauthorized-api-calls, vpc-changes.
# Calls: 1.

set -euo pipefail

account=$(aws sts get-caller-identity --query Account --output text)
if [[ $account != 111122223333 ]]; then
	echo "these credentials are for account $account, not 111122223333: nothing was changed" >&2
	exit 1
fi

# Mends "topic_access" for cloudtrail-config-changes, cmk-disable-or-deletion,
#   config-changes, console-auth-failures, console-signin-without-mfa,
#   iam-policy-changes, nacl-changes, network-gateway-changes,
#   organizations-changes, root-account-usage, route-table-changes,
#   s3-bucket-policy-changes, security-group-changes, unauthorized-api-calls,
#   vpc-changes.
aws sns set-topic-attributes --region us-east-1 --topic-arn arn:aws:sns:us-east-1:111122223333:security-alerts --attribute-name Policy --attribute-value '{"Statement":[{"Action":"sns:Publish","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/AlertPublisher"},"Resource":"arn:aws:sns:us-east-1:111122223333:security-alerts","Sid":"PublishersOnly"},{"Action":"sns:Publish","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}},"Effect":"Allow","Principal":{"Service":"cloudwatch.amazonaws.com"},"Resource":"arn:aws:sns:us-east-1:111122223333:security-alerts","Sid":"AllowCloudWatchAlarmsOf111122223333"}],"Version":"2012-10-17"}'
