package provider

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

var (
	_ resource.ResourceWithConfigure      = (*userRolesResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*userRolesResource)(nil)
	_ resource.ResourceWithImportState    = (*userRolesResource)(nil)
	_ resource.ResourceWithValidateConfig = (*userRolesResource)(nil)
)

// NewUserRolesResource is the grafanarbac_user_roles resource.
func NewUserRolesResource() resource.Resource {
	r := &userRolesResource{}
	r.roleSetCRUD.holder = r.holder
	return r
}

type userRolesResource struct {
	roleSetCRUD[userRolesModel, *userRolesModel]
	data *providerData
}

type userRolesModel struct {
	ID       types.String `tfsdk:"id"`
	UserID   types.Int64  `tfsdk:"user_id"`
	Global   types.Bool   `tfsdk:"global"`
	OrgID    types.Int64  `tfsdk:"org_id"`
	RoleUIDs types.Set    `tfsdk:"role_uids"`
}

func (m *userRolesModel) orgFields() (*types.Int64, types.Bool) { return &m.OrgID, m.Global }

func (m userRolesModel) importID() string {
	scope := "global"
	if !m.Global.ValueBool() {
		scope = strconv.FormatInt(m.OrgID.ValueInt64(), 10)
	}
	return scope + ":" + strconv.FormatInt(m.UserID.ValueInt64(), 10)
}

func (r *userRolesResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_user_roles"
}

func (r *userRolesResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The exact set of custom and fixed roles one user or service account holds in one organization, or globally " +
			"(`PUT /api/access-control/users/:id/roles`), authoritatively. A role granted outside Terraform shows in the plan as drift " +
			"and the next apply removes it; a role removed outside Terraform is granted again. Hidden roles are left alone.\n\n" +
			"Destroy removes exactly the roles that the last apply granted or confirmed (after an import: the roles found then), " +
			"never a role granted outside Terraform since.\n\n" +
			"Grafana lists a user's organization and global grants together. From Grafana 9.2 the provider tells a global role's " +
			"organization grant from its global grant (`GET /roles/:uid/assignments`); before 9.2, and on Grafana 8, it cannot, so a " +
			"global role granted outside Terraform is not seen as drift there.\n\n" +
			"Do not also grant roles to this user with `grafanarbac_user_role_assignment`, nor beside `grafanarbac_role_assignments` " +
			"of a role that either of them grants to this user in this organization: the two would undo each other, and the plan fails naming both.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<org_id>:<user_id>`, or `global:<user_id>`: the import ID.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"user_id": schema.Int64Attribute{
				MarkdownDescription: "Id of the user or service account. Changing it replaces the resource.",
				Required:            true,
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.RequiresReplace()},
			},
			"global": schema.BoolAttribute{
				MarkdownDescription: "Manage the user's global roles (held in every organization; needs a Grafana server admin and global roles) instead of one organization's. Defaults to `false`. Changing it replaces the resource.",
				Optional:            true, Computed: true,
				Default:       booldefault.StaticBool(false),
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
			},
			"org_id": schema.Int64Attribute{
				MarkdownDescription: "Organization. Defaults to the provider's organization; `0` when `global = true`, where it must not be set. Changing it replaces the resource.",
				Optional:            true, Computed: true,
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
			"role_uids": schema.SetAttribute{
				MarkdownDescription: "Uids of exactly the roles the user holds there (custom or fixed; basic and managed roles cannot be assigned to users); empty when left out.",
				ElementType:         types.StringType,
				Optional:            true, Computed: true,
				Default:    setdefault.StaticValue(emptyStringSet),
				Validators: []validator.Set{setvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))},
			},
		},
	}
}

func (r *userRolesResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if data := providerDataFrom(req.ProviderData, &resp.Diagnostics); data != nil {
		r.data = data
	}
}

func (r *userRolesResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg userRolesModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if !resp.Diagnostics.HasError() {
		checkGlobalOrgID(cfg.Global, cfg.OrgID, &resp.Diagnostics)
	}
}

func (r *userRolesResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	plan, state, ok := planAssignment[userRolesModel](ctx, r.data, req, resp)
	if !ok {
		return
	}
	if plan.OrgID.IsUnknown() || plan.UserID.IsUnknown() || plan.Global.IsUnknown() || r.data == nil {
		plan.ID = types.StringUnknown()
		resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
		return
	}
	plan.ID = types.StringValue(plan.importID())
	var stated []statedGrant
	for _, uid := range knownSetValues(plan.RoleUIDs, types.String.ValueString) {
		stated = append(stated, userGrant(plan.OrgID.ValueInt64(), plan.UserID.ValueInt64(), plan.Global.ValueBool(), uid))
	}
	r.data.covers.claimCover(ctx, resp.Private, userCover(plan.OrgID.ValueInt64(), plan.UserID.ValueInt64()),
		fmt.Sprintf("grafanarbac_user_roles of user %d %s", plan.UserID.ValueInt64(), userRolesWhere(plan.OrgID.ValueInt64())), stated, path.Root("user_id"), &resp.Diagnostics)
	unchanged := state != nil && plan.OrgID.Equal(state.OrgID) && plan.UserID.Equal(state.UserID) &&
		plan.Global.Equal(state.Global) && plan.RoleUIDs.Equal(state.RoleUIDs)
	if !unchanged {
		orgID := plan.OrgID.ValueInt64()
		if planUser(ctx, r.data, orgID, plan.UserID.ValueInt64(), &resp.Diagnostics) {
			return
		}
		checkAssignableRoles(ctx, r.data, plan.RoleUIDs, path.Root("role_uids"), orgID, plan.Global.ValueBool(), userAssignmentTarget, &resp.Diagnostics)
		if plan.Global.ValueBool() {
			checkServerAdmin(ctx, r.data.checker(&resp.Diagnostics), path.Root("global"), needGlobalAssignment)
		}
		if resp.Diagnostics.HasError() {
			return
		}
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
}

// userHolder is a user's organization or global roles. known are the roles
// of the last apply: before 9.2 they decide which grant a global role's
// listing is.
type userHolder struct {
	data   *providerData
	client *grafana.Client
	userID int64
	global bool
	known  []string
}

func (h userHolder) String() string {
	if h.global {
		return fmt.Sprintf("user %d (global)", h.userID)
	}
	return fmt.Sprintf("user %d", h.userID)
}

func (h userHolder) roles(ctx context.Context) ([]string, error) {
	roles, err := h.data.reads.userRoles(ctx, h.client, h.userID)
	if err != nil {
		return nil, err
	}
	rel, err := releaseOf(ctx, &h.data.reads, h.client)
	if err != nil {
		return nil, err
	}
	out := []string{}
	for _, role := range roles {
		if role.Hidden || (h.global && !role.Global) {
			continue
		}
		if !role.Global {
			out = append(out, role.UID)
			continue
		}
		// A global role is listed for an org grant and for a global one.
		// Before 9.2 nothing tells them apart: trust the last apply.
		held := slices.Contains(h.known, role.UID)
		if rel.hasRoleAssignmentsAPI() {
			a, err := h.client.GetRoleAssignments(ctx, role.UID)
			if err != nil {
				return nil, err
			}
			inOrg := slices.Contains(a.Users, h.userID) || slices.Contains(a.ServiceAccounts, h.userID)
			held = inOrg != h.global
		}
		if held {
			out = append(out, role.UID)
		}
	}
	return out, nil
}

func (h userHolder) setRoles(ctx context.Context, uids []string) error {
	return h.client.SetUserRoles(ctx, h.userID, uids, h.global, false)
}

func (h userHolder) removeRole(ctx context.Context, uid string) error {
	return h.client.RemoveUserRole(ctx, h.userID, uid, h.global)
}

func (h userHolder) forget() { h.data.reads.forgetUserRoles(h.userID) }

func (m *userRolesModel) roleSet() *types.Set { return &m.RoleUIDs }

func (m *userRolesModel) setID() { m.ID = types.StringValue(m.importID()) }

func (r *userRolesResource) holder(ctx context.Context, m *userRolesModel, private privateState, diags *diag.Diagnostics) roleSetHolder {
	var applied appliedRoles
	if private != nil {
		d := loadApplied(ctx, private, &applied)
		diags.Append(d...)
	}
	return userHolder{r.data, orgClient(r.data, m.OrgID.ValueInt64()), m.UserID.ValueInt64(), m.Global.ValueBool(), applied.RoleUIDs}
}

func (r *userRolesResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, err := parseImportID(req.ID, importIDFormat{{Name: "org_id", Kind: importIDString}, {Name: "user_id", Kind: importIDPositiveInt}})
	if err != nil {
		addImportIDError(&resp.Diagnostics, err)
		return
	}
	scope, _ := id.Text("org_id")
	userID, _ := id.Int64("user_id")
	m := userRolesModel{UserID: types.Int64Value(userID), Global: types.BoolValue(scope == "global"), OrgID: types.Int64Value(0), RoleUIDs: emptyStringSet}
	if scope != "global" {
		n, err := strconv.ParseInt(scope, 10, 64)
		if err != nil || n <= 0 {
			resp.Diagnostics.AddError("Invalid import ID",
				fmt.Sprintf("Import ID %q is not valid: expected `<org_id>:<user_id>` or `global:<user_id>`, with org_id a positive integer.", req.ID))
			return
		}
		m.OrgID = types.Int64Value(n)
	}
	m.ID = types.StringValue(m.importID())
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

func userRolesWhere(orgID int64) string {
	if orgID == 0 {
		return "globally"
	}
	return fmt.Sprintf("in organization %d", orgID)
}
