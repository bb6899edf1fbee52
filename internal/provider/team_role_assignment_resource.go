package provider

import (
	"context"
	"fmt"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

var (
	_ resource.ResourceWithConfigure   = (*teamRoleAssignmentResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*teamRoleAssignmentResource)(nil)
	_ resource.ResourceWithImportState = (*teamRoleAssignmentResource)(nil)
)

// NewTeamRoleAssignmentResource is the grafanarbac_team_role_assignment resource.
func NewTeamRoleAssignmentResource() resource.Resource {
	return &teamRoleAssignmentResource{}
}

type teamRoleAssignmentResource struct {
	data *providerData
}

type teamRoleAssignmentModel struct {
	ID      types.String `tfsdk:"id"`
	TeamID  types.Int64  `tfsdk:"team_id"`
	RoleUID types.String `tfsdk:"role_uid"`
	OrgID   types.Int64  `tfsdk:"org_id"`
}

func (m *teamRoleAssignmentModel) orgFields() (*types.Int64, types.Bool) {
	return &m.OrgID, types.BoolValue(false)
}

func (r *teamRoleAssignmentResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_team_role_assignment"
}

func (r *teamRoleAssignmentResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Grants one custom or fixed role to a team. Each resource adds and removes only its own assignment " +
			"(Grafana's per-item endpoints), so several of them, and assignments made outside Terraform, can share a team. " +
			"Two resources of one configuration that assign the same role to the same team fail the plan. " +
			"Find a team's id by name with the `grafanarbac_team` data source.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<org_id>:<team_id>:<role_uid>`: the import ID.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"team_id": schema.Int64Attribute{
				MarkdownDescription: "Id of the team. Changing it replaces the assignment.",
				Required:            true,
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.RequiresReplace()},
			},
			"role_uid": schema.StringAttribute{
				MarkdownDescription: "Uid of the custom or fixed role (basic and managed roles cannot be assigned to teams). " +
					"A role that is not global must belong to the team's organization. Changing it replaces the assignment.",
				Required:      true,
				Validators:    []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"org_id": schema.Int64Attribute{
				MarkdownDescription: "Organization of the team. Defaults to the provider's organization. Changing it replaces the assignment.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
			},
		},
	}
}

func (r *teamRoleAssignmentResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if data := providerDataFrom(req.ProviderData, &resp.Diagnostics); data != nil {
		r.data = data
	}
}

var teamAssignmentTarget = assignmentTarget{Kind: "team", RefuseBasic: true}

func (r *teamRoleAssignmentResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if unchangedPlan(ctx, r.data, req) {
		var plan teamRoleAssignmentModel
		if resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...); !resp.Diagnostics.HasError() {
			r.claim(ctx, plan, resp)
		}
		return
	}
	plan, state, ok := planAssignment[teamRoleAssignmentModel](ctx, r.data, req, resp)
	if !ok {
		return
	}
	if state != nil && plan.OrgID.Equal(state.OrgID) && plan.TeamID.Equal(state.TeamID) && plan.RoleUID.Equal(state.RoleUID) {
		r.claim(ctx, plan, resp)
		resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
		return // nothing changes
	}
	plan.ID = types.StringUnknown()
	if plan.OrgID.IsUnknown() || plan.TeamID.IsUnknown() || plan.RoleUID.IsUnknown() || r.data == nil {
		resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
		return
	}
	orgID, teamID, uid := plan.OrgID.ValueInt64(), plan.TeamID.ValueInt64(), plan.RoleUID.ValueString()
	plan.ID = types.StringValue(assignmentID(false, orgID, strconv.FormatInt(teamID, 10), uid))

	missing, err := planTeam(ctx, r.data, orgID, teamID, &resp.Diagnostics)
	switch {
	case missing:
		return
	case err != nil && orgMissing(ctx, r.data, orgID, err, &resp.Diagnostics):
		return
	case err != nil:
		resp.Diagnostics.AddError("Cannot read team", fmt.Sprintf("Reading team %d to check the assignment: %s", teamID, err))
		return
	}
	checkAssignableRole(ctx, r.data, uid, orgID, false, teamAssignmentTarget, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	r.claim(ctx, plan, resp)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
}

// claim records the planned grant, failing a second resource that plans it.
func (r *teamRoleAssignmentResource) claim(ctx context.Context, plan teamRoleAssignmentModel, resp *resource.ModifyPlanResponse) {
	if r.data == nil || plan.OrgID.IsUnknown() || plan.TeamID.IsUnknown() || plan.RoleUID.IsUnknown() {
		return
	}
	orgID, teamID, uid := plan.OrgID.ValueInt64(), plan.TeamID.ValueInt64(), plan.RoleUID.ValueString()
	r.data.claims.claim(ctx, resp.Private, "team "+assignmentID(false, orgID, strconv.FormatInt(teamID, 10), uid),
		fmt.Sprintf("assigns role %q to team %d in organization %d", uid, teamID, orgID), path.Root("role_uid"), &resp.Diagnostics)
	r.data.covers.claimItem(ctx, resp.Private, teamGrantCovers(orgID, teamID, uid),
		fmt.Sprintf("grafanarbac_team_role_assignment of role %q to team %d in organization %d", uid, teamID, orgID), path.Root("role_uid"), &resp.Diagnostics)
}

// teamHasRole reports whether the team holds the role; found is false for a
// team that no longer exists. One list per team serves all its assignments.
func teamHasRole(ctx context.Context, data *providerData, client *grafana.Client, teamID int64, uid string) (bool, error) {
	roles, err := data.reads.teamRoles(ctx, client, teamID)
	if grafana.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return rolesHaveUID(roles, uid), nil
}

func (r *teamRoleAssignmentResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan teamRoleAssignmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	orgID, teamID, uid := plan.OrgID.ValueInt64(), plan.TeamID.ValueInt64(), plan.RoleUID.ValueString()
	client := orgClient(r.data, orgID)
	what := fmt.Sprintf("assign role %q to team %d", uid, teamID)
	err := client.AddTeamRole(ctx, teamID, uid)
	r.data.reads.forgetTeamRoles(client.OrgID(), teamID)
	if err != nil {
		err = r.data.explainForbidden(err, func(c checker) { checkAssignmentRights(ctx, c, uid, orgID, false) })
		assignmentAPIError(&resp.Diagnostics, what, err)
		return
	}
	plan.ID = types.StringValue(assignmentID(false, orgID, strconv.FormatInt(teamID, 10), uid))
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)

	var read diag.Diagnostics
	found, err := teamHasRole(ctx, r.data, client, teamID, uid)
	switch {
	case err != nil:
		assignmentAPIError(&read, "read back the roles of team "+strconv.FormatInt(teamID, 10), err)
	case !found:
		read.AddError("Assignment not found after creating it",
			fmt.Sprintf("Grafana accepted the request to %s but does not list it. Please report this issue.", what))
	}
	appendReadBack(&resp.Diagnostics, read)
}

func (r *teamRoleAssignmentResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state teamRoleAssignmentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	orgID, teamID, uid := state.OrgID.ValueInt64(), state.TeamID.ValueInt64(), state.RoleUID.ValueString()
	found, err := teamHasRole(ctx, r.data, orgClient(r.data, orgID), teamID, uid)
	if err != nil {
		assignmentAPIError(&resp.Diagnostics, "read the roles of team "+strconv.FormatInt(teamID, 10), err)
		return
	}
	if !found {
		tflog.Warn(ctx, "team role assignment no longer exists; removing it from state", map[string]any{"id": state.ID.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	if id := types.StringValue(assignmentID(false, orgID, strconv.FormatInt(teamID, 10), uid)); !id.Equal(state.ID) {
		state.ID = id
		resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
	}
}

// Update only runs for the computed id: every argument replaces the assignment.
func (r *teamRoleAssignmentResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan teamRoleAssignmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *teamRoleAssignmentResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state teamRoleAssignmentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	teamID, uid := state.TeamID.ValueInt64(), state.RoleUID.ValueString()
	client := orgClient(r.data, state.OrgID.ValueInt64())
	err := client.RemoveTeamRole(ctx, teamID, uid)
	r.data.reads.forgetTeamRoles(client.OrgID(), teamID)
	if err != nil && !grafana.IsNotFound(err) {
		assignmentAPIError(&resp.Diagnostics, fmt.Sprintf("remove role %q from team %d", uid, teamID), err)
	}
}

func (r *teamRoleAssignmentResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, err := parseAssignmentImportID(req.ID, "team_id", importIDPositiveInt, false)
	if err != nil {
		addImportIDError(&resp.Diagnostics, err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, teamRoleAssignmentModel{
		ID:      types.StringValue(assignmentID(false, id.OrgID, id.Part, id.RoleUID)),
		TeamID:  types.Int64Value(id.PartInt),
		RoleUID: types.StringValue(id.RoleUID),
		OrgID:   types.Int64Value(id.OrgID),
	})...)
}
