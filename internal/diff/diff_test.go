package diff_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/trailwatch/trailwatch/internal/diff"
	"github.com/trailwatch/trailwatch/internal/engine"
	"github.com/trailwatch/trailwatch/internal/golden"
	"github.com/trailwatch/trailwatch/internal/snapshot"
)

var prepared struct {
	once sync.Once
	ev   *engine.Evaluator
	err  error
}

func evaluator(t *testing.T) *engine.Evaluator {
	t.Helper()
	prepared.once.Do(func() {
		p, err := engine.Load(engine.Options{})
		if err != nil {
			prepared.err = err
			return
		}
		prepared.ev, prepared.err = p.Prepare(context.Background(), engine.Selection{})
	})
	if prepared.err != nil {
		t.Fatal(prepared.err)
	}
	return prepared.ev
}

// example reads a shipped example snapshot, under its name from the
// repository's root.
func example(t *testing.T, name string) *snapshot.Snapshot {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "snapshots", name))
	if err != nil {
		t.Fatal(err)
	}
	s, err := snapshot.Decode("snapshots/"+name, data)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func side(t *testing.T, name string, s *snapshot.Snapshot) diff.Side {
	t.Helper()
	results, err := evaluator(t).Evaluate(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	return diff.Side{Names: []string{name}, Snapshot: s, Results: results}
}

// Each kind of evidence change, from the compliant example to one that
// breaks a link (or back), is named as the cause of the verdict it
// changes, with the verdict's effect; the whole text is a golden file.
func TestEvidenceChanges(t *testing.T) {
	compliant := func() *snapshot.Snapshot { return example(t, "compliant.json") }
	region := func(s *snapshot.Snapshot) *snapshot.Region {
		i := slices.IndexFunc(s.Accounts[0].Regions, func(r snapshot.Region) bool { return r.Region == "us-east-1" })
		return &s.Accounts[0].Regions[i]
	}
	alarmNamed := func(s *snapshot.Snapshot, name string) int {
		return slices.IndexFunc(region(s).MetricAlarms, func(a snapshot.MetricAlarm) bool { return a.AlarmName == name })
	}
	cases := []struct {
		name    string
		old     func() *snapshot.Snapshot
		new     func() *snapshot.Snapshot
		kind    string
		effect  diff.Effect
		control string
	}{
		{"logging-stopped", compliant, func() *snapshot.Snapshot { return example(t, "broken-logging-stopped.json") }, "trail_stopped_logging", diff.Regression, "cloudtrail-config-changes"},
		{"logging-restarted", func() *snapshot.Snapshot { return example(t, "broken-logging-stopped.json") }, compliant, "trail_started_logging", diff.Improvement, "vpc-changes"},
		{"not-multi-region", compliant, func() *snapshot.Snapshot { return example(t, "broken-not-multi-region.json") }, "trail_multi_region_changed", diff.Regression, "root-account-usage"},
		{"selectors", compliant, func() *snapshot.Snapshot { return example(t, "broken-no-management-events.json") }, "trail_event_selectors_changed", diff.Regression, "iam-policy-changes"},
		{"no-log-group", compliant, func() *snapshot.Snapshot { return example(t, "broken-no-log-group.json") }, "trail_log_group_changed", diff.Regression, "config-changes"},
		{"filter-pattern", compliant, func() *snapshot.Snapshot { return example(t, "broken-filter-misses-event.json") }, "filter_pattern_changed", diff.Regression, "cloudtrail-config-changes"},
		{"filter-metric-value", compliant, func() *snapshot.Snapshot { return example(t, "broken-metric-value-zero.json") }, "filter_metric_changed", diff.Regression, ""},
		{"alarm-actions-disabled", compliant, func() *snapshot.Snapshot { return example(t, "broken-alarm-actions-disabled.json") }, "alarm_actions_disabled", diff.Regression, "cloudtrail-config-changes"},
		{"alarm-moved", compliant, func() *snapshot.Snapshot { return example(t, "broken-alarm-other-namespace.json") }, "alarm_metric_changed", diff.Regression, "cloudtrail-config-changes"},
		{"alarm-notifies-nothing", compliant, func() *snapshot.Snapshot { return example(t, "broken-alarm-notifies-nothing.json") }, "alarm_notifies_changed", diff.Regression, "cloudtrail-config-changes"},
		{"alarm-condition", compliant, func() *snapshot.Snapshot { return example(t, "broken-alarm-cannot-fire.json") }, "alarm_condition_changed", diff.Regression, ""},
		{"subscription-removed", compliant, func() *snapshot.Snapshot { return example(t, "broken-topic-no-subscription.json") }, "last_subscription_removed", diff.Regression, "cloudtrail-config-changes"},
		{"delivery-failing", compliant, func() *snapshot.Snapshot { return example(t, "broken-trail-never-delivered.json") }, "trail_cloudwatch_delivery_changed", diff.Regression, "cloudtrail-config-changes"},
		{"alarm-missing-data", compliant, func() *snapshot.Snapshot { return example(t, "broken-alarm-missing-data-breaching.json") }, "alarm_condition_changed", diff.Regression, "cmk-disable-or-deletion"},
		{"alarm-unit", compliant, func() *snapshot.Snapshot { return example(t, "broken-alarm-unit.json") }, "alarm_condition_changed", diff.Regression, "nacl-changes"},
		{"alarm-pinned", compliant, func() *snapshot.Snapshot {
			s := compliant()
			a := &region(s).MetricAlarms[alarmNamed(s, "CloudTrailConfigChanges")]
			a.Dimensions = []snapshot.Dimension{{Name: "EventName", Value: "StopLogging"}}
			lg := &region(s).LogGroups[0]
			for i := range lg.MetricFilters {
				if lg.MetricFilters[i].FilterName == "CloudTrailConfigChanges" {
					lg.MetricFilters[i].MetricTransformations[0].Dimensions = map[string]string{"EventName": "$.eventName"}
				}
			}
			return s
		}, "alarm_metric_changed", diff.Regression, "cloudtrail-config-changes"},
		{"topic-policy", compliant, func() *snapshot.Snapshot { return example(t, "broken-topic-policy.json") }, "topic_policy_changed", diff.Regression, "vpc-changes"},
		{"topic-key", compliant, func() *snapshot.Snapshot { return example(t, "broken-topic-key-policy.json") }, "topic_key_changed", diff.Regression, "root-account-usage"},
		{"key-policy-fixed", func() *snapshot.Snapshot { return example(t, "broken-topic-key-policy.json") }, func() *snapshot.Snapshot { return example(t, "compliant-encrypted.json") }, "key_policy_changed", diff.Improvement, "cloudtrail-config-changes"},
		{"key-disabled", func() *snapshot.Snapshot { return example(t, "compliant-encrypted.json") }, func() *snapshot.Snapshot {
			s := example(t, "compliant-encrypted.json")
			m := region(s).KMSKeys[0].KeyMetadata
			m.KeyState, m.Enabled = "Disabled", false
			return s
		}, "key_state_changed", diff.Regression, "config-changes"},
		{"subscription-filter", compliant, func() *snapshot.Snapshot { return example(t, "broken-subscription-filter-policy.json") }, "subscription_filter_changed", diff.Regression, "s3-bucket-policy-changes"},
		{"call-failed", compliant, func() *snapshot.Snapshot { return example(t, "error-alarms-unreadable.json") }, "call_failed", diff.Undecided, "cloudtrail-config-changes"},
		{"alarm-deleted", compliant, func() *snapshot.Snapshot {
			s := compliant()
			i := alarmNamed(s, "VPCChanges")
			region(s).MetricAlarms = slices.Delete(region(s).MetricAlarms, i, i+1)
			return s
		}, "alarm_deleted", diff.Regression, "vpc-changes"},
		{"alarm-renamed", compliant, func() *snapshot.Snapshot {
			s := compliant()
			region(s).MetricAlarms[alarmNamed(s, "VPCChanges")].AlarmName = "vpc-changes-renamed"
			return s
		}, "alarm_renamed", "", ""},
		// A topic gone from the snapshot with no failed call recorded is
		// missing evidence: the verdicts can no longer be decided.
		{"topic-deleted", compliant, func() *snapshot.Snapshot {
			s := compliant()
			region(s).Topics = nil
			return s
		}, "topic_deleted", diff.Undecided, "vpc-changes"},
		{"filter-added", compliant, func() *snapshot.Snapshot {
			s := compliant()
			lg := &region(s).LogGroups[0]
			f := lg.MetricFilters[0]
			f.FilterName = "AnotherFilter"
			lg.MetricFilters = append(lg.MetricFilters, f)
			return s
		}, "filter_added", "", ""},
		{"region-missing", compliant, func() *snapshot.Snapshot {
			s := compliant()
			s.Accounts[0].Regions = s.Accounts[0].Regions[1:]
			return s
		}, "region_missing", "", ""},
		{"validation-off", compliant, func() *snapshot.Snapshot { return example(t, "broken-trail-log-validation-off.json") }, "trail_validation_changed", diff.Regression, "trail-log-file-validation"},
		// The public bucket control is not part of v7.0.0, the version
		// applied: the change is told, and changes no verdict.
		{"bucket-public", compliant, func() *snapshot.Snapshot { return example(t, "broken-trail-bucket-public.json") }, "bucket_acl_changed", "", ""},
		{"bucket-logging-off", compliant, func() *snapshot.Snapshot {
			s := compliant()
			s.Accounts[0].S3Buckets[0].GetBucketLogging = &snapshot.BucketLogging{}
			return s
		}, "bucket_logging_changed", diff.Regression, "trail-bucket-access-logging"},
		{"trail-key-disabled", compliant, func() *snapshot.Snapshot {
			s := compliant()
			for i := range region(s).KMSKeys {
				if m := region(s).KMSKeys[i].KeyMetadata; strings.Contains(m.Arn, "8e7d6c5b") {
					m.KeyState, m.Enabled = "Disabled", false
				}
			}
			return s
		}, "key_state_changed", diff.Regression, "trail-encrypted-with-kms"},
		{"account-missing", func() *snapshot.Snapshot { return example(t, "organization.json") }, func() *snapshot.Snapshot {
			s := example(t, "organization.json")
			s.Accounts = slices.DeleteFunc(s.Accounts, func(a snapshot.Account) bool { return a.AccountID == "999988887777" })
			return s
		}, "account_missing", diff.Undecided, "vpc-changes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			d := diff.Compare(side(t, "old.json", c.old()), side(t, "new.json", c.new()))
			found := false
			for _, v := range d.Verdicts {
				for _, cause := range v.Causes {
					if cause.Kind == c.kind && (c.control == "" || v.Control == c.control) {
						found = true
						if v.Effect != c.effect {
							t.Errorf("%s explains %s %s -> %s, effect %s; want %s", c.kind, v.Control, v.Old, v.New, v.Effect, c.effect)
						}
					}
				}
			}
			if c.effect == "" {
				// Drift: it changes no verdict.
				found = slices.ContainsFunc(d.Drift, func(ch diff.Change) bool { return ch.Kind == c.kind })
			}
			if !found {
				var b bytes.Buffer
				diff.Render(&b, d, "text")
				t.Errorf("no %s (for %q, effect %q) in:\n%s", c.kind, c.control, c.effect, b.String())
			}
			var b bytes.Buffer
			if err := diff.Render(&b, d, "text"); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", c.name+".txt"), b.Bytes())
			if c.name == "filter-pattern" || c.name == "account-missing" {
				for _, f := range []string{"json", "markdown"} {
					var b bytes.Buffer
					if err := diff.Render(&b, d, f); err != nil {
						t.Fatal(err)
					}
					golden.Check(t, filepath.Join("testdata", c.name+"."+map[string]string{"json": "json", "markdown": "md"}[f]), b.Bytes())
				}
			}
			want := map[diff.Effect]int{diff.Regression: 1, diff.Undecided: 2, diff.Improvement: 0, "": 0}[c.effect]
			if d.Summary.Regressions > 0 {
				want = 1
			}
			if d.ExitCode() != want {
				t.Errorf("exit code %d, want %d (%+v)", d.ExitCode(), want, d.Summary)
			}
		})
	}
}

// The same reading on both sides: nothing changed, exit 0.
func TestNoChange(t *testing.T) {
	s := example(t, "compliant.json")
	d := diff.Compare(side(t, "a.json", s), side(t, "b.json", example(t, "compliant.json")))
	if len(d.Verdicts) != 0 || len(d.Drift) != 0 || d.ExitCode() != 0 {
		t.Errorf("%+v", d)
	}
	var b bytes.Buffer
	if err := diff.Render(&b, d, "yaml"); err == nil || !strings.Contains(err.Error(), "unknown format") {
		t.Errorf("format yaml: %v", err)
	}
}
