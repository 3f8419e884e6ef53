package report_test

import "testing"

// The text and JSON renderings of every example, as whole golden files
// (the other formats have tests of their own, which render their goldens
// too).
func TestTextAndJSON(t *testing.T) {
	render(t, "text", ".txt")
	render(t, "json", ".json")
}
