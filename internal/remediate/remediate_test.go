package remediate

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/trailwatch/trailwatch/internal/engine"
	"github.com/trailwatch/trailwatch/internal/report"
	"github.com/trailwatch/trailwatch/internal/snapshot"
)

// hostile are names an attacker who can name a trail, a log group, a
// filter or a topic might choose, hoping a fix runs them.
var hostile = []string{
	`x'; touch pwned; echo '`,
	`$(touch pwned)`,
	"`touch pwned`",
	"a\nb; touch pwned",
	`"; touch pwned; "`,
	`\' ; touch pwned`,
	"tab\there",
	"ünïcødé and spaces",
	"$HOME ${IFS} !! * ? [a]",
}

// A script run with an aws that records its arguments: every value
// arrives as the one argument it was, and nothing else runs.
func TestShellQuotesHostileNames(t *testing.T) {
	var fix []report.Step
	for _, name := range hostile {
		fix = append(fix,
			report.Step{Service: "logs", Operation: "put-metric-filter", Region: "us-east-1", Args: [][]string{{"--log-group-name", name}, {"--filter-name", name}, {"--filter-pattern", name}}, Mends: name},
			report.Step{Service: "logs", Operation: "create-log-group", Region: "us-east-1", Args: [][]string{{"--log-group-name", name}}, Exists: "ResourceAlreadyExistsException"},
			report.Step{Service: "cloudtrail", Operation: "start-logging", Region: "us-east-1", Args: [][]string{{"--name", name}},
				Unless: &report.Check{Service: "cloudtrail", Operation: "get-trail-status", Region: "us-east-1", Args: [][]string{{"--name", name}}, Query: name, Equals: name}},
		)
	}
	plans, err := Build([]report.Result{{ControlID: "c", AccountID: "111122223333", Status: report.Fail, Reason: "r", Fix: fix}}, Options{})
	if err != nil || len(plans) != 1 {
		t.Fatalf("%v %v", plans, err)
	}
	dir := t.TempDir()
	script := filepath.Join(dir, "fix.sh")
	if err := os.WriteFile(script, Shell(plans[0], Meta{Benchmark: strings.Join(hostile, " "), Sources: hostile}), 0o644); err != nil {
		t.Fatal(err)
	}
	// The stand-in aws answers the account check, says the trail is not
	// logging, and writes each call's arguments, NUL-terminated, a call
	// per record.
	bin := filepath.Join(dir, "bin")
	os.Mkdir(bin, 0o755)
	fake := `#!/usr/bin/env bash
case "$2" in
get-caller-identity) echo 111122223333; exit 0 ;;
get-trail-status) echo False; exit 0 ;;
esac
printf '%s\0' "$@" >> "$CALLS"
printf '\n\0' >> "$CALLS"
`
	if err := os.WriteFile(filepath.Join(bin, "aws"), []byte(fake), 0o755); err != nil {
		t.Fatal(err)
	}
	calls := filepath.Join(dir, "calls")
	cmd := exec.Command("bash", script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"), "CALLS="+calls)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "pwned")); err == nil {
		t.Fatal("a name ran as a command")
	}
	raw, err := os.ReadFile(calls)
	if err != nil {
		t.Fatal(err)
	}
	var got [][]string
	for _, rec := range strings.Split(strings.TrimSuffix(string(raw), "\n\x00"), "\n\x00") {
		got = append(got, strings.Split(strings.TrimSuffix(rec, "\x00"), "\x00"))
	}
	var want [][]string
	for _, c := range plans[0].Calls {
		args := []string{c.Service, c.Operation, "--region", c.Region}
		for _, a := range c.Args {
			args = append(args, a...)
		}
		want = append(want, args)
	}
	if len(got) != len(want) {
		t.Fatalf("%d calls made, want %d:\n%q", len(got), len(want), got)
	}
	for i := range want {
		if !slices.Equal(got[i], want[i]) {
			t.Errorf("call %d: got %q\nwant %q", i+1, got[i], want[i])
		}
	}
}

// evaluate's remediation text (written by the policies, lib.core) and the
// script's command lines (written here) quote alike: for every FAIL of
// the examples whose fix is calls alone, the text is the calls' lines.
func TestCommandLinesAreEvaluatesText(t *testing.T) {
	p, err := engine.Load(engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ev, err := p.Prepare(context.Background(), engine.Selection{Fixes: true})
	if err != nil {
		t.Fatal(err)
	}
	// The examples whose fixes hold every kind of value: trail calls, a
	// filter pattern and JSON in quotes, a topic policy, a subscription's
	// filter, a key, the trail's integrity (the others are as these).
	var files []string
	for _, name := range []string{"broken-no-log-group", "broken-filter-misses-event", "broken-topic-policy", "broken-subscription-filter-policy", "broken-alarm-unit", "broken-no-management-events", "broken-trail-log-validation-off"} {
		files = append(files, "../../snapshots/"+name+".json")
	}
	compared := 0
	for _, f := range files {
		snap, err := snapshot.Read(f)
		if err != nil {
			t.Fatal(err)
		}
		results, err := ev.Evaluate(context.Background(), snap)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range results {
			if r.Status != report.Fail || len(r.Fix) == 0 {
				continue
			}
			var lines []string
			for _, step := range r.Fix {
				if step.Manual != "" || step.Notify {
					lines = nil
					break
				}
				lines = append(lines, CommandLine(step))
			}
			if lines == nil {
				continue
			}
			compared++
			if text := strings.Join(lines, "\n"); text != r.Remediation {
				t.Errorf("%s %s:\nscript: %s\nevaluate: %s", filepath.Base(f), r.ControlID, text, r.Remediation)
			}
		}
	}
	if compared < 10 {
		t.Errorf("only %d fixes compared", compared)
	}
}

func TestProtocol(t *testing.T) {
	for endpoint, want := range map[string]string{
		"security@example.com":                                 "email",
		"https://alerts.example.com/hook":                      "https",
		"arn:aws:sqs:us-east-1:111122223333:alerts":            "sqs",
		"arn:aws:lambda:us-east-1:111122223333:function:pager": "lambda",
		"+15555550100": "sms",
	} {
		if got, err := Protocol(endpoint); got != want || err != nil {
			t.Errorf("%s: %q %v, want %s", endpoint, got, err, want)
		}
	}
	for _, bad := range []string{"", "nobody", "ftp://x", "arn:aws:s3:::bucket", "a@b"} {
		if _, err := Protocol(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// One plan per account: a step two controls need is taken once, the
// account's own FAILs only; a waived or undecided result is left alone;
// a step in another account (a log archive's bucket) goes to that
// account's plan; without --notify a subscription is a manual step.
func TestBuild(t *testing.T) {
	start := report.Step{Service: "cloudtrail", Operation: "start-logging", Region: "us-east-1", Args: [][]string{{"--name", "main"}}}
	block := report.Step{Service: "s3api", Operation: "put-public-access-block", Region: "us-east-1", Args: [][]string{{"--bucket", "logs"}}, Account: "999999999999"}
	subscribe := report.Step{Service: "sns", Operation: "subscribe", Region: "us-east-1", Args: [][]string{{"--topic-arn", "arn:aws:sns:us-east-1:111122223333:alerts"}, {"--protocol", "email"}, {"--notification-endpoint", "<address>"}}, Notify: true}
	results := []report.Result{
		{ControlID: "a", AccountID: "111122223333", Status: report.Fail, Fix: []report.Step{start}},
		{ControlID: "b", AccountID: "111122223333", Status: report.Fail, Fix: []report.Step{start, subscribe}},
		{ControlID: "c", AccountID: "111122223333", Status: report.Fail, Fix: []report.Step{block}},
		{ControlID: "d", AccountID: "111122223333", Status: report.Waived, Waiver: &report.Waiver{Owner: "sec", Reason: "accepted", Expires: "2027-01-01"}},
		{ControlID: "e", AccountID: "111122223333", Status: report.Error, Reason: "not read"},
		{ControlID: "a", AccountID: "222222222222", Status: report.Pass},
	}
	plans, err := Build(results, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(plans) != 2 || plans[0].Account != "111122223333" || plans[1].Account != "999999999999" {
		t.Fatalf("plans: %+v", plans)
	}
	own := plans[0]
	if len(own.Calls) != 1 || !slices.Equal(own.Calls[0].Controls, []string{"a", "b"}) {
		t.Errorf("calls: %+v", own.Calls)
	}
	if len(own.Manual) != 1 || !strings.Contains(own.Manual[0].Text, "--notify") {
		t.Errorf("manual: %+v", own.Manual)
	}
	if !slices.Equal(own.Mended, []string{"a", "c"}) || !slices.Equal(own.Partly, []string{"b"}) {
		t.Errorf("mended %v, partly %v", own.Mended, own.Partly)
	}
	if len(own.Left) != 2 || own.Left[0].Controls[0] != "d" || !strings.Contains(own.Left[0].Why, "waived by sec") || own.Left[1].Controls[0] != "e" {
		t.Errorf("left: %+v", own.Left)
	}
	if archive := plans[1]; len(archive.Calls) != 1 || archive.Calls[0].Service != "s3api" {
		t.Errorf("the bucket's account: %+v", archive)
	}
	plans, err = Build(results, Options{Notify: "ops@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if own := plans[0]; len(own.Manual) != 0 || len(own.Calls) != 2 || own.Calls[1].Args[2][1] != "ops@example.com" || !own.NeedsConfirmation() {
		t.Errorf("with --notify: %+v", own)
	}
	if _, err := Build(results, Options{Notify: "not an endpoint"}); err == nil {
		t.Error("a bad endpoint was taken")
	}
}

// Two controls' selector fixes for one trail become one call that keeps
// both: put-event-selectors replaces every selector, so two calls would
// leave only the second's.
func TestSelectorFixesMerge(t *testing.T) {
	mgmt := `[{"IncludeManagementEvents":true,"ReadWriteType":"All"}]`
	s3 := `[{"IncludeManagementEvents":true,"ReadWriteType":"All"},{"DataResources":[{"Type":"AWS::S3::Object","Values":["arn:aws:s3"]}],"IncludeManagementEvents":false,"ReadWriteType":"All"}]`
	step := func(sel string) report.Step {
		return report.Step{Service: "cloudtrail", Operation: "put-event-selectors", Region: "us-east-1", Args: [][]string{{"--trail-name", "main"}, {"--event-selectors", sel}}}
	}
	plans, err := Build([]report.Result{
		{ControlID: "a", AccountID: "111122223333", Status: report.Fail, Fix: []report.Step{step(mgmt)}},
		{ControlID: "b", AccountID: "111122223333", Status: report.Fail, Fix: []report.Step{step(s3)}},
	}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	calls := plans[0].Calls
	if len(calls) != 1 || calls[0].Args[1][1] != s3 || !slices.Equal(calls[0].Controls, []string{"a", "b"}) {
		t.Errorf("%+v", calls)
	}
}
