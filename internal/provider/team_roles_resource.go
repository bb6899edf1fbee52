package provider

import (
	"context"
	"fmt"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

var (
	_ resource.ResourceWithConfigure   = (*teamRolesResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*teamRolesResource)(nil)
	_ resource.ResourceWithImportState = (*teamRolesResource)(nil)
)

// NewTeamRolesResource is the grafanarbac_team_roles resource.
func NewTeamRolesResource() resource.Resource {
	r := &teamRolesResource{}
	r.roleSetCRUD.holder = r.holder
	return r
}

type teamRolesResource struct {
	roleSetCRUD[teamRolesModel, *teamRolesModel]
	data *providerData
}

type teamRolesModel struct {
	ID       types.String `tfsdk:"id"`
	TeamID   types.Int64  `tfsdk:"team_id"`
	OrgID    types.Int64  `tfsdk:"org_id"`
	RoleUIDs types.Set    `tfsdk:"role_uids"`
}

func (m *teamRolesModel) orgFields() (*types.Int64, types.Bool) {
	return &m.OrgID, types.BoolValue(false)
}

func (r *teamRolesResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_team_roles"
}

func (r *teamRolesResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The exact set of custom and fixed roles one team holds, authoritatively (`PUT /api/access-control/teams/:id/roles`). " +
			"A role granted to the team outside Terraform shows in the plan as drift and the next apply removes it; a role removed " +
			"outside Terraform is granted again. Hidden roles (such as the managed roles behind resource permissions) are left alone.\n\n" +
			"Destroy removes exactly the roles that the last apply granted or confirmed (after an import: the roles found then), " +
			"never a role granted outside Terraform since.\n\n" +
			"Do not also grant roles to this team with `grafanarbac_team_role_assignment`, nor beside `grafanarbac_role_assignments` " +
			"of a role that either of them grants to this team: the two would undo each other, and the plan fails naming both.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<org_id>:<team_id>`: the import ID.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"team_id": schema.Int64Attribute{
				MarkdownDescription: "Id of the team. Changing it replaces the resource.",
				Required:            true,
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.RequiresReplace()},
			},
			"org_id": schema.Int64Attribute{
				MarkdownDescription: "Organization of the team. Defaults to the provider's organization. Changing it replaces the resource.",
				Optional:            true, Computed: true,
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
			"role_uids": schema.SetAttribute{
				MarkdownDescription: "Uids of exactly the roles the team holds (custom or fixed; basic and managed roles cannot be assigned to teams); empty when left out.",
				ElementType:         types.StringType,
				Optional:            true, Computed: true,
				Default:    setdefault.StaticValue(emptyStringSet),
				Validators: []validator.Set{setvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))},
			},
		},
	}
}

func (r *teamRolesResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if data := providerDataFrom(req.ProviderData, &resp.Diagnostics); data != nil {
		r.data = data
	}
}

func teamRolesID(orgID, teamID int64) string { return fmt.Sprintf("%d:%d", orgID, teamID) }

func (r *teamRolesResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	plan, state, ok := planAssignment[teamRolesModel](ctx, r.data, req, resp)
	if !ok {
		return
	}
	if plan.OrgID.IsUnknown() || plan.TeamID.IsUnknown() || r.data == nil {
		plan.ID = types.StringUnknown()
		resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
		return
	}
	orgID, teamID := plan.OrgID.ValueInt64(), plan.TeamID.ValueInt64()
	plan.ID = types.StringValue(teamRolesID(orgID, teamID))
	var stated []statedGrant
	for _, uid := range knownSetValues(plan.RoleUIDs, types.String.ValueString) {
		stated = append(stated, teamGrant(orgID, teamID, uid))
	}
	r.data.covers.claimCover(ctx, resp.Private, teamCover(orgID, teamID),
		fmt.Sprintf("grafanarbac_team_roles of team %d in organization %d", teamID, orgID), stated, path.Root("team_id"), &resp.Diagnostics)
	unchanged := state != nil && plan.OrgID.Equal(state.OrgID) && plan.TeamID.Equal(state.TeamID) && plan.RoleUIDs.Equal(state.RoleUIDs)
	if !unchanged {
		if missing, _ := planTeam(ctx, r.data, orgID, teamID, &resp.Diagnostics); missing {
			return
		}
		checkAssignableRoles(ctx, r.data, plan.RoleUIDs, path.Root("role_uids"), orgID, false, teamAssignmentTarget, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
}

// teamHolder is a team whose visible roles a resource manages; Grafana keeps
// its hidden roles on a PUT without includeHidden.
type teamHolder struct {
	data   *providerData
	client *grafana.Client
	teamID int64
}

func (h teamHolder) String() string { return "team " + strconv.FormatInt(h.teamID, 10) }

func (h teamHolder) roles(ctx context.Context) ([]string, error) {
	roles, err := h.data.reads.teamRoles(ctx, h.client, h.teamID)
	return visibleRoleUIDs(roles), err
}

func (h teamHolder) setRoles(ctx context.Context, uids []string) error {
	return h.client.SetTeamRoles(ctx, h.teamID, uids, false)
}

func (h teamHolder) removeRole(ctx context.Context, uid string) error {
	return h.client.RemoveTeamRole(ctx, h.teamID, uid)
}

func (h teamHolder) forget() { h.data.reads.forgetTeamRoles(h.client.OrgID(), h.teamID) }

func (m *teamRolesModel) roleSet() *types.Set { return &m.RoleUIDs }

func (m *teamRolesModel) setID() {
	m.ID = types.StringValue(teamRolesID(m.OrgID.ValueInt64(), m.TeamID.ValueInt64()))
}

func (r *teamRolesResource) holder(_ context.Context, m *teamRolesModel, _ privateState, _ *diag.Diagnostics) roleSetHolder {
	return teamHolder{r.data, orgClient(r.data, m.OrgID.ValueInt64()), m.TeamID.ValueInt64()}
}

func (r *teamRolesResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, err := parseImportID(req.ID, importIDFormat{{Name: "org_id", Kind: importIDPositiveInt}, {Name: "team_id", Kind: importIDPositiveInt}})
	if err != nil {
		addImportIDError(&resp.Diagnostics, err)
		return
	}
	orgID, _ := id.Int64("org_id")
	teamID, _ := id.Int64("team_id")
	resp.Diagnostics.Append(resp.State.Set(ctx, teamRolesModel{
		ID: types.StringValue(teamRolesID(orgID, teamID)), TeamID: types.Int64Value(teamID), OrgID: types.Int64Value(orgID),
		RoleUIDs: emptyStringSet,
	})...)
}
