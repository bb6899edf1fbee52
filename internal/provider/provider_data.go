package provider

import (
	"context"
	"sync"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

// providerData is what Configure hands to every resource and data source.
type providerData struct {
	client *grafana.Client
	orgID  int64 // the provider's org (org_id, default 1)

	permsOnce sync.Once
	perms     []grafana.Permission
	permsErr  error
}

// callerPermissions are the effective permissions of the provider's
// credentials, fetched once per Terraform run for plan-time delegation checks.
func (p *providerData) callerPermissions(ctx context.Context) ([]grafana.Permission, error) {
	p.permsOnce.Do(func() {
		p.perms, p.permsErr = p.client.GetCurrentUserPermissions(ctx)
	})
	return p.perms, p.permsErr
}
