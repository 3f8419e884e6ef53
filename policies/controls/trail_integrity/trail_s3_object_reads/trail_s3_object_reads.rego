# METADATA
# title: A multi-region trail records S3 object-level read events
# description: |
#   A multi-region trail that is logging records S3 object-level data
#   events for reads (GetObject, ...) in every bucket, now and later: who read
#   which object is on record.
# related_resources:
#   - ref: https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-23
#     description: AWS Security Hub S3.23
# custom:
#   id: trail-s3-object-reads
#   severity: medium
#   frameworks:
#     - name: CIS AWS Foundations Benchmark
#       versions: [v1.4.0, v1.5.0, v2.0.0]
#       id: "3.11"
#     - name: CIS AWS Foundations Benchmark
#       versions: [v3.0.0, v4.0.0, v4.0.1, v5.0.0]
#       id: "3.9"
#     - name: CIS AWS Foundations Benchmark
#       versions: [v6.0.0, v7.0.0]
#       id: "4.9"
#     - name: AWS Security Hub
#       id: S3.23
#   remediation: |
#     aws cloudtrail put-event-selectors --region <home-region> --trail-name <trail> --event-selectors \
#       '[{"ReadWriteType":"All","IncludeManagementEvents":true},{"ReadWriteType":"ReadOnly","IncludeManagementEvents":false,"DataResources":[{"Type":"AWS::S3::Object","Values":["arn:aws:s3"]}]}]'
#     (put-event-selectors replaces the trail's selectors: keep what else it records)
package controls.trail_integrity.trail_s3_object_reads

import data.lib.trail_integrity

# What this control checks, and how its reasons read, is data: data.json
# beside this file; the library finds it by this package's path.

# METADATA
# description: The verdict for input.account_id, with this control's METADATA.
result := trail_integrity.result(rego.metadata.chain())

# METADATA
# description: What is wrong with this control's data; trailwatch refuses to load it while anything is.
problems := trail_integrity.problems(rego.metadata.chain())
