package engine

import (
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
)

// cwlogs.filter_misses_as gives, for every pattern, what cwlogs.filter_misses
// gives on the events with the placeholder replaced in their JSON text (as
// the policies once did with json.marshal and replace), whether or not the
// pattern reads the id, and the same again from its caches; and
// cwlogs.filter_reads says a pattern reads the placeholder wherever that
// changes what it misses.
func TestFilterMissesAs(t *testing.T) {
	const placeholder, account = "111122223333", "210987654321"
	events := `[
		{"eventSource":"s3.amazonaws.com","eventName":"PutBucketPolicy","recipientAccountId":"111122223333","userIdentity":{"type":"Root","accountId":"111122223333","arn":"arn:aws:iam::111122223333:root"}},
		{"eventSource":"ec2.amazonaws.com","eventName":"CreateVpc","recipientAccountId":111122223333,"resources":[{"ARN":"arn:aws:ec2:us-east-1:111122223333:vpc/vpc-1"}]},
		{"eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","additionalEventData":{"MFAUsed":"No"},"111122223333":{"x":1}},
		"a raw message from 111122223333"
	]`
	patterns := []string{
		`{ $.eventSource = s3.amazonaws.com }`,
		`{ $.recipientAccountId = 111122223333 }`,
		`{ $.recipientAccountId = 210987654321 }`,
		`{ $.recipientAccountId = "2109*" }`,
		`{ ($.recipientAccountId = 210987654321) && ($.eventSource = ec2.amazonaws.com) }`,
		`{ $.userIdentity.arn = "arn:aws:iam::210987654321:root" }`,
		`{ $.resources[*].ARN = "*:210987654321:*" }`,
		`{ $.210987654321.x = 1 }`,
		`{ $.* = 210987654321 }`,
		`210987654321`,
		`%2109[0-9]+%`,
		`{ $.eventName = ConsoleLogin`,
	}
	parse := func(s string) *ast.Term {
		v, err := ast.ValueFromReader(strings.NewReader(s))
		if err != nil {
			t.Fatal(err)
		}
		return ast.NewTerm(v)
	}
	as := parse(events)
	replaced := parse(strings.ReplaceAll(events, placeholder, account))
	differ, read := 0, 0
	for _, src := range patterns {
		reads, err := filterReads(rego.BuiltinContext{}, ast.StringTerm(src), as, ast.StringTerm(placeholder))
		if err != nil {
			t.Fatal(err)
		}
		if reads.Value.(ast.Boolean) {
			read++
		}
		if same, _ := filterMisses(rego.BuiltinContext{}, ast.StringTerm(src), as); same != nil {
			if want, _ := filterMisses(rego.BuiltinContext{}, ast.StringTerm(src), replaced); !same.Equal(want) {
				differ++
				// cwlogs.filter_reads must say so: the policies judge a
				// pattern it says reads nothing once for every account.
				if !reads.Value.(ast.Boolean) {
					t.Errorf("%s: tells the placeholder from the account, but cwlogs.filter_reads says it reads no placeholder", src)
				}
			}
		}
		want, err := filterMisses(rego.BuiltinContext{}, ast.StringTerm(src), replaced)
		if err != nil {
			t.Fatal(err)
		}
		for round := range 2 {
			got, err := filterMissesAs(rego.BuiltinContext{}, ast.StringTerm(src), as, ast.StringTerm(placeholder), ast.StringTerm(account))
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(want) {
				t.Errorf("%s (round %d): misses %v, want %v", src, round+1, got, want)
			}
		}
	}
	if differ < 5 {
		t.Errorf("only %d patterns tell the placeholder from the account: the check proves little", differ)
	}
	if read == len(patterns) {
		t.Errorf("cwlogs.filter_reads says every pattern reads the placeholder: the policies would judge every pattern per account")
	}
}
