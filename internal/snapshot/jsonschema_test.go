package snapshot

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// schema.json is a JSON Schema (2020-12) that a standard validator
// compiles, and it agrees with the reader: every example snapshot is valid
// under both, and edits the reader refuses for the schema's reasons (a
// field of the wrong type, a number out of range, an unknown key where none
// is allowed, a region code of the wrong form) the standard validator
// refuses too. The reader stays hand-written because it does what a JSON
// Schema cannot: refuse duplicate and case-folded keys, stream a gigabyte
// with bounded memory, and name the line and column.
func TestSchemaAgreesWithStandardValidator(t *testing.T) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(Schema))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("schema.json", doc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile("schema.json")
	if err != nil {
		t.Fatalf("schema.json does not compile as a JSON Schema: %v", err)
	}
	validate := func(data []byte) error {
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			return err
		}
		return schema.Validate(inst)
	}
	files, _ := filepath.Glob(filepath.Join("..", "..", "snapshots", "*.json"))
	if len(files) == 0 {
		t.Fatal("no example snapshots")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := validate(data); err != nil {
			t.Errorf("%s: the standard validator refuses it: %v", f, err)
		}
	}
	good, err := sample().Marshal()
	if err != nil {
		t.Fatal(err)
	}
	for _, edit := range [][2]string{
		{`"IsLogging": true`, `"IsLogging": "yes"`},
		{`"http_status": 403`, `"http_status": 4030`},
		{`"region": "us-east-1"`, `"region": "US East"`},
		{`"format_version": 1`, `"format_version": 1, "extra": true`},
	} {
		bad := strings.Replace(string(good), edit[0], edit[1], 1)
		if bad == string(good) {
			t.Fatalf("sample has no %s", edit[0])
		}
		if _, err := Decode("edited.json", []byte(bad)); err == nil {
			t.Errorf("the reader takes %s", edit[1])
		}
		if err := validate([]byte(bad)); err == nil {
			t.Errorf("the standard validator takes %s", edit[1])
		}
	}
}
