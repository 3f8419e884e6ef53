package collector

import (
	"context"
	"net/url"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwschemas "github.com/aws/aws-sdk-go-v2/service/cloudwatch/schemas"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	smithyendpoints "github.com/aws/smithy-go/endpoints"
	"github.com/aws/smithy-go/transport/http/protocol/awsjson"
)

// The narrow slices of the SDK clients the collector calls: what a fake
// implements in unit tests. Paging goes through the SDK's paginators, which
// take the *APIClient interfaces.

type CloudTrailAPI interface {
	DescribeTrails(context.Context, *cloudtrail.DescribeTrailsInput, ...func(*cloudtrail.Options)) (*cloudtrail.DescribeTrailsOutput, error)
	GetTrailStatus(context.Context, *cloudtrail.GetTrailStatusInput, ...func(*cloudtrail.Options)) (*cloudtrail.GetTrailStatusOutput, error)
	GetEventSelectors(context.Context, *cloudtrail.GetEventSelectorsInput, ...func(*cloudtrail.Options)) (*cloudtrail.GetEventSelectorsOutput, error)
}

type LogsAPI interface {
	cloudwatchlogs.DescribeMetricFiltersAPIClient
}

type CloudWatchAPI interface {
	cloudwatch.DescribeAlarmsAPIClient
}

type SNSAPI interface {
	GetTopicAttributes(context.Context, *sns.GetTopicAttributesInput, ...func(*sns.Options)) (*sns.GetTopicAttributesOutput, error)
	GetSubscriptionAttributes(context.Context, *sns.GetSubscriptionAttributesInput, ...func(*sns.Options)) (*sns.GetSubscriptionAttributesOutput, error)
	sns.ListSubscriptionsByTopicAPIClient
}

type KMSAPI interface {
	DescribeKey(context.Context, *kms.DescribeKeyInput, ...func(*kms.Options)) (*kms.DescribeKeyOutput, error)
	GetKeyPolicy(context.Context, *kms.GetKeyPolicyInput, ...func(*kms.Options)) (*kms.GetKeyPolicyOutput, error)
}

type S3API interface {
	s3.ListBucketsAPIClient
	GetBucketLocation(context.Context, *s3.GetBucketLocationInput, ...func(*s3.Options)) (*s3.GetBucketLocationOutput, error)
	GetBucketAcl(context.Context, *s3.GetBucketAclInput, ...func(*s3.Options)) (*s3.GetBucketAclOutput, error)
	GetBucketPolicyStatus(context.Context, *s3.GetBucketPolicyStatusInput, ...func(*s3.Options)) (*s3.GetBucketPolicyStatusOutput, error)
	GetPublicAccessBlock(context.Context, *s3.GetPublicAccessBlockInput, ...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error)
	GetBucketLogging(context.Context, *s3.GetBucketLoggingInput, ...func(*s3.Options)) (*s3.GetBucketLoggingOutput, error)
}

type S3ControlAPI interface {
	GetPublicAccessBlock(context.Context, *s3control.GetPublicAccessBlockInput, ...func(*s3control.Options)) (*s3control.GetPublicAccessBlockOutput, error)
}

type STSAPI interface {
	GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
}

type EC2API interface {
	DescribeRegions(context.Context, *ec2.DescribeRegionsInput, ...func(*ec2.Options)) (*ec2.DescribeRegionsOutput, error)
}

// API hands out clients for one account's credentials, per region.
type API interface {
	CloudTrail(region string) CloudTrailAPI
	Logs(region string) LogsAPI
	CloudWatch(region string) CloudWatchAPI
	SNS(region string) SNSAPI
	KMS(region string) KMSAPI
	S3(region string) S3API
	S3Control(region string) S3ControlAPI
	STS(region string) STSAPI
	EC2(region string) EC2API
}

// SDK is an API backed by the AWS SDK for Go v2, one client per service and
// region, built on first use.
type SDK struct {
	cfg aws.Config
	mu  sync.Mutex
	m   map[[2]string]any
}

// NewSDK makes an API from an SDK configuration (credentials, retryer,
// endpoint).
func NewSDK(cfg aws.Config) *SDK {
	return &SDK{cfg: cfg, m: map[[2]string]any{}}
}

func client[T any](s *SDK, service, region string, build func() T) T {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := [2]string{service, region}
	if c, ok := s.m[key]; ok {
		return c.(T)
	}
	c := build()
	s.m[key] = c
	return c
}

func (s *SDK) CloudTrail(region string) CloudTrailAPI {
	return client(s, "cloudtrail", region, func() *cloudtrail.Client {
		return cloudtrail.NewFromConfig(s.cfg, func(o *cloudtrail.Options) { o.Region = region })
	})
}

func (s *SDK) Logs(region string) LogsAPI {
	return client(s, "logs", region, func() *cloudwatchlogs.Client {
		return cloudwatchlogs.NewFromConfig(s.cfg, func(o *cloudwatchlogs.Options) { o.Region = region })
	})
}

// CloudWatch speaks awsJson1_0, which CloudWatch serves beside its newer
// default (Smithy RPCv2 CBOR) and which emulators such as moto understand.
func (s *SDK) CloudWatch(region string) CloudWatchAPI {
	return client(s, "cloudwatch", region, func() *cloudwatch.Client {
		return cloudwatch.NewFromConfig(s.cfg, func(o *cloudwatch.Options) {
			o.Region = region
			o.Protocol = awsjson.New10(cwschemas.GraniteServiceVersion20100801)
		})
	})
}

func (s *SDK) SNS(region string) SNSAPI {
	return client(s, "sns", region, func() *sns.Client {
		return sns.NewFromConfig(s.cfg, func(o *sns.Options) { o.Region = region })
	})
}

func (s *SDK) KMS(region string) KMSAPI {
	return client(s, "kms", region, func() *kms.Client {
		return kms.NewFromConfig(s.cfg, func(o *kms.Options) { o.Region = region })
	})
}

// S3 addresses buckets by path when an endpoint is given (an emulator on
// loopback has no DNS name per bucket); AWS itself is addressed as the
// SDK does by default.
func (s *SDK) S3(region string) S3API {
	return client(s, "s3", region, func() *s3.Client {
		return s3.NewFromConfig(s.cfg, func(o *s3.Options) {
			o.Region = region
			o.UsePathStyle = s.cfg.BaseEndpoint != nil
		})
	})
}

// S3Control puts the account id in the host name (ACCOUNT.s3-control...);
// an endpoint that was given is used as it is, since an emulator on
// loopback has no such names: the account goes in the x-amz-account-id
// header all the same.
func (s *SDK) S3Control(region string) S3ControlAPI {
	return client(s, "s3control", region, func() *s3control.Client {
		return s3control.NewFromConfig(s.cfg, func(o *s3control.Options) {
			o.Region = region
			if s.cfg.BaseEndpoint != nil {
				o.EndpointResolverV2 = givenEndpoint{url: *s.cfg.BaseEndpoint}
			}
		})
	})
}

type givenEndpoint struct{ url string }

func (g givenEndpoint) ResolveEndpoint(context.Context, s3control.EndpointParameters) (smithyendpoints.Endpoint, error) {
	u, err := url.Parse(g.url)
	if err != nil {
		return smithyendpoints.Endpoint{}, err
	}
	return smithyendpoints.Endpoint{URI: *u}, nil
}

func (s *SDK) STS(region string) STSAPI {
	return client(s, "sts", region, func() *sts.Client {
		return sts.NewFromConfig(s.cfg, func(o *sts.Options) { o.Region = region })
	})
}

func (s *SDK) EC2(region string) EC2API {
	return client(s, "ec2", region, func() *ec2.Client {
		return ec2.NewFromConfig(s.cfg, func(o *ec2.Options) { o.Region = region })
	})
}
