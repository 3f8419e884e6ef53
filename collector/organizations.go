package collector

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/smithy-go"
	"github.com/trailwatch/trailwatch/internal/awsarn"
)

// OrganizationsAPI is the slice of the Organizations client the collector
// calls: listing the organization's accounts (from the management account
// or a delegated administrator).
type OrganizationsAPI interface {
	organizations.ListAccountsAPIClient
}

// NewOrganizations is an OrganizationsAPI from an SDK configuration.
// Organizations is a global service; the SDK sends it to its partition's
// endpoint whatever the configured region.
func NewOrganizations(cfg aws.Config) OrganizationsAPI {
	return organizations.NewFromConfig(cfg)
}

// OrgAccount is an account as organizations:ListAccounts lists it.
type OrgAccount struct {
	ID, Name, ARN string
	// State is ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED or
	// PENDING_ACTIVATION (the older Status field where State is absent).
	State string
}

// Active tells whether an account can be read: only ACTIVE ones can.
func (a OrgAccount) Active() bool { return a.State == "ACTIVE" }

// Partition is the partition of the account's ARN (aws, aws-cn,
// aws-us-gov), aws when the ARN says none.
func (a OrgAccount) Partition() string {
	if p := awsarn.Partition(a.ARN); p != "" {
		return p
	}
	return "aws"
}

// ListAccounts lists every account of the organization, all pages. It
// fails, saying why, when the caller can list none: not the management
// account nor a delegated administrator, or no organization at all.
func ListAccounts(ctx context.Context, api OrganizationsAPI) ([]OrgAccount, error) {
	var out []OrgAccount
	pages := organizations.NewListAccountsPaginator(api, &organizations.ListAccountsInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, orgError(err)
		}
		for _, a := range page.Accounts {
			state := string(a.State)
			if state == "" {
				state = string(a.Status)
			}
			out = append(out, OrgAccount{ID: aws.ToString(a.Id), Name: aws.ToString(a.Name), ARN: aws.ToString(a.Arn), State: state})
		}
	}
	return out, nil
}

func orgError(err error) error {
	var api smithy.APIError
	if errors.As(err, &api) {
		switch api.ErrorCode() {
		case "AccessDeniedException", "AccessDenied":
			return fmt.Errorf("organizations:ListAccounts was refused (%s): list the organization from its management account or a delegated administrator, with organizations:ListAccounts allowed", api.ErrorMessage())
		case "AWSOrganizationsNotInUseException":
			return fmt.Errorf("organizations:ListAccounts: the caller's account is not in an organization (%s)", api.ErrorMessage())
		}
		return fmt.Errorf("organizations:ListAccounts failed: %s: %s", api.ErrorCode(), api.ErrorMessage())
	}
	return fmt.Errorf("organizations:ListAccounts failed: %w", err)
}

// Shard is one of N parts of a set of accounts: K of N, counting from 1.
// An account's part depends only on its id, so it stays in its shard when
// others are added or removed.
type Shard struct{ K, N uint64 }

// ParseShard reads K/N with 1 <= K <= N <= MaxShards, each the integer it
// is written as (no sign, no leading zero, nothing after).
func ParseShard(s string) (Shard, error) {
	k, n, ok := strings.Cut(s, "/")
	K, okK := parseShardPart(k)
	N, okN := parseShardPart(n)
	if !ok || !okK || !okN {
		return Shard{}, fmt.Errorf("--shard %q: want K/N, such as 2/8 (the second of eight shards)", s)
	}
	if N < 1 || K < 1 || K > N {
		return Shard{}, fmt.Errorf("--shard %s: K must be from 1 to N, and N at least 1", s)
	}
	if N > MaxShards {
		return Shard{}, fmt.Errorf("--shard %s: at most %d shards", s, MaxShards)
	}
	return Shard{K: K, N: N}, nil
}

// Holds tells whether an account belongs to the shard: FNV-1a of its id,
// modulo N.
func (s Shard) Holds(account string) bool {
	if s.N <= 1 {
		return true
	}
	h := fnv.New32a()
	h.Write([]byte(account))
	return uint64(h.Sum32())%s.N == s.K-1
}
