package provider

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

var _ datasource.DataSourceWithConfigure = (*builtinRoleAssignmentsDataSource)(nil)

// NewBuiltinRoleAssignmentsDataSource is the grafanarbac_builtin_role_assignments data source.
func NewBuiltinRoleAssignmentsDataSource() datasource.DataSource {
	return &builtinRoleAssignmentsDataSource{}
}

type builtinRoleAssignmentsDataSource struct {
	data *providerData
}

type builtinRoleAssignmentsModel struct {
	OrgID        types.Int64                         `tfsdk:"org_id"`
	Generation   types.Int64                         `tfsdk:"generation"`
	BuiltinRoles map[string]builtinRoleAssignedModel `tfsdk:"builtin_roles"`
}

type builtinRoleAssignedModel struct {
	BasicRoleUID types.String        `tfsdk:"basic_role_uid"`
	Roles        []assignedRoleModel `tfsdk:"roles"`
	Permissions  types.Set           `tfsdk:"permissions"`
}

type assignedRoleModel struct {
	UID         types.String `tfsdk:"uid"`
	Name        types.String `tfsdk:"name"`
	DisplayName types.String `tfsdk:"display_name"`
	Global      types.Bool   `tfsdk:"global"`
}

func (d *builtinRoleAssignmentsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_builtin_role_assignments"
}

func (d *builtinRoleAssignmentsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "What each built-in role is granted. On Grafana 8 (API generation 1): the roles assigned to it, Grafana's " +
			"default grants included. On Grafana 9+ (generation 2), where built-in roles are basic roles: the basic role's permissions.",
		Attributes: map[string]schema.Attribute{
			"org_id": schema.Int64Attribute{
				MarkdownDescription: "Organization to read. Defaults to the provider's organization.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
			},
			"generation": schema.Int64Attribute{
				MarkdownDescription: "API generation of the Grafana: `1` (Grafana 8) or `2` (Grafana 9 and later).",
				Computed:            true,
			},
			"builtin_roles": schema.MapNestedAttribute{
				MarkdownDescription: "By built-in role name (" + mdCodeList(allBuiltinRoleNames()) + "; `None` only on generation 2, where it exists).",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"basic_role_uid": schema.StringAttribute{
							MarkdownDescription: "Generation 2: uid of the basic role, for example `basic_viewer`. Null on generation 1.",
							Computed:            true,
						},
						"roles": schema.ListNestedAttribute{
							MarkdownDescription: "Generation 1: the roles granted, sorted by name. Empty on generation 2.",
							Computed:            true,
							NestedObject: schema.NestedAttributeObject{
								Attributes: map[string]schema.Attribute{
									"uid":          schema.StringAttribute{MarkdownDescription: "Uid of the role.", Computed: true},
									"name":         schema.StringAttribute{MarkdownDescription: "Name of the role.", Computed: true},
									"display_name": schema.StringAttribute{MarkdownDescription: "Name shown in Grafana's UI.", Computed: true},
									"global":       schema.BoolAttribute{MarkdownDescription: "Whether the role is global.", Computed: true},
								},
							},
						},
						"permissions": permissionsDataSourceAttribute("Generation 2: the basic role's permissions. Empty on generation 1."),
					},
				},
			},
		},
	}
}

func (d *builtinRoleAssignmentsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if data := providerDataFrom(req.ProviderData, &resp.Diagnostics); data != nil {
		d.data = data
	}
}

func (d *builtinRoleAssignmentsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	cfg, ok := readConfig[builtinRoleAssignmentsModel](ctx, req, &resp.Diagnostics)
	if !ok {
		return
	}
	orgID := lookupOrgID(d.data, cfg.OrgID)
	client := orgClient(d.data, orgID)
	gen, err := client.Generation(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Cannot detect the Grafana API generation", err.Error())
		return
	}
	out := map[string]builtinRoleAssignedModel{}
	if gen == grafana.Generation1 {
		byBuiltin, err := client.ListBuiltinRoleAssignments(ctx, true)
		if err != nil {
			resp.Diagnostics.AddError("Cannot list built-in role assignments", err.Error())
			return
		}
		for _, name := range builtinRoleNames(gen) {
			out[name] = builtinRoleAssignedModel{
				BasicRoleUID: types.StringNull(),
				Roles:        assignedRoles(byBuiltin[name]),
				Permissions:  permissionsToSet(nil),
			}
		}
	} else {
		for _, b := range builtinRoles {
			role, err := client.GetRole(ctx, b.BasicRoleUID)
			if grafana.IsNotFound(err) {
				continue // basic_none before Grafana 10
			}
			if err != nil {
				resp.Diagnostics.AddError("Cannot read basic role", fmt.Sprintf("Reading basic role %q: %s", b.BasicRoleUID, err))
				return
			}
			out[b.Name] = builtinRoleAssignedModel{
				BasicRoleUID: types.StringValue(b.BasicRoleUID),
				Roles:        []assignedRoleModel{},
				Permissions:  permissionsToSet(role.Permissions),
			}
		}
	}
	cfg.OrgID = types.Int64Value(orgID)
	cfg.Generation = types.Int64Value(int64(gen))
	cfg.BuiltinRoles = out
	resp.Diagnostics.Append(resp.State.Set(ctx, cfg)...)
}

// assignedRoles maps roles to the data source's list, sorted by name then uid.
func assignedRoles(roles []grafana.Role) []assignedRoleModel {
	sorted := slices.Clone(roles)
	slices.SortFunc(sorted, func(a, b grafana.Role) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.UID, b.UID))
	})
	out := make([]assignedRoleModel, 0, len(sorted))
	for _, r := range sorted {
		out = append(out, assignedRoleModel{
			UID:         types.StringValue(r.UID),
			Name:        types.StringValue(r.Name),
			DisplayName: types.StringValue(r.DisplayName),
			Global:      types.BoolValue(r.Global),
		})
	}
	return out
}
