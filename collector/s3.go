package collector

import (
	"context"
	"slices"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"

	"github.com/trailwatch/trailwatch/internal/snapshot"
)

// A trail's log files are only as safe as the bucket they land in: whether
// the bucket is public (its ACL, AWS's judgement of its policy, and the
// Block Public Access settings of the bucket and of its account) and
// whether its own server access is logged. A bucket is read with the
// credentials of the account that owns it, which is often not the trail's
// (a log archive account): every account that sees a trail asks
// s3:ListBuckets whether the trail's bucket is its own, and reads it if it
// is. A bucket no account of the run owns is read, afterwards, with the
// credentials of the trail's owner; what that cannot read is recorded.

// bucketARN is the resource a failed call about a bucket is recorded with.
func bucketARN(name string) string { return "arn:aws:s3:::" + name }

// trailBuckets lists the buckets of the trails the account's regions
// listed, shadow trails included; owned limits them to the trails the
// account owns.
func (a *accountRun) trailBuckets(owned bool) []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	var names []string
	for _, reg := range a.regions {
		for _, t := range reg.trails {
			if t.S3BucketName != "" && (!owned || awsarnAccount(t.TrailARN) == a.id) {
				names = append(names, t.S3BucketName)
			}
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// readOwnBuckets reads the trails' buckets this account owns, and then the
// account's own Block Public Access settings.
func (a *accountRun) readOwnBuckets(ctx context.Context, region string) {
	wanted := a.trailBuckets(false)
	if len(wanted) == 0 || ctx.Err() != nil {
		return
	}
	owned, ok := a.listBuckets(ctx, region)
	if !ok {
		return
	}
	mine := slices.DeleteFunc(wanted, func(name string) bool { return !owned[name] })
	if len(mine) == 0 {
		return
	}
	// The account's settings first: when they restrict public buckets, no
	// bucket policy can make a bucket public, and its status is not asked.
	restricts := a.readAccountPublicAccessBlock(ctx, region)
	var wg sync.WaitGroup
	for _, name := range mine {
		wg.Go(func() { a.readBucket(ctx, name, region, true, restricts) })
	}
	wg.Wait()
}

// listBuckets is s3:ListBuckets, every page, as a set of names.
func (a *accountRun) listBuckets(ctx context.Context, region string) (map[string]bool, bool) {
	names := map[string]bool{}
	p := s3.NewListBucketsPaginator(a.api.S3(region), &s3.ListBucketsInput{})
	for p.HasMorePages() {
		out, err := call(ctx, a.r, "s3", "ListBuckets", func(ctx context.Context) (*s3.ListBucketsOutput, error) {
			return p.NextPage(ctx)
		})
		if err != nil {
			a.fail("", failure("s3", "ListBuckets", region, "", err))
			return nil, false
		}
		for _, b := range out.Buckets {
			names[aws.ToString(b.Name)] = true
		}
	}
	return names, true
}

// readBucket reads one bucket: where it is, then, in its region, its ACL,
// its Block Public Access settings, its logging, and its policy status
// unless Block Public Access (the bucket's, or its account's when
// accountRestricts) restricts public buckets, which makes any policy moot.
// Failures are recorded on the account, with the bucket's ARN.
func (a *accountRun) readBucket(ctx context.Context, name, bootstrap string, owned, accountRestricts bool) {
	rec := snapshot.S3Bucket{Name: name, Owned: owned}
	loc, err := call(ctx, a.r, "s3", "GetBucketLocation", func(ctx context.Context) (*s3.GetBucketLocationOutput, error) {
		return a.api.S3(bootstrap).GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String(name)})
	})
	if err != nil {
		f := failure("s3", "GetBucketLocation", "", bucketARN(name), err)
		a.fail("", f)
		if !notFound(f) {
			a.keepBucket(rec)
		}
		return
	}
	rec.Region = bucketRegion(string(loc.LocationConstraint))
	client := a.api.S3(rec.Region)
	bucket := aws.String(name)
	fail := func(op string, err error) { a.fail("", failure("s3", op, rec.Region, bucketARN(name), err)) }
	var wg sync.WaitGroup
	wg.Go(func() {
		out, err := call(ctx, a.r, "s3", "GetBucketAcl", func(ctx context.Context) (*s3.GetBucketAclOutput, error) {
			return client.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: bucket})
		})
		if err != nil {
			fail("GetBucketAcl", err)
			return
		}
		rec.GetBucketAcl = convertACL(out)
	})
	wg.Go(func() {
		out, err := call(ctx, a.r, "s3", "GetPublicAccessBlock", func(ctx context.Context) (*s3.GetPublicAccessBlockOutput, error) {
			return client.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: bucket})
		})
		switch {
		case errorCode(err) == "NoSuchPublicAccessBlockConfiguration":
			rec.GetPublicAccessBlock = &snapshot.PublicAccessBlockAnswer{}
		case err != nil:
			fail("GetPublicAccessBlock", err)
		default:
			rec.GetPublicAccessBlock = &snapshot.PublicAccessBlockAnswer{}
			if c := out.PublicAccessBlockConfiguration; c != nil {
				rec.GetPublicAccessBlock.PublicAccessBlockConfiguration = &snapshot.PublicAccessBlock{
					BlockPublicAcls: aws.ToBool(c.BlockPublicAcls), IgnorePublicAcls: aws.ToBool(c.IgnorePublicAcls),
					BlockPublicPolicy: aws.ToBool(c.BlockPublicPolicy), RestrictPublicBuckets: aws.ToBool(c.RestrictPublicBuckets),
				}
			}
		}
	})
	wg.Go(func() {
		out, err := call(ctx, a.r, "s3", "GetBucketLogging", func(ctx context.Context) (*s3.GetBucketLoggingOutput, error) {
			return client.GetBucketLogging(ctx, &s3.GetBucketLoggingInput{Bucket: bucket})
		})
		if err != nil {
			fail("GetBucketLogging", err)
			return
		}
		rec.GetBucketLogging = &snapshot.BucketLogging{}
		if l := out.LoggingEnabled; l != nil {
			rec.GetBucketLogging.LoggingEnabled = &snapshot.LoggingEnabled{TargetBucket: aws.ToString(l.TargetBucket), TargetPrefix: aws.ToString(l.TargetPrefix)}
		}
	})
	wg.Wait()
	if c := rec.GetPublicAccessBlock; !accountRestricts && (c == nil || c.PublicAccessBlockConfiguration == nil || !c.PublicAccessBlockConfiguration.RestrictPublicBuckets) {
		rec.GetBucketPolicyStatus = a.policyStatus(ctx, client, rec.Region, name)
	}
	a.keepBucket(rec)
}

// policyStatus is s3:GetBucketPolicyStatus: {} for a bucket without a
// policy, nil when the call failed (recorded).
func (a *accountRun) policyStatus(ctx context.Context, client S3API, region, name string) *snapshot.BucketPolicyStatus {
	out, err := call(ctx, a.r, "s3", "GetBucketPolicyStatus", func(ctx context.Context) (*s3.GetBucketPolicyStatusOutput, error) {
		return client.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: aws.String(name)})
	})
	switch {
	case errorCode(err) == "NoSuchBucketPolicy":
		return &snapshot.BucketPolicyStatus{}
	case err != nil:
		a.fail("", failure("s3", "GetBucketPolicyStatus", region, bucketARN(name), err))
	case out.PolicyStatus == nil || out.PolicyStatus.IsPublic == nil:
		// An answer that does not say is no evidence (moto answers this
		// call with a listing of the bucket).
		a.fail("", &snapshot.CallError{Service: "s3", Operation: "GetBucketPolicyStatus", Region: region, Resource: bucketARN(name),
			ErrorCode: "IncompleteAnswer", Message: "the answer has no PolicyStatus.IsPublic"})
	default:
		return &snapshot.BucketPolicyStatus{PolicyStatus: &snapshot.PolicyStatus{IsPublic: *out.PolicyStatus.IsPublic}}
	}
	return nil
}

func (a *accountRun) keepBucket(rec snapshot.S3Bucket) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.buckets = append(a.buckets, rec)
}

// readAccountPublicAccessBlock is s3control:GetPublicAccessBlock for the
// account: Block Public Access settings that hold for every bucket in it.
// It says whether they restrict public buckets.
func (a *accountRun) readAccountPublicAccessBlock(ctx context.Context, region string) (restricts bool) {
	out, err := call(ctx, a.r, "s3control", "GetPublicAccessBlock", func(ctx context.Context) (*s3control.GetPublicAccessBlockOutput, error) {
		return a.api.S3Control(region).GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String(a.id)})
	})
	answer := &snapshot.PublicAccessBlockAnswer{}
	switch {
	case errorCode(err) == "NoSuchPublicAccessBlockConfiguration":
	case err != nil:
		a.fail("", failure("s3control", "GetPublicAccessBlock", region, "", err))
		return false
	case out.PublicAccessBlockConfiguration != nil:
		c := out.PublicAccessBlockConfiguration
		answer.PublicAccessBlockConfiguration = &snapshot.PublicAccessBlock{
			BlockPublicAcls: aws.ToBool(c.BlockPublicAcls), IgnorePublicAcls: aws.ToBool(c.IgnorePublicAcls),
			BlockPublicPolicy: aws.ToBool(c.BlockPublicPolicy), RestrictPublicBuckets: aws.ToBool(c.RestrictPublicBuckets),
		}
	}
	a.mu.Lock()
	a.publicAccessBlock = answer
	a.mu.Unlock()
	return answer.PublicAccessBlockConfiguration != nil && answer.PublicAccessBlockConfiguration.RestrictPublicBuckets
}

// bucketRegion reads GetBucketLocation's LocationConstraint: empty for
// us-east-1, and EU, a legacy name, for eu-west-1.
func bucketRegion(constraint string) string {
	switch constraint {
	case "":
		return "us-east-1"
	case "EU":
		return "eu-west-1"
	}
	return constraint
}

func convertACL(out *s3.GetBucketAclOutput) *snapshot.BucketAcl {
	acl := &snapshot.BucketAcl{Grants: []snapshot.Grant{}}
	if o := out.Owner; o != nil {
		acl.Owner = &snapshot.Grantee{ID: aws.ToString(o.ID), DisplayName: aws.ToString(o.DisplayName)}
	}
	for _, g := range out.Grants {
		grant := snapshot.Grant{Permission: string(g.Permission)}
		if e := g.Grantee; e != nil {
			grant.Grantee = snapshot.Grantee{Type: string(e.Type), ID: aws.ToString(e.ID), URI: aws.ToString(e.URI),
				DisplayName: aws.ToString(e.DisplayName), EmailAddress: aws.ToString(e.EmailAddress)}
		}
		acl.Grants = append(acl.Grants, grant)
	}
	return acl
}

// unreadBuckets reads, with the trail owner's credentials, the buckets of
// the run's trails that no account of the run owns (or could say it
// owns): a bucket in an account outside the run may still let the trail's
// owner read it, and if not, the failures are the evidence.
func unreadBuckets(ctx context.Context, runs []*accountRun, region string) {
	read := map[string]bool{}
	for _, a := range runs {
		a.mu.Lock()
		for _, b := range a.buckets {
			read[b.Name] = true
		}
		a.mu.Unlock()
	}
	var wg sync.WaitGroup
	for _, a := range runs {
		if a.id == "" {
			continue
		}
		for _, name := range a.trailBuckets(true) {
			if read[name] {
				continue
			}
			read[name] = true
			wg.Go(func() { a.readBucket(ctx, name, region, false, false) })
		}
	}
	wg.Wait()
}
