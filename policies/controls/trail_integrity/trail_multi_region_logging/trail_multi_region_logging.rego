# METADATA
# title: A multi-region trail logs management events, read and write
# description: |
#   One trail records what happens in every region, used or not, and to
#   global services: it is multi-region, logging, and records management
#   events, read and write. Every other control of the audit trail stands on
#   it. CloudTrail's own report that it cannot deliver the trail's log files
#   to its bucket (a KMS key or bucket policy that shuts it out) fails it:
#   such a trail records nothing anyone can read.
# related_resources:
#   - ref: https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html#cloudtrail-1
#     description: AWS Security Hub CloudTrail.1
# custom:
#   id: trail-multi-region-logging
#   severity: high
#   frameworks:
#     - name: CIS AWS Foundations Benchmark
#       versions: [v1.2.0]
#       id: "2.1"
#     - name: CIS AWS Foundations Benchmark
#       versions: [v1.4.0, v1.5.0, v2.0.0, v3.0.0, v4.0.0, v4.0.1, v5.0.0]
#       id: "3.1"
#     - name: CIS AWS Foundations Benchmark
#       versions: [v6.0.0, v7.0.0]
#       id: "4.1"
#     - name: AWS Security Hub
#       id: CloudTrail.1
#   remediation: |
#     aws cloudtrail create-trail --name management-events --s3-bucket-name <bucket> --is-multi-region-trail
#     aws cloudtrail start-logging --name management-events
#     aws cloudtrail put-event-selectors --trail-name management-events \
#       --event-selectors '[{"ReadWriteType":"All","IncludeManagementEvents":true}]'
package controls.trail_integrity.trail_multi_region_logging

import data.lib.trail_integrity

# What this control checks, and how its reasons read, is data: data.json
# beside this file; the library finds it by this package's path.

# METADATA
# description: The verdict for input.account_id, with this control's METADATA.
result := trail_integrity.result(rego.metadata.chain())

# METADATA
# description: What is wrong with this control's data; trailwatch refuses to load it while anything is.
problems := trail_integrity.problems(rego.metadata.chain())
