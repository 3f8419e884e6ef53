package awsarn

import "testing"

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want ARN
		ok   bool
	}{
		{"arn:aws:sns:us-east-1:111122223333:alerts", ARN{"aws", "sns", "us-east-1", "111122223333", "alerts"}, true},
		{"arn:aws:logs:eu-west-1:111122223333:log-group:a:b:*", ARN{"aws", "logs", "eu-west-1", "111122223333", "log-group:a:b:*"}, true},
		{"arn:aws-us-gov:cloudtrail:us-gov-west-1:111122223333:trail/main", ARN{"aws-us-gov", "cloudtrail", "us-gov-west-1", "111122223333", "trail/main"}, true},
		{"arn:aws:s3:::bucket", ARN{"aws", "s3", "", "", "bucket"}, true},
		{"alias/aws/sns", ARN{}, false},
		{"arn:aws:sns:us-east-1:111122223333", ARN{}, false},
		{"urn:aws:sns:us-east-1:111122223333:x", ARN{}, false},
		{"arn::sns:us-east-1:111122223333:x", ARN{}, false},
	}
	for _, tt := range tests {
		got, ok := Parse(tt.in)
		if ok != tt.ok || got != tt.want {
			t.Errorf("Parse(%q) = %+v, %v; want %+v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
		if ok && got.String() != tt.in {
			t.Errorf("Parse(%q).String() = %q", tt.in, got.String())
		}
	}
}

func TestLogGroup(t *testing.T) {
	tests := []struct {
		in                    string
		region, account, name string
		ok                    bool
	}{
		{"arn:aws:logs:us-east-1:111122223333:log-group:CloudTrail/DefaultLogGroup:*", "us-east-1", "111122223333", "CloudTrail/DefaultLogGroup", true},
		{"arn:aws:logs:us-east-1:111122223333:log-group:plain", "us-east-1", "111122223333", "plain", true},
		{"arn:aws:logs:us-east-1:111122223333:destination:x", "", "", "", false},
		{"arn:aws:sns:us-east-1:111122223333:log-group:x", "", "", "", false},
		{"arn:aws:logs::111122223333:log-group:x", "", "", "", false},
		{"arn:aws:logs:us-east-1:111122223333:log-group::*", "", "", "", false},
	}
	for _, tt := range tests {
		r, a, n, ok := LogGroup(tt.in)
		if r != tt.region || a != tt.account || n != tt.name || ok != tt.ok {
			t.Errorf("LogGroup(%q) = %q %q %q %v", tt.in, r, a, n, ok)
		}
	}
}
