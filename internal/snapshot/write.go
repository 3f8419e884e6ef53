package snapshot

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/trailwatch/trailwatch/internal/fileio"
)

// Normalize puts a snapshot in its canonical order, so that two
// collections of the same account diff cleanly: accounts by id, regions by
// name, resources by ARN or name, errors by what failed. Nil lists become
// empty ones.
func (s *Snapshot) Normalize() {
	if s.FormatVersion == 0 {
		s.FormatVersion = FormatVersion
	}
	if s.Accounts == nil {
		s.Accounts = []Account{}
	}
	slices.SortFunc(s.Accounts, func(a, b Account) int { return cmp.Compare(a.AccountID, b.AccountID) })
	slices.SortFunc(s.Skipped, func(a, b SkippedAccount) int { return cmp.Compare(a.AccountID, b.AccountID) })
	for i := range s.Accounts {
		a := &s.Accounts[i]
		if a.Regions == nil {
			a.Regions = []Region{}
		}
		sortErrors(a.Errors)
		slices.SortFunc(a.S3Buckets, func(x, y S3Bucket) int { return cmp.Compare(x.Name, y.Name) })
		for j := range a.S3Buckets {
			if acl := a.S3Buckets[j].GetBucketAcl; acl != nil && acl.Grants == nil {
				acl.Grants = []Grant{}
			}
		}
		slices.SortFunc(a.Regions, func(x, y Region) int { return cmp.Compare(x.Region, y.Region) })
		for j := range a.Regions {
			a.Regions[j].normalize()
		}
	}
}

func (r *Region) normalize() {
	if r.Trails == nil {
		r.Trails = []Trail{}
	}
	if r.MetricAlarms == nil {
		r.MetricAlarms = []MetricAlarm{}
	}
	slices.SortFunc(r.Trails, func(a, b Trail) int { return cmp.Compare(a.TrailARN, b.TrailARN) })
	slices.SortFunc(r.LogGroups, func(a, b LogGroup) int { return cmp.Compare(a.LogGroupName, b.LogGroupName) })
	for i := range r.LogGroups {
		lg := &r.LogGroups[i]
		if lg.MetricFilters == nil {
			lg.MetricFilters = []MetricFilter{}
		}
		slices.SortFunc(lg.MetricFilters, func(a, b MetricFilter) int { return cmp.Compare(a.FilterName, b.FilterName) })
		for j := range lg.MetricFilters {
			if lg.MetricFilters[j].MetricTransformations == nil {
				lg.MetricFilters[j].MetricTransformations = []MetricTransformation{}
			}
		}
	}
	slices.SortFunc(r.MetricAlarms, func(a, b MetricAlarm) int {
		return cmp.Or(cmp.Compare(a.AlarmName, b.AlarmName), cmp.Compare(a.AlarmArn, b.AlarmArn))
	})
	for i := range r.MetricAlarms {
		if r.MetricAlarms[i].AlarmActions == nil {
			r.MetricAlarms[i].AlarmActions = []string{}
		}
	}
	slices.SortFunc(r.Topics, func(a, b Topic) int { return cmp.Compare(a.TopicArn, b.TopicArn) })
	for i := range r.Topics {
		t := &r.Topics[i]
		if t.Subscriptions == nil {
			t.Subscriptions = []Subscription{}
		}
		slices.SortFunc(t.Subscriptions, func(a, b Subscription) int {
			return cmp.Or(cmp.Compare(a.SubscriptionArn, b.SubscriptionArn), cmp.Compare(a.Protocol, b.Protocol), cmp.Compare(a.Endpoint, b.Endpoint))
		})
	}
	slices.SortFunc(r.KMSKeys, func(a, b KMSKey) int { return cmp.Compare(a.Reference, b.Reference) })
	sortErrors(r.Errors)
}

func sortErrors(errs []CallError) {
	slices.SortFunc(errs, func(a, b CallError) int {
		return cmp.Or(cmp.Compare(a.Service, b.Service), cmp.Compare(a.Operation, b.Operation),
			cmp.Compare(a.Region, b.Region), cmp.Compare(a.Resource, b.Resource), cmp.Compare(a.ErrorCode, b.ErrorCode))
	})
}

// Marshal renders a snapshot in its canonical form: normalized, indented,
// ending with a newline.
func (s *Snapshot) Marshal() ([]byte, error) {
	s.Normalize()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// WriteFile writes the snapshot to path atomically: it goes to a temporary
// file beside path, is synced, and replaces path only when complete. A
// failure leaves any earlier file at path as it was.
func (s *Snapshot) WriteFile(path string) error {
	data, err := s.Marshal()
	if err != nil {
		return fmt.Errorf("encode snapshot: %w", err)
	}
	return fileio.WriteAtomic(path, data)
}
