// Package snsfilter owns the language of Amazon SNS subscription filter
// policies: whether a policy lets one message through, as the SNS
// Developer Guide describes filtering ("Amazon SNS subscription filter
// policies" and its pages on string, numeric and key matching and AND/OR
// logic):
//
//   - every property of the policy must match (AND); "$or" holds a list of
//     policies, one of which must match;
//   - a property's list of conditions matches when one of them does (OR);
//   - a condition is a value (string, number, true, false, null) matched
//     exactly, or one of {"prefix"}, {"suffix"}, {"equals-ignore-case"},
//     {"anything-but": value, list, {"prefix"} or {"suffix"}},
//     {"numeric": [op, n, ...]} and {"exists": bool};
//   - a property the message does not have matches only {"exists": false};
//   - an array in the message matches when one of its values does;
//   - a policy on the message body may nest: an object property matches
//     the message's object property of that name.
//
// A message value the caller cannot know is given as Unknown: a condition
// on it, other than exists, cannot be judged. Nor can a condition this
// package does not know (cidr, wildcard). Either makes the answer Unknown,
// with the reason, unless the rest of the policy decides on its own.
package snsfilter

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Result is a policy's answer for a message.
type Result int

const (
	No Result = iota
	Yes
	Unknown
)

func (r Result) String() string { return [...]string{"no", "yes", "unknown"}[r] }

// UnknownKey marks a message value the caller cannot know: an object with
// this one key ({"trailwatch": "unknown value"}).
const UnknownKey = "trailwatch"

// Decision is the answer and, for Unknown, why.
type Decision struct {
	Result Result
	Reason string
}

// MaxDepth bounds how deep a policy may nest; deeper is Unknown.
const MaxDepth = 32

// Decide judges a policy (its JSON text) against a message (decoded JSON:
// map[string]any, []any, string, float64 or json.Number, bool, nil).
func Decide(policyText string, message map[string]any) Decision {
	var policy any
	dec := json.NewDecoder(strings.NewReader(policyText))
	dec.UseNumber()
	if err := dec.Decode(&policy); err != nil || dec.More() {
		return Decision{Unknown, "the filter policy is not JSON"}
	}
	obj, ok := policy.(map[string]any)
	if !ok {
		return Decision{Unknown, "the filter policy is not a JSON object"}
	}
	return object(obj, message, 0)
}

// object judges a policy object: AND over its properties, "$or" an OR of
// policies. A No anywhere decides; else an Unknown; else Yes.
func object(policy map[string]any, message map[string]any, depth int) Decision {
	if depth > MaxDepth {
		return Decision{Unknown, "the filter policy nests deeper than trailwatch judges"}
	}
	var unknown []string
	for _, key := range sortedKeys(policy) {
		var d Decision
		if key == "$or" {
			d = or(policy[key], message, depth)
		} else {
			d = property(key, policy[key], message, depth)
		}
		switch d.Result {
		case No:
			return d
		case Unknown:
			unknown = append(unknown, d.Reason)
		}
	}
	if len(unknown) > 0 {
		return Decision{Unknown, strings.Join(unknown, "; ")}
	}
	return Decision{Result: Yes}
}

func or(alternatives any, message map[string]any, depth int) Decision {
	list, ok := alternatives.([]any)
	if !ok {
		return Decision{Unknown, "the filter policy's $or is not a list of policies"}
	}
	var unknown []string
	for _, alt := range list {
		p, ok := alt.(map[string]any)
		if !ok {
			return Decision{Unknown, "the filter policy's $or is not a list of policies"}
		}
		d := object(p, message, depth+1)
		switch d.Result {
		case Yes:
			return d
		case Unknown:
			unknown = append(unknown, d.Reason)
		}
	}
	if len(unknown) > 0 {
		return Decision{Unknown, strings.Join(unknown, "; ")}
	}
	return Decision{Result: No}
}

func property(key string, conditions any, message map[string]any, depth int) Decision {
	value, present := message[key]
	if nested, ok := conditions.(map[string]any); ok {
		if isUnknown(value) {
			return Decision{Unknown, key + " is not known before the message is sent"}
		}
		inner, ok := value.(map[string]any)
		if !present || !ok {
			return Decision{Result: No}
		}
		return object(nested, inner, depth+1)
	}
	list, ok := conditions.([]any)
	if !ok {
		return Decision{Unknown, fmt.Sprintf("the filter policy's %s is not a list of conditions", key)}
	}
	var unknown []string
	for _, c := range list {
		d := condition(key, c, value, present)
		switch d.Result {
		case Yes:
			return d
		case Unknown:
			unknown = append(unknown, d.Reason)
		}
	}
	if len(unknown) > 0 {
		return Decision{Unknown, strings.Join(unknown, "; ")}
	}
	return Decision{Result: No}
}

// condition judges one condition against the message's value of a
// property (absent, unknown, one value or an array of them).
func condition(key string, c, value any, present bool) Decision {
	if m, ok := c.(map[string]any); ok && len(m) == 1 {
		if e, ok := m["exists"].(bool); ok {
			return yesNo(e == present)
		}
	}
	if !present {
		return Decision{Result: No}
	}
	if isUnknown(value) {
		return Decision{Unknown, key + " is not known before the message is sent"}
	}
	if !known(c) {
		text, _ := json.Marshal(c)
		return Decision{Unknown, fmt.Sprintf("the condition %s on %s is not one trailwatch judges", text, key)}
	}
	values := []any{value}
	if list, ok := value.([]any); ok {
		values = list
	}
	for _, v := range values {
		if matches(c, v) {
			return Decision{Result: Yes}
		}
	}
	return Decision{Result: No}
}

func yesNo(b bool) Decision {
	if b {
		return Decision{Result: Yes}
	}
	return Decision{Result: No}
}

func isUnknown(v any) bool {
	m, ok := v.(map[string]any)
	if !ok || len(m) != 1 {
		return false
	}
	_, ok = m[UnknownKey]
	return ok
}

var operators = []string{"prefix", "suffix", "equals-ignore-case", "anything-but", "numeric"}

func known(c any) bool {
	m, ok := c.(map[string]any)
	if !ok {
		return true
	}
	if len(m) != 1 {
		return false
	}
	for op, arg := range m {
		if !slices.Contains(operators, op) {
			return false
		}
		switch op {
		case "prefix", "suffix", "equals-ignore-case":
			_, ok := arg.(string)
			return ok
		case "numeric":
			_, ok := numericSpec(arg)
			return ok
		case "anything-but":
			if inner, ok := arg.(map[string]any); ok {
				return len(inner) == 1 && (isString(inner["prefix"]) || isString(inner["suffix"]))
			}
		}
	}
	return true
}

func isString(v any) bool {
	_, ok := v.(string)
	return ok
}

// matches: one known condition against one value of the message.
func matches(c, v any) bool {
	m, ok := c.(map[string]any)
	if !ok {
		return equal(c, v)
	}
	s, isStr := v.(string)
	for op, arg := range m {
		switch op {
		case "prefix":
			return isStr && strings.HasPrefix(s, arg.(string))
		case "suffix":
			return isStr && strings.HasSuffix(s, arg.(string))
		case "equals-ignore-case":
			return isStr && strings.EqualFold(s, arg.(string))
		case "numeric":
			n, ok := number(v)
			if !ok {
				return false
			}
			spec, _ := numericSpec(arg)
			for _, cmp := range spec {
				if !cmp.holds(n) {
					return false
				}
			}
			return true
		case "anything-but":
			return !excludes(arg, v)
		}
	}
	return false
}

func excludes(arg, v any) bool {
	switch a := arg.(type) {
	case []any:
		return slices.ContainsFunc(a, func(x any) bool { return equal(x, v) })
	case map[string]any:
		s, ok := v.(string)
		if p, isP := a["prefix"].(string); isP {
			return ok && strings.HasPrefix(s, p)
		}
		if p, isS := a["suffix"].(string); isS {
			return ok && strings.HasSuffix(s, p)
		}
		return false
	default:
		return equal(a, v)
	}
}

// equal compares a policy value with a message value: numbers by value,
// the rest exactly.
func equal(a, b any) bool {
	if x, ok := number(a); ok {
		y, ok := number(b)
		return ok && x == y
	}
	return a == b
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	case int:
		return float64(n), true
	}
	return 0, false
}

type comparison struct {
	op string
	n  float64
}

func (c comparison) holds(v float64) bool {
	switch c.op {
	case "=":
		return v == c.n
	case "<":
		return v < c.n
	case "<=":
		return v <= c.n
	case ">":
		return v > c.n
	case ">=":
		return v >= c.n
	}
	return false
}

// numericSpec reads [op, n] or [op, n, op, n].
func numericSpec(arg any) ([]comparison, bool) {
	list, ok := arg.([]any)
	if !ok || (len(list) != 2 && len(list) != 4) {
		return nil, false
	}
	var out []comparison
	for i := 0; i < len(list); i += 2 {
		op, ok := list[i].(string)
		n, isNum := number(list[i+1])
		if !ok || !isNum || !slices.Contains([]string{"=", "<", "<=", ">", ">="}, op) {
			return nil, false
		}
		out = append(out, comparison{op, n})
	}
	return out, true
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
