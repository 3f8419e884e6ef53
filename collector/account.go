package collector

import (
	"context"
	"slices"
	"sync"

	"github.com/trailwatch/trailwatch/internal/snapshot"
)

// accountRun reads one account. Regions are read once each, on demand:
// those the user listed, then those the evidence chain leads to.
type accountRun struct {
	r         *run
	api       API
	target    Target
	id        string
	callerArn string

	mu      sync.Mutex
	regions map[string]*regionRun
	errors  []snapshot.CallError
	done    map[string]bool // trail ARNs, log groups and topics already read
	// buckets are the trails' buckets read with this account's
	// credentials, and publicAccessBlock its account-wide settings (s3.go).
	buckets           []snapshot.S3Bucket
	publicAccessBlock *snapshot.PublicAccessBlockAnswer
}

// regionRun is one region of an account. Its fields are written under the
// account's mutex.
type regionRun struct {
	once   sync.Once
	name   string
	trails []snapshot.Trail // what DescribeTrails listed, shadow trails included
	data   snapshot.Region
}

// account reads one account as far as its own evidence leads; what it
// leads to in other accounts of the run is read afterwards (crossAccount).
func (r *run) account(ctx context.Context, t Target) *accountRun {
	a := &accountRun{r: r, api: t.API, regions: map[string]*regionRun{}, done: map[string]bool{}, target: t}
	bootstrap := r.opts.BootstrapRegion
	if bootstrap == "" && len(r.opts.Regions) > 0 {
		bootstrap = r.opts.Regions[0]
	}

	id, arn, failure := a.identity(ctx, bootstrap, t)
	if failure != nil {
		a.errors = append(a.errors, *failure)
		return a
	}
	a.id, a.callerArn = id, arn

	regions := slices.Clone(r.opts.Regions)
	if r.opts.AllRegions {
		enabled, failure := a.enabledRegions(ctx, bootstrap)
		if failure != nil {
			a.errors = append(a.errors, *failure)
		}
		regions = append(regions, enabled...)
	}
	slices.Sort(regions)
	regions = slices.Compact(regions)
	r.update(func(p *Progress) { p.Regions += len(regions) })

	// Link by link: every region listed, then the trails' home regions, the
	// log groups' regions and the topics' regions as they come up. Each
	// region's links are followed as soon as the region is listed, without
	// waiting for the others (seventeen regions cost little more than one);
	// a region reached late may list trails and alarms of its own, so the
	// links are followed again at the end until a pass reads nothing new.
	a.each(regions, func(name string) {
		a.ensureRegion(ctx, name)
		a.follow(ctx)
	})
	a.follow(ctx)
	a.readOwnBuckets(ctx, s3Region(bootstrap))
	return a
}

// s3Region is where the S3 calls that are not about one bucket's region
// are made: the bootstrap region, or us-east-1.
func s3Region(bootstrap string) string {
	if bootstrap == "" {
		return "us-east-1"
	}
	return bootstrap
}

// record is what was read in the account, for the snapshot. An account
// whose identity is unknown is filed under the account its role names.
func (a *accountRun) record() snapshot.Account {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.id == "" {
		return snapshot.Account{AccountID: a.target.Account, Regions: []snapshot.Region{}, Errors: a.errors}
	}
	acc := snapshot.Account{AccountID: a.id, CallerArn: a.callerArn, Errors: a.errors,
		S3Buckets: a.buckets, S3PublicAccessBlock: a.publicAccessBlock}
	for _, reg := range a.regions {
		acc.Regions = append(acc.Regions, reg.data)
	}
	return acc
}

// follow reads what the regions listed so far lead to, link after link,
// until a pass finds nothing new. Several may run at once: each item is
// read by the one that claims it first.
func (a *accountRun) follow(ctx context.Context) {
	for ctx.Err() == nil {
		n := a.read(ctx, a.pendingTrails, a.readTrail)
		n += a.read(ctx, a.pendingLogGroups, a.readLogGroup)
		n += a.read(ctx, a.pendingTopics, a.readTopic)
		n += a.read(ctx, a.pendingKeys, a.readKey)
		if n == 0 {
			return
		}
	}
}

// read reads, concurrently, the items pending lists that were not read
// before, and says how many it read.
func (a *accountRun) read(ctx context.Context, pending func() []string, read func(context.Context, string)) int {
	items := pending()
	a.mu.Lock()
	items = slices.DeleteFunc(items, func(k string) bool { return a.done[k] })
	for _, k := range items {
		a.done[k] = true
	}
	a.mu.Unlock()
	a.each(items, func(k string) { read(ctx, k) })
	return len(items)
}

// each runs f for every item concurrently and waits; the run's semaphore
// bounds the calls in flight.
func (a *accountRun) each(items []string, f func(string)) {
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Go(func() { f(it) })
	}
	wg.Wait()
}

// region returns the region's state, creating it.
func (a *accountRun) region(name string) *regionRun {
	a.mu.Lock()
	defer a.mu.Unlock()
	reg, ok := a.regions[name]
	if !ok {
		reg = &regionRun{name: name, data: snapshot.Region{Region: name, Trails: []snapshot.Trail{}, MetricAlarms: []snapshot.MetricAlarm{}}}
		a.regions[name] = reg
	}
	return reg
}

// ensureRegion reads a region's trail list and alarms, once. A region in
// the snapshot has always been read this far.
func (a *accountRun) ensureRegion(ctx context.Context, name string) *regionRun {
	reg := a.region(name)
	reg.once.Do(func() {
		var wg sync.WaitGroup
		wg.Go(func() { a.describeTrails(ctx, reg) })
		wg.Go(func() { a.describeAlarms(ctx, reg) })
		wg.Wait()
		a.r.update(func(p *Progress) { p.RegionsDone++ })
	})
	return reg
}

// ensureFollowed reads a region the chain leads to, counting it as work.
func (a *accountRun) ensureFollowed(ctx context.Context, name string) *regionRun {
	a.mu.Lock()
	_, known := a.regions[name]
	a.mu.Unlock()
	if !known {
		a.r.update(func(p *Progress) { p.Regions++ })
	}
	return a.ensureRegion(ctx, name)
}

// fail records a failed call in its region (or the account, for calls that
// belong to no region).
func (a *accountRun) fail(region string, e *snapshot.CallError) {
	if e == nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if reg, ok := a.regions[region]; ok && region != "" {
		reg.data.Errors = append(reg.data.Errors, *e)
		return
	}
	a.errors = append(a.errors, *e)
}
