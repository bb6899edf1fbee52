package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

var (
	_ datasource.DataSourceWithConfigure        = (*roleDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*roleDataSource)(nil)
)

// NewRoleDataSource is the grafanarbac_role data source.
func NewRoleDataSource() datasource.DataSource {
	return &roleDataSource{}
}

type roleDataSource struct {
	data *providerData
}

type roleDataSourceModel struct {
	UID         types.String `tfsdk:"uid"`
	Name        types.String `tfsdk:"name"`
	DisplayName types.String `tfsdk:"display_name"`
	Description types.String `tfsdk:"description"`
	Group       types.String `tfsdk:"group"`
	Kind        types.String `tfsdk:"kind"`
	Version     types.Int64  `tfsdk:"version"`
	Global      types.Bool   `tfsdk:"global"`
	Hidden      types.Bool   `tfsdk:"hidden"`
	Permissions types.Set    `tfsdk:"permissions"`
}

func (d *roleDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_role"
}

func (d *roleDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "One role of any kind (custom, fixed, basic or managed) with its permissions, found by `uid` or by `name`. " +
			"Looks in the provider's organization and among global roles.",
		Attributes: map[string]schema.Attribute{
			"uid": schema.StringAttribute{
				MarkdownDescription: "Uid of the role. Exactly one of `uid` and `name` must be set.",
				Optional:            true,
				Computed:            true,
			},
			"name": schema.StringAttribute{
				MarkdownDescription: "Name of the role, for example `fixed:reports:reader`. Exactly one of `uid` and `name` must be set.",
				Optional:            true,
				Computed:            true,
			},
			"display_name": schema.StringAttribute{MarkdownDescription: "Name shown in Grafana's UI.", Computed: true},
			"description":  schema.StringAttribute{MarkdownDescription: "What the role is for.", Computed: true},
			"group":        schema.StringAttribute{MarkdownDescription: "Group the role is listed under.", Computed: true},
			"kind": schema.StringAttribute{
				MarkdownDescription: "Kind of role, from its name: " + mdCodeList(roleKinds) + ".",
				Computed:            true,
			},
			"version":     schema.Int64Attribute{MarkdownDescription: "Version of the role.", Computed: true},
			"global":      schema.BoolAttribute{MarkdownDescription: "Whether the role is visible in every organization.", Computed: true},
			"hidden":      schema.BoolAttribute{MarkdownDescription: "Whether the role is hidden from Grafana's role pickers.", Computed: true},
			"permissions": permissionsDataSourceAttribute("Permissions the role grants."),
		},
	}
}

func (d *roleDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{
		datasourcevalidator.ExactlyOneOf(path.MatchRoot("uid"), path.MatchRoot("name")),
	}
}

func (d *roleDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
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

func (d *roleDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg roleDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	client := d.data.client
	uid := cfg.UID.ValueString()
	if cfg.UID.IsNull() {
		name := cfg.Name.ValueString()
		roles, err := client.ListRoles(ctx, grafana.ListRolesOptions{IncludeHidden: true})
		if err != nil {
			resp.Diagnostics.AddError("Cannot list roles", err.Error())
			return
		}
		var uids []string
		for _, r := range roles {
			if r.Name == name {
				uids = append(uids, r.UID)
			}
		}
		switch len(uids) {
		case 0:
			resp.Diagnostics.AddAttributeError(path.Root("name"), "Role not found",
				fmt.Sprintf("No role named %q in organization %d, nor a global one.", name, d.data.orgID))
			return
		case 1:
			uid = uids[0]
		default:
			resp.Diagnostics.AddAttributeError(path.Root("name"), "Several roles with this name",
				fmt.Sprintf("Roles %s are all named %q (a global role and an organization's role may share a name). Use uid instead.",
					strings.Join(uids, ", "), name))
			return
		}
	}
	role, err := client.GetRole(ctx, uid)
	if grafana.IsNotFound(err) {
		resp.Diagnostics.AddAttributeError(path.Root("uid"), "Role not found",
			fmt.Sprintf("No role with uid %q in organization %d, nor a global one.", uid, d.data.orgID))
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot read role", fmt.Sprintf("Reading role %q: %s", uid, err))
		return
	}
	state := roleDataSourceModel{
		UID:         types.StringValue(role.UID),
		Name:        types.StringValue(role.Name),
		DisplayName: types.StringValue(role.DisplayName),
		Description: types.StringValue(role.Description),
		Group:       types.StringValue(role.Group),
		Kind:        types.StringValue(roleKind(role.Name)),
		Version:     types.Int64Value(role.Version),
		Global:      types.BoolValue(role.Global),
		Hidden:      types.BoolValue(role.Hidden),
		Permissions: permissionsToSet(role.Permissions),
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}
