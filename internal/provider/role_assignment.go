package provider

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

// Pieces shared by the four assignment resources: which client to use for an
// organization, the plan-time checks on the assigned role, import IDs and
// error wording.

// providerDataFrom checks what Configure received.
func providerDataFrom(v any, diags *diag.Diagnostics) *providerData {
	if v == nil {
		return nil
	}
	data, ok := v.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *providerData, got %T. Please report this issue to the provider developers.", v))
	}
	return data
}

// orgClient returns the client for an organization; 0 (global) and the
// provider's own org use the provider's client.
func orgClient(data *providerData, orgID int64) *grafana.Client {
	if orgID <= 0 || orgID == data.orgID {
		return data.client
	}
	return data.client.WithOrg(orgID)
}

// plannedOrgID is org_id as planned: the configured value, else 0 for a
// global assignment, else the provider's org (unknown while the provider or
// global is unknown).
func plannedOrgID(config types.Int64, global types.Bool, data *providerData) types.Int64 {
	switch {
	case !config.IsNull():
		return config
	case global.IsUnknown():
		return types.Int64Unknown()
	case global.ValueBool():
		return types.Int64Value(0)
	case data == nil:
		return types.Int64Unknown()
	default:
		return types.Int64Value(data.orgID)
	}
}

// orgScoped is the model of an assignment resource: its org_id, and whether
// it is global (planned org 0).
type orgScoped[M any] interface {
	*M
	orgFields() (orgID *types.Int64, global types.Bool)
}

// planAssignment starts an assignment resource's ModifyPlan: it reads the
// plan and the state (nil on create), plans org_id from the configuration and
// replaces the resource when that changes. ok is false on destroy or error.
func planAssignment[M any, P orgScoped[M]](ctx context.Context, data *providerData, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) (plan M, state *M, ok bool) {
	if req.Plan.Raw.IsNull() {
		return plan, nil, false // destroy
	}
	var config M
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if !req.State.Raw.IsNull() {
		state = new(M)
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	}
	if resp.Diagnostics.HasError() {
		return plan, state, false
	}
	orgID, global := P(&plan).orgFields()
	configured, _ := P(&config).orgFields()
	*orgID = plannedOrgID(*configured, global, data)
	if state != nil {
		if was, _ := P(state).orgFields(); !orgID.Equal(*was) {
			resp.RequiresReplace = append(resp.RequiresReplace, path.Root("org_id"))
		}
	}
	return plan, state, true
}

// planTeam reads the team an assignment names; missing reports, on team_id,
// a team that does not exist. Other errors are returned.
func planTeam(ctx context.Context, data *providerData, orgID, teamID int64, diags *diag.Diagnostics) (missing bool, err error) {
	err = data.reads.teamExists(ctx, orgClient(data, orgID), teamID)
	if !grafana.IsNotFound(err) {
		return false, err
	}
	diags.AddAttributeError(path.Root("team_id"), "Team not found",
		fmt.Sprintf("No team with id %d in organization %d. Check team_id (the grafanarbac_team data source finds it by name) and org_id.", teamID, orgID))
	return true, nil
}

// planUser reports, on user_id, a user or service account that does not
// exist in orgID. It makes the read Read uses; other errors are left to the
// apply, which reports them.
func planUser(ctx context.Context, data *providerData, orgID, userID int64, diags *diag.Diagnostics) (missing bool) {
	if _, err := data.reads.userRoles(ctx, orgClient(data, orgID), userID); !grafana.IsNotFound(err) {
		return false
	}
	diags.AddAttributeError(path.Root("user_id"), "User not found",
		fmt.Sprintf("No user or service account with id %d in organization %d. Check user_id (the grafanarbac_user and grafanarbac_service_account data sources find it by name).", userID, orgID))
	return true
}

// checkGlobalOrgID refuses org_id on a global assignment (ValidateConfig).
func checkGlobalOrgID(global types.Bool, orgID types.Int64, diags *diag.Diagnostics) {
	if global.ValueBool() && !orgID.IsNull() && !orgID.IsUnknown() {
		diags.AddAttributeError(path.Root("org_id"), "org_id set on a global assignment",
			"A global assignment holds in every organization. Remove org_id, or set global = false.")
	}
}

// assignmentTarget names what a role is assigned to, for messages.
type assignmentTarget struct {
	Kind string // "built-in role", "team", "user"
	// RefuseBasic refuses basic roles (Grafana refuses them for teams and users).
	RefuseBasic bool
	// GlobalOnly, when set, says why every assignment to the target is
	// global (Grafana Admin's are).
	GlobalOnly string
}

// checkAssignableRole runs the plan-time checks on the role a resource
// assigns: that it exists where it is assigned, that Grafana allows the
// assignment, and that the provider's credentials may delegate it. It
// returns the role (with its permissions), or nil when the role does not
// exist yet: it may be created by the same apply, which then reports a
// missing role.
func checkAssignableRole(ctx context.Context, data *providerData, uid string, orgID int64, global bool, target assignmentTarget, diags *diag.Diagnostics) *grafana.Role {
	uidPath := path.Root("role_uid")
	if target.RefuseBasic && (isBasicRoleUID(uid) || strings.HasPrefix(uid, "basic_") && hasBasicRoles(ctx, data)) {
		// Grafana 9+ takes any basic_ uid for a basic role (RoleDTO.IsBasic);
		// Grafana 8 has none, so there another one may be a custom role's.
		diags.AddAttributeError(uidPath, "Basic role cannot be assigned",
			fmt.Sprintf("%q is a basic role. Grafana does not assign basic roles to a %s; give the %s a fixed or custom role instead.", uid, target.Kind, target.Kind))
		return nil
	}
	role, err := data.reads.assignableRole(ctx, orgClient(data, orgID), uid)
	if errors.Is(err, errRolePlanned) {
		return nil
	}
	if grafana.IsNotFound(err) {
		if orgID > 0 && orgID != data.orgID {
			// Not visible in the target org: it may belong to the provider's.
			if own, err := data.reads.role(ctx, data.client, uid); err == nil && !own.Global {
				diags.AddAttributeError(uidPath, "Role belongs to another organization",
					fmt.Sprintf("Role %q (uid %s) belongs to organization %d and is not global, so it can only be assigned there. "+
						"Set org_id = %d, or use a global role.", own.Name, uid, data.orgID, data.orgID))
			}
		}
		return nil
	}
	if err != nil {
		diags.AddAttributeError(uidPath, "Cannot read role", fmt.Sprintf("Reading role %q to check the assignment: %s", uid, err))
		return nil
	}
	return checkRoleAssignable(ctx, data, role, orgID, global, target, diags)
}

// isBasicRoleUID reports whether uid is one of the basic roles' own.
func isBasicRoleUID(uid string) bool {
	return slices.ContainsFunc(builtinRoles, func(r builtinRole) bool { return r.BasicRoleUID == uid })
}

// hasBasicRoles reports whether the server is of generation 2; an unknown
// generation counts as 2, whose refusal is the stricter.
func hasBasicRoles(ctx context.Context, data *providerData) bool {
	gen, err := data.client.Generation(ctx)
	return err != nil || gen != grafana.Generation1
}

// checkRoleAssignable is checkAssignableRole on a role already read: it
// returns role, or nil when the assignment cannot be made.
func checkRoleAssignable(ctx context.Context, data *providerData, role *grafana.Role, orgID int64, global bool, target assignmentTarget, diags *diag.Diagnostics) *grafana.Role {
	uidPath, uid := path.Root("role_uid"), role.UID
	switch roleKind(role.Name) {
	case roleKindBasic:
		if target.RefuseBasic {
			diags.AddAttributeError(uidPath, "Basic role cannot be assigned",
				fmt.Sprintf("Role %q is a basic role. Grafana does not assign basic roles to a %s; give the %s a fixed or custom role instead.", role.Name, target.Kind, target.Kind))
			return nil
		}
		diags.AddAttributeError(uidPath, "Basic role cannot be assigned",
			fmt.Sprintf("Role %q is a basic role, the built-in role itself. Assign a fixed or custom role instead.", role.Name))
		return nil
	case roleKindManaged:
		detail := fmt.Sprintf("Role %q is managed by Grafana for one resource's permissions and cannot be assigned. Assign a fixed or custom role instead.", role.Name)
		if target.RefuseBasic {
			// Documented for teams, users and service accounts (contract rule 5b).
			diags.AddAttributeError(uidPath, "Managed role cannot be assigned", detail)
			return nil
		}
		// Assumed for built-in roles: Grafana says nothing of them.
		errs := diags.ErrorsCount()
		data.checker(diags).refuse(uidPath, "Managed role cannot be assigned", detail)
		if diags.ErrorsCount() > errs {
			return nil
		}
	}
	if global && !role.Global {
		fix := "Set global = false (and org_id to the role's organization), or assign a global role."
		if target.GlobalOnly != "" {
			// global = false is no way out here: it fails too.
			fix = target.GlobalOnly + ", so only a global role can be assigned: make the role global " +
				"(global = true on its grafanarbac_custom_role), or grant it to Admin, in its organization, instead."
		}
		diags.AddAttributeError(path.Root("global"), "Global assignment of an organization's role",
			fmt.Sprintf("Role %q (uid %s) belongs to one organization, so it can only be assigned inside it. %s", role.Name, uid, fix))
		return nil
	}
	checkDelegable(ctx, data.checker(diags), orgID, role)
	return role
}

// checkDelegable refuses the plan when the provider's credentials lack a
// permission of the role: Grafana would refuse the assignment with a 403.
func checkDelegable(ctx context.Context, c checker, orgID int64, role *grafana.Role) {
	if len(role.Permissions) == 0 || c.off() {
		return
	}
	held, err := c.data.callerPermissionsIn(ctx, orgID)
	if err != nil && orgMissing(ctx, c.data, orgID, err, c.diags) {
		return
	}
	if err != nil {
		c.notChecked("Delegation not checked",
			"Could not read the permissions of the provider's credentials, so the plan does not check that they hold the role's permissions: "+err.Error())
		return
	}
	missing := grafana.MissingForDelegation(held, role.Permissions)
	if len(missing) == 0 {
		return
	}
	c.refuse(path.Root("role_uid"), "Role the provider cannot assign",
		fmt.Sprintf("Grafana lets a caller assign a role only when the caller holds every permission of the role. "+
			"The provider's credentials lack these permissions of role %q:\n%s\n"+
			"Assign a role without them, or use credentials that hold them.", role.Name, formatPermissionList(missing)))
}

// checkAssignmentRights runs the checks of the credentials' rights to assign
// role uid, to explain a 403 of the apply.
func checkAssignmentRights(ctx context.Context, c checker, uid string, orgID int64, global bool) {
	if global {
		checkServerAdmin(ctx, c, path.Root("global"), needGlobalAssignment)
	}
	if role, err := c.data.reads.role(ctx, orgClient(c.data, orgID), uid); err == nil {
		checkDelegable(ctx, c, orgID, role)
	}
}

// serverAdminHint is the other cause of a 403: what only a server admin may change.
const serverAdminHint = "Global roles, global assignments and, on Grafana 9+, grants to built-in roles (they change " +
	"the basic roles, which are global) need a Grafana server admin; a service-account token is not one."

// assignmentAPIError explains a failed call; Grafana's text is kept but never relied on.
// The summary names the action, so the detail starts with the error.
func assignmentAPIError(diags *diag.Diagnostics, action string, err error) {
	detail := err.Error()
	switch {
	case grafana.IsForbidden(err) && !isExplained(err):
		detail += "\nThe provider's credentials lack a permission for this (for example roles:write, teams.roles:add or users.roles:add), " +
			"or one of the role's permissions, which Grafana requires the caller to hold. " + serverAdminHint
	case grafana.IsNotFound(err):
		detail += "\nThe role, or what it is assigned to, does not exist in this organization. A role that is not global " +
			"can only be assigned in its own organization."
	case grafana.IsBadRequest(err):
		detail += "\nGrafana refused the request; check the built-in role name and that the role is neither basic nor managed."
	case grafana.IsTimeout(err):
		detail += "\n" + timeoutHint
	}
	diags.AddError("Cannot "+action, detail)
}

// --- import IDs of the form <org_id>:<part>:<role_uid> or global:<part>:<role_uid> ---

// assignmentImportID is a parsed assignment import ID.
type assignmentImportID struct {
	Global  bool
	OrgID   int64 // 0 when Global
	Part    string
	PartInt int64 // Part as a number, when the format wants one
	RoleUID string
}

// parseAssignmentImportID parses `<org_id>:<part>:<role_uid>`, and
// `global:<part>:<role_uid>` when allowGlobal.
func parseAssignmentImportID(raw, partName string, partKind importIDKind, allowGlobal bool) (assignmentImportID, error) {
	orgFormat := importIDFormat{{Name: "org_id", Kind: importIDString}, {Name: partName, Kind: partKind}, {Name: "role_uid", Kind: importIDString}}
	expected := "`" + orgFormat.String() + "`"
	if allowGlobal {
		expected += " or `global:<" + partName + ">:<role_uid>`"
	}
	id, err := parseImportID(raw, orgFormat)
	if err != nil {
		if allowGlobal {
			return assignmentImportID{}, fmt.Errorf("%w (or `global:<%s>:<role_uid>`)", err, partName)
		}
		return assignmentImportID{}, err
	}
	var out assignmentImportID
	scope, _ := id.Text("org_id")
	out.RoleUID, _ = id.Text("role_uid")
	if partKind == importIDPositiveInt {
		out.PartInt, _ = id.Int64(partName)
		out.Part = strconv.FormatInt(out.PartInt, 10)
	} else {
		out.Part, _ = id.Text(partName)
	}
	if scope == "global" && allowGlobal {
		out.Global = true
		return out, nil
	}
	n, err := strconv.ParseInt(scope, 10, 64)
	if err != nil || n <= 0 {
		return assignmentImportID{}, fmt.Errorf("import ID %q is not valid: org_id must be a positive integer, got %q. Expected %s", raw, scope, expected)
	}
	out.OrgID = n
	return out, nil
}

// assignmentID renders the ID of an assignment in its import format.
func assignmentID(global bool, orgID int64, part, roleUID string) string {
	scope := "global"
	if !global {
		scope = strconv.FormatInt(orgID, 10)
	}
	return scope + ":" + part + ":" + roleUID
}

// rolesHaveUID reports whether roles lists the role uid.
func rolesHaveUID(roles []grafana.Role, uid string) bool {
	return slices.ContainsFunc(roles, func(r grafana.Role) bool { return r.UID == uid })
}

// roleManagementActions are the actions the provider's credentials use to
// manage roles and assignments; losing them can make a removal impossible to
// undo (contract rule 8).
var roleManagementActions = []string{
	"roles:read", "roles:list", "roles:write", "roles:delete",
	"roles.builtin:list", "roles.builtin:add", "roles.builtin:remove",
	"teams.roles:read", "teams.roles:list", "teams.roles:add", "teams.roles:remove",
	"users.roles:read", "users.roles:list", "users.roles:add", "users.roles:remove",
	"users.permissions:read", "users.permissions:list",
}

// warnSelfLockOut warns when removing what (a role, or a fixed role's
// default grant) from builtin takes permissions that the provider's
// credentials hold and use to manage roles (contract rule 8). The
// credentials may hold them through other grants too, which the API does
// not tell, so this is a warning, not an error.
func warnSelfLockOut(ctx context.Context, data *providerData, attr path.Path, what, builtin string, removed []grafana.Permission, diags *diag.Diagnostics) {
	held, err := data.callerPermissions(ctx)
	if err != nil {
		diags.AddAttributeWarning(attr, "Self-lock-out not checked",
			"Could not read the permissions of the provider's credentials to check that this removal leaves them able to manage roles: "+err.Error())
		return
	}
	var lost []grafana.Permission
	for _, p := range removed {
		if slices.Contains(roleManagementActions, p.Action) && slices.Contains(held, p) {
			lost = append(lost, p)
		}
	}
	if len(lost) == 0 {
		return
	}
	diags.AddAttributeWarning(attr, "Removal may lock the provider out",
		fmt.Sprintf("Removing %s from %q takes away these permissions, which the provider's credentials hold and use to manage roles:\n%s\n"+
			"If the credentials have them only through %q, every later role change fails, and Grafana refuses to restore the grant "+
			"with the same credentials. Make sure the credentials keep them another way first (a Grafana server admin, or a team or user "+
			"assignment of a role that carries them).",
			what, builtin, formatPermissionList(lost), builtin))
}

// readBackNote ends a read-back failure turned into a warning.
const readBackNote = "The grant was made, so it is saved as created; the next plan reads it again."

// maybeWrittenNote ends the failure of a create's write that Grafana may
// have carried out, turned into a warning.
const maybeWrittenNote = "Grafana may have made the change before the answer was lost, so the resource is saved as created; " +
	"the next plan reads what Grafana holds and plans what is missing."

// appendReadBack adds the diagnostics of the read-back that follows a
// successful write, errors as warnings: an error would leave the resource
// tainted, and the next apply would delete and re-add a correct grant.
func appendReadBack(diags *diag.Diagnostics, read diag.Diagnostics) {
	appendAsWarnings(diags, read, readBackNote)
}

// appendAsWarnings adds diagnostics, errors as warnings ending with note.
func appendAsWarnings(diags *diag.Diagnostics, read diag.Diagnostics, note string) {
	for _, d := range read {
		if d.Severity() == diag.SeverityError {
			diags.AddWarning(d.Summary(), d.Detail()+"\n"+note)
			continue
		}
		diags.Append(d)
	}
}

// grantClaims are the grants the resources of one Terraform operation plan
// to hold, so that two resources claiming one grant fail the plan: each
// would take the grant away when removed, though the other still claims it.
// Terraform plans every resource of a configuration in one operation (one
// provider configuration), but tells the provider no resource addresses:
// the second claimant fails, naming the grant, and Terraform names it.
//
// Terraform plans a replaced resource twice (the second time as a create),
// handing the first plan's private state to the second: a token kept there
// tells the same resource from another one.
type grantClaims struct {
	mu sync.Mutex
	m  map[string]string // grant → claimant's token
}

const grantClaimKey = "grant_claim"

// claimToken tells the resource planned with private from any other, a
// replaced resource's two plans being one resource.
func claimToken(ctx context.Context, private privateState) string {
	// A private state that cannot be used (a ModifyPlan called outside the
	// framework, in unit tests) only loses the replacement's identity.
	token, d := private.GetKey(ctx, grantClaimKey)
	if d.HasError() || len(token) == 0 {
		token = []byte(strconv.Quote(rand.Text())) // private state holds JSON
		_ = private.SetKey(ctx, grantClaimKey, token)
	}
	return string(token)
}

// claim records the grant key for the resource planned with private and
// reports a second resource claiming it; what describes the grant
// ("assigns role … to team 5 …").
func (c *grantClaims) claim(ctx context.Context, private privateState, key, what string, attr path.Path, diags *diag.Diagnostics) {
	c.claimAs(ctx, private, "grant", key, what, attr, diags)
}

// claimAs is claim of something else than a grant (noun: "role").
func (c *grantClaims) claimAs(ctx context.Context, private privateState, noun, key, what string, attr path.Path, diags *diag.Diagnostics) {
	token := claimToken(ctx, private)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]string{}
	}
	if first, ok := c.m[key]; !ok || first == token {
		c.m[key] = token
		return
	}
	diags.AddAttributeError(attr, "Two resources claim one "+noun,
		fmt.Sprintf("Another resource in this configuration also %s. Terraform shows this resource's address; it does not tell "+
			"the provider the other's. Keep only one of them: removing either would take away the %s the other still claims.", what, noun))
}
