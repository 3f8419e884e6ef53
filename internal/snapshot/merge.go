package snapshot

import "fmt"

// Source is a snapshot with the name it was read from.
type Source struct {
	Name     string
	Snapshot *Snapshot
}

// Merge joins snapshots into one organization: accounts with the same id
// merge their regions. The same region of the same account in two
// snapshots is refused, as two readings of one thing that may disagree.
func Merge(sources []Source) (*Snapshot, error) {
	out := &Snapshot{FormatVersion: FormatVersion, Accounts: []Account{}}
	accounts := map[string]int{}
	regions := map[[2]string]string{}
	for _, src := range sources {
		for _, a := range src.Snapshot.Accounts {
			i, ok := accounts[a.AccountID]
			if !ok {
				i = len(out.Accounts)
				accounts[a.AccountID] = i
				out.Accounts = append(out.Accounts, Account{AccountID: a.AccountID, CallerArn: a.CallerArn})
			}
			acc := &out.Accounts[i]
			acc.Errors = append(acc.Errors, a.Errors...)
			for _, r := range a.Regions {
				key := [2]string{a.AccountID, r.Region}
				if first, dup := regions[key]; dup {
					return nil, &Error{File: src.Name, Msg: fmt.Sprintf("account %s region %s is also in %s; evaluate one reading of each region", a.AccountID, r.Region, first)}
				}
				regions[key] = src.Name
				acc.Regions = append(acc.Regions, r)
			}
		}
		if c := src.Snapshot.CollectedAt; c != "" && (out.CollectedAt == "" || c < out.CollectedAt) {
			out.CollectedAt = c // the oldest reading bounds the evidence
		}
	}
	out.Normalize()
	return out, nil
}
