package collector

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	s3c "github.com/aws/aws-sdk-go-v2/service/s3control"
	s3ctypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"

	"github.com/trailwatch/trailwatch/internal/snapshot"
)

// fakeBucket is a bucket as the fake's S3 answers for it.
type fakeBucket struct {
	region  string // LocationConstraint; "" for us-east-1
	grants  []s3types.Grant
	public  *bool // nil: no bucket policy
	pab     *s3types.PublicAccessBlockConfiguration
	logging *s3types.LoggingEnabled
}

func (r regional) bucket(op, name string) (fakeBucket, error) {
	if err := r.f.enter(op, r.region); err != nil {
		return fakeBucket{}, err
	}
	b, ok := r.f.buckets[name]
	if !ok {
		return b, apiError("S3", op, 403, "AccessDenied", "Access Denied")
	}
	if op != "GetBucketLocation" && bucketRegion(b.region) != r.region {
		return b, apiError("S3", op, 301, "PermanentRedirect", "The bucket you are attempting to access must be addressed using the specified endpoint.")
	}
	return b, nil
}

func (r regional) ListBuckets(_ context.Context, in *s3.ListBucketsInput, _ ...func(*s3.Options)) (*s3.ListBucketsOutput, error) {
	if err := r.f.enter("ListBuckets", r.region); err != nil {
		return nil, err
	}
	var names []string
	for name := range r.f.buckets {
		names = append(names, name)
	}
	slices.Sort(names)
	// One bucket a page, to prove every page is read.
	n := 0
	if in.ContinuationToken != nil {
		fmt.Sscan(*in.ContinuationToken, &n)
	}
	out := &s3.ListBucketsOutput{}
	if n < len(names) {
		out.Buckets = []s3types.Bucket{{Name: aws.String(names[n])}}
	}
	if n+1 < len(names) {
		out.ContinuationToken = aws.String(fmt.Sprint(n + 1))
	}
	return out, nil
}

func (r regional) GetBucketLocation(_ context.Context, in *s3.GetBucketLocationInput, _ ...func(*s3.Options)) (*s3.GetBucketLocationOutput, error) {
	b, err := r.bucket("GetBucketLocation", aws.ToString(in.Bucket))
	if err != nil {
		return nil, err
	}
	return &s3.GetBucketLocationOutput{LocationConstraint: s3types.BucketLocationConstraint(b.region)}, nil
}

func (r regional) GetBucketAcl(_ context.Context, in *s3.GetBucketAclInput, _ ...func(*s3.Options)) (*s3.GetBucketAclOutput, error) {
	b, err := r.bucket("GetBucketAcl", aws.ToString(in.Bucket))
	if err != nil {
		return nil, err
	}
	return &s3.GetBucketAclOutput{Owner: &s3types.Owner{ID: aws.String("owner-" + r.f.account)}, Grants: b.grants}, nil
}

func (r regional) GetBucketPolicyStatus(_ context.Context, in *s3.GetBucketPolicyStatusInput, _ ...func(*s3.Options)) (*s3.GetBucketPolicyStatusOutput, error) {
	b, err := r.bucket("GetBucketPolicyStatus", aws.ToString(in.Bucket))
	if err != nil {
		return nil, err
	}
	if b.public == nil {
		return nil, apiError("S3", "GetBucketPolicyStatus", 404, "NoSuchBucketPolicy", "The bucket policy does not exist")
	}
	return &s3.GetBucketPolicyStatusOutput{PolicyStatus: &s3types.PolicyStatus{IsPublic: b.public}}, nil
}

func (r regional) GetPublicAccessBlock(_ context.Context, in *s3.GetPublicAccessBlockInput, _ ...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error) {
	b, err := r.bucket("GetPublicAccessBlock", aws.ToString(in.Bucket))
	if err != nil {
		return nil, err
	}
	if b.pab == nil {
		return nil, apiError("S3", "GetPublicAccessBlock", 404, "NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found")
	}
	return &s3.GetPublicAccessBlockOutput{PublicAccessBlockConfiguration: b.pab}, nil
}

func (r regional) GetBucketLogging(_ context.Context, in *s3.GetBucketLoggingInput, _ ...func(*s3.Options)) (*s3.GetBucketLoggingOutput, error) {
	b, err := r.bucket("GetBucketLogging", aws.ToString(in.Bucket))
	if err != nil {
		return nil, err
	}
	return &s3.GetBucketLoggingOutput{LoggingEnabled: b.logging}, nil
}

type fakeControl struct {
	f      *fake
	region string
}

func (c fakeControl) GetPublicAccessBlock(_ context.Context, in *s3c.GetPublicAccessBlockInput, _ ...func(*s3c.Options)) (*s3c.GetPublicAccessBlockOutput, error) {
	if err := c.f.enter("GetAccountPublicAccessBlock", c.region); err != nil {
		return nil, err
	}
	if aws.ToString(in.AccountId) != c.f.account {
		return nil, apiError("S3 Control", "GetPublicAccessBlock", 403, "AccessDenied", "wrong account")
	}
	if c.f.accountPAB == nil {
		return nil, apiError("S3 Control", "GetPublicAccessBlock", 404, "NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found")
	}
	pab := *c.f.accountPAB
	return &s3c.GetPublicAccessBlockOutput{PublicAccessBlockConfiguration: &s3ctypes.PublicAccessBlockConfiguration{
		BlockPublicAcls: pab.BlockPublicAcls, IgnorePublicAcls: pab.IgnorePublicAcls,
		BlockPublicPolicy: pab.BlockPublicPolicy, RestrictPublicBuckets: pab.RestrictPublicBuckets,
	}}, nil
}

func accountOf(t *testing.T, s *snapshot.Snapshot, id string) *snapshot.Account {
	t.Helper()
	for i := range s.Accounts {
		if s.Accounts[i].AccountID == id {
			return &s.Accounts[i]
		}
	}
	t.Fatalf("account %s not in the snapshot", id)
	return nil
}

// withBucket gives the fake's trail a bucket, and its key.
func withBucket(f *fake, bucket string) *fake {
	for r, trails := range f.trails {
		for i := range trails {
			trails[i].S3BucketName = aws.String(bucket)
		}
		f.trails[r] = trails
	}
	return f
}

// The trail's bucket, in the trail's own account, is read call by call in
// the bucket's region; the account's Block Public Access settings with it.
// Every page of ListBuckets is read; "no policy" and "no configuration"
// are answers, not failures.
func TestTrailBucketInItsAccount(t *testing.T) {
	f := withBucket(newFake(), "trail-logs")
	allUsers := s3types.Grant{Grantee: &s3types.Grantee{Type: s3types.TypeGroup, URI: aws.String("http://acs.amazonaws.com/groups/global/AllUsers")}, Permission: s3types.PermissionRead}
	f.buckets = map[string]fakeBucket{
		"a-first": {}, "trail-logs": {region: "eu-west-1", grants: []s3types.Grant{allUsers},
			logging: &s3types.LoggingEnabled{TargetBucket: aws.String("access-logs"), TargetPrefix: aws.String("trail/")}},
		"z-last": {},
	}
	f.accountPAB = &s3types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true)}
	s := collectFake(t, f, Options{Regions: []string{"us-west-2"}})
	a := s.Accounts[0]
	if len(a.Errors) != 0 {
		t.Errorf("errors %+v", a.Errors)
	}
	if got := f.called("ListBuckets"); len(got) != 3 {
		t.Errorf("ListBuckets pages %v, want 3", got)
	}
	for _, op := range []string{"GetBucketAcl", "GetBucketPolicyStatus", "GetPublicAccessBlock", "GetBucketLogging"} {
		if got := f.called(op); !slices.Equal(got, []string{"eu-west-1"}) {
			t.Errorf("%s called in %v, want once, in the bucket's region", op, got)
		}
	}
	if len(a.S3Buckets) != 1 {
		t.Fatalf("buckets %+v", a.S3Buckets)
	}
	b := a.S3Buckets[0]
	switch {
	case b.Name != "trail-logs" || !b.Owned || b.Region != "eu-west-1":
		t.Errorf("bucket %+v", b)
	case b.GetBucketAcl == nil || len(b.GetBucketAcl.Grants) != 1 || b.GetBucketAcl.Grants[0].Grantee.URI != *allUsers.Grantee.URI:
		t.Errorf("ACL %+v", b.GetBucketAcl)
	case b.GetBucketPolicyStatus == nil || b.GetBucketPolicyStatus.PolicyStatus != nil:
		t.Errorf("no policy should be {}: %+v", b.GetBucketPolicyStatus)
	case b.GetPublicAccessBlock == nil || b.GetPublicAccessBlock.PublicAccessBlockConfiguration != nil:
		t.Errorf("no configuration should be {}: %+v", b.GetPublicAccessBlock)
	case b.GetBucketLogging == nil || b.GetBucketLogging.LoggingEnabled == nil || b.GetBucketLogging.LoggingEnabled.TargetBucket != "access-logs":
		t.Errorf("logging %+v", b.GetBucketLogging)
	}
	if p := a.S3PublicAccessBlock; p == nil || p.PublicAccessBlockConfiguration == nil || !p.PublicAccessBlockConfiguration.IgnorePublicAcls || p.PublicAccessBlockConfiguration.RestrictPublicBuckets {
		t.Errorf("account settings %+v", a.S3PublicAccessBlock)
	}
}

// A log archive account that owns the bucket of a trail it sees (an
// organization trail) reads it with its own credentials; the trail's owner
// does not. A bucket no account of the run owns is read by the trail's
// owner, and what it cannot read is recorded with the bucket's ARN: never
// dropped.
func TestTrailBucketInAnotherAccount(t *testing.T) {
	const archive = "444455556666"
	mgmt := withBucket(newFake(), "org-trail-logs")
	orgTrail := mgmt.trails["us-west-2"][0]
	logArchive := &fake{
		account:  archive,
		trails:   map[string][]cttypes.Trail{"us-west-2": {orgTrail}},
		status:   map[string]bool{aws.ToString(orgTrail.TrailARN): true},
		buckets:  map[string]fakeBucket{"org-trail-logs": {region: "us-west-2", public: aws.Bool(false)}},
		failures: map[string]error{},
	}
	snap, _, err := Collect(context.Background(), []Target{{API: mgmt}, {API: logArchive, Account: archive}}, Options{Regions: []string{"us-west-2"}, Concurrency: 4})
	if err != nil {
		t.Fatal(err)
	}
	if got := mgmt.called("GetBucketAcl"); len(got) != 0 {
		t.Errorf("the trail's owner read the archive's bucket: %v", got)
	}
	arch := accountOf(t, snap, archive)
	if len(arch.S3Buckets) != 1 || !arch.S3Buckets[0].Owned || arch.S3Buckets[0].GetBucketPolicyStatus.PolicyStatus == nil || arch.S3PublicAccessBlock == nil {
		t.Errorf("archive %+v", arch)
	}
	if m := accountOf(t, snap, acct); len(m.S3Buckets) != 0 || m.S3PublicAccessBlock != nil {
		t.Errorf("the trail's owner kept a bucket: %+v", m.S3Buckets)
	}

	// Without the archive in the run, the trail's owner tries, and fails.
	mgmt = withBucket(newFake(), "org-trail-logs")
	s := collectFake(t, mgmt, Options{Regions: []string{"us-west-2"}})
	a := s.Accounts[0]
	if len(a.S3Buckets) != 1 || a.S3Buckets[0].Owned || a.S3Buckets[0].GetBucketAcl != nil {
		t.Errorf("buckets %+v", a.S3Buckets)
	}
	var ops []string
	for _, e := range a.Errors {
		if e.Resource == "arn:aws:s3:::org-trail-logs" {
			ops = append(ops, e.Operation+" "+e.ErrorCode)
		}
	}
	if !slices.Equal(ops, []string{"GetBucketLocation AccessDenied"}) {
		t.Errorf("failures recorded %v", ops)
	}
}

// A failed ListBuckets is recorded; the trail's owner then reads its
// trail's bucket as a bucket of no known owner. An answer without
// IsPublic (what moto gives) is no evidence, and says so.
func TestTrailBucketFailures(t *testing.T) {
	f := withBucket(newFake(), "trail-logs")
	f.buckets = map[string]fakeBucket{"trail-logs": {region: "us-west-2", public: nil}}
	f.failures["ListBuckets us-west-2"] = apiError("S3", "ListBuckets", 403, "AccessDenied", "Access Denied")
	f.failures["GetBucketLogging us-west-2"] = apiError("S3", "GetBucketLogging", 403, "AccessDenied", "Access Denied")
	s := collectFake(t, f, Options{Regions: []string{"us-west-2"}})
	a := s.Accounts[0]
	var ops []string
	for _, e := range a.Errors {
		ops = append(ops, e.Operation+" "+e.Resource)
	}
	slices.Sort(ops)
	if want := []string{"GetBucketLogging arn:aws:s3:::trail-logs", "ListBuckets "}; !slices.Equal(ops, want) {
		t.Errorf("failures %v, want %v", ops, want)
	}
	if len(a.S3Buckets) != 1 || a.S3Buckets[0].Owned || a.S3Buckets[0].GetBucketAcl == nil || a.S3Buckets[0].GetBucketLogging != nil {
		t.Errorf("buckets %+v", a.S3Buckets)
	}
}

// A trail's KMS key is read in the key's account and region, as a topic's
// is.
func TestTrailKey(t *testing.T) {
	f := newFake()
	keyArn := "arn:aws:kms:us-west-2:" + acct + ":key/trail-key"
	for r := range f.trails {
		f.trails[r][0].KmsKeyId = aws.String(keyArn)
	}
	f.keys = map[string]kmstypes.KeyMetadata{"us-west-2 " + keyArn: {KeyId: aws.String("trail-key"), Arn: aws.String(keyArn), Enabled: false, KeyState: kmstypes.KeyStateDisabled, KeyManager: kmstypes.KeyManagerTypeCustomer}}
	f.policies = map[string]string{keyArn: `{"Statement":[]}`}
	s := collectFake(t, f, Options{Regions: []string{"us-west-2"}})
	keys := region(t, s, "us-west-2").KMSKeys
	if len(keys) != 1 || keys[0].Reference != keyArn || keys[0].KeyMetadata == nil || keys[0].KeyMetadata.KeyState != "Disabled" {
		t.Errorf("keys %+v", keys)
	}
}

// When Block Public Access restricts public buckets (the bucket's or its
// account's setting), no policy can make the bucket public: its status is
// not asked.
func TestPolicyStatusNotAskedWhenRestricted(t *testing.T) {
	restrict := &s3types.PublicAccessBlockConfiguration{RestrictPublicBuckets: aws.Bool(true)}
	for name, set := range map[string]func(f *fake){
		"bucket":  func(f *fake) { f.buckets = map[string]fakeBucket{"trail-logs": {pab: restrict}} },
		"account": func(f *fake) { f.buckets = map[string]fakeBucket{"trail-logs": {}}; f.accountPAB = restrict },
	} {
		f := withBucket(newFake(), "trail-logs")
		set(f)
		s := collectFake(t, f, Options{Regions: []string{"us-west-2"}})
		if got := f.called("GetBucketPolicyStatus"); len(got) != 0 {
			t.Errorf("%s: GetBucketPolicyStatus called in %v", name, got)
		}
		if b := s.Accounts[0].S3Buckets; len(b) != 1 || b[0].GetBucketPolicyStatus != nil || b[0].GetBucketAcl == nil {
			t.Errorf("%s: bucket %+v", name, b)
		}
	}
}
