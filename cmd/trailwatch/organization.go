package main

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/trailwatch/trailwatch/collector"
	"github.com/trailwatch/trailwatch/internal/fileio"
	"github.com/trailwatch/trailwatch/internal/snapshot"
)

// accountSelection checks the flags that choose accounts, before any call.
func accountSelection(ctx context.Context, orgRole string, roles, only, exclude []string, accountsFile, shard string) (collector.Selection, error) {
	sel := collector.Selection{Named: map[string]string{}, Exclude: map[string]bool{}, Shard: collector.Shard{K: 1, N: 1}}
	if orgRole != "" && len(roles) > 0 {
		return sel, usageError("--organization-role lists the accounts to read, --role-arn names them: give one or the other")
	}
	if orgRole == "" && (len(only) > 0 || len(exclude) > 0 || accountsFile != "") {
		return sel, usageError("--account, --exclude-account and --accounts-file choose among an organization's accounts: they need --organization-role")
	}
	if orgRole != "" {
		if err := collector.CheckRoleName(orgRole); err != nil {
			return sel, usageError("--organization-role %v", err)
		}
	}
	if shard != "" {
		sh, err := collector.ParseShard(shard)
		if err != nil {
			return sel, usageError("%v", err)
		}
		if orgRole == "" && len(roles) == 0 {
			return sel, usageError("--shard splits the accounts of --organization-role or --role-arn; without either there is one account")
		}
		sel.Shard = sh
	}
	for _, id := range only {
		if !collector.IsAccountID(id) {
			return sel, usageError("--account %q: an account id is 12 digits", id)
		}
		sel.Named[id] = "--account"
	}
	for _, id := range exclude {
		if !collector.IsAccountID(id) {
			return sel, usageError("--exclude-account %q: an account id is 12 digits", id)
		}
		sel.Exclude[id] = true
	}
	if accountsFile != "" {
		data, err := fileio.ReadBounded(ctx, accountsFile, 16<<20)
		if err != nil {
			return sel, usageError("--accounts-file: %v", err)
		}
		ids, err := collector.ParseAccountsFile(accountsFile, data)
		if err != nil {
			return sel, usageError("%v", err)
		}
		for _, id := range ids {
			if _, ok := sel.Named[id]; !ok {
				sel.Named[id] = accountsFile
			}
		}
	}
	return sel, nil
}

// reportSkipped says on standard error which accounts collect did not
// read, and why.
func reportSkipped(w io.Writer, skipped []snapshot.SkippedAccount) {
	if len(skipped) == 0 {
		return
	}
	fmt.Fprintf(w, "trailwatch: skipping %s:\n", plural(len(skipped), "account"))
	for _, sk := range skipped {
		fmt.Fprintf(w, "  %s: %s\n", sk.AccountID, sk.Reason)
	}
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
