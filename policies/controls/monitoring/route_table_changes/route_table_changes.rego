# METADATA
# title: Route table changes reach a human
# description: |
#   If someone creates, changes or deletes a route table, a route, or a
#   route table's subnet association, someone is told: routes decide where a
#   subnet's traffic goes.
# related_resources:
#   - ref: https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html#cloudwatch-13
#     description: AWS Security Hub CloudWatch.13
# custom:
#   id: route-table-changes
#   severity: medium
#   frameworks:
#     - name: CIS AWS Foundations Benchmark
#       versions: [v1.2.0]
#       id: "3.13"
#     - name: CIS AWS Foundations Benchmark
#       versions: [v1.4.0, v1.5.0, v2.0.0, v3.0.0, v4.0.0, v4.0.1, v5.0.0]
#       id: "4.13"
#     - name: CIS AWS Foundations Benchmark
#       versions: [v6.0.0, v7.0.0]
#       id: "5.13"
#     - name: AWS Security Hub
#       id: CloudWatch.13
#   remediation: |
#     Make one multi-region trail log management events (read and write) to a
#     CloudWatch Logs log group, then on that log group:
#       aws logs put-metric-filter --log-group-name <log-group> --filter-name RouteTableChanges \
#         --metric-transformations metricName=RouteTableChanges,metricNamespace=CISBenchmark,metricValue=1 \
#         --filter-pattern '{ ($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable) }'
#       aws cloudwatch put-metric-alarm --alarm-name RouteTableChanges --metric-name RouteTableChanges \
#         --namespace CISBenchmark --statistic Sum --period 300 --threshold 1 \
#         --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 --alarm-actions <topic-arn>
#     with a topic someone has confirmed a subscription to; one topic serves every control:
#       aws sns create-topic --name <topic>
#       aws sns subscribe --topic-arn <topic-arn> --protocol email --notification-endpoint <address>
package controls.monitoring.route_table_changes

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
