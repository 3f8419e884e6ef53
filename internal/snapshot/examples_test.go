package snapshot

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/trailwatch/trailwatch/internal/fileio"
	"github.com/trailwatch/trailwatch/internal/golden"
)

// The example snapshots in snapshots/ are generated here from one compliant
// account, as the benchmark's remediation leaves it, each example breaking
// one link. go test ./internal/snapshot -run TestExamples -update rewrites
// them; without -update the test fails when a file differs from what this
// code generates.
const (
	exAccount      = "111122223333"
	exRegion       = "us-east-1"
	exTrailARN     = "arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events"
	exLogGroup     = "aws-cloudtrail-logs-111122223333"
	exTopic        = "arn:aws:sns:us-east-1:111122223333:security-alerts"
	exSubscription = exTopic + ":6f1d2c3b-4a5e-4f60-8b7c-9d0e1f2a3b4c"
	exKey          = "arn:aws:kms:us-east-1:111122223333:key/3f9c2b1a-5d4e-4a6f-9b8c-7d6e5f4a3b2c"
	exTrailKey     = "arn:aws:kms:us-east-1:111122223333:key/8e7d6c5b-4a39-4281-9f0e-1d2c3b4a5968"
	exBucket       = "audit-logs-111122223333"
)

// defaultTopicPolicy is the policy SNS gives a new topic: its owner's
// account may act on it, publish included.
func defaultTopicPolicy(topic, owner string) string {
	return `{"Version":"2008-10-17","Id":"__default_policy_ID","Statement":[{"Sid":"__default_statement_ID","Effect":"Allow","Principal":{"AWS":"*"},` +
		`"Action":["SNS:GetTopicAttributes","SNS:SetTopicAttributes","SNS:AddPermission","SNS:RemovePermission","SNS:DeleteTopic","SNS:Subscribe","SNS:ListSubscriptionsByTopic","SNS:Publish"],` +
		`"Resource":"` + topic + `","Condition":{"StringEquals":{"AWS:SourceOwner":"` + owner + `"}}}]}`
}

// encrypt makes the topic use a customer managed key whose policy is the
// account's own statement plus extra.
func encrypt(s *Snapshot, extra string) {
	tp := &home(s).Topics[0]
	tp.Attributes["KmsMasterKeyId"] = "alias/security-alerts"
	policy := `{"Version":"2012-10-17","Id":"key-default-1","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}` + extra + `]}`
	home(s).KMSKeys = []KMSKey{{
		Reference: "alias/security-alerts",
		KeyMetadata: &KeyMetadata{
			KeyId: "3f9c2b1a-5d4e-4a6f-9b8c-7d6e5f4a3b2c", Arn: exKey, AWSAccountId: exAccount, Enabled: true,
			KeyState: "Enabled", KeyManager: "CUSTOMER", KeyUsage: "ENCRYPT_DECRYPT", KeySpec: "SYMMETRIC_DEFAULT",
			Description: "security alerts topic",
		},
		Policy: &policy,
	}}
}

// section is the CIS monitoring section as the benchmark's remediation
// sets it up (the newest version's patterns): one metric filter per
// control, each publishing a metric of its name to CISBenchmark.
var section = []struct{ name, pattern string }{
	{"CloudTrailConfigChanges", `{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }`},
	{"CMKDisableOrDeletion", `{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)) }`},
	{"AWSConfigChanges", `{ ($.eventSource = config.amazonaws.com) && (($.eventName=StopConfigurationRecorder)||($.eventName=DeleteDeliveryChannel)||($.eventName=PutDeliveryChannel)||($.eventName=PutConfigurationRecorder)) }`},
	{"ConsoleAuthenticationFailures", `{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }`},
	{"ConsoleSigninWithoutMFA", `{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }`},
	{"IAMPolicyChanges", `{ ($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy) }`},
	{"NACLChanges", `{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }`},
	{"NetworkGatewayChanges", `{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }`},
	{"OrganizationsChanges", `{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = AcceptHandshake) || ($.eventName = AttachPolicy) || ($.eventName = CreateAccount) || ($.eventName = CreateOrganizationalUnit) || ($.eventName = CreatePolicy) || ($.eventName = DeclineHandshake) || ($.eventName = DeleteOrganization) || ($.eventName = DeleteOrganizationalUnit) || ($.eventName = DeletePolicy) || ($.eventName = DetachPolicy) || ($.eventName = DisablePolicyType) || ($.eventName = EnablePolicyType) || ($.eventName = InviteAccountToOrganization) || ($.eventName = LeaveOrganization) || ($.eventName = MoveAccount) || ($.eventName = RemoveAccountFromOrganization) || ($.eventName = UpdatePolicy) || ($.eventName = UpdateOrganizationalUnit)) }`},
	{"RootAccountUsage", `{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }`},
	{"RouteTableChanges", `{ ($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable) }`},
	{"S3BucketPolicyChanges", `{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }`},
	{"SecurityGroupChanges", `{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) || ($.eventName = ModifySecurityGroupRules) }`},
	{"UnauthorizedAPICalls", `{ ($.errorCode =*UnauthorizedOperation) || ($.errorCode =AccessDenied*) && ($.sourceIPAddress!=delivery.logs.amazonaws.com) && ($.eventName!=HeadBucket) }`},
	{"VPCChanges", `{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }`},
}

func compliant() *Snapshot {
	return &Snapshot{
		FormatVersion: FormatVersion,
		Generator:     "trailwatch example",
		CollectedAt:   "2026-11-20T10:00:00Z",
		Accounts: []Account{{
			AccountID: exAccount,
			CallerArn: "arn:aws:sts::111122223333:assumed-role/SecurityAudit/trailwatch",
			Regions: []Region{
				{
					Region: exRegion,
					Trails: []Trail{{
						Name:                       "management-events",
						TrailARN:                   exTrailARN,
						HomeRegion:                 exRegion,
						IsMultiRegionTrail:         true,
						IncludeGlobalServiceEvents: true,
						LogFileValidationEnabled:   true,
						HasCustomEventSelectors:    true,
						S3BucketName:               exBucket,
						KmsKeyId:                   exTrailKey,
						CloudWatchLogsLogGroupArn:  "arn:aws:logs:us-east-1:111122223333:log-group:" + exLogGroup + ":*",
						CloudWatchLogsRoleArn:      "arn:aws:iam::111122223333:role/CloudTrailToCloudWatchLogs",
						GetTrailStatus: &TrailStatus{
							IsLogging:                        true,
							LatestDeliveryTime:               "2026-11-20T09:55:00Z",
							LatestCloudWatchLogsDeliveryTime: "2026-11-20T09:55:00Z",
							StartLoggingTime:                 "2026-01-05T08:00:00Z",
						},
						GetEventSelectors: &EventSelectors{EventSelectors: []EventSelector{
							{ReadWriteType: "All", IncludeManagementEvents: true},
							{ReadWriteType: "All", DataResources: []DataResource{{Type: "AWS::S3::Object", Values: []string{"arn:aws:s3"}}}},
						}},
					}},
					KMSKeys: []KMSKey{{Reference: exTrailKey, KeyMetadata: &KeyMetadata{
						KeyId: "8e7d6c5b-4a39-4281-9f0e-1d2c3b4a5968", Arn: exTrailKey, AWSAccountId: exAccount,
						Enabled: true, KeyState: "Enabled", KeyManager: "CUSTOMER", KeyUsage: "ENCRYPT_DECRYPT", KeySpec: "SYMMETRIC_DEFAULT",
						Description: "CloudTrail log files",
					}}},
					LogGroups:    []LogGroup{{LogGroupName: exLogGroup, MetricFilters: sectionFilters()}},
					MetricAlarms: sectionAlarms(),
					Topics: []Topic{{
						TopicArn: exTopic,
						Attributes: map[string]string{
							"TopicArn": exTopic, "Owner": exAccount, "DisplayName": "",
							"SubscriptionsConfirmed": "1", "SubscriptionsPending": "0", "SubscriptionsDeleted": "0",
							"Policy": defaultTopicPolicy(exTopic, exAccount),
						},
						Subscriptions: []Subscription{{
							SubscriptionArn: exSubscription,
							Protocol:        "email",
							Endpoint:        "<redacted>",
							Owner:           exAccount,
							TopicArn:        exTopic,
							Attributes: map[string]string{
								"SubscriptionArn": exSubscription, "TopicArn": exTopic, "Owner": exAccount,
								"Protocol": "email", "Endpoint": "<redacted>", "PendingConfirmation": "false",
								"ConfirmationWasAuthenticated": "false", "RawMessageDelivery": "false",
							},
						}},
					}},
				},
				{Region: "eu-west-1"},
			},
			S3Buckets: []S3Bucket{{
				Name: exBucket, Owned: true, Region: exRegion,
				GetBucketAcl: &BucketAcl{
					Owner:  &Grantee{ID: exCanonicalUser},
					Grants: []Grant{{Grantee: Grantee{Type: "CanonicalUser", ID: exCanonicalUser}, Permission: "FULL_CONTROL"}},
				},
				GetBucketPolicyStatus: &BucketPolicyStatus{PolicyStatus: &PolicyStatus{IsPublic: false}},
				GetPublicAccessBlock:  allBlocked(),
				GetBucketLogging:      &BucketLogging{LoggingEnabled: &LoggingEnabled{TargetBucket: "s3-access-logs-111122223333", TargetPrefix: exBucket + "/"}},
			}},
			S3PublicAccessBlock: allBlocked(),
		}},
	}
}

// exCanonicalUser is the account's canonical user id, as S3 ACLs name it.
const exCanonicalUser = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"

func allBlocked() *PublicAccessBlockAnswer {
	return &PublicAccessBlockAnswer{PublicAccessBlockConfiguration: &PublicAccessBlock{
		BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true,
	}}
}

// bucket is the trail's bucket as its owner read it.
func bucket(s *Snapshot) *S3Bucket { return &s.Accounts[0].S3Buckets[0] }

// The examples, by file name: what each changes in the compliant account.
// Links of the trail break every control; the others break one.
var examples = map[string]func(s *Snapshot){
	"compliant.json": func(*Snapshot) {},
	"broken-not-multi-region.json": func(s *Snapshot) {
		trail(s).IsMultiRegionTrail = false
	},
	"broken-logging-stopped.json": func(s *Snapshot) {
		trail(s).GetTrailStatus.IsLogging = false
		trail(s).GetTrailStatus.StopLoggingTime = "2026-11-19T23:12:00Z"
	},
	"broken-no-management-events.json": func(s *Snapshot) {
		trail(s).GetEventSelectors.EventSelectors[0].ReadWriteType = "WriteOnly"
	},
	"broken-no-log-group.json": func(s *Snapshot) {
		trail(s).CloudWatchLogsLogGroupArn = ""
		trail(s).CloudWatchLogsRoleArn = ""
		home(s).LogGroups = nil
	},
	"broken-filter-on-other-log-group.json": func(s *Snapshot) {
		lg := &home(s).LogGroups[0]
		other := LogGroup{LogGroupName: "application-logs"}
		for _, f := range lg.MetricFilters {
			f.LogGroupName = other.LogGroupName
			other.MetricFilters = append(other.MetricFilters, f)
		}
		lg.MetricFilters = []MetricFilter{}
		home(s).LogGroups = append(home(s).LogGroups, other)
	},
	"broken-filter-misses-event.json": func(s *Snapshot) {
		filter(s, "CloudTrailConfigChanges").FilterPattern = "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) }"
	},
	"broken-filter-and-instead-of-or.json": func(s *Snapshot) {
		filter(s, "CloudTrailConfigChanges").FilterPattern = "{ ($.eventName = CreateTrail) && ($.eventName = UpdateTrail) && ($.eventName = DeleteTrail) && ($.eventName = StartLogging) && ($.eventName = StopLogging) }"
	},
	"broken-filter-assumed-roles-only.json": func(s *Snapshot) {
		f := filter(s, "IAMPolicyChanges")
		f.FilterPattern = "{ (" + strings.Trim(f.FilterPattern, "{} ") + ") && ($.userIdentity.type = AssumedRole) }"
	},
	"broken-filter-security-groups-before-v5.json": func(s *Snapshot) {
		f := filter(s, "SecurityGroupChanges")
		f.FilterPattern = strings.Replace(f.FilterPattern, " || ($.eventName = ModifySecurityGroupRules)", "", 1)
	},
	"broken-alarm-other-namespace.json": func(s *Snapshot) {
		alarm(s, "CloudTrailConfigChanges").Namespace = "CloudTrailMetrics"
	},
	"broken-alarm-actions-disabled.json": func(s *Snapshot) {
		alarm(s, "CloudTrailConfigChanges").ActionsEnabled = false
	},
	"broken-alarm-notifies-nothing.json": func(s *Snapshot) {
		alarm(s, "CloudTrailConfigChanges").AlarmActions = []string{}
	},
	"broken-alarm-cannot-fire.json": func(s *Snapshot) {
		// Security Hub's guide suggests the Average statistic; with a
		// default value of 0 one refusal among many events averages
		// below 1.
		zero := 0.0
		filter(s, "UnauthorizedAPICalls").MetricTransformations[0].DefaultValue = &zero
		alarm(s, "UnauthorizedAPICalls").Statistic = "Average"
	},
	"broken-metric-value-zero.json": func(s *Snapshot) {
		filter(s, "RootAccountUsage").MetricTransformations[0].MetricValue = "0"
	},
	"broken-trail-never-delivered.json": func(s *Snapshot) {
		// The role CloudTrail writes to CloudWatch Logs with does not
		// trust it: the trail logs to S3, and nothing reaches the log
		// group.
		st := trail(s).GetTrailStatus
		st.LatestCloudWatchLogsDeliveryTime = ""
		st.LatestCloudWatchLogsDeliveryError = "AccessDeniedException: CloudTrail is not authorized to assume role arn:aws:iam::111122223333:role/CloudTrailToCloudWatchLogs"
	},
	"broken-alarm-missing-data-breaching.json": func(s *Snapshot) {
		alarm(s, "CMKDisableOrDeletion").TreatMissingData = "breaching"
	},
	"broken-alarm-unit.json": func(s *Snapshot) {
		alarm(s, "NACLChanges").Unit = "Count"
	},
	"broken-topic-key-policy.json": func(s *Snapshot) {
		// A customer managed key whose policy names the account only:
		// CloudWatch may not use it, and the encrypted topic refuses
		// every alarm's notification.
		encrypt(s, "")
	},
	"broken-topic-policy.json": func(s *Snapshot) {
		home(s).Topics[0].Attributes["Policy"] = `{"Version":"2012-10-17","Statement":[{"Sid":"PublishersOnly","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/AlertPublisher"},"Action":"sns:Publish","Resource":"` + exTopic + `"}]}`
	},
	"broken-subscription-filter-policy.json": func(s *Snapshot) {
		// A body filter that lets one alarm through and drops the rest.
		a := home(s).Topics[0].Subscriptions[0].Attributes
		a["FilterPolicy"], a["FilterPolicyScope"] = `{"AlarmName":["RootAccountUsage"]}`, "MessageBody"
	},
	"compliant-encrypted.json": func(s *Snapshot) {
		encrypt(s, `,{"Sid":"AllowCloudWatchAlarmsToUseTheKey","Effect":"Allow","Principal":{"Service":"cloudwatch.amazonaws.com"},"Action":["kms:Decrypt","kms:GenerateDataKey*"],"Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}}`)
	},
	"broken-topic-no-subscription.json": func(s *Snapshot) {
		tp := &home(s).Topics[0]
		tp.Subscriptions[0].SubscriptionArn = "PendingConfirmation"
		tp.Subscriptions[0].Attributes = nil
		tp.Attributes["SubscriptionsConfirmed"], tp.Attributes["SubscriptionsPending"] = "0", "1"
	},
	"compliant-reworded.json": func(s *Snapshot) {
		// Every filter written otherwise than the benchmark: it passes,
		// but not Security Hub's (or --strict's) reading.
		for i := range home(s).LogGroups[0].MetricFilters {
			f := &home(s).LogGroups[0].MetricFilters[i]
			f.FilterPattern = strings.ReplaceAll(strings.ReplaceAll(f.FilterPattern, " || ", "||"), "{ ", "{")
			f.FilterPattern = strings.ReplaceAll(f.FilterPattern, ")||(", ") || (")
			f.FilterPattern = "{ (" + strings.Trim(f.FilterPattern, "{} ") + ") }"
		}
	},
	"organization.json": func(s *Snapshot) {
		// The management account's organization trail, as its members see
		// it: a member is judged through the owner's record of the trail
		// and the chain in the owner account. A member whose role could
		// not be assumed has no region, and every control is ERROR there.
		const mgmt = "999988887777"
		org := rehome(s, mgmt)
		r := org.Accounts[0].Regions
		t := &r[slices.IndexFunc(r, func(x Region) bool { return x.Region == exRegion })].Trails[0]
		t.Name, t.TrailARN, t.IsOrganizationTrail = "organization-trail", "arn:aws:cloudtrail:us-east-1:"+mgmt+":trail/organization-trail", true
		member := *t
		member.GetTrailStatus, member.GetEventSelectors = nil, nil
		s.Accounts = append(org.Accounts,
			Account{AccountID: exAccount, CallerArn: "arn:aws:sts::111122223333:assumed-role/SecurityAudit/trailwatch", Regions: []Region{
				{Region: exRegion, Trails: []Trail{member}},
				{Region: "eu-west-1", Trails: []Trail{member}},
			}},
			Account{AccountID: "444455556666", Regions: []Region{}, Errors: []CallError{{
				Service: "sts", Operation: "AssumeRole", ErrorCode: "AccessDenied", HTTPStatus: 403,
				Message: "User: arn:aws:sts::999988887777:assumed-role/OrganizationAudit/trailwatch is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::444455556666:role/SecurityAudit",
			}}},
		)
		// A suspended account is not read at all: it is listed, never judged.
		s.Skipped = []SkippedAccount{{AccountID: "777788889999", Name: "retired-sandbox", State: "SUSPENDED",
			Reason: "the account is SUSPENDED in the organization; no role can be assumed in it"}}
	},
	"broken-trail-log-validation-off.json": func(s *Snapshot) {
		trail(s).LogFileValidationEnabled = false
	},
	"broken-trail-bucket-public.json": func(s *Snapshot) {
		// Block Public Access turned off, and the ACL left open to
		// everyone: anyone can list and read the log files.
		s.Accounts[0].S3PublicAccessBlock = &PublicAccessBlockAnswer{}
		bucket(s).GetPublicAccessBlock = &PublicAccessBlockAnswer{}
		bucket(s).GetBucketAcl.Grants = append(bucket(s).GetBucketAcl.Grants, Grant{
			Grantee: Grantee{Type: "Group", URI: "http://acs.amazonaws.com/groups/global/AllUsers"}, Permission: "READ",
		})
	},
	"error-trail-bucket-unreadable.json": func(s *Snapshot) {
		// The audit role may not read the bucket's settings: whether it is
		// public is not known, and is not taken as known.
		b := bucket(s)
		b.GetBucketAcl, b.GetBucketPolicyStatus, b.GetPublicAccessBlock, b.GetBucketLogging = nil, nil, nil, nil
		s.Accounts[0].S3PublicAccessBlock = nil
		for _, op := range []string{"GetBucketAcl", "GetBucketPolicyStatus", "GetPublicAccessBlock", "GetBucketLogging"} {
			s.Accounts[0].Errors = append(s.Accounts[0].Errors, CallError{
				Service: "s3", Operation: op, Region: exRegion, Resource: "arn:aws:s3:::" + exBucket,
				ErrorCode: "AccessDenied", HTTPStatus: 403, Message: "Access Denied",
			})
		}
		s.Accounts[0].Errors = append(s.Accounts[0].Errors, CallError{
			Service: "s3control", Operation: "GetPublicAccessBlock", Region: exRegion,
			ErrorCode: "AccessDenied", HTTPStatus: 403, Message: "Access Denied",
		})
	},
	"error-alarms-unreadable.json": func(s *Snapshot) {
		r := home(s)
		r.MetricAlarms = nil
		r.Topics = nil
		r.Errors = append(r.Errors, CallError{
			Service: "cloudwatch", Operation: "DescribeAlarms", Region: exRegion,
			ErrorCode: "AccessDenied", HTTPStatus: 403,
			Message: "User: arn:aws:sts::111122223333:assumed-role/SecurityAudit/trailwatch is not authorized to perform: cloudwatch:DescribeAlarms",
		})
	},
}

func sectionFilters() []MetricFilter {
	var out []MetricFilter
	for _, c := range section {
		out = append(out, MetricFilter{
			FilterName: c.name, FilterPattern: c.pattern, LogGroupName: exLogGroup, CreationTime: 1767600000000,
			MetricTransformations: []MetricTransformation{{MetricName: c.name, MetricNamespace: "CISBenchmark", MetricValue: "1"}},
		})
	}
	return out
}

func sectionAlarms() []MetricAlarm {
	var out []MetricAlarm
	for _, c := range section {
		threshold := 1.0
		out = append(out, MetricAlarm{
			AlarmName:          c.name,
			AlarmArn:           "arn:aws:cloudwatch:us-east-1:111122223333:alarm:" + c.name,
			ActionsEnabled:     true,
			AlarmActions:       []string{exTopic},
			StateValue:         "INSUFFICIENT_DATA",
			MetricName:         c.name,
			Namespace:          "CISBenchmark",
			Statistic:          "Sum",
			Period:             300,
			EvaluationPeriods:  1,
			Threshold:          &threshold,
			ComparisonOperator: "GreaterThanOrEqualToThreshold",
		})
	}
	return out
}

func home(s *Snapshot) *Region { return &s.Accounts[0].Regions[0] }

// rehome is the compliant account moved to another account id, every ARN
// and name that holds the id with it.
func rehome(s *Snapshot, id string) *Snapshot {
	data, err := s.Marshal()
	if err != nil {
		panic(err)
	}
	moved, err := Decode("rehome", []byte(strings.ReplaceAll(string(data), exAccount, id)))
	if err != nil {
		panic(err)
	}
	return moved
}

// filter and alarm find a control's metric filter and alarm by name.
func filter(s *Snapshot, name string) *MetricFilter {
	fs := home(s).LogGroups[0].MetricFilters
	return &fs[slices.IndexFunc(fs, func(f MetricFilter) bool { return f.FilterName == name })]
}

func alarm(s *Snapshot, name string) *MetricAlarm {
	as := home(s).MetricAlarms
	return &as[slices.IndexFunc(as, func(a MetricAlarm) bool { return a.AlarmName == name })]
}
func trail(s *Snapshot) *Trail { return &home(s).Trails[0] }

func TestExamples(t *testing.T) {
	dir := filepath.Join("..", "..", "snapshots")
	for name, change := range examples {
		s := compliant()
		change(s)
		want, err := s.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Decode(name, want); err != nil {
			t.Errorf("generated example %s is not a valid snapshot: %v", name, err)
		}
		path := filepath.Join(dir, name)
		if *golden.Update {
			if err := fileio.WriteAtomic(path, want); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%v (run go test ./internal/snapshot -run TestExamples -update)", err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from what examples_test.go generates; rerun with -update", path)
		}
	}
}
