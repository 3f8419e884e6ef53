package waiver

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/trailwatch/trailwatch/internal/report"
)

// Apply judges results against waivers on the day today (UTC): a result
// whose status a waiver covers, in an account, region and resource the
// waiver names, becomes WAIVED while the waiver applies (through its
// expires day). Once it has expired the result keeps its status and says
// so. The first waiver in order that matches is the one that counts.
//
// It also says which waivers expire within warnDays days of today, which
// have expired, and which apply but accepted nothing. The results are
// changed in place and returned.
func Apply(results []report.Result, ws []report.Waiver, today time.Time, warnDays int) ([]report.Result, *report.Waivers) {
	day := today.UTC().Truncate(24 * time.Hour)
	status := &report.Waivers{Today: day.Format(DateLayout), Expiring: []report.Waiver{}, Expired: []report.Waiver{}, Unused: []report.Waiver{}}
	active := make([]bool, len(ws))
	used := make([]bool, len(ws))
	for i, w := range ws {
		last, _ := time.Parse(DateLayout, w.Expires)
		active[i] = !day.After(last)
		switch {
		case !active[i]:
			status.Expired = append(status.Expired, w)
		case !last.After(day.AddDate(0, 0, warnDays)):
			status.Expiring = append(status.Expiring, w)
		}
	}
	for ri := range results {
		r := &results[ri]
		var expired *report.Waiver
		for i := range ws {
			w := &ws[i]
			if !matches(w, r) {
				continue
			}
			if active[i] {
				used[i] = true
				r.Was, r.Status = r.Status, report.Waived
				r.Waiver = w
				expired = nil
				break
			}
			if expired == nil {
				expired = w
			}
		}
		if expired != nil {
			r.Waiver = expired
			r.Reason += fmt.Sprintf("; waiver expired on %s (%s, %s)", expired.Expires, expired.Owner, expired.Reason)
		}
	}
	for i, w := range ws {
		if active[i] && !used[i] {
			status.Unused = append(status.Unused, w)
		}
	}
	return results, status
}

// matches tells whether a waiver covers a result: its control and status,
// an account it names, and, when it names them, one of its regions and
// one of its resources.
func matches(w *report.Waiver, r *report.Result) bool {
	if w.Control != r.ControlID || !slices.Contains(w.Statuses, r.Status) {
		return false
	}
	if !slices.Contains(w.Accounts, "*") && !slices.Contains(w.Accounts, r.AccountID) {
		return false
	}
	if len(w.Regions) > 0 && !slices.ContainsFunc(r.Resources, func(rs report.Resource) bool { return slices.Contains(w.Regions, rs.Region) }) {
		return false
	}
	if len(w.Resources) > 0 && !slices.ContainsFunc(r.Resources, func(rs report.Resource) bool {
		return slices.ContainsFunc(w.Resources, func(pattern string) bool { return glob(pattern, rs.ID) })
	}) {
		return false
	}
	return true
}

// glob matches s against a pattern in which * stands for any run of
// characters (ARNs hold slashes and colons, which path.Match would treat
// apart).
func glob(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == s
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return strings.HasSuffix(s, parts[len(parts)-1])
}
