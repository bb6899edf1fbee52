package provider

import (
	"context"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

// Batch reads of team and user roles (generation 2). Terraform reads up to
// -parallelism resources at once, and the assignments of one team all wait
// on the same list; on generation 2 one POST /teams/roles/search (or
// /users/roles/search) answers for many teams. Readers that ask within
// batchLinger of each other share one search.
const (
	// batchLinger is how long the first reader of a batch waits for others:
	// Terraform starts its concurrent reads within a few milliseconds (more
	// on a loaded machine), and a round trip to a remote Grafana costs
	// 20-100 ms, so the wait pays for itself as soon as two readers share it.
	batchLinger = 10 * time.Millisecond
	// batchMax ids go in one search: the body stays a few KiB, Grafana's
	// query keeps its id list far below SQLite's old limit of 999 bound
	// variables, and one failed call costs only that many reads again.
	batchMax = 100
)

// roleBatcher gathers the ids asked for per kind (cacheTeamRoles or
// cacheUserRoles) and org. The zero value is ready to use.
type roleBatcher struct {
	mu        sync.Mutex
	gathering map[batchKey]*roleBatch
	// single marks a kind and org whose search was refused (a 4xx such as
	// 403 or 404): its reads go one by one, as they did before batching.
	single map[batchKey]bool
}

type batchKey struct {
	kind cacheKind
	org  int64
}

type roleBatch struct {
	// ctx and client are the first reader's; the search serves every
	// reader in the batch, so ctx is not cancelled when that one gives up
	// (the client's timeout bounds the search).
	ctx    context.Context
	client *grafana.Client
	ids    []int64
	done   chan struct{} // closed once roles and err are set
	roles  map[int64][]grafana.Role
	err    error
}

// roles reads the roles of one team or user (kind) as its single read
// does, through a shared search where the generation offers one.
func (b *roleBatcher) roles(ctx context.Context, client *grafana.Client, kind cacheKind, id int64) ([]grafana.Role, error) {
	single := func() ([]grafana.Role, error) {
		if kind == cacheTeamRoles {
			return client.ListTeamRoles(ctx, id, true)
		}
		return client.ListUserRoles(ctx, id, true)
	}
	key := batchKey{kind, client.OrgID()}
	if gen, err := client.Generation(ctx); err != nil || gen != grafana.Generation2 {
		return single()
	}
	b.mu.Lock()
	if b.single[key] {
		b.mu.Unlock()
		return single()
	}
	batch := b.join(ctx, client, key, id)
	b.mu.Unlock()

	select {
	case <-batch.done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	switch {
	case batch.err != nil && definiteAnswer(batch.err):
		// One id the credentials may not read refuses the whole search, and
		// a Grafana without the route answers 404: read each on its own.
		b.mu.Lock()
		if b.single == nil {
			b.single = map[batchKey]bool{}
		}
		b.single[key] = true
		b.mu.Unlock()
		return single()
	case batch.err != nil:
		return nil, batch.err
	}
	roles, ok := batch.roles[id]
	if !ok {
		// A search leaves out what it cannot find; the single read says
		// why (404 for a team or user that is gone).
		return single()
	}
	return roles, nil
}

// join adds id to the batch being gathered for key, starting one if none
// is; b.mu is held.
func (b *roleBatcher) join(ctx context.Context, client *grafana.Client, key batchKey, id int64) *roleBatch {
	if b.gathering == nil {
		b.gathering = map[batchKey]*roleBatch{}
	}
	batch := b.gathering[key]
	if batch == nil {
		batch = &roleBatch{ctx: context.WithoutCancel(ctx), client: client, done: make(chan struct{})}
		b.gathering[key] = batch
		time.AfterFunc(batchLinger, func() { b.send(key, batch) })
	}
	batch.ids = append(batch.ids, id)
	if len(batch.ids) >= batchMax {
		b.seal(key, batch)
		go b.fetch(key.kind, batch)
	}
	return batch
}

// seal stops batch from taking more ids; b.mu is held. It reports whether
// batch was still gathering.
func (b *roleBatcher) seal(key batchKey, batch *roleBatch) bool {
	if b.gathering[key] != batch {
		return false
	}
	delete(b.gathering, key)
	return true
}

// send is the end of the linger: the batch goes unless it filled and went.
func (b *roleBatcher) send(key batchKey, batch *roleBatch) {
	b.mu.Lock()
	sealed := b.seal(key, batch)
	b.mu.Unlock()
	if sealed {
		b.fetch(key.kind, batch)
	}
}

func (b *roleBatcher) fetch(kind cacheKind, batch *roleBatch) {
	defer close(batch.done)
	if kind == cacheTeamRoles {
		batch.roles, batch.err = batch.client.SearchTeamRoles(batch.ctx, batch.ids, true)
	} else {
		batch.roles, batch.err = batch.client.SearchUserRoles(batch.ctx, batch.ids, true)
	}
}

// Up-front reads of an org's team roles (generation 2). A reader waiting on
// a search holds one of Terraform's -parallelism slots, so a search gathers
// at most that many teams: a refresh of 100 teams made 10 to 85 searches.
// So when a process that has written nothing (a plan's refresh) asks for a
// second team of an org, and the org has at most teamPrefetchMax teams, the
// roles of all its teams are read at once: one list of the teams and a
// search per batchMax of them. Reading teams the configuration does not
// manage costs less than a search per ten teams it does. Any failure leaves
// the searches above to answer.
const teamPrefetchMax = 500

type teamPrefetch struct {
	asked map[int64]bool // distinct teams asked for before it started
	done  chan struct{}  // nil until it starts; closed when it ends
}

// prefetchTeamRoles starts or waits for the up-front read of the org's
// team roles, as the rules above say; it fills the cache, or nothing.
func (c *readCache) prefetchTeamRoles(ctx context.Context, client *grafana.Client, teamID int64) {
	org := client.OrgID()
	c.mu.Lock()
	if c.writes > 0 {
		c.mu.Unlock()
		return
	}
	if c.teamPrefetches == nil {
		c.teamPrefetches = map[int64]*teamPrefetch{}
	}
	p := c.teamPrefetches[org]
	if p == nil {
		p = &teamPrefetch{asked: map[int64]bool{}}
		c.teamPrefetches[org] = p
	}
	if p.done != nil {
		c.mu.Unlock()
		select {
		case <-p.done:
		case <-ctx.Done():
		}
		return
	}
	p.asked[teamID] = true
	if len(p.asked) < 2 {
		c.mu.Unlock()
		return
	}
	p.done = make(chan struct{})
	p.asked = nil
	c.mu.Unlock()
	defer close(p.done)
	c.fillTeamRoles(ctx, client)
}

func (c *readCache) fillTeamRoles(ctx context.Context, client *grafana.Client) {
	if gen, err := client.Generation(ctx); err != nil || gen != grafana.Generation2 {
		return
	}
	teams, total, err := client.TeamsPage(ctx, 1, teamPrefetchMax)
	if err != nil || len(teams) < total || len(teams) > teamPrefetchMax {
		return
	}
	var (
		mu    sync.Mutex
		found = map[int64][]grafana.Role{}
		wg    sync.WaitGroup
	)
	for chunk := range slices.Chunk(teams, batchMax) {
		ids := make([]int64, len(chunk))
		for i, t := range chunk {
			ids[i] = t.ID
		}
		wg.Go(func() {
			roles, _ := client.SearchTeamRoles(ctx, ids, true) // a failed chunk's teams are read as they are asked for
			mu.Lock()
			defer mu.Unlock()
			for id, r := range roles {
				found[id] = r
			}
		})
	}
	wg.Wait()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.writes > 0 {
		return // a write may have changed what was read
	}
	for id, roles := range found {
		key := cacheKey{cacheTeamRoles, client.OrgID(), strconv.FormatInt(id, 10)}
		if _, ok := c.entries[key]; ok {
			continue // read or being read already
		}
		e := &cacheEntry{done: make(chan struct{}), val: roles}
		close(e.done)
		if c.entries == nil {
			c.entries = map[cacheKey]*cacheEntry{}
		}
		c.entries[key] = e
	}
}
