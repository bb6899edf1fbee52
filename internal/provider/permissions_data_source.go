package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

var _ datasource.DataSourceWithConfigure = (*permissionsDataSource)(nil)

// NewPermissionsDataSource is the grafanarbac_permissions data source.
func NewPermissionsDataSource() datasource.DataSource {
	return &permissionsDataSource{}
}

type permissionsDataSource struct {
	data *providerData
}

type permissionsDataSourceModel struct {
	UserID      types.Int64 `tfsdk:"user_id"`
	Permissions types.Set   `tfsdk:"permissions"`
}

func (d *permissionsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_permissions"
}

func (d *permissionsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Effective permissions in the provider's organization, of the provider's own credentials or of a given user. " +
			"A role can only be created, changed or granted by a caller that holds all of its permissions, so this shows what the provider can delegate.",
		Attributes: map[string]schema.Attribute{
			"user_id": schema.Int64Attribute{
				MarkdownDescription: "Id of the user (or service account) whose permissions to read. Defaults to the provider's credentials.",
				Optional:            true,
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
			},
			"permissions": permissionsDataSourceAttribute("The effective permissions."),
		},
	}
}

func (d *permissionsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	data, ok := req.ProviderData.(*providerData)
	if !ok {
		resp.Diagnostics.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *providerData, got %T. Please report this issue to the provider developers.", req.ProviderData))
		return
	}
	d.data = data
}

func (d *permissionsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg permissionsDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	var perms []grafana.Permission
	var err error
	if cfg.UserID.IsNull() {
		perms, err = d.data.callerPermissions(ctx)
	} else {
		perms, err = d.data.client.GetUserPermissions(ctx, cfg.UserID.ValueInt64())
	}
	switch {
	case grafana.IsNotFound(err):
		resp.Diagnostics.AddAttributeError(path.Root("user_id"), "User not found",
			fmt.Sprintf("No user with id %d in organization %d.", cfg.UserID.ValueInt64(), d.data.orgID))
		return
	case err != nil:
		resp.Diagnostics.AddError("Cannot read permissions", err.Error())
		return
	}
	cfg.Permissions = permissionsToSet(perms)
	resp.Diagnostics.Append(resp.State.Set(ctx, cfg)...)
}
