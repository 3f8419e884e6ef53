package filterpattern

import (
	"encoding/json"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"
)

// referenceDecode is encoding/json's reading of a message, the oracle the
// hand-written decoder is held to.
func referenceDecode(msg string) (any, bool) {
	dec := json.NewDecoder(strings.NewReader(msg))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, false
	}
	return v, true
}

var decodeCases = []string{
	`{}`, `[]`, `  {"a": 1}  `, `{"a":[1,2,{"b":null}],"c":true,"d":false}`,
	`"x"`, `0`, `-0.5e+10`, `1E3`, `12`, `-`, `01`, `1.`, `.5`, `1e`, `+1`, `NaN`,
	`{"a":"\u00e9\n\t\"\\\/"}`, `{"a":"\ud83d\ude00"}`, `{"a":"\ud83d"}`, `{"a":"\ud83dx"}`, `{"a":"\ude00\ud83d"}`,
	`{"a":"bad \x"}`, `{"a":"ctl ` + "\x01" + `"}`, "{\"a\":\"\xff\xfe\"}", "\"caf\xc3\xa9\"",
	`{"a":1,}`, `[1,]`, `{"a" 1}`, `{a:1}`, `{"a":1}}`, `{"a":1} x`, `[1 2]`, `{"a":1,"a":2}`,
	`tru`, `nul`, `falsey`, ``, `   `, `{"a":"unterminated`, `"\u12"`, `"\u12G4"`,
	strings.Repeat("[", 10001) + strings.Repeat("]", 10001),
	strings.Repeat("[", 100) + strings.Repeat("]", 100),
}

func TestDecodeEventMatchesEncodingJSON(t *testing.T) {
	record, err := os.ReadFile("testdata/cloudtrail-record.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range append(decodeCases, string(record), stopLogging) {
		got, gotOK := decodeEvent(c)
		want, wantOK := referenceDecode(c)
		if gotOK != wantOK || !reflect.DeepEqual(got, want) {
			t.Errorf("decodeEvent(%.60q) = %.60v %v; encoding/json: %.60v %v", c, got, gotOK, want, wantOK)
		}
	}
}

// FuzzDecodeEvent holds the decoder to encoding/json on any input.
func FuzzDecodeEvent(f *testing.F) {
	for _, c := range decodeCases[:len(decodeCases)-2] {
		f.Add(c)
	}
	f.Add(stopLogging)
	f.Fuzz(func(t *testing.T, msg string) {
		got, gotOK := decodeEvent(msg)
		want, wantOK := referenceDecode(msg)
		if gotOK != wantOK || !reflect.DeepEqual(got, want) {
			t.Fatalf("decodeEvent(%q) = %#v %v; encoding/json: %#v %v", msg, got, gotOK, want, wantOK)
		}
	})
}
