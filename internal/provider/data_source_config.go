package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// readConfig reads a data source's configuration; ok is false on error.
func readConfig[M any](ctx context.Context, req datasource.ReadRequest, diags *diag.Diagnostics) (cfg M, ok bool) {
	diags.Append(req.Config.Get(ctx, &cfg)...)
	return cfg, !diags.HasError()
}

// lookupOrgID is the organization a data source looks in: org_id, else the
// provider's.
func lookupOrgID(data *providerData, configured types.Int64) int64 {
	if configured.IsNull() {
		return data.orgID
	}
	return configured.ValueInt64()
}
