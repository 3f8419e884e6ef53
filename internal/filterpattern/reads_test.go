package filterpattern

import (
	"encoding/json"
	"strings"
	"testing"
)

// A pattern that does not read a string matches the same events with that
// string replaced by another: Reads is safe to skip work on. Checked on
// every pattern of the test vectors against CloudTrail-like events that
// hold an account id in keys, strings and numbers.
func TestReadsIsSafe(t *testing.T) {
	const id, other = "111122223333", "444455556666"
	raw := []string{
		`{"eventSource":"s3.amazonaws.com","eventName":"PutBucketPolicy","recipientAccountId":"111122223333","userIdentity":{"type":"Root","accountId":"111122223333","arn":"arn:aws:iam::111122223333:root"}}`,
		`{"eventSource":"ec2.amazonaws.com","eventName":"CreateVpc","recipientAccountId":111122223333,"resources":[{"ARN":"arn:aws:ec2:us-east-1:111122223333:vpc/vpc-1"}]}`,
		`{"eventName":"ConsoleLogin","additionalEventData":{"MFAUsed":"No"},"111122223333":{"x":1},"errorCode":"AccessDenied"}`,
	}
	patterns := []string{
		`{ $.eventSource = s3.amazonaws.com }`,
		`{ $.recipientAccountId = 111122223333 }`,
		`{ $.recipientAccountId = "1111*" }`,
		`{ $.recipientAccountId > 111122223332 }`,
		`{ $.userIdentity.accountId != 444455556666 && $.eventName = PutBucketPolicy }`,
		`{ $.resources[*].ARN = "*:111122223333:*" }`,
		`{ $.resources[0].ARN = "arn:aws:ec2:*" }`,
		`{ $.* = * }`,
		`{ $.111122223333.x = 1 }`,
		`{ $.additionalEventData.MFAUsed != "Yes" }`,
		`{ ($.eventName = ConsoleLogin) || ($.errorCode = "*UnauthorizedOperation") }`,
		`111122223333`,
		`"111122223333"`,
		`%1111[0-9]+%`,
		`[a, b, c]`,
		``,
	}
	for _, src := range patterns {
		p, err := Parse(src)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		for _, r := range raw {
			var ev, replaced any
			dec := json.NewDecoder(strings.NewReader(r))
			dec.UseNumber()
			if err := dec.Decode(&ev); err != nil {
				t.Fatal(err)
			}
			dec = json.NewDecoder(strings.NewReader(strings.ReplaceAll(r, id, other)))
			dec.UseNumber()
			if err := dec.Decode(&replaced); err != nil {
				t.Fatal(err)
			}
			if p.Reads(ev, id) {
				continue
			}
			if a, b := p.MatchEvent(ev), p.MatchEvent(replaced); a != b {
				t.Errorf("%s on %s: Reads says the id is not read, yet the match changes (%v, %v)", src, r, a, b)
			}
		}
	}
	// And it is not vacuous: a pattern that selects the id reads it, one
	// that selects other fields does not.
	var ev any
	json.Unmarshal([]byte(raw[0]), &ev)
	if !MustParse(`{ $.recipientAccountId = 1 }`).Reads(ev, id) {
		t.Error("a selector of the id does not read it")
	}
	if MustParse(`{ $.eventSource = s3.amazonaws.com }`).Reads(ev, id) {
		t.Error("a selector of eventSource reads the id")
	}
}
