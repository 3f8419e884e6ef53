// Package collector owns reading AWS into a snapshot: for each account and
// region, the trails with their status and event selectors, the metric
// filters of the log groups they deliver to, the metric alarms, and the SNS
// topics those alarms notify with their subscriptions. Every call that
// fails is recorded in the snapshot, never dropped.
//
// The evidence chain decides where to look: a trail's home region, its log
// group's region and an alarm's topic's region are read even when the user
// did not list them. Calls go through narrow interfaces over the SDK
// clients (clients.go), one file per service.
package collector

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/trailwatch/trailwatch/internal/snapshot"
)

// Target is one account to read: the API built from its credentials and,
// when it was reached by assuming a role, that role's ARN and account.
type Target struct {
	API     API
	RoleARN string // empty for the caller's own account
	Account string // the account RoleARN names; empty when unknown
}

// Options shape a collection run.
type Options struct {
	// Regions to read in each account. With AllRegions, the regions enabled
	// for each account (ec2:DescribeRegions) are read instead, asked in
	// BootstrapRegion.
	Regions         []string
	AllRegions      bool
	BootstrapRegion string
	// KeepEndpoints keeps SNS subscription endpoints, which are otherwise
	// redacted: e-mail addresses are personal data, HTTPS URLs may carry
	// tokens.
	KeepEndpoints bool
	// Concurrency bounds the calls in flight across all accounts and
	// regions; 1 collects sequentially.
	Concurrency int
	// CallTimeout bounds each API call (each page of a paged one).
	CallTimeout time.Duration
	// Generator names the program, for the snapshot.
	Generator string
	// Now stamps the snapshot; time.Now when nil.
	Now func() time.Time
	// Progress, when set, is told as work is done.
	Progress func(Progress)
	// AccountDone, when set, is told of each account as it is finished.
	AccountDone func(AccountDone)
}

// AccountDone is one account, read: how many regions, and how many calls
// failed there (the failures are in the snapshot).
type AccountDone struct {
	Account string
	Regions int
	Failed  int
	// Done and Total count the accounts finished so far and in all.
	Done, Total int
}

// Progress counts what a run has done so far.
type Progress struct {
	Accounts, AccountsDone int
	Regions, RegionsDone   int
	Calls, Failed          int
}

// Stats counts the calls a run made, by "service:Operation".
type Stats struct {
	Calls  map[string]int
	Failed int
}

// CheckRegions refuses a region list that would record failures with no
// region or the same region twice: an empty or malformed name, or one
// given twice.
func CheckRegions(regions []string) error {
	seen := map[string]bool{}
	for _, r := range regions {
		if !snapshot.IsRegion(r) {
			return fmt.Errorf("region %q is not a region name (such as us-east-1)", r)
		}
		if seen[r] {
			return fmt.Errorf("region %s given twice", r)
		}
		seen[r] = true
	}
	return nil
}

// Redacted replaces SNS subscription endpoints in snapshots.
const Redacted = "<redacted>"

// Collect reads every target and returns the snapshot, with failed calls
// recorded in it. It returns an error only for options it cannot act on
// (see CheckRegions) and when the context ends: an interrupted run yields no
// snapshot.
func Collect(ctx context.Context, targets []Target, opts Options) (*snapshot.Snapshot, Stats, error) {
	if err := CheckRegions(opts.Regions); err != nil {
		return nil, Stats{}, err
	}
	if opts.Concurrency < 1 {
		opts.Concurrency = 1
	}
	if opts.CallTimeout <= 0 {
		opts.CallTimeout = 30 * time.Second
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	r := &run{
		opts:  opts,
		sem:   make(chan struct{}, opts.Concurrency),
		stats: map[string]int{},
	}
	r.progress.Accounts = len(targets)
	runs := make([]*accountRun, len(targets))
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Go(func() {
			runs[i] = r.account(ctx, t)
			var done, total int
			r.update(func(p *Progress) {
				p.AccountsDone++
				done, total = p.AccountsDone, p.Accounts
			})
			if opts.AccountDone != nil && ctx.Err() == nil {
				a := runs[i].record()
				failed := len(a.Errors)
				for _, reg := range a.Regions {
					failed += len(reg.Errors)
				}
				opts.AccountDone(AccountDone{Account: a.AccountID, Regions: len(a.Regions), Failed: failed, Done: done, Total: total})
			}
		})
	}
	wg.Wait()
	crossAccount(ctx, runs)
	bootstrap := opts.BootstrapRegion
	if bootstrap == "" && len(opts.Regions) > 0 {
		bootstrap = opts.Regions[0]
	}
	unreadBuckets(ctx, runs, s3Region(bootstrap))
	if err := ctx.Err(); err != nil {
		return nil, Stats{}, err
	}
	accounts := make([]snapshot.Account, len(runs))
	for i, a := range runs {
		accounts[i] = a.record()
	}
	for _, a := range accounts {
		if a.AccountID == "" {
			// The caller's own identity is unknown: there is no account to
			// file anything under.
			e := a.Errors[0]
			return nil, Stats{}, fmt.Errorf("cannot tell which account the credentials belong to: %s %s failed: %s: %s", e.Service, e.Operation, e.ErrorCode, e.Message)
		}
	}
	snap := &snapshot.Snapshot{
		FormatVersion: snapshot.FormatVersion,
		Generator:     opts.Generator,
		CollectedAt:   now().UTC().Format(time.RFC3339),
		Accounts:      mergeAccounts(accounts),
	}
	snap.Normalize()
	r.mu.Lock()
	defer r.mu.Unlock()
	return snap, Stats{Calls: r.stats, Failed: r.progress.Failed}, nil
}

// mergeAccounts joins targets that turned out to be the same account (the
// same role given twice, or a role into the caller's own account).
func mergeAccounts(in []snapshot.Account) []snapshot.Account {
	var out []snapshot.Account
	for _, a := range in {
		i := slices.IndexFunc(out, func(b snapshot.Account) bool { return b.AccountID == a.AccountID })
		if i < 0 {
			out = append(out, a)
			continue
		}
		out[i].Errors = append(out[i].Errors, a.Errors...)
		for _, b := range a.S3Buckets {
			if !slices.ContainsFunc(out[i].S3Buckets, func(x snapshot.S3Bucket) bool { return x.Name == b.Name }) {
				out[i].S3Buckets = append(out[i].S3Buckets, b)
			}
		}
		if out[i].S3PublicAccessBlock == nil {
			out[i].S3PublicAccessBlock = a.S3PublicAccessBlock
		}
		for _, reg := range a.Regions {
			if !slices.ContainsFunc(out[i].Regions, func(x snapshot.Region) bool { return x.Region == reg.Region }) {
				out[i].Regions = append(out[i].Regions, reg)
			}
		}
	}
	return out
}

// run is one collection: the bound on calls in flight, the counters.
type run struct {
	opts     Options
	sem      chan struct{}
	mu       sync.Mutex
	progress Progress
	stats    map[string]int
}

func (r *run) update(f func(*Progress)) {
	r.mu.Lock()
	f(&r.progress)
	p := r.progress
	r.mu.Unlock()
	if r.opts.Progress != nil {
		r.opts.Progress(p)
	}
}

// call makes one API call within the concurrency bound and the per-call
// timeout, and counts it.
func call[T any](ctx context.Context, r *run, service, op string, f func(context.Context) (T, error)) (T, error) {
	select {
	case r.sem <- struct{}{}:
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
	defer func() { <-r.sem }()
	cctx, cancel := context.WithTimeout(ctx, r.opts.CallTimeout)
	defer cancel()
	out, err := f(cctx)
	r.update(func(p *Progress) {
		p.Calls++
		if err != nil && ctx.Err() == nil {
			p.Failed++
		}
	})
	r.mu.Lock()
	r.stats[service+":"+op]++
	r.mu.Unlock()
	if err != nil && ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
		err = &timeoutError{after: r.opts.CallTimeout, err: err}
	}
	return out, err
}

type timeoutError struct {
	after time.Duration
	err   error
}

func (e *timeoutError) Error() string {
	return "no answer within " + e.after.String() + ": " + e.err.Error()
}
func (e *timeoutError) Unwrap() error { return e.err }
