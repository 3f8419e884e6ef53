package moto

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/trailwatch/trailwatch/policies"
)

// AssumeRole returns the CLI acting in another account: sts:AssumeRole
// into arn:aws:iam::<account>:role/<role>, which moto grants for any
// account id.
func (c *CLI) AssumeRole(ctx context.Context, account, role string) (*CLI, error) {
	out, err := c.Run(ctx, "sts", "assume-role", "--role-arn", RoleARN(account, role), "--role-session-name", "seed")
	if err != nil {
		return nil, err
	}
	var r struct {
		Credentials struct{ AccessKeyId, SecretAccessKey, SessionToken string }
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		return nil, fmt.Errorf("assume-role answer: %w", err)
	}
	return c.With(c.Region, r.Credentials.AccessKeyId, r.Credentials.SecretAccessKey, r.Credentials.SessionToken, account), nil
}

// RoleARN is the ARN of a role in an account.
func RoleARN(account, role string) string {
	return fmt.Sprintf("arn:aws:iam::%s:role/%s", account, role)
}

// Account describes how to set an account up: by default exactly as the
// benchmark's remediation leaves it for the whole CIS monitoring section
// (one trail, one metric filter and alarm per control on its log group,
// one topic with one subscription). Each field turns one link off or
// elsewhere, as the end-to-end scenarios need.
type Account struct {
	Trail          string // trail name
	SingleRegion   bool   // create the trail without --is-multi-region-trail
	NotLogging     bool   // never start logging
	NoSelectors    bool   // skip put-event-selectors
	WriteOnly      bool   // select write-only management events
	NoLogGroup     bool   // the trail delivers to no log group
	FilterOn       string // put the filters on this log group instead of the trail's
	NoSubscription bool   // nobody subscribes to the topic
	// TrailIntegrity remediates the benchmark's logging section as well:
	// log file validation, a KMS key of the trail's own, S3 object data
	// events, and server access logging on the trail's bucket. Without it
	// the trail has none of them (the bucket's Block Public Access is on
	// either way). The No fields leave one part out.
	TrailIntegrity  bool
	NoValidation    bool // no log file validation
	NoTrailKey      bool // log files encrypted with S3's keys, not a KMS key
	NoDataEvents    bool // no S3 object-level data events
	PublicBucket    bool // the bucket's ACL lets everyone read, Block Public Access off
	NoAccessLogging bool // the bucket's server access is not logged
	// TopicKey encrypts the topic: "aws-managed" with alias/aws/sns, "customer" with
	// a customer managed key whose policy lets CloudWatch use it,
	// "customer-account-only" with one whose policy names the account
	// alone (KMS's default policy); "" leaves the topic unencrypted.
	TopicKey string
	// Controls are the controls (directories under policies/controls) to
	// remediate; empty means all of them.
	Controls []string
	// Breaks change one control's filter or alarm, by control directory.
	Breaks map[string]Break
}

// Break is how one control's remediation goes wrong.
type Break struct {
	NoFilter       bool   // no metric filter
	Pattern        string // another filter pattern
	MetricValue    string // another metricValue
	NoAlarm        bool   // no alarm
	AlarmNamespace string // the alarm watches this namespace
	Threshold      string // the alarm's threshold
	Comparison     string // the alarm's comparison operator
	NoAlarmActions bool   // the alarm notifies nothing
	ActionsOff     bool   // the alarm's actions are disabled
}

// Names the seeded account's resources carry (the benchmark's
// <placeholders>, filled in). Each control's filter, metric and alarm
// take the name its data gives (policies.Section).
const (
	LogGroup  = "CloudTrail/DefaultLogGroup"
	TopicName = "security-alerts"
	TrailRole = "CloudTrail_CloudWatchLogs_Role"
)

// Remediate runs the benchmark's remediation with the aws CLI, as written
// in the benchmark with the names filled in, in the CLI's account and
// region: the trail, then for each control its filter and alarm, all
// notifying one topic. It returns the topic ARN.
func (c *CLI) Remediate(ctx context.Context, a Account) (string, error) {
	if a.Trail == "" {
		a.Trail = "management-events"
	}
	section, err := policies.Section("")
	if err != nil {
		return "", err
	}
	bucket := "cloudtrail-" + c.Account
	run := func(args ...string) (string, error) { return c.Run(ctx, args...) }

	// The trail itself, multi-region and logging management events, its
	// log files validated, encrypted with a key of its own and kept in a
	// private bucket whose server access is logged to another.
	if err := c.trailBucket(ctx, bucket, a); err != nil {
		return "", err
	}
	if _, err := run("logs", "create-log-group", "--log-group-name", LogGroup); err != nil {
		return "", err
	}
	if _, err := run("iam", "create-role", "--role-name", TrailRole, "--assume-role-policy-document",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"sts:AssumeRole"}]}`); err != nil {
		return "", err
	}
	create := []string{"cloudtrail", "create-trail", "--name", a.Trail, "--s3-bucket-name", bucket}
	if !a.SingleRegion {
		create = append(create, "--is-multi-region-trail")
	}
	if !a.NoLogGroup {
		create = append(create,
			"--cloud-watch-logs-log-group-arn", fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s:*", c.Region, c.Account, LogGroup),
			"--cloud-watch-logs-role-arn", RoleARN(c.Account, TrailRole))
	}
	if a.TrailIntegrity && !a.NoValidation {
		create = append(create, "--enable-log-file-validation")
	}
	if a.TrailIntegrity && !a.NoTrailKey {
		key, err := c.createKey(ctx, KeyPolicy(c.Account, CloudTrailKeyStatement(c.Account)))
		if err != nil {
			return "", err
		}
		create = append(create, "--kms-key-id", key)
	}
	if _, err := run(create...); err != nil {
		return "", err
	}
	if !a.NotLogging {
		if _, err := run("cloudtrail", "start-logging", "--name", a.Trail); err != nil {
			return "", err
		}
	}
	if !a.NoSelectors {
		rw := "All"
		if a.WriteOnly {
			rw = "WriteOnly"
		}
		selectors := fmt.Sprintf(`[{"ReadWriteType":"%s","IncludeManagementEvents":true}]`, rw)
		if a.TrailIntegrity && !a.NoDataEvents {
			selectors = fmt.Sprintf(`[{"ReadWriteType":"%s","IncludeManagementEvents":true},{"ReadWriteType":"All","IncludeManagementEvents":false,"DataResources":[{"Type":"AWS::S3::Object","Values":["arn:aws:s3"]}]}]`, rw)
		}
		if _, err := run("cloudtrail", "put-event-selectors", "--trail-name", a.Trail, "--event-selectors", selectors); err != nil {
			return "", err
		}
	}

	// The benchmark's remediation: find the trail's log group, then the
	// topic and the subscription every alarm notifies, then per control
	// the filter and the alarm.
	out, err := run("cloudtrail", "describe-trails")
	if err != nil {
		return "", err
	}
	logGroup := a.FilterOn
	if logGroup == "" {
		logGroup = logGroupName(out, a.Trail)
	}
	if logGroup == "" {
		logGroup = LogGroup // the trail delivers nowhere; the filters go on the usual group
	} else if a.FilterOn != "" {
		if _, err := run("logs", "create-log-group", "--log-group-name", logGroup); err != nil {
			return "", err
		}
	}
	out, err = run("sns", "create-topic", "--name", TopicName)
	if err != nil {
		return "", err
	}
	var topic struct{ TopicArn string }
	if err := json.Unmarshal([]byte(out), &topic); err != nil {
		return "", fmt.Errorf("create-topic answer: %w", err)
	}
	if err := c.encryptTopic(ctx, topic.TopicArn, a.TopicKey); err != nil {
		return "", err
	}
	if !a.NoSubscription {
		if _, err := run("sns", "subscribe", "--topic-arn", topic.TopicArn, "--protocol", "email", "--notification-endpoint", "security@example.com"); err != nil {
			return "", err
		}
	}
	for _, r := range section {
		if len(a.Controls) > 0 && !slices.Contains(a.Controls, r.Control) {
			continue
		}
		b := a.Breaks[r.Control]
		if err := c.remediateControl(ctx, r, b, logGroup, topic.TopicArn); err != nil {
			return "", err
		}
	}
	return topic.TopicArn, nil
}

// trailBucket makes the trail's bucket as the benchmark's logging section
// leaves it: Block Public Access on, and server access logged to a bucket
// of its own, which lets S3's logging service write.
func (c *CLI) trailBucket(ctx context.Context, bucket string, a Account) error {
	run := func(args ...string) (string, error) { return c.Run(ctx, args...) }
	accessLogs := "s3-access-logs-" + c.Account
	buckets := []string{bucket}
	if a.TrailIntegrity && !a.NoAccessLogging {
		buckets = append(buckets, accessLogs)
	}
	for _, b := range buckets {
		args := []string{"s3api", "create-bucket", "--bucket", b}
		if c.Region != "us-east-1" {
			args = append(args, "--create-bucket-configuration", "LocationConstraint="+c.Region)
		}
		if _, err := run(args...); err != nil {
			return err
		}
	}
	if a.PublicBucket {
		if _, err := run("s3api", "put-bucket-acl", "--bucket", bucket, "--acl", "public-read"); err != nil {
			return err
		}
	} else if _, err := run("s3api", "put-public-access-block", "--bucket", bucket, "--public-access-block-configuration",
		"BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true"); err != nil {
		return err
	}
	if !a.TrailIntegrity || a.NoAccessLogging {
		return nil
	}
	if _, err := run("s3api", "put-bucket-policy", "--bucket", accessLogs, "--policy",
		`{"Version":"2012-10-17","Statement":[{"Sid":"S3ServerAccessLogs","Effect":"Allow","Principal":{"Service":"logging.s3.amazonaws.com"},"Action":["s3:PutObject"],"Resource":"arn:aws:s3:::`+accessLogs+`/*","Condition":{"StringEquals":{"aws:SourceAccount":"`+c.Account+`"}}}]}`); err != nil {
		return err
	}
	_, err := run("s3api", "put-bucket-logging", "--bucket", bucket, "--bucket-logging-status",
		`{"LoggingEnabled":{"TargetBucket":"`+accessLogs+`","TargetPrefix":"`+bucket+`/"}}`)
	return err
}

// CloudTrailKeyStatement is the statement CloudTrail's guide asks a trail
// key's policy to hold, for this account's trails.
func CloudTrailKeyStatement(account string) string {
	return `{"Sid":"AllowCloudTrailToEncryptLogs","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"kms:GenerateDataKey*","Resource":"*","Condition":{"StringLike":{"kms:EncryptionContext:aws:cloudtrail:arn":"arn:aws:cloudtrail:*:` + account + `:trail/*"}}}`
}

// KeyAlias names the customer managed key a seeded topic is encrypted
// with.
const KeyAlias = "alias/security-alerts"

// CloudWatchKeyStatement is the statement SNS's guide asks a key policy to
// hold for CloudWatch's alarms, with the account as the confused-deputy
// guard.
func CloudWatchKeyStatement(account string) string {
	return `{"Sid":"AllowCloudWatchAlarmsToUseTheKey","Effect":"Allow","Principal":{"Service":"cloudwatch.amazonaws.com"},"Action":["kms:Decrypt","kms:GenerateDataKey*"],"Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":"` + account + `"}}}`
}

// KeyPolicy is a key policy: the account's own statement (KMS's default)
// and the extra statements given.
func KeyPolicy(account string, extra ...string) string {
	stmts := append([]string{`{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + account + `:root"},"Action":"kms:*","Resource":"*"}`}, extra...)
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
}

// createKey makes a customer managed key with this policy and returns its
// ARN.
func (c *CLI) createKey(ctx context.Context, policy string) (string, error) {
	out, err := c.Run(ctx, "kms", "create-key", "--policy", policy)
	if err != nil {
		return "", err
	}
	var key struct{ KeyMetadata struct{ Arn string } }
	if err := json.Unmarshal([]byte(out), &key); err != nil || key.KeyMetadata.Arn == "" {
		return "", fmt.Errorf("create-key answer %q: %v", out, err)
	}
	return key.KeyMetadata.Arn, nil
}

// encryptTopic sets the topic's KmsMasterKeyId as kind says (Account.TopicKey).
func (c *CLI) encryptTopic(ctx context.Context, topic, kind string) error {
	ref := ""
	switch kind {
	case "":
		return nil
	case "aws-managed":
		ref = "alias/aws/sns"
	case "customer", "customer-account-only":
		policy := KeyPolicy(c.Account)
		if kind == "customer" {
			policy = KeyPolicy(c.Account, CloudWatchKeyStatement(c.Account))
		}
		key, err := c.createKey(ctx, policy)
		if err != nil {
			return err
		}
		if _, err := c.Run(ctx, "kms", "create-alias", "--alias-name", KeyAlias, "--target-key-id", key); err != nil {
			return err
		}
		ref = KeyAlias
	default:
		return fmt.Errorf("unknown TopicKey %q", kind)
	}
	_, err := c.Run(ctx, "sns", "set-topic-attributes", "--topic-arn", topic, "--attribute-name", "KmsMasterKeyId", "--attribute-value", ref)
	return err
}

// remediateControl puts one control's filter and alarm, as the benchmark's
// remediation gives them, changed by b.
func (c *CLI) remediateControl(ctx context.Context, r policies.Remedy, b Break, logGroup, topic string) error {
	pattern, value := r.Pattern, "1"
	if b.Pattern != "" {
		pattern = b.Pattern
	}
	if b.MetricValue != "" {
		value = b.MetricValue
	}
	if !b.NoFilter {
		if _, err := c.Run(ctx, "logs", "put-metric-filter", "--log-group-name", logGroup, "--filter-name", r.Name,
			"--metric-transformations", "metricName="+r.Name+",metricNamespace=CISBenchmark,metricValue="+value,
			"--filter-pattern", pattern); err != nil {
			return err
		}
	}
	if b.NoAlarm {
		return nil
	}
	namespace, threshold, comparison := "CISBenchmark", "1", "GreaterThanOrEqualToThreshold"
	if b.AlarmNamespace != "" {
		namespace = b.AlarmNamespace
	}
	if b.Threshold != "" {
		threshold = b.Threshold
	}
	if b.Comparison != "" {
		comparison = b.Comparison
	}
	alarm := []string{"cloudwatch", "put-metric-alarm", "--alarm-name", r.Name, "--metric-name", r.Name,
		"--statistic", "Sum", "--period", "300", "--threshold", threshold, "--comparison-operator", comparison,
		"--evaluation-periods", "1", "--namespace", namespace}
	if !b.NoAlarmActions {
		alarm = append(alarm, "--alarm-actions", topic)
	}
	if b.ActionsOff {
		alarm = append(alarm, "--no-actions-enabled")
	}
	_, err := c.Run(ctx, alarm...)
	return err
}

// logGroupName finds a trail's log group in describe-trails output.
func logGroupName(describeTrails, trail string) string {
	var out struct {
		TrailList []struct{ Name, CloudWatchLogsLogGroupArn string }
	}
	if json.Unmarshal([]byte(describeTrails), &out) != nil {
		return ""
	}
	for _, t := range out.TrailList {
		if t.Name != trail {
			continue
		}
		// arn:aws:logs:REGION:ACCOUNT:log-group:NAME:*
		_, rest, ok := strings.Cut(t.CloudWatchLogsLogGroupArn, ":log-group:")
		if !ok {
			return ""
		}
		name, _, _ := strings.Cut(rest, ":")
		return name
	}
	return ""
}
