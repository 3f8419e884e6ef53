# METADATA
# title: Every trail delivers to CloudWatch Logs, and recently
# description: |
#   Every trail the account sees delivers its events to a CloudWatch Logs log
#   group, and CloudTrail's last delivery there is recent (within a day of
#   the snapshot, as the benchmark's audit asks): what real-time monitoring
#   and the monitoring controls stand on. The benchmark dropped this
#   recommendation in v3.0.0.
# related_resources:
#   - ref: https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html#cloudtrail-5
#     description: AWS Security Hub CloudTrail.5
# custom:
#   id: trail-cloudwatch-logs-delivery
#   severity: low
#   frameworks:
#     - name: CIS AWS Foundations Benchmark
#       versions: [v1.2.0]
#       id: "2.4"
#     - name: CIS AWS Foundations Benchmark
#       versions: [v1.4.0, v1.5.0, v2.0.0]
#       id: "3.4"
#     - name: AWS Security Hub
#       id: CloudTrail.5
#   remediation: |
#     aws cloudtrail update-trail --region <home-region> --name <trail> \
#       --cloud-watch-logs-log-group-arn <log-group-arn> --cloud-watch-logs-role-arn <role-arn>
#     with a role that trusts cloudtrail.amazonaws.com and may logs:CreateLogStream and
#     logs:PutLogEvents on the log group.
package controls.trail_integrity.trail_cloudwatch_logs_delivery

import data.lib.trail_integrity

# What this control checks, and how its reasons read, is data: data.json
# beside this file; the library finds it by this package's path.

# METADATA
# description: The verdict for input.account_id, with this control's METADATA.
result := trail_integrity.result(rego.metadata.chain())

# METADATA
# description: What is wrong with this control's data; trailwatch refuses to load it while anything is.
problems := trail_integrity.problems(rego.metadata.chain())
