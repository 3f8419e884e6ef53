package collector

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/trailwatch/trailwatch/internal/awsarn"
	"github.com/trailwatch/trailwatch/internal/snapshot"
)

// SessionOptions say how to reach AWS: the SDK's shared configuration and
// credential chain (a profile, AWS_PROFILE, environment variables, SSO,
// instance roles), an endpoint for an emulator, and how hard to retry.
type SessionOptions struct {
	Profile string
	// Region is the region asked first (the first --region); empty means
	// the profile's or AWS_REGION.
	Region string
	// EndpointURL sends every call there (an emulator such as moto);
	// AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> work too.
	EndpointURL string
	// MaxAttempts per call, retries of throttling and server errors
	// included (adaptive retry); MaxBackoff is the longest wait between
	// attempts.
	MaxAttempts int
	MaxBackoff  time.Duration
}

// Session is a loaded AWS configuration with credentials that work: what
// every target of a run is made from.
type Session struct {
	cfg  aws.Config
	base *sts.Client
}

// ErrNoRegion is a configuration that names no region.
var ErrNoRegion = errors.New("no region: give --region, or set AWS_REGION or the profile's region")

// NewSession loads the configuration and retrieves credentials once, so
// that a run without any fails before it reads anything.
func NewSession(ctx context.Context, o SessionOptions) (*Session, error) {
	if o.MaxAttempts < 1 {
		o.MaxAttempts = 5
	}
	load := []func(*config.LoadOptions) error{
		config.WithRetryer(func() aws.Retryer {
			return retry.NewAdaptiveMode(func(ao *retry.AdaptiveModeOptions) {
				ao.StandardOptions = append(ao.StandardOptions, func(so *retry.StandardOptions) {
					so.MaxAttempts = o.MaxAttempts
					if o.MaxBackoff > 0 {
						so.MaxBackoff = o.MaxBackoff
					}
				})
			})
		}),
	}
	if o.Profile != "" {
		load = append(load, config.WithSharedConfigProfile(o.Profile))
	}
	if o.EndpointURL != "" {
		load = append(load, config.WithBaseEndpoint(o.EndpointURL))
	}
	if o.Region != "" {
		load = append(load, config.WithRegion(o.Region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, load...)
	if err != nil {
		return nil, fmt.Errorf("load AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		return nil, ErrNoRegion
	}
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("no AWS credentials: %v\n(use --profile, AWS_PROFILE, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or aws sso login)", err)
	}
	return &Session{cfg: cfg, base: sts.NewFromConfig(cfg)}, nil
}

// Region is the region the session asks first: where account-wide calls
// go, and the region read when none is listed.
func (s *Session) Region() string { return s.cfg.Region }

// Self is the caller's own account, with the session's credentials.
func (s *Session) Self() Target { return Target{API: NewSDK(s.cfg)} }

// AssumeRole is a role's account: its credentials come from
// sts:AssumeRole, made on the first call and refreshed as they expire.
func (s *Session) AssumeRole(arn string) Target {
	rc := s.cfg.Copy()
	rc.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(s.base, arn, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = "trailwatch-collect"
	}))
	return Target{API: NewSDK(rc), RoleARN: arn, Account: awsarn.Account(arn)}
}

// Roles are the targets of --role-arn, those of the shard.
func (s *Session) Roles(arns []string, shard Shard) []Target {
	var out []Target
	for _, r := range arns {
		if shard.Holds(awsarn.Account(r)) {
			out = append(out, s.AssumeRole(r))
		}
	}
	return out
}

var (
	roleARNForm  = regexp.MustCompile(`^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$`)
	roleNameForm = regexp.MustCompile(`^[A-Za-z0-9+=,.@_-]{1,64}$`)
	accountForm  = regexp.MustCompile(`^[0-9]{12}$`)
)

// CheckRoleARN refuses what is not an IAM role's ARN.
func CheckRoleARN(arn string) error {
	if !roleARNForm.MatchString(arn) {
		return fmt.Errorf("%q is not an IAM role ARN (arn:aws:iam::123456789012:role/NAME)", arn)
	}
	return nil
}

// CheckRoleName refuses what is not a role's name (trailwatch makes the
// ARN for each account of an organization).
func CheckRoleName(name string) error {
	if strings.ContainsAny(name, ":/ ") || !roleNameForm.MatchString(name) {
		return fmt.Errorf("%q: want a role name, such as OrganizationAccountAccessRole (trailwatch makes the ARN for each account)", name)
	}
	return nil
}

// IsAccountID tells whether s has the form of an account id (12 digits).
func IsAccountID(s string) bool { return accountForm.MatchString(s) }

// Selection narrows an organization's accounts: the ones named (none
// named: all), less the excluded, in the shard.
type Selection struct {
	// Named are accounts asked for by id (--account, --accounts-file),
	// with where each was named, for a warning when one is not a member.
	Named   map[string]string
	Exclude map[string]bool
	Shard   Shard
}

func (s Selection) wants(id string) bool {
	_, named := s.Named[id]
	return (len(s.Named) == 0 || named) && !s.Exclude[id] && s.Shard.Holds(id)
}

// ParseAccountsFile reads account ids, one per line, # starting a
// comment. Every line is read, however long; a line that is not an id is
// refused with its number. name is the file, for errors.
func ParseAccountsFile(name string, data []byte) ([]string, error) {
	var ids []string
	for i, line := range strings.Split(string(data), "\n") {
		text, _, _ := strings.Cut(line, "#")
		text = strings.TrimSpace(text)
		if text == "" {
			continue
		}
		if !IsAccountID(text) {
			if len(text) > 40 {
				text = text[:37] + "..."
			}
			return nil, fmt.Errorf("%s:%d: %q is not an account id (12 digits)", name, i+1, text)
		}
		ids = append(ids, text)
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("%s: no account ids", name)
	}
	return ids, nil
}

// Organization lists the organization's accounts
// (organizations:ListAccounts, every page) and makes a target of each
// ACTIVE one selected: the caller's own credentials for its own account,
// role assumed in every other. Accounts that are not ACTIVE, and named
// accounts that are not members at all, are skipped with the reason.
func (s *Session) Organization(ctx context.Context, role string, sel Selection) ([]Target, []snapshot.SkippedAccount, error) {
	accounts, err := ListAccounts(ctx, NewOrganizations(s.cfg))
	if err != nil {
		return nil, nil, err
	}
	if len(accounts) == 0 {
		return nil, nil, fmt.Errorf("organizations:ListAccounts listed no account: the caller is not in an organization, or not its management account or a delegated administrator")
	}
	id, err := s.base.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return nil, nil, fmt.Errorf("sts:GetCallerIdentity: %w", err)
	}
	caller := aws.ToString(id.Account)
	slices.SortFunc(accounts, func(a, b OrgAccount) int { return strings.Compare(a.ID, b.ID) })
	var targets []Target
	var skipped []snapshot.SkippedAccount
	members := map[string]bool{}
	for _, a := range accounts {
		members[a.ID] = true
		if !sel.wants(a.ID) {
			continue
		}
		if !a.Active() {
			skipped = append(skipped, snapshot.SkippedAccount{AccountID: a.ID, Name: a.Name, State: a.State,
				Reason: fmt.Sprintf("the account is %s in the organization; no role can be assumed in it", a.State)})
			continue
		}
		if a.ID == caller {
			targets = append(targets, Target{API: NewSDK(s.cfg), Account: a.ID})
			continue
		}
		targets = append(targets, s.AssumeRole(fmt.Sprintf("arn:%s:iam::%s:role/%s", a.Partition(), a.ID, role)))
	}
	for _, id := range sortedKeys(sel.Named) {
		if !members[id] && !sel.Exclude[id] && sel.Shard.Holds(id) {
			skipped = append(skipped, snapshot.SkippedAccount{AccountID: id,
				Reason: fmt.Sprintf("named with %s, but not a member of the organization", sel.Named[id])})
		}
	}
	slices.SortFunc(skipped, func(a, b snapshot.SkippedAccount) int { return strings.Compare(a.AccountID, b.AccountID) })
	return targets, skipped, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// MaxShards bounds N in --shard K/N: more jobs than that is not a
// collection plan but a typo.
const MaxShards = 100_000

// parseShardPart reads one number of K/N.
func parseShardPart(s string) (uint64, bool) {
	if s == "" || strings.TrimLeft(s, "0123456789") != "" || (len(s) > 1 && s[0] == '0') {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil
}
