# METADATA
# title: CloudTrail configuration changes reach a human
# description: |
#   If someone creates, changes, deletes, starts or stops a CloudTrail trail,
#   someone is told. A multi-region trail that is logging management events
#   (read and write) delivers to a CloudWatch Logs log group in its own
#   account and region; a metric filter on that log group catches
#   CreateTrail, UpdateTrail, DeleteTrail, StartLogging and StopLogging; an
#   alarm on the filter's metric (name and namespace) has its actions enabled
#   and notifies an SNS topic with at least one confirmed subscription.
#   The filter is judged by what it matches, not by how it is written.
# related_resources:
#   - ref: https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html#cloudwatch-5
#     description: AWS Security Hub CloudWatch.5
# custom:
#   id: cloudtrail-config-changes
#   severity: medium
#   frameworks:
#     - name: CIS AWS Foundations Benchmark
#       versions: [v1.2.0]
#       id: "3.5"
#     - name: CIS AWS Foundations Benchmark
#       versions: [v1.4.0, v1.5.0, v2.0.0, v3.0.0, v4.0.0, v4.0.1, v5.0.0]
#       id: "4.5"
#     - name: CIS AWS Foundations Benchmark
#       versions: [v6.0.0, v7.0.0]
#       id: "5.5"
#     - name: AWS Security Hub
#       id: CloudWatch.5
#   remediation: |
#     Make one multi-region trail log management events (read and write) to a
#     CloudWatch Logs log group, then on that log group:
#       aws logs put-metric-filter --log-group-name <log-group> --filter-name cloudtrail-config-changes \
#         --metric-transformations metricName=CloudTrailConfigChanges,metricNamespace=CISBenchmark,metricValue=1 \
#         --filter-pattern '{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }'
#       aws sns create-topic --name <topic>
#       aws sns subscribe --topic-arn <topic-arn> --protocol email --notification-endpoint <address>
#       aws cloudwatch put-metric-alarm --alarm-name cloudtrail-config-changes --metric-name CloudTrailConfigChanges \
#         --namespace CISBenchmark --statistic Sum --period 300 --threshold 1 \
#         --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 --alarm-actions <topic-arn>
#     and confirm the subscription.
package controls.monitoring.cloudtrail_config_changes

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
