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
// OPA marks non-deterministic), plus the project's own. The same snapshot
// gives the same verdict on every machine.
func Capabilities() *ast.Capabilities {
	caps := ast.CapabilitiesForThisVersion()
	caps.Builtins = slices.DeleteFunc(slices.Clone(caps.Builtins), func(b *ast.Builtin) bool {
		return b.Nondeterministic
	})
	caps.Builtins = append(caps.Builtins, astBuiltins()...)
	slices.SortFunc(caps.Builtins, func(a, b *ast.Builtin) int { return strings.Compare(a.Name, b.Name) })
	caps.AllowNet = []string{}
	return caps
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
