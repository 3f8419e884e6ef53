// Package snapshot owns trailwatch's snapshot format: the JSON document that
// `trailwatch collect` writes and `trailwatch evaluate` reads. A snapshot is
// evidence, not an interpretation: the AWS objects in it keep the field names
// of AWS's API reference, as the aws CLI prints them, and every call that
// failed is recorded beside what was read.
//
// The format is described by schema.json (JSON Schema 2020-12), which Read
// enforces: a snapshot that does not conform is refused with the file and
// the JSON path named.
package snapshot

import "regexp"

// FormatVersion is the snapshot format this package reads and writes.
const FormatVersion = 1

// Snapshot is one collection run: one or more AWS accounts.
type Snapshot struct {
	FormatVersion int       `json:"format_version"`
	Generator     string    `json:"generator,omitempty"`
	CollectedAt   string    `json:"collected_at,omitempty"` // RFC 3339
	Accounts      []Account `json:"accounts"`
	// Skipped are accounts of the organization that were not read, and why.
	Skipped []SkippedAccount `json:"skipped_accounts,omitempty"`

	// places are where accounts and trails were read, by account id and by
	// account id and trail ARN; empty for a snapshot built in memory.
	places map[string]Place
	// collectedAt is when each account was read, by account id, for a
	// snapshot merged from files read at different times; CollectedAt
	// otherwise.
	collectedAt map[string]string
}

// CollectedAtOf is when an account's evidence was read: the collected_at
// of the file it came from (of the latest, when several hold it), or the
// snapshot's own. Ages (of a trail's last delivery, say) are measured
// against it, never against the clock.
func (s *Snapshot) CollectedAtOf(account string) string {
	if t, ok := s.collectedAt[account]; ok {
		return t
	}
	return s.CollectedAt
}

// regionCode is the form of an AWS region code, as the schema gives it.
var regionCode = regexp.MustCompile(`^[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}$`)

// IsRegion tells whether s has the form of an AWS region code (us-east-1,
// us-gov-west-1, cn-northwest-1).
func IsRegion(s string) bool { return regionCode.MatchString(s) }

// SkippedAccount is an account of an organization collect did not read: a
// suspended or closed one, which no role can be assumed in.
type SkippedAccount struct {
	AccountID string `json:"account_id"`
	Name      string `json:"name,omitempty"`
	State     string `json:"state,omitempty"`
	Reason    string `json:"reason"`
}

// Place is a line of a snapshot file.
type Place struct {
	File string
	Line int
}

// PlaceOf is where the snapshot file records a trail of an account (its
// ARN), or the account itself when trail is "" or was not read from a
// file; ok is false when neither was.
func (s *Snapshot) PlaceOf(account, trail string) (p Place, ok bool) {
	if trail != "" {
		if p, ok := s.places[account+" "+trail]; ok {
			return p, true
		}
	}
	p, ok = s.places[account]
	return p, ok
}

// Account is what was read in one AWS account.
type Account struct {
	AccountID string `json:"account_id"`
	// CallerArn is the identity the collector used (sts:GetCallerIdentity).
	CallerArn string   `json:"caller_arn,omitempty"`
	Regions   []Region `json:"regions"`
	// S3Buckets are the buckets trails deliver their log files to, read
	// with this account's credentials: the account that owns each, or,
	// when no account of the run does, the account that owns the trail.
	S3Buckets []S3Bucket `json:"s3_buckets,omitempty"`
	// S3PublicAccessBlock is s3control:GetPublicAccessBlock for the
	// account, read when it owns a trail's bucket: {} when the account has
	// no such configuration, absent when it was not read.
	S3PublicAccessBlock *PublicAccessBlockAnswer `json:"s3_public_access_block,omitempty"`
	// Errors are the failed calls that belong to no region: assuming the
	// role, GetCallerIdentity, listing the enabled regions, and the calls
	// about S3 buckets, whose names are global.
	Errors []CallError `json:"errors,omitempty"`
}

// S3Bucket is what the S3 API says of a trail's bucket, call by call, as
// the aws CLI prints each answer; a call that failed is absent here and
// recorded in the account's errors with the bucket's ARN as resource.
type S3Bucket struct {
	Name string `json:"Name"`
	// Owned says that s3:ListBuckets in the account that read the bucket
	// lists it: the account owns it. A bucket read by the trail's owner
	// because no account of the run owns it is not Owned.
	Owned bool `json:"owned,omitempty"`
	// Region is where the bucket is (s3:GetBucketLocation).
	Region       string     `json:"Region,omitempty"`
	GetBucketAcl *BucketAcl `json:"GetBucketAcl,omitempty"`
	// GetBucketPolicyStatus is {} when the bucket has no policy
	// (NoSuchBucketPolicy).
	GetBucketPolicyStatus *BucketPolicyStatus `json:"GetBucketPolicyStatus,omitempty"`
	// GetPublicAccessBlock is {} when the bucket has no configuration of
	// its own (NoSuchPublicAccessBlockConfiguration).
	GetPublicAccessBlock *PublicAccessBlockAnswer `json:"GetPublicAccessBlock,omitempty"`
	// GetBucketLogging is {} when server access logging is off.
	GetBucketLogging *BucketLogging `json:"GetBucketLogging,omitempty"`
}

// BucketAcl is s3:GetBucketAcl's answer.
type BucketAcl struct {
	Owner  *Grantee `json:"Owner,omitempty"`
	Grants []Grant  `json:"Grants"`
}

// Grant is one grant of an ACL.
type Grant struct {
	Grantee    Grantee `json:"Grantee"`
	Permission string  `json:"Permission"`
}

// Grantee is who a grant is to: a canonical user (ID), a group (URI, such
// as http://acs.amazonaws.com/groups/global/AllUsers), or an e-mail
// address.
type Grantee struct {
	Type         string `json:"Type,omitempty"`
	ID           string `json:"ID,omitempty"`
	URI          string `json:"URI,omitempty"`
	DisplayName  string `json:"DisplayName,omitempty"`
	EmailAddress string `json:"EmailAddress,omitempty"`
}

// BucketPolicyStatus is s3:GetBucketPolicyStatus's answer: whether AWS
// judges the bucket's policy public.
type BucketPolicyStatus struct {
	PolicyStatus *PolicyStatus `json:"PolicyStatus,omitempty"`
}

type PolicyStatus struct {
	IsPublic bool `json:"IsPublic"`
}

// PublicAccessBlockAnswer is s3:GetPublicAccessBlock's or
// s3control:GetPublicAccessBlock's answer.
type PublicAccessBlockAnswer struct {
	PublicAccessBlockConfiguration *PublicAccessBlock `json:"PublicAccessBlockConfiguration,omitempty"`
}

// PublicAccessBlock is an S3 Block Public Access configuration.
type PublicAccessBlock struct {
	BlockPublicAcls       bool `json:"BlockPublicAcls"`
	IgnorePublicAcls      bool `json:"IgnorePublicAcls"`
	BlockPublicPolicy     bool `json:"BlockPublicPolicy"`
	RestrictPublicBuckets bool `json:"RestrictPublicBuckets"`
}

// BucketLogging is s3:GetBucketLogging's answer.
type BucketLogging struct {
	LoggingEnabled *LoggingEnabled `json:"LoggingEnabled,omitempty"`
}

type LoggingEnabled struct {
	TargetBucket string `json:"TargetBucket"`
	TargetPrefix string `json:"TargetPrefix"`
}

// Region is what was read in one region of an account. A region that is
// listed was read: DescribeTrails and DescribeAlarms succeeded there, or
// their failures are in Errors. Log groups and topics are read where the
// evidence chain leads, so only those an account's trails and alarms name
// appear.
type Region struct {
	Region       string        `json:"region"`
	Trails       []Trail       `json:"trails"`
	LogGroups    []LogGroup    `json:"log_groups,omitempty"`
	MetricAlarms []MetricAlarm `json:"metric_alarms"`
	Topics       []Topic       `json:"topics,omitempty"`
	// KMSKeys are the customer managed keys the topics and trails of this
	// region's account are encrypted with, read in the key's own account
	// and region.
	KMSKeys []KMSKey    `json:"kms_keys,omitempty"`
	Errors  []CallError `json:"errors,omitempty"`
}

// CallError is one AWS API call that failed, after retries.
type CallError struct {
	Service   string `json:"service"`   // cloudtrail, logs, cloudwatch, sns, sts
	Operation string `json:"operation"` // DescribeTrails, ...
	Region    string `json:"region,omitempty"`
	// Resource is what the call was about: a trail ARN, a log group name, a
	// topic ARN. Empty for calls that list a whole region.
	Resource   string `json:"resource,omitempty"`
	ErrorCode  string `json:"error_code"`
	Message    string `json:"message"`
	HTTPStatus int    `json:"http_status,omitempty"`
}

// NotFound reports whether the call failed because what it asked about
// does not exist: an answer, and evidence of absence, rather than a
// failure to collect.
func (e CallError) NotFound() bool {
	switch e.ErrorCode {
	case "NotFound", "NotFoundException", "ResourceNotFoundException", "TrailNotFoundException", "NoSuchBucket":
		return true
	}
	return false
}

// Trail is a trail as cloudtrail:DescribeTrails returns it, with what
// GetTrailStatus and GetEventSelectors returned for it in its home region.
// A trail is recorded once, in its home region.
type Trail struct {
	Name                       string `json:"Name"`
	TrailARN                   string `json:"TrailARN"`
	HomeRegion                 string `json:"HomeRegion"`
	IsMultiRegionTrail         bool   `json:"IsMultiRegionTrail"`
	IsOrganizationTrail        bool   `json:"IsOrganizationTrail"`
	IncludeGlobalServiceEvents bool   `json:"IncludeGlobalServiceEvents"`
	LogFileValidationEnabled   bool   `json:"LogFileValidationEnabled"`
	HasCustomEventSelectors    bool   `json:"HasCustomEventSelectors"`
	HasInsightSelectors        bool   `json:"HasInsightSelectors"`
	S3BucketName               string `json:"S3BucketName,omitempty"`
	S3KeyPrefix                string `json:"S3KeyPrefix,omitempty"`
	SnsTopicARN                string `json:"SnsTopicARN,omitempty"`
	CloudWatchLogsLogGroupArn  string `json:"CloudWatchLogsLogGroupArn,omitempty"`
	CloudWatchLogsRoleArn      string `json:"CloudWatchLogsRoleArn,omitempty"`
	KmsKeyId                   string `json:"KmsKeyId,omitempty"`

	// GetTrailStatus is that call's answer; absent when it failed.
	GetTrailStatus *TrailStatus `json:"GetTrailStatus,omitempty"`
	// GetEventSelectors is that call's answer; absent when it failed.
	GetEventSelectors *EventSelectors `json:"GetEventSelectors,omitempty"`
}

// TrailStatus is cloudtrail:GetTrailStatus's answer (times in RFC 3339).
type TrailStatus struct {
	IsLogging                         bool   `json:"IsLogging"`
	LatestDeliveryError               string `json:"LatestDeliveryError,omitempty"`
	LatestDeliveryTime                string `json:"LatestDeliveryTime,omitempty"`
	LatestCloudWatchLogsDeliveryError string `json:"LatestCloudWatchLogsDeliveryError,omitempty"`
	LatestCloudWatchLogsDeliveryTime  string `json:"LatestCloudWatchLogsDeliveryTime,omitempty"`
	StartLoggingTime                  string `json:"StartLoggingTime,omitempty"`
	StopLoggingTime                   string `json:"StopLoggingTime,omitempty"`
}

// EventSelectors is cloudtrail:GetEventSelectors's answer: basic or
// advanced selectors (a trail uses one kind or the other).
type EventSelectors struct {
	EventSelectors         []EventSelector         `json:"EventSelectors,omitempty"`
	AdvancedEventSelectors []AdvancedEventSelector `json:"AdvancedEventSelectors,omitempty"`
}

type EventSelector struct {
	ReadWriteType                 string         `json:"ReadWriteType"` // ReadOnly, WriteOnly, All
	IncludeManagementEvents       bool           `json:"IncludeManagementEvents"`
	DataResources                 []DataResource `json:"DataResources,omitempty"`
	ExcludeManagementEventSources []string       `json:"ExcludeManagementEventSources,omitempty"`
}

type DataResource struct {
	Type   string   `json:"Type"`
	Values []string `json:"Values,omitempty"`
}

type AdvancedEventSelector struct {
	Name           string          `json:"Name,omitempty"`
	FieldSelectors []FieldSelector `json:"FieldSelectors"`
}

type FieldSelector struct {
	Field         string   `json:"Field"`
	Equals        []string `json:"Equals,omitempty"`
	StartsWith    []string `json:"StartsWith,omitempty"`
	EndsWith      []string `json:"EndsWith,omitempty"`
	NotEquals     []string `json:"NotEquals,omitempty"`
	NotStartsWith []string `json:"NotStartsWith,omitempty"`
	NotEndsWith   []string `json:"NotEndsWith,omitempty"`
}

// LogGroup holds what logs:DescribeMetricFilters returned for one log
// group, all pages. A log group is listed when that call succeeded.
type LogGroup struct {
	LogGroupName  string         `json:"logGroupName"`
	MetricFilters []MetricFilter `json:"metricFilters"`
}

// MetricFilter is a metric filter as CloudWatch Logs returns it (its API
// spells fields in camelCase).
type MetricFilter struct {
	FilterName             string                 `json:"filterName"`
	FilterPattern          string                 `json:"filterPattern"`
	MetricTransformations  []MetricTransformation `json:"metricTransformations"`
	LogGroupName           string                 `json:"logGroupName"`
	CreationTime           int64                  `json:"creationTime,omitempty"`
	ApplyOnTransformedLogs bool                   `json:"applyOnTransformedLogs,omitempty"`
}

type MetricTransformation struct {
	MetricName      string            `json:"metricName"`
	MetricNamespace string            `json:"metricNamespace"`
	MetricValue     string            `json:"metricValue"`
	DefaultValue    *float64          `json:"defaultValue,omitempty"`
	Dimensions      map[string]string `json:"dimensions,omitempty"`
	Unit            string            `json:"unit,omitempty"`
}

// MetricAlarm is a metric alarm as cloudwatch:DescribeAlarms returns it. A
// metric-math alarm has no MetricName; its metrics are in Metrics.
type MetricAlarm struct {
	AlarmName                        string            `json:"AlarmName"`
	AlarmArn                         string            `json:"AlarmArn"`
	AlarmDescription                 string            `json:"AlarmDescription,omitempty"`
	ActionsEnabled                   bool              `json:"ActionsEnabled"`
	AlarmActions                     []string          `json:"AlarmActions"`
	OKActions                        []string          `json:"OKActions,omitempty"`
	InsufficientDataActions          []string          `json:"InsufficientDataActions,omitempty"`
	StateValue                       string            `json:"StateValue,omitempty"`
	MetricName                       string            `json:"MetricName,omitempty"`
	Namespace                        string            `json:"Namespace,omitempty"`
	Statistic                        string            `json:"Statistic,omitempty"`
	ExtendedStatistic                string            `json:"ExtendedStatistic,omitempty"`
	Dimensions                       []Dimension       `json:"Dimensions,omitempty"`
	Period                           int32             `json:"Period,omitempty"`
	EvaluationPeriods                int32             `json:"EvaluationPeriods,omitempty"`
	DatapointsToAlarm                int32             `json:"DatapointsToAlarm,omitempty"`
	Threshold                        *float64          `json:"Threshold,omitempty"`
	ComparisonOperator               string            `json:"ComparisonOperator,omitempty"`
	TreatMissingData                 string            `json:"TreatMissingData,omitempty"`
	Unit                             string            `json:"Unit,omitempty"`
	Metrics                          []MetricDataQuery `json:"Metrics,omitempty"`
	ThresholdMetricId                string            `json:"ThresholdMetricId,omitempty"`
	EvaluateLowSampleCountPercentile string            `json:"EvaluateLowSampleCountPercentile,omitempty"`
}

type Dimension struct {
	Name  string `json:"Name"`
	Value string `json:"Value"`
}

type MetricDataQuery struct {
	Id         string      `json:"Id"`
	MetricStat *MetricStat `json:"MetricStat,omitempty"`
	Expression string      `json:"Expression,omitempty"`
	Label      string      `json:"Label,omitempty"`
	ReturnData *bool       `json:"ReturnData,omitempty"`
	Period     int32       `json:"Period,omitempty"`
	AccountId  string      `json:"AccountId,omitempty"`
}

type MetricStat struct {
	Metric Metric `json:"Metric"`
	Period int32  `json:"Period"`
	Stat   string `json:"Stat"`
	Unit   string `json:"Unit,omitempty"`
}

type Metric struct {
	Namespace  string      `json:"Namespace,omitempty"`
	MetricName string      `json:"MetricName,omitempty"`
	Dimensions []Dimension `json:"Dimensions,omitempty"`
}

// Topic is an SNS topic an alarm notifies: sns:GetTopicAttributes and
// sns:ListSubscriptionsByTopic (all pages). Attributes or Subscriptions is
// absent when its call failed.
type Topic struct {
	TopicArn      string            `json:"TopicArn"`
	Attributes    map[string]string `json:"Attributes,omitempty"`
	Subscriptions []Subscription    `json:"Subscriptions"`
}

// Subscription is as ListSubscriptionsByTopic returns it. SubscriptionArn
// is "PendingConfirmation" until the endpoint confirms. Endpoint is
// redacted unless the collector was asked to keep it. Attributes is what
// sns:GetSubscriptionAttributes returned for a confirmed subscription (its
// FilterPolicy and FilterPolicyScope decide which notifications reach the
// endpoint; its Endpoint is redacted too); absent when not asked or when
// the call failed.
type Subscription struct {
	SubscriptionArn string            `json:"SubscriptionArn"`
	Protocol        string            `json:"Protocol"`
	Endpoint        string            `json:"Endpoint,omitempty"`
	Owner           string            `json:"Owner,omitempty"`
	TopicArn        string            `json:"TopicArn,omitempty"`
	Attributes      map[string]string `json:"Attributes,omitempty"`
}

// KMSKey is a KMS key a topic names in its KmsMasterKeyId, read where the
// key lives: kms:DescribeKey's KeyMetadata and kms:GetKeyPolicy's Policy
// (the default policy, the only one a key has). Reference is the key as
// the topic names it (a key id, a key ARN, an alias name or an alias ARN).
// KeyMetadata or Policy is absent when its call failed; the failure is
// recorded with the reference as its resource.
type KMSKey struct {
	Reference   string       `json:"key_reference"`
	KeyMetadata *KeyMetadata `json:"KeyMetadata,omitempty"`
	Policy      *string      `json:"Policy,omitempty"`
}

// KeyMetadata is the part of kms:DescribeKey's KeyMetadata a verdict reads:
// whose key it is, whether it can be used, and who manages it (AWS or the
// customer).
type KeyMetadata struct {
	KeyId        string `json:"KeyId"`
	Arn          string `json:"Arn"`
	AWSAccountId string `json:"AWSAccountId,omitempty"`
	Enabled      bool   `json:"Enabled"`
	KeyState     string `json:"KeyState"`
	KeyManager   string `json:"KeyManager"`
	KeyUsage     string `json:"KeyUsage,omitempty"`
	KeySpec      string `json:"KeySpec,omitempty"`
	Description  string `json:"Description,omitempty"`
	DeletionDate string `json:"DeletionDate,omitempty"`
}
