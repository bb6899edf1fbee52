package provider

import (
	"context"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

// providerData is what Configure hands to every resource and data source.
type providerData struct {
	client *grafana.Client
	orgID  int64 // the provider's org (org_id, default 1)
	// planChecks is plan_checks: what the plan-time permission checks do (plan_checks.go).
	planChecks string

	// reads are shared by the resources of this operation (read_cache.go).
	reads readCache
	// claims are the grants planned in this operation (role_assignment.go).
	claims grantClaims
	// covers are the grants the authoritative resources decide (grant_covers.go).
	covers coverClaims
	// released are the basic-role grants destroyed in it (basic_role_writer.go).
	released releasedGrants
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
