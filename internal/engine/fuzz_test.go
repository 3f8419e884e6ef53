package engine

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/trailwatch/trailwatch/internal/report"
	"github.com/trailwatch/trailwatch/internal/snapshot"
)

// mutations change a snapshot the way real accounts differ: more trails,
// filters, alarms and topics than one, links broken, calls failed. Each
// takes a byte to vary what it does.
var mutations = []func(s *snapshot.Snapshot, b byte){
	func(s *snapshot.Snapshot, b byte) { // a second trail, a copy with another ARN
		r := firstRegion(s)
		if len(r.Trails) == 0 {
			return
		}
		t := r.Trails[int(b)%len(r.Trails)]
		t.Name = fmt.Sprintf("copy%d", b)
		t.TrailARN = fmt.Sprintf("arn:aws:cloudtrail:%s:%s:trail/copy%d", r.Region, s.Accounts[0].AccountID, b)
		r.Trails = append(r.Trails, t)
	},
	func(s *snapshot.Snapshot, b byte) { // a second filter on the same log group
		r := firstRegion(s)
		if len(r.LogGroups) == 0 || len(r.LogGroups[0].MetricFilters) == 0 {
			return
		}
		f := r.LogGroups[0].MetricFilters[0]
		f.FilterName = fmt.Sprintf("f%d", b)
		patterns := []string{"{ $.eventName = StopLogging }", "{ $.eventName = * }", "{ (", "ERROR", "", "[a, b]", "%Trail%"}
		f.FilterPattern = patterns[int(b)%len(patterns)]
		r.LogGroups[0].MetricFilters = append(r.LogGroups[0].MetricFilters, f)
	},
	func(s *snapshot.Snapshot, b byte) { // a second alarm on the same metric
		r := firstRegion(s)
		if len(r.MetricAlarms) == 0 {
			return
		}
		a := r.MetricAlarms[0]
		a.AlarmName = fmt.Sprintf("alarm%d", b)
		a.ActionsEnabled = b%2 == 0
		r.MetricAlarms = append(r.MetricAlarms, a)
	},
	func(s *snapshot.Snapshot, b byte) { // the alarm notifies a second topic, present or not
		r := firstRegion(s)
		if len(r.MetricAlarms) == 0 {
			return
		}
		arn := fmt.Sprintf("arn:aws:sns:%s:%s:t%d", r.Region, s.Accounts[0].AccountID, b)
		r.MetricAlarms[0].AlarmActions = append(r.MetricAlarms[0].AlarmActions, arn)
		if b%2 == 0 {
			r.Topics = append(r.Topics, snapshot.Topic{TopicArn: arn, Subscriptions: []snapshot.Subscription{{SubscriptionArn: "PendingConfirmation", Protocol: "email"}}})
		}
	},
	func(s *snapshot.Snapshot, b byte) { // a call failed
		r := firstRegion(s)
		ops := []string{"DescribeTrails", "DescribeAlarms", "GetTrailStatus", "GetEventSelectors", "DescribeMetricFilters", "GetTopicAttributes", "ListSubscriptionsByTopic"}
		codes := []string{"AccessDenied", "ThrottlingException", "NotFound", "ResourceNotFoundException"}
		resource := ""
		if len(r.Trails) > 0 && b%3 == 0 {
			resource = r.Trails[0].TrailARN
		}
		r.Errors = append(r.Errors, snapshot.CallError{Service: "x", Operation: ops[int(b)%len(ops)], Region: r.Region, Resource: resource, ErrorCode: codes[int(b/8)%len(codes)], Message: "m"})
	},
	func(s *snapshot.Snapshot, b byte) { // a link broken
		r := firstRegion(s)
		yes := true
		switch b % 8 {
		case 0:
			r.Trails = nil
		case 1:
			r.LogGroups = nil
		case 2:
			r.MetricAlarms = nil
		case 3:
			r.Topics = nil
		case 4:
			for i := range r.Trails {
				r.Trails[i].GetTrailStatus = nil
			}
		case 5:
			for i := range r.Trails {
				r.Trails[i].GetEventSelectors = &snapshot.EventSelectors{AdvancedEventSelectors: []snapshot.AdvancedEventSelector{{FieldSelectors: []snapshot.FieldSelector{{Field: "eventCategory", Equals: []string{"Management"}}, {Field: "eventName", StartsWith: []string{"Stop"}}}}}}
			}
		case 6:
			for i := range r.Trails {
				r.Trails[i].CloudWatchLogsLogGroupArn = "arn:aws:logs:eu-west-1:999999999999:log-group:elsewhere:*"
			}
		case 7:
			for i := range r.MetricAlarms {
				r.MetricAlarms[i].MetricName, r.MetricAlarms[i].Metrics = "", []snapshot.MetricDataQuery{{Id: "m", MetricStat: &snapshot.MetricStat{Metric: snapshot.Metric{Namespace: "CISBenchmark", MetricName: "CloudTrailConfigChanges"}, Period: 300, Stat: "Sum"}, ReturnData: &yes}}
			}
		}
	},
	func(s *snapshot.Snapshot, b byte) { // a second account, a copy of the first
		a := s.Accounts[0]
		data, _ := (&snapshot.Snapshot{FormatVersion: 1, Accounts: []snapshot.Account{a}}).Marshal()
		c, err := snapshot.Decode("copy", data)
		if err != nil {
			return
		}
		c.Accounts[0].AccountID = fmt.Sprintf("9999999999%02d", b%100)
		s.Accounts = append(s.Accounts, c.Accounts[0])
	},
}

func firstRegion(s *snapshot.Snapshot) *snapshot.Region {
	for i := range s.Accounts[0].Regions {
		if len(s.Accounts[0].Regions[i].Trails) > 0 || i == len(s.Accounts[0].Regions)-1 {
			return &s.Accounts[0].Regions[i]
		}
	}
	return &s.Accounts[0].Regions[0]
}

var (
	fuzzOnce sync.Once
	fuzzEval *Evaluator
	fuzzErr  error
)

// FuzzEvaluate applies mutations chosen by the input to the shipped
// example snapshots: whatever the account looks like, each control gives
// exactly one PASS, FAIL or ERROR with a reason per account, and never
// stops the evaluation.
func FuzzEvaluate(f *testing.F) {
	f.Add(uint8(0), []byte{})
	f.Add(uint8(0), []byte{0, 1, 1, 9, 2, 4})
	f.Add(uint8(3), []byte{1, 0, 1, 3, 3, 5, 4, 2})
	f.Add(uint8(5), []byte{6, 7, 5, 16, 4, 33})
	f.Fuzz(func(t *testing.T, example uint8, ops []byte) {
		fuzzOnce.Do(func() {
			p, err := Load(Options{})
			if err == nil {
				fuzzEval, err = p.Prepare(context.Background(), Selection{})
			}
			fuzzErr = err
		})
		if fuzzErr != nil {
			t.Fatal(fuzzErr)
		}
		files, _ := filepath.Glob("../../snapshots/*.json")
		if len(files) == 0 {
			t.Fatal("no example snapshots")
		}
		s, err := snapshot.Read(files[int(example)%len(files)])
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i+1 < len(ops) && i < 16; i += 2 {
			mutations[int(ops[i])%len(mutations)](s, ops[i+1])
		}
		data, err := s.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		s, err = snapshot.Decode("mutated", data)
		if err != nil {
			t.Fatalf("a mutation made an invalid snapshot: %v", err)
		}
		org, err := snapshot.Merge([]snapshot.Source{{Name: "mutated", Snapshot: s}})
		if err != nil {
			return // two readings of one region: refused before evaluation
		}
		results, err := fuzzEval.Evaluate(context.Background(), org)
		if err != nil {
			t.Fatalf("evaluation stopped: %v\n%s", err, data)
		}
		if want := len(org.Accounts) * len(fuzzEval.Controls()); len(results) != want {
			t.Fatalf("%d results for %d accounts and %d controls", len(results), len(org.Accounts), len(fuzzEval.Controls()))
		}
		for _, r := range results {
			if !r.Status.Valid() || r.Reason == "" {
				t.Fatalf("result %+v", r)
			}
			if r.Status == report.Pass && r.Evidence == nil {
				t.Fatalf("a PASS without its chain: %+v", r)
			}
		}
	})
}
