package collector

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/trailwatch/trailwatch/internal/snapshot"
)

// What decides whether a notification reaches a person is read too: each
// confirmed subscription's attributes (its filter policy), never a pending
// one's; endpoints in them are redacted like the listing's.
func TestSubscriptionAttributes(t *testing.T) {
	f := newFake()
	topic := "arn:aws:sns:ap-southeast-2:" + acct + ":alerts"
	f.subAttrs = map[string]map[string]string{topic + ":1": {"FilterPolicy": `{"AlarmName":["x"]}`, "FilterPolicyScope": "MessageBody"}}
	s := collectFake(t, f, Options{Regions: []string{"us-west-2"}})
	if got := f.called("GetSubscriptionAttributes"); !slices.Equal(got, []string{"ap-southeast-2"}) {
		t.Errorf("GetSubscriptionAttributes called in %v, want once, for the confirmed subscription", got)
	}
	subs := region(t, s, "ap-southeast-2").Topics[0].Subscriptions
	i := slices.IndexFunc(subs, func(s snapshot.Subscription) bool { return s.SubscriptionArn == topic+":1" })
	if i < 0 || subs[i].Attributes["FilterPolicyScope"] != "MessageBody" || subs[i].Attributes["Endpoint"] != Redacted {
		t.Errorf("confirmed subscription %+v", subs)
	}
	for _, sub := range subs {
		if sub.SubscriptionArn == "PendingConfirmation" && sub.Attributes != nil {
			t.Errorf("a pending subscription has attributes: %+v", sub)
		}
	}

	f = newFake()
	f.failures["GetSubscriptionAttributes ap-southeast-2"] = apiError("SNS", "GetSubscriptionAttributes", 403, "AuthorizationError", "not authorized")
	s = collectFake(t, f, Options{Regions: []string{"us-west-2"}})
	reg := region(t, s, "ap-southeast-2")
	if len(reg.Errors) != 1 || reg.Errors[0].Operation != "GetSubscriptionAttributes" || reg.Errors[0].Resource != topic+":1" {
		t.Errorf("failure not recorded with the subscription: %+v", reg.Errors)
	}
	if reg.Topics[0].Subscriptions[0].Attributes != nil {
		t.Error("a failed call left attributes")
	}
}

// A topic's KMS key is read in its account and region, by the name the
// topic gives it; AWS managed aliases need no call.
func TestTopicKeys(t *testing.T) {
	keyArn := "arn:aws:kms:ap-southeast-2:" + acct + ":key/1234abcd-12ab-34cd-56ef-1234567890ab"
	for _, tt := range []struct {
		name, reference string
		calls           int
	}{
		{"alias", "alias/security-alerts", 1},
		{"key id", "1234abcd-12ab-34cd-56ef-1234567890ab", 1},
		{"key ARN", keyArn, 1},
		{"AWS managed alias", "alias/aws/sns", 0},
		{"AWS managed alias ARN", "arn:aws:kms:ap-southeast-2:" + acct + ":alias/aws/sns", 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			topic := "arn:aws:sns:ap-southeast-2:" + acct + ":alerts"
			f.topics = map[string]map[string]string{topic: {"KmsMasterKeyId": tt.reference}}
			f.keys = map[string]kmstypes.KeyMetadata{"ap-southeast-2 " + tt.reference: {
				KeyId: aws.String("1234abcd-12ab-34cd-56ef-1234567890ab"), Arn: aws.String(keyArn), Enabled: true,
				KeyState: kmstypes.KeyStateEnabled, KeyManager: kmstypes.KeyManagerTypeCustomer,
			}}
			f.policies = map[string]string{keyArn: `{"Statement":[]}`}
			s := collectFake(t, f, Options{Regions: []string{"us-west-2"}})
			if got := len(f.called("DescribeKey")); got != tt.calls {
				t.Fatalf("DescribeKey called %d times, want %d", got, tt.calls)
			}
			keys := region(t, s, "ap-southeast-2").KMSKeys
			if tt.calls == 0 {
				if len(keys) != 0 {
					t.Errorf("keys %+v", keys)
				}
				return
			}
			if len(keys) != 1 || keys[0].Reference != tt.reference || keys[0].KeyMetadata == nil || keys[0].KeyMetadata.KeyManager != "CUSTOMER" ||
				keys[0].Policy == nil || *keys[0].Policy != `{"Statement":[]}` {
				t.Errorf("keys %+v", keys)
			}
		})
	}
}

// A key that cannot be described is recorded, with the reference; a key
// that does not exist is a NotFound answer.
func TestTopicKeyFailures(t *testing.T) {
	f := newFake()
	topic := "arn:aws:sns:ap-southeast-2:" + acct + ":alerts"
	f.topics = map[string]map[string]string{topic: {"KmsMasterKeyId": "alias/gone"}}
	s := collectFake(t, f, Options{Regions: []string{"us-west-2"}})
	reg := region(t, s, "ap-southeast-2")
	if len(reg.Errors) != 1 || reg.Errors[0].Operation != "DescribeKey" || reg.Errors[0].Resource != "alias/gone" || !reg.Errors[0].NotFound() {
		t.Errorf("errors %+v", reg.Errors)
	}
	if len(reg.KMSKeys) != 0 {
		t.Errorf("a missing key was recorded: %+v", reg.KMSKeys)
	}
}

// An alarm that notifies a topic in another account of the run (a central
// security account) has that topic read with that account's credentials,
// and its key too; a topic of an account the run does not hold is left.
func TestCentralTopicReadInItsAccount(t *testing.T) {
	member := newFake()
	central := "999999999999"
	centralTopic := "arn:aws:sns:us-west-2:" + central + ":security-alerts"
	member.alarms["us-west-2"] = [][]cwtypes.MetricAlarm{{{
		AlarmName: aws.String("a1"), ActionsEnabled: aws.Bool(true), AlarmActions: []string{centralTopic, "arn:aws:sns:us-west-2:888888888888:elsewhere"},
		MetricName: aws.String("f1"), Namespace: aws.String("CIS"),
	}}}
	security := &fake{
		account:  central,
		trails:   map[string][]cttypes.Trail{},
		alarms:   map[string][][]cwtypes.MetricAlarm{},
		subs:     map[string][][]snstypes.Subscription{centralTopic: {{{SubscriptionArn: aws.String(centralTopic + ":1"), Protocol: aws.String("email")}}}},
		topics:   map[string]map[string]string{centralTopic: {"KmsMasterKeyId": "alias/central"}},
		keys:     map[string]kmstypes.KeyMetadata{"us-west-2 alias/central": {KeyId: aws.String("k"), Arn: aws.String("arn:aws:kms:us-west-2:" + central + ":key/k"), Enabled: true, KeyState: kmstypes.KeyStateEnabled, KeyManager: kmstypes.KeyManagerTypeCustomer}},
		policies: map[string]string{"arn:aws:kms:us-west-2:" + central + ":key/k": `{"Statement":[]}`},
		failures: map[string]error{},
	}
	snap, _, err := Collect(context.Background(), []Target{{API: member}, {API: security, Account: central}}, Options{Regions: []string{"us-west-2"}, Concurrency: 4})
	if err != nil {
		t.Fatal(err)
	}
	if got := member.called("GetTopicAttributes"); len(got) != 0 {
		t.Errorf("the member read the central topic with its own credentials: %v", got)
	}
	if got := security.called("GetTopicAttributes"); !slices.Equal(got, []string{"us-west-2"}) {
		t.Errorf("the security account read topics in %v, want its own topic once", got)
	}
	var sec *snapshot.Account
	for i := range snap.Accounts {
		if snap.Accounts[i].AccountID == central {
			sec = &snap.Accounts[i]
		}
	}
	if sec == nil || len(sec.Regions) != 1 || len(sec.Regions[0].Topics) != 1 || len(sec.Regions[0].KMSKeys) != 1 {
		t.Fatalf("security account %+v", sec)
	}
	if sec.Regions[0].Topics[0].Subscriptions[0].Attributes == nil {
		t.Error("the central topic's subscriptions were not read whole")
	}
}
