package snapshot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/trailwatch/trailwatch/internal/fileio"
)

func sample() *Snapshot {
	th := 1.0
	return &Snapshot{
		FormatVersion: FormatVersion,
		Generator:     "trailwatch test",
		CollectedAt:   "2026-11-20T10:00:00Z",
		Accounts: []Account{{
			AccountID: "111122223333",
			Regions: []Region{{
				Region: "us-east-1",
				Trails: []Trail{{
					Name: "main", TrailARN: "arn:aws:cloudtrail:us-east-1:111122223333:trail/main", HomeRegion: "us-east-1",
					IsMultiRegionTrail: true, CloudWatchLogsLogGroupArn: "arn:aws:logs:us-east-1:111122223333:log-group:trail:*",
					GetTrailStatus:    &TrailStatus{IsLogging: true},
					GetEventSelectors: &EventSelectors{EventSelectors: []EventSelector{{ReadWriteType: "All", IncludeManagementEvents: true}}},
				}},
				LogGroups: []LogGroup{{LogGroupName: "trail", MetricFilters: []MetricFilter{{
					FilterName: "f", FilterPattern: "{ $.eventName = StopLogging }", LogGroupName: "trail",
					MetricTransformations: []MetricTransformation{{MetricName: "m", MetricNamespace: "CISBenchmark", MetricValue: "1"}},
				}}}},
				MetricAlarms: []MetricAlarm{{AlarmName: "a", ActionsEnabled: true, AlarmActions: []string{"arn:aws:sns:us-east-1:111122223333:t"}, MetricName: "m", Namespace: "CISBenchmark", Threshold: &th}},
				Topics:       []Topic{{TopicArn: "arn:aws:sns:us-east-1:111122223333:t", Subscriptions: []Subscription{{SubscriptionArn: "arn:aws:sns:us-east-1:111122223333:t:1", Protocol: "email"}}}},
				Errors:       []CallError{{Service: "sns", Operation: "GetTopicAttributes", Region: "us-east-1", Resource: "arn:aws:sns:us-east-1:111122223333:t", ErrorCode: "AccessDenied", Message: "no", HTTPStatus: 403}},
			}},
		}},
	}
}

func TestRoundTrip(t *testing.T) {
	data, err := sample().Marshal()
	if err != nil {
		t.Fatal(err)
	}
	s, err := Decode("mem.json", data)
	if err != nil {
		t.Fatalf("a marshalled snapshot does not read back: %v", err)
	}
	again, err := s.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, again) {
		t.Errorf("round trip changed the snapshot:\n%s\n---\n%s", data, again)
	}
}

// Empty lists survive a round trip: required arrays are written even when
// empty.
func TestRoundTripEmptyLists(t *testing.T) {
	s := sample()
	r := &s.Accounts[0].Regions[0]
	r.Topics[0].Subscriptions = nil
	r.LogGroups[0].MetricFilters = nil
	r.MetricAlarms[0].AlarmActions = nil
	r.Trails = nil
	data, err := s.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Decode("mem.json", data); err != nil {
		t.Errorf("a snapshot with empty lists does not read back: %v", err)
	}
}

func TestNormalizeSorts(t *testing.T) {
	s := &Snapshot{Accounts: []Account{
		{AccountID: "999999999999", Regions: []Region{{Region: "us-west-2"}, {Region: "eu-west-1"}}},
		{AccountID: "111111111111"},
	}}
	s.Normalize()
	if s.Accounts[0].AccountID != "111111111111" || s.Accounts[1].Regions[0].Region != "eu-west-1" {
		t.Errorf("not sorted: %+v", s.Accounts)
	}
	if s.Accounts[0].Regions == nil || s.Accounts[1].Regions[0].Trails == nil {
		t.Error("nil lists are not made empty")
	}
}

func TestReadRefuses(t *testing.T) {
	dir := t.TempDir()
	good, err := sample().Marshal()
	if err != nil {
		t.Fatal(err)
	}
	withField := func(path string, v any) string {
		var doc map[string]any
		if err := json.Unmarshal(good, &doc); err != nil {
			t.Fatal(err)
		}
		// path: dot-separated keys and indexes into doc
		var cur any = doc
		parts := strings.Split(path, ".")
		for _, p := range parts[:len(parts)-1] {
			switch c := cur.(type) {
			case map[string]any:
				cur = c[p]
			case []any:
				cur = c[p[0]-'0']
			}
		}
		cur.(map[string]any)[parts[len(parts)-1]] = v
		out, _ := json.Marshal(doc)
		return string(out)
	}
	tests := []struct {
		name, content string
		want          string // substring of the error
	}{
		{"empty", "", "empty file"},
		{"blank", "  \n\n ", "empty file"},
		{"not json", "hello, world", ":1:1: not valid JSON"},
		{"truncated", string(good[:len(good)/2]), "JSON ends early"},
		{"array", "[1, 2]", "$: not a trailwatch snapshot: want a JSON object, found an array"},
		{"number", "42", "$: not a trailwatch snapshot: want a JSON object, found the number 42"},
		{"other object", `{"Trails": []}`, "not a trailwatch snapshot: it has no format_version"},
		{"version 2", `{"format_version": 2, "accounts": []}`, "$.format_version: format version 2 is not one this trailwatch reads"},
		{"version string", `{"format_version": "1", "accounts": []}`, `format version "1"`},
		{"trailing data", string(good) + "{}", "unexpected data after"},
		{"wrong type", withField("accounts.0.regions.0.trails.0.IsMultiRegionTrail", "yes"), `$.accounts[0].regions[0].trails[0].IsMultiRegionTrail: want a boolean, found a string "yes"`},
		{"wrong type deep", withField("accounts.0.regions.0.log_groups.0.metricFilters.0.filterPattern", 7), "$.accounts[0].regions[0].log_groups[0].metricFilters[0].filterPattern: want a string, found the number 7"},
		{"bad account id", withField("accounts.0.account_id", "1234"), `$.accounts[0].account_id: "1234" does not have the form`},
		{"missing required", withField("accounts.0.regions.0.trails", nil), "$.accounts[0].regions[0].trails: want an array, found null"},
		{"unknown envelope field", withField("accounts.0.regoins", []any{}), `$.accounts[0].regoins: unknown field "regoins"`},
		{"bad enum", withField("accounts.0.regions.0.trails.0.GetEventSelectors.EventSelectors.0.ReadWriteType", "Both"), `want one of "ReadOnly", "WriteOnly", "All", found "Both"`},
		{"fraction for integer", withField("accounts.0.regions.0.errors.0.http_status", 403.5), "http_status: want an integer, found the number 403.5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-")+".json")
			if err := os.WriteFile(path, []byte(tt.content), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Read(path)
			var se *Error
			if !errors.As(err, &se) {
				t.Fatalf("Read = %v, want a *snapshot.Error", err)
			}
			if !strings.HasPrefix(err.Error(), path) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q\nwant it to start with the file and contain %q", err, tt.want)
			}
		})
	}
	t.Run("missing file", func(t *testing.T) {
		_, err := Read(filepath.Join(dir, "nope.json"))
		if err == nil || !strings.Contains(err.Error(), "nope.json: no such file") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("directory", func(t *testing.T) {
		_, err := Read(dir)
		if err == nil || !strings.Contains(err.Error(), "is a directory") {
			t.Errorf("err = %v", err)
		}
	})
}

func TestSyntaxErrorPosition(t *testing.T) {
	_, err := Decode("x.json", []byte("{\n  \"format_version\": 1,\n  \"accounts\": [,]\n}"))
	var se *Error
	if !errors.As(err, &se) || se.Line != 3 || se.Col != 16 {
		t.Errorf("err = %v (%+v), want line 3 column 16", err, se)
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "snap.json")
	if err := sample().WriteFile(path); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	if _, err := Read(path); err != nil {
		t.Fatalf("written snapshot does not read: %v", err)
	}
	// A write that cannot complete leaves the earlier file untouched.
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(dir, 0o755)
	if os.Geteuid() != 0 { // root ignores directory permissions
		if err := sample().WriteFile(path); err == nil {
			t.Error("write into a read-only directory succeeded")
		}
	}
	if err := fileio.WriteAtomic(filepath.Join(dir, "missing-dir", "x.json"), []byte("{}")); err == nil {
		t.Error("write into a missing directory succeeded")
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Error("a failed write changed the earlier snapshot")
	}
	os.Chmod(dir, 0o755)
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

func TestMerge(t *testing.T) {
	a, b := sample(), sample()
	b.Accounts[0].Regions[0].Region = "eu-west-1"
	c := sample()
	c.Accounts[0].AccountID = "444455556666"
	m, err := Merge([]Source{{"a.json", a}, {"b.json", b}, {"c.json", c}})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Accounts) != 2 || len(m.Accounts[0].Regions) != 2 {
		t.Fatalf("merged %d accounts, first with %d regions; want 2 and 2", len(m.Accounts), len(m.Accounts[0].Regions))
	}
	if got := []string{m.Accounts[0].Regions[0].Region, m.Accounts[0].Regions[1].Region}; !slices.Equal(got, []string{"eu-west-1", "us-east-1"}) {
		t.Errorf("regions %v", got)
	}
	_, err = Merge([]Source{{"a.json", sample()}, {"b.json", sample()}})
	if err == nil || !strings.Contains(err.Error(), "b.json: account 111122223333 region us-east-1 is also in a.json") {
		t.Errorf("duplicate region: err = %v", err)
	}
}

// Merged snapshots are as recent as their latest reading, and every
// account and trail keeps the file and line it was read from, for reports
// that point into the evidence.
func TestMergeKeepsPlacesAndLatestTime(t *testing.T) {
	a, b := sample(), sample()
	b.Accounts[0].AccountID = "444455556666"
	a.CollectedAt, b.CollectedAt = "2026-11-20T10:00:00Z", "2026-11-20T10:30:00+01:00"
	var srcs []Source
	for name, s := range map[string]*Snapshot{"a.json": a, "b.json": b} {
		data, err := s.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		read, err := Decode(name, data)
		if err != nil {
			t.Fatal(err)
		}
		srcs = append(srcs, Source{name, read})
	}
	slices.SortFunc(srcs, func(x, y Source) int { return strings.Compare(x.Name, y.Name) })
	m, err := Merge(srcs)
	if err != nil {
		t.Fatal(err)
	}
	if m.CollectedAt != "2026-11-20T10:00:00Z" {
		t.Errorf("collected_at %s; want the later reading, 10:00Z (10:30+01:00 is 09:30Z)", m.CollectedAt)
	}
	lines := map[string][]string{}
	for name, s := range map[string]*Snapshot{"a.json": a, "b.json": b} {
		data, _ := s.Marshal()
		lines[name] = strings.Split(string(data), "\n")
	}
	trail := b.Accounts[0].Regions[0].Trails[0].TrailARN
	for _, c := range []struct{ account, trail, file, near string }{
		{"111122223333", "", "a.json", `"account_id": "111122223333"`},
		{"444455556666", "", "b.json", `"account_id": "444455556666"`},
		{"444455556666", trail, "b.json", `"Name": "main"`},
		{"444455556666", "arn:aws:cloudtrail:us-east-1:444455556666:trail/none", "b.json", `"account_id": "444455556666"`},
	} {
		p, ok := m.PlaceOf(c.account, c.trail)
		// p.Line counts from 1: lines[p.Line] is the line after it.
		if !ok || p.File != c.file || p.Line < 1 || p.Line >= len(lines[c.file]) || !strings.Contains(lines[c.file][p.Line], c.near) {
			t.Errorf("PlaceOf(%s, %s) = %+v, %v; want %s, the line before %s", c.account, c.trail, p, ok, c.file, c.near)
		}
	}
	if _, ok := sample().PlaceOf("111122223333", ""); ok {
		t.Error("a snapshot built in memory has places")
	}
	c := sample()
	c.CollectedAt = "yesterday"
	if _, err := Merge([]Source{{"c.json", c}}); err == nil || !strings.Contains(err.Error(), "c.json") {
		t.Errorf("a collected_at that is no time: err %v", err)
	}
}

// The schema compiles: it uses only keywords the reader implements, and
// every property names a field of the Go types with the same type (and
// every field is in the schema), so the two cannot drift.
func TestSchemaKeywords(t *testing.T) {
	if _, err := rootNode(); err != nil {
		t.Fatal(err)
	}
	var root any
	if err := json.Unmarshal(Schema, &root); err != nil {
		t.Fatal(err)
	}
	var walk func(n any, inProps bool)
	walk = func(n any, inProps bool) {
		switch v := n.(type) {
		case map[string]any:
			for k, c := range v {
				if !inProps && !slices.Contains(supportedKeywords, k) {
					t.Errorf("schema keyword %q is not implemented by the reader", k)
				}
				walk(c, !inProps && (k == "properties" || k == "$defs"))
			}
		case []any:
			for _, c := range v {
				walk(c, false)
			}
		}
	}
	walk(root, false)
}

// What a snapshot edit could do to a verdict, refused: a key twice (the
// last would win), a key that differs from a field only in case (encoding/
// json would take it for the field), numbers AWS never returns.
func TestReadRefusesEdits(t *testing.T) {
	good, err := sample().Marshal()
	if err != nil {
		t.Fatal(err)
	}
	edit := func(old, new string) string {
		if !bytes.Contains(good, []byte(old)) {
			t.Fatalf("sample has no %q", old)
		}
		return strings.Replace(string(good), old, new, 1)
	}
	tests := []struct {
		name, content, want string
	}{
		{"duplicate key", edit(`"IsLogging": true`, `"IsLogging": false, "IsLogging": true`),
			`$.accounts[0].regions[0].trails[0].GetTrailStatus.IsLogging: the key "IsLogging" appears twice in one object`},
		{"twin in lower case", edit(`"IsLogging": true`, `"IsLogging": false, "islogging": true`),
			`$.accounts[0].regions[0].trails[0].GetTrailStatus.islogging: the key "islogging" differs from the field "IsLogging" only in case`},
		{"twin with a long s", edit(`"IsLogging": true`, `"IsLogging": false, "IſLogging": true`),
			`the key "IſLogging" differs from the field "IsLogging" only in case`},
		{"twin alone", edit(`"ActionsEnabled": true`, `"ActionsEnabled": false, "actionsenabled": true`),
			`the key "actionsenabled" differs from the field "ActionsEnabled" only in case`},
		{"duplicate unknown key", edit(`"IsLogging": true`, `"IsLogging": true, "Extra": 1, "Extra": 2`),
			`the key "Extra" appears twice`},
		{"duplicate deep in an unknown field", edit(`"IsLogging": true`, `"IsLogging": true, "Extra": {"a": [{"b": 1, "b": 2}]}`),
			`$.accounts[0].regions[0].trails[0].GetTrailStatus.Extra.a[0].b: the key "b" appears twice`},
		{"duplicate map key", edit(`"metricValue": "1"`, `"metricValue": "1", "dimensions": {"a": "x", "a": "y"}`), `the key "a" appears twice`},
		{"threshold past float64", edit(`"Threshold": 1`, `"Threshold": 1e400`), `$.accounts[0].regions[0].metric_alarms[0].Threshold: the number 1e400 is out of range`},
		{"period past int32", edit(`"MetricName": "m"`, `"MetricName": "m", "Period": 99999999999`), `Period: the number 99999999999 is above the greatest value allowed, 2.147483647e+09`},
		{"period zero", edit(`"MetricName": "m"`, `"MetricName": "m", "Period": 0`), `Period: the number 0 is below the least value allowed, 1`},
		{"http status", edit(`"http_status": 403`, `"http_status": 4030`), `http_status: the number 4030 is above the greatest value allowed, 599`},
		{"empty region", edit(`"region": "us-east-1"`, `"region": ""`), `$.accounts[0].regions[0].region: "" does not have the form`},
		{"too deep", edit(`"IsLogging": true`, `"IsLogging": true, "Extra": `+strings.Repeat("[", 600)+strings.Repeat("]", 600)), "nested more than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode("edited.json", []byte(tt.content))
			var se *Error
			if !errors.As(err, &se) || !strings.Contains(err.Error(), tt.want) || se.Line == 0 {
				t.Errorf("err = %v\nwant a *snapshot.Error with a line, containing %q", err, tt.want)
			}
		})
	}
	// Fields AWS adds that the format does not know are read past.
	if _, err := Decode("extra.json", []byte(edit(`"IsLogging": true`, `"IsLogging": true, "NewAWSField": {"x": [1, 2]}`))); err != nil {
		t.Errorf("an unknown AWS field: %v", err)
	}
}

// Special files: a device that never ends is refused at its first byte, a
// FIFO that nobody writes to reads as empty, and one that a writer holds
// open without writing gives up when the context ends.
func TestReadSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	zero := filepath.Join(dir, "zero.json")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	_, err := Read(zero)
	if err == nil || !strings.Contains(err.Error(), `zero.json:1:1: not valid JSON: invalid character '\x00'`) {
		t.Errorf("/dev/zero: %v", err)
	}

	fifo := filepath.Join(dir, "fifo.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := Read(fifo); done <- err }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "empty file") {
			t.Errorf("a FIFO without a writer: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("reading a FIFO without a writer hangs")
	}

	// The stalled writer is opened read-write, which on Linux does not wait
	// for a reader: opening it write-only would wait for ReadContext, which
	// may already have found no writer, read the FIFO as empty and gone.
	w, err := os.OpenFile(fifo, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := w.Write([]byte(`{"format_version": 1, `)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { _, err := ReadContext(ctx, fifo); done <- err }()
	time.Sleep(100 * time.Millisecond) // let the read start and wait; it gives up either way
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("a FIFO whose writer stalls, cancelled: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a cancelled read of a stalled FIFO does not give up")
	}
}

// A log group with more metric filters than AWS allows, or more of them
// with regular expressions, is not something AWS returns: refused where it
// stands.
func TestReadRefusesWhatAWSNeverReturns(t *testing.T) {
	s := sample()
	lg := &s.Accounts[0].Regions[0].LogGroups[0]
	base := lg.MetricFilters[0]
	for i := range 6 {
		f := base
		f.FilterName = fmt.Sprintf("rx%d", i)
		f.FilterPattern = fmt.Sprintf(`%%ERROR%d%%`, i)
		lg.MetricFilters = append(lg.MetricFilters, f)
	}
	data, _ := s.Marshal()
	_, err := Decode("regex.json", data)
	if err == nil || !strings.Contains(err.Error(), "$.accounts[0].regions[0].log_groups[0]: log group trail has 6 metric filters with regular expressions; AWS allows 5") {
		t.Errorf("six regex filters: %v", err)
	}
	lg.MetricFilters = lg.MetricFilters[:1]
	for i := range 100 {
		f := base
		f.FilterName = fmt.Sprintf("f%03d", i)
		lg.MetricFilters = append(lg.MetricFilters, f)
	}
	data, _ = s.Marshal()
	if _, err := Decode("many.json", data); err == nil || !strings.Contains(err.Error(), "has 101 metric filters; AWS allows 100") {
		t.Errorf("101 filters: %v", err)
	}
}
