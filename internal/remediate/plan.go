// Package remediate turns the FAILs of an evaluation into one fix per
// account: the steps the policies give (report.Step), each taken once,
// written as a bash script of aws CLI calls or as CloudFormation
// templates. It reads results only and calls no AWS API: the user
// reviews the file and applies it with their own credentials.
package remediate

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/trailwatch/trailwatch/internal/report"
)

// Plan is the fix for one account.
type Plan struct {
	Account string
	// Calls are the calls to make, in order, each once.
	Calls []Call
	// Manual are the steps trailwatch does not take, each once.
	Manual []Manual
	// Mended are the controls whose FAIL the calls mend; Partly those
	// that also need a manual step.
	Mended, Partly []string
	// Left are the results of the account that the plan leaves alone:
	// waived, or undecided (ERROR).
	Left []Left
}

// Call is one call and the controls that need it.
type Call struct {
	report.Step
	Controls []string
	// Mends are the links (or findings) it mends, one per control.
	Mends []string
}

// Manual is a step to take by hand, and the controls that need it.
type Manual struct {
	Text     string
	Controls []string
}

// Left are the results the plan does not touch for one reason.
type Left struct {
	Controls []string
	Why      string
}

// leave adds a control the plan leaves alone, with the others left for
// the same reason.
func (p *Plan) leave(control, why string) {
	for i := range p.Left {
		if p.Left[i].Why == why {
			p.Left[i].Controls = appendOnce(p.Left[i].Controls, control)
			return
		}
	}
	p.Left = append(p.Left, Left{Controls: []string{control}, Why: why})
}

// Options are what a plan needs beyond the results.
type Options struct {
	// Notify is the endpoint a new subscription goes to (an email
	// address, an https URL, an SQS queue or Lambda function ARN, a phone
	// number); empty leaves subscribing to a person as a manual step.
	Notify string
}

// Protocol is the SNS protocol of a --notify endpoint, or an error that
// says what an endpoint may be.
func Protocol(endpoint string) (string, error) {
	switch {
	case strings.HasPrefix(endpoint, "https://"), strings.HasPrefix(endpoint, "http://"):
		u, err := url.Parse(endpoint)
		if err != nil || u.Host == "" {
			return "", fmt.Errorf("%q is not a URL", endpoint)
		}
		return u.Scheme, nil
	case regexp.MustCompile(`^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]+$`).MatchString(endpoint):
		return "sqs", nil
	case regexp.MustCompile(`^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_:.-]+$`).MatchString(endpoint):
		return "lambda", nil
	case regexp.MustCompile(`^\+[1-9]\d{6,14}$`).MatchString(endpoint):
		return "sms", nil
	case regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`).MatchString(endpoint):
		return "email", nil
	}
	return "", fmt.Errorf("%q is not an email address, an http(s) URL, an SQS queue or Lambda function ARN, or a phone number in E.164 form (+15555550100)", endpoint)
}

// Build makes one plan per account that has a FAIL with a fix, or a
// result it leaves alone, in the order of the accounts' first results.
func Build(results []report.Result, opts Options) ([]Plan, error) {
	protocol := ""
	if opts.Notify != "" {
		var err error
		if protocol, err = Protocol(opts.Notify); err != nil {
			return nil, err
		}
	}
	type building struct {
		plan   *Plan
		calls  map[string]int
		manual map[string]int
	}
	var order []string
	byAccount := map[string]*building{}
	get := func(account string) *building {
		b, ok := byAccount[account]
		if !ok {
			b = &building{plan: &Plan{Account: account}, calls: map[string]int{}, manual: map[string]int{}}
			byAccount[account] = b
			order = append(order, account)
		}
		return b
	}
	for _, r := range results {
		switch r.Status {
		case report.Waived:
			why := "waived"
			if r.Waiver != nil {
				why = fmt.Sprintf("waived by %s until %s: %s", oneLine(r.Waiver.Owner), r.Waiver.Expires, oneLine(r.Waiver.Reason))
			}
			get(r.AccountID).plan.leave(r.ControlID, why)
			continue
		case report.Error:
			get(r.AccountID).plan.leave(r.ControlID, "not decided (ERROR), so not fixed: "+oneLine(r.Reason))
			continue
		case report.Fail:
		default:
			continue
		}
		own := get(r.AccountID)
		manual := false
		if len(r.Fix) == 0 {
			text := r.Remediation
			if text == "" {
				text = "the policy gives no fix for this FAIL: " + oneLine(r.Reason)
			}
			r.Fix = []report.Step{{Manual: text}}
		}
		for _, step := range r.Fix {
			if step.Notify {
				step = subscribeStep(step, opts.Notify, protocol)
			}
			target := own
			if step.Account != "" && step.Account != r.AccountID {
				target = get(step.Account)
			}
			if step.Manual != "" {
				manual = true
				if i, ok := target.manual[step.Manual]; ok {
					target.plan.Manual[i].Controls = appendOnce(target.plan.Manual[i].Controls, r.ControlID)
					continue
				}
				target.manual[step.Manual] = len(target.plan.Manual)
				target.plan.Manual = append(target.plan.Manual, Manual{Text: step.Manual, Controls: []string{r.ControlID}})
				continue
			}
			key := callKey(step)
			if i, ok := target.calls[key]; ok {
				c := &target.plan.Calls[i]
				if !slices.Contains(c.Controls, r.ControlID) {
					c.Controls = append(c.Controls, r.ControlID)
					c.Mends = append(c.Mends, step.Mends)
				}
				continue
			}
			target.calls[key] = len(target.plan.Calls)
			target.plan.Calls = append(target.plan.Calls, Call{Step: withoutMends(step), Controls: []string{r.ControlID}, Mends: []string{step.Mends}})
		}
		if manual {
			own.plan.Partly = appendOnce(own.plan.Partly, r.ControlID)
		} else {
			own.plan.Mended = appendOnce(own.plan.Mended, r.ControlID)
		}
	}
	var plans []Plan
	for _, account := range order {
		p := byAccount[account].plan
		p.Calls = mergeSelectors(p.Calls)
		if len(p.Calls)+len(p.Manual)+len(p.Left) == 0 {
			continue
		}
		plans = append(plans, *p)
	}
	sort.SliceStable(plans, func(i, j int) bool { return plans[i].Account < plans[j].Account })
	return plans, nil
}

// subscribeStep gives the subscription the user's endpoint, or makes it a
// manual step when they gave none.
func subscribeStep(step report.Step, endpoint, protocol string) report.Step {
	topic := ""
	for _, arg := range step.Args {
		if len(arg) == 2 && arg[0] == "--topic-arn" {
			topic = arg[1]
		}
	}
	if endpoint == "" {
		return report.Step{Manual: fmt.Sprintf("Subscribe the person or system to be told to topic %s (aws sns subscribe --region %s --topic-arn %s --protocol email --notification-endpoint ADDRESS), and have them confirm the subscription; trailwatch remediate --notify ADDRESS writes the call for you", topic, step.Region, topic), Mends: step.Mends}
	}
	step.Args = [][]string{{"--topic-arn", topic}, {"--protocol", protocol}, {"--notification-endpoint", endpoint}}
	return step
}

func callKey(step report.Step) string {
	step.Mends = ""
	b, _ := json.Marshal(step)
	return string(b)
}

func withoutMends(step report.Step) report.Step {
	step.Mends = ""
	return step
}

func appendOnce(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// oneLine is text fit for one comment line: control characters become
// spaces.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '\u2028' || r == '\u2029' || r == '\u0085' {
			return ' '
		}
		return r
	}, s)
}

// NeedsConfirmation says whether a plan subscribes someone, who must then
// confirm the subscription before anyone is told.
func (p Plan) NeedsConfirmation() bool {
	for _, c := range p.Calls {
		if c.Notify {
			return true
		}
	}
	return false
}

// mergeSelectors makes the put-event-selectors calls for one trail one
// call: each sets every selector of the trail, so a second would undo the
// first (a trail that records neither management events nor S3 object
// events gets both fixes). The selectors of all are kept, each once, in
// the place of the first call.
func mergeSelectors(calls []Call) []Call {
	first := map[string]int{}
	var out []Call
	for _, c := range calls {
		if c.Service != "cloudtrail" || c.Operation != "put-event-selectors" {
			out = append(out, c)
			continue
		}
		trail, selectors := "", ""
		for _, a := range c.Args {
			if len(a) == 2 && a[0] == "--trail-name" {
				trail = a[1]
			}
			if len(a) == 2 && a[0] == "--event-selectors" {
				selectors = a[1]
			}
		}
		key := c.Region + "\x00" + trail
		i, seen := first[key]
		if !seen {
			first[key] = len(out)
			out = append(out, c)
			continue
		}
		merged, ok := unionSelectors(out[i].Args, selectors)
		if !ok {
			out = append(out, c) // not JSON lists: left as they are
			continue
		}
		m := out[i]
		m.Args = merged
		for j, id := range c.Controls {
			if !slices.Contains(m.Controls, id) {
				m.Controls = append(m.Controls, id)
				m.Mends = append(m.Mends, c.Mends[j])
			}
		}
		out[i] = m
	}
	return out
}

// unionSelectors adds the selectors of a JSON list to a call's
// --event-selectors, each once. A selector with management events and one
// without, for the same data, are both kept: AWS takes up to five.
func unionSelectors(args [][]string, more string) ([][]string, bool) {
	var extra []json.RawMessage
	if json.Unmarshal([]byte(more), &extra) != nil {
		return nil, false
	}
	out := make([][]string, len(args))
	for i, a := range args {
		out[i] = slices.Clone(a)
		if len(a) != 2 || a[0] != "--event-selectors" {
			continue
		}
		var have []json.RawMessage
		if json.Unmarshal([]byte(a[1]), &have) != nil {
			return nil, false
		}
		seen := map[string]bool{}
		var all []json.RawMessage
		for _, s := range append(have, extra...) {
			if !seen[string(s)] {
				seen[string(s)] = true
				all = append(all, s)
			}
		}
		b, err := json.Marshal(all)
		if err != nil {
			return nil, false
		}
		out[i][1] = string(b)
	}
	return out, true
}
