# METADATA
# title: AWS Organizations changes reach a human
# description: |
#   If someone changes the organization (accounts created, invited, moved or
#   removed, organizational units, policies and policy types, handshakes),
#   someone is told: service control policies bound what every account of
#   the organization may do. Organizations is a global service: CloudTrail
#   records its calls in us-east-1.
# custom:
#   id: organizations-changes
#   severity: medium
#   frameworks:
#     - name: CIS AWS Foundations Benchmark
#       versions: [v1.4.0, v1.5.0, v2.0.0, v3.0.0, v4.0.0, v4.0.1, v5.0.0]
#       id: "4.15"
#     - name: CIS AWS Foundations Benchmark
#       versions: [v6.0.0, v7.0.0]
#       id: "5.15"
#   remediation: |
#     Make one multi-region trail log management events (read and write) to a
#     CloudWatch Logs log group, then on that log group:
#       aws logs put-metric-filter --log-group-name <log-group> --filter-name OrganizationsChanges \
#         --metric-transformations metricName=OrganizationsChanges,metricNamespace=CISBenchmark,metricValue=1 \
#         --filter-pattern '{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = AcceptHandshake) || ($.eventName = AttachPolicy) || ($.eventName = CreateAccount) || ($.eventName = CreateOrganizationalUnit) || ($.eventName = CreatePolicy) || ($.eventName = DeclineHandshake) || ($.eventName = DeleteOrganization) || ($.eventName = DeleteOrganizationalUnit) || ($.eventName = DeletePolicy) || ($.eventName = DetachPolicy) || ($.eventName = DisablePolicyType) || ($.eventName = EnablePolicyType) || ($.eventName = InviteAccountToOrganization) || ($.eventName = LeaveOrganization) || ($.eventName = MoveAccount) || ($.eventName = RemoveAccountFromOrganization) || ($.eventName = UpdatePolicy) || ($.eventName = UpdateOrganizationalUnit)) }'
#       aws cloudwatch put-metric-alarm --alarm-name OrganizationsChanges --metric-name OrganizationsChanges \
#         --namespace CISBenchmark --statistic Sum --period 300 --threshold 1 \
#         --comparison-operator GreaterThanOrEqualToThreshold --evaluation-periods 1 --alarm-actions <topic-arn>
#     with a topic someone has confirmed a subscription to; one topic serves every control:
#       aws sns create-topic --name <topic>
#       aws sns subscribe --topic-arn <topic-arn> --protocol email --notification-endpoint <address>
package controls.monitoring.organizations_changes

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
