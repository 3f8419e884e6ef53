# METADATA
# title: Every trail encrypts its log files with a KMS key
# description: |
#   Every trail the account sees encrypts its log files with a KMS key
#   (SSE-KMS), so that reading them takes kms:Decrypt as well as s3:GetObject.
#   A key that is disabled or pending deletion fails: CloudTrail cannot
#   encrypt with it, and delivers nothing.
# related_resources:
#   - ref: https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html#cloudtrail-2
#     description: AWS Security Hub CloudTrail.2
# custom:
#   id: trail-encrypted-with-kms
#   severity: medium
#   frameworks:
#     - name: CIS AWS Foundations Benchmark
#       versions: [v1.2.0]
#       id: "2.7"
#     - name: CIS AWS Foundations Benchmark
#       versions: [v1.4.0, v1.5.0, v2.0.0]
#       id: "3.7"
#     - name: CIS AWS Foundations Benchmark
#       versions: [v3.0.0, v4.0.0, v4.0.1, v5.0.0]
#       id: "3.5"
#     - name: CIS AWS Foundations Benchmark
#       versions: [v6.0.0, v7.0.0]
#       id: "4.5"
#     - name: AWS Security Hub
#       id: CloudTrail.2
#   remediation: |
#     aws cloudtrail update-trail --region <home-region> --name <trail> --kms-key-id <key-arn>
#     with a key whose policy lets cloudtrail.amazonaws.com kms:GenerateDataKey* and the
#     log readers kms:Decrypt.
package controls.trail_integrity.trail_encrypted_with_kms

import data.lib.trail_integrity

# What this control checks, and how its reasons read, is data: data.json
# beside this file; the library finds it by this package's path.

# METADATA
# description: The verdict for input.account_id, with this control's METADATA.
result := trail_integrity.result(rego.metadata.chain())

# METADATA
# description: What is wrong with this control's data; trailwatch refuses to load it while anything is.
problems := trail_integrity.problems(rego.metadata.chain())
