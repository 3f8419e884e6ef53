#!/usr/bin/env bash
# shellcheck disable=SC2016 # $ and ` in single quotes are JMESPath and filter patterns, not the shell's
# trailwatch remediate: the fix for AWS account 111122223333
#
# Judged by CIS AWS Foundations Benchmark v7.0.0, from ../../snapshots/broken-filter-and-instead-of-or.json.
# Review it, then run it with credentials for account 111122223333 (bash 111122223333.sh).
# It reuses what works, changes only what the FAILs name, and running it
# twice changes nothing the second time.
#
# Mends: cloudtrail-config-changes.
# Calls: 1.

set -euo pipefail

account=$(aws sts get-caller-identity --query Account --output text)
if [[ $account != 111122223333 ]]; then
	echo "these credentials are for account $account, not 111122223333: nothing was changed" >&2
	exit 1
fi

# Mends "metric_filter" for cloudtrail-config-changes.
# Puts CloudTrailConfigChanges again under its own name, replacing it.
if [[ $(aws logs describe-metric-filters --region us-east-1 --log-group-name aws-cloudtrail-logs-111122223333 --filter-name-prefix CloudTrailConfigChanges --query 'metricFilters[?filterName==`"CloudTrailConfigChanges"`] | [-1].[filterPattern, metricTransformations[0].metricName, metricTransformations[0].metricNamespace, metricTransformations[0].metricValue, metricTransformations[0].defaultValue, metricTransformations[0].unit, metricTransformations[0].dimensions, length(metricTransformations)]' --output text) != $'{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }\x09CloudTrailConfigChanges\x09CISBenchmark\x091\x09None\x09None\x09None\x091' ]]; then
	aws logs put-metric-filter --region us-east-1 --log-group-name aws-cloudtrail-logs-111122223333 --filter-name CloudTrailConfigChanges --metric-transformations '[{"metricName":"CloudTrailConfigChanges","metricNamespace":"CISBenchmark","metricValue":"1"}]' --filter-pattern '{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }'
fi
