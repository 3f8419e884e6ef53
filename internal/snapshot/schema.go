package snapshot

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Schema is the JSON Schema (2020-12) of format version 1. It is the
// single description of the format: Read validates every snapshot against
// it, so the schema and the reader cannot drift apart.
//
//go:embed schema.json
var Schema []byte

// The subset of JSON Schema the validator understands; schema_test.go fails
// if schema.json uses any other keyword.
var supportedKeywords = []string{
	"$schema", "$id", "$defs", "$ref", "title", "description",
	"type", "properties", "required", "additionalProperties", "items",
	"enum", "const", "pattern",
}

type schemaNode map[string]any

var (
	schemaOnce sync.Once
	schemaRoot schemaNode
	schemaErr  error
	patterns   sync.Map // string -> *regexp.Regexp
)

func loadSchema() (schemaNode, error) {
	schemaOnce.Do(func() {
		schemaErr = json.Unmarshal(Schema, &schemaRoot)
	})
	return schemaRoot, schemaErr
}

// validate checks doc against the schema and returns the first problem
// found, walking object members in sorted order so the answer is stable.
func validate(doc any) *pathError {
	root, err := loadSchema()
	if err != nil {
		return &pathError{path: "$", msg: "the embedded schema does not parse: " + err.Error()}
	}
	return (&validator{root: root}).check(root, doc, "$")
}

type pathError struct {
	path string
	msg  string
}

type validator struct{ root schemaNode }

func (v *validator) resolve(s schemaNode) schemaNode {
	for {
		ref, ok := s["$ref"].(string)
		if !ok {
			return s
		}
		name := strings.TrimPrefix(ref, "#/$defs/")
		defs, _ := v.root["$defs"].(map[string]any)
		next, _ := defs[name].(map[string]any)
		s = next
	}
}

func (v *validator) check(s schemaNode, x any, path string) *pathError {
	s = v.resolve(s)
	if c, ok := s["const"]; ok && !jsonEqual(c, x) {
		return &pathError{path, fmt.Sprintf("want %s, found %s", render(c), render(x))}
	}
	if e, ok := s["enum"].([]any); ok && !slices.ContainsFunc(e, func(c any) bool { return jsonEqual(c, x) }) {
		var opts []string
		for _, c := range e {
			opts = append(opts, render(c))
		}
		return &pathError{path, fmt.Sprintf("want one of %s, found %s", strings.Join(opts, ", "), render(x))}
	}
	if t, ok := s["type"].(string); ok && !hasType(x, t) {
		return &pathError{path, fmt.Sprintf("want %s, found %s", article(t), describe(x))}
	}
	switch val := x.(type) {
	case string:
		if p, ok := s["pattern"].(string); ok {
			re, _ := patterns.Load(p)
			if re == nil {
				re = regexp.MustCompile(p)
				patterns.Store(p, re)
			}
			if !re.(*regexp.Regexp).MatchString(val) {
				return &pathError{path, fmt.Sprintf("%q does not have the form %s", val, p)}
			}
		}
	case []any:
		if items, ok := s["items"].(map[string]any); ok {
			for i, e := range val {
				if err := v.check(items, e, path+"["+strconv.Itoa(i)+"]"); err != nil {
					return err
				}
			}
		}
	case map[string]any:
		if req, ok := s["required"].([]any); ok {
			for _, r := range req {
				if _, present := val[r.(string)]; !present {
					return &pathError{path, fmt.Sprintf("the required field %q is missing", r)}
				}
			}
		}
		props, _ := s["properties"].(map[string]any)
		keys := make([]string, 0, len(val))
		for k := range val {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			sub := memberPath(path, k)
			if ps, ok := props[k].(map[string]any); ok {
				if err := v.check(ps, val[k], sub); err != nil {
					return err
				}
				continue
			}
			switch ap := s["additionalProperties"].(type) {
			case bool:
				if !ap {
					return &pathError{sub, fmt.Sprintf("unknown field %q", k)}
				}
			case map[string]any:
				if err := v.check(ap, val[k], sub); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

var plainKey = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func memberPath(path, key string) string {
	if plainKey.MatchString(key) {
		return path + "." + key
	}
	return path + "[" + strconv.Quote(key) + "]"
}

func hasType(x any, t string) bool {
	switch t {
	case "object":
		_, ok := x.(map[string]any)
		return ok
	case "array":
		_, ok := x.([]any)
		return ok
	case "string":
		_, ok := x.(string)
		return ok
	case "boolean":
		_, ok := x.(bool)
		return ok
	case "number":
		_, ok := x.(json.Number)
		return ok
	case "integer":
		n, ok := x.(json.Number)
		if !ok {
			return false
		}
		_, err := strconv.ParseInt(string(n), 10, 64)
		return err == nil
	case "null":
		return x == nil
	}
	return false
}

func describe(x any) string {
	switch v := x.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string " + clip(strconv.Quote(v))
	case bool:
		return "a boolean " + strconv.FormatBool(v)
	case json.Number:
		return "the number " + string(v)
	}
	return fmt.Sprintf("%T", x)
}

func article(t string) string {
	switch t {
	case "object", "array", "integer":
		return "an " + t
	}
	return "a " + t
}

func render(x any) string {
	b, err := json.Marshal(x)
	if err != nil {
		return fmt.Sprint(x)
	}
	return clip(string(b))
}

func clip(s string) string {
	if len(s) > 60 {
		return s[:57] + "..."
	}
	return s
}

func jsonEqual(a, b any) bool {
	if n, ok := b.(json.Number); ok {
		if f, ok := a.(float64); ok {
			g, err := n.Float64()
			return err == nil && f == g
		}
	}
	return render(a) == render(b)
}
