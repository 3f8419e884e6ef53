package snapshot

import (
	"fmt"
	"slices"
	"time"
)

// Source is a snapshot with the name it was read from.
type Source struct {
	Name     string
	Snapshot *Snapshot
}

// Merge joins snapshots into one organization: accounts with the same id
// merge their regions. The same region of the same account in two
// snapshots is refused, as two readings of one thing that may disagree.
// The merged collected_at is the latest of the inputs', and each account
// and trail keeps the file and line it was read from (PlaceOf).
func Merge(sources []Source) (*Snapshot, error) {
	out := &Snapshot{FormatVersion: FormatVersion, Accounts: []Account{}, places: map[string]Place{}, collectedAt: map[string]string{}}
	accounts := map[string]int{}
	regions := map[[2]string]string{}
	for _, src := range sources {
		for _, a := range src.Snapshot.Accounts {
			if c := src.Snapshot.CollectedAtOf(a.AccountID); c != "" {
				later, err := laterTime(c, out.collectedAt[a.AccountID])
				if err != nil {
					return nil, &Error{File: src.Name, Path: "$.collected_at", Msg: err.Error()}
				}
				out.collectedAt[a.AccountID] = later
			}
			i, ok := accounts[a.AccountID]
			if !ok {
				i = len(out.Accounts)
				accounts[a.AccountID] = i
				out.Accounts = append(out.Accounts, Account{AccountID: a.AccountID, CallerArn: a.CallerArn})
			}
			acc := &out.Accounts[i]
			acc.Errors = append(acc.Errors, a.Errors...)
			for _, b := range a.S3Buckets {
				if slices.ContainsFunc(acc.S3Buckets, func(x S3Bucket) bool { return x.Name == b.Name }) {
					return nil, &Error{File: src.Name, Msg: fmt.Sprintf("account %s bucket %s is in two snapshots; evaluate one reading of each bucket", a.AccountID, b.Name)}
				}
				acc.S3Buckets = append(acc.S3Buckets, b)
			}
			if a.S3PublicAccessBlock != nil {
				if acc.S3PublicAccessBlock != nil {
					return nil, &Error{File: src.Name, Msg: fmt.Sprintf("account %s has its S3 Block Public Access settings in two snapshots; evaluate one reading of them", a.AccountID)}
				}
				acc.S3PublicAccessBlock = a.S3PublicAccessBlock
			}
			for _, r := range a.Regions {
				key := [2]string{a.AccountID, r.Region}
				if first, dup := regions[key]; dup {
					return nil, &Error{File: src.Name, Msg: fmt.Sprintf("account %s region %s is also in %s; evaluate one reading of each region", a.AccountID, r.Region, first)}
				}
				regions[key] = src.Name
				acc.Regions = append(acc.Regions, r)
			}
		}
		for _, sk := range src.Snapshot.Skipped {
			if !slices.ContainsFunc(out.Skipped, func(x SkippedAccount) bool { return x.AccountID == sk.AccountID }) {
				out.Skipped = append(out.Skipped, sk)
			}
		}
		for k, p := range src.Snapshot.places {
			if _, ok := out.places[k]; !ok {
				out.places[k] = p
			}
		}
		if c := src.Snapshot.CollectedAt; c != "" {
			later, err := laterTime(c, out.CollectedAt)
			if err != nil {
				return nil, &Error{File: src.Name, Path: "$.collected_at", Msg: err.Error()}
			}
			out.CollectedAt = later
		}
	}
	out.Normalize()
	return out, nil
}

// laterTime is the later of two RFC 3339 times (b may be empty): a report
// is as recent as its most recent reading.
func laterTime(a, b string) (string, error) {
	ta, err := time.Parse(time.RFC3339Nano, a)
	if err != nil {
		return "", fmt.Errorf("collected_at %q is not an RFC 3339 time", a)
	}
	if b == "" {
		return a, nil
	}
	tb, err := time.Parse(time.RFC3339Nano, b)
	if err != nil || ta.After(tb) {
		return a, nil
	}
	return b, nil
}
