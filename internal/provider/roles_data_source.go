package provider

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

var _ datasource.DataSourceWithConfigure = (*rolesDataSource)(nil)

// NewRolesDataSource is the grafanarbac_roles data source.
func NewRolesDataSource() datasource.DataSource {
	return &rolesDataSource{}
}

type rolesDataSource struct {
	data *providerData
}

// rolesFilterKinds are the kinds grafanarbac_roles filters on.
var rolesFilterKinds = []string{roleKindCustom, roleKindFixed, roleKindBasic}

type rolesDataSourceModel struct {
	NamePrefix    types.String       `tfsdk:"name_prefix"`
	Group         types.String       `tfsdk:"group"`
	IncludeHidden types.Bool         `tfsdk:"include_hidden"`
	Kind          types.String       `tfsdk:"kind"`
	Roles         []roleSummaryModel `tfsdk:"roles"`
}

type roleSummaryModel struct {
	UID         types.String `tfsdk:"uid"`
	Name        types.String `tfsdk:"name"`
	DisplayName types.String `tfsdk:"display_name"`
	Description types.String `tfsdk:"description"`
	Group       types.String `tfsdk:"group"`
	Kind        types.String `tfsdk:"kind"`
	Version     types.Int64  `tfsdk:"version"`
	Global      types.Bool   `tfsdk:"global"`
	Hidden      types.Bool   `tfsdk:"hidden"`
}

func (d *rolesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_roles"
}

func (d *rolesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Roles of the provider's organization and global roles, filtered. Permissions are left out; read one role's with `grafanarbac_role`.",
		Attributes: map[string]schema.Attribute{
			"name_prefix": schema.StringAttribute{
				MarkdownDescription: "Only roles whose name starts with this, for example `fixed:reports:`.",
				Optional:            true,
			},
			"group": schema.StringAttribute{
				MarkdownDescription: "Only roles of this group (exact match).",
				Optional:            true,
			},
			"include_hidden": schema.BoolAttribute{
				MarkdownDescription: "Include hidden roles (basic roles are hidden). Defaults to `false`.",
				Optional:            true,
			},
			"kind": schema.StringAttribute{
				MarkdownDescription: "Only roles of this kind: " + mdCodeList(rolesFilterKinds) + ".",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(rolesFilterKinds...)},
			},
			"roles": schema.ListNestedAttribute{
				MarkdownDescription: "The roles found, sorted by name.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"uid":          schema.StringAttribute{MarkdownDescription: "Uid of the role.", Computed: true},
						"name":         schema.StringAttribute{MarkdownDescription: "Name of the role.", Computed: true},
						"display_name": schema.StringAttribute{MarkdownDescription: "Name shown in Grafana's UI.", Computed: true},
						"description":  schema.StringAttribute{MarkdownDescription: "What the role is for.", Computed: true},
						"group":        schema.StringAttribute{MarkdownDescription: "Group the role is listed under.", Computed: true},
						"kind":         schema.StringAttribute{MarkdownDescription: "Kind of role: " + mdCodeList(roleKinds) + ".", Computed: true},
						"version":      schema.Int64Attribute{MarkdownDescription: "Version of the role.", Computed: true},
						"global":       schema.BoolAttribute{MarkdownDescription: "Whether the role is visible in every organization.", Computed: true},
						"hidden":       schema.BoolAttribute{MarkdownDescription: "Whether the role is hidden from Grafana's role pickers.", Computed: true},
					},
				},
			},
		},
	}
}

func (d *rolesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
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

func (d *rolesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg rolesDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	includeHidden := cfg.IncludeHidden.ValueBool()
	roles, err := d.data.client.ListRoles(ctx, grafana.ListRolesOptions{IncludeHidden: includeHidden})
	if err != nil {
		resp.Diagnostics.AddError("Cannot list roles", err.Error())
		return
	}
	roles = filterRoles(roles, cfg.NamePrefix.ValueString(), cfg.Group, includeHidden, cfg.Kind.ValueString())

	cfg.Roles = make([]roleSummaryModel, 0, len(roles))
	for _, r := range roles {
		cfg.Roles = append(cfg.Roles, roleSummaryModel{
			UID:         types.StringValue(r.UID),
			Name:        types.StringValue(r.Name),
			DisplayName: types.StringValue(r.DisplayName),
			Description: types.StringValue(r.Description),
			Group:       types.StringValue(r.Group),
			Kind:        types.StringValue(roleKind(r.Name)),
			Version:     types.Int64Value(r.Version),
			Global:      types.BoolValue(r.Global),
			Hidden:      types.BoolValue(r.Hidden),
		})
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, cfg)...)
}

// filterRoles applies the data source's filters and sorts by name, then uid.
// Hidden roles are filtered here too, in case the server ignores the option.
func filterRoles(roles []grafana.Role, namePrefix string, group types.String, includeHidden bool, kind string) []grafana.Role {
	out := slices.DeleteFunc(slices.Clone(roles), func(r grafana.Role) bool {
		return !strings.HasPrefix(r.Name, namePrefix) ||
			(!group.IsNull() && r.Group != group.ValueString()) ||
			(r.Hidden && !includeHidden) ||
			(kind != "" && roleKind(r.Name) != kind)
	})
	slices.SortFunc(out, func(a, b grafana.Role) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.UID, b.UID))
	})
	return out
}
