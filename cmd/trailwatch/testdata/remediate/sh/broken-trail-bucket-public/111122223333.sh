#!/usr/bin/env bash
# shellcheck disable=SC2016 # $ and ` in single quotes are JMESPath and filter patterns, not the shell's
# trailwatch remediate: the fix for AWS account 111122223333
#
# Judged by CIS AWS Foundations Benchmark v2.0.0, from ../../snapshots/broken-trail-bucket-public.json.
# Review it, then run it with credentials for account 111122223333 (bash 111122223333.sh).
# It reuses what works, changes only what the FAILs name, and running it
# twice changes nothing the second time.
#
# Mends: trail-bucket-not-public.
# Calls: 1.

set -euo pipefail

account=$(aws sts get-caller-identity --query Account --output text)
if [[ $account != 111122223333 ]]; then
	echo "these credentials are for account $account, not 111122223333: nothing was changed" >&2
	exit 1
fi

# For trail-bucket-not-public.
aws s3api put-public-access-block --region us-east-1 --bucket audit-logs-111122223333 --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true
