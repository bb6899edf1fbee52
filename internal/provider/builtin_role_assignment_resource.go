package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

var (
	_ resource.ResourceWithConfigure      = (*builtinRoleAssignmentResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*builtinRoleAssignmentResource)(nil)
	_ resource.ResourceWithValidateConfig = (*builtinRoleAssignmentResource)(nil)
	_ resource.ResourceWithImportState    = (*builtinRoleAssignmentResource)(nil)
)

// NewBuiltinRoleAssignmentResource is the grafanarbac_builtin_role_assignment resource.
func NewBuiltinRoleAssignmentResource() resource.Resource {
	return &builtinRoleAssignmentResource{}
}

type builtinRoleAssignmentResource struct {
	data *providerData
}

type builtinRoleAssignmentModel struct {
	ID                 types.String `tfsdk:"id"`
	BuiltinRole        types.String `tfsdk:"builtin_role"`
	RoleUID            types.String `tfsdk:"role_uid"`
	Global             types.Bool   `tfsdk:"global"`
	OrgID              types.Int64  `tfsdk:"org_id"`
	RoleVersion        types.Int64  `tfsdk:"role_version"`
	GrantedPermissions types.Set    `tfsdk:"granted_permissions"`
}

func (m *builtinRoleAssignmentModel) orgFields() (*types.Int64, types.Bool) {
	return &m.OrgID, m.Global
}

func (r *builtinRoleAssignmentResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_builtin_role_assignment"
}

func (r *builtinRoleAssignmentResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Grants a custom or fixed role to a built-in role (`Viewer`, `Editor`, `Admin`, `Grafana Admin`).\n\n" +
			"**Grafana 8 (API generation 1)** has built-in role assignments: this resource adds one, and removes it on destroy.\n\n" +
			"**Grafana 9+ (generation 2)** has none; a built-in role is a basic role (`basic_viewer`, …) whose permissions can be edited. " +
			"Basic roles are global, so this needs a Grafana server admin; the plan checks it (see the provider's `plan_checks`). " +
			"The resource adds to the basic role exactly the role's permissions it lacks and records them in `granted_permissions`, " +
			"together with those the basic role holds because another assigned custom role carries them too, unless Grafana grants them by " +
			"default (the fixed roles it grants the built-in role, from Grafana's published catalog; a fixed role the provider does not know " +
			"counts as a default when the basic role holds it in full). Destroy removes exactly those, except a permission that another custom " +
			"role still needs. Grafana records no grants on a basic role, so another custom role counts as granted when the basic role holds " +
			"all its permissions and not only because of this assignment and Grafana's defaults, unless its assignment is destroyed in the same " +
			"run. The plan and the apply warn, naming the role, when a permission stays for that reason; if nothing grants that role, remove " +
			"the permission by hand. An assignment whose role is held in full only through the destroyed one loses the shared permissions, " +
			"and its next plan adds them back. " +
			"The next plan restores permissions removed outside Terraform and follows changes of the role's permissions made outside Terraform. " +
			"When `role_uid` refers to a `grafanarbac_custom_role` (`role_uid = grafanarbac_custom_role.<name>.uid`), the apply that changes " +
			"that role's permissions also updates the basic role (the plan shows `granted_permissions` as known after apply); with a hard-coded " +
			"uid Terraform may plan the two in either order, and unless `depends_on` names the role the next plan may be the one that follows. " +
			"So may a plan made with `-refresh=false`. " +
			"Only the named basic role changes: unlike generation 1, Editors and Admins do not inherit what is added to `Viewer`.\n\n" +
			"Two resources of one configuration that grant the same role to the same built-in role fail the plan (on generation 2 whatever " +
			"their organizations: they edit the same basic role).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<org_id>:<builtin_role>:<role_uid>`, or `global:<builtin_role>:<role_uid>` for a global assignment: the import ID.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"builtin_role": schema.StringAttribute{
				MarkdownDescription: "Built-in role that gets the role. " + builtinRoleNamesDescription() + " `" + builtinRoleGrafanaAdmin + "` needs `global = true`. Changing it replaces the assignment.",
				Required:            true,
				Validators:          []validator.String{builtinRoleName()},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"role_uid": schema.StringAttribute{
				MarkdownDescription: "Uid of the custom or fixed role to grant. A role that is not global can only be granted in its own organization. Changing it replaces the assignment.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"global": schema.BoolAttribute{
				MarkdownDescription: "Grant in every organization (needs a Grafana server admin and a global role). Required for `Grafana Admin`. Defaults to `false`. Changing it replaces the assignment.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(false),
				PlanModifiers:       []planmodifier.Bool{boolplanmodifier.RequiresReplace()},
			},
			"org_id": schema.Int64Attribute{
				MarkdownDescription: "Organization the grant holds in. At least 1; defaults to the provider's organization. Leave it unset when `global = true` (it then reads `0`). Changing it replaces the assignment.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
			},
			"role_version": schema.Int64Attribute{
				MarkdownDescription: "Optional change trigger, not needed when `role_uid` refers to the role: set it to the role's version " +
					"(`grafanarbac_custom_role.<name>.version`) so that an apply that changes the role also updates the basic role in the same run " +
					"(generation 2) even with a hard-coded `role_uid` or a plan made with `-refresh=false`. Only stored; never read from Grafana.",
				Optional: true,
			},
			"granted_permissions": permissionsComputedResourceAttribute("Generation 2: the role's permissions this assignment owns on the basic role, " +
				"which destroy removes again: those it added, and those another assigned custom role added. Permissions the basic role held " +
				"for other reasons (Grafana's defaults, changes by hand) are not in it; an import takes the role's permissions except Grafana's " +
				"defaults. Always empty on generation 1."),
		},
	}
}

func (r *builtinRoleAssignmentResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if data := providerDataFrom(req.ProviderData, &resp.Diagnostics); data != nil {
		r.data = data
	}
}

func (r *builtinRoleAssignmentResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg builtinRoleAssignmentModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	checkGlobalOrgID(cfg.Global, cfg.OrgID, &resp.Diagnostics)
	if cfg.BuiltinRole.ValueString() == builtinRoleGrafanaAdmin && !cfg.Global.IsUnknown() && !cfg.Global.ValueBool() {
		resp.Diagnostics.AddAttributeError(path.Root("global"), "Grafana Admin assignments are global",
			"Grafana Admin is a server-wide role, so its assignments hold in every organization. Set global = true (and leave org_id unset).")
	}
}

func (r *builtinRoleAssignmentResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		r.warnDestroyLockOut(ctx, req, resp)
		return
	}
	plan, state, ok := planAssignment[builtinRoleAssignmentModel](ctx, r.data, req, resp)
	if !ok {
		return
	}
	keep := state != nil && plan.OrgID.Equal(state.OrgID) && plan.BuiltinRole.Equal(state.BuiltinRole) &&
		plan.RoleUID.Equal(state.RoleUID) && plan.Global.Equal(state.Global)
	if !keep {
		state = nil // a replacement starts from nothing
		plan.ID = types.StringUnknown()
		if !plan.OrgID.IsUnknown() && !plan.Global.IsUnknown() && !plan.BuiltinRole.IsUnknown() && !plan.RoleUID.IsUnknown() {
			plan.ID = types.StringValue(assignmentID(plan.Global.ValueBool(), plan.OrgID.ValueInt64(), plan.BuiltinRole.ValueString(), plan.RoleUID.ValueString()))
		}
	}
	plan.GrantedPermissions = r.planGrant(ctx, plan, state, req.Private, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	r.claim(ctx, plan, resp)
	if state != nil && !plan.GrantedPermissions.IsUnknown() {
		// The role lost permissions: the basic role loses them too.
		before, d1 := permissionsFromSet(ctx, state.GrantedPermissions)
		after, d2 := permissionsFromSet(ctx, plan.GrantedPermissions)
		if !d1.HasError() && !d2.HasError() {
			if dropped := grafana.PermissionsMinus(before, after); len(dropped) > 0 {
				warnSelfLockOut(ctx, r.data, path.Root("role_uid"), fmt.Sprintf("permissions of role %q", plan.RoleUID.ValueString()), plan.BuiltinRole.ValueString(), dropped, &resp.Diagnostics)
			}
		}
	}
	checkBuiltinGrantNeed(ctx, r.data, plan, state, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
}

// claim records the planned grant, failing a second resource that plans it.
// On generation 2 every organization's grant to a built-in role edits the
// same (global) basic role, so the organization is not part of the grant.
func (r *builtinRoleAssignmentResource) claim(ctx context.Context, plan builtinRoleAssignmentModel, resp *resource.ModifyPlanResponse) {
	if r.data == nil || plan.OrgID.IsUnknown() || plan.Global.IsUnknown() || plan.BuiltinRole.IsUnknown() || plan.RoleUID.IsUnknown() {
		return
	}
	gen, err := r.data.client.Generation(ctx)
	if err != nil {
		return // planGrant reported it
	}
	builtin, uid := plan.BuiltinRole.ValueString(), plan.RoleUID.ValueString()
	key, what := "builtin "+builtin+":"+uid, fmt.Sprintf("grants role %q to built-in role %q", uid, builtin)
	if gen == grafana.Generation1 {
		key = "builtin " + assignmentID(plan.Global.ValueBool(), plan.OrgID.ValueInt64(), builtin, uid)
		if plan.Global.ValueBool() {
			what += " globally"
		} else {
			what += fmt.Sprintf(" in organization %d", plan.OrgID.ValueInt64())
		}
	}
	r.data.claims.claim(ctx, resp.Private, key, what, path.Root("role_uid"), &resp.Diagnostics)
}

// warnDestroyLockOut warns when destroying the assignment takes
// role-management permissions from the provider's own credentials, and
// when it will keep permissions for other roles (warnKept).
func (r *builtinRoleAssignmentResource) warnDestroyLockOut(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil || req.State.Raw.IsNull() {
		return
	}
	var state builtinRoleAssignmentModel
	if d := req.State.Get(ctx, &state); d.HasError() {
		return
	}
	gen, err := r.data.client.Generation(ctx)
	if err != nil {
		return // the destroy itself reports an unreachable Grafana
	}
	uid := state.RoleUID.ValueString()
	var removed []grafana.Permission
	if gen == grafana.Generation1 {
		role, err := r.data.reads.role(ctx, orgClient(r.data, state.OrgID.ValueInt64()), uid)
		if err != nil {
			return // a role that is gone grants nothing
		}
		removed = role.Permissions
	} else {
		var d diag.Diagnostics
		if removed, d = permissionsFromSet(ctx, state.GrantedPermissions); d.HasError() {
			return
		}
		client := orgClient(r.data, state.OrgID.ValueInt64())
		if basic, err := r.data.reads.role(ctx, client, basicRoleUID(state.BuiltinRole.ValueString())); err == nil {
			if _, kept, err := r.release(ctx, client, state.BuiltinRole.ValueString(), uid, basic.Permissions, removed, removed); err == nil {
				r.warnKept(ctx, client, basic.UID, state.BuiltinRole.ValueString(), kept, &resp.Diagnostics)
			}
		}
	}
	warnSelfLockOut(ctx, r.data, path.Root("role_uid"), fmt.Sprintf("role %q", uid), state.BuiltinRole.ValueString(), removed, &resp.Diagnostics)
}

// planGrant checks the assignment against the server and returns the
// granted_permissions to plan: unknown when they cannot be known before the
// apply (the role is created or changed by the same run).
func (r *builtinRoleAssignmentResource) planGrant(ctx context.Context, plan builtinRoleAssignmentModel, state *builtinRoleAssignmentModel, private privateState, diags *diag.Diagnostics) types.Set {
	unknown := types.SetUnknown(permissionObjectType)
	if r.data == nil {
		return unknown
	}
	gen, err := r.data.client.Generation(ctx)
	if err != nil {
		diags.AddError("Cannot detect the Grafana API generation", err.Error())
		return unknown
	}
	if !plan.BuiltinRole.IsUnknown() {
		if msg := builtinRoleNameMismatch(plan.BuiltinRole.ValueString(), gen); msg != "" {
			diags.AddAttributeError(path.Root("builtin_role"), "Unknown built-in role", msg)
			return unknown
		}
	}
	if plan.BuiltinRole.IsUnknown() || plan.RoleUID.IsUnknown() || plan.OrgID.IsUnknown() || plan.Global.IsUnknown() {
		if gen == grafana.Generation1 {
			return permissionsToSet(nil)
		}
		return unknown
	}
	orgID, global := plan.OrgID.ValueInt64(), plan.Global.ValueBool()
	target := assignmentTarget{Kind: "built-in role"}
	if plan.BuiltinRole.ValueString() == builtinRoleGrafanaAdmin {
		target.GlobalOnly = "Grafana Admin assignments are global"
	}
	var role *grafana.Role
	if known := r.recallRole(ctx, plan, state, private); known != nil {
		role = checkRoleAssignable(ctx, r.data, known, orgID, global, target, diags)
	} else {
		role = checkAssignableRole(ctx, r.data, plan.RoleUID.ValueString(), orgID, global, target, diags)
	}
	if diags.HasError() || gen == grafana.Generation1 {
		return permissionsToSet(nil)
	}
	roleChanging := plan.RoleVersion.IsUnknown() || (state != nil && !plan.RoleVersion.Equal(state.RoleVersion)) ||
		r.data.changing.resync(orgID, plan.RoleUID.ValueString(), state == nil)
	if role == nil || roleChanging {
		return unknown
	}
	basic, ok := r.readBasicRole(ctx, orgClient(r.data, orgID), plan.BuiltinRole.ValueString(), diags)
	if !ok {
		return unknown
	}
	var prior []grafana.Permission
	if state != nil {
		p, d := permissionsFromSet(ctx, state.GrantedPermissions)
		diags.Append(d...)
		prior = p
	}
	granted, err := grantFor(ctx, r.data, orgClient(r.data, orgID), plan.BuiltinRole.ValueString(), role, basic.Permissions, prior)
	if err != nil {
		diags.AddError("Cannot plan the built-in role assignment", err.Error())
		return unknown
	}
	return permissionsToSet(granted)
}

// recallRole is the role as the assignment's last refresh or apply read
// it, when refresh = "changed" and the role list shows it unchanged since
// (role_refresh.go); nil for a new assignment.
func (r *builtinRoleAssignmentResource) recallRole(ctx context.Context, plan builtinRoleAssignmentModel, state *builtinRoleAssignmentModel, private privateState) *grafana.Role {
	if state == nil {
		return nil
	}
	return r.data.recallRole(ctx, orgClient(r.data, plan.OrgID.ValueInt64()), private, plan.RoleUID.ValueString())
}

// noteRole keeps the role as Grafana has it in the private state, for
// recallRole. With refresh = "changed" and the role unchanged since it was
// kept, nothing is read. A role that is gone leaves the state as it is:
// the basic role still holds what was granted, and only destroying this
// resource removes it. The plan shows an update, which fails until the
// role exists again or the resource is removed.
func (r *builtinRoleAssignmentResource) noteRole(ctx context.Context, client *grafana.Client, uid string, private privateState, diags *diag.Diagnostics) {
	if r.data.recallRole(ctx, client, private, uid) != nil {
		return
	}
	role, err := r.data.reads.role(ctx, client, uid)
	switch {
	case grafana.IsNotFound(err):
		tflog.Warn(ctx, "assigned role no longer exists", map[string]any{"uid": uid})
	case err != nil:
		assignmentAPIError(diags, fmt.Sprintf("read role %q", uid), err)
	default:
		diags.Append(rememberRole(ctx, private, role)...)
	}
}

// grantFor is what an assignment of role to builtin owns on a basic role
// holding basic: plannedGrant, plus the role's permissions that the basic
// role holds because another custom role granted to it carries them, and
// not by Grafana's default. Looking for those costs a read of every custom
// role, so it is done only when the role has permissions on the basic role
// that the assignment does not own yet.
func grantFor(ctx context.Context, data *providerData, client *grafana.Client, builtin string, role *grafana.Role, basic, prior []grafana.Permission) ([]grafana.Permission, error) {
	granted := plannedGrant(role.Permissions, basic, prior)
	unowned := grafana.PermissionsMinus(permissionsIntersect(role.Permissions, basic), granted)
	if len(unowned) == 0 {
		return granted, nil
	}
	custom, err := rolesPermissions(ctx, &data.reads, client, func(o grafana.Role) bool { return o.UID != role.UID && roleKind(o.Name) == roleKindCustom })
	if err != nil {
		return nil, err
	}
	if len(permissionsIntersect(unowned, heldByContainedRoles(basic, custom))) == 0 {
		return granted, nil // skip reading the fixed roles
	}
	defaults, err := readDefaultPermissions(ctx, data, client, builtin, basic)
	if err != nil {
		return nil, err
	}
	return permissionsUnion(granted, sharedWithCustomRoles(unowned, basic, custom, defaults)), nil
}

// readBasicRole reads the basic role of a built-in role, explaining a missing one.
func (r *builtinRoleAssignmentResource) readBasicRole(ctx context.Context, client *grafana.Client, builtin string, diags *diag.Diagnostics) (*grafana.Role, bool) {
	uid := basicRoleUID(builtin)
	basic, err := r.data.reads.role(ctx, client, uid)
	if grafana.IsNotFound(err) {
		diags.AddAttributeError(path.Root("builtin_role"), "Basic role not found",
			fmt.Sprintf("This Grafana has no basic role %q for the built-in role %q (basic_none exists from Grafana 10). Use another built-in role.", uid, builtin))
		return nil, false
	}
	if err != nil {
		diags.AddError("Cannot read basic role", fmt.Sprintf("Reading basic role %q: %s", uid, err))
		return nil, false
	}
	return basic, true
}

func (r *builtinRoleAssignmentResource) generation(ctx context.Context, diags *diag.Diagnostics) (grafana.Generation, bool) {
	gen, err := r.data.client.Generation(ctx)
	if err != nil {
		diags.AddError("Cannot detect the Grafana API generation", err.Error())
		return grafana.GenerationUnknown, false
	}
	return gen, true
}

func (r *builtinRoleAssignmentResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan builtinRoleAssignmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	gen, ok := r.generation(ctx, &resp.Diagnostics)
	if !ok {
		return
	}
	m := plan
	m.ID = types.StringValue(assignmentID(m.Global.ValueBool(), m.OrgID.ValueInt64(), m.BuiltinRole.ValueString(), m.RoleUID.ValueString()))
	client := orgClient(r.data, m.OrgID.ValueInt64())
	builtin, uid := m.BuiltinRole.ValueString(), m.RoleUID.ValueString()
	if gen == grafana.Generation1 {
		err := client.AddBuiltinRoleAssignment(ctx, builtin, uid, m.Global.ValueBool())
		r.data.reads.forgetBuiltinAssignments()
		if err != nil {
			err = explainBuiltinGrant(ctx, r.data, err, gen, m)
			assignmentAPIError(&resp.Diagnostics, fmt.Sprintf("grant role %q to built-in role %q", uid, builtin), err)
			return
		}
		m.GrantedPermissions = permissionsToSet(nil)
	} else {
		var write diag.Diagnostics
		granted, err := r.syncGrant(ctx, client, m, nil, plan.GrantedPermissions, &write)
		if err != nil && !grafana.MayHaveTakenEffect(err) {
			resp.Diagnostics.Append(write...)
			return
		}
		m.GrantedPermissions = granted
		if err != nil {
			// The basic role may hold the permissions now. Saved with what it
			// would own, the assignment's destroy takes them away and its next
			// plan adds what is missing; without the state the next create
			// would find them there and own none of them.
			appendAsWarnings(&resp.Diagnostics, write, maybeWrittenNote)
			resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
			return
		}
		resp.Diagnostics.Append(write...)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
	var read diag.Diagnostics
	if found := r.read(ctx, gen, &m, resp.Private, &read); !found && !read.HasError() {
		read.AddError("Assignment not found after creating it",
			fmt.Sprintf("Grafana accepted the grant of role %q to %q but does not list it. Please report this issue.", uid, builtin))
	}
	appendReadBack(&resp.Diagnostics, read)
}

// syncGrant makes the basic role hold every permission of the role, drops
// what the assignment owned and the role no longer has, and returns the new
// granted_permissions. A known planned value is what gets recorded: the
// framework requires it, and it only differs from what was computed when
// another writer changed the basic role between plan and apply.
//
// On failure the error is returned (and reported in diags); when the write
// may have been carried out (grafana.MayHaveTakenEffect), the set is what
// it would have recorded.
func (r *builtinRoleAssignmentResource) syncGrant(ctx context.Context, client *grafana.Client, m builtinRoleAssignmentModel, prior []grafana.Permission, planned types.Set, diags *diag.Diagnostics) (types.Set, error) {
	uid := m.RoleUID.ValueString()
	role, err := r.data.reads.role(ctx, client, uid)
	if grafana.IsNotFound(err) {
		diags.AddAttributeError(path.Root("role_uid"), "Role not found",
			fmt.Sprintf("No role with uid %q in organization %d, nor a global one. Create the role first, or remove this assignment.", uid, m.OrgID.ValueInt64()))
		return types.Set{}, err
	}
	if err != nil {
		assignmentAPIError(diags, fmt.Sprintf("read role %q", uid), err)
		return permissionsToSet(nil), fmt.Errorf("reading role %q (nothing written): %v", uid, err) // not wrapped: no write may have taken effect
	}
	var want []grafana.Permission
	plannedKnown := permissionsKnown(ctx, planned) && !planned.IsNull()
	if plannedKnown {
		p, d := permissionsFromSet(ctx, planned)
		diags.Append(d...)
		want = p
	}

	var granted, added []grafana.Permission
	var kept map[string][]grafana.Permission
	basicUID := basicRoleUID(m.BuiltinRole.ValueString())
	err = r.data.editBasicRole(ctx, client, basicUID, func(ctx context.Context, current []grafana.Permission) ([]grafana.Permission, error) {
		r.data.released.set(basicUID, uid, false)
		kept = nil
		added = grafana.PermissionsMinus(role.Permissions, current)
		if plannedKnown {
			granted = want
		} else {
			var err error
			if granted, err = grantFor(ctx, r.data, client, m.BuiltinRole.ValueString(), role, current, prior); err != nil {
				return nil, err
			}
		}
		next := permissionsUnion(current, added)
		drop := grafana.PermissionsMinus(prior, granted)
		if len(drop) == 0 {
			return next, nil
		}
		var removable []grafana.Permission
		var err error
		removable, kept, err = r.release(ctx, client, m.BuiltinRole.ValueString(), uid, current, drop, prior)
		if err != nil {
			return nil, err
		}
		return grafana.PermissionsMinus(next, removable), nil
	})
	if err != nil {
		assignmentAPIError(diags, fmt.Sprintf("grant role %q to built-in role %q", uid, m.BuiltinRole.ValueString()),
			explainBuiltinGrant(ctx, r.data, err, grafana.Generation2, m))
		return permissionsToSet(granted), err
	}
	r.warnKept(ctx, client, basicUID, m.BuiltinRole.ValueString(), kept, diags)
	if !plannedKnown {
		return permissionsToSet(granted), nil
	}
	if extra := grafana.PermissionsMinus(added, want); len(extra) > 0 {
		diags.AddWarning("Basic role changed during the apply",
			fmt.Sprintf("Another change to basic role %q between plan and apply made this assignment add permissions it did not plan:\n%s\n"+
				"They are not recorded in granted_permissions, so destroying the assignment leaves them on the basic role.",
				basicRoleUID(m.BuiltinRole.ValueString()), formatPermissionList(extra)))
	}
	return planned, nil
}

// read refreshes m from the server and reports whether the assignment exists.
func (r *builtinRoleAssignmentResource) read(ctx context.Context, gen grafana.Generation, m *builtinRoleAssignmentModel, private privateState, diags *diag.Diagnostics) bool {
	client := orgClient(r.data, m.OrgID.ValueInt64())
	builtin, uid := m.BuiltinRole.ValueString(), m.RoleUID.ValueString()
	m.ID = types.StringValue(assignmentID(m.Global.ValueBool(), m.OrgID.ValueInt64(), builtin, uid))
	if gen == grafana.Generation1 {
		byBuiltin, err := r.data.reads.builtinAssignments(ctx, client)
		if err != nil {
			assignmentAPIError(diags, "list built-in role assignments", err)
			return false
		}
		m.GrantedPermissions = permissionsToSet(nil)
		return slices.ContainsFunc(byBuiltin[builtin], func(role grafana.Role) bool { return role.UID == uid })
	}

	if m.GrantedPermissions.IsNull() {
		return r.readImported(ctx, client, m, diags)
	}
	r.noteRole(ctx, client, uid, private, diags)
	if diags.HasError() {
		return false
	}
	basic, ok := r.readBasicRole(ctx, client, builtin, diags)
	if !ok {
		return false
	}
	prior, d := permissionsFromSet(ctx, m.GrantedPermissions)
	diags.Append(d...)
	// What was removed outside Terraform drops out of the state, so that the
	// plan shows it being added back.
	m.GrantedPermissions = permissionsToSet(permissionsIntersect(prior, basic.Permissions))
	return true
}

// readImported fills in the granted_permissions of an imported assignment.
// What the assignment added cannot be known: it takes the role's
// permissions, all on the basic role, except Grafana's defaults. A role the
// basic role does not hold in full is not assigned: nothing to import.
func (r *builtinRoleAssignmentResource) readImported(ctx context.Context, client *grafana.Client, m *builtinRoleAssignmentModel, diags *diag.Diagnostics) bool {
	builtin, uid := m.BuiltinRole.ValueString(), m.RoleUID.ValueString()
	role, err := r.data.reads.role(ctx, client, uid)
	switch {
	case grafana.IsNotFound(err):
		return false
	case err != nil:
		assignmentAPIError(diags, fmt.Sprintf("read role %q", uid), err)
		return false
	}
	basic, ok := r.readBasicRole(ctx, client, builtin, diags)
	if !ok {
		return false
	}
	if !permissionsContain(basic.Permissions, role.Permissions) {
		return false
	}
	defaults, err := readDefaultPermissions(ctx, r.data, client, builtin, basic.Permissions)
	if err != nil {
		assignmentAPIError(diags, "read fixed roles", err)
		return false
	}
	m.GrantedPermissions = permissionsToSet(grafana.PermissionsMinus(role.Permissions, defaults))
	return true
}

func (r *builtinRoleAssignmentResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state builtinRoleAssignmentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	gen, ok := r.generation(ctx, &resp.Diagnostics)
	if !ok {
		return
	}
	r.data.changing.markRefreshed()
	found := r.read(ctx, gen, &state, resp.Private, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if !found {
		tflog.Warn(ctx, "built-in role assignment no longer exists; removing it from state", map[string]any{"id": state.ID.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *builtinRoleAssignmentResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state builtinRoleAssignmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	gen, ok := r.generation(ctx, &resp.Diagnostics)
	if !ok {
		return
	}
	// Only role_version and granted_permissions change in place.
	m := plan
	m.ID = state.ID
	if gen == grafana.Generation1 {
		m.GrantedPermissions = permissionsToSet(nil)
		resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
		return
	}
	prior, d := permissionsFromSet(ctx, state.GrantedPermissions)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	client := orgClient(r.data, m.OrgID.ValueInt64())
	granted, err := r.syncGrant(ctx, client, m, prior, plan.GrantedPermissions, &resp.Diagnostics)
	if err != nil {
		if grafana.MayHaveTakenEffect(err) {
			// The state stays as it was, but owns what the write may have
			// added too, for the destroy.
			if now, d := permissionsFromSet(ctx, granted); !d.HasError() {
				state.GrantedPermissions = permissionsToSet(permissionsUnion(prior, now))
				resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
			}
		}
		return
	}
	m.GrantedPermissions = granted
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
	r.noteRole(ctx, client, m.RoleUID.ValueString(), resp.Private, &resp.Diagnostics)
}

func (r *builtinRoleAssignmentResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state builtinRoleAssignmentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	gen, ok := r.generation(ctx, &resp.Diagnostics)
	if !ok {
		return
	}
	client := orgClient(r.data, state.OrgID.ValueInt64())
	builtin, uid := state.BuiltinRole.ValueString(), state.RoleUID.ValueString()
	if gen == grafana.Generation1 {
		err := client.RemoveBuiltinRoleAssignment(ctx, builtin, uid, state.Global.ValueBool())
		r.data.reads.forgetBuiltinAssignments()
		if err != nil && !grafana.IsNotFound(err) {
			assignmentAPIError(&resp.Diagnostics, fmt.Sprintf("remove role %q from built-in role %q", uid, builtin), err)
		}
		return
	}
	granted, d := permissionsFromSet(ctx, state.GrantedPermissions)
	resp.Diagnostics.Append(d...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Released under the basic role's lock, even when this assignment owns
	// nothing, so that the deletes that follow see it gone.
	basicUID := basicRoleUID(builtin)
	var kept map[string][]grafana.Permission
	err := r.data.editBasicRole(ctx, client, basicUID, func(ctx context.Context, current []grafana.Permission) ([]grafana.Permission, error) {
		r.data.released.set(basicUID, uid, true)
		removable, k, err := r.release(ctx, client, builtin, uid, current, granted, granted)
		if err != nil {
			return nil, err
		}
		kept = k
		return grafana.PermissionsMinus(current, removable), nil
	})
	if grafana.IsNotFound(err) {
		return // no basic role, nothing to remove
	}
	if err != nil {
		r.data.released.set(basicUID, uid, false)
		assignmentAPIError(&resp.Diagnostics, fmt.Sprintf("remove the permissions of role %q from built-in role %q", uid, builtin), err)
		return
	}
	r.warnKept(ctx, client, basicUID, builtin, kept, &resp.Diagnostics)
}

// release returns the permissions of remove that an assignment of role uid
// to builtin, which owned owned, takes from the basic role holding current,
// and those it keeps for other custom roles (removablePermissions). The
// defaults are read only when another role may need a permission.
func (r *builtinRoleAssignmentResource) release(ctx context.Context, client *grafana.Client, builtin, uid string, current, remove, owned []grafana.Permission) ([]grafana.Permission, map[string][]grafana.Permission, error) {
	remove = permissionsIntersect(remove, current)
	if len(remove) == 0 {
		return nil, nil, nil
	}
	others, err := r.otherCustomRoles(ctx, client, basicRoleUID(builtin), uid)
	if err != nil {
		return nil, nil, err
	}
	if _, kept := removablePermissions(current, remove, owned, others); len(kept) == 0 {
		return remove, nil, nil // skip reading the fixed roles
	}
	defaults, err := readDefaultPermissions(ctx, r.data, client, builtin, current)
	if err != nil {
		return nil, nil, err
	}
	removable, kept := removablePermissions(current, remove, permissionsUnion(owned, defaults), others)
	return removable, kept, nil
}

// warnKept says which permissions stayed on the basic role for other roles
// that look granted to it, and how to remove them if they are not.
func (r *builtinRoleAssignmentResource) warnKept(ctx context.Context, client *grafana.Client, basicUID, builtin string, kept map[string][]grafana.Permission, diags *diag.Diagnostics) {
	if len(kept) == 0 {
		return
	}
	names := map[string]string{}
	if roles, err := r.data.reads.roleList(ctx, client); err == nil {
		for _, role := range roles {
			names[role.UID] = role.Name
		}
	}
	uids := slices.Sorted(maps.Keys(kept))
	var lines []string
	for _, uid := range uids {
		lines = append(lines, fmt.Sprintf("for role %q (uid %s): %s", names[uid], uid, formatPermissionList(kept[uid])))
	}
	diags.AddWarning("Permissions kept for other roles",
		fmt.Sprintf("Basic role %s keeps permissions this assignment owned, because it holds every permission of these custom roles, "+
			"as it does when they are granted to %s:\n%s\n"+
			"If none of them is granted to %s, remove these permissions from the basic role by hand.",
			basicUID, builtin, strings.Join(lines, "\n"), builtin))
}

// otherCustomRoles are the permissions of the custom roles other than uid
// that may still be granted to the basic role: all but those whose
// assignment to it was destroyed in this operation.
func (r *builtinRoleAssignmentResource) otherCustomRoles(ctx context.Context, client *grafana.Client, basicUID, uid string) (map[string][]grafana.Permission, error) {
	return rolesPermissions(ctx, &r.data.reads, client, func(o grafana.Role) bool {
		return o.UID != uid && roleKind(o.Name) == roleKindCustom && !r.data.released.has(basicUID, o.UID)
	})
}

var builtinRoleAssignmentImportHelp = "`<org_id>:<builtin_role>:<role_uid>` or `global:<builtin_role>:<role_uid>`"

func (r *builtinRoleAssignmentResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, err := parseAssignmentImportID(req.ID, "builtin_role", importIDString, true)
	if err != nil {
		addImportIDError(&resp.Diagnostics, err)
		return
	}
	if msg := builtinRoleNameMismatch(id.Part, grafana.Generation2); msg != "" {
		resp.Diagnostics.AddError("Invalid import ID", fmt.Sprintf("Import ID %q: %s Expected %s.", req.ID, msg, builtinRoleAssignmentImportHelp))
		return
	}
	m := builtinRoleAssignmentModel{
		ID:                 types.StringValue(assignmentID(id.Global, id.OrgID, id.Part, id.RoleUID)),
		BuiltinRole:        types.StringValue(id.Part),
		RoleUID:            types.StringValue(id.RoleUID),
		Global:             types.BoolValue(id.Global),
		OrgID:              types.Int64Value(id.OrgID),
		RoleVersion:        types.Int64Null(),
		GrantedPermissions: types.SetNull(permissionObjectType), // Read reconstructs it
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}
