package report_test

import "testing"

// The text rendering of every example, as whole golden files (the other
// formats have tests of their own, which render their goldens too; JSON is
// the inputs' own format, TestJSONRoundTrip).
func TestText(t *testing.T) {
	render(t, "text", ".txt")
}
