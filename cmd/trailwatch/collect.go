package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/trailwatch/trailwatch/collector"
	"github.com/trailwatch/trailwatch/internal/snapshot"
)

const collectSynopsis = "collect [--profile NAME] [--region R]... [--all-regions] [--endpoint-url URL] [--role-arn ARN]... | [--organization-role NAME [--account ID]... [--exclude-account ID]... [--accounts-file FILE]] [--shard K/N] [-o FILE|-]"

func runCollect(ctx context.Context, args []string, s streams) error {
	fs := newFlagSet("collect", collectSynopsis, s)
	profile := fs.String("profile", "", "use this profile from the shared AWS config and credentials files")
	var regions, roles multiFlag
	fs.Var(&regions, "region", "a region to read (repeatable); default: the profile's or AWS_REGION")
	allRegions := fs.Bool("all-regions", false, "read every region enabled for each account (ec2:DescribeRegions)")
	endpoint := fs.String("endpoint-url", "", "send every call to this endpoint (an emulator such as moto); AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> work too")
	fs.Var(&roles, "role-arn", "assume this role and read its account (repeatable: one snapshot holds them all)")
	orgRole := fs.String("organization-role", "", "list the organization's accounts (organizations:ListAccounts) and read each ACTIVE one by assuming this role `NAME` in it")
	var only, exclude multiFlag
	fs.Var(&only, "account", "with --organization-role: read only this account `ID` (repeatable)")
	fs.Var(&exclude, "exclude-account", "with --organization-role: do not read this account `ID` (repeatable)")
	accountsFile := fs.String("accounts-file", "", "with --organization-role: read only the account ids in this `FILE` (one per line; # starts a comment)")
	shardFlag := fs.String("shard", "", "read only the accounts of shard `K/N` (by a hash of the account id), to collect an organization in N jobs")
	output := fs.String("o", "-", "write the snapshot to `FILE` (atomically), or - for standard output")
	keep := fs.Bool("keep-endpoints", false, "keep SNS subscription endpoints (e-mail addresses, URLs) instead of redacting them")
	quiet := fs.Bool("quiet", false, "no progress on standard error")
	concurrency := fs.Int("concurrency", 8, "API calls in flight at once, across accounts and regions (1: sequential)")
	callTimeout := fs.Duration("call-timeout", 30*time.Second, "give up on one API call after this long")
	maxAttempts := fs.Int("max-attempts", 5, "attempts per API call, retries of throttling and server errors included")
	maxBackoff := fs.Duration("retry-max-backoff", 20*time.Second, "longest wait between attempts")
	rest, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageError("collect takes no arguments; unexpected %q", rest[0])
	}
	if *concurrency < 1 || *maxAttempts < 1 {
		return usageError("--concurrency and --max-attempts must be at least 1")
	}
	if err := checkDashO(*output); err != nil {
		return err
	}
	var guard outputGuard
	guard.reads("--accounts-file", *accountsFile)
	if err := guard.writes("-o", *output); err != nil {
		return err
	}
	if err := collector.CheckRegions(regions); err != nil {
		return usageError("--%v", err)
	}
	for _, r := range roles {
		if err := collector.CheckRoleARN(r); err != nil {
			return usageError("--role-arn %v", err)
		}
	}
	sel, err := accountSelection(ctx, *orgRole, roles, only, exclude, *accountsFile, *shardFlag)
	if err != nil {
		return err
	}

	first := ""
	if len(regions) > 0 {
		first = regions[0]
	}
	session, err := collector.NewSession(ctx, collector.SessionOptions{
		Profile: *profile, Region: first, EndpointURL: *endpoint, MaxAttempts: *maxAttempts, MaxBackoff: *maxBackoff,
	})
	if errors.Is(err, collector.ErrNoRegion) {
		return usageError("%v", err)
	}
	if err != nil {
		return err
	}
	if len(regions) == 0 && !*allRegions {
		regions = multiFlag{session.Region()}
	}

	var targets []collector.Target
	var skipped []snapshot.SkippedAccount
	switch {
	case *orgRole != "":
		targets, skipped, err = session.Organization(ctx, *orgRole, sel)
		if err != nil {
			return err
		}
		reportSkipped(s.stderr, skipped)
	case len(roles) > 0:
		targets = session.Roles(roles, sel.Shard)
	default:
		targets = []collector.Target{session.Self()}
	}
	if len(targets) == 0 && len(skipped) == 0 {
		if *shardFlag == "" {
			return fmt.Errorf("no account to read: --account, --exclude-account and --accounts-file leave none of the organization's")
		}
		// A small organization leaves some of N shards empty: the empty
		// snapshot says so, and evaluate takes it with the others.
		fmt.Fprintf(s.stderr, "trailwatch: shard %s holds no account of the organization\n", *shardFlag)
	}

	prog := newProgress(s.stderr, *quiet, isTerminal(s.stderr), len(targets))
	snap, stats, err := collector.Collect(ctx, targets, collector.Options{
		Regions:         regions,
		AllRegions:      *allRegions,
		BootstrapRegion: session.Region(),
		KeepEndpoints:   *keep,
		Concurrency:     *concurrency,
		CallTimeout:     *callTimeout,
		Generator:       "trailwatch " + toolVersion(),
		Progress:        prog.update,
		AccountDone:     prog.accountDone,
	})
	prog.done()
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return fmt.Errorf("interrupted; no snapshot written")
		}
		return err
	}
	snap.Skipped = skipped
	data, err := snap.Marshal()
	if err != nil {
		return fmt.Errorf("encode snapshot: %w", err)
	}
	if err := writeOutput(*output, data, s.stdout, "snapshot"); err != nil {
		return err
	}

	failures := failedCalls(snap)
	if !*quiet {
		calls := 0
		for _, n := range stats.Calls {
			calls += n
		}
		regionsRead := 0
		for _, a := range snap.Accounts {
			regionsRead += len(a.Regions)
		}
		fmt.Fprintf(s.stderr, "trailwatch: read %s and %s with %d calls", plural(len(snap.Accounts), "account"), plural(regionsRead, "region"), calls)
		if !toStdout(*output) {
			fmt.Fprintf(s.stderr, "; wrote %s", *output)
		}
		fmt.Fprintln(s.stderr)
	}
	if len(failures) > 0 {
		fmt.Fprintf(s.stderr, "trailwatch: %d calls failed; each is recorded in the snapshot, and evaluate will not pass what they would have shown:\n", len(failures))
		for _, f := range failures {
			fmt.Fprintf(s.stderr, "  %s\n", f)
		}
		return silentExit(exitFailed)
	}
	return nil
}

// failedCalls lists the calls a snapshot records as failed, one line
// each. A NotFound is an answer (the resource named does not exist), kept
// in the snapshot as evidence but not a failure to collect.
func failedCalls(snap *snapshot.Snapshot) []string {
	var out []string
	line := func(acct string, e snapshot.CallError) string {
		where := e.Region
		if e.Resource != "" {
			where += " " + e.Resource
		}
		return strings.TrimSpace(fmt.Sprintf("account %s: %s %s %s: %s: %s", acct, e.Service, e.Operation, where, e.ErrorCode, firstLine(e.Message)))
	}
	for _, a := range snap.Accounts {
		errs := slices.Clone(a.Errors)
		for _, r := range a.Regions {
			errs = append(errs, r.Errors...)
		}
		for _, e := range errs {
			if !e.NotFound() { // AWS answered: that resource does not exist
				out = append(out, line(a.AccountID, e))
			}
		}
	}
	return out
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 200 {
		s = s[:197] + "..."
	}
	return s
}

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
