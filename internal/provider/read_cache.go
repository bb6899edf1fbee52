package provider

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"sync"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

// readCache shares reads among the resources of one Terraform operation. A
// provider process serves one operation (a plan, or an apply: separate
// processes), so nothing outlives it. Without it a refresh makes one
// request per resource where one list call answers for many: every team
// role assignment of a team reads the same GET /teams/:id/roles, every
// built-in role assignment the same GET /builtin-roles (generation 1) or
// basic role (generation 2).
//
// Concurrent readers of one key share one request. Every write the provider
// makes forgets what it could have changed, after the write, so no read
// that starts after a write returns what was read before it. Writes by
// others during the operation are not seen, as with any refresh snapshot.
//
// Values are copied on the way out: callers may modify what they get.
// The zero value is ready to use.
type readCache struct {
	mu      sync.Mutex
	entries map[cacheKey]*cacheEntry
	// planned are uids of roles this operation plans to create: an
	// assignment of one does not need to ask Grafana whether it exists yet.
	planned map[string]bool
	batches roleBatcher
	// writes counts forget calls: a prefetch started before one is stale.
	writes uint64
	// teamPrefetches are the up-front reads of an org's team roles, by org
	// (batch_reads.go).
	teamPrefetches map[int64]*teamPrefetch
}

type cacheKind uint8

const (
	cacheRole         cacheKind = iota + 1 // GET /roles/:uid; id = uid
	cacheRoleList                          // GET /roles?includeHidden=true
	cacheTeam                              // GET /api/teams/:id; id = team id
	cacheTeamRoles                         // GET /teams/:id/roles?includeHidden=true, or a batch (batch_reads.go); id = team id
	cacheUserRoles                         // GET /users/:id/roles?includeHidden=true, or a batch; id = user id
	cacheBuiltinRoles                      // GET /builtin-roles?includeHidden=true (generation 1)
	cacheHealth                            // GET /api/health
	cachePermissions                       // GET /user/permissions
	cacheCurrentUser                       // GET /api/user
)

// cacheKey names one answer; org is the X-Grafana-Org-Id it was read with.
type cacheKey struct {
	kind cacheKind
	org  int64
	id   string
}

type cacheEntry struct {
	done chan struct{} // closed once val and err are set
	val  any
	err  error
}

// load returns the answer for key, calling fetch once for all concurrent
// callers. Definite answers (success, or a 4xx such as 404) are kept;
// failures that may pass (5xx, 429, no connection, cancellation) are not.
func (c *readCache) load(ctx context.Context, key cacheKey, fetch func(context.Context) (any, error)) (any, error) {
	for {
		c.mu.Lock()
		if c.entries == nil {
			c.entries = map[cacheKey]*cacheEntry{}
		}
		e, ok := c.entries[key]
		if !ok {
			e = &cacheEntry{done: make(chan struct{})}
			c.entries[key] = e
			c.mu.Unlock()
			c.fill(ctx, key, e, fetch)
			return e.val, e.err
		}
		c.mu.Unlock()
		select {
		case <-e.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if isContextError(e.err) && ctx.Err() == nil {
			continue // the caller that fetched gave up; this one has not
		}
		return e.val, e.err
	}
}

func (c *readCache) fill(ctx context.Context, key cacheKey, e *cacheEntry, fetch func(context.Context) (any, error)) {
	defer close(e.done)
	e.val, e.err = fetch(ctx)
	if e.err != nil && !definiteAnswer(e.err) {
		c.mu.Lock()
		if c.entries[key] == e { // not already forgotten and refilled
			delete(c.entries, key)
		}
		c.mu.Unlock()
	}
}

func isContextError(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// definiteAnswer reports an error that asking again would only repeat.
func definiteAnswer(err error) bool {
	var ae *grafana.APIError
	return errors.As(err, &ae) && ae.StatusCode >= 400 && ae.StatusCode < 500 && ae.StatusCode != http.StatusTooManyRequests
}

// forget drops every entry that match selects; fetches in flight finish
// for the callers already waiting, and are not kept.
func (c *readCache) forget(match func(cacheKey) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.writes++
	maps.DeleteFunc(c.entries, func(k cacheKey, _ *cacheEntry) bool { return match(k) })
}

// --- invalidation, called after each write ---

// forgetRole follows a create, update or delete of role uid: its reads in
// every org (a global role is read through each), and the role list.
func (c *readCache) forgetRole(uid string) {
	c.forget(func(k cacheKey) bool {
		return (k.kind == cacheRole && k.id == uid) || k.kind == cacheRoleList
	})
	c.mu.Lock()
	delete(c.planned, uid)
	c.mu.Unlock()
}

// forgetBasicRole follows an edit of a basic role's permissions. The role
// list stays: its entries carry no permissions, and its users read only
// uids and names, which an edit does not change.
func (c *readCache) forgetBasicRole(uid string) {
	c.forget(func(k cacheKey) bool { return k.kind == cacheRole && k.id == uid })
}

// forgetTeamRoles follows a change of a team's roles.
func (c *readCache) forgetTeamRoles(org, teamID int64) {
	c.forget(func(k cacheKey) bool {
		return k.kind == cacheTeamRoles && k.org == org && k.id == strconv.FormatInt(teamID, 10)
	})
}

// forgetUserRoles follows a change of a user's roles; a global assignment
// shows in every org, so every org's list goes.
func (c *readCache) forgetUserRoles(userID int64) {
	c.forget(func(k cacheKey) bool {
		return k.kind == cacheUserRoles && k.id == strconv.FormatInt(userID, 10)
	})
}

// forgetBuiltinAssignments follows a generation-1 built-in role grant or
// removal; global grants show in every org.
func (c *readCache) forgetBuiltinAssignments() {
	c.forget(func(k cacheKey) bool { return k.kind == cacheBuiltinRoles })
}

// forgetAssignments follows a role delete, which (forced) also removes the
// role from every team, user and built-in role.
func (c *readCache) forgetAssignments() {
	c.forget(func(k cacheKey) bool {
		return k.kind == cacheTeamRoles || k.kind == cacheUserRoles || k.kind == cacheBuiltinRoles
	})
}

// --- roles planned for creation ---

// planRoleCreate records that this operation creates role uid.
func (c *readCache) planRoleCreate(uid string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.planned == nil {
		c.planned = map[string]bool{}
	}
	c.planned[uid] = true
}

// errRolePlanned stands for a role this operation has yet to create.
var errRolePlanned = errors.New("role is created by this operation")

// assignableRole is role, except that a role this operation plans to
// create, and has not read since, answers errRolePlanned without a
// request: a plan that creates N roles and their assignments would
// otherwise ask N times for roles that cannot exist yet.
func (c *readCache) assignableRole(ctx context.Context, client *grafana.Client, uid string) (*grafana.Role, error) {
	c.mu.Lock()
	_, read := c.entries[cacheKey{cacheRole, client.OrgID(), uid}]
	planned := c.planned[uid]
	c.mu.Unlock()
	if planned && !read {
		return nil, errRolePlanned
	}
	return c.role(ctx, client, uid)
}

// --- typed reads ---

func (c *readCache) role(ctx context.Context, client *grafana.Client, uid string) (*grafana.Role, error) {
	v, err := cached[*grafana.Role](c.load(ctx, cacheKey{cacheRole, client.OrgID(), uid}, func(ctx context.Context) (any, error) {
		return client.GetRole(ctx, uid)
	}))
	if err != nil {
		return nil, err
	}
	return cloneRole(v), nil
}

// roleList lists the roles of the client's org, hidden ones included.
func (c *readCache) roleList(ctx context.Context, client *grafana.Client) ([]grafana.Role, error) {
	v, err := c.listedRoles(ctx, client)
	if err != nil {
		return nil, err
	}
	return cloneRoles(v), nil
}

func (c *readCache) listedRoles(ctx context.Context, client *grafana.Client) ([]grafana.Role, error) {
	return cached[[]grafana.Role](c.load(ctx, cacheKey{kind: cacheRoleList, org: client.OrgID()}, func(ctx context.Context) (any, error) {
		return client.ListRoles(ctx, grafana.ListRolesOptions{IncludeHidden: true})
	}))
}

// listedRole is role uid as the org's role list shows it (no permissions),
// found without copying the whole list.
func (c *readCache) listedRole(ctx context.Context, client *grafana.Client, uid string) (grafana.Role, bool, error) {
	v, err := c.listedRoles(ctx, client)
	if err != nil {
		return grafana.Role{}, false, err
	}
	for i := range v {
		if v[i].UID == uid {
			return *cloneRole(&v[i]), true, nil
		}
	}
	return grafana.Role{}, false, nil
}

// teamExists reads the team once per operation: nil when it exists.
func (c *readCache) teamExists(ctx context.Context, client *grafana.Client, teamID int64) error {
	_, err := c.load(ctx, cacheKey{cacheTeam, client.OrgID(), strconv.FormatInt(teamID, 10)}, func(ctx context.Context) (any, error) {
		return client.GetTeam(ctx, teamID)
	})
	return err
}

// teamRoles lists a team's roles, hidden ones included.
func (c *readCache) teamRoles(ctx context.Context, client *grafana.Client, teamID int64) ([]grafana.Role, error) {
	c.prefetchTeamRoles(ctx, client, teamID)
	v, err := cached[[]grafana.Role](c.load(ctx, cacheKey{cacheTeamRoles, client.OrgID(), strconv.FormatInt(teamID, 10)}, func(ctx context.Context) (any, error) {
		return c.batches.roles(ctx, client, cacheTeamRoles, teamID)
	}))
	if err != nil {
		return nil, err
	}
	return cloneRoles(v), nil
}

// userRoles lists a user's roles, hidden ones included.
func (c *readCache) userRoles(ctx context.Context, client *grafana.Client, userID int64) ([]grafana.Role, error) {
	v, err := cached[[]grafana.Role](c.load(ctx, cacheKey{cacheUserRoles, client.OrgID(), strconv.FormatInt(userID, 10)}, func(ctx context.Context) (any, error) {
		return c.batches.roles(ctx, client, cacheUserRoles, userID)
	}))
	if err != nil {
		return nil, err
	}
	return cloneRoles(v), nil
}

// builtinAssignments maps built-in role names to their roles (generation 1).
func (c *readCache) builtinAssignments(ctx context.Context, client *grafana.Client) (map[string][]grafana.Role, error) {
	v, err := cached[map[string][]grafana.Role](c.load(ctx, cacheKey{kind: cacheBuiltinRoles, org: client.OrgID()}, func(ctx context.Context) (any, error) {
		return client.ListBuiltinRoleAssignments(ctx, true)
	}))
	if err != nil {
		return nil, err
	}
	m := v
	out := make(map[string][]grafana.Role, len(m))
	for k, roles := range m {
		out[k] = cloneRoles(roles)
	}
	return out, nil
}

func (c *readCache) health(ctx context.Context, client *grafana.Client) (*grafana.Health, error) {
	v, err := cached[*grafana.Health](c.load(ctx, cacheKey{kind: cacheHealth}, func(ctx context.Context) (any, error) {
		return client.Health(ctx)
	}))
	if err != nil {
		return nil, err
	}
	h := *v
	return &h, nil
}

// permissions are the effective permissions of the client's credentials in
// its org. Writes do not forget them: they feed plan-time delegation
// checks only, once per operation, and Grafana enforces delegation anyway.
func (c *readCache) permissions(ctx context.Context, client *grafana.Client) ([]grafana.Permission, error) {
	v, err := cached[[]grafana.Permission](c.load(ctx, cacheKey{kind: cachePermissions, org: client.OrgID()}, func(ctx context.Context) (any, error) {
		return client.GetCurrentUserPermissions(ctx)
	}))
	if err != nil {
		return nil, err
	}
	return slices.Clone(v), nil
}

// currentUser is the user of the client's credentials. Like permissions,
// it feeds plan-time checks only, so writes do not forget it.
func (c *readCache) currentUser(ctx context.Context, client *grafana.Client) (*grafana.User, error) {
	v, err := cached[*grafana.User](c.load(ctx, cacheKey{kind: cacheCurrentUser}, func(ctx context.Context) (any, error) {
		return client.GetCurrentUser(ctx)
	}))
	if err != nil {
		return nil, err
	}
	u := *v
	return &u, nil
}

func cloneRole(r *grafana.Role) *grafana.Role {
	c := *r
	c.Permissions = slices.Clone(r.Permissions)
	return &c
}

func cloneRoles(roles []grafana.Role) []grafana.Role {
	if roles == nil {
		return nil
	}
	out := make([]grafana.Role, len(roles))
	for i := range roles {
		out[i] = *cloneRole(&roles[i])
	}
	return out
}

// cached checks the type of a cached value; a mismatch is a bug in this file.
func cached[T any](v any, err error) (T, error) {
	var zero T
	if err != nil {
		return zero, err
	}
	t, ok := v.(T)
	if !ok {
		return zero, fmt.Errorf("read cache held %T where %T was expected; please report this provider bug", v, zero)
	}
	return t, nil
}
