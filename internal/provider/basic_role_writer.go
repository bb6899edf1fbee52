package provider

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

// On generation 2 a built-in role is a basic role (basic_viewer, …), an
// ordinary role whose permission set the assignment resources edit. Grafana
// only offers "replace the whole set" (PUT with a greater version), so every
// change is a read-modify-write:
//
//   - writers in this provider process are serialised per basic role, so the
//     resources of one run (terraform applies up to 10 at once) never undo
//     each other;
//   - a write that loses a race with another client gets a version-outdated
//     answer and is redone on fresh data, a bounded number of times.

// basicRoleWriteAttempts bounds the retries of a write that keeps losing races.
const basicRoleWriteAttempts = 8

// basicRoleLocks holds one lock per Grafana and basic role. The key leaves out
// the organization: basic roles are global, so requests made for different
// organizations still edit the same role.
// A lock is a channel of capacity one, so that waiting for it can end with ctx.
var basicRoleLocks = struct {
	sync.Mutex
	m map[string]chan struct{}
}{m: map[string]chan struct{}{}}

// lockBasicRole waits for the basic role's lock, or for ctx to end.
func lockBasicRole(ctx context.Context, client *grafana.Client, uid string) (unlock func(), err error) {
	key := client.URL() + "|" + uid
	basicRoleLocks.Lock()
	ch, ok := basicRoleLocks.m[key]
	if !ok {
		ch = make(chan struct{}, 1)
		basicRoleLocks.m[key] = ch
	}
	basicRoleLocks.Unlock()
	select {
	case ch <- struct{}{}:
		return func() { <-ch }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// basicRoleEdit computes the new permission set of a basic role from what it
// holds now. It runs again after a lost race, so it must not keep results of
// an earlier call.
type basicRoleEdit func(ctx context.Context, current []grafana.Permission) ([]grafana.Permission, error)

// editBasicRole applies edit to the basic role uid and returns the role as
// stored afterwards. Nothing is written when the set does not change.
func editBasicRole(ctx context.Context, client *grafana.Client, uid string, edit basicRoleEdit) (*grafana.Role, error) {
	unlock, err := lockBasicRole(ctx, client, uid)
	if err != nil {
		return nil, err
	}
	defer unlock()

	for attempt := 1; ; attempt++ {
		role, err := client.GetRole(ctx, uid)
		if err != nil {
			return nil, fmt.Errorf("reading basic role %s: %w", uid, err)
		}
		next, err := edit(ctx, role.Permissions)
		if err != nil {
			return nil, err
		}
		if grafana.PermissionsEqual(next, role.Permissions) {
			return role, nil
		}
		updated, err := client.UpdateRole(ctx, uid, grafana.UpdateRoleRequest{
			Version:     role.Version + 1,
			Name:        role.Name,
			DisplayName: role.DisplayName,
			Description: role.Description,
			Group:       role.Group,
			Global:      role.Global,
			Hidden:      role.Hidden,
			Permissions: nonNilPermissions(grafana.NormalizePermissions(next)),
		})
		if err == nil {
			return updated, nil
		}
		if !grafana.IsVersionOutdated(err) || attempt >= basicRoleWriteAttempts {
			return nil, fmt.Errorf("updating basic role %s: %w", uid, err)
		}
		tflog.Debug(ctx, "basic role changed concurrently; retrying on fresh data",
			map[string]any{"uid": uid, "attempt": attempt})
		// Jitter, so that two providers racing for the role do not collide again.
		wait := time.Duration(attempt)*50*time.Millisecond + rand.N(50*time.Millisecond)
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// releasedGrants are the roles whose assignment to a basic role was
// destroyed in this operation. Such a role still exists and still looks
// held in full while the other assignments of its permissions go; without
// this, the last of them would keep a shared permission for it, and the
// permission would stay on the basic role after every grant is gone.
type releasedGrants struct {
	mu sync.Mutex
	m  map[string]bool // "<basic uid>|<role uid>"
}

func (r *releasedGrants) set(basicUID, roleUID string, released bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.m == nil {
		r.m = map[string]bool{}
	}
	r.m[basicUID+"|"+roleUID] = released
}

func (r *releasedGrants) has(basicUID, roleUID string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.m[basicUID+"|"+roleUID]
}

// --- permission-set arithmetic, kept pure for unit tests ---

// permissionsUnion returns a ∪ b as a sorted set.
func permissionsUnion(a, b []grafana.Permission) []grafana.Permission {
	return grafana.NormalizePermissions(append(slices.Clone(a), b...))
}

// permissionsIntersect returns a ∩ b as a sorted set.
func permissionsIntersect(a, b []grafana.Permission) []grafana.Permission {
	return grafana.PermissionsMinus(a, grafana.PermissionsMinus(a, b))
}

// permissionsContain reports whether every permission of sub is literally in set.
func permissionsContain(set, sub []grafana.Permission) bool {
	return len(grafana.PermissionsMinus(sub, set)) == 0
}

// plannedGrant is what a built-in role assignment owns on the basic role:
// what it owned before and the role still has, plus every permission of the
// role the basic role lacks now (new ones, or ones removed outside
// Terraform). On a fresh assignment that is exactly role − basic.
func plannedGrant(role, basic, prior []grafana.Permission) []grafana.Permission {
	return permissionsIntersect(permissionsUnion(prior, grafana.PermissionsMinus(role, basic)), role)
}

// heldByContainedRoles returns the permissions of the roles in others whose
// permissions the basic role holds in full: roles that are, in effect,
// granted to it. Removing one of these would break that other grant.
func heldByContainedRoles(basic []grafana.Permission, others map[string][]grafana.Permission) []grafana.Permission {
	var held []grafana.Permission
	for _, perms := range others {
		if len(perms) > 0 && permissionsContain(basic, perms) {
			held = append(held, perms...)
		}
	}
	return grafana.NormalizePermissions(held)
}

// removablePermissions returns the permissions of remove that the basic
// role holds and that no other custom role granted to it needs, and, by
// role uid, those kept for another role. Grafana records no grants on a
// basic role, so another role counts as granted when the basic role holds
// all its permissions and not all of them are explained: explained is what
// the removed grant owned plus Grafana's defaults. A role held in full only
// because of this grant is no evidence of another (issue 16: such a role
// kept a permission after every grant of it was gone).
func removablePermissions(basic, remove, explained []grafana.Permission, others map[string][]grafana.Permission) ([]grafana.Permission, map[string][]grafana.Permission) {
	removable := permissionsIntersect(remove, basic)
	var kept map[string][]grafana.Permission
	for uid, perms := range others {
		if len(perms) == 0 || !permissionsContain(basic, perms) || permissionsContain(explained, perms) {
			continue
		}
		if needed := permissionsIntersect(removable, perms); len(needed) > 0 {
			if kept == nil {
				kept = map[string][]grafana.Permission{}
			}
			kept[uid] = needed
		}
	}
	for _, needed := range kept {
		removable = grafana.PermissionsMinus(removable, needed)
	}
	return removable, kept
}

// sharedWithCustomRoles returns the permissions of candidates that the basic
// role holds because another custom role granted to it (held in full)
// carries them, and that are not Grafana's defaults. An assignment records
// these as its own too: when the other assignment goes, they stay for this
// one (see removablePermissions), and must go when this one goes.
func sharedWithCustomRoles(candidates, basic []grafana.Permission, custom map[string][]grafana.Permission, defaults []grafana.Permission) []grafana.Permission {
	shared := permissionsIntersect(candidates, heldByContainedRoles(basic, custom))
	if len(shared) == 0 {
		return nil
	}
	return grafana.PermissionsMinus(shared, defaults)
}

// --- reading the permissions of many roles ---

// fixedRolePermissionsCache keeps the permissions of fixed roles, which
// Grafana never changes, keyed by Grafana URL, uid and version: the
// default-assignment resources read every fixed role on each plan.
var fixedRolePermissionsCache = struct {
	sync.Mutex
	m map[string][]grafana.Permission
}{m: map[string][]grafana.Permission{}}

// rolePermissionsFetchers bounds the concurrent GETs of one rolesPermissions call.
const rolePermissionsFetchers = 4

// rolesPermissions returns the permissions of every role the client lists
// (hidden ones included) that keep selects, by uid. Roles deleted while
// reading are left out. The list and the reads go through reads, so the
// assignments of one operation read each role once, not once each.
func rolesPermissions(ctx context.Context, reads *readCache, client *grafana.Client, keep func(grafana.Role) bool) (map[string][]grafana.Permission, error) {
	roles, err := reads.roleList(ctx, client)
	if err != nil {
		return nil, fmt.Errorf("listing roles: %w", err)
	}
	var (
		mu       sync.Mutex
		wg       sync.WaitGroup
		firstErr error
		out      = map[string][]grafana.Permission{}
		slots    = make(chan struct{}, rolePermissionsFetchers)
	)
	for _, r := range roles {
		if !keep(r) {
			continue
		}
		cacheKey := ""
		if roleKind(r.Name) == roleKindFixed {
			cacheKey = fmt.Sprintf("%s|%s|%d", client.URL(), r.UID, r.Version)
			fixedRolePermissionsCache.Lock()
			perms, ok := fixedRolePermissionsCache.m[cacheKey]
			fixedRolePermissionsCache.Unlock()
			if ok {
				mu.Lock()
				out[r.UID] = perms
				mu.Unlock()
				continue
			}
		}
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer func() { <-slots; wg.Done() }()
			full, err := reads.role(ctx, client, r.UID)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case grafana.IsNotFound(err):
			case err != nil:
				if firstErr == nil {
					firstErr = fmt.Errorf("reading role %s: %w", r.UID, err)
				}
			default:
				perms := grafana.NormalizePermissions(full.Permissions)
				if cacheKey != "" {
					fixedRolePermissionsCache.Lock()
					fixedRolePermissionsCache.m[cacheKey] = perms
					fixedRolePermissionsCache.Unlock()
				}
				out[r.UID] = perms
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	return out, nil
}
