package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
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

// lookupOrgIDAttribute is the org_id that lookupOrgID reads.
func lookupOrgIDAttribute() schema.Int64Attribute {
	return schema.Int64Attribute{
		MarkdownDescription: "Organization to look in. Defaults to the provider's organization.",
		Optional:            true,
		Computed:            true,
		Validators:          []validator.Int64{int64validator.AtLeast(1)},
	}
}
