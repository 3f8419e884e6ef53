# METADATA
# title: Every trail validates its log files
# description: |
#   Every trail the account sees has log file integrity validation on:
#   CloudTrail signs an hourly digest of the log files it delivered, so that a
#   log file changed or deleted after delivery is detected (aws cloudtrail
#   validate-logs).
# related_resources:
#   - ref: https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html#cloudtrail-4
#     description: AWS Security Hub CloudTrail.4
# custom:
#   id: trail-log-file-validation
#   severity: low
#   frameworks:
#     - name: CIS AWS Foundations Benchmark
#       versions: [v1.2.0]
#       id: "2.2"
#     - name: CIS AWS Foundations Benchmark
#       versions: [v1.4.0, v1.5.0, v2.0.0, v3.0.0, v4.0.0, v4.0.1, v5.0.0]
#       id: "3.2"
#     - name: CIS AWS Foundations Benchmark
#       versions: [v6.0.0, v7.0.0]
#       id: "4.2"
#     - name: AWS Security Hub
#       id: CloudTrail.4
#   remediation: |
#     aws cloudtrail update-trail --region <home-region> --name <trail> --enable-log-file-validation
package controls.trail_integrity.trail_log_file_validation

import data.lib.trail_integrity

# What this control checks, and how its reasons read, is data: data.json
# beside this file; the library finds it by this package's path.

# METADATA
# description: The verdict for input.account_id, with this control's METADATA.
result := trail_integrity.result(rego.metadata.chain())

# METADATA
# description: What is wrong with this control's data; trailwatch refuses to load it while anything is.
problems := trail_integrity.problems(rego.metadata.chain())
