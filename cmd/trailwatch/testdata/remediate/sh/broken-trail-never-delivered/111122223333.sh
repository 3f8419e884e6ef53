#!/usr/bin/env bash
# shellcheck disable=SC2016 # $ and ` in single quotes are JMESPath and filter patterns, not the shell's
# trailwatch remediate: the fix for AWS account 111122223333
#
# Judged by CIS AWS Foundations Benchmark v7.0.0, from ../../snapshots/broken-trail-never-delivered.json.
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
#    CloudTrail writes to CloudWatch Logs as role arn:aws:iam::111122223333:role/CloudTrailToCloudWatchLogs: it must trust cloudtrail.amazonaws.com and allow logs:CreateLogStream and logs:PutLogEvents on arn:aws:logs:us-east-1:111122223333:log-group:aws-cloudtrail-logs-111122223333:*.
#    aws iam get-role --role-name CloudTrailToCloudWatchLogs
#    aws cloudtrail update-trail --region us-east-1 --name management-events --cloud-watch-logs-log-group-arn 'arn:aws:logs:us-east-1:111122223333:log-group:aws-cloudtrail-logs-111122223333:*' --cloud-watch-logs-role-arn arn:aws:iam::111122223333:role/CloudTrailToCloudWatchLogs

set -euo pipefail

# Nothing here can be done by a call: see the manual steps above.
