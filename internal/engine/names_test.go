package engine

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/trailwatch/trailwatch/internal/snapshot"
)

// The renamer replaces as strings.Replacer does with the longest names
// first: at each place the longest name that begins there, left to right,
// without overlaps; a text without names is given back as it is.
func TestRenamer(t *testing.T) {
	from := []string{"acme-trail", "acme-trail-logs", "/acme/logs", "logs-acme", "acme"}
	to := []string{"T", "TL", "LG", "LA", "A"}
	r := newRenamer(from, to)
	for in, want := range map[string]string{
		"trail acme-trail-logs, acme-trail and acme": "trail TL, T and A",
		"arn:aws:logs:::log-group:/acme/logs:*":      "arn:aws:logs:::log-group:LG:*",
		"logs-acme-trail":                            "LA-trail",
		"nothing here":                               "nothing here",
		"":                                           "",
		"acm":                                        "acm",
	} {
		if got := r.Replace(in); got != want {
			t.Errorf("Replace(%q) = %q, want %q", in, got, want)
		}
		if got := string(r.ReplaceBytes([]byte(in))); got != want {
			t.Errorf("ReplaceBytes(%q) = %q, want %q", in, got, want)
		}
	}
	// Against strings.Replacer, on texts made of pieces of the names.
	order := []int{0, 1, 2, 3, 4}
	slices.SortStableFunc(order, func(x, y int) int { return len(from[y]) - len(from[x]) })
	var pairs []string
	for _, i := range order {
		pairs = append(pairs, from[i], to[i])
	}
	std := strings.NewReplacer(pairs...)
	pieces := []string{"acme", "-", "trail", "logs", "/", ":", " ", "a", "cme"}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		var b strings.Builder
		for range rng.IntN(12) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		in := b.String()
		if got, want := r.Replace(in), std.Replace(in); got != want {
			t.Fatalf("Replace(%q) = %q, strings.Replacer gives %q", in, got, want)
		}
	}
}

// Resource policies whose wildcards could match part of a name, and
// selectors by a prefix that ends inside one, keep an account's names.
func TestPartialMatchers(t *testing.T) {
	for policy, blind := range map[string]bool{
		`{"Resource":"arn:aws:sns:us-east-1:111122223333:*"}`:            true,
		`{"Resource":"*","Principal":{"AWS":"*"}}`:                       true,
		`{"Resource":"arn:aws:sns:*:*:alerts"}`:                          true,
		`{"Resource":"arn:aws:sns:us-east-1:111122223333:team-*"}`:       false,
		`{"Resource":"arn:aws:sns:us-east-1:111122223333:?lerts"}`:       false,
		`{"Condition":{"StringEqualsIgnoreCase":{"aws:SourceArn":"x"}}}`: false,
	} {
		if got := blindWildcards(policy); got != blind {
			t.Errorf("blindWildcards(%s) = %v, want %v", policy, got, blind)
		}
	}
	for _, c := range []struct {
		values  []string
		partial bool
	}{
		{[]string{"arn:aws:s3"}, false},
		{[]string{"arn:aws:s3:::audit-logs/"}, false},
		{[]string{"arn:aws:s3:::audit"}, true},
	} {
		es := &snapshot.EventSelectors{EventSelectors: []snapshot.EventSelector{{DataResources: []snapshot.DataResource{{Type: "AWS::S3::Object", Values: c.values}}}}}
		if got := partialSelectors(es); got != c.partial {
			t.Errorf("selectors of %v: partial %v, want %v", c.values, got, c.partial)
		}
		adv := &snapshot.EventSelectors{AdvancedEventSelectors: []snapshot.AdvancedEventSelector{{FieldSelectors: []snapshot.FieldSelector{{Field: "resources.ARN", StartsWith: c.values}}}}}
		if got := partialSelectors(adv); got != c.partial {
			t.Errorf("advanced selectors starting with %v: partial %v, want %v", c.values, got, c.partial)
		}
	}
}
