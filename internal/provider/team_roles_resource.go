package provider

import (
	"context"
	"fmt"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
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
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

var (
	_ resource.ResourceWithConfigure   = (*teamRolesResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*teamRolesResource)(nil)
	_ resource.ResourceWithImportState = (*teamRolesResource)(nil)
)

// NewTeamRolesResource is the grafanarbac_team_roles resource.
func NewTeamRolesResource() resource.Resource {
	return &teamRolesResource{}
}

type teamRolesResource struct {
	data *providerData
}

type teamRolesModel struct {
	ID       types.String `tfsdk:"id"`
	TeamID   types.Int64  `tfsdk:"team_id"`
	OrgID    types.Int64  `tfsdk:"org_id"`
	RoleUIDs types.Set    `tfsdk:"role_uids"`
}

// appliedRoles is what the private state keeps for the role-set resources.
type appliedRoles struct {
	RoleUIDs []string `json:"role_uids"`
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
			"Do not also grant roles to this team with `grafanarbac_team_role_assignment` or cover it with `grafanarbac_role_assignments`: " +
			"the two would undo each other.",
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
				Default: setdefault.StaticValue(emptyStringSet),
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
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	var plan, config teamRolesModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	var state *teamRolesModel
	if !req.State.Raw.IsNull() {
		state = &teamRolesModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	plan.OrgID = plannedOrgID(config.OrgID, types.BoolValue(false), r.data)
	if state != nil && !plan.OrgID.Equal(state.OrgID) {
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("org_id"))
	}
	if plan.OrgID.IsUnknown() || plan.TeamID.IsUnknown() || r.data == nil {
		plan.ID = types.StringUnknown()
		resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
		return
	}
	orgID, teamID := plan.OrgID.ValueInt64(), plan.TeamID.ValueInt64()
	plan.ID = types.StringValue(teamRolesID(orgID, teamID))
	unchanged := state != nil && plan.OrgID.Equal(state.OrgID) && plan.TeamID.Equal(state.TeamID) && plan.RoleUIDs.Equal(state.RoleUIDs)
	if !unchanged {
		if _, err := r.data.reads.team(ctx, orgClient(r.data, orgID), teamID); grafana.IsNotFound(err) {
			resp.Diagnostics.AddAttributeError(path.Root("team_id"), "Team not found",
				fmt.Sprintf("No team with id %d in organization %d. Check team_id (the grafanarbac_team data source finds it by name) and org_id.", teamID, orgID))
			return
		}
		checkAssignableRoles(ctx, r.data, plan.RoleUIDs, path.Root("role_uids"), orgID, false, teamAssignmentTarget, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
}

func (r *teamRolesResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan teamRolesModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if !resp.Diagnostics.HasError() {
		r.apply(ctx, plan, &resp.State, resp.Private, &resp.Diagnostics)
	}
}

func (r *teamRolesResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan teamRolesModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if !resp.Diagnostics.HasError() {
		r.apply(ctx, plan, &resp.State, resp.Private, &resp.Diagnostics)
	}
}

func (r *teamRolesResource) apply(ctx context.Context, plan teamRolesModel, state stateSetter, private privateState, diags *diag.Diagnostics) {
	want := stringSetValues(ctx, plan.RoleUIDs, diags)
	if diags.HasError() {
		return
	}
	orgID, teamID := plan.OrgID.ValueInt64(), plan.TeamID.ValueInt64()
	client := orgClient(r.data, orgID)
	// Without includeHidden, Grafana keeps the team's hidden roles.
	err := client.SetTeamRoles(ctx, teamID, want, false)
	r.data.reads.forgetTeamRoles(client.OrgID(), teamID)
	if err != nil {
		assignmentAPIError(diags, fmt.Sprintf("set the roles of team %d", teamID), err)
		return
	}
	plan.ID = types.StringValue(teamRolesID(orgID, teamID))
	plan.RoleUIDs = stringSet(want)
	diags.Append(state.Set(ctx, plan)...)
	diags.Append(saveApplied(ctx, private, appliedRoles{RoleUIDs: want})...)
}

// visibleRoleUIDs are the uids of the roles that are not hidden, sorted.
func visibleRoleUIDs(roles []grafana.Role) []string {
	out := []string{}
	for _, role := range roles {
		if !role.Hidden {
			out = append(out, role.UID)
		}
	}
	return sortedSet(out)
}

func (r *teamRolesResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state teamRolesModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	orgID, teamID := state.OrgID.ValueInt64(), state.TeamID.ValueInt64()
	roles, err := r.data.reads.teamRoles(ctx, orgClient(r.data, orgID), teamID)
	if grafana.IsNotFound(err) {
		tflog.Warn(ctx, "team no longer exists; removing its roles from state", map[string]any{"id": state.ID.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		assignmentAPIError(&resp.Diagnostics, "read the roles of team "+strconv.FormatInt(teamID, 10), err)
		return
	}
	have := visibleRoleUIDs(roles)
	state.ID = types.StringValue(teamRolesID(orgID, teamID))
	state.RoleUIDs = stringSet(have)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
	confirmImported(ctx, resp.Private, appliedRoles{RoleUIDs: have}, &resp.Diagnostics)
}

func (r *teamRolesResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state teamRolesModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	applied := appliedRoles{RoleUIDs: stringSetValues(ctx, state.RoleUIDs, &resp.Diagnostics)}
	_, diags := loadApplied(ctx, req.Private, &applied)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	teamID := state.TeamID.ValueInt64()
	client := orgClient(r.data, state.OrgID.ValueInt64())
	defer r.data.reads.forgetTeamRoles(client.OrgID(), teamID)
	for _, uid := range applied.RoleUIDs {
		if err := client.RemoveTeamRole(ctx, teamID, uid); err != nil && !grafana.IsNotFound(err) {
			assignmentAPIError(&resp.Diagnostics, fmt.Sprintf("remove role %q from team %d", uid, teamID), err)
			return
		}
	}
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
