package engine

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"index/suffixarray"
	"io"
	"maps"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/trailwatch/trailwatch/internal/awsarn"
	"github.com/trailwatch/trailwatch/internal/report"
	"github.com/trailwatch/trailwatch/internal/snapshot"
)

// Judging an organization. Each account's query gets an input of its own:
// the account, and of other accounts only the regions its evidence leads
// to (the owner's record of an organization trail, a log group or topic
// in another account), found through an index by account id; never the
// whole organization. Accounts are judged in parallel, and results come
// back in the snapshot's order.
//
// Accounts whose evidence is the same up to their own id (what a landing
// zone deploys into every account) are judged once: the verdicts of one
// are those of the others with the id changed. An account's own id is the
// only thing that differs between them, wherever it appears, every other
// account its evidence leads to is the same, and their ids sort the same
// against the other accounts' ids their inputs hold (trails are listed in
// the order of their ARNs), so the policies, which see nothing else,
// cannot tell them apart.
//
// Accounts whose things carry names of their own are judged once in the
// same way when their evidence is the same up to their id and those names
// (names.go).

// orgPlan is what Evaluate works out before judging: each account's
// input, and which accounts share one.
type orgPlan struct {
	snap     *snapshot.Snapshot
	accounts map[string]*snapshot.Account
	// refs of each account, by index: the other accounts' regions its
	// evidence leads to.
	refs [][]regionRef
	// key of each account's input, with its own id made anonymous, and
	// the first account of each key: the others take its results, with
	// their id.
	keys  []string
	first map[string]int
	// nameKeys are the keys of those first accounts with the names of
	// their things made anonymous too, and byName the first of them for
	// each: the one judged, whose results the others take with their
	// names (names.go).
	nameKeys []string
	byName   map[string]int
	reuse    bool
	// holders are the accounts that hold a reading of each S3 bucket
	// (their s3_buckets), by bucket name: a trail's bucket is often read
	// in a log archive account.
	holders map[string][]string

	// referenced are the accounts some account's evidence leads to:
	// their evidence stays as it was read.
	referenced map[string]bool
	// raw is each account's JSON text, when evaluation lets go of the
	// evidence as it goes (EvaluateAndRelease); nil once judged.
	raw [][]byte

	// names of each account that its key replaced (names.go).
	names    []names
	policies *Policies

	mu      sync.Mutex
	infos   map[regionRef]*partInfo
	indexed int // bytes of parts indexed
}

// regionRef is a region of another account, "" for the account's own
// record (its errors) without a region.
type regionRef struct{ account, region string }

// placeholder stands for an account's own id when inputs are compared.
const placeholder = "<own account id>"

func (e *Evaluator) plan(ctx context.Context, snap *snapshot.Snapshot, release bool) (*orgPlan, error) {
	p := &orgPlan{snap: snap, accounts: map[string]*snapshot.Account{}, first: map[string]int{}, infos: map[regionRef]*partInfo{}, holders: map[string][]string{},
		referenced: map[string]bool{}, policies: e.policies}
	for i := range snap.Accounts {
		a := &snap.Accounts[i]
		p.accounts[a.AccountID] = a
		for _, b := range a.S3Buckets {
			p.holders[b.Name] = append(p.holders[b.Name], a.AccountID)
		}
	}
	n := len(snap.Accounts)
	p.refs = make([][]regionRef, n)
	p.keys = make([]string, n)
	p.names = make([]names, n)
	p.nameKeys = make([]string, n)
	p.byName = map[string]int{}
	p.reuse = e.reuse
	err := parallel(ctx, e.workers(), n, func(i int) error {
		p.refs[i] = p.closure(&snap.Accounts[i])
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, refs := range p.refs {
		for _, ref := range refs {
			p.referenced[ref.account] = true
		}
	}
	if release {
		p.raw = make([][]byte, n)
	}
	err = parallel(ctx, e.workers(), n, func(i int) error {
		a := &snap.Accounts[i]
		var own []byte
		if e.reuse || release {
			var err error
			if own, err = marshal(a); err != nil {
				return err
			}
		}
		key := strconv.Itoa(i)
		if e.reuse {
			var err error
			if key, _, err = p.key(a, own, p.refs[i], false); err != nil {
				return err
			}
		}
		p.keys[i] = key
		p.mu.Lock()
		j, seen := p.first[key]
		judgedAlready := seen && j < i // an earlier account stands for this one
		if !judgedAlready {
			p.first[key] = i
		}
		p.mu.Unlock()
		if e.reuse && p.policies.shareNames && !judgedAlready {
			// Names are looked at only in the first account of each key:
			// the others are the same up to their id.
			var err error
			if p.nameKeys[i], p.names[i], err = p.key(a, own, p.refs[i], true); err != nil {
				return err
			}
		}
		if release {
			// From here the account is its JSON text, which the garbage
			// collector need not scan, as its structures were: judging
			// thousands of accounts collected them over and over. An
			// account an earlier one stands for needs neither.
			if !judgedAlready {
				p.raw[i] = own
			}
			if !p.referenced[a.AccountID] {
				forget(a)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if e.reuse {
		for i := range p.keys {
			if !p.firstOfKey(i) {
				continue
			}
			if _, ok := p.byName[p.nameKeys[i]]; !ok {
				p.byName[p.nameKeys[i]] = i
			}
		}
	}
	return p, nil
}

// firstOfKey reports whether account i is the first of its key.
func (p *orgPlan) firstOfKey(i int) bool { return p.first[p.keys[i]] == i }

// source is the account whose results account i takes: itself when it is
// judged.
func (p *orgPlan) source(i int) int {
	if !p.firstOfKey(i) || !p.reuse {
		return p.first[p.keys[i]]
	}
	return p.byName[p.nameKeys[i]]
}

// forget lets go of an account's evidence.
func forget(a *snapshot.Account) {
	a.Regions, a.Errors, a.S3Buckets, a.S3PublicAccessBlock = nil, nil, nil, nil
}

// closure follows an account's evidence into other accounts: the regions
// named by its trails (an organization trail's home, its log group, its
// key), its alarms' topics, and, from each region reached, the same again;
// and the accounts that hold a reading of its trails' buckets.
func (p *orgPlan) closure(a *snapshot.Account) []regionRef {
	seen := map[regionRef]bool{}
	var out []regionRef
	var visit func(regions []snapshot.Region)
	reach := func(account, region string) {
		other, ok := p.accounts[account]
		if !ok || account == a.AccountID {
			return
		}
		refs := []regionRef{{account, ""}}
		if region != "" {
			refs = append(refs, regionRef{account, region})
		}
		for _, ref := range refs {
			if seen[ref] {
				continue
			}
			seen[ref] = true
			out = append(out, ref)
			if ref.region == "" {
				continue
			}
			for _, r := range other.Regions {
				if r.Region == ref.region {
					visit([]snapshot.Region{r})
				}
			}
		}
	}
	add := func(s string) {
		if arn, ok := awsarn.Parse(s); ok && arn.Account != "" {
			reach(arn.Account, arn.Region)
		}
	}
	visit = func(regions []snapshot.Region) {
		for _, r := range regions {
			for _, t := range r.Trails {
				add(t.TrailARN)
				add(t.CloudWatchLogsLogGroupArn)
				add(t.KmsKeyId) // a key in another account
				for _, holder := range p.holders[t.S3BucketName] {
					reach(holder, "")
				}
			}
			for _, al := range r.MetricAlarms {
				for _, act := range al.AlarmActions {
					add(act)
				}
			}
			for _, tp := range r.Topics {
				add(tp.TopicArn)
				add(tp.Attributes["KmsMasterKeyId"]) // a key in another account
			}
		}
	}
	visit(a.Regions)
	slices.SortFunc(out, func(x, y regionRef) int { return strings.Compare(x.account+" "+x.region, y.account+" "+y.region) })
	return out
}

// key is a digest of an account's input with its own id replaced, and,
// withNames, the names of its things (names.go), which it gives.
func (p *orgPlan) key(a *snapshot.Account, own []byte, refs []regionRef, withNames bool) (string, names, error) {
	infos := make([]*partInfo, len(refs))
	for k, ref := range refs {
		var err error
		if infos[k], err = p.info(ref); err != nil {
			return "", names{}, err
		}
	}
	var nm names
	if withNames {
		nm = ownNames(a, p.policies, infos)
	}
	if len(nm.real) > 0 {
		placeholders := make([]string, len(nm.real))
		for k := range placeholders {
			placeholders[k] = placeholderName(k)
		}
		own = newRenamer(nm.real, placeholders).ReplaceBytes(own)
	}
	// Where the account's id falls among the other accounts' ids its
	// input holds: a reason lists trails in the order of their ARNs, and
	// a member whose id sorts before the management account's lists its
	// own trail first.
	ids := map[string]bool{}
	accountIDsIn(own, ids)
	for k, ref := range refs {
		ids[ref.account] = true
		maps.Copy(ids, infos[k].ids)
	}
	below := 0
	for id := range ids {
		if id < a.AccountID {
			below++
		}
	}
	h := sha256.New()
	// When the evidence was read is part of it: ages are measured
	// against it.
	fmt.Fprintf(h, "%s\x00%d\x00%d\x00%s\x00", p.snap.CollectedAtOf(a.AccountID), below, len(nm.real), nm.order)
	writeReplacingID(h, own, []byte(a.AccountID), []byte(placeholder))
	for k, ref := range refs {
		fmt.Fprintf(h, "\x00%s\x00%s\x00%s", ref.account, ref.region, infos[k].sum)
	}
	return string(h.Sum(nil)), nm, nil
}

// info is what the plan knows of another account's part, worked out
// once: every member of an organization leads to its owner's.
func (p *orgPlan) info(ref regionRef) (*partInfo, error) {
	p.mu.Lock()
	in, ok := p.infos[ref]
	p.mu.Unlock()
	if ok {
		return in, nil
	}
	part := p.part(ref)
	v, err := marshal(part)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(v)
	in = &partInfo{sum: string(sum[:])}
	in.ids = map[string]bool{}
	accountIDsIn(v, in.ids)
	var sites nameSites
	switch x := part.(type) {
	case *snapshot.Region:
		if x != nil {
			sites = sitesOf(&snapshot.Account{Regions: []snapshot.Region{*x}}, "")
		}
	case snapshot.Account:
		sites = sitesOf(&x, "")
	}
	in.partial = sites.partial
	in.names = sites.other
	p.mu.Lock()
	defer p.mu.Unlock()
	if old, ok := p.infos[ref]; ok {
		return old, nil
	}
	if p.indexed+len(v) <= maxIndexed {
		p.indexed += len(v)
		in.index = suffixarray.New(v)
	}
	p.infos[ref] = in
	return in, nil
}

// part is what an input holds of another account for a reference: its
// own record without regions, or one of its regions.
func (p *orgPlan) part(ref regionRef) any {
	a := p.accounts[ref.account]
	if ref.region == "" {
		return snapshot.Account{AccountID: a.AccountID, CallerArn: a.CallerArn, Errors: a.Errors, Regions: []snapshot.Region{},
			S3Buckets: a.S3Buckets, S3PublicAccessBlock: a.S3PublicAccessBlock}
	}
	for i := range a.Regions {
		if a.Regions[i].Region == ref.region {
			return &a.Regions[i]
		}
	}
	return nil
}

// input builds the query input of account i: the account itself and the
// parts of others its evidence leads to, plus the run's settings.
func (e *Evaluator) input(p *orgPlan, i int, parts *partCache) (ast.Object, error) {
	a := &p.snap.Accounts[i]
	var own ast.Value
	var err error
	if p.raw != nil {
		own, err = ast.ValueFromReader(bytes.NewReader(p.raw[i]))
	} else {
		own, err = toValue(a)
	}
	if err != nil {
		return nil, err
	}
	others, err := parts.others(p, p.refs[i])
	if err != nil {
		return nil, err
	}
	input := ast.NewObject(
		[2]*ast.Term{ast.StringTerm("accounts"), ast.ArrayTerm(append([]*ast.Term{ast.NewTerm(own)}, others.accounts...)...)},
		[2]*ast.Term{ast.StringTerm("account_id"), ast.StringTerm(a.AccountID)},
	)
	e.settings(input, p.snap.CollectedAtOf(a.AccountID))
	// The input without the judged account, for what the policies work
	// out once for every account whose input holds the same records of
	// other accounts (an organization trail's chain, read from its
	// owner's): offered only when those records name the judged account
	// nowhere, so that nothing worked out from them can lead back to it.
	if len(others.accounts) > 0 && !others.ids[a.AccountID] {
		key := others.key + "\x00" + p.snap.CollectedAtOf(a.AccountID)
		world := parts.world(key, func() ast.Object {
			w := ast.NewObject([2]*ast.Term{ast.StringTerm("accounts"), ast.ArrayTerm(others.accounts...)})
			e.settings(w, p.snap.CollectedAtOf(a.AccountID))
			return w
		})
		input.Insert(ast.StringTerm("others"), ast.NewTerm(world))
	}
	return input, nil
}

// settings puts the run's settings in an input: when the account's
// evidence was read, the benchmark, the strict reading, and what the
// report reads.
func (e *Evaluator) settings(input ast.Object, collectedAt string) {
	if collectedAt != "" {
		input.Insert(ast.StringTerm("collected_at"), ast.StringTerm(collectedAt))
	}
	if e.benchmark != "" {
		input.Insert(ast.StringTerm("benchmark"), ast.StringTerm(e.benchmark))
	}
	if e.strict {
		input.Insert(ast.StringTerm("strict"), ast.BooleanTerm(true))
	}
	if !e.keep.Remediation || !e.keep.Evidence {
		input.Insert(ast.StringTerm("needs"), ast.ObjectTerm(
			[2]*ast.Term{ast.StringTerm("remediation"), ast.BooleanTerm(e.keep.Remediation)},
			[2]*ast.Term{ast.StringTerm("evidence"), ast.BooleanTerm(e.keep.Evidence)},
		))
	}
}

// partCache converts the parts of other accounts that inputs share (an
// organization trail's owner, in every member's input) once, and builds
// the records of other accounts once for every list of parts: inputs that
// hold the same parts hold the very same terms, which the run's cache
// compares at a glance (memo.go).
type partCache struct {
	mu      sync.Mutex
	regions map[regionRef]ast.Value
	heads   map[string]ast.Object
	lists   map[string]otherAccounts
	worlds  map[string]ast.Object
}

// otherAccounts are the records of other accounts an input holds, sorted
// by id, for one list of parts (key), and the account ids they hold.
type otherAccounts struct {
	key      string
	accounts []*ast.Term
	ids      map[string]bool
}

func newPartCache() *partCache {
	return &partCache{regions: map[regionRef]ast.Value{}, heads: map[string]ast.Object{}, lists: map[string]otherAccounts{}, worlds: map[string]ast.Object{}}
}

// others are the records of other accounts for an account's references:
// each referenced account's own record (without regions) with the regions
// referenced.
func (c *partCache) others(p *orgPlan, refs []regionRef) (otherAccounts, error) {
	var b strings.Builder
	for _, ref := range refs {
		b.WriteString(ref.account)
		b.WriteByte(' ')
		b.WriteString(ref.region)
		b.WriteByte(0)
	}
	key := b.String()
	c.mu.Lock()
	found, ok := c.lists[key]
	c.mu.Unlock()
	if ok {
		return found, nil
	}
	out := otherAccounts{key: key, ids: map[string]bool{}}
	var regions map[string][]*ast.Term
	var order []string
	for _, ref := range refs {
		info, err := p.info(ref)
		if err != nil {
			return otherAccounts{}, err
		}
		maps.Copy(out.ids, info.ids)
		if ref.region == "" {
			order = append(order, ref.account)
			continue
		}
		v, err := c.region(p, ref)
		if err != nil {
			return otherAccounts{}, err
		}
		if v == nil {
			continue
		}
		if regions == nil {
			regions = map[string][]*ast.Term{}
		}
		order = append(order, ref.account)
		regions[ref.account] = append(regions[ref.account], ast.NewTerm(v))
	}
	slices.Sort(order)
	order = slices.Compact(order)
	for _, id := range order {
		head, err := c.head(p, id)
		if err != nil {
			return otherAccounts{}, err
		}
		obj := head.Copy()
		obj.Insert(ast.StringTerm("regions"), ast.ArrayTerm(regions[id]...))
		out.accounts = append(out.accounts, ast.NewTerm(obj))
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if found, ok := c.lists[key]; ok {
		return found, nil
	}
	c.lists[key] = out
	return out, nil
}

// world is the input without the judged account for a key, built once.
func (c *partCache) world(key string, build func() ast.Object) ast.Object {
	c.mu.Lock()
	defer c.mu.Unlock()
	if w, ok := c.worlds[key]; ok {
		return w
	}
	w := build()
	c.worlds[key] = w
	return w
}

func (c *partCache) region(p *orgPlan, ref regionRef) (ast.Value, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if v, ok := c.regions[ref]; ok {
		return v, nil
	}
	part := p.part(ref)
	if part == (*snapshot.Region)(nil) {
		c.regions[ref] = nil
		return nil, nil
	}
	v, err := toValue(part)
	if err != nil {
		return nil, err
	}
	c.regions[ref] = v
	return v, nil
}

func (c *partCache) head(p *orgPlan, id string) (ast.Object, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if h, ok := c.heads[id]; ok {
		return h, nil
	}
	v, err := toValue(p.part(regionRef{id, ""}))
	if err != nil {
		return nil, err
	}
	obj, ok := v.(ast.Object)
	if !ok {
		return nil, fmt.Errorf("account %s is not an object", id)
	}
	c.heads[id] = obj
	return obj, nil
}

// toValue converts a snapshot part to a Rego value.
func toValue(v any) (ast.Value, error) {
	b, err := marshal(v)
	if err != nil {
		return nil, err
	}
	return ast.ValueFromReader(bytes.NewReader(b))
}

func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// replaceID replaces an account id where it stands alone, not inside a
// longer run of digits; s itself when the id is not there.
func replaceID(s, id, with []byte) []byte {
	if bytes.Index(s, id) < 0 || len(id) == 0 {
		return s
	}
	var out bytes.Buffer
	out.Grow(len(s) + 8*max(0, len(with)-len(id)))
	writeReplacingID(&out, s, id, with)
	return out.Bytes()
}

// writeReplacingID writes s to w with the id replaced where it stands
// alone: how an input is hashed without a copy of it.
func writeReplacingID(w io.Writer, s, id, with []byte) {
	for {
		i := bytes.Index(s, id)
		if i < 0 {
			w.Write(s)
			return
		}
		end := i + len(id)
		if (i > 0 && isDigit(s[i-1])) || (end < len(s) && isDigit(s[end])) {
			w.Write(s[:end])
		} else {
			w.Write(s[:i])
			w.Write(with)
		}
		s = s[end:]
	}
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// accountIDsIn adds to ids the runs of exactly twelve digits in s. It
// looks at one byte in twelve where there are no digits: a run of twelve
// holds a byte it looks at, since those are at most twelve apart, and the
// run is then read from its start to its end.
func accountIDsIn(s []byte, ids map[string]bool) {
	for i := 11; i < len(s); {
		if !isDigit(s[i]) {
			i += 12
			continue
		}
		start, end := i, i+1
		for start > 0 && isDigit(s[start-1]) {
			start--
		}
		for end < len(s) && isDigit(s[end]) {
			end++
		}
		if end-start == 12 && !ids[string(s[start:end])] { // the lookup copies nothing
			ids[string(s[start:end])] = true
		}
		i = end + 12
	}
}

// renamed is a result of one account made the result of another whose
// evidence is the same but for the id and, when names is not nil, the
// names of its things (names.go).
func renamed(r report.Result, from, to string, names *renamer) report.Result {
	f, t := []byte(from), []byte(to)
	s := func(x string) string {
		if names != nil {
			x = names.Replace(x) // x itself, shared with the account judged, when no name is there
		}
		if !strings.Contains(x, from) {
			return x // shared with the account judged: no copy
		}
		return string(replaceID([]byte(x), f, t))
	}
	b := func(x []byte) []byte {
		if names != nil {
			x = names.ReplaceBytes(x)
		}
		return replaceID(x, f, t)
	}
	r.AccountID = to
	r.Reason = s(r.Reason)
	r.Remediation = s(r.Remediation)
	if len(r.Fix) > 0 {
		// Every string of every step (arguments, checks, manual text), as
		// the evidence is renamed.
		if j, err := json.Marshal(r.Fix); err == nil {
			var fix []report.Step
			if json.Unmarshal(b(j), &fix) == nil {
				r.Fix = fix
			}
		}
	}
	if len(r.Evidence) > 0 {
		r.Evidence = b(r.Evidence)
	}
	if len(r.Resources) > 0 {
		res := make([]report.Resource, len(r.Resources))
		for i, x := range r.Resources {
			x.ID, x.Name = s(x.ID), s(x.Name)
			res[i] = x
		}
		r.Resources = res
	}
	return r
}

// parallel runs f on 0..n-1 with at most workers at once, stopping at the
// first error or when ctx ends.
func parallel(ctx context.Context, workers, n int, f func(i int) error) error {
	if workers < 1 {
		workers = 1
	}
	var (
		mu   sync.Mutex
		next int
		err  error
		wg   sync.WaitGroup
	)
	take := func() (int, bool) {
		mu.Lock()
		defer mu.Unlock()
		if err != nil || next >= n {
			return 0, false
		}
		if cerr := ctx.Err(); cerr != nil {
			err = cerr
			return 0, false
		}
		i := next
		next++
		return i, true
	}
	for range min(workers, n) {
		wg.Go(func() {
			for {
				i, ok := take()
				if !ok {
					return
				}
				if e := f(i); e != nil {
					mu.Lock()
					if err == nil {
						err = e
					}
					mu.Unlock()
					return
				}
			}
		})
	}
	wg.Wait()
	return err
}

func (e *Evaluator) workers() int {
	if e.parallel > 0 {
		return e.parallel
	}
	return runtime.GOMAXPROCS(0)
}
