package collector

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"

	"github.com/trailwatch/trailwatch/internal/snapshot"
)

// describeTrails lists the trails a region sees, shadow trails of
// multi-region trails included (cloudtrail:DescribeTrails; not paged).
func (a *accountRun) describeTrails(ctx context.Context, reg *regionRun) {
	out, err := call(ctx, a.r, "cloudtrail", "DescribeTrails", func(ctx context.Context) (*cloudtrail.DescribeTrailsOutput, error) {
		return a.api.CloudTrail(reg.name).DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{IncludeShadowTrails: aws.Bool(true)})
	})
	if err != nil {
		a.fail(reg.name, failure("cloudtrail", "DescribeTrails", reg.name, "", err))
		return
	}
	var seen []snapshot.Trail
	for _, t := range out.TrailList {
		seen = append(seen, convertTrail(t, reg.name))
	}
	a.mu.Lock()
	reg.trails = seen
	a.mu.Unlock()
}

// pendingTrails lists the trails the regions read so far have listed,
// shadow copies of multi-region trails included, by ARN.
func (a *accountRun) pendingTrails() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	var arns []string
	for _, reg := range a.regions {
		for _, t := range reg.trails {
			arns = append(arns, t.TrailARN)
		}
	}
	slices.Sort(arns)
	return slices.Compact(arns)
}

// trailListed finds a trail as DescribeTrails listed it, preferring its
// home region's listing.
func (a *accountRun) trailListed(arn string) snapshot.Trail {
	a.mu.Lock()
	defer a.mu.Unlock()
	var found snapshot.Trail
	for _, reg := range a.regions {
		for _, t := range reg.trails {
			if t.TrailARN == arn && (found.TrailARN == "" || t.HomeRegion == reg.name) {
				found = t
			}
		}
	}
	return found
}

// readTrail reads one trail in its home region, listed by the user or not:
// status and event selectors, side by side.
func (a *accountRun) readTrail(ctx context.Context, arn string) {
	t := a.trailListed(arn)
	home := a.ensureFollowed(ctx, t.HomeRegion)
	ct := a.api.CloudTrail(t.HomeRegion)
	var wg sync.WaitGroup
	wg.Go(func() {
		status, err := call(ctx, a.r, "cloudtrail", "GetTrailStatus", func(ctx context.Context) (*cloudtrail.GetTrailStatusOutput, error) {
			return ct.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: aws.String(arn)})
		})
		if err != nil {
			a.fail(t.HomeRegion, failure("cloudtrail", "GetTrailStatus", t.HomeRegion, arn, err))
			return
		}
		t.GetTrailStatus = convertStatus(status)
	})
	wg.Go(func() {
		sel, err := call(ctx, a.r, "cloudtrail", "GetEventSelectors", func(ctx context.Context) (*cloudtrail.GetEventSelectorsOutput, error) {
			return ct.GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: aws.String(arn)})
		})
		if err != nil {
			a.fail(t.HomeRegion, failure("cloudtrail", "GetEventSelectors", t.HomeRegion, arn, err))
			return
		}
		t.GetEventSelectors = convertSelectors(sel)
	})
	wg.Wait()
	a.mu.Lock()
	home.data.Trails = append(home.data.Trails, t)
	a.mu.Unlock()
}

func convertTrail(t cttypes.Trail, seenIn string) snapshot.Trail {
	home := aws.ToString(t.HomeRegion)
	if home == "" {
		home = seenIn
	}
	return snapshot.Trail{
		Name:                       aws.ToString(t.Name),
		TrailARN:                   aws.ToString(t.TrailARN),
		HomeRegion:                 home,
		IsMultiRegionTrail:         aws.ToBool(t.IsMultiRegionTrail),
		IsOrganizationTrail:        aws.ToBool(t.IsOrganizationTrail),
		IncludeGlobalServiceEvents: aws.ToBool(t.IncludeGlobalServiceEvents),
		LogFileValidationEnabled:   aws.ToBool(t.LogFileValidationEnabled),
		HasCustomEventSelectors:    aws.ToBool(t.HasCustomEventSelectors),
		HasInsightSelectors:        aws.ToBool(t.HasInsightSelectors),
		S3BucketName:               aws.ToString(t.S3BucketName),
		S3KeyPrefix:                aws.ToString(t.S3KeyPrefix),
		SnsTopicARN:                aws.ToString(t.SnsTopicARN),
		CloudWatchLogsLogGroupArn:  aws.ToString(t.CloudWatchLogsLogGroupArn),
		CloudWatchLogsRoleArn:      aws.ToString(t.CloudWatchLogsRoleArn),
		KmsKeyId:                   aws.ToString(t.KmsKeyId),
	}
}

func convertStatus(s *cloudtrail.GetTrailStatusOutput) *snapshot.TrailStatus {
	return &snapshot.TrailStatus{
		IsLogging:                         aws.ToBool(s.IsLogging),
		LatestDeliveryError:               aws.ToString(s.LatestDeliveryError),
		LatestDeliveryTime:                rfc3339(s.LatestDeliveryTime),
		LatestCloudWatchLogsDeliveryError: aws.ToString(s.LatestCloudWatchLogsDeliveryError),
		LatestCloudWatchLogsDeliveryTime:  rfc3339(s.LatestCloudWatchLogsDeliveryTime),
		StartLoggingTime:                  rfc3339(s.StartLoggingTime),
		StopLoggingTime:                   rfc3339(s.StopLoggingTime),
	}
}

// convertSelectors keeps GetEventSelectors' answer. Where a field is
// absent, AWS's documented default stands in: IncludeManagementEvents
// defaults to true and ReadWriteType to All.
func convertSelectors(out *cloudtrail.GetEventSelectorsOutput) *snapshot.EventSelectors {
	sel := &snapshot.EventSelectors{}
	for _, s := range out.EventSelectors {
		es := snapshot.EventSelector{
			ReadWriteType:                 string(s.ReadWriteType),
			IncludeManagementEvents:       s.IncludeManagementEvents == nil || *s.IncludeManagementEvents,
			ExcludeManagementEventSources: s.ExcludeManagementEventSources,
		}
		if es.ReadWriteType == "" {
			es.ReadWriteType = string(cttypes.ReadWriteTypeAll)
		}
		for _, d := range s.DataResources {
			es.DataResources = append(es.DataResources, snapshot.DataResource{Type: aws.ToString(d.Type), Values: d.Values})
		}
		sel.EventSelectors = append(sel.EventSelectors, es)
	}
	for _, s := range out.AdvancedEventSelectors {
		as := snapshot.AdvancedEventSelector{Name: aws.ToString(s.Name), FieldSelectors: []snapshot.FieldSelector{}}
		for _, f := range s.FieldSelectors {
			as.FieldSelectors = append(as.FieldSelectors, snapshot.FieldSelector{
				Field:         aws.ToString(f.Field),
				Equals:        f.Equals,
				StartsWith:    f.StartsWith,
				EndsWith:      f.EndsWith,
				NotEquals:     f.NotEquals,
				NotStartsWith: f.NotStartsWith,
				NotEndsWith:   f.NotEndsWith,
			})
		}
		sel.AdvancedEventSelectors = append(sel.AdvancedEventSelectors, as)
	}
	return sel
}

func rfc3339(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
