package snsfilter

import (
	"encoding/json"
	"strings"
	"testing"
)

// The SNS Developer Guide's examples ("Example filter policies", "String
// value matching", "Numeric value matching", "Key matching", "AND/OR
// logic"), each with its documented answer.
func TestGuideExamples(t *testing.T) {
	example := `{"customer_interests": ["soccer", "rugby", "hockey"], "store": "example_corp", "event": "order_placed", "price_usd": 210.75}`
	tests := []struct {
		name, policy, message string
		want                  Result
	}{
		{"policy that accepts the example", `{"store": ["example_corp"], "event": [{"anything-but": "order_cancelled"}], "customer_interests": ["rugby", "football", "baseball"], "price_usd": [{"numeric": [">=", 100]}]}`, example, Yes},
		{"policy that rejects the example", `{"store": ["example_corp"], "event": ["order_cancelled"], "encrypted": [false], "customer_interests": ["basketball", "baseball"]}`, example, No},
		{"exact", `{"customer_interests": ["rugby", "tennis"]}`, `{"customer_interests": "rugby"}`, Yes},
		{"exact, other value", `{"customer_interests": ["rugby", "tennis"]}`, `{"customer_interests": "baseball"}`, No},
		{"prefix", `{"customer_interests": [{"prefix": "bas"}]}`, `{"customer_interests": "basketball"}`, Yes},
		{"prefix, other value", `{"customer_interests": [{"prefix": "bas"}]}`, `{"customer_interests": "rugby"}`, No},
		{"suffix", `{"AlarmName": [{"suffix": "-changes"}]}`, `{"AlarmName": "cloudtrail-config-changes"}`, Yes},
		{"equals-ignore-case", `{"NewStateValue": [{"equals-ignore-case": "alarm"}]}`, `{"NewStateValue": "ALARM"}`, Yes},
		{"anything-but", `{"customer_interests": [{"anything-but": ["rugby", "tennis"]}]}`, `{"customer_interests": "baseball"}`, Yes},
		{"anything-but, an array with another value", `{"customer_interests": [{"anything-but": ["rugby", "tennis"]}]}`, `{"customer_interests": ["rugby", "baseball"]}`, Yes},
		{"anything-but, excluded", `{"customer_interests": [{"anything-but": ["rugby", "tennis"]}]}`, `{"customer_interests": "rugby"}`, No},
		{"anything-but, an array of excluded", `{"customer_interests": [{"anything-but": ["rugby", "tennis"]}]}`, `{"customer_interests": ["rugby"]}`, No},
		{"anything-but prefix", `{"event": [{"anything-but": {"prefix": "order-"}}]}`, `{"event": "order_number"}`, Yes},
		{"anything-but prefix, excluded", `{"event": [{"anything-but": {"prefix": "order-"}}]}`, `{"event": "order-cancelled"}`, No},
		{"numeric =", `{"price_usd": [{"numeric": ["=", 301.5]}]}`, `{"price_usd": 3.015e2}`, Yes},
		{"numeric anything-but", `{"price": [{"anything-but": [100, 500]}]}`, `{"price": 100.1}`, Yes},
		{"numeric anything-but, excluded", `{"price": [{"anything-but": [100, 500]}]}`, `{"price": 100}`, No},
		{"numeric anything-but, an array", `{"price": [{"anything-but": [100, 500]}]}`, `{"price": [100, 50]}`, Yes},
		{"numeric range", `{"price_usd": [{"numeric": [">", 0, "<=", 150]}]}`, `{"price_usd": 150}`, Yes},
		{"numeric range, above", `{"price_usd": [{"numeric": [">", 0, "<=", 150]}]}`, `{"price_usd": 150.5}`, No},
		{"numeric on a string", `{"price_usd": [{"numeric": ["<", 0]}]}`, `{"price_usd": "cheap"}`, No},
		{"exists true", `{"store": [{"exists": true}]}`, `{"store": "fans"}`, Yes},
		{"exists true, absent", `{"store": [{"exists": true}]}`, `{"customer_interests": ["baseball"]}`, No},
		{"exists false, absent", `{"store": [{"exists": false}]}`, `{"customer_interests": ["baseball"]}`, Yes},
		{"exists false, present", `{"store": [{"exists": false}]}`, `{"store": "fans"}`, No},
		{"absent property", `{"encrypted": [false]}`, `{}`, No},
		{"anything-but on an absent property", `{"event": [{"anything-but": "x"}]}`, `{}`, No},
		{"AND", `{"customer_interests": ["rugby"], "price_usd": [{"numeric": [">", 100]}]}`, example, Yes},
		{"AND, one fails", `{"customer_interests": ["rugby"], "price_usd": [{"numeric": [">", 300]}]}`, example, No},
		{"$or", `{"$or": [{"store": ["other"]}, {"event": ["order_placed"]}]}`, example, Yes},
		{"$or, none", `{"$or": [{"store": ["other"]}, {"event": ["order_cancelled"]}]}`, example, No},
		{"$or beside a property", `{"store": ["example_corp"], "$or": [{"price_usd": [{"numeric": [">", 1000]}]}, {"event": ["order_placed"]}]}`, example, Yes},
		{"nested", `{"Trigger": {"Namespace": ["CISBenchmark"]}}`, `{"Trigger": {"MetricName": "m", "Namespace": "CISBenchmark"}}`, Yes},
		{"nested, other value", `{"Trigger": {"Namespace": ["AWS/EC2"]}}`, `{"Trigger": {"Namespace": "CISBenchmark"}}`, No},
		{"nested, not an object", `{"Trigger": {"Namespace": ["AWS/EC2"]}}`, `{"Trigger": "x"}`, No},
		{"boolean and null", `{"a": [true], "b": [null]}`, `{"a": true, "b": null}`, Yes},
	}
	for _, tt := range tests {
		var msg map[string]any
		if err := json.Unmarshal([]byte(tt.message), &msg); err != nil {
			t.Fatal(err)
		}
		if got := Decide(tt.policy, msg); got.Result != tt.want {
			t.Errorf("%s: %v (%s), want %v", tt.name, got.Result, got.Reason, tt.want)
		}
	}
}

func TestUnknown(t *testing.T) {
	unknown := map[string]any{UnknownKey: "unknown value"}
	tests := []struct {
		name, policy string
		message      map[string]any
		want         Result
		reason       string
	}{
		{"an operator not judged", `{"source_ip": [{"cidr": "10.0.0.0/24"}]}`, map[string]any{"source_ip": "10.0.0.1"}, Unknown, "cidr"},
		{"a value not known", `{"StateChangeTime": [{"prefix": "2026"}]}`, map[string]any{"StateChangeTime": unknown}, Unknown, "StateChangeTime"},
		{"exists on a value not known", `{"StateChangeTime": [{"exists": true}]}`, map[string]any{"StateChangeTime": unknown}, Yes, ""},
		{"a rejection decides beside an unknown", `{"AlarmName": ["other"], "StateChangeTime": [{"prefix": "2026"}]}`, map[string]any{"AlarmName": "mine", "StateChangeTime": unknown}, No, ""},
		{"a match beside an unknown in one list", `{"AlarmName": ["mine", {"cidr": "10.0.0.0/8"}]}`, map[string]any{"AlarmName": "mine"}, Yes, ""},
		{"a nested object not known", `{"Trigger": {"Namespace": ["x"]}}`, map[string]any{"Trigger": unknown}, Unknown, "Trigger"},
		{"not JSON", `{x`, map[string]any{}, Unknown, "not JSON"},
		{"not an object", `["a"]`, map[string]any{}, Unknown, "not a JSON object"},
		{"conditions not a list", `{"a": "b"}`, map[string]any{"a": "b"}, Unknown, "not a list"},
		{"a bad numeric", `{"a": [{"numeric": ["~", 1]}]}`, map[string]any{"a": 1.0}, Unknown, "numeric"},
		{"too deep", strings.Repeat(`{"a":`, MaxDepth+2) + `["x"]` + strings.Repeat(`}`, MaxDepth+2), map[string]any{}, No, ""},
	}
	for _, tt := range tests {
		got := Decide(tt.policy, tt.message)
		if got.Result != tt.want || !strings.Contains(got.Reason, tt.reason) {
			t.Errorf("%s: %v (%q), want %v naming %q", tt.name, got.Result, got.Reason, tt.want, tt.reason)
		}
	}
}

// A deep policy on a message as deep is cut off, said so.
func TestDepthBound(t *testing.T) {
	msg := map[string]any{}
	cur := msg
	for range MaxDepth + 2 {
		next := map[string]any{}
		cur["a"] = next
		cur = next
	}
	cur["a"] = "x"
	policy := strings.Repeat(`{"a":`, MaxDepth+3) + `["x"]` + strings.Repeat(`}`, MaxDepth+3)
	if got := Decide(policy, msg); got.Result != Unknown || !strings.Contains(got.Reason, "deeper") {
		t.Errorf("%v %q", got.Result, got.Reason)
	}
}
