package filterpattern

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"
)

// The vectors gathered from AWS's documentation, API reference and CDK
// (testdata/aws-vectors.json, a copy of the project's reference file).
func TestAWSVectors(t *testing.T) {
	data, err := os.ReadFile("testdata/aws-vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var vectors []struct {
		ID       int    `json:"id"`
		Pattern  string `json:"pattern"`
		Event    string `json:"event"`
		Expected bool   `json:"expected"`
		Source   string `json:"source"`
	}
	if err := json.Unmarshal(data, &vectors); err != nil {
		t.Fatal(err)
	}
	if len(vectors) < 40 {
		t.Fatalf("only %d vectors read", len(vectors))
	}
	for _, v := range vectors {
		t.Run(fmt.Sprintf("%d", v.ID), func(t *testing.T) {
			p, err := Parse(v.Pattern)
			if err != nil {
				t.Fatalf("Parse(%q) (%s): %v", v.Pattern, v.Source, err)
			}
			if _, got := p.MatchMessage(v.Event); got != v.Expected {
				t.Errorf("pattern %q on %q = %v, want %v (%s)", v.Pattern, v.Event, got, v.Expected, v.Source)
			}
		})
	}
}
