// Package waiver applies accepted exceptions to a run's results: a stage
// of its own between the engine and the report, so that policies stay free
// of the clock. A waiver names a control, the accounts (and optionally the
// regions and resources) it covers, why, who owns it, and the last day it
// applies; today's date is passed in.
//
// The file is YAML, read strictly:
//
//	waivers:
//	  - control: cloudtrail-config-changes
//	    accounts: ["111122223333"]      # or ["*"]
//	    regions: ["eu-west-1"]          # optional
//	    resources: ["arn:aws:..."]      # optional
//	    reason: sandbox account; alarms arrive with the landing zone in Q1
//	    owner: secops@example.com
//	    expires: 2026-12-31             # the last day it applies (UTC)
//	    statuses: [FAIL]                # optional; ERROR only when listed
package waiver

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/trailwatch/trailwatch/internal/report"
	"github.com/trailwatch/trailwatch/internal/snapshot"
)

// DateLayout is how waivers and --today write a date.
const DateLayout = "2006-01-02"

// MaxFile bounds a waivers file.
const MaxFile = 16 << 20

// Error is a waivers file that cannot be used: the file, the line, and what
// is wrong.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return e.File + ": " + e.Msg
}

// Parse reads a waivers file. controls are the control ids that exist; a
// waiver naming another is refused, as are unknown keys, a key twice, a
// date that does not parse, and a missing control, accounts, reason, owner
// or expires.
func Parse(name string, data []byte, controls []string) ([]report.Waiver, error) {
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		return nil, yamlError(name, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, &Error{File: name, Line: extra.Line, Msg: "a second YAML document; a waivers file holds one"}
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, &Error{File: name, Line: max(doc.Line, 1), Msg: "want a mapping with a waivers list"}
	}
	top := doc.Content[0]
	fields, err := mapping(name, top, []string{"waivers"})
	if err != nil {
		return nil, err
	}
	list, ok := fields["waivers"]
	if !ok {
		return nil, &Error{File: name, Line: top.Line, Msg: "no waivers list (waivers: [...])"}
	}
	if list.Kind != yaml.SequenceNode {
		return nil, &Error{File: name, Line: list.Line, Msg: "waivers: want a list"}
	}
	var out []report.Waiver
	for _, item := range list.Content {
		w, err := parseOne(name, item, controls)
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, nil
}

var waiverKeys = []string{"control", "accounts", "regions", "resources", "reason", "owner", "expires", "statuses"}

func parseOne(name string, n *yaml.Node, controls []string) (report.Waiver, error) {
	w := report.Waiver{File: name, Line: n.Line}
	fail := func(at *yaml.Node, format string, args ...any) (report.Waiver, error) {
		return report.Waiver{}, &Error{File: name, Line: at.Line, Msg: fmt.Sprintf(format, args...)}
	}
	if n.Kind != yaml.MappingNode {
		return fail(n, "a waiver is a mapping of %s", strings.Join(waiverKeys, ", "))
	}
	f, err := mapping(name, n, waiverKeys)
	if err != nil {
		return report.Waiver{}, err
	}
	for _, key := range []string{"control", "accounts", "reason", "owner", "expires"} {
		if _, ok := f[key]; !ok {
			hint := ""
			if key == "accounts" {
				hint = ` (["*"] for every account)`
			}
			return fail(n, "waiver without %s%s", key, hint)
		}
	}
	for _, key := range []string{"control", "reason", "owner", "expires"} {
		v := f[key]
		if v.Kind != yaml.ScalarNode || strings.TrimSpace(v.Value) == "" {
			return fail(v, "%s: want a non-empty value", key)
		}
	}
	w.Control, w.Reason, w.Owner = f["control"].Value, f["reason"].Value, f["owner"].Value
	if !slices.Contains(controls, w.Control) {
		return fail(f["control"], "control %q does not exist; known: %s", w.Control, strings.Join(controls, ", "))
	}
	if _, err := time.Parse(DateLayout, f["expires"].Value); err != nil {
		return fail(f["expires"], "expires %q is not a date (YYYY-MM-DD)", f["expires"].Value)
	}
	w.Expires = f["expires"].Value
	if w.Accounts, err = stringList(name, f["accounts"], "accounts", func(s string) string {
		if s == "*" || len(s) == 12 && strings.Trim(s, "0123456789") == "" {
			return ""
		}
		return "an account id is 12 digits, or * for every account"
	}); err != nil {
		return report.Waiver{}, err
	}
	if v, ok := f["regions"]; ok {
		if w.Regions, err = stringList(name, v, "regions", func(s string) string {
			if snapshot.IsRegion(s) {
				return ""
			}
			return "not a region code (such as eu-west-1)"
		}); err != nil {
			return report.Waiver{}, err
		}
	}
	if v, ok := f["resources"]; ok {
		if w.Resources, err = stringList(name, v, "resources", func(string) string { return "" }); err != nil {
			return report.Waiver{}, err
		}
	}
	w.Statuses = []report.Status{report.Fail}
	if v, ok := f["statuses"]; ok {
		ss, err := stringList(name, v, "statuses", func(s string) string {
			if s == string(report.Fail) || s == string(report.Error) {
				return ""
			}
			return "a waiver covers FAIL and ERROR only"
		})
		if err != nil {
			return report.Waiver{}, err
		}
		w.Statuses = nil
		for _, s := range ss {
			w.Statuses = append(w.Statuses, report.Status(s))
		}
		// An ERROR is evidence that could not be read: accepting it in
		// every account would let a run that read nothing pass.
		if slices.Contains(w.Statuses, report.Error) && slices.Contains(w.Accounts, "*") {
			return fail(v, "statuses: a waiver of ERROR names its accounts; * would accept a run that could read nothing")
		}
	}
	return w, nil
}

// mapping reads a YAML mapping whose keys must be among known, each once.
func mapping(name string, n *yaml.Node, known []string) (map[string]*yaml.Node, error) {
	out := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return nil, &Error{File: name, Line: k.Line, Msg: "a key must be a plain word"}
		}
		if !slices.Contains(known, k.Value) {
			return nil, &Error{File: name, Line: k.Line, Msg: fmt.Sprintf("unknown key %q; known: %s", k.Value, strings.Join(known, ", "))}
		}
		if _, dup := out[k.Value]; dup {
			return nil, &Error{File: name, Line: k.Line, Msg: fmt.Sprintf("the key %q appears twice; a reader would keep one and a reviewer might see the other", k.Value)}
		}
		out[k.Value] = v
	}
	return out, nil
}

// stringList reads a list of non-empty strings, each checked by check
// (which says what is wrong, or "").
func stringList(name string, n *yaml.Node, key string, check func(string) string) ([]string, error) {
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		return nil, &Error{File: name, Line: n.Line, Msg: key + ": want a non-empty list"}
	}
	var out []string
	for _, e := range n.Content {
		if e.Kind != yaml.ScalarNode || e.Value == "" {
			return nil, &Error{File: name, Line: e.Line, Msg: key + ": want a list of strings"}
		}
		if msg := check(e.Value); msg != "" {
			return nil, &Error{File: name, Line: e.Line, Msg: fmt.Sprintf("%s: %q: %s", key, e.Value, msg)}
		}
		out = append(out, e.Value)
	}
	return out, nil
}

func yamlError(name string, err error) error {
	msg := err.Error()
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msg = strings.Join(te.Errors, "; ")
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	// yaml.v3 says "line N: ..."; put the line where every error has it.
	var line int
	if n, _ := fmt.Sscanf(msg, "line %d:", &line); n == 1 {
		msg = strings.TrimSpace(msg[strings.Index(msg, ":")+1:])
	}
	if msg == "EOF" {
		msg = "empty file; want a mapping with a waivers list"
	}
	return &Error{File: name, Line: line, Msg: msg}
}
