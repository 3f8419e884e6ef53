package report

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// sortResults gives what a stable sort by control, then account, gives:
// results with both alike keep their order (their reasons tell them apart
// here); and orderBy, the order the text report lists them in, what a
// stable sort by account, then control, gives.
func TestSortResultsIsStable(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 2, 7, 100, 5000} {
		results := make([]Result, n)
		for i := range results {
			results[i] = Result{
				ControlID: fmt.Sprintf("control-%d", rng.IntN(5)),
				AccountID: fmt.Sprintf("%012d", rng.IntN(8)),
				Reason:    fmt.Sprintf("result %d", i),
			}
		}
		byAccount := slices.Clone(results)
		slices.SortStableFunc(byAccount, func(a, b Result) int {
			return cmp.Or(strings.Compare(a.AccountID, b.AccountID), strings.Compare(a.ControlID, b.ControlID))
		})
		order := orderBy(results, func(r *Result) string { return r.AccountID }, func(r *Result) string { return r.ControlID })
		for i, j := range order {
			if results[j].Reason != byAccount[i].Reason {
				t.Fatalf("%d results by account: at %d, %q, want %q", n, i, results[j].Reason, byAccount[i].Reason)
			}
		}
		want := slices.Clone(results)
		slices.SortStableFunc(want, func(a, b Result) int {
			return cmp.Or(strings.Compare(a.ControlID, b.ControlID), strings.Compare(a.AccountID, b.AccountID))
		})
		sortResults(results)
		for i := range want {
			if results[i].Reason != want[i].Reason {
				t.Fatalf("%d results: at %d, %q, want %q", n, i, results[i].Reason, want[i].Reason)
			}
		}
	}
}
