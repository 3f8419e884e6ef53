# METADATA
# title: IAM policy changes reach a human
# description: |
#   If someone creates, changes, attaches, detaches or deletes an IAM policy
#   (managed or inline, on a user, group or role), someone is told. IAM is a
#   global service: CloudTrail records its calls in us-east-1 whatever
#   region the caller used. The benchmark's pattern names the calls without
#   their event source, so it also catches other services' calls of the same
#   name (Auto Scaling's DeletePolicy, Organizations' CreatePolicy): noted
#   as noise.
# related_resources:
#   - ref: https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html#cloudwatch-4
#     description: AWS Security Hub CloudWatch.4
# custom:
#   id: iam-policy-changes
#   severity: medium
#   frameworks:
#     - name: CIS AWS Foundations Benchmark
#       versions: [v1.2.0]
#       id: "3.4"
#     - name: CIS AWS Foundations Benchmark
#       versions: [v1.4.0, v1.5.0, v2.0.0, v3.0.0, v4.0.0, v4.0.1, v5.0.0]
#       id: "4.4"
#     - name: CIS AWS Foundations Benchmark
#       versions: [v6.0.0, v7.0.0]
#       id: "5.4"
#     - name: AWS Security Hub
#       id: CloudWatch.4
#   remediation: |
#     Make one multi-region trail log management events (read and write) to a
#     CloudWatch Logs log group, then on that log group:
#       aws logs put-metric-filter --log-group-name <log-group> --filter-name IAMPolicyChanges \
#         --metric-transformations metricName=IAMPolicyChanges,metricNamespace=CISBenchmark,metricValue=1 \
#         --filter-pattern '{ ($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy) }'
#       aws cloudwatch put-metric-alarm --alarm-name IAMPolicyChanges --metric-name IAMPolicyChanges \
#         --namespace CISBenchmark --statistic Sum --period 300 --threshold 1 \
#         --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 --alarm-actions <topic-arn>
#     with a topic someone has confirmed a subscription to; one topic serves every control:
#       aws sns create-topic --name <topic>
#       aws sns subscribe --topic-arn <topic-arn> --protocol email --notification-endpoint <address>
package controls.monitoring.iam_policy_changes

import data.lib.monitoring

# What the filter must catch, and what it should leave alone, is data:
# data.json beside this file, where an auditor can change it; the library
# finds it by this package's path.

# METADATA
# description: The verdict for input.account_id, with this control's METADATA.
result := monitoring.result(rego.metadata.chain())

# METADATA
# description: What is wrong with this control's data; trailwatch refuses to load it while anything is.
problems := monitoring.problems(rego.metadata.chain())
