package moto

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
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
	next := *c
	next.KeyID, next.Secret, next.Token = r.Credentials.AccessKeyId, r.Credentials.SecretAccessKey, r.Credentials.SessionToken
	next.Account = account
	return &next, nil
}

// RoleARN is the ARN of a role in an account.
func RoleARN(account, role string) string {
	return fmt.Sprintf("arn:aws:iam::%s:role/%s", account, role)
}

// BenchmarkPattern is the CIS filter pattern for CloudTrail configuration
// changes, identical in every benchmark version.
const BenchmarkPattern = "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }"

// Account describes how to set an account up: by default exactly as the
// benchmark's remediation leaves it. Each field turns one link off or
// elsewhere, as the end-to-end scenarios need.
type Account struct {
	Trail          string // trail name
	SingleRegion   bool   // create the trail without --is-multi-region-trail
	NotLogging     bool   // never start logging
	NoSelectors    bool   // skip put-event-selectors
	WriteOnly      bool   // select write-only management events
	NoLogGroup     bool   // the trail delivers to no log group
	FilterOn       string // put the filter on this log group instead of the trail's
	Pattern        string // the filter pattern; default BenchmarkPattern
	AlarmNamespace string // the alarm's namespace; default the filter's (CISBenchmark)
	NoAlarmActions bool   // the alarm notifies nothing
	ActionsOff     bool   // the alarm's actions are disabled
	NoSubscription bool   // nobody subscribes to the topic
}

// Names the seeded account's resources carry (the benchmark's
// <placeholders>, filled in).
const (
	LogGroup   = "CloudTrail/DefaultLogGroup"
	MetricName = "cloudtrail_cfg_changes_metric"
	AlarmName  = "cloudtrail_cfg_changes_alarm"
	TopicName  = "security-alerts"
	TrailRole  = "CloudTrail_CloudWatchLogs_Role"
)

// Remediate runs the benchmark's remediation with the aws CLI, as written
// in the benchmark with the names filled in, in the CLI's account and
// region. It returns the topic ARN.
func (c *CLI) Remediate(ctx context.Context, a Account) (string, error) {
	if a.Trail == "" {
		a.Trail = "management-events"
	}
	if a.Pattern == "" {
		a.Pattern = BenchmarkPattern
	}
	if a.AlarmNamespace == "" {
		a.AlarmNamespace = "CISBenchmark"
	}
	bucket := "cloudtrail-" + c.Account
	run := func(args ...string) (string, error) { return c.Run(ctx, args...) }

	// The trail itself, multi-region and logging management events.
	bucketArgs := []string{"s3api", "create-bucket", "--bucket", bucket}
	if c.Region != "us-east-1" {
		bucketArgs = append(bucketArgs, "--create-bucket-configuration", "LocationConstraint="+c.Region)
	}
	if _, err := run(bucketArgs...); err != nil {
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
		if _, err := run("cloudtrail", "put-event-selectors", "--trail-name", a.Trail, "--event-selectors",
			fmt.Sprintf(`[{"ReadWriteType":"%s","IncludeManagementEvents":true}]`, rw)); err != nil {
			return "", err
		}
	}

	// The benchmark's remediation: find the trail's log group, then the
	// filter, the topic, the subscription and the alarm.
	out, err := run("cloudtrail", "describe-trails")
	if err != nil {
		return "", err
	}
	logGroup := a.FilterOn
	if logGroup == "" {
		logGroup = logGroupName(out, a.Trail)
	}
	if logGroup == "" {
		logGroup = LogGroup // the trail delivers nowhere; the filter goes on the usual group
	} else if a.FilterOn != "" {
		if _, err := run("logs", "create-log-group", "--log-group-name", logGroup); err != nil {
			return "", err
		}
	}
	if _, err := run("logs", "put-metric-filter", "--log-group-name", logGroup, "--filter-name", MetricName,
		"--metric-transformations", "metricName="+MetricName+",metricNamespace=CISBenchmark,metricValue=1",
		"--filter-pattern", a.Pattern); err != nil {
		return "", err
	}
	out, err = run("sns", "create-topic", "--name", TopicName)
	if err != nil {
		return "", err
	}
	var topic struct{ TopicArn string }
	if err := json.Unmarshal([]byte(out), &topic); err != nil {
		return "", fmt.Errorf("create-topic answer: %w", err)
	}
	if !a.NoSubscription {
		if _, err := run("sns", "subscribe", "--topic-arn", topic.TopicArn, "--protocol", "email", "--notification-endpoint", "security@example.com"); err != nil {
			return "", err
		}
	}
	alarm := []string{"cloudwatch", "put-metric-alarm", "--alarm-name", AlarmName, "--metric-name", MetricName,
		"--statistic", "Sum", "--period", "300", "--threshold", "1", "--comparison-operator", "GreaterThanOrEqualToThreshold",
		"--evaluation-periods", "1", "--namespace", a.AlarmNamespace}
	if !a.NoAlarmActions {
		alarm = append(alarm, "--alarm-actions", topic.TopicArn)
	}
	if a.ActionsOff {
		alarm = append(alarm, "--no-actions-enabled")
	}
	if _, err := run(alarm...); err != nil {
		return "", err
	}
	return topic.TopicArn, nil
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
