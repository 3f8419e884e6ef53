package diff

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/trailwatch/trailwatch/internal/awsarn"
	"github.com/trailwatch/trailwatch/internal/snapshot"
)

// Change is one difference between the evidence of two snapshots, in
// words, with the account, region and resource it is about.
type Change struct {
	Kind     string `json:"kind"`
	Account  string `json:"account_id"`
	Region   string `json:"region,omitempty"`
	Resource string `json:"resource,omitempty"`
	Old      string `json:"old,omitempty"`
	New      string `json:"new,omitempty"`
	Text     string `json:"text"`
}

// The kinds of change, in the order they are listed for a verdict.
var kindOrder = []string{
	"account_missing", "account_added", "region_missing", "region_added", "call_failed", "call_recovered",
	"trail_deleted", "trail_added", "trail_stopped_logging", "trail_started_logging", "trail_multi_region_changed",
	"trail_event_selectors_changed", "trail_log_group_changed", "trail_cloudwatch_delivery_changed",
	"trail_s3_delivery_changed", "trail_validation_changed", "trail_key_changed", "trail_bucket_changed",
	"bucket_acl_changed", "bucket_policy_status_changed", "bucket_public_access_block_changed",
	"account_public_access_block_changed", "bucket_logging_changed",
	"filter_deleted", "filter_added", "filter_pattern_changed", "filter_metric_changed",
	"alarm_deleted", "alarm_added", "alarm_renamed", "alarm_actions_disabled", "alarm_actions_enabled",
	"alarm_metric_changed", "alarm_condition_changed", "alarm_notifies_changed",
	"topic_deleted", "topic_added", "topic_policy_changed", "topic_key_changed", "key_state_changed", "key_policy_changed",
	"last_subscription_removed", "subscriptions_changed", "subscription_filter_changed",
}

// evidence lists what changed between two snapshots, account by account.
func evidence(old, new *snapshot.Snapshot) []Change {
	var out []Change
	oldAcc, newAcc := accountsByID(old), accountsByID(new)
	for _, id := range union(keys(oldAcc), keys(newAcc)) {
		o, n := oldAcc[id], newAcc[id]
		switch {
		case n == nil:
			out = append(out, Change{Kind: "account_missing", Account: id, Text: fmt.Sprintf("account %s is not in the new snapshot", id)})
			continue
		case o == nil:
			out = append(out, Change{Kind: "account_added", Account: id, Text: fmt.Sprintf("account %s is new in the new snapshot", id)})
			continue
		}
		out = append(out, accountChanges(o, n)...)
	}
	return out
}

func accountChanges(o, n *snapshot.Account) []Change {
	var out []Change
	acct := o.AccountID
	add := func(c Change) {
		c.Account = acct
		out = append(out, c)
	}
	oldReg, newReg := regionsByName(o), regionsByName(n)
	for _, r := range union(keys(oldReg), keys(newReg)) {
		switch {
		case newReg[r] == nil:
			add(Change{Kind: "region_missing", Region: r, Text: fmt.Sprintf("region %s of account %s is not in the new snapshot", r, acct)})
		case oldReg[r] == nil:
			add(Change{Kind: "region_added", Region: r, Text: fmt.Sprintf("region %s of account %s is new in the new snapshot", r, acct)})
		}
	}
	// Calls that failed now and did not before, and back.
	oldCalls, newCalls := failedCalls(o), failedCalls(n)
	for _, k := range union(keys(oldCalls), keys(newCalls)) {
		oc, nc := oldCalls[k], newCalls[k]
		switch {
		case oc == nil:
			add(Change{Kind: "call_failed", Region: nc.Region, Resource: nc.Resource, New: nc.ErrorCode,
				Text: fmt.Sprintf("%s %s%s now fails: %s (%s)", nc.Service, nc.Operation, where(nc.Region, nc.Resource), nc.ErrorCode, nc.Message)})
		case nc == nil:
			add(Change{Kind: "call_recovered", Region: oc.Region, Resource: oc.Resource, Old: oc.ErrorCode,
				Text: fmt.Sprintf("%s %s%s no longer fails", oc.Service, oc.Operation, where(oc.Region, oc.Resource))})
		}
	}

	oldTrails, newTrails := trailsByARN(o), trailsByARN(n)
	for _, arn := range union(keys(oldTrails), keys(newTrails)) {
		ot, nt := oldTrails[arn], newTrails[arn]
		region := regionOfARN(arn)
		switch {
		case nt == nil:
			add(Change{Kind: "trail_deleted", Region: region, Resource: arn, Text: fmt.Sprintf("trail %s was deleted", ot.Name)})
			continue
		case ot == nil:
			add(Change{Kind: "trail_added", Region: region, Resource: arn, Text: fmt.Sprintf("trail %s was created", nt.Name)})
			continue
		}
		if ot.GetTrailStatus != nil && nt.GetTrailStatus != nil && ot.GetTrailStatus.IsLogging != nt.GetTrailStatus.IsLogging {
			if nt.GetTrailStatus.IsLogging {
				add(Change{Kind: "trail_started_logging", Region: region, Resource: arn, Text: fmt.Sprintf("trail %s started logging", nt.Name)})
			} else {
				add(Change{Kind: "trail_stopped_logging", Region: region, Resource: arn, Text: fmt.Sprintf("trail %s stopped logging", nt.Name)})
			}
		}
		if ot.IsMultiRegionTrail != nt.IsMultiRegionTrail {
			add(Change{Kind: "trail_multi_region_changed", Region: region, Resource: arn, Old: fmt.Sprint(ot.IsMultiRegionTrail), New: fmt.Sprint(nt.IsMultiRegionTrail),
				Text: fmt.Sprintf("trail %s is %s", nt.Name, map[bool]string{true: "now multi-region", false: "no longer multi-region"}[nt.IsMultiRegionTrail])})
		}
		if a, b := asJSON(ot.GetEventSelectors), asJSON(nt.GetEventSelectors); a != b && ot.GetEventSelectors != nil && nt.GetEventSelectors != nil {
			add(Change{Kind: "trail_event_selectors_changed", Region: region, Resource: arn, Old: a, New: b, Text: fmt.Sprintf("trail %s's event selectors changed from %s to %s", nt.Name, a, b)})
		}
		if a, b := deliveryState(ot.GetTrailStatus), deliveryState(nt.GetTrailStatus); a != b && ot.GetTrailStatus != nil && nt.GetTrailStatus != nil {
			add(Change{Kind: "trail_cloudwatch_delivery_changed", Region: region, Resource: arn, Old: a, New: b,
				Text: fmt.Sprintf("trail %s's delivery to CloudWatch Logs: %s (was: %s)", nt.Name, b, a)})
		}
		if ot.CloudWatchLogsLogGroupArn != nt.CloudWatchLogsLogGroupArn {
			add(Change{Kind: "trail_log_group_changed", Region: region, Resource: arn, Old: ot.CloudWatchLogsLogGroupArn, New: nt.CloudWatchLogsLogGroupArn,
				Text: fmt.Sprintf("trail %s delivers to %s (was %s)", nt.Name, orNone(nt.CloudWatchLogsLogGroupArn), orNone(ot.CloudWatchLogsLogGroupArn))})
		}
		if ot.GetTrailStatus != nil && nt.GetTrailStatus != nil && ot.GetTrailStatus.LatestDeliveryError != nt.GetTrailStatus.LatestDeliveryError {
			a, b := ot.GetTrailStatus.LatestDeliveryError, nt.GetTrailStatus.LatestDeliveryError
			add(Change{Kind: "trail_s3_delivery_changed", Region: region, Resource: arn, Old: a, New: b,
				Text: fmt.Sprintf("trail %s's latest error delivering to S3: %s (was %s)", nt.Name, orNone(b), orNone(a))})
		}
		if ot.LogFileValidationEnabled != nt.LogFileValidationEnabled {
			add(Change{Kind: "trail_validation_changed", Region: region, Resource: arn, Old: fmt.Sprint(ot.LogFileValidationEnabled), New: fmt.Sprint(nt.LogFileValidationEnabled),
				Text: fmt.Sprintf("trail %s %s its log files", nt.Name, map[bool]string{true: "now validates", false: "no longer validates"}[nt.LogFileValidationEnabled])})
		}
		if ot.KmsKeyId != nt.KmsKeyId {
			add(Change{Kind: "trail_key_changed", Region: region, Resource: arn, Old: ot.KmsKeyId, New: nt.KmsKeyId,
				Text: fmt.Sprintf("trail %s encrypts its log files with %s (was %s)", nt.Name, orNone(nt.KmsKeyId), orNone(ot.KmsKeyId))})
		}
		if ot.S3BucketName != nt.S3BucketName {
			add(Change{Kind: "trail_bucket_changed", Region: region, Resource: arn, Old: ot.S3BucketName, New: nt.S3BucketName,
				Text: fmt.Sprintf("trail %s delivers its log files to bucket %s (was %s)", nt.Name, orNone(nt.S3BucketName), orNone(ot.S3BucketName))})
		}
	}
	out = append(out, bucketChanges(o, n)...)

	partition := partitionOf(o)
	for _, r := range union(keys(oldReg), keys(newReg)) {
		or, nr := oldReg[r], newReg[r]
		if or == nil || nr == nil {
			continue
		}
		out = append(out, regionChanges(acct, partition, or, nr, n)...)
	}
	return out
}

func regionChanges(acct, partition string, or, nr *snapshot.Region, newAccount *snapshot.Account) []Change {
	var out []Change
	add := func(c Change) {
		c.Account, c.Region = acct, nr.Region
		out = append(out, c)
	}
	// Metric filters, by log group and name; a log group read on one side
	// only is compared as far as it goes (its absence is not a deletion).
	oldLG, newLG := logGroups(or), logGroups(nr)
	for _, lg := range union(keys(oldLG), keys(newLG)) {
		of, nf := oldLG[lg], newLG[lg]
		if of == nil || nf == nil {
			continue
		}
		lgARN := fmt.Sprintf("arn:%s:logs:%s:%s:log-group:%s", partition, nr.Region, acct, lg)
		for _, name := range union(keys(of), keys(nf)) {
			o, n := of[name], nf[name]
			id := lgARN + ":metric-filter:" + name
			switch {
			case n == nil:
				add(Change{Kind: "filter_deleted", Resource: id, Old: patterns(o), Text: fmt.Sprintf("metric filter %s on log group %s was deleted", name, lg)})
			case o == nil:
				add(Change{Kind: "filter_added", Resource: id, New: patterns(n), Text: fmt.Sprintf("metric filter %s was added on log group %s: %s", name, lg, patterns(n))})
			default:
				if a, b := patterns(o), patterns(n); a != b {
					add(Change{Kind: "filter_pattern_changed", Resource: id, Old: a, New: b,
						Text: fmt.Sprintf("metric filter %s's pattern changed from %s to %s", name, a, b)})
				}
				if a, b := transforms(o), transforms(n); a != b {
					add(Change{Kind: "filter_metric_changed", Resource: id, Old: a, New: b, Text: fmt.Sprintf("metric filter %s now publishes %s (was %s)", name, b, a)})
				}
			}
		}
	}

	oldAl, newAl := alarms(or), alarms(nr)
	var deleted, added []*snapshot.MetricAlarm
	for _, id := range union(keys(oldAl), keys(newAl)) {
		o, n := oldAl[id], newAl[id]
		switch {
		case n == nil:
			deleted = append(deleted, o)
		case o == nil:
			added = append(added, n)
		default:
			if o.ActionsEnabled && !n.ActionsEnabled {
				add(Change{Kind: "alarm_actions_disabled", Resource: alarmID(n), Text: fmt.Sprintf("alarm %s's actions were disabled", n.AlarmName)})
			} else if !o.ActionsEnabled && n.ActionsEnabled {
				add(Change{Kind: "alarm_actions_enabled", Resource: alarmID(n), Text: fmt.Sprintf("alarm %s's actions were enabled", n.AlarmName)})
			}
			if a, b := alarmMetric(o), alarmMetric(n); a != b {
				add(Change{Kind: "alarm_metric_changed", Resource: alarmID(n), Old: a, New: b, Text: fmt.Sprintf("alarm %s moved to metric %s (was %s)", n.AlarmName, b, a)})
			}
			if a, b := alarmCondition(o), alarmCondition(n); a != b {
				add(Change{Kind: "alarm_condition_changed", Resource: alarmID(n), Old: a, New: b, Text: fmt.Sprintf("alarm %s now fires when %s (was %s)", n.AlarmName, b, a)})
			}
			if a, b := strings.Join(o.AlarmActions, ", "), strings.Join(n.AlarmActions, ", "); a != b {
				add(Change{Kind: "alarm_notifies_changed", Resource: alarmID(n), Old: a, New: b, Text: fmt.Sprintf("alarm %s now notifies %s (was %s)", n.AlarmName, orNone(b), orNone(a))})
			}
		}
	}
	// An alarm deleted and one added on the same metric: renamed.
	for _, d := range deleted {
		i := slices.IndexFunc(added, func(a *snapshot.MetricAlarm) bool { return alarmMetric(a) == alarmMetric(d) })
		if i >= 0 {
			a := added[i]
			added = slices.Delete(added, i, i+1)
			add(Change{Kind: "alarm_renamed", Resource: alarmID(a), Old: d.AlarmName, New: a.AlarmName, Text: fmt.Sprintf("alarm %s was renamed %s", d.AlarmName, a.AlarmName)})
			continue
		}
		add(Change{Kind: "alarm_deleted", Resource: alarmID(d), Text: fmt.Sprintf("alarm %s was deleted", d.AlarmName)})
	}
	for _, a := range added {
		add(Change{Kind: "alarm_added", Resource: alarmID(a), Text: fmt.Sprintf("alarm %s was created on metric %s", a.AlarmName, alarmMetric(a))})
	}

	oldT, newT := topics(or), topics(nr)
	for _, arn := range union(keys(oldT), keys(newT)) {
		o, n := oldT[arn], newT[arn]
		switch {
		case n == nil:
			add(Change{Kind: "topic_deleted", Resource: arn, Text: fmt.Sprintf("topic %s was deleted", arn)})
		case o == nil:
			add(Change{Kind: "topic_added", Resource: arn, Text: fmt.Sprintf("topic %s was created", arn)})
		default:
			if a, b := compactJSON(o.Attributes["Policy"]), compactJSON(n.Attributes["Policy"]); a != b && o.Attributes != nil && n.Attributes != nil {
				add(Change{Kind: "topic_policy_changed", Resource: arn, Old: a, New: b, Text: fmt.Sprintf("topic %s's policy changed from %s to %s", arn, orNone(a), orNone(b))})
			}
			if a, b := o.Attributes["KmsMasterKeyId"], n.Attributes["KmsMasterKeyId"]; a != b && o.Attributes != nil && n.Attributes != nil {
				add(Change{Kind: "topic_key_changed", Resource: arn, Old: a, New: b, Text: fmt.Sprintf("topic %s is encrypted with %s (was %s)", arn, orNone(b), orNone(a))})
			}
			for _, c := range subscriptionFilterChanges(o, n) {
				add(c)
			}
			oc, nc := confirmed(o), confirmed(n)
			switch {
			case oc > 0 && nc == 0:
				add(Change{Kind: "last_subscription_removed", Resource: arn, Old: fmt.Sprint(oc), New: "0", Text: fmt.Sprintf("topic %s lost its last confirmed subscription", arn)})
			case oc != nc:
				add(Change{Kind: "subscriptions_changed", Resource: arn, Old: fmt.Sprint(oc), New: fmt.Sprint(nc), Text: fmt.Sprintf("topic %s has %d confirmed subscriptions (had %d)", arn, nc, oc)})
			}
		}
	}
	// A key's state or policy, told of each topic of the region that uses
	// it (the verdicts name topics, not keys).
	oldK, newK := keys(kmsKeys(or)), kmsKeys(nr)
	for _, ref := range oldK {
		o, n := kmsKeys(or)[ref], newK[ref]
		if n == nil || o.KeyMetadata == nil || n.KeyMetadata == nil {
			continue
		}
		var cs []Change
		if a, b := o.KeyMetadata.KeyState, n.KeyMetadata.KeyState; a != b {
			cs = append(cs, Change{Kind: "key_state_changed", Old: a, New: b, Text: fmt.Sprintf("KMS key %s is %s (was %s)", n.KeyMetadata.Arn, b, a)})
		}
		if o.Policy != nil && n.Policy != nil {
			if a, b := compactJSON(*o.Policy), compactJSON(*n.Policy); a != b {
				cs = append(cs, Change{Kind: "key_policy_changed", Old: a, New: b, Text: fmt.Sprintf("KMS key %s's policy changed from %s to %s", n.KeyMetadata.Arn, a, b)})
			}
		}
		for _, c := range cs {
			users := append(topicsUsing(nr, ref), trailsUsing(newAccount, ref)...)
			if len(users) == 0 {
				users = []string{n.KeyMetadata.Arn}
			}
			for _, t := range users {
				c.Resource = t
				add(c)
			}
		}
	}
	return out
}

func kmsKeys(r *snapshot.Region) map[string]*snapshot.KMSKey {
	return byKey(r.KMSKeys, func(k *snapshot.KMSKey) string { return k.Reference })
}

// topicsUsing are the topics of a region encrypted with a key, by the
// name they give it.
func topicsUsing(r *snapshot.Region, ref string) []string {
	var out []string
	for _, t := range r.Topics {
		if t.Attributes["KmsMasterKeyId"] == ref {
			out = append(out, t.TopicArn)
		}
	}
	return out
}

// trailsUsing are the trails of an account that encrypt their log files
// with a key, by the name they give it.
func trailsUsing(a *snapshot.Account, ref string) []string {
	var out []string
	for _, r := range a.Regions {
		for _, t := range r.Trails {
			if t.KmsKeyId == ref && !slices.Contains(out, t.TrailARN) {
				out = append(out, t.TrailARN)
			}
		}
	}
	return out
}

// bucketChanges tells what changed of the trails' buckets an account read:
// their ACL, policy status, Block Public Access and logging, and the
// account's own Block Public Access (told of each bucket it owns). A
// bucket's change is told with its ARN, which the verdicts about it name.
func bucketChanges(o, n *snapshot.Account) []Change {
	var out []Change
	add := func(c Change) {
		c.Account = n.AccountID
		out = append(out, c)
	}
	oldB := byKey(o.S3Buckets, func(b *snapshot.S3Bucket) string { return b.Name })
	for _, nb := range n.S3Buckets {
		ob := oldB[nb.Name]
		if ob == nil {
			continue
		}
		arn := "arn:aws:s3:::" + nb.Name
		if ob.GetBucketAcl != nil && nb.GetBucketAcl != nil {
			if a, b := grants(ob.GetBucketAcl), grants(nb.GetBucketAcl); a != b {
				add(Change{Kind: "bucket_acl_changed", Resource: arn, Old: a, New: b, Text: fmt.Sprintf("bucket %s's ACL grants %s (granted %s)", nb.Name, b, a)})
			}
		}
		if ob.GetBucketPolicyStatus != nil && nb.GetBucketPolicyStatus != nil {
			if a, b := policyPublic(ob.GetBucketPolicyStatus), policyPublic(nb.GetBucketPolicyStatus); a != b {
				add(Change{Kind: "bucket_policy_status_changed", Resource: arn, Old: a, New: b, Text: fmt.Sprintf("bucket %s's policy: %s (was: %s)", nb.Name, b, a)})
			}
		}
		if ob.GetPublicAccessBlock != nil && nb.GetPublicAccessBlock != nil {
			if a, b := blockState(ob.GetPublicAccessBlock), blockState(nb.GetPublicAccessBlock); a != b {
				add(Change{Kind: "bucket_public_access_block_changed", Resource: arn, Old: a, New: b, Text: fmt.Sprintf("bucket %s's Block Public Access: %s (was: %s)", nb.Name, b, a)})
			}
		}
		if o.S3PublicAccessBlock != nil && n.S3PublicAccessBlock != nil && nb.Owned {
			if a, b := blockState(o.S3PublicAccessBlock), blockState(n.S3PublicAccessBlock); a != b {
				add(Change{Kind: "account_public_access_block_changed", Resource: arn, Old: a, New: b,
					Text: fmt.Sprintf("account %s's Block Public Access, which holds for bucket %s: %s (was: %s)", n.AccountID, nb.Name, b, a)})
			}
		}
		if ob.GetBucketLogging != nil && nb.GetBucketLogging != nil {
			if a, b := loggingState(ob.GetBucketLogging), loggingState(nb.GetBucketLogging); a != b {
				add(Change{Kind: "bucket_logging_changed", Resource: arn, Old: a, New: b, Text: fmt.Sprintf("bucket %s's server access logging: %s (was: %s)", nb.Name, b, a)})
			}
		}
	}
	return out
}

func grants(acl *snapshot.BucketAcl) string {
	var g []string
	for _, x := range acl.Grants {
		who := cmp.Or(x.Grantee.URI, x.Grantee.ID, x.Grantee.EmailAddress)
		g = append(g, x.Permission+" to "+who)
	}
	slices.Sort(g)
	return orNone(strings.Join(g, ", "))
}

func policyPublic(s *snapshot.BucketPolicyStatus) string {
	switch {
	case s.PolicyStatus == nil:
		return "no policy"
	case s.PolicyStatus.IsPublic:
		return "public"
	}
	return "not public"
}

func blockState(a *snapshot.PublicAccessBlockAnswer) string {
	c := a.PublicAccessBlockConfiguration
	if c == nil {
		return "none"
	}
	var on []string
	for name, set := range map[string]bool{"BlockPublicAcls": c.BlockPublicAcls, "IgnorePublicAcls": c.IgnorePublicAcls, "BlockPublicPolicy": c.BlockPublicPolicy, "RestrictPublicBuckets": c.RestrictPublicBuckets} {
		if set {
			on = append(on, name)
		}
	}
	slices.Sort(on)
	return orNone(strings.Join(on, ", "))
}

func loggingState(l *snapshot.BucketLogging) string {
	if l.LoggingEnabled == nil {
		return "off"
	}
	return "to bucket " + l.LoggingEnabled.TargetBucket
}

// subscriptionFilterChanges tells the confirmed subscriptions whose filter
// policy (or its scope) changed.
func subscriptionFilterChanges(o, n *snapshot.Topic) []Change {
	filter := func(s *snapshot.Subscription) string {
		if s.Attributes == nil {
			return ""
		}
		p := compactJSON(s.Attributes["FilterPolicy"])
		if p == "" || p == "{}" {
			return "none"
		}
		return p + " on " + firstNonEmpty(s.Attributes["FilterPolicyScope"], "MessageAttributes")
	}
	oldS := byKey(o.Subscriptions, func(s *snapshot.Subscription) string { return s.SubscriptionArn })
	var out []Change
	for i := range n.Subscriptions {
		ns := &n.Subscriptions[i]
		os := oldS[ns.SubscriptionArn]
		if os == nil || os.Attributes == nil || ns.Attributes == nil {
			continue
		}
		if a, b := filter(os), filter(ns); a != b {
			out = append(out, Change{Kind: "subscription_filter_changed", Resource: n.TopicArn, Old: a, New: b,
				Text: fmt.Sprintf("subscription %s of topic %s filters with %s (was %s)", ns.SubscriptionArn, n.TopicArn, b, a)})
		}
	}
	return out
}

// deliveryState is what GetTrailStatus says of delivery to CloudWatch
// Logs, without the times that change at every reading.
func deliveryState(s *snapshot.TrailStatus) string {
	if s == nil {
		return ""
	}
	switch {
	case s.LatestCloudWatchLogsDeliveryError != "" && s.LatestCloudWatchLogsDeliveryTime == "":
		return "never delivered, error " + s.LatestCloudWatchLogsDeliveryError
	case s.LatestCloudWatchLogsDeliveryError != "":
		return "delivering, latest error " + s.LatestCloudWatchLogsDeliveryError
	case s.LatestCloudWatchLogsDeliveryTime != "":
		return "delivering"
	}
	return "no delivery reported"
}

// compactJSON is a JSON document without its spacing (the text itself
// when it is not JSON), so that a policy rewritten with other spacing is
// not a change.
func compactJSON(s string) string {
	var b strings.Builder
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return s
	}
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return s
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// byKey indexes the elements of s by key, pointing into s.
func byKey[T any](s []T, key func(*T) string) map[string]*T {
	m := make(map[string]*T, len(s))
	for i := range s {
		m[key(&s[i])] = &s[i]
	}
	return m
}

func accountsByID(s *snapshot.Snapshot) map[string]*snapshot.Account {
	return byKey(s.Accounts, func(a *snapshot.Account) string { return a.AccountID })
}

func regionsByName(a *snapshot.Account) map[string]*snapshot.Region {
	return byKey(a.Regions, func(r *snapshot.Region) string { return r.Region })
}

func trailsByARN(a *snapshot.Account) map[string]*snapshot.Trail {
	m := map[string]*snapshot.Trail{}
	for i := range a.Regions {
		for j := range a.Regions[i].Trails {
			t := &a.Regions[i].Trails[j]
			if _, ok := m[t.TrailARN]; !ok || t.HomeRegion == a.Regions[i].Region {
				m[t.TrailARN] = t
			}
		}
	}
	return m
}

func failedCalls(a *snapshot.Account) map[string]*snapshot.CallError {
	m := map[string]*snapshot.CallError{}
	put := func(e *snapshot.CallError) {
		m[strings.Join([]string{e.Service, e.Operation, e.Region, e.Resource}, "\x00")] = e
	}
	for i := range a.Errors {
		put(&a.Errors[i])
	}
	for i := range a.Regions {
		for j := range a.Regions[i].Errors {
			e := a.Regions[i].Errors[j]
			if e.Region == "" {
				e.Region = a.Regions[i].Region
			}
			put(&e)
		}
	}
	return m
}

// logGroups are a region's metric filters by log group and name. AWS keeps
// one filter of a name per log group; a reading that holds several (moto
// does, when put-metric-filter replaces one) keeps them all.
func logGroups(r *snapshot.Region) map[string]map[string][]*snapshot.MetricFilter {
	m := map[string]map[string][]*snapshot.MetricFilter{}
	for i := range r.LogGroups {
		lg := &r.LogGroups[i]
		fs := map[string][]*snapshot.MetricFilter{}
		for j := range lg.MetricFilters {
			f := &lg.MetricFilters[j]
			fs[f.FilterName] = append(fs[f.FilterName], f)
		}
		m[lg.LogGroupName] = fs
	}
	return m
}

// patterns is the pattern of the filters of one name, sorted.
func patterns(fs []*snapshot.MetricFilter) string {
	var ps []string
	for _, f := range fs {
		ps = append(ps, f.FilterPattern)
	}
	slices.Sort(ps)
	return strings.Join(ps, " and ")
}

func alarms(r *snapshot.Region) map[string]*snapshot.MetricAlarm {
	return byKey(r.MetricAlarms, func(a *snapshot.MetricAlarm) string { return a.AlarmName })
}

func topics(r *snapshot.Region) map[string]*snapshot.Topic {
	return byKey(r.Topics, func(t *snapshot.Topic) string { return t.TopicArn })
}

// alarmID is an alarm as results name it: its ARN, else its name.
func alarmID(a *snapshot.MetricAlarm) string {
	if a.AlarmArn != "" {
		return a.AlarmArn
	}
	return a.AlarmName
}

// alarmMetric is the metric an alarm watches: namespace/name and
// dimensions, or the metrics of a metric-math alarm.
func alarmMetric(a *snapshot.MetricAlarm) string {
	if a.MetricName != "" {
		return a.Namespace + "/" + a.MetricName + dims(a.Dimensions)
	}
	var ms []string
	for _, q := range a.Metrics {
		if q.MetricStat != nil {
			ms = append(ms, q.MetricStat.Metric.Namespace+"/"+q.MetricStat.Metric.MetricName+dims(q.MetricStat.Metric.Dimensions))
		}
	}
	return strings.Join(ms, " + ")
}

func dims(ds []snapshot.Dimension) string {
	if len(ds) == 0 {
		return ""
	}
	var parts []string
	for _, d := range ds {
		parts = append(parts, d.Name+"="+d.Value)
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// alarmCondition is when an alarm fires, in the CLI's terms.
func alarmCondition(a *snapshot.MetricAlarm) string {
	th := "?"
	if a.Threshold != nil {
		th = fmt.Sprint(*a.Threshold)
	}
	unit := ""
	if a.Unit != "" {
		unit = ", unit " + a.Unit
	}
	return fmt.Sprintf("%s %s %s over %d x %ds (%d to alarm, missing data %s%s)", firstNonEmpty(a.Statistic, a.ExtendedStatistic), a.ComparisonOperator, th, a.EvaluationPeriods, a.Period, a.DatapointsToAlarm, firstNonEmpty(a.TreatMissingData, "missing"), unit)
}

func transforms(fs []*snapshot.MetricFilter) string {
	var parts []string
	for _, f := range fs {
		parts = append(parts, transform(f))
	}
	slices.Sort(parts)
	return strings.Join(parts, " and ")
}

func transform(f *snapshot.MetricFilter) string {
	var parts []string
	for _, t := range f.MetricTransformations {
		v := t.MetricNamespace + "/" + t.MetricName + " value " + t.MetricValue
		if t.DefaultValue != nil {
			v += fmt.Sprintf(" (default %v)", *t.DefaultValue)
		}
		if t.Unit != "" {
			v += " unit " + t.Unit
		}
		if len(t.Dimensions) > 0 {
			v += " dimensions " + asJSON(t.Dimensions)
		}
		parts = append(parts, v)
	}
	return strings.Join(parts, ", ")
}

func confirmed(t *snapshot.Topic) int {
	n := 0
	for _, s := range t.Subscriptions {
		if s.SubscriptionArn != "" && s.SubscriptionArn != "PendingConfirmation" {
			n++
		}
	}
	return n
}

func partitionOf(a *snapshot.Account) string {
	for _, r := range a.Regions {
		for _, t := range r.Trails {
			if p := awsarn.Partition(t.TrailARN); p != "" {
				return p
			}
		}
	}
	return "aws"
}

func regionOfARN(arn string) string {
	a, _ := awsarn.Parse(arn)
	return a.Region
}

func where(region, resource string) string {
	var parts []string
	if resource != "" {
		parts = append(parts, "on "+resource)
	}
	if region != "" {
		parts = append(parts, "in "+region)
	}
	if len(parts) == 0 {
		return ""
	}
	return " " + strings.Join(parts, " ")
}

func asJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func orNone(s string) string {
	if s == "" {
		return "nothing"
	}
	return s
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// union is the sorted keys of both sides.
func union(a, b []string) []string {
	out := append(slices.Clone(a), b...)
	slices.Sort(out)
	return slices.Compact(out)
}
