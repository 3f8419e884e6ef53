# METADATA
# title: Unauthorized API calls reach a human
# description: |
#   If a call to an AWS API is refused for want of permission, someone is
#   told: a sign of a misconfigured application, or of someone probing what
#   stolen credentials can do. A refusal is a CloudTrail record whose
#   errorCode ends in UnauthorizedOperation or starts with AccessDenied.
#   Since v4.0.0 the benchmark leaves out refusals of log delivery and of
#   HeadBucket, which are frequent and harmless.
# related_resources:
#   - ref: https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html#cloudwatch-2
#     description: AWS Security Hub CloudWatch.2
# custom:
#   id: unauthorized-api-calls
#   severity: low
#   frameworks:
#     - name: CIS AWS Foundations Benchmark
#       versions: [v1.2.0]
#       id: "3.1"
#     - name: CIS AWS Foundations Benchmark
#       versions: [v1.4.0, v1.5.0, v2.0.0, v3.0.0, v4.0.0, v4.0.1, v5.0.0]
#       id: "4.1"
#     - name: CIS AWS Foundations Benchmark
#       versions: [v6.0.0, v7.0.0]
#       id: "5.1"
#     - name: AWS Security Hub
#       id: CloudWatch.2
#   remediation: |
#     Make one multi-region trail log management events (read and write) to a
#     CloudWatch Logs log group, then on that log group:
#       aws logs put-metric-filter --log-group-name <log-group> --filter-name UnauthorizedAPICalls \
#         --metric-transformations metricName=UnauthorizedAPICalls,metricNamespace=CISBenchmark,metricValue=1 \
#         --filter-pattern '{ ($.errorCode =*UnauthorizedOperation) || ($.errorCode =AccessDenied*) && ($.sourceIPAddress!=delivery.logs.amazonaws.com) && ($.eventName!=HeadBucket) }'
#       aws cloudwatch put-metric-alarm --alarm-name UnauthorizedAPICalls --metric-name UnauthorizedAPICalls \
#         --namespace CISBenchmark --statistic Sum --period 300 --threshold 1 \
#         --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 --alarm-actions <topic-arn>
#     with a topic someone has confirmed a subscription to; one topic serves every control:
#       aws sns create-topic --name <topic>
#       aws sns subscribe --topic-arn <topic-arn> --protocol email --notification-endpoint <address>
package controls.monitoring.unauthorized_api_calls

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
