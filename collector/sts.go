package collector

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/trailwatch/trailwatch/internal/snapshot"
)

// identity asks STS who the credentials are (sts:GetCallerIdentity). With a
// role, this is the call that first assumes it.
func (a *accountRun) identity(ctx context.Context, region string, t Target) (account, arn string, fail *snapshot.CallError) {
	out, err := call(ctx, a.r, "sts", "GetCallerIdentity", func(ctx context.Context) (*sts.GetCallerIdentityOutput, error) {
		return t.API.STS(region).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	})
	if err != nil {
		return "", "", failure("sts", "GetCallerIdentity", region, t.RoleARN, err)
	}
	return aws.ToString(out.Account), aws.ToString(out.Arn), nil
}

// enabledRegions lists the regions enabled for the account
// (ec2:DescribeRegions without AllRegions: opted-out regions are left out).
func (a *accountRun) enabledRegions(ctx context.Context, region string) ([]string, *snapshot.CallError) {
	out, err := call(ctx, a.r, "ec2", "DescribeRegions", func(ctx context.Context) (*ec2.DescribeRegionsOutput, error) {
		return a.api.EC2(region).DescribeRegions(ctx, &ec2.DescribeRegionsInput{})
	})
	if err != nil {
		return nil, failure("ec2", "DescribeRegions", region, "", err)
	}
	var names []string
	for _, r := range out.Regions {
		if n := aws.ToString(r.RegionName); n != "" {
			names = append(names, n)
		}
	}
	return names, nil
}
