#!/usr/bin/env bash
# shellcheck disable=SC2016 # $ and ` in single quotes are JMESPath and filter patterns, not the shell's
# trailwatch remediate: the fix for AWS account 111122223333
#
# Judged by CIS AWS Foundations Benchmark v7.0.0, from ../../snapshots/broken-subscription-filter-policy.json.
# Review it, then run it with credentials for account 111122223333 (bash 111122223333.sh).
# It reuses what works, changes only what the FAILs name, and running it
# twice changes nothing the second time.
#
# Mends: cloudtrail-config-changes, cmk-disable-or-deletion, config-changes,
#   console-auth-failures, console-signin-without-mfa, iam-policy-changes,
#   nacl-changes, network-gateway-changes, organizations-changes,
#   route-table-changes, s3-bucket-policy-changes, security-group-changes,
#   unauthorized-api-calls, vpc-changes.
# Calls: 1.

set -euo pipefail

account=$(aws sts get-caller-identity --query Account --output text)
if [[ $account != 111122223333 ]]; then
	echo "these credentials are for account $account, not 111122223333: nothing was changed" >&2
	exit 1
fi

# Mends "subscription" for cloudtrail-config-changes, cmk-disable-or-deletion,
#   config-changes, console-auth-failures, console-signin-without-mfa,
#   iam-policy-changes, nacl-changes, network-gateway-changes,
#   organizations-changes, route-table-changes, s3-bucket-policy-changes,
#   security-group-changes, unauthorized-api-calls, vpc-changes.
aws sns set-subscription-attributes --region us-east-1 --subscription-arn arn:aws:sns:us-east-1:111122223333:security-alerts:6f1d2c3b-4a5e-4f60-8b7c-9d0e1f2a3b4c --attribute-name FilterPolicy --attribute-value '{}'
