package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

// orgMissing turns a refused request in another organization into "the
// organization does not exist" when that is the cause: Grafana answers a
// request for an org the caller does not belong to (a missing one
// included) as one it may not make, and "lack roles:write" would send the
// user after permissions. Only a server admin may read an org; for other
// credentials nothing is reported and the caller's own message stands.
func orgMissing(ctx context.Context, data *providerData, orgID int64, err error, diags *diag.Diagnostics) bool {
	if data == nil || orgID <= 0 || orgID == data.orgID || (!grafana.IsForbidden(err) && !grafana.IsUnauthorized(err)) {
		return false
	}
	if _, gerr := data.client.GetOrg(ctx, orgID); !grafana.IsNotFound(gerr) {
		return false
	}
	diags.AddAttributeError(path.Root("org_id"), "Organization not found",
		fmt.Sprintf("Organization %d does not exist in Grafana at %s. Set org_id to the id of an existing organization, or create it first.",
			orgID, data.client.URL()))
	return true
}
