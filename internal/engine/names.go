package engine

import (
	"cmp"
	"fmt"
	"index/suffixarray"
	"maps"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/trailwatch/trailwatch/internal/awsarn"
	"github.com/trailwatch/trailwatch/internal/snapshot"
)

// Accounts whose things carry names of their own. Teams name their
// trails, log groups, filters, metrics, alarms, topics and buckets as they
// like; the policies join these things by name (a trail's log group, a
// filter's metric, an alarm's topic), compare names with names (sets and
// texts list them in order) and print them, and read nothing else in
// them. Two accounts whose evidence is the same once each of their names
// is replaced by a placeholder, wherever it stands, and whose names sort
// the same against the other names their inputs hold, therefore get the
// same verdicts with the names changed: the first account of such a class
// is judged with its own names, and the others take its results with
// every one of its names replaced by theirs (renamed, in org.go).
//
// Replacing a name wherever it stands, in the evidence as in the results,
// is exact only if nothing else holds it, and if no policy could match
// part of one. A name is replaced only if
//   - it is made of the characters a shell leaves alone (the policies
//     quote other names in commands), at least four of them, without a
//     colon (ARNs are split at colons); it is no region and no account id;
//   - it is no part of a string the policies or their data hold (a policy
//     may print or compare one), or of another account's evidence that the
//     account's input holds, and holds no string the policies search texts
//     for ("sourcearn", "alias/aws/");
//   - it is held by no other name of the input, and is no name the
//     policies could make of another, with their own strings around it
//     (a new log group is called "aws-cloudtrail-logs-" and the trail's
//     name);
// and an account's names are replaced only if none of its resource
// policies holds a wildcard that could match part of a name (a "*" or
// "?" that is not a whole value or segment of an ARN), none of its
// trails selects events by a prefix or suffix that ends inside a name,
// none of its subscriptions has a filter policy (which may test an
// alarm's name), and no condition compares while ignoring case.
//
// That the policies read nothing else in a name was checked for the
// built-in policies (their string functions read ARNs' prefixes, keys'
// aliases, selectors' prefixes and the word SourceArn in a policy, all
// covered above); a contributor's policy may read a name's prefix, so with
// policies from --policy accounts share a judgement only when they are
// alike up to their id (Policies.shareNames).
//
// Sorting: the placeholders are numbered in the order of the names' kinds
// and then of the names, and the key records, kind by kind, the order of
// the account's names among the other names of that kind in the input
// (the organization trail's, a log archive's), and which begins with
// which: a reason that lists a member's trail and the organization's lists
// them in the same order for every account of a class. Names are compared
// only with names of their kind, as far as the built-in policies go (a
// set of trails, a log group's filters); the byte-for-byte tests in
// org_test.go hold them to it. (Where the account's id falls among the
// other accounts' ids is in the key too: org.go.)

// placeholderName is the placeholder of the i-th name of an account, in
// their order, in the key: unlike any name a person gives.
func placeholderName(i int) string { return fmt.Sprintf("\x00name%d\x00", i) }

// isSafeName reports whether a name may be replaced: at least four of
// the characters a shell leaves alone, without a colon.
func isSafeName(name string) bool {
	if len(name) < 4 {
		return false
	}
	for i := range len(name) {
		c := name[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("_./=,@%+-", c) >= 0) {
			return false
		}
	}
	return true
}

// kind is what a name names, as a bit: a trail, a bucket, a log group, a
// filter, a metric, a namespace, an alarm, a topic.
type kind uint8

const (
	trailKind kind = 1 << iota
	bucketKind
	logGroupKind
	filterKind
	metricKind
	namespaceKind
	alarmKind
	topicKind
)

// nameSites are the names an account's evidence gives things, with their
// kinds: own, of the account's own things; other, of other accounts'
// things it names.
type nameSites struct {
	own, other map[string]kind
	// partial says a policy could read part of a name (see above).
	partial bool
}

// sitesOf finds the names in an account's evidence, id being the
// account's (every name is other's when id is "").
func sitesOf(a *snapshot.Account, id string) nameSites {
	s := nameSites{own: map[string]kind{}, other: map[string]kind{}}
	add := func(name, owner string, k kind) {
		if name == "" {
			return
		}
		if owner == id && id != "" {
			s.own[name] |= k
		} else {
			s.other[name] |= k
		}
	}
	arn := func(text string, k kind) string { // the ARN's owner, "" when none
		x, ok := awsarn.Parse(text)
		if !ok {
			return ""
		}
		name := x.Resource
		var prefix string
		switch k {
		case trailKind:
			prefix = "trail"
		case alarmKind:
			prefix = "alarm"
		case logGroupKind:
			prefix = "log-group"
		}
		if prefix != "" {
			rest, found := strings.CutPrefix(name, prefix)
			if !found || rest == "" || (rest[0] != '/' && rest[0] != ':') {
				return x.Account
			}
			name = strings.TrimSuffix(rest[1:], ":*")
		}
		add(name, x.Account, k)
		return x.Account
	}
	for _, r := range a.Regions {
		for _, t := range r.Trails {
			owner := arn(t.TrailARN, trailKind)
			add(t.Name, owner, trailKind)
			add(t.S3BucketName, owner, bucketKind)
			arn(t.CloudWatchLogsLogGroupArn, logGroupKind)
			arn(t.SnsTopicARN, topicKind)
			if es := t.GetEventSelectors; es != nil && partialSelectors(es) {
				s.partial = true
			}
		}
		for _, lg := range r.LogGroups {
			add(lg.LogGroupName, a.AccountID, logGroupKind)
			for _, f := range lg.MetricFilters {
				add(f.FilterName, a.AccountID, filterKind)
				for _, m := range f.MetricTransformations {
					add(m.MetricName, a.AccountID, metricKind)
					add(m.MetricNamespace, a.AccountID, namespaceKind)
				}
			}
		}
		for _, al := range r.MetricAlarms {
			owner := arn(al.AlarmArn, alarmKind)
			add(al.AlarmName, owner, alarmKind)
			add(al.MetricName, owner, metricKind)
			add(al.Namespace, owner, namespaceKind)
			for _, list := range [][]string{al.AlarmActions, al.OKActions, al.InsufficientDataActions} {
				for _, act := range list {
					arn(act, topicKind)
				}
			}
			for _, m := range al.Metrics {
				if m.MetricStat != nil {
					add(m.MetricStat.Metric.MetricName, owner, metricKind)
					add(m.MetricStat.Metric.Namespace, owner, namespaceKind)
				}
			}
		}
		for _, tp := range r.Topics {
			arn(tp.TopicArn, topicKind)
			if !blindWildcards(tp.Attributes["Policy"]) {
				s.partial = true
			}
			for _, sub := range tp.Subscriptions {
				if sub.Attributes["FilterPolicy"] != "" {
					s.partial = true
				}
			}
		}
		for _, k := range r.KMSKeys {
			if k.Policy != nil && !blindWildcards(*k.Policy) {
				s.partial = true
			}
		}
	}
	for _, b := range a.S3Buckets {
		add(b.Name, a.AccountID, bucketKind)
		if l := b.GetBucketLogging; l != nil && l.LoggingEnabled != nil {
			add(l.LoggingEnabled.TargetBucket, a.AccountID, bucketKind)
		}
	}
	return s
}

// partialSelectors reports whether a trail's event selectors match a
// resource by a prefix or suffix that could end inside a name.
func partialSelectors(es *snapshot.EventSelectors) bool {
	inside := func(v string) bool {
		return !strings.HasSuffix(v, "/") && !strings.HasSuffix(v, ":") && v != "arn:aws:s3" && v != "arn:aws:lambda"
	}
	for _, s := range es.EventSelectors {
		for _, d := range s.DataResources {
			if slices.ContainsFunc(d.Values, inside) {
				return true
			}
		}
	}
	for _, s := range es.AdvancedEventSelectors {
		for _, f := range s.FieldSelectors {
			if len(f.EndsWith)+len(f.NotEndsWith) > 0 || slices.ContainsFunc(f.StartsWith, inside) || slices.ContainsFunc(f.NotStartsWith, inside) {
				return true
			}
		}
	}
	return false
}

// blindWildcards reports whether every wildcard of a resource policy
// stands for the whole of a value or of an ARN's segment, so that it
// matches a name exactly when it matches any other, and whether no
// condition compares ignoring case.
func blindWildcards(policy string) bool {
	if strings.Contains(policy, "IgnoreCase") {
		return false
	}
	for i := 0; i < len(policy); i++ {
		if c := policy[i]; c != '*' && c != '?' {
			continue
		}
		before, after := byte('"'), byte('"')
		if i > 0 {
			before = policy[i-1]
		}
		if i+1 < len(policy) {
			after = policy[i+1]
		}
		if !strings.ContainsRune(`":/`, rune(before)) || !strings.ContainsRune(`":/\`, rune(after)) {
			return false
		}
	}
	return true
}

// names are an account's names that its key replaced, in their order,
// and where they fall among the other names of its input.
type names struct {
	real  []string
	order string
}

// ownNames picks the names of account a that may be replaced, with the
// policies pol, parts being the other accounts' parts its input holds.
func ownNames(a *snapshot.Account, pol *Policies, parts []*partInfo) names {
	s := sitesOf(a, a.AccountID)
	if s.partial {
		return names{}
	}
	for _, part := range parts {
		if part.partial || part.index == nil {
			return names{}
		}
	}
	var cand []string
	for name := range s.own {
		if !isSafeName(name) || s.other[name] != 0 || isAccountID(name) || len(pol.text.Lookup([]byte(name), 1)) > 0 || snapshot.IsRegion(name) {
			continue
		}
		if slices.ContainsFunc(parts, func(p *partInfo) bool { return len(p.index.Lookup([]byte(name), 1)) > 0 }) {
			continue
		}
		if lower := strings.ToLower(name); slices.ContainsFunc(pol.needles, func(n string) bool { return strings.Contains(lower, n) }) {
			continue
		}
		cand = append(cand, name)
	}
	slices.Sort(cand)
	// Every name of the input, with its kinds: to tell which names are
	// held by another (a name would be replaced inside it) or could be
	// made of another by the policies ("aws-cloudtrail-logs-" and a
	// trail's name), and where the replaced ones sort among the others.
	input := map[string]kind{}
	for _, names := range []map[string]kind{s.own, s.other} {
		for name, k := range names {
			input[name] |= k
		}
	}
	for _, p := range parts {
		for name, k := range p.names {
			input[name] |= k
		}
	}
	inPolicy := func(text string) bool { return text == "" || len(pol.text.Lookup([]byte(text), 1)) > 0 }
	// related: other holds name, or name is what a policy could make of
	// other, with the policies' strings around it.
	related := func(name, other string) bool {
		if other == name {
			return false
		}
		if strings.Contains(other, name) {
			return true
		}
		for at := 0; ; at++ {
			k := strings.Index(name[at:], other)
			if k < 0 {
				return false
			}
			at += k
			if inPolicy(name[:at]) && inPolicy(name[at+len(other):]) {
				return true
			}
		}
	}
	all := slices.Collect(maps.Keys(input))
	var out names
	for _, name := range cand {
		if !slices.ContainsFunc(all, func(other string) bool { return related(name, other) }) {
			out.real = append(out.real, name)
		}
	}
	if len(out.real) == 0 {
		return names{}
	}
	// Placeholders are numbered in the order of the names' kinds, then of
	// the names.
	slices.SortFunc(out.real, func(x, y string) int {
		if c := cmp.Compare(s.own[x], s.own[y]); c != 0 {
			return c
		}
		return strings.Compare(x, y)
	})
	number := make(map[string]int, len(out.real))
	for i, name := range out.real {
		number[name] = i
	}
	// For each kind, the order of its names, the account's (by number)
	// among the others (by their place among the others of that kind),
	// and which begins with which: what sorting a set of names, or texts
	// that hold them, could depend on.
	var b strings.Builder
	for k := trailKind; k != 0 && k <= topicKind; k <<= 1 {
		var mine, theirs []string
		for _, name := range out.real {
			if s.own[name]&k != 0 {
				mine = append(mine, name)
			}
		}
		if len(mine) == 0 {
			continue
		}
		for name, kinds := range input {
			if _, replaced := number[name]; !replaced && kinds&k != 0 {
				theirs = append(theirs, name)
			}
		}
		slices.Sort(mine)
		slices.Sort(theirs)
		fmt.Fprintf(&b, "%d:", k)
		j := 0
		for _, name := range mine {
			for ; j < len(theirs) && theirs[j] < name; j++ {
				fmt.Fprintf(&b, " o%d", j)
			}
			fmt.Fprintf(&b, " p%d", number[name])
			for t, o := range theirs {
				if strings.HasPrefix(o, name) {
					fmt.Fprintf(&b, "<o%d", t)
				} else if strings.HasPrefix(name, o) {
					fmt.Fprintf(&b, ">o%d", t)
				}
			}
		}
		b.WriteByte('\n')
	}
	out.order = b.String()
	return out
}

// partInfo is what the plan knows of another account's part: its digest,
// its names, and an index of its text (to tell whether it holds a name).
type partInfo struct {
	sum     string
	ids     map[string]bool // the account ids it holds
	names   map[string]kind
	partial bool
	index   *suffixarray.Index
}

// maxIndexed bounds the text of other accounts' parts indexed to find
// names in: past it, accounts whose inputs hold further parts keep their
// names in their keys.
const maxIndexed = 64 << 20

// searched are the strings the policies look for inside other strings
// (contains, startswith, endswith, indexof with a literal): a name that
// holds one, in any case, is not replaced (a placeholder would not hold
// it).
func searched(c *ast.Compiler) []string {
	var out []string
	for _, m := range c.Modules {
		ast.WalkExprs(m, func(x *ast.Expr) bool {
			terms, ok := x.Terms.([]*ast.Term)
			if !ok || len(terms) < 3 {
				return false
			}
			switch terms[0].String() {
			case "contains", "startswith", "endswith", "indexof", "indexof_n", "strings.count":
				if s, ok := terms[2].Value.(ast.String); ok && s != "" {
					out = append(out, strings.ToLower(string(s)))
				}
			}
			return false
		})
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// policyText indexes the strings the policies' modules and data hold,
// to tell whether a name is part of one.
func policyText(c *ast.Compiler, documents map[string]any) *suffixarray.Index {
	var b []byte
	add := func(s string) {
		b = append(b, s...)
		b = append(b, 0)
	}
	for _, m := range c.Modules {
		ast.WalkTerms(m, func(t *ast.Term) bool {
			if s, ok := t.Value.(ast.String); ok {
				add(string(s))
			}
			return false
		})
	}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			add(x)
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for k, e := range x {
				add(k)
				walk(e)
			}
		}
	}
	walk(documents)
	return suffixarray.New(b)
}

// renamer replaces each of from, wherever it stands, by the same place
// of to: the longest where several begin at one place. strings.Replacer
// does the same at a tenth of the speed; an account's text is replaced
// once for its key, and every result of an account that shares a
// judgement once.
type renamer struct {
	// byPair lists the indexes of from by their first two bytes, longest
	// first; seen marks the pairs that begin one.
	byPair   map[uint16][]int
	seen     [1 << 16 / 64]uint64
	from, to []string
}

func newRenamer(from, to []string) *renamer {
	r := &renamer{byPair: map[uint16][]int{}, from: from, to: to}
	for i, f := range from {
		if len(f) < 2 {
			continue // never: names have four bytes at least
		}
		k := uint16(f[0])<<8 | uint16(f[1])
		r.byPair[k] = append(r.byPair[k], i)
		r.seen[k/64] |= 1 << (k % 64)
	}
	for _, list := range r.byPair {
		slices.SortStableFunc(list, func(x, y int) int { return len(from[y]) - len(from[x]) })
	}
	return r
}

// Replace returns s with the names replaced; s itself when none is there.
func (r *renamer) Replace(s string) string { return rename(r, s) }

// ReplaceBytes is Replace for a text in bytes.
func (r *renamer) ReplaceBytes(s []byte) []byte { return rename(r, s) }

func rename[T string | []byte](r *renamer, s T) T {
	var out []byte
	start := 0 // of what is not yet copied
	for i := 0; i+1 < len(s); i++ {
		k := uint16(s[i])<<8 | uint16(s[i+1])
		if r.seen[k/64]&(1<<(k%64)) == 0 {
			continue
		}
		for _, n := range r.byPair[k] {
			f := r.from[n]
			if len(s)-i < len(f) || string(s[i:i+len(f)]) != f {
				continue
			}
			if out == nil {
				out = make([]byte, 0, len(s)+len(s)/8)
			}
			out = append(out, s[start:i]...)
			out = append(out, r.to[n]...)
			i += len(f) - 1
			start = i + 1
			break
		}
	}
	if out == nil {
		return s
	}
	return T(append(out, s[start:]...))
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := range len(s) {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}
