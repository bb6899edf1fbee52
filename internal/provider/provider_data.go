package provider

import (
	"context"
	"strconv"
	"sync"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

// providerData is what Configure hands to every resource and data source.
type providerData struct {
	client *grafana.Client
	orgID  int64 // the provider's org (org_id, default 1)
	// planChecks is plan_checks: what the plan-time permission checks do (plan_checks.go).
	planChecks string
	// refresh is refresh: how Read reads custom roles (role_refresh.go).
	refresh string

	// reads are shared by the resources of this operation (read_cache.go).
	reads readCache
	// claims are the grants planned in this operation (role_assignment.go).
	claims grantClaims
	// covers are the grants the authoritative resources decide (grant_covers.go).
	covers coverClaims
	// released are the basic-role grants destroyed in it (basic_role_writer.go).
	released releasedGrants
	// changing are the roles whose permissions this operation changes.
	changing changingRoles
}

// changingRoles records the custom roles planned to change permissions (or
// be replaced) in this operation. Terraform plans a role before the
// assignments that reference its uid, so such an assignment finds its role
// here and plans to re-sync the basic role after the role's update.
//
// During the apply Terraform plans each resource again, in a new process,
// and a value known in the first plan must come out the same. An existing
// assignment that references its role is planned again after the role's
// update and reads the new permissions from Grafana; one with a hard-coded
// uid may be planned in any order, and must not turn a known plan unknown.
// So an existing assignment uses this only in a process that refreshed it:
// the plan, not the apply. A new one always does: it is unknown both times.
type changingRoles struct {
	mu        sync.Mutex
	m         map[string]bool // "<org>:<uid>", org 0 for a global role
	refreshed bool            // a built-in role assignment was read
}

func (c *changingRoles) markRefreshed() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.refreshed = true
}

// resync tells whether an assignment in orgID of role uid plans to re-sync
// the basic role because the role changes (created: whether it is new).
func (c *changingRoles) resync(orgID int64, uid string, created bool) bool {
	c.mu.Lock()
	refreshed := c.refreshed
	c.mu.Unlock()
	return (created || refreshed) && c.has(orgID, uid)
}

func changingRoleKey(orgID int64, uid string) string {
	return strconv.FormatInt(orgID, 10) + ":" + uid
}

func (c *changingRoles) add(orgID int64, uid string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]bool{}
	}
	c.m[changingRoleKey(orgID, uid)] = true
}

// has tells whether the role uid that an assignment in orgID gets (the
// org's role, or a global one) changes in this operation.
func (c *changingRoles) has(orgID int64, uid string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[changingRoleKey(orgID, uid)] || c.m[changingRoleKey(0, uid)]
}

// callerPermissions are the effective permissions of the provider's
// credentials, fetched once per Terraform run for plan-time delegation checks.
func (p *providerData) callerPermissions(ctx context.Context) ([]grafana.Permission, error) {
	return p.reads.permissions(ctx, p.client)
}

// callerPermissionsIn is callerPermissions in another organization (once per org).
func (p *providerData) callerPermissionsIn(ctx context.Context, orgID int64) ([]grafana.Permission, error) {
	return p.reads.permissions(ctx, orgClient(p, orgID))
}

// callerIsServerAdmin tells whether the provider's credentials are a Grafana
// server admin (GET /api/user, once per Terraform run). Releases whose
// profile query leaves service accounts out (before 12, as the emulator
// assumes) answer a service account 404: a token that gets 404 is no server
// admin.
func (p *providerData) callerIsServerAdmin(ctx context.Context) (bool, error) {
	u, err := p.reads.currentUser(ctx, p.client)
	if grafana.IsNotFound(err) && p.client.UsesToken() {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return u.IsGrafanaAdmin, nil
}

// editBasicRole is editBasicRole followed by forgetting the basic role's
// cached reads, whatever the outcome: a failed write may have happened.
func (p *providerData) editBasicRole(ctx context.Context, client *grafana.Client, uid string, edit basicRoleEdit) error {
	defer p.reads.forgetBasicRole(uid)
	_, err := editBasicRole(ctx, client, uid, edit)
	return err
}
