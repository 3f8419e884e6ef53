#!/usr/bin/env bash
# shellcheck disable=SC2016 # $ and ` in single quotes are JMESPath and filter patterns, not the shell's
# trailwatch remediate: the fix for AWS account 111122223333
#
# Judged by CIS AWS Foundations Benchmark v7.0.0, from ../../snapshots/broken-topic-key-policy.json.
# Review it, then run it with credentials for account 111122223333 (bash 111122223333.sh).
# It reuses what works, changes only what the FAILs name, and running it
# twice changes nothing the second time.
#
# Mends only with the manual steps below: cloudtrail-config-changes,
#   cmk-disable-or-deletion, config-changes, console-auth-failures,
#   console-signin-without-mfa, iam-policy-changes, nacl-changes,
#   network-gateway-changes, organizations-changes, root-account-usage,
#   route-table-changes, s3-bucket-policy-changes, security-group-changes,
#   unauthorized-api-calls, vpc-changes.
#
# Manual steps (trailwatch does not take them for you):
# 1. For cloudtrail-config-changes, cmk-disable-or-deletion, config-changes,
#   console-auth-failures, console-signin-without-mfa, iam-policy-changes,
#   nacl-changes, network-gateway-changes, organizations-changes,
#   root-account-usage, route-table-changes, s3-bucket-policy-changes,
#   security-group-changes, unauthorized-api-calls, vpc-changes:
#    Add this statement to the policy of KMS key arn:aws:kms:us-east-1:111122223333:key/3f9c2b1a-5d4e-4a6f-9b8c-7d6e5f4a3b2c:
#      {"Action":["kms:Decrypt","kms:GenerateDataKey*"],"Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}},"Effect":"Allow","Principal":{"Service":"cloudwatch.amazonaws.com"},"Resource":"*","Sid":"AllowCloudWatchAlarmsToUseTheKey"}
#    aws kms get-key-policy --region us-east-1 --key-id 3f9c2b1a-5d4e-4a6f-9b8c-7d6e5f4a3b2c --policy-name default --output text > key-policy.json
#    (add the statement to the Statement list of key-policy.json)
#    aws kms put-key-policy --region us-east-1 --key-id 3f9c2b1a-5d4e-4a6f-9b8c-7d6e5f4a3b2c --policy-name default --policy file://key-policy.json

set -euo pipefail

# Nothing here can be done by a call: see the manual steps above.
