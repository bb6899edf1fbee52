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
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

var (
	_ resource.ResourceWithConfigure      = (*userRoleAssignmentResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*userRoleAssignmentResource)(nil)
	_ resource.ResourceWithValidateConfig = (*userRoleAssignmentResource)(nil)
	_ resource.ResourceWithImportState    = (*userRoleAssignmentResource)(nil)
)

// NewUserRoleAssignmentResource is the grafanarbac_user_role_assignment resource.
func NewUserRoleAssignmentResource() resource.Resource {
	return &userRoleAssignmentResource{}
}

type userRoleAssignmentResource struct {
	data *providerData
}

type userRoleAssignmentModel struct {
	ID      types.String `tfsdk:"id"`
	UserID  types.Int64  `tfsdk:"user_id"`
	RoleUID types.String `tfsdk:"role_uid"`
	Global  types.Bool   `tfsdk:"global"`
	OrgID   types.Int64  `tfsdk:"org_id"`
}

func (m *userRoleAssignmentModel) orgFields() (*types.Int64, types.Bool) { return &m.OrgID, m.Global }

func (r *userRoleAssignmentResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user_role_assignment"
}

func (r *userRoleAssignmentResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Grants one custom or fixed role to a user or a service account. Each resource adds and removes only its own " +
			"assignment (Grafana's per-item endpoints), so several of them, and assignments made outside Terraform, can share a user. " +
			"Two resources of one configuration that make the same assignment fail the plan.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<org_id>:<user_id>:<role_uid>`, or `global:<user_id>:<role_uid>` for a global assignment: the import ID.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"user_id": schema.Int64Attribute{
				MarkdownDescription: "Id of the user or service account. Changing it replaces the assignment.",
				Required:            true,
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.RequiresReplace()},
			},
			"role_uid": schema.StringAttribute{
				MarkdownDescription: "Uid of the custom or fixed role (basic and managed roles cannot be assigned to users). " +
					"A role that is not global can only be assigned in its own organization. Changing it replaces the assignment.",
				Required:      true,
				Validators:    []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"global": schema.BoolAttribute{
				MarkdownDescription: "Assign in every organization the user belongs to (needs a Grafana server admin, which the plan checks, and a global role). Defaults to `false`. Changing it replaces the assignment.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(false),
				PlanModifiers:       []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
			},
			"org_id": schema.Int64Attribute{
				MarkdownDescription: "Organization the assignment holds in. At least 1; defaults to the provider's organization. Leave it unset when `global = true` (it then reads `0`). Changing it replaces the assignment.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
			},
		},
	}
}

func (r *userRoleAssignmentResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if data := providerDataFrom(req.ProviderData, &resp.Diagnostics); data != nil {
		r.data = data
	}
}

func (r *userRoleAssignmentResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg userRoleAssignmentModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	checkGlobalOrgID(cfg.Global, cfg.OrgID, &resp.Diagnostics)
}

var userAssignmentTarget = assignmentTarget{Kind: "user", RefuseBasic: true}

func (m userRoleAssignmentModel) importID() string {
	return assignmentID(m.Global.ValueBool(), m.OrgID.ValueInt64(), strconv.FormatInt(m.UserID.ValueInt64(), 10), m.RoleUID.ValueString())
}

func (r *userRoleAssignmentResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	plan, state, ok := planAssignment[userRoleAssignmentModel](ctx, r.data, req, resp)
	if !ok {
		return
	}
	if state != nil && plan.OrgID.Equal(state.OrgID) && plan.UserID.Equal(state.UserID) &&
		plan.RoleUID.Equal(state.RoleUID) && plan.Global.Equal(state.Global) {
		r.claim(ctx, plan, resp)
		resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
		return // nothing changes
	}
	plan.ID = types.StringUnknown()
	if plan.OrgID.IsUnknown() || plan.UserID.IsUnknown() || plan.RoleUID.IsUnknown() || plan.Global.IsUnknown() || r.data == nil {
		resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
		return
	}
	plan.ID = types.StringValue(plan.importID())
	checkAssignableRole(ctx, r.data, plan.RoleUID.ValueString(), plan.OrgID.ValueInt64(), plan.Global.ValueBool(), userAssignmentTarget, &resp.Diagnostics)
	if plan.Global.ValueBool() {
		checkServerAdmin(ctx, r.data.checker(&resp.Diagnostics), path.Root("global"), needGlobalAssignment)
	}
	planUser(ctx, r.data, plan.OrgID.ValueInt64(), plan.UserID.ValueInt64(), &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	r.claim(ctx, plan, resp)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
}

// claim records the planned grant, failing a second resource that plans it.
func (r *userRoleAssignmentResource) claim(ctx context.Context, plan userRoleAssignmentModel, resp *resource.ModifyPlanResponse) {
	if r.data == nil || plan.OrgID.IsUnknown() || plan.UserID.IsUnknown() || plan.RoleUID.IsUnknown() || plan.Global.IsUnknown() {
		return
	}
	where := fmt.Sprintf("in organization %d", plan.OrgID.ValueInt64())
	if plan.Global.ValueBool() {
		where = "globally"
	}
	r.data.claims.claim(ctx, resp.Private, "user "+plan.importID(),
		fmt.Sprintf("assigns role %q to user %d %s", plan.RoleUID.ValueString(), plan.UserID.ValueInt64(), where), path.Root("role_uid"), &resp.Diagnostics)
	r.data.covers.claimItem(ctx, resp.Private, userGrantCovers(plan.OrgID.ValueInt64(), plan.UserID.ValueInt64(), plan.Global.ValueBool(), plan.RoleUID.ValueString()),
		fmt.Sprintf("grafanarbac_user_role_assignment of role %q to user %d %s", plan.RoleUID.ValueString(), plan.UserID.ValueInt64(), where), path.Root("role_uid"), &resp.Diagnostics)
}

// userHasRole reports whether the user holds the role; false for a user that
// no longer exists. One list per user serves all its assignments.
func userHasRole(ctx context.Context, data *providerData, client *grafana.Client, userID int64, uid string) (bool, error) {
	roles, err := data.reads.userRoles(ctx, client, userID)
	if grafana.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return rolesHaveUID(roles, uid), nil
}

func (r *userRoleAssignmentResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan userRoleAssignmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	userID, uid := plan.UserID.ValueInt64(), plan.RoleUID.ValueString()
	client := orgClient(r.data, plan.OrgID.ValueInt64())
	what := fmt.Sprintf("assign role %q to user %d", uid, userID)
	err := client.AddUserRole(ctx, userID, uid, plan.Global.ValueBool())
	r.data.reads.forgetUserRoles(userID)
	if err != nil {
		err = r.data.explainForbidden(err, func(c checker) {
			checkAssignmentRights(ctx, c, uid, plan.OrgID.ValueInt64(), plan.Global.ValueBool())
		})
		assignmentAPIError(&resp.Diagnostics, what, err)
		return
	}
	plan.ID = types.StringValue(plan.importID())
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)

	var read diag.Diagnostics
	found, err := userHasRole(ctx, r.data, client, userID, uid)
	switch {
	case err != nil:
		assignmentAPIError(&read, "read back the roles of user "+strconv.FormatInt(userID, 10), err)
	case !found:
		read.AddError("Assignment not found after creating it",
			fmt.Sprintf("Grafana accepted the request to %s but does not list it. Please report this issue.", what))
	}
	appendReadBack(&resp.Diagnostics, read)
}

func (r *userRoleAssignmentResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state userRoleAssignmentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	userID := state.UserID.ValueInt64()
	found, err := userHasRole(ctx, r.data, orgClient(r.data, state.OrgID.ValueInt64()), userID, state.RoleUID.ValueString())
	if err != nil {
		assignmentAPIError(&resp.Diagnostics, "read the roles of user "+strconv.FormatInt(userID, 10), err)
		return
	}
	if !found {
		tflog.Warn(ctx, "user role assignment no longer exists; removing it from state", map[string]any{"id": state.ID.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	state.ID = types.StringValue(state.importID())
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// Update only runs for the computed id: every argument replaces the assignment.
func (r *userRoleAssignmentResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan userRoleAssignmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *userRoleAssignmentResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state userRoleAssignmentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	userID, uid := state.UserID.ValueInt64(), state.RoleUID.ValueString()
	err := orgClient(r.data, state.OrgID.ValueInt64()).RemoveUserRole(ctx, userID, uid, state.Global.ValueBool())
	r.data.reads.forgetUserRoles(userID)
	if err != nil && !grafana.IsNotFound(err) {
		assignmentAPIError(&resp.Diagnostics, fmt.Sprintf("remove role %q from user %d", uid, userID), err)
	}
}

func (r *userRoleAssignmentResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, err := parseAssignmentImportID(req.ID, "user_id", importIDPositiveInt, true)
	if err != nil {
		addImportIDError(&resp.Diagnostics, err)
		return
	}
	m := userRoleAssignmentModel{
		UserID:  types.Int64Value(id.PartInt),
		RoleUID: types.StringValue(id.RoleUID),
		Global:  types.BoolValue(id.Global),
		OrgID:   types.Int64Value(id.OrgID),
	}
	m.ID = types.StringValue(m.importID())
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}
