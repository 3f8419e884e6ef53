# METADATA
# title: Every trail's bucket logs the requests made to it
# description: |
#   The bucket every trail delivers its log files to has S3 server access
#   logging on, to another bucket: who read, wrote or deleted a log file is
#   on record. The bucket is judged as its owner reads it, which may be
#   another account (a log archive).
# related_resources:
#   - ref: https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html#cloudtrail-7
#     description: AWS Security Hub CloudTrail.7
# custom:
#   id: trail-bucket-access-logging
#   severity: low
#   frameworks:
#     - name: CIS AWS Foundations Benchmark
#       versions: [v1.2.0]
#       id: "2.6"
#     - name: CIS AWS Foundations Benchmark
#       versions: [v1.4.0, v1.5.0, v2.0.0]
#       id: "3.6"
#     - name: CIS AWS Foundations Benchmark
#       versions: [v3.0.0, v4.0.0, v4.0.1, v5.0.0]
#       id: "3.4"
#     - name: CIS AWS Foundations Benchmark
#       versions: [v6.0.0, v7.0.0]
#       id: "4.4"
#     - name: AWS Security Hub
#       id: CloudTrail.7
#   remediation: |
#     In the bucket's account:
#     aws s3api put-bucket-logging --bucket <bucket> \
#       --bucket-logging-status '{"LoggingEnabled":{"TargetBucket":"<access-log-bucket>","TargetPrefix":"<bucket>/"}}'
package controls.trail_integrity.trail_bucket_access_logging

import data.lib.trail_integrity

# What this control checks, and how its reasons read, is data: data.json
# beside this file; the library finds it by this package's path.

# METADATA
# description: The verdict for input.account_id, with this control's METADATA.
result := trail_integrity.result(rego.metadata.chain())

# METADATA
# description: What is wrong with this control's data; trailwatch refuses to load it while anything is.
problems := trail_integrity.problems(rego.metadata.chain())
