#!/usr/bin/env bash
# shellcheck disable=SC2016 # $ and ` in single quotes are JMESPath and filter patterns, not the shell's
# trailwatch remediate: the fix for AWS account 111122223333
#
# Judged by CIS AWS Foundations Benchmark v7.0.0, from ../../snapshots/broken-topic-no-subscription.json.
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
#    Subscribe the person or system to be told to topic arn:aws:sns:us-east-1:111122223333:security-alerts (aws sns subscribe --region us-east-1 --topic-arn arn:aws:sns:us-east-1:111122223333:security-alerts --protocol email --notification-endpoint ADDRESS), and have them confirm the subscription; trailwatch remediate --notify ADDRESS writes the call for you

set -euo pipefail

# Nothing here can be done by a call: see the manual steps above.
