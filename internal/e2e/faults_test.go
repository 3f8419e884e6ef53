package e2e

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trailwatch/trailwatch/internal/moto"
)

// fault is an answer a proxy gives in moto's place.
type fault struct {
	match  string // the operation: X-Amz-Target (JSON protocols) or Action= (query protocols)
	status int    // 400 for throttling, 5xx for server errors
	code   string // the error code AWS would give
	times  int    // how many requests get the fault; -1: every one
	hang   bool   // never answer, until the client gives up
	body   string // only requests whose body holds this (a role ARN's account, say)
	msg    string // the error message; empty for AWS's message for the status
}

// faultProxy sits in front of moto and injects throttling, server errors
// or silence for chosen operations; everything else passes through.
type faultProxy struct {
	URL    string
	delay  time.Duration // added to every request, as a network's latency
	mu     sync.Mutex
	faults []*fault
	hits   map[string]int // requests seen per matched operation
	hit    chan struct{}
}

func newFaultProxy(t testing.TB, target string, faults ...fault) *faultProxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &faultProxy{hits: map[string]int{}, hit: make(chan struct{}, 1000)}
	for i := range faults {
		p.faults = append(p.faults, &faults[i])
	}
	rp := httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(p.delay)
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		op := r.Header.Get("X-Amz-Target")
		query := op == ""
		if query {
			vals, _ := url.ParseQuery(string(body))
			op = vals.Get("Action")
		}
		if f := p.take(op, string(body)); f != nil {
			p.hit <- struct{}{}
			if f.hang {
				<-r.Context().Done()
				return
			}
			writeFault(w, f, query)
			return
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	p.URL = srv.URL
	return p
}

// take returns the fault for an operation, if one is still due.
func (p *faultProxy) take(op, body string) *fault {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, f := range p.faults {
		if f.match == "" || !strings.HasSuffix(op, f.match) || !strings.Contains(body, f.body) {
			continue
		}
		p.hits[f.match]++
		if f.hang || f.times < 0 {
			return f
		}
		if f.times > 0 {
			f.times--
			return f
		}
	}
	return nil
}

func (p *faultProxy) waitHits(t testing.TB, n int) {
	t.Helper()
	for range n {
		select {
		case <-p.hit:
		case <-time.After(30 * time.Second):
			t.Fatal("the proxy saw no request to fault")
		}
	}
}

func (p *faultProxy) seen(op string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.hits[op]
}

func writeFault(w http.ResponseWriter, f *fault, query bool) {
	msg := "Rate exceeded"
	if f.status >= 500 {
		msg = "We encountered an internal error. Please try again."
	}
	if f.msg != "" {
		msg = f.msg
	}
	if query {
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(f.status)
		io.WriteString(w, `<ErrorResponse><Error><Type>Sender</Type><Code>`+f.code+`</Code><Message>`+msg+`</Message></Error><RequestId>fault</RequestId></ErrorResponse>`)
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(f.status)
	io.WriteString(w, `{"__type":"`+f.code+`","message":"`+msg+`"}`)
}

// Throttling and server errors are retried; the snapshot is complete and
// the verdict the same as without them.
func TestRetriesThrottlingAndServerErrors(t *testing.T) {
	t.Parallel()
	seed(t, "400000000001", "us-east-1", scenario(moto.Account{}))
	p := newFaultProxy(t, srv.URL,
		fault{match: "DescribeAlarms", status: 400, code: "ThrottlingException", times: 2},
		fault{match: "DescribeTrails", status: 500, code: "InternalFailure", times: 1},
		fault{match: "GetTopicAttributes", status: 400, code: "Throttling", times: 1},
		fault{match: "DescribeMetricFilters", status: 503, code: "ServiceUnavailableException", times: 1},
	)
	path := t.TempDir() + "/snapshot.json"
	code, _, stderr := trailwatch(t, admin.Env(), "collect", "--endpoint-url", p.URL, "-o", path, "--quiet",
		"--role-arn", moto.RoleARN("400000000001", "audit"), "--region", "us-east-1", "--retry-max-backoff", "50ms")
	if code != 0 {
		t.Fatalf("collect: exit %d\n%s", code, stderr)
	}
	for op, want := range map[string]int{"DescribeAlarms": 3, "DescribeTrails": 2, "GetTopicAttributes": 2, "DescribeMetricFilters": 2} {
		if got := p.seen(op); got != want {
			t.Errorf("%s: %d requests, want %d (the faults, then the retry that succeeded)", op, got, want)
		}
	}
	if code, results := evaluateScenario(t, path); code != 0 || results["400000000001"][trail45].Status != "PASS" {
		t.Errorf("exit %d, %+v", code, results)
	}
}

// When retries run out the failure is recorded, summarised, and the verdict
// is ERROR, never PASS.
func TestRetriesRunOut(t *testing.T) {
	t.Parallel()
	seed(t, "400000000002", "us-east-1", scenario(moto.Account{}))
	p := newFaultProxy(t, srv.URL, fault{match: "DescribeAlarms", status: 400, code: "ThrottlingException", times: -1})
	path := t.TempDir() + "/snapshot.json"
	code, _, stderr := trailwatch(t, admin.Env(), "collect", "--endpoint-url", p.URL, "-o", path, "--quiet",
		"--role-arn", moto.RoleARN("400000000002", "audit"), "--region", "us-east-1",
		"--max-attempts", "3", "--retry-max-backoff", "50ms")
	if code != 1 {
		t.Errorf("collect: exit %d, want 1 (written with failed calls)\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "cloudwatch DescribeAlarms us-east-1: ThrottlingException") {
		t.Errorf("the failure is not summarised on stderr:\n%s", stderr)
	}
	if got := p.seen("DescribeAlarms"); got != 3 {
		t.Errorf("DescribeAlarms tried %d times, want 3", got)
	}
	snap := readSnapshot(t, path)
	var recorded bool
	for _, r := range snap.Accounts[0].Regions {
		for _, e := range r.Errors {
			if e.Operation == "DescribeAlarms" && e.ErrorCode == "ThrottlingException" && e.HTTPStatus == 400 && e.Region == "us-east-1" {
				recorded = true
			}
		}
	}
	if !recorded {
		data, _ := os.ReadFile(path)
		t.Errorf("the failure is not recorded in the snapshot:\n%s", data)
	}
	code, results := evaluateScenario(t, path)
	if r := results["400000000002"][trail45]; code != 2 || r.Status != "ERROR" || !strings.Contains(r.Reason, "DescribeAlarms") {
		t.Errorf("evaluate: exit %d, %+v", code, r)
	}
}
