package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

var (
	_ resource.ResourceWithConfigure   = (*defaultAssignmentResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*defaultAssignmentResource)(nil)
	_ resource.ResourceWithImportState = (*defaultAssignmentResource)(nil)
)

// NewDefaultAssignmentResource is the grafanarbac_default_assignment resource.
func NewDefaultAssignmentResource() resource.Resource {
	return &defaultAssignmentResource{}
}

type defaultAssignmentResource struct {
	data *providerData
}

type defaultAssignmentModel struct {
	ID                  types.String `tfsdk:"id"`
	BuiltinRole         types.String `tfsdk:"builtin_role"`
	FixedRole           types.String `tfsdk:"fixed_role"`
	Assigned            types.Bool   `tfsdk:"assigned"`
	AffectedPermissions types.Set    `tfsdk:"affected_permissions"`
}

var fixedRoleNamePattern = regexp.MustCompile(`^fixed:.+`)

func (r *defaultAssignmentResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_default_assignment"
}

func (r *defaultAssignmentResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "States a deviation from a grant Grafana makes by default: a fixed role granted to a built-in role. " +
			"With `assigned = false` (the default) the grant is removed; with `true` it is kept in place. Use it only for grants Grafana makes " +
			"by default; grant other roles with `grafanarbac_builtin_role_assignment`.\n\n" +
			"**Destroy leaves the grant as the resource found it** when it was created or imported: it puts back only what the resource took " +
			"away (on generation 2, the permissions in `affected_permissions`), and takes away only what it added. With `assigned = false`, " +
			"the grant must be in place when the resource is created: a grant that is not (for example `fixed:dashboards:creator` on " +
			"`Viewer`) fails the plan, since there is nothing to take away and a destroy must not grant it. With `assigned = true`, " +
			"the plan warns that the grant is not in place and will be added.\n\n" +
			"**Grafana 8 (API generation 1)**: the built-in role assignment of the fixed role is removed or added again. Because built-in " +
			"roles are hierarchical there, removing a grant from `Viewer` also takes it from Editors and Admins that only had it through Viewer.\n\n" +
			"**Grafana 9+ (generation 2)**: the fixed role's permissions are removed from, or added to, the basic role (`basic_viewer`, …), " +
			"and only that one. A removal keeps every permission that another fixed role the basic role still holds in full also carries, " +
			"so other grants stay intact. `affected_permissions` shows at plan time what the grant covers.\n\n" +
			"The plan warns when a removal would take permissions the provider's own credentials use to manage roles (for example " +
			"`roles:write` or `users.roles:add`): Grafana would then refuse to restore the grant with the same credentials. " +
			"Default grants are global, so a change needs a Grafana server admin; the plan checks it (see the provider's `plan_checks`).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<builtin_role>:<fixed_role>`: the import ID.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"builtin_role": schema.StringAttribute{
				MarkdownDescription: "Built-in role the fixed role is granted to by default. " + builtinRoleNamesDescription() + " Changing it replaces the resource.",
				Required:            true,
				Validators:          []validator.String{builtinRoleName()},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"fixed_role": schema.StringAttribute{
				MarkdownDescription: "Name of the fixed role, for example `fixed:reports:reader`; it must exist. " +
					"The `grafanarbac_roles` data source lists them. Changing it replaces the resource.",
				Required: true,
				Validators: []validator.String{stringvalidator.RegexMatches(fixedRoleNamePattern,
					"must be the name of a fixed role, starting with `fixed:` (grant custom roles with grafanarbac_builtin_role_assignment)")},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"assigned": schema.BoolAttribute{
				MarkdownDescription: "Whether the grant is in place: `false` removes it, `true` restores it. Defaults to `false`.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(false),
			},
			"affected_permissions": permissionsComputedResourceAttribute("The permissions this resource takes away from the built-in role " +
				"(`assigned = false`) or ensures it holds (`assigned = true`): on generation 2 the fixed role's permissions, less those another " +
				"fixed role the basic role holds in full also carries when removing; on generation 1 all the fixed role's permissions."),
		},
	}
}

func (r *defaultAssignmentResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if data := providerDataFrom(req.ProviderData, &resp.Diagnostics); data != nil {
		r.data = data
	}
}

// defaultGrant is what a default assignment works on, read from the server.
type defaultGrant struct {
	gen   grafana.Generation
	fixed *grafana.Role // with permissions
	basic *grafana.Role // generation 2 only
}

// readGrant reads the fixed role by name and, on generation 2, the basic
// role. fixed is nil when no fixed role has that name.
func (r *defaultAssignmentResource) readGrant(ctx context.Context, builtin, fixedName string) (defaultGrant, error) {
	client := r.data.client
	gen, err := client.Generation(ctx)
	if err != nil {
		return defaultGrant{}, fmt.Errorf("detecting the Grafana API generation: %w", err)
	}
	g := defaultGrant{gen: gen}
	roles, err := client.ListRoles(ctx, grafana.ListRolesOptions{IncludeHidden: true})
	if err != nil {
		return g, fmt.Errorf("listing roles: %w", err)
	}
	i := slices.IndexFunc(roles, func(role grafana.Role) bool { return role.Name == fixedName })
	if i < 0 {
		return g, nil
	}
	if g.fixed, err = client.GetRole(ctx, roles[i].UID); err != nil {
		return g, fmt.Errorf("reading fixed role %q: %w", fixedName, err)
	}
	if gen != grafana.Generation1 {
		uid := basicRoleUID(builtin)
		if g.basic, err = client.GetRole(ctx, uid); err != nil {
			return g, fmt.Errorf("reading basic role %q: %w", uid, err)
		}
	}
	return g, nil
}

// kept returns the permissions of the fixed role that a removal keeps:
// those another fixed role that basic holds in full also carries.
func (r *defaultAssignmentResource) kept(ctx context.Context, fixedUID string, basic []grafana.Permission) ([]grafana.Permission, error) {
	others, err := rolesPermissions(ctx, &r.data.reads, r.data.client, func(o grafana.Role) bool {
		return o.UID != fixedUID && roleKind(o.Name) == roleKindFixed
	})
	if err != nil {
		return nil, err
	}
	return heldByContainedRoles(basic, others), nil
}

// affected is affected_permissions for the given assigned value.
func (r *defaultAssignmentResource) affected(ctx context.Context, g defaultGrant, assigned bool) ([]grafana.Permission, error) {
	perms := grafana.NormalizePermissions(g.fixed.Permissions)
	if assigned || g.gen == grafana.Generation1 {
		return perms, nil
	}
	kept, err := r.kept(ctx, g.fixed.UID, g.basic.Permissions)
	if err != nil {
		return nil, err
	}
	return grafana.PermissionsMinus(perms, kept), nil
}

func fixedRoleNotFound(diags *diag.Diagnostics, name string) {
	diags.AddAttributeError(path.Root("fixed_role"), "Fixed role not found",
		fmt.Sprintf("Grafana has no fixed role named %q. Check the spelling; the grafanarbac_roles data source with kind = \"fixed\" lists them.", name))
}

// grantNotInPlace reports a new default assignment of a grant that is not in
// place. Removing it would change nothing, and a destroy that restored it
// would grant what nobody asked for: an error. Keeping it in place grants
// it, which the configuration says: a warning.
func grantNotInPlace(diags *diag.Diagnostics, g defaultGrant, builtin, fixedName string, assigned bool) {
	where := fmt.Sprintf("Grafana does not grant %q to %q now", fixedName, builtin)
	if g.gen != grafana.Generation1 {
		missing := grafana.PermissionsMinus(grafana.NormalizePermissions(g.fixed.Permissions), g.basic.Permissions)
		where += fmt.Sprintf(": basic role %q lacks these of its permissions:\n%s\n", g.basic.UID, formatPermissionList(missing))
	} else {
		where += ". "
	}
	if assigned {
		diags.AddAttributeWarning(path.Root("fixed_role"), "Grant not in place",
			where+"This resource adds it, and its destroy takes it away again. grafanarbac_builtin_role_assignment is "+
				"the resource for grants Grafana does not make by default.")
		return
	}
	diags.AddAttributeError(path.Root("fixed_role"), "Grant not in place",
		where+"With assigned = false there is nothing to take away, and grafanarbac_default_assignment never grants on destroy "+
			"what it did not take away. Remove this resource; to grant the role, use grafanarbac_builtin_role_assignment.")
}

func (r *defaultAssignmentResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return // destroy, or provider not configured yet
	}
	var plan defaultAssignmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	var state *defaultAssignmentModel
	if !req.State.Raw.IsNull() {
		state = &defaultAssignmentModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	if plan.BuiltinRole.IsUnknown() || plan.FixedRole.IsUnknown() || plan.Assigned.IsUnknown() {
		return
	}
	builtin, fixedName, assigned := plan.BuiltinRole.ValueString(), plan.FixedRole.ValueString(), plan.Assigned.ValueBool()
	replace := state == nil || !plan.BuiltinRole.Equal(state.BuiltinRole) || !plan.FixedRole.Equal(state.FixedRole)
	if replace {
		plan.ID = types.StringValue(builtin + ":" + fixedName)
	}

	g, err := r.readGrant(ctx, builtin, fixedName)
	if err == nil && g.gen != grafana.GenerationUnknown {
		if msg := builtinRoleNameMismatch(builtin, g.gen); msg != "" {
			resp.Diagnostics.AddAttributeError(path.Root("builtin_role"), "Unknown built-in role", msg)
			return
		}
	}
	switch {
	case grafana.IsNotFound(err):
		resp.Diagnostics.AddAttributeError(path.Root("builtin_role"), "Basic role not found",
			fmt.Sprintf("This Grafana has no basic role %q for the built-in role %q (basic_none exists from Grafana 10). Use another built-in role.", basicRoleUID(builtin), builtin))
		return
	case err != nil:
		resp.Diagnostics.AddError("Cannot plan default assignment", err.Error())
		return
	case g.fixed == nil:
		fixedRoleNotFound(&resp.Diagnostics, fixedName)
		return
	}
	if replace {
		inPlace, err := r.observeAssigned(ctx, g, builtin, types.BoolNull())
		if err != nil {
			resp.Diagnostics.AddError("Cannot plan default assignment", err.Error())
			return
		}
		if !inPlace {
			grantNotInPlace(&resp.Diagnostics, g, builtin, fixedName, assigned)
			if !assigned {
				return
			}
		}
	}
	affected, err := r.affected(ctx, g, assigned)
	if err != nil {
		resp.Diagnostics.AddError("Cannot plan default assignment", err.Error())
		return
	}
	plan.AffectedPermissions = permissionsToSet(affected)
	r.data.claims.claim(ctx, resp.Private, "default "+builtin+":"+fixedName, fmt.Sprintf("states the default grant of %q to %q", fixedName, builtin), path.Root("fixed_role"), &resp.Diagnostics)
	if !assigned && (replace || state.Assigned.ValueBool()) {
		warnSelfLockOut(ctx, r.data, path.Root("assigned"), fmt.Sprintf("%q", fixedName), builtin, affected, &resp.Diagnostics)
	}
	if replace || !plan.Assigned.Equal(state.Assigned) {
		checkDefaultGrantNeed(ctx, r.data, g, affected, assigned, &resp.Diagnostics)
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
}

// grantChange is what apply did: affected_permissions, and the
// permissions a restore added to the basic role (generation 2).
type grantChange struct {
	affected, added []grafana.Permission
}

// apply makes the grant match assigned.
func (r *defaultAssignmentResource) apply(ctx context.Context, builtin, fixedName string, assigned bool) (grantChange, error) {
	g, err := r.readGrant(ctx, builtin, fixedName)
	if err != nil {
		return grantChange{}, err
	}
	if g.fixed == nil {
		return grantChange{}, fmt.Errorf("grafana has no fixed role named %q", fixedName)
	}
	client := r.data.client
	fixed := grafana.NormalizePermissions(g.fixed.Permissions)
	if g.gen == grafana.Generation1 {
		defer r.data.reads.forgetBuiltinAssignments()
		if assigned {
			return grantChange{affected: fixed}, client.AddBuiltinRoleAssignment(ctx, builtin, g.fixed.UID, true)
		}
		return grantChange{affected: fixed}, removeDefaultGrantGen1(ctx, client, builtin, g.fixed.UID)
	}
	var affected, added []grafana.Permission
	err = r.data.editBasicRole(ctx, client, basicRoleUID(builtin), func(ctx context.Context, current []grafana.Permission) ([]grafana.Permission, error) {
		if assigned {
			affected = fixed
			added = grafana.PermissionsMinus(fixed, current)
			return permissionsUnion(current, fixed), nil
		}
		kept, err := r.kept(ctx, g.fixed.UID, current)
		if err != nil {
			return nil, err
		}
		affected = grafana.PermissionsMinus(fixed, kept)
		return grafana.PermissionsMinus(current, affected), nil
	})
	return grantChange{affected: affected, added: added}, err
}

// removeDefaultGrantGen1 removes a generation-1 default grant. Grafana 8
// keeps default grants as global assignments; an org-level one is removed
// when there is no global one.
func removeDefaultGrantGen1(ctx context.Context, client *grafana.Client, builtin, uid string) error {
	err := client.RemoveBuiltinRoleAssignment(ctx, builtin, uid, true)
	if grafana.IsNotFound(err) {
		err = client.RemoveBuiltinRoleAssignment(ctx, builtin, uid, false)
	}
	if grafana.IsNotFound(err) {
		return nil // already removed
	}
	return err
}

// applyPlan applies the plan and returns the state to store, also when
// the write failed; a known planned affected set is kept as planned (see
// syncGrant for why).
func (r *defaultAssignmentResource) applyPlan(ctx context.Context, plan defaultAssignmentModel, diags *diag.Diagnostics) (defaultAssignmentModel, grantChange, error) {
	builtin, fixedName, assigned := plan.BuiltinRole.ValueString(), plan.FixedRole.ValueString(), plan.Assigned.ValueBool()
	change, err := r.apply(ctx, builtin, fixedName, assigned)
	plan.ID = types.StringValue(builtin + ":" + fixedName)
	if !permissionsKnown(ctx, plan.AffectedPermissions) || plan.AffectedPermissions.IsNull() {
		plan.AffectedPermissions = permissionsToSet(change.affected)
	}
	if err != nil {
		verb := "remove"
		if assigned {
			verb = "restore"
		}
		explained := r.data.explainForbidden(err, func(c checker) { checkServerAdmin(ctx, c, path.Root("assigned"), needDefaultGrant) })
		assignmentAPIError(diags, fmt.Sprintf("%s the default grant of %q to %q", verb, fixedName, builtin), explained)
	}
	return plan, change, err
}

// foundGrantKey is the private-state key of how the resource found the grant
// when it was created or imported, which its destroy returns to.
const foundGrantKey = "found_grant"

type foundGrant struct {
	InPlace bool `json:"in_place"`
	// Added are the permissions adding the grant put on the basic role
	// (generation 2), which a destroy takes away again.
	Added []grafana.Permission `json:"added,omitempty"`
}

func setFoundGrant(ctx context.Context, private privateState, found foundGrant, diags *diag.Diagnostics) {
	diags.Append(setPrivateJSON(ctx, private, foundGrantKey, found)...)
}

func (r *defaultAssignmentResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan defaultAssignmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	builtin, fixedName := plan.BuiltinRole.ValueString(), plan.FixedRole.ValueString()
	g, err := r.readGrant(ctx, builtin, fixedName)
	if err == nil && g.fixed == nil {
		err = fmt.Errorf("grafana has no fixed role named %q", fixedName)
	}
	var inPlace bool
	if err == nil {
		inPlace, err = r.observeAssigned(ctx, g, builtin, types.BoolNull())
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot read default assignment", err.Error())
		return
	}
	var write diag.Diagnostics
	m, change, err := r.applyPlan(ctx, plan, &write)
	switch {
	case err == nil:
		resp.Diagnostics.Append(write...)
	case grafana.MayHaveTakenEffect(err):
		// Grafana may have changed the grant. Saved with how the resource
		// found it, its destroy returns there and its next plan does what
		// is missing; without the state the next plan would find the grant
		// removed and refuse it as never in place.
		appendAsWarnings(&resp.Diagnostics, write, maybeWrittenNote)
	default:
		resp.Diagnostics.Append(write...)
		return
	}
	found := foundGrant{InPlace: inPlace}
	if !inPlace {
		found.Added = change.added
	}
	setFoundGrant(ctx, resp.Private, found, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

func (r *defaultAssignmentResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan defaultAssignmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if m, _, err := r.applyPlan(ctx, plan, &resp.Diagnostics); err == nil {
		resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
	}
}

func (r *defaultAssignmentResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state defaultAssignmentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	builtin, fixedName := state.BuiltinRole.ValueString(), state.FixedRole.ValueString()
	g, err := r.readGrant(ctx, builtin, fixedName)
	if err != nil {
		resp.Diagnostics.AddError("Cannot read default assignment", err.Error())
		return
	}
	if g.fixed == nil {
		tflog.Warn(ctx, "fixed role no longer exists; removing the default assignment from state", map[string]any{"fixed_role": fixedName})
		resp.State.RemoveResource(ctx)
		return
	}
	observed, err := r.observeAssigned(ctx, g, builtin, state.Assigned)
	if err != nil {
		resp.Diagnostics.AddError("Cannot read default assignment", err.Error())
		return
	}
	affected, err := r.affected(ctx, g, observed)
	if err != nil {
		resp.Diagnostics.AddError("Cannot read default assignment", err.Error())
		return
	}
	if state.Assigned.IsNull() {
		// Import: the destroy leaves the grant as it is now.
		setFoundGrant(ctx, resp.Private, foundGrant{InPlace: observed}, &resp.Diagnostics)
	}
	state.ID = types.StringValue(builtin + ":" + fixedName)
	state.Assigned = types.BoolValue(observed)
	state.AffectedPermissions = permissionsToSet(affected)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// observeAssigned tells whether the grant is in place. On generation 2 a
// removed grant counts as back as soon as one permission the removal took
// is on the basic role again; a grant in place needs all of them.
func (r *defaultAssignmentResource) observeAssigned(ctx context.Context, g defaultGrant, builtin string, prior types.Bool) (bool, error) {
	if g.gen == grafana.Generation1 {
		byBuiltin, err := r.data.client.ListBuiltinRoleAssignments(ctx, true)
		if err != nil {
			return false, fmt.Errorf("listing built-in role assignments: %w", err)
		}
		return rolesHaveUID(byBuiltin[builtin], g.fixed.UID), nil
	}
	if prior.IsNull() || prior.ValueBool() {
		return permissionsContain(g.basic.Permissions, g.fixed.Permissions), nil
	}
	removed, err := r.affected(ctx, g, false)
	if err != nil {
		return false, err
	}
	return len(permissionsIntersect(removed, g.basic.Permissions)) > 0, nil
}

func (r *defaultAssignmentResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state defaultAssignmentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// States written before the found grant was recorded were made for
	// grants in place.
	found := foundGrant{InPlace: true}
	if _, d := getPrivateJSON(ctx, req.Private, foundGrantKey, &found); d.HasError() {
		resp.Diagnostics.Append(d...)
		return
	}
	if state.Assigned.IsNull() || state.Assigned.ValueBool() == found.InPlace {
		return // as the resource found it
	}
	builtin, fixedName := state.BuiltinRole.ValueString(), state.FixedRole.ValueString()
	if !found.InPlace {
		// Take away only what adding the grant put there.
		if err := r.unapply(ctx, builtin, fixedName, found.Added); err != nil {
			assignmentAPIError(&resp.Diagnostics, fmt.Sprintf("remove the grant of %q to %q", fixedName, builtin), err)
		}
		return
	}
	if err := r.restore(ctx, builtin, fixedName, state.AffectedPermissions); err != nil {
		assignmentAPIError(&resp.Diagnostics, fmt.Sprintf("restore the default grant of %q to %q", fixedName, builtin), err)
	}
}

// unapply takes away a grant the resource added: on generation 1 the
// grant, on generation 2 the permissions it added.
func (r *defaultAssignmentResource) unapply(ctx context.Context, builtin, fixedName string, added []grafana.Permission) error {
	gen, err := r.data.client.Generation(ctx)
	if err != nil {
		return fmt.Errorf("detecting the Grafana API generation: %w", err)
	}
	if gen == grafana.Generation1 {
		_, err := r.apply(ctx, builtin, fixedName, false)
		return err
	}
	if len(added) == 0 {
		return nil
	}
	return r.data.editBasicRole(ctx, r.data.client, basicRoleUID(builtin), func(_ context.Context, current []grafana.Permission) ([]grafana.Permission, error) {
		return grafana.PermissionsMinus(current, added), nil
	})
}

// restore puts back what a removal took away: on generation 1 the grant, on
// generation 2 the permissions it recorded (taken), and nothing else.
func (r *defaultAssignmentResource) restore(ctx context.Context, builtin, fixedName string, taken types.Set) error {
	gen, err := r.data.client.Generation(ctx)
	if err != nil {
		return fmt.Errorf("detecting the Grafana API generation: %w", err)
	}
	if gen == grafana.Generation1 {
		g, err := r.readGrant(ctx, builtin, fixedName)
		if err != nil {
			return err
		}
		if g.fixed == nil {
			return nil // the fixed role is gone: nothing to grant
		}
		defer r.data.reads.forgetBuiltinAssignments()
		return r.data.client.AddBuiltinRoleAssignment(ctx, builtin, g.fixed.UID, true)
	}
	perms, d := permissionsFromSet(ctx, taken)
	if d.HasError() {
		return fmt.Errorf("reading affected_permissions from the state: %v", d)
	}
	if len(perms) == 0 {
		return nil
	}
	return r.data.editBasicRole(ctx, r.data.client, basicRoleUID(builtin), func(_ context.Context, current []grafana.Permission) ([]grafana.Permission, error) {
		return permissionsUnion(current, perms), nil
	})
}

func (r *defaultAssignmentResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	builtin, fixedName, err := parseDefaultAssignmentImportID(req.ID)
	if err != nil {
		addImportIDError(&resp.Diagnostics, err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, defaultAssignmentModel{
		ID:                  types.StringValue(req.ID),
		BuiltinRole:         types.StringValue(builtin),
		FixedRole:           types.StringValue(fixedName),
		Assigned:            types.BoolNull(), // Read observes it
		AffectedPermissions: types.SetNull(permissionObjectType),
	})...)
}
