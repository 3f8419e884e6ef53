package filterpattern

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// The CIS 4.4 pattern: 16 clauses on eventName.
var cis44 = "{" + strings.Join([]string{
	"($.eventName=DeleteGroupPolicy)", "($.eventName=DeleteRolePolicy)", "($.eventName=DeleteUserPolicy)",
	"($.eventName=PutGroupPolicy)", "($.eventName=PutRolePolicy)", "($.eventName=PutUserPolicy)",
	"($.eventName=CreatePolicy)", "($.eventName=DeletePolicy)", "($.eventName=CreatePolicyVersion)",
	"($.eventName=DeletePolicyVersion)", "($.eventName=AttachRolePolicy)", "($.eventName=DetachRolePolicy)",
	"($.eventName=AttachUserPolicy)", "($.eventName=DetachUserPolicy)", "($.eventName=AttachGroupPolicy)",
	"($.eventName=DetachGroupPolicy)",
}, "||") + "}"

func loadRecord(b *testing.B) (string, any) {
	data, err := os.ReadFile("testdata/cloudtrail-record.json")
	if err != nil {
		b.Fatal(err)
	}
	text := string(bytes.TrimSpace(data))
	var ev any
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	if err := dec.Decode(&ev); err != nil {
		b.Fatal(err)
	}
	return text, ev
}

// The record is a StopLogging call: the five-event pattern matches it on
// its last clause, the CIS 4.4 pattern tries all 16 clauses and misses.
func BenchmarkMatch(b *testing.B) {
	text, ev := loadRecord(b)
	for _, bc := range []struct {
		name, pattern string
		want          bool
	}{
		{"cis4.5-five-events", cis45, true},
		{"cis4.4-16-clauses", cis44, false},
	} {
		p := MustParse(bc.pattern)
		b.Run(bc.name+"/parsed-event", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if p.MatchEvent(ev) != bc.want {
					b.Fatal("wrong answer")
				}
			}
		})
		b.Run(bc.name+"/raw-json", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				if _, m := p.MatchMessage(text); m != bc.want {
					b.Fatal("wrong answer")
				}
			}
		})
	}
}

func BenchmarkParse(b *testing.B) {
	for _, bc := range []struct{ name, pattern string }{{"cis4.5", cis45}, {"cis4.4", cis44}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse(bc.pattern); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
