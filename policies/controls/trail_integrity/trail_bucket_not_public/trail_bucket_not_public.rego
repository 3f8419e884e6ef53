# METADATA
# title: No trail's bucket is publicly accessible
# description: |
#   The bucket every trail delivers its log files to is not public: no ACL
#   grant to everyone or to every AWS user, and no policy AWS judges public,
#   that S3 Block Public Access (the bucket's or its account's) leaves in
#   force. The bucket is judged as its owner reads it, which may be another
#   account (a log archive).
# related_resources:
#   - ref: https://docs.aws.amazon.com/securityhub/latest/userguide/cloudtrail-controls.html#cloudtrail-6
#     description: AWS Security Hub CloudTrail.6
# custom:
#   id: trail-bucket-not-public
#   severity: critical
#   frameworks:
#     - name: CIS AWS Foundations Benchmark
#       versions: [v1.2.0]
#       id: "2.3"
#     - name: CIS AWS Foundations Benchmark
#       versions: [v1.4.0, v1.5.0, v2.0.0]
#       id: "3.3"
#     - name: AWS Security Hub
#       id: CloudTrail.6
#   remediation: |
#     In the bucket's account:
#     aws s3api put-public-access-block --bucket <bucket> \
#       --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true
package controls.trail_integrity.trail_bucket_not_public

import data.lib.trail_integrity

# What this control checks, and how its reasons read, is data: data.json
# beside this file; the library finds it by this package's path.

# METADATA
# description: The verdict for input.account_id, with this control's METADATA.
result := trail_integrity.result(rego.metadata.chain())

# METADATA
# description: What is wrong with this control's data; trailwatch refuses to load it while anything is.
problems := trail_integrity.problems(rego.metadata.chain())
