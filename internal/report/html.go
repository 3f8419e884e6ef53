package report

import (
	"embed"
	"encoding/json"
	"html/template"
	"io"
	"slices"
	"strings"
)

// HTML renders the report as one self-contained page for a person in a
// browser: styles and script inline, no request to any network, no
// external font, deterministic like every format. At the top the
// benchmark, when the evidence was collected, the files and the counts;
// then the organization's matrix, accounts down and controls across, each
// cell a status in words and colour, sortable and filtered by status,
// control and account, with a search box (the script draws it from data
// embedded in the page, a page of accounts at a time, so that ten
// thousand accounts open without freezing); then every result that is
// not a PASS, opened by a click on its cell: its chain drawn link by link,
// the broken link first with its reason and fix, a waiver's owner, reason
// and expiry, what could not be read. Printed (or Chromium's
// --print-to-pdf), the matrix and every such result are shown whole.
//
// html/template writes every string: an AWS name with <script> or quotes
// stays text, in the page and in the embedded data.
type HTML struct{}

//go:embed html/report.html.tmpl html/report.css html/report.js
var htmlFiles embed.FS

var htmlPage = template.Must(template.ParseFS(htmlFiles, "html/report.html.tmpl"))

// htmlView is what the page template reads.
type htmlView struct {
	Summary       string
	Benchmark     string
	Strict        bool
	CollectedAt   string
	Snapshots     []string
	Counts        Summary
	Controls      []htmlControl
	Accounts      string
	Details       []htmlDetail
	PassesLeftOut bool
	Waivers       *Waivers
	Skipped       []Skipped
	CSS           template.CSS
	JS            template.JS
	Data          htmlData
}

type htmlControl struct {
	ID, Label, Title, Severity string
}

// htmlData is the matrix as the page's script reads it: the controls by
// index, and each account with one status letter per control (P, F, E, W,
// or - when the control gave no result for it).
type htmlData struct {
	Controls []string      `json:"controls"`
	Labels   []string      `json:"labels"`
	Accounts []htmlAccount `json:"accounts"`
}

type htmlAccount struct {
	ID    string `json:"id"`
	Cells string `json:"cells"`
}

// htmlDetail is a result that is not a PASS, drawn for a person.
type htmlDetail struct {
	Anchor, Account, Control, Label, Title, Status, Reason string
	Broken                                                 *htmlLink
	Links                                                  []htmlLink
	Findings                                               []htmlFinding
	Fix                                                    string
	Waiver                                                 *Waiver
	Was                                                    Status
}

// htmlLink is one link of a monitoring chain: it holds, it breaks (with
// why), or it was not reached.
type htmlLink struct {
	Name, State, Reason string
}

// htmlFinding is what a family without a chain says of one trail or bucket.
type htmlFinding struct {
	Trail, Bucket, Status, Reason string
}

// chainLinks are the links of a monitoring chain in order, as the
// policies name a broken one (lib.monitoring.links), drawn under the name
// of the resource they belong to.
var chainLinks = []struct{ link, name string }{
	{"multi_region", "trail: multi-region"},
	{"logging", "trail: logging"},
	{"management_events", "trail: management events"},
	{"log_group", "log group"},
	{"delivery", "delivery to the log group"},
	{"metric_filter", "metric filter"},
	{"alarm", "metric and alarm"},
	{"alarm_actions", "alarm actions"},
	{"topic", "topic"},
	{"topic_access", "topic policy and key"},
	{"subscription", "subscriptions"},
}

var statusLetters = map[Status]byte{Pass: 'P', Fail: 'F', Error: 'E', Waived: 'W'}

// htmlPassDetails is the most results for which a PASS's chain is drawn
// too; past it the page keeps what is wrong, and the JSON report every
// chain.
const htmlPassDetails = 2000

func (HTML) Render(w io.Writer, r *Report) error {
	css, _ := htmlFiles.ReadFile("html/report.css")
	js, _ := htmlFiles.ReadFile("html/report.js")
	v := htmlView{
		Summary:     summaryLine(r),
		Strict:      r.Strict,
		CollectedAt: r.CollectedAt,
		Snapshots:   r.Snapshots,
		Counts:      r.Summary,
		Waivers:     r.Waivers,
		Skipped:     r.Skipped,
		CSS:         template.CSS(css),
		JS:          template.JS(js),
	}
	if r.Benchmark != "" {
		v.Benchmark = strings.TrimSpace(r.BenchmarkName + " " + r.Benchmark)
	}
	controls := r.ControlList()
	slices.SortStableFunc(controls, func(a, b Control) int {
		return compareLabels(controlLabel(a, r.BenchmarkName, r.Benchmark), controlLabel(b, r.BenchmarkName, r.Benchmark))
	})
	index := map[string]int{}
	for i, c := range controls {
		label := controlLabel(c, r.BenchmarkName, r.Benchmark)
		v.Controls = append(v.Controls, htmlControl{ID: c.ID, Label: label, Title: c.Title, Severity: c.Severity})
		v.Data.Controls = append(v.Data.Controls, c.ID)
		v.Data.Labels = append(v.Data.Labels, label)
		index[c.ID] = i
	}
	accounts := accountsWorstFirst(r)
	slices.Sort(accounts)
	row := map[string][]byte{}
	for _, a := range accounts {
		row[a] = []byte(strings.Repeat("-", len(controls)))
	}
	for _, res := range r.Results {
		if letter, ok := statusLetters[res.Status]; ok {
			row[res.AccountID][index[res.ControlID]] = letter
		}
		if res.Status != Pass || len(r.Results) <= htmlPassDetails {
			v.Details = append(v.Details, htmlDetailOf(res, controls[index[res.ControlID]], v.Controls[index[res.ControlID]].Label))
		}
	}
	for _, a := range accounts {
		v.Data.Accounts = append(v.Data.Accounts, htmlAccount{ID: a, Cells: string(row[a])})
	}
	v.Accounts = plural(len(accounts), "account")
	v.PassesLeftOut = len(r.Results) > htmlPassDetails && r.Summary.Pass > 0
	slices.SortStableFunc(v.Details, func(a, b htmlDetail) int {
		if c := strings.Compare(a.Account, b.Account); c != 0 {
			return c
		}
		return compareLabels(a.Label, b.Label)
	})
	return htmlPage.Execute(w, v)
}

// anchor is the id of a result's section: the account and the control.
func anchor(account, control string) string { return "r-" + account + "-" + control }

func htmlDetailOf(res Result, c Control, label string) htmlDetail {
	d := htmlDetail{
		Anchor: anchor(res.AccountID, res.ControlID), Account: res.AccountID, Control: res.ControlID, Label: label,
		Title: firstNonEmpty(res.Title, c.Title), Status: string(res.Status), Reason: res.Reason,
		Fix: res.Remediation, Waiver: res.Waiver, Was: res.Was,
	}
	var ev struct {
		Trails []struct {
			Link, Status, Reason, Bucket string
			TrailName                    string `json:"trail_name"`
		}
		Chain *struct {
			Trail, Metric, Alarm, Topic string
			LogGroup                    string `json:"log_group"`
			Filter                      string `json:"metric_filter"`
			Pattern                     string `json:"filter_pattern"`
			Subscriptions               int    `json:"confirmed_subscriptions"`
		}
	}
	if len(res.Evidence) > 0 {
		_ = json.Unmarshal(res.Evidence, &ev)
	}
	for _, t := range ev.Trails {
		if t.Link == "" {
			d.Findings = append(d.Findings, htmlFinding{Trail: t.TrailName, Bucket: t.Bucket, Status: t.Status, Reason: t.Reason})
		}
	}
	// A PASS's chain, by the names of what holds it.
	if c := ev.Chain; c != nil {
		for _, l := range []struct{ name, value string }{
			{"trail", c.Trail}, {"log group", c.LogGroup}, {"metric filter", c.Filter + ": " + c.Pattern},
			{"metric", c.Metric}, {"alarm", c.Alarm}, {"topic", c.Topic},
			{"subscriptions", plural(c.Subscriptions, "confirmed subscription") + " that let it through"},
		} {
			d.Links = append(d.Links, htmlLink{Name: l.name, State: "holds", Reason: l.value})
		}
	}
	// The chain of the first trail whose link broke: the broken link
	// first, then the chain in order, each link holding up to it.
	for _, t := range ev.Trails {
		if t.Link == "" {
			continue
		}
		at := slices.IndexFunc(chainLinks, func(l struct{ link, name string }) bool { return l.link == t.Link })
		if at < 0 {
			break
		}
		d.Broken = &htmlLink{Name: chainLinks[at].name + " of trail " + t.TrailName, State: "breaks", Reason: t.Reason}
		for i, l := range chainLinks {
			switch {
			case i < at:
				d.Links = append(d.Links, htmlLink{Name: l.name, State: "holds"})
			case i == at:
				d.Links = append(d.Links, htmlLink{Name: l.name, State: "breaks", Reason: t.Reason})
			default:
				d.Links = append(d.Links, htmlLink{Name: l.name, State: "not reached"})
			}
		}
		break
	}
	return d
}
