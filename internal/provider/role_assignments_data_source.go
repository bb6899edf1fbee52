package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

var _ datasource.DataSourceWithConfigure = (*roleAssignmentsDataSource)(nil)

// NewRoleAssignmentsDataSource is the grafanarbac_role_assignments data source.
func NewRoleAssignmentsDataSource() datasource.DataSource {
	return &roleAssignmentsDataSource{}
}

type roleAssignmentsDataSource struct {
	data *providerData
}

type roleAssignmentsDataSourceModel struct {
	RoleUID         types.String `tfsdk:"role_uid"`
	OrgID           types.Int64  `tfsdk:"org_id"`
	Users           types.Set    `tfsdk:"users"`
	Teams           types.Set    `tfsdk:"teams"`
	ServiceAccounts types.Set    `tfsdk:"service_accounts"`
}

func (d *roleAssignmentsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_role_assignments"
}

func (d *roleAssignmentsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	ids := func(what string) schema.SetAttribute {
		return schema.SetAttribute{MarkdownDescription: "Ids of the " + what + " that hold the role in the organization.", ElementType: types.Int64Type, Computed: true}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Who holds one role in one organization: users, teams and service accounts. " +
			"Global user grants are no organization's and are not listed. Grafana 9 and later (generation 2). " +
			"From Grafana 9.2 it reads `GET /api/access-control/roles/:uid/assignments`; before 9.2 it asks the roles of " +
			"every member, service account and team of the organization, which needs an Admin of it.",
		Attributes: map[string]schema.Attribute{
			"role_uid": schema.StringAttribute{
				MarkdownDescription: "Uid of the role.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"org_id":           lookupOrgIDAttribute(),
			"users":            ids("users"),
			"teams":            ids("teams"),
			"service_accounts": ids("service accounts"),
		},
	}
}

func (d *roleAssignmentsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if data := providerDataFrom(req.ProviderData, &resp.Diagnostics); data != nil {
		d.data = data
	}
}

func (d *roleAssignmentsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	cfg, ok := readConfig[roleAssignmentsDataSourceModel](ctx, req, &resp.Diagnostics)
	if !ok {
		return
	}
	orgID := lookupOrgID(d.data, cfg.OrgID)
	client := orgClient(d.data, orgID)
	if !requireGeneration2(ctx, client, roleAssignmentsNeedGen2, roleAssignmentsNeedGen2Detail, &resp.Diagnostics) {
		return
	}
	uid := cfg.RoleUID.ValueString()
	if _, err := d.data.reads.role(ctx, client, uid); grafana.IsNotFound(err) {
		resp.Diagnostics.AddAttributeError(path.Root("role_uid"), "Role not found", roleNotFoundDetail(ctx, d.data, client, orgID, uid))
		return
	} else if err != nil {
		resp.Diagnostics.AddError("Cannot read role", fmt.Sprintf("Reading role %q: %s", uid, err))
		return
	}
	holders, err := roleHolders(ctx, d.data, client, uid)
	if err != nil {
		resp.Diagnostics.AddError("Cannot read the role's assignments", fmt.Sprintf("Role %q in organization %d: %s", uid, orgID, err))
		return
	}
	cfg.OrgID = types.Int64Value(orgID)
	cfg.Users = int64Set(holders.Users)
	cfg.Teams = int64Set(holders.Teams)
	cfg.ServiceAccounts = int64Set(holders.ServiceAccounts)
	resp.Diagnostics.Append(resp.State.Set(ctx, cfg)...)
}

// The generation-1 refusal of grafanarbac_role_assignments, resource and data source.
const (
	roleAssignmentsNeedGen2       = "grafanarbac_role_assignments needs Grafana 9 or later"
	roleAssignmentsNeedGen2Detail = "This Grafana uses the generation 1 API (Grafana 8). Upgrade to Grafana 9 or later, or use the per-item assignment resources."
)

// requireGeneration2 adds the error summary, detail and returns false on
// generation 1, which has no role-centric assignment reads and no service
// accounts.
func requireGeneration2(ctx context.Context, client *grafana.Client, summary, detail string, diags interface {
	AddError(string, string)
}) bool {
	gen, err := client.Generation(ctx)
	if err != nil {
		diags.AddError("Cannot detect the Grafana API generation", err.Error())
		return false
	}
	if gen == grafana.Generation1 {
		diags.AddError(summary, detail)
		return false
	}
	return true
}

// roleNotFoundDetail names the closest role uids and names of the org.
func roleNotFoundDetail(ctx context.Context, data *providerData, client *grafana.Client, orgID int64, uid string) string {
	roles, err := data.reads.roleList(ctx, client)
	if err != nil {
		return fmt.Sprintf("In organization %d, no role has uid %q.", orgID, uid)
	}
	var names []string
	for _, r := range roles {
		names = append(names, r.UID)
	}
	return notFoundDetail("role uid", orgID, uid, names)
}

func int64Set(ids []int64) types.Set {
	elems := make([]attr.Value, len(ids))
	for i, id := range ids {
		elems[i] = types.Int64Value(id)
	}
	return types.SetValueMust(types.Int64Type, elems)
}
