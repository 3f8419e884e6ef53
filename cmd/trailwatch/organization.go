package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/schollz/progressbar/v3"

	"github.com/trailwatch/trailwatch/collector"
	"github.com/trailwatch/trailwatch/internal/fileio"
	"github.com/trailwatch/trailwatch/internal/snapshot"
)

// selection narrows the accounts collect reads.
type selection struct {
	only, exclude map[string]bool // empty only: every account
	shard         collector.Shard
}

func (s selection) wants(id string) bool {
	return (len(s.only) == 0 || s.only[id]) && !s.exclude[id] && s.shard.Holds(id)
}

// accountSelection checks the flags that choose accounts, before any call.
func accountSelection(orgRole string, roles, only, exclude []string, accountsFile, shard string) (selection, error) {
	sel := selection{only: map[string]bool{}, exclude: map[string]bool{}, shard: collector.Shard{K: 1, N: 1}}
	if orgRole != "" && len(roles) > 0 {
		return sel, usageError("--organization-role lists the accounts to read, --role-arn names them: give one or the other")
	}
	if orgRole == "" && (len(only) > 0 || len(exclude) > 0 || accountsFile != "") {
		return sel, usageError("--account, --exclude-account and --accounts-file choose among an organization's accounts: they need --organization-role")
	}
	if orgRole != "" && (strings.ContainsAny(orgRole, ":/ ") || !roleName.MatchString(orgRole)) {
		return sel, usageError("--organization-role %q: want a role name, such as OrganizationAccountAccessRole (trailwatch makes the ARN for each account)", orgRole)
	}
	if shard != "" {
		sh, err := collector.ParseShard(shard)
		if err != nil {
			return sel, usageError("%v", err)
		}
		if orgRole == "" && len(roles) == 0 {
			return sel, usageError("--shard splits the accounts of --organization-role or --role-arn; without either there is one account")
		}
		sel.shard = sh
	}
	add := func(to map[string]bool, flag string, ids []string) error {
		for _, id := range ids {
			if !accountID.MatchString(id) {
				return usageError("%s %q: an account id is 12 digits", flag, id)
			}
			to[id] = true
		}
		return nil
	}
	if err := add(sel.only, "--account", only); err != nil {
		return sel, err
	}
	if err := add(sel.exclude, "--exclude-account", exclude); err != nil {
		return sel, err
	}
	if accountsFile != "" {
		data, err := fileio.ReadBounded(context.Background(), accountsFile, 16<<20)
		if err != nil {
			return sel, usageError("--accounts-file: %v", err)
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		for line := 1; sc.Scan(); line++ {
			text, _, _ := strings.Cut(sc.Text(), "#")
			text = strings.TrimSpace(text)
			if text == "" {
				continue
			}
			if !accountID.MatchString(text) {
				return sel, usageError("%s:%d: %q is not an account id (12 digits)", accountsFile, line, text)
			}
			sel.only[text] = true
		}
		if len(sel.only) == 0 {
			return sel, usageError("%s: no account ids", accountsFile)
		}
	}
	return sel, nil
}

// organizationTargets lists the organization's accounts and makes a target
// of each ACTIVE one selected: the caller's own credentials for its own
// account, the role assumed in every other. Accounts that are not ACTIVE
// are skipped, with the reason, and recorded in the snapshot.
func organizationTargets(ctx context.Context, cfg aws.Config, base *sts.Client, role string, sel selection, assume func(string) collector.Target, s streams) ([]collector.Target, []snapshot.SkippedAccount, error) {
	accounts, err := collector.ListAccounts(ctx, collector.NewOrganizations(cfg))
	if err != nil {
		return nil, nil, err
	}
	if len(accounts) == 0 {
		return nil, nil, fmt.Errorf("organizations:ListAccounts listed no account: the caller is not in an organization, or not its management account or a delegated administrator")
	}
	id, err := base.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return nil, nil, fmt.Errorf("sts:GetCallerIdentity: %w", err)
	}
	caller := aws.ToString(id.Account)
	slices.SortFunc(accounts, func(a, b collector.OrgAccount) int { return strings.Compare(a.ID, b.ID) })
	var targets []collector.Target
	var skipped []snapshot.SkippedAccount
	for _, a := range accounts {
		if !sel.wants(a.ID) {
			continue
		}
		if !a.Active() {
			skipped = append(skipped, snapshot.SkippedAccount{AccountID: a.ID, Name: a.Name, State: a.State,
				Reason: fmt.Sprintf("the account is %s in the organization; no role can be assumed in it", a.State)})
			continue
		}
		if a.ID == caller {
			targets = append(targets, collector.Target{API: collector.NewSDK(cfg), Account: a.ID})
			continue
		}
		targets = append(targets, assume(fmt.Sprintf("arn:%s:iam::%s:role/%s", a.Partition(), a.ID, role)))
	}
	if len(skipped) > 0 {
		fmt.Fprintf(s.stderr, "trailwatch: skipping %d accounts that are not ACTIVE:", len(skipped))
		for _, sk := range skipped {
			fmt.Fprintf(s.stderr, " %s (%s)", sk.AccountID, sk.State)
		}
		fmt.Fprintln(s.stderr)
	}
	return targets, skipped, nil
}

// progress shows how a collection goes on standard error: on a terminal, a
// bar with accounts done of all, calls, failures, elapsed time and an
// estimate of the time left; elsewhere, one line per account; with
// --quiet, nothing.
type progress struct {
	w       io.Writer
	mu      sync.Mutex
	bar     *progressbar.ProgressBar
	lines   bool
	started time.Time
}

func newProgress(w io.Writer, quiet, terminal bool, accounts int) *progress {
	p := &progress{w: w, started: time.Now()}
	switch {
	case quiet:
	case terminal:
		p.bar = progressbar.NewOptions(accounts,
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetDescription("collecting"),
			progressbar.OptionShowCount(),
			progressbar.OptionSetItsString("accounts"),
			progressbar.OptionShowElapsedTimeOnFinish(),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
			progressbar.OptionFullWidth(),
		)
	default:
		p.lines = true
	}
	return p
}

func (p *progress) update(pr collector.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		p.bar.Describe(fmt.Sprintf("collecting: %d calls, %d failed", pr.Calls, pr.Failed))
	}
}

func (p *progress) accountDone(a collector.AccountDone) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case p.bar != nil:
		p.bar.Add(1)
	case p.lines:
		fmt.Fprintf(p.w, "trailwatch: account %s read (%d/%d): %s, %d failed calls; %s elapsed\n",
			a.Account, a.Done, a.Total, plural(a.Regions, "region"), a.Failed, time.Since(p.started).Round(time.Second))
	}
}

func (p *progress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		p.bar.Finish()
		p.bar.Clear()
	}
}
