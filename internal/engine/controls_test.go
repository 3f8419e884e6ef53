package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/trailwatch/trailwatch/internal/report"
	"github.com/trailwatch/trailwatch/internal/snapshot"
	"github.com/trailwatch/trailwatch/internal/synth"
	"github.com/trailwatch/trailwatch/policies"
)

// benchmarkEntry is one of a control's benchmark patterns, as its data.json
// gives it.
type benchmarkEntry struct {
	Pattern  string `json:"pattern"`
	Since    string `json:"since"`
	Before   string `json:"before"`
	TextOnly bool   `json:"text_only"`
}

func (b benchmarkEntry) applies(versions []string, v string) bool {
	i := slices.Index(versions, v)
	if b.Since != "" && i < slices.Index(versions, b.Since) {
		return false
	}
	return b.Before == "" || i < slices.Index(versions, b.Before)
}

func controlBenchmarks(t *testing.T, c Control) []benchmarkEntry {
	t.Helper()
	raw, err := policies.FS.ReadFile(path.Join(c.Dir(), "data.json"))
	if err != nil {
		t.Fatalf("%s: %v", c.ID, err)
	}
	var data struct {
		Monitoring struct {
			Benchmark []benchmarkEntry `json:"benchmark"`
		} `json:"monitoring"`
	}
	if err := json.Unmarshal(raw, &data); err != nil {
		t.Fatalf("%s: %v", c.ID, err)
	}
	return data.Monitoring.Benchmark
}

// account is one account with a multi-region trail delivering to a log
// group that holds one metric filter per pattern, each with an alarm that
// notifies a subscribed topic, as the benchmark's remediation leaves it.
func account(id string, patterns ...string) snapshot.Account {
	one := 1.0
	topic := "arn:aws:sns:us-east-1:" + id + ":alerts"
	r := snapshot.Region{
		Region: "us-east-1",
		Trails: []snapshot.Trail{{
			Name: "main", TrailARN: "arn:aws:cloudtrail:us-east-1:" + id + ":trail/main", HomeRegion: "us-east-1",
			IsMultiRegionTrail:        true,
			CloudWatchLogsLogGroupArn: "arn:aws:logs:us-east-1:" + id + ":log-group:trail:*",
			GetTrailStatus:            &snapshot.TrailStatus{IsLogging: true},
			GetEventSelectors:         &snapshot.EventSelectors{EventSelectors: []snapshot.EventSelector{{ReadWriteType: "All", IncludeManagementEvents: true}}},
		}},
		LogGroups: []snapshot.LogGroup{{LogGroupName: "trail"}},
		Topics:    []snapshot.Topic{synth.Topic(topic, id)},
	}
	for i, p := range patterns {
		name := fmt.Sprintf("f%02d", i)
		r.LogGroups[0].MetricFilters = append(r.LogGroups[0].MetricFilters, snapshot.MetricFilter{
			FilterName: name, FilterPattern: p, LogGroupName: "trail",
			MetricTransformations: []snapshot.MetricTransformation{{MetricName: name, MetricNamespace: "CISBenchmark", MetricValue: "1"}},
		})
		r.MetricAlarms = append(r.MetricAlarms, snapshot.MetricAlarm{
			AlarmName: name, ActionsEnabled: true, AlarmActions: []string{topic}, MetricName: name, Namespace: "CISBenchmark",
			Statistic: "Sum", Period: 300, EvaluationPeriods: 1, Threshold: &one, ComparisonOperator: "GreaterThanOrEqualToThreshold",
		})
	}
	return snapshot.Account{AccountID: id, Regions: []snapshot.Region{r}}
}

// Every benchmark pattern a control's data gives passes that control, in
// every benchmark version the pattern belongs to; and an account with the
// benchmark's patterns of a version passes every control of that version.
// Patterns kept only as the benchmark's text (text_only) are not valid
// filter patterns and are skipped.
func TestBenchmarkPatternsPassTheirControls(t *testing.T) {
	p, err := Load(Options{})
	if err != nil {
		t.Fatal(err)
	}
	versions := p.Benchmarks()
	if len(versions) == 0 {
		t.Fatal("the policies name no benchmark versions")
	}
	for _, v := range versions {
		ev, err := p.Prepare(context.Background(), Selection{Benchmark: v, Families: []string{"monitoring"}})
		if err != nil {
			t.Fatal(err)
		}
		var all []string
		for _, c := range ev.Controls() {
			var mine []string
			for _, b := range controlBenchmarks(t, c) {
				if b.applies(versions, v) && !b.TextOnly {
					mine = append(mine, b.Pattern)
				}
			}
			if len(mine) == 0 {
				t.Errorf("%s %s: no benchmark pattern", c.ID, v)
				continue
			}
			all = append(all, mine[0])
			// The first pattern is judged below with every control's; the
			// others one at a time, with this control alone.
			for _, pat := range mine[1:] {
				one, err := p.Prepare(context.Background(), Selection{Benchmark: v, Controls: []string{c.ID}})
				if err != nil {
					t.Fatal(err)
				}
				res, err := one.Evaluate(context.Background(), &snapshot.Snapshot{FormatVersion: 1, Accounts: []snapshot.Account{account("111122223333", pat)}})
				if err != nil {
					t.Fatal(err)
				}
				if res[0].Status != report.Pass {
					t.Errorf("%s under %s: the benchmark's own pattern %s gives %s: %s", c.ID, v, pat, res[0].Status, res[0].Reason)
				}
			}
		}
		res, err := ev.Evaluate(context.Background(), &snapshot.Snapshot{FormatVersion: 1, Accounts: []snapshot.Account{account("111122223333", all...)}})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res {
			if r.Status != report.Pass {
				t.Errorf("%s under %s, with every control's filter on one log group: %s: %s", r.ControlID, v, r.Status, r.Reason)
			}
		}
		if want := len(ev.Controls()); len(res) != want || want < 14 {
			t.Errorf("%s: %d results for %d controls", v, len(res), want)
		}
	}
}

// One filter that catches the changes of several controls (network ACLs,
// gateways, route tables) passes each of them. (All five network controls'
// events do not fit in one pattern: AWS allows 1024 characters.)
func TestOneFilterForSeveralControls(t *testing.T) {
	p, err := Load(Options{})
	if err != nil {
		t.Fatal(err)
	}
	network := []string{"nacl-changes", "network-gateway-changes", "route-table-changes"}
	var names []string
	for _, id := range network {
		i := slices.IndexFunc(p.Controls(), func(c Control) bool { return c.ID == id })
		if i < 0 {
			t.Fatalf("no control %s", id)
		}
		var data struct {
			Monitoring struct {
				Events []struct {
					EventName string `json:"eventName"`
				} `json:"events"`
			} `json:"monitoring"`
		}
		raw, _ := policies.FS.ReadFile(path.Join(p.Controls()[i].Dir(), "data.json"))
		if err := json.Unmarshal(raw, &data); err != nil {
			t.Fatal(err)
		}
		for _, e := range data.Monitoring.Events {
			names = append(names, "$.eventName="+e.EventName)
		}
	}
	pattern := "{" + strings.Join(names, "||") + "}"
	ev, err := p.Prepare(context.Background(), Selection{Controls: network})
	if err != nil {
		t.Fatal(err)
	}
	res, err := ev.Evaluate(context.Background(), &snapshot.Snapshot{FormatVersion: 1, Accounts: []snapshot.Account{account("111122223333", pattern)}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Status != report.Pass {
			t.Errorf("%s: %s: %s", r.ControlID, r.Status, r.Reason)
		}
	}
	if len(res) != len(network) {
		t.Errorf("%d results", len(res))
	}
}

// The controls of a benchmark version are those its METADATA places in
// it: v1.2.0 has no AWS Organizations control, and numbers the section 3.
func TestControlsOfAVersion(t *testing.T) {
	p, err := Load(Options{})
	if err != nil {
		t.Fatal(err)
	}
	count := func(v, family string) []string {
		ev, err := p.Prepare(context.Background(), Selection{Benchmark: v, Families: []string{family}})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, c := range ev.Controls() {
			ids = append(ids, c.ID)
		}
		return ids
	}
	if ids := count("v1.2.0", "monitoring"); len(ids) != 14 || slices.Contains(ids, "organizations-changes") {
		t.Errorf("v1.2.0 controls: %v", ids)
	}
	for _, v := range []string{"v3.0.0", "cis-aws-v5.0.0", "v7.0.0", ""} {
		if ids := count(v, "monitoring"); len(ids) != 15 {
			t.Errorf("%s: %d controls", v, len(ids))
		}
	}
	// The trail's integrity: v1.2.0 has no S3 data events; v3.0.0 dropped
	// the public bucket and CloudWatch Logs recommendations.
	for v, want := range map[string][]string{
		"v1.2.0": {"trail-bucket-access-logging", "trail-bucket-not-public", "trail-cloudwatch-logs-delivery", "trail-encrypted-with-kms", "trail-log-file-validation", "trail-multi-region-logging"},
		"v2.0.0": {"trail-bucket-access-logging", "trail-bucket-not-public", "trail-cloudwatch-logs-delivery", "trail-encrypted-with-kms", "trail-log-file-validation", "trail-multi-region-logging", "trail-s3-object-reads", "trail-s3-object-writes"},
		"v3.0.0": {"trail-bucket-access-logging", "trail-encrypted-with-kms", "trail-log-file-validation", "trail-multi-region-logging", "trail-s3-object-reads", "trail-s3-object-writes"},
		"v7.0.0": {"trail-bucket-access-logging", "trail-encrypted-with-kms", "trail-log-file-validation", "trail-multi-region-logging", "trail-s3-object-reads", "trail-s3-object-writes"},
	} {
		if got := count(v, "trail_integrity"); !slices.Equal(got, want) {
			t.Errorf("%s trail integrity controls: %v, want %v", v, got, want)
		}
	}
	_, err = p.Prepare(context.Background(), Selection{Controls: []string{"organizations-changes"}, Benchmark: "v1.2.0"})
	if err == nil || !strings.Contains(err.Error(), "not part of CIS AWS Foundations Benchmark v1.2.0") {
		t.Errorf("organizations-changes under v1.2.0: %v", err)
	}
	for _, sel := range []Selection{{Benchmark: "v9.9.9"}, {Controls: []string{"nope"}}} {
		_, err := p.Prepare(context.Background(), sel)
		var se *SelectionError
		if !errors.As(err, &se) || !strings.Contains(err.Error(), "known:") {
			t.Errorf("%+v: %v", sel, err)
		}
	}
	// The monitoring section is 3 in v1.2.0, 4 from v1.4.0, 5 from v6.0.0;
	// logging, one less.
	section := map[string][3]string{"monitoring": {"3.", "4.", "5."}, "trail_integrity": {"2.", "3.", "4."}}
	for _, c := range p.Controls() {
		want := section[c.Family]
		for _, f := range c.Frameworks {
			for _, v := range f.Versions {
				at := map[bool]int{true: 1}[v >= "v1.4.0"] + map[bool]int{true: 1}[v >= "v6.0.0"]
				if !strings.HasPrefix(f.ID, want[at]) {
					t.Errorf("%s: %s is %s, want section %s", c.ID, v, f.ID, want[at])
				}
			}
		}
	}
}
