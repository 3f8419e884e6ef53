package report_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/trailwatch/trailwatch/internal/report"
)

// ocsfSchema reads the OCSF schema's own definitions (vendored from the
// ocsf/ocsf-schema repository at tag 1.8.0 into testdata/schemas): a class
// with what it extends and the profiles an event applies, the objects, and
// the dictionary's types. It is what checks events against the class
// definition, not a copy of the renderer's assumptions.
type ocsfSchema struct {
	dir   string
	dict  map[string]ocsfAttr
	types map[string]struct {
		Type string `json:"type"`
	}
}

type ocsfDef struct {
	Name        string                     `json:"name"`
	UID         int                        `json:"uid"`
	Category    string                     `json:"category"`
	Extends     string                     `json:"extends"`
	Attributes  map[string]json.RawMessage `json:"attributes"`
	Constraints struct {
		AtLeastOne []string `json:"at_least_one"`
		JustOne    []string `json:"just_one"`
	} `json:"constraints"`
}

type ocsfAttr struct {
	Type        string                     `json:"type"`
	IsArray     bool                       `json:"is_array"`
	Requirement string                     `json:"requirement"`
	Enum        map[string]json.RawMessage `json:"enum"`
}

func loadOCSF(t *testing.T) *ocsfSchema {
	t.Helper()
	s := &ocsfSchema{dir: filepath.Join("testdata", "schemas", "ocsf-"+report.OCSFVersion)}
	var dict struct {
		Attributes map[string]ocsfAttr `json:"attributes"`
		Types      struct {
			Attributes map[string]struct {
				Type string `json:"type"`
			} `json:"attributes"`
		} `json:"types"`
	}
	s.read(t, "dictionary.json", &dict)
	s.dict, s.types = dict.Attributes, dict.Types.Attributes
	return s
}

func (s *ocsfSchema) read(t *testing.T, name string, v any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(s.dir, name))
	if err != nil {
		t.Fatalf("OCSF schema: %v", err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("OCSF schema %s: %v", name, err)
	}
}

// attributes merges a definition's attributes with those of what it
// extends (the definition's own win), and with those of the profiles
// given that it includes.
func (s *ocsfSchema) attributes(t *testing.T, dir, name string, profiles []string) (map[string]ocsfAttr, ocsfDef) {
	t.Helper()
	var def ocsfDef
	path := filepath.Join(dir, name+".json")
	if _, err := os.Stat(filepath.Join(s.dir, path)); err != nil && dir == "events/findings" {
		path = filepath.Join("events", name+".json")
	}
	s.read(t, path, &def)
	attrs := map[string]ocsfAttr{}
	if def.Extends != "" && def.Extends != "object" {
		attrs, _ = s.attributes(t, dir, def.Extends, profiles)
	}
	for k, raw := range def.Attributes {
		if k == "$include" {
			var includes []string
			if err := json.Unmarshal(raw, &includes); err != nil {
				t.Fatal(err)
			}
			for _, inc := range includes {
				profile := strings.TrimSuffix(filepath.Base(inc), ".json")
				if !slices.Contains(profiles, profile) {
					continue
				}
				var p ocsfDef
				s.read(t, inc, &p)
				for pk, praw := range p.Attributes {
					attrs[pk] = merge(t, attrs[pk], praw)
				}
			}
			continue
		}
		attrs[k] = merge(t, attrs[k], raw)
	}
	return attrs, def
}

func merge(t *testing.T, base ocsfAttr, raw json.RawMessage) ocsfAttr {
	var over ocsfAttr
	if err := json.Unmarshal(raw, &over); err != nil {
		t.Fatal(err)
	}
	if over.Requirement != "" {
		base.Requirement = over.Requirement
	}
	if over.Enum != nil {
		base.Enum = over.Enum
	}
	if over.Type != "" {
		base.Type = over.Type
	}
	return base
}

// check validates value against the attributes of a class or object,
// appending what is wrong to problems, with the path.
func (s *ocsfSchema) check(t *testing.T, path string, value map[string]any, attrs map[string]ocsfAttr, def ocsfDef, problems *[]string) {
	for name, a := range attrs {
		if _, ok := value[name]; !ok && a.Requirement == "required" {
			*problems = append(*problems, fmt.Sprintf("%s.%s: required, missing", path, name))
		}
	}
	present := 0
	for _, name := range def.Constraints.AtLeastOne {
		if _, ok := value[name]; ok {
			present++
		}
	}
	if len(def.Constraints.AtLeastOne) > 0 && present == 0 {
		*problems = append(*problems, fmt.Sprintf("%s: needs at least one of %v", path, def.Constraints.AtLeastOne))
	}
	for name, v := range value {
		a, ok := attrs[name]
		if !ok {
			*problems = append(*problems, fmt.Sprintf("%s.%s: not an attribute of %s", path, name, def.Name))
			continue
		}
		d := s.dict[name]
		typ := firstOf(a.Type, d.Type)
		enum := a.Enum
		if enum == nil {
			enum = d.Enum
		}
		if d.IsArray {
			arr, ok := v.([]any)
			if !ok {
				*problems = append(*problems, fmt.Sprintf("%s.%s: want an array of %s", path, name, typ))
				continue
			}
			for i, e := range arr {
				s.checkValue(t, fmt.Sprintf("%s.%s[%d]", path, name, i), typ, enum, e, problems)
			}
			continue
		}
		if name == "class_uid" || name == "category_uid" || name == "type_uid" {
			// Their enums are the schema's classes, checked by the caller.
			enum = nil
		}
		s.checkValue(t, path+"."+name, typ, enum, v, problems)
	}
}

func (s *ocsfSchema) checkValue(t *testing.T, path, typ string, enum map[string]json.RawMessage, v any, problems *[]string) {
	base := typ
	for i := 0; i < 3; i++ {
		if tt, ok := s.types[base]; ok && tt.Type != "" {
			base = tt.Type
		}
	}
	bad := func(want string) {
		*problems = append(*problems, fmt.Sprintf("%s: %v is not %s (%s)", path, v, want, typ))
	}
	switch base {
	case "string_t":
		if _, ok := v.(string); !ok {
			bad("a string")
		}
	case "integer_t", "long_t":
		n, ok := v.(float64)
		if !ok || n != float64(int64(n)) {
			bad("an integer")
		} else if enum != nil {
			if _, ok := enum[strconv.FormatInt(int64(n), 10)]; !ok {
				*problems = append(*problems, fmt.Sprintf("%s: %v is not one of its enum values", path, v))
			}
		}
	case "boolean_t":
		if _, ok := v.(bool); !ok {
			bad("a boolean")
		}
	case "float_t":
		if _, ok := v.(float64); !ok {
			bad("a number")
		}
	case "json_t":
	default:
		obj, ok := v.(map[string]any)
		if !ok {
			bad("an object")
			return
		}
		attrs, def := s.attributes(t, "objects", typ, nil)
		s.check(t, path, obj, attrs, def, problems)
	}
}

func firstOf(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// Every example renders to OCSF events that the Compliance Finding class
// definition accepts: each attribute the class (with what it extends and
// the cloud profile the events declare) or its objects mark required is
// there, every attribute is one the class defines, with the dictionary's
// type, and enumerated ids are values of their enum; class_uid, category
// and type_uid are the schema's numbers.
func TestOCSF(t *testing.T) {
	s := loadOCSF(t)
	var class ocsfDef
	s.read(t, "events/findings/compliance_finding.json", &class)
	var categories struct {
		Attributes map[string]struct {
			UID int `json:"uid"`
		} `json:"attributes"`
	}
	s.read(t, "categories.json", &categories)
	var finding ocsfDef
	s.read(t, "events/findings/finding.json", &finding)
	classUID := categories.Attributes[finding.Category].UID*1000 + class.UID
	for name, data := range render(t, "ocsf", ".json") {
		var events []map[string]any
		if err := json.Unmarshal(data, &events); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(events) != len(exampleReports(t)[name].Results) {
			t.Errorf("%s: %d events for %d results", name, len(events), len(exampleReports(t)[name].Results))
		}
		for i, e := range events {
			var profiles []string
			if md, ok := e["metadata"].(map[string]any); ok {
				for _, p := range md["profiles"].([]any) {
					profiles = append(profiles, p.(string))
				}
			}
			attrs, def := s.attributes(t, "events/findings", "compliance_finding", profiles)
			var problems []string
			s.check(t, fmt.Sprintf("%s[%d]", name, i), e, attrs, def, &problems)
			if e["class_uid"] != float64(classUID) || e["category_uid"] != float64(categories.Attributes[finding.Category].UID) ||
				e["type_uid"] != float64(classUID*100)+e["activity_id"].(float64) {
				problems = append(problems, fmt.Sprintf("%s[%d]: class_uid %v category_uid %v type_uid %v; the class is %d", name, i, e["class_uid"], e["category_uid"], e["type_uid"], classUID))
			}
			for _, p := range problems {
				t.Error(p)
			}
		}
	}
}
