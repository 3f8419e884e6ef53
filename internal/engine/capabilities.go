package engine

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
)

// Capabilities is what policies may use: OPA's built-ins minus every one
// that reaches the network, reads the clock or draws random numbers (those
// OPA marks non-deterministic) and minus those that read the clock, the
// local time zone or the machine's time-zone database without saying so
// (machineDependent), plus the project's own. The same snapshot gives the
// same verdict on every machine.
func Capabilities() *ast.Capabilities {
	caps := ast.CapabilitiesForThisVersion()
	caps.Builtins = slices.DeleteFunc(slices.Clone(caps.Builtins), func(b *ast.Builtin) bool {
		return b.Nondeterministic || machineDependent[b.Name]
	})
	caps.Builtins = append(caps.Builtins, astBuiltins()...)
	slices.SortFunc(caps.Builtins, func(a, b *ast.Builtin) int { return strings.Compare(a.Name, b.Name) })
	caps.AllowNet = []string{}
	return caps
}

// machineDependent are built-ins OPA counts as deterministic whose result
// still depends on the machine that runs them:
//
//   - time.clock, time.date, time.weekday, time.format, time.add_date and
//     time.diff take a time zone, "Local" among them (the machine's zone),
//     and any other name is looked up in the machine's time-zone database;
//   - time.parse_ns resolves a zone abbreviation such as "EST" by the
//     machine's zone when that zone uses it;
//   - crypto.x509.parse_and_verify_certificates (and _with_options, unless
//     given a time) check expiry against the wall clock.
//
// Time arithmetic stays possible on nanoseconds in UTC:
// time.parse_rfc3339_ns and time.parse_duration_ns are kept.
var machineDependent = map[string]bool{
	"time.clock":    true,
	"time.date":     true,
	"time.weekday":  true,
	"time.format":   true,
	"time.add_date": true,
	"time.diff":     true,
	"time.parse_ns": true,
	"crypto.x509.parse_and_verify_certificates":              true,
	"crypto.x509.parse_and_verify_certificates_with_options": true,
}

// CapabilitiesJSON renders Capabilities for `opa check --capabilities` and
// Regal. allow_net is written as an explicit empty list: omitted, it would
// mean "any host".
func CapabilitiesJSON() ([]byte, error) {
	caps := Capabilities()
	raw, err := json.Marshal(caps)
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, err
	}
	doc["allow_net"] = []string{}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
