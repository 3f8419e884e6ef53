#!/usr/bin/env bash
# shellcheck disable=SC2016 # $ and ` in single quotes are JMESPath and filter patterns, not the shell's
# trailwatch remediate: the fix for AWS account 111122223333
#
# Judged by CIS AWS Foundations Benchmark v7.0.0, from ../../snapshots/broken-no-log-group.json.
# Review it, then run it with credentials for account 111122223333 (bash 111122223333.sh).
# It reuses what works, changes only what the FAILs name, and running it
# twice changes nothing the second time.
#
# Mends: cloudtrail-config-changes, cmk-disable-or-deletion, config-changes,
#   console-auth-failures, console-signin-without-mfa, iam-policy-changes,
#   nacl-changes, network-gateway-changes, organizations-changes,
#   root-account-usage, route-table-changes, s3-bucket-policy-changes,
#   security-group-changes, unauthorized-api-calls, vpc-changes.
# Calls: 34.

set -euo pipefail

account=$(aws sts get-caller-identity --query Account --output text)
if [[ $account != 111122223333 ]]; then
	echo "these credentials are for account $account, not 111122223333: nothing was changed" >&2
	exit 1
fi

# exists_already CODE COMMAND...: runs a call that creates something and
# goes on when AWS answers CODE, that it exists already.
exists_already() {
	local code=$1 out
	shift
	if out=$("$@" 2>&1); then
		printf '%s\n' "$out"
	elif [[ $out == *"$code"* ]]; then
		echo "exists already ($code): going on"
	else
		printf '%s\n' "$out" >&2
		return 1
	fi
}

# Mends "log_group" for cloudtrail-config-changes, cmk-disable-or-deletion,
#   config-changes, console-auth-failures, console-signin-without-mfa,
#   iam-policy-changes, nacl-changes, network-gateway-changes,
#   organizations-changes, root-account-usage, route-table-changes,
#   s3-bucket-policy-changes, security-group-changes, unauthorized-api-calls,
#   vpc-changes.
exists_already ResourceAlreadyExistsException aws logs create-log-group --region us-east-1 --log-group-name aws-cloudtrail-logs-management-events

# Mends "log_group" for cloudtrail-config-changes, cmk-disable-or-deletion,
#   config-changes, console-auth-failures, console-signin-without-mfa,
#   iam-policy-changes, nacl-changes, network-gateway-changes,
#   organizations-changes, root-account-usage, route-table-changes,
#   s3-bucket-policy-changes, security-group-changes, unauthorized-api-calls,
#   vpc-changes.
exists_already EntityAlreadyExists aws iam create-role --region us-east-1 --role-name CloudTrail_CloudWatchLogs_Role --assume-role-policy-document '{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"}}],"Version":"2012-10-17"}'

# Mends "log_group" for cloudtrail-config-changes, cmk-disable-or-deletion,
#   config-changes, console-auth-failures, console-signin-without-mfa,
#   iam-policy-changes, nacl-changes, network-gateway-changes,
#   organizations-changes, root-account-usage, route-table-changes,
#   s3-bucket-policy-changes, security-group-changes, unauthorized-api-calls,
#   vpc-changes.
aws iam put-role-policy --region us-east-1 --role-name CloudTrail_CloudWatchLogs_Role --policy-name cloudtrail-to-cloudwatch-logs --policy-document '{"Statement":[{"Action":["logs:CreateLogStream","logs:PutLogEvents"],"Effect":"Allow","Resource":"arn:aws:logs:us-east-1:111122223333:log-group:aws-cloudtrail-logs-management-events:*"}],"Version":"2012-10-17"}'

# Mends "log_group" for cloudtrail-config-changes, cmk-disable-or-deletion,
#   config-changes, console-auth-failures, console-signin-without-mfa,
#   iam-policy-changes, nacl-changes, network-gateway-changes,
#   organizations-changes, root-account-usage, route-table-changes,
#   s3-bucket-policy-changes, security-group-changes, unauthorized-api-calls,
#   vpc-changes.
aws cloudtrail update-trail --region us-east-1 --name management-events --cloud-watch-logs-log-group-arn 'arn:aws:logs:us-east-1:111122223333:log-group:aws-cloudtrail-logs-management-events:*' --cloud-watch-logs-role-arn arn:aws:iam::111122223333:role/CloudTrail_CloudWatchLogs_Role

# Mends "metric_filter" for cloudtrail-config-changes.
if [[ $(aws logs describe-metric-filters --region us-east-1 --log-group-name aws-cloudtrail-logs-management-events --filter-name-prefix CloudTrailConfigChanges --query 'metricFilters[?filterName==`"CloudTrailConfigChanges"`] | [-1].[filterPattern, metricTransformations[0].metricName, metricTransformations[0].metricNamespace, metricTransformations[0].metricValue, metricTransformations[0].defaultValue, metricTransformations[0].unit, metricTransformations[0].dimensions, length(metricTransformations)]' --output text) != $'{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }\x09CloudTrailConfigChanges\x09CISBenchmark\x091\x09None\x09None\x09None\x091' ]]; then
	aws logs put-metric-filter --region us-east-1 --log-group-name aws-cloudtrail-logs-management-events --filter-name CloudTrailConfigChanges --metric-transformations '[{"metricName":"CloudTrailConfigChanges","metricNamespace":"CISBenchmark","metricValue":"1"}]' --filter-pattern '{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }'
fi

# Mends "metric_filter" for cloudtrail-config-changes.
aws cloudwatch put-metric-alarm --region us-east-1 --alarm-name CloudTrailConfigChanges --metric-name CloudTrailConfigChanges --namespace CISBenchmark --statistic Sum --period 300 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 --treat-missing-data notBreaching --alarm-actions arn:aws:sns:us-east-1:111122223333:security-alerts

# Mends "metric_filter" for cmk-disable-or-deletion.
if [[ $(aws logs describe-metric-filters --region us-east-1 --log-group-name aws-cloudtrail-logs-management-events --filter-name-prefix CMKDisableOrDeletion --query 'metricFilters[?filterName==`"CMKDisableOrDeletion"`] | [-1].[filterPattern, metricTransformations[0].metricName, metricTransformations[0].metricNamespace, metricTransformations[0].metricValue, metricTransformations[0].defaultValue, metricTransformations[0].unit, metricTransformations[0].dimensions, length(metricTransformations)]' --output text) != $'{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)) }\x09CMKDisableOrDeletion\x09CISBenchmark\x091\x09None\x09None\x09None\x091' ]]; then
	aws logs put-metric-filter --region us-east-1 --log-group-name aws-cloudtrail-logs-management-events --filter-name CMKDisableOrDeletion --metric-transformations '[{"metricName":"CMKDisableOrDeletion","metricNamespace":"CISBenchmark","metricValue":"1"}]' --filter-pattern '{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)) }'
fi

# Mends "metric_filter" for cmk-disable-or-deletion.
aws cloudwatch put-metric-alarm --region us-east-1 --alarm-name CMKDisableOrDeletion --metric-name CMKDisableOrDeletion --namespace CISBenchmark --statistic Sum --period 300 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 --treat-missing-data notBreaching --alarm-actions arn:aws:sns:us-east-1:111122223333:security-alerts

# Mends "metric_filter" for config-changes.
if [[ $(aws logs describe-metric-filters --region us-east-1 --log-group-name aws-cloudtrail-logs-management-events --filter-name-prefix AWSConfigChanges --query 'metricFilters[?filterName==`"AWSConfigChanges"`] | [-1].[filterPattern, metricTransformations[0].metricName, metricTransformations[0].metricNamespace, metricTransformations[0].metricValue, metricTransformations[0].defaultValue, metricTransformations[0].unit, metricTransformations[0].dimensions, length(metricTransformations)]' --output text) != $'{ ($.eventSource = config.amazonaws.com) && (($.eventName=StopConfigurationRecorder)||($.eventName=DeleteDeliveryChannel)||($.eventName=PutDeliveryChannel)||($.eventName=PutConfigurationRecorder)) }\x09AWSConfigChanges\x09CISBenchmark\x091\x09None\x09None\x09None\x091' ]]; then
	aws logs put-metric-filter --region us-east-1 --log-group-name aws-cloudtrail-logs-management-events --filter-name AWSConfigChanges --metric-transformations '[{"metricName":"AWSConfigChanges","metricNamespace":"CISBenchmark","metricValue":"1"}]' --filter-pattern '{ ($.eventSource = config.amazonaws.com) && (($.eventName=StopConfigurationRecorder)||($.eventName=DeleteDeliveryChannel)||($.eventName=PutDeliveryChannel)||($.eventName=PutConfigurationRecorder)) }'
fi

# Mends "metric_filter" for config-changes.
aws cloudwatch put-metric-alarm --region us-east-1 --alarm-name AWSConfigChanges --metric-name AWSConfigChanges --namespace CISBenchmark --statistic Sum --period 300 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 --treat-missing-data notBreaching --alarm-actions arn:aws:sns:us-east-1:111122223333:security-alerts

# Mends "metric_filter" for console-auth-failures.
if [[ $(aws logs describe-metric-filters --region us-east-1 --log-group-name aws-cloudtrail-logs-management-events --filter-name-prefix ConsoleAuthenticationFailures --query 'metricFilters[?filterName==`"ConsoleAuthenticationFailures"`] | [-1].[filterPattern, metricTransformations[0].metricName, metricTransformations[0].metricNamespace, metricTransformations[0].metricValue, metricTransformations[0].defaultValue, metricTransformations[0].unit, metricTransformations[0].dimensions, length(metricTransformations)]' --output text) != $'{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }\x09ConsoleAuthenticationFailures\x09CISBenchmark\x091\x09None\x09None\x09None\x091' ]]; then
	aws logs put-metric-filter --region us-east-1 --log-group-name aws-cloudtrail-logs-management-events --filter-name ConsoleAuthenticationFailures --metric-transformations '[{"metricName":"ConsoleAuthenticationFailures","metricNamespace":"CISBenchmark","metricValue":"1"}]' --filter-pattern '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }'
fi

# Mends "metric_filter" for console-auth-failures.
aws cloudwatch put-metric-alarm --region us-east-1 --alarm-name ConsoleAuthenticationFailures --metric-name ConsoleAuthenticationFailures --namespace CISBenchmark --statistic Sum --period 300 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 --treat-missing-data notBreaching --alarm-actions arn:aws:sns:us-east-1:111122223333:security-alerts

# Mends "metric_filter" for console-signin-without-mfa.
if [[ $(aws logs describe-metric-filters --region us-east-1 --log-group-name aws-cloudtrail-logs-management-events --filter-name-prefix ConsoleSigninWithoutMFA --query 'metricFilters[?filterName==`"ConsoleSigninWithoutMFA"`] | [-1].[filterPattern, metricTransformations[0].metricName, metricTransformations[0].metricNamespace, metricTransformations[0].metricValue, metricTransformations[0].defaultValue, metricTransformations[0].unit, metricTransformations[0].dimensions, length(metricTransformations)]' --output text) != $'{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }\x09ConsoleSigninWithoutMFA\x09CISBenchmark\x091\x09None\x09None\x09None\x091' ]]; then
	aws logs put-metric-filter --region us-east-1 --log-group-name aws-cloudtrail-logs-management-events --filter-name ConsoleSigninWithoutMFA --metric-transformations '[{"metricName":"ConsoleSigninWithoutMFA","metricNamespace":"CISBenchmark","metricValue":"1"}]' --filter-pattern '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }'
fi

# Mends "metric_filter" for console-signin-without-mfa.
aws cloudwatch put-metric-alarm --region us-east-1 --alarm-name ConsoleSigninWithoutMFA --metric-name ConsoleSigninWithoutMFA --namespace CISBenchmark --statistic Sum --period 300 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 --treat-missing-data notBreaching --alarm-actions arn:aws:sns:us-east-1:111122223333:security-alerts

# Mends "metric_filter" for iam-policy-changes.
if [[ $(aws logs describe-metric-filters --region us-east-1 --log-group-name aws-cloudtrail-logs-management-events --filter-name-prefix IAMPolicyChanges --query 'metricFilters[?filterName==`"IAMPolicyChanges"`] | [-1].[filterPattern, metricTransformations[0].metricName, metricTransformations[0].metricNamespace, metricTransformations[0].metricValue, metricTransformations[0].defaultValue, metricTransformations[0].unit, metricTransformations[0].dimensions, length(metricTransformations)]' --output text) != $'{ ($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy) }\x09IAMPolicyChanges\x09CISBenchmark\x091\x09None\x09None\x09None\x091' ]]; then
	aws logs put-metric-filter --region us-east-1 --log-group-name aws-cloudtrail-logs-management-events --filter-name IAMPolicyChanges --metric-transformations '[{"metricName":"IAMPolicyChanges","metricNamespace":"CISBenchmark","metricValue":"1"}]' --filter-pattern '{ ($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy) }'
fi

# Mends "metric_filter" for iam-policy-changes.
aws cloudwatch put-metric-alarm --region us-east-1 --alarm-name IAMPolicyChanges --metric-name IAMPolicyChanges --namespace CISBenchmark --statistic Sum --period 300 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 --treat-missing-data notBreaching --alarm-actions arn:aws:sns:us-east-1:111122223333:security-alerts

# Mends "metric_filter" for nacl-changes.
if [[ $(aws logs describe-metric-filters --region us-east-1 --log-group-name aws-cloudtrail-logs-management-events --filter-name-prefix NACLChanges --query 'metricFilters[?filterName==`"NACLChanges"`] | [-1].[filterPattern, metricTransformations[0].metricName, metricTransformations[0].metricNamespace, metricTransformations[0].metricValue, metricTransformations[0].defaultValue, metricTransformations[0].unit, metricTransformations[0].dimensions, length(metricTransformations)]' --output text) != $'{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }\x09NACLChanges\x09CISBenchmark\x091\x09None\x09None\x09None\x091' ]]; then
	aws logs put-metric-filter --region us-east-1 --log-group-name aws-cloudtrail-logs-management-events --filter-name NACLChanges --metric-transformations '[{"metricName":"NACLChanges","metricNamespace":"CISBenchmark","metricValue":"1"}]' --filter-pattern '{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }'
fi

# Mends "metric_filter" for nacl-changes.
aws cloudwatch put-metric-alarm --region us-east-1 --alarm-name NACLChanges --metric-name NACLChanges --namespace CISBenchmark --statistic Sum --period 300 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 --treat-missing-data notBreaching --alarm-actions arn:aws:sns:us-east-1:111122223333:security-alerts

# Mends "metric_filter" for network-gateway-changes.
if [[ $(aws logs describe-metric-filters --region us-east-1 --log-group-name aws-cloudtrail-logs-management-events --filter-name-prefix NetworkGatewayChanges --query 'metricFilters[?filterName==`"NetworkGatewayChanges"`] | [-1].[filterPattern, metricTransformations[0].metricName, metricTransformations[0].metricNamespace, metricTransformations[0].metricValue, metricTransformations[0].defaultValue, metricTransformations[0].unit, metricTransformations[0].dimensions, length(metricTransformations)]' --output text) != $'{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }\x09NetworkGatewayChanges\x09CISBenchmark\x091\x09None\x09None\x09None\x091' ]]; then
	aws logs put-metric-filter --region us-east-1 --log-group-name aws-cloudtrail-logs-management-events --filter-name NetworkGatewayChanges --metric-transformations '[{"metricName":"NetworkGatewayChanges","metricNamespace":"CISBenchmark","metricValue":"1"}]' --filter-pattern '{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }'
fi

# Mends "metric_filter" for network-gateway-changes.
aws cloudwatch put-metric-alarm --region us-east-1 --alarm-name NetworkGatewayChanges --metric-name NetworkGatewayChanges --namespace CISBenchmark --statistic Sum --period 300 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 --treat-missing-data notBreaching --alarm-actions arn:aws:sns:us-east-1:111122223333:security-alerts

# Mends "metric_filter" for organizations-changes.
if [[ $(aws logs describe-metric-filters --region us-east-1 --log-group-name aws-cloudtrail-logs-management-events --filter-name-prefix OrganizationsChanges --query 'metricFilters[?filterName==`"OrganizationsChanges"`] | [-1].[filterPattern, metricTransformations[0].metricName, metricTransformations[0].metricNamespace, metricTransformations[0].metricValue, metricTransformations[0].defaultValue, metricTransformations[0].unit, metricTransformations[0].dimensions, length(metricTransformations)]' --output text) != $'{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = AcceptHandshake) || ($.eventName = AttachPolicy) || ($.eventName = CreateAccount) || ($.eventName = CreateOrganizationalUnit) || ($.eventName = CreatePolicy) || ($.eventName = DeclineHandshake) || ($.eventName = DeleteOrganization) || ($.eventName = DeleteOrganizationalUnit) || ($.eventName = DeletePolicy) || ($.eventName = DetachPolicy) || ($.eventName = DisablePolicyType) || ($.eventName = EnablePolicyType) || ($.eventName = InviteAccountToOrganization) || ($.eventName = LeaveOrganization) || ($.eventName = MoveAccount) || ($.eventName = RemoveAccountFromOrganization) || ($.eventName = UpdatePolicy) || ($.eventName = UpdateOrganizationalUnit)) }\x09OrganizationsChanges\x09CISBenchmark\x091\x09None\x09None\x09None\x091' ]]; then
	aws logs put-metric-filter --region us-east-1 --log-group-name aws-cloudtrail-logs-management-events --filter-name OrganizationsChanges --metric-transformations '[{"metricName":"OrganizationsChanges","metricNamespace":"CISBenchmark","metricValue":"1"}]' --filter-pattern '{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = AcceptHandshake) || ($.eventName = AttachPolicy) || ($.eventName = CreateAccount) || ($.eventName = CreateOrganizationalUnit) || ($.eventName = CreatePolicy) || ($.eventName = DeclineHandshake) || ($.eventName = DeleteOrganization) || ($.eventName = DeleteOrganizationalUnit) || ($.eventName = DeletePolicy) || ($.eventName = DetachPolicy) || ($.eventName = DisablePolicyType) || ($.eventName = EnablePolicyType) || ($.eventName = InviteAccountToOrganization) || ($.eventName = LeaveOrganization) || ($.eventName = MoveAccount) || ($.eventName = RemoveAccountFromOrganization) || ($.eventName = UpdatePolicy) || ($.eventName = UpdateOrganizationalUnit)) }'
fi

# Mends "metric_filter" for organizations-changes.
aws cloudwatch put-metric-alarm --region us-east-1 --alarm-name OrganizationsChanges --metric-name OrganizationsChanges --namespace CISBenchmark --statistic Sum --period 300 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 --treat-missing-data notBreaching --alarm-actions arn:aws:sns:us-east-1:111122223333:security-alerts

# Mends "metric_filter" for root-account-usage.
if [[ $(aws logs describe-metric-filters --region us-east-1 --log-group-name aws-cloudtrail-logs-management-events --filter-name-prefix RootAccountUsage --query 'metricFilters[?filterName==`"RootAccountUsage"`] | [-1].[filterPattern, metricTransformations[0].metricName, metricTransformations[0].metricNamespace, metricTransformations[0].metricValue, metricTransformations[0].defaultValue, metricTransformations[0].unit, metricTransformations[0].dimensions, length(metricTransformations)]' --output text) != $'{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }\x09RootAccountUsage\x09CISBenchmark\x091\x09None\x09None\x09None\x091' ]]; then
	aws logs put-metric-filter --region us-east-1 --log-group-name aws-cloudtrail-logs-management-events --filter-name RootAccountUsage --metric-transformations '[{"metricName":"RootAccountUsage","metricNamespace":"CISBenchmark","metricValue":"1"}]' --filter-pattern '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }'
fi

# Mends "metric_filter" for root-account-usage.
aws cloudwatch put-metric-alarm --region us-east-1 --alarm-name RootAccountUsage --metric-name RootAccountUsage --namespace CISBenchmark --statistic Sum --period 300 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 --treat-missing-data notBreaching --alarm-actions arn:aws:sns:us-east-1:111122223333:security-alerts

# Mends "metric_filter" for route-table-changes.
if [[ $(aws logs describe-metric-filters --region us-east-1 --log-group-name aws-cloudtrail-logs-management-events --filter-name-prefix RouteTableChanges --query 'metricFilters[?filterName==`"RouteTableChanges"`] | [-1].[filterPattern, metricTransformations[0].metricName, metricTransformations[0].metricNamespace, metricTransformations[0].metricValue, metricTransformations[0].defaultValue, metricTransformations[0].unit, metricTransformations[0].dimensions, length(metricTransformations)]' --output text) != $'{ ($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable) }\x09RouteTableChanges\x09CISBenchmark\x091\x09None\x09None\x09None\x091' ]]; then
	aws logs put-metric-filter --region us-east-1 --log-group-name aws-cloudtrail-logs-management-events --filter-name RouteTableChanges --metric-transformations '[{"metricName":"RouteTableChanges","metricNamespace":"CISBenchmark","metricValue":"1"}]' --filter-pattern '{ ($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable) }'
fi

# Mends "metric_filter" for route-table-changes.
aws cloudwatch put-metric-alarm --region us-east-1 --alarm-name RouteTableChanges --metric-name RouteTableChanges --namespace CISBenchmark --statistic Sum --period 300 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 --treat-missing-data notBreaching --alarm-actions arn:aws:sns:us-east-1:111122223333:security-alerts

# Mends "metric_filter" for s3-bucket-policy-changes.
if [[ $(aws logs describe-metric-filters --region us-east-1 --log-group-name aws-cloudtrail-logs-management-events --filter-name-prefix S3BucketPolicyChanges --query 'metricFilters[?filterName==`"S3BucketPolicyChanges"`] | [-1].[filterPattern, metricTransformations[0].metricName, metricTransformations[0].metricNamespace, metricTransformations[0].metricValue, metricTransformations[0].defaultValue, metricTransformations[0].unit, metricTransformations[0].dimensions, length(metricTransformations)]' --output text) != $'{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }\x09S3BucketPolicyChanges\x09CISBenchmark\x091\x09None\x09None\x09None\x091' ]]; then
	aws logs put-metric-filter --region us-east-1 --log-group-name aws-cloudtrail-logs-management-events --filter-name S3BucketPolicyChanges --metric-transformations '[{"metricName":"S3BucketPolicyChanges","metricNamespace":"CISBenchmark","metricValue":"1"}]' --filter-pattern '{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }'
fi

# Mends "metric_filter" for s3-bucket-policy-changes.
aws cloudwatch put-metric-alarm --region us-east-1 --alarm-name S3BucketPolicyChanges --metric-name S3BucketPolicyChanges --namespace CISBenchmark --statistic Sum --period 300 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 --treat-missing-data notBreaching --alarm-actions arn:aws:sns:us-east-1:111122223333:security-alerts

# Mends "metric_filter" for security-group-changes.
if [[ $(aws logs describe-metric-filters --region us-east-1 --log-group-name aws-cloudtrail-logs-management-events --filter-name-prefix SecurityGroupChanges --query 'metricFilters[?filterName==`"SecurityGroupChanges"`] | [-1].[filterPattern, metricTransformations[0].metricName, metricTransformations[0].metricNamespace, metricTransformations[0].metricValue, metricTransformations[0].defaultValue, metricTransformations[0].unit, metricTransformations[0].dimensions, length(metricTransformations)]' --output text) != $'{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) || ($.eventName = ModifySecurityGroupRules) }\x09SecurityGroupChanges\x09CISBenchmark\x091\x09None\x09None\x09None\x091' ]]; then
	aws logs put-metric-filter --region us-east-1 --log-group-name aws-cloudtrail-logs-management-events --filter-name SecurityGroupChanges --metric-transformations '[{"metricName":"SecurityGroupChanges","metricNamespace":"CISBenchmark","metricValue":"1"}]' --filter-pattern '{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) || ($.eventName = ModifySecurityGroupRules) }'
fi

# Mends "metric_filter" for security-group-changes.
aws cloudwatch put-metric-alarm --region us-east-1 --alarm-name SecurityGroupChanges --metric-name SecurityGroupChanges --namespace CISBenchmark --statistic Sum --period 300 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 --treat-missing-data notBreaching --alarm-actions arn:aws:sns:us-east-1:111122223333:security-alerts

# Mends "metric_filter" for unauthorized-api-calls.
if [[ $(aws logs describe-metric-filters --region us-east-1 --log-group-name aws-cloudtrail-logs-management-events --filter-name-prefix UnauthorizedAPICalls --query 'metricFilters[?filterName==`"UnauthorizedAPICalls"`] | [-1].[filterPattern, metricTransformations[0].metricName, metricTransformations[0].metricNamespace, metricTransformations[0].metricValue, metricTransformations[0].defaultValue, metricTransformations[0].unit, metricTransformations[0].dimensions, length(metricTransformations)]' --output text) != $'{ ($.errorCode =*UnauthorizedOperation) || ($.errorCode =AccessDenied*) && ($.sourceIPAddress!=delivery.logs.amazonaws.com) && ($.eventName!=HeadBucket) }\x09UnauthorizedAPICalls\x09CISBenchmark\x091\x09None\x09None\x09None\x091' ]]; then
	aws logs put-metric-filter --region us-east-1 --log-group-name aws-cloudtrail-logs-management-events --filter-name UnauthorizedAPICalls --metric-transformations '[{"metricName":"UnauthorizedAPICalls","metricNamespace":"CISBenchmark","metricValue":"1"}]' --filter-pattern '{ ($.errorCode =*UnauthorizedOperation) || ($.errorCode =AccessDenied*) && ($.sourceIPAddress!=delivery.logs.amazonaws.com) && ($.eventName!=HeadBucket) }'
fi

# Mends "metric_filter" for unauthorized-api-calls.
aws cloudwatch put-metric-alarm --region us-east-1 --alarm-name UnauthorizedAPICalls --metric-name UnauthorizedAPICalls --namespace CISBenchmark --statistic Sum --period 300 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 --treat-missing-data notBreaching --alarm-actions arn:aws:sns:us-east-1:111122223333:security-alerts

# Mends "metric_filter" for vpc-changes.
if [[ $(aws logs describe-metric-filters --region us-east-1 --log-group-name aws-cloudtrail-logs-management-events --filter-name-prefix VPCChanges --query 'metricFilters[?filterName==`"VPCChanges"`] | [-1].[filterPattern, metricTransformations[0].metricName, metricTransformations[0].metricNamespace, metricTransformations[0].metricValue, metricTransformations[0].defaultValue, metricTransformations[0].unit, metricTransformations[0].dimensions, length(metricTransformations)]' --output text) != $'{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }\x09VPCChanges\x09CISBenchmark\x091\x09None\x09None\x09None\x091' ]]; then
	aws logs put-metric-filter --region us-east-1 --log-group-name aws-cloudtrail-logs-management-events --filter-name VPCChanges --metric-transformations '[{"metricName":"VPCChanges","metricNamespace":"CISBenchmark","metricValue":"1"}]' --filter-pattern '{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }'
fi

# Mends "metric_filter" for vpc-changes.
aws cloudwatch put-metric-alarm --region us-east-1 --alarm-name VPCChanges --metric-name VPCChanges --namespace CISBenchmark --statistic Sum --period 300 --threshold 1 --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 --treat-missing-data notBreaching --alarm-actions arn:aws:sns:us-east-1:111122223333:security-alerts
