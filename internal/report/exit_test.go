package report

import "testing"

// A run that decided nothing (every result ERROR before waivers) exits 2,
// however many of its ERRORs waivers accept; one decided result is
// enough to be judged by the others.
func TestExitCodeOfARunThatDecidedNothing(t *testing.T) {
	waivedError := Result{ControlID: "a", AccountID: "111122223333", Status: Waived, Was: Error}
	for _, c := range []struct {
		name    string
		results []Result
		want    int
	}{
		{"every ERROR waived", []Result{waivedError, {ControlID: "b", AccountID: "111122223333", Status: Waived, Was: Error}}, 2},
		{"a PASS beside", []Result{waivedError, {ControlID: "b", AccountID: "111122223333", Status: Pass}}, 0},
		{"a waived FAIL beside", []Result{waivedError, {ControlID: "b", AccountID: "111122223333", Status: Waived, Was: Fail}}, 0},
		{"no results", nil, 2},
	} {
		if got := New("trailwatch", "test", nil, c.results).ExitCode(); got != c.want {
			t.Errorf("%s: exit %d, want %d", c.name, got, c.want)
		}
	}
}
