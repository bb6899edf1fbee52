package provider

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

// The core of the authoritative assignment resources: exact id sets, and the
// grants a resource's last apply made or confirmed, kept in private state so
// that a destroy removes those and never a grant made outside Terraform
// since.

// appliedKey is the private-state key of the grants of the last apply.
const appliedKey = "applied"

// saveApplied records v (a struct of id sets) as the last apply's grants.
func saveApplied(ctx context.Context, p privateState, v any) diag.Diagnostics {
	return setPrivateJSON(ctx, p, appliedKey, v)
}

// loadApplied reads what saveApplied recorded into v, which stays as it is
// when nothing was recorded (a resource imported and not applied since).
func loadApplied(ctx context.Context, p privateState, v any) diag.Diagnostics {
	_, diags := getPrivateJSON(ctx, p, appliedKey, v)
	return diags
}

// idSetValues reads a set of int64 ids, sorted; nil for null or unknown.
func idSetValues(ctx context.Context, s types.Set, diags *diag.Diagnostics) []int64 {
	if s.IsNull() || s.IsUnknown() {
		return nil
	}
	var ids []int64
	diags.Append(s.ElementsAs(ctx, &ids, false)...)
	return sortedIDs(ids)
}

// knownSetValues are the known elements of a set of T (types.String or
// types.Int64): an element unknown at plan can be checked at apply only.
func knownSetValues[T attr.Value, V any](s types.Set, value func(T) V) []V {
	var out []V
	for _, e := range s.Elements() {
		if v, ok := e.(T); ok && !v.IsUnknown() && !v.IsNull() {
			out = append(out, value(v))
		}
	}
	return out
}

// idsMinus returns the elements of a that are not in b.
func idsMinus[T comparable](a, b []T) []T {
	var out []T
	for _, id := range a {
		if !slices.Contains(b, id) {
			out = append(out, id)
		}
	}
	return out
}

// emptyIDSet is the default of an id set left out of the configuration.
var emptyIDSet = types.SetValueMust(types.Int64Type, []attr.Value{})

// stringSetValues reads a set of strings, sorted; nil for null or unknown.
func stringSetValues(ctx context.Context, s types.Set, diags *diag.Diagnostics) []string {
	if s.IsNull() || s.IsUnknown() {
		return nil
	}
	var out []string
	diags.Append(s.ElementsAs(ctx, &out, false)...)
	return sortedSet(out)
}

// sortedSet sorts and deduplicates a copy of values; never nil.
func sortedSet[T cmp.Ordered](values []T) []T {
	out := slices.Clone(values)
	if out == nil {
		out = []T{}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// confirmImported records found as the confirmed grants when nothing is
// recorded yet: an imported resource has applied nothing.
func confirmImported(ctx context.Context, p privateState, found any, diags *diag.Diagnostics) {
	b, d := p.GetKey(ctx, appliedKey)
	diags.Append(d...)
	if !d.HasError() && len(b) == 0 {
		diags.Append(saveApplied(ctx, p, found)...)
	}
}

func stringSet(values []string) types.Set {
	elems := make([]attr.Value, len(values))
	for i, v := range values {
		elems[i] = types.StringValue(v)
	}
	return types.SetValueMust(types.StringType, elems)
}

// emptyStringSet is the default of a uid set left out of the configuration.
var emptyStringSet = types.SetValueMust(types.StringType, []attr.Value{})

// checkAssignableRoles runs checkAssignableRole on each known uid of a set
// attribute and reports its findings on that attribute.
func checkAssignableRoles(ctx context.Context, data *providerData, set types.Set, attrPath path.Path, orgID int64, global bool, target assignmentTarget, diags *diag.Diagnostics) {
	for _, e := range set.Elements() {
		v, ok := e.(types.String)
		if !ok || v.IsUnknown() || v.IsNull() {
			continue
		}
		var one diag.Diagnostics
		checkAssignableRole(ctx, data, v.ValueString(), orgID, global, target, &one)
		for _, d := range one {
			if d.Severity() == diag.SeverityError {
				diags.AddAttributeError(attrPath, d.Summary(), d.Detail())
			} else {
				diags.AddAttributeWarning(attrPath, d.Summary(), d.Detail())
			}
		}
	}
}

// roleSetHolder is the team or user whose exact set of roles a resource
// manages (grafanarbac_team_roles, grafanarbac_user_roles).
type roleSetHolder interface {
	// roles are the uids of the roles it holds that the resource manages; a
	// NotFound error means the holder is gone.
	roles(ctx context.Context) ([]string, error)
	setRoles(ctx context.Context, uids []string) error
	removeRole(ctx context.Context, uid string) error
	// forget drops the cached reads of the holder's roles.
	forget()
	String() string
}

// recordAttempted adds the grants of a failed write to those recorded for
// the destroy (prior, the state's, when nothing is recorded): Grafana may
// have carried the write out, and a next apply that finds the server as
// configured plans nothing and records nothing. The destroy then removes
// them too; a grant that was never made is a 404 there, which is fine.
func recordAttempted[T any](ctx context.Context, private privateState, prior T, merge func(recorded T) T, diags *diag.Diagnostics) {
	recorded := prior
	d := loadApplied(ctx, private, &recorded)
	if !d.HasError() {
		d.Append(saveApplied(ctx, private, merge(recorded))...)
	}
	diags.Append(d...)
}

// applyRoleSet makes the holder's roles exactly set, records them as the
// resource's grants and returns them as the set to store; prior is the
// state's set (null on create).
func applyRoleSet(ctx context.Context, h roleSetHolder, set, prior types.Set, private privateState, diags *diag.Diagnostics) (types.Set, bool) {
	want := stringSetValues(ctx, set, diags)
	if diags.HasError() {
		return set, false
	}
	err := h.setRoles(ctx, want)
	h.forget()
	if err != nil {
		assignmentAPIError(diags, "set the roles of "+h.String(), err)
		recordAttempted(ctx, private, appliedRoles{RoleUIDs: stringSetValues(ctx, prior, diags)}, func(r appliedRoles) appliedRoles {
			return appliedRoles{RoleUIDs: sortedSet(append(r.RoleUIDs, want...))}
		}, diags)
		return set, false
	}
	diags.Append(saveApplied(ctx, private, appliedRoles{RoleUIDs: want})...)
	return stringSet(want), !diags.HasError()
}

// readRoleSet reads the holder's roles; gone is true when it no longer exists.
func readRoleSet(ctx context.Context, h roleSetHolder, private privateState, diags *diag.Diagnostics) (set types.Set, gone bool) {
	have, err := h.roles(ctx)
	if grafana.IsNotFound(err) {
		tflog.Warn(ctx, h.String()+" no longer exists; removing its roles from state")
		return set, true
	}
	if err != nil {
		assignmentAPIError(diags, "read the roles of "+h.String(), err)
		return set, false
	}
	have = sortedSet(have)
	confirmImported(ctx, private, appliedRoles{RoleUIDs: have}, diags)
	return stringSet(have), false
}

// deleteRoleSet removes the roles of the last apply one by one, so that a
// role granted since outside Terraform stays.
func deleteRoleSet(ctx context.Context, h roleSetHolder, stateSet types.Set, private privateState, diags *diag.Diagnostics) {
	applied := appliedRoles{RoleUIDs: stringSetValues(ctx, stateSet, diags)}
	d := loadApplied(ctx, private, &applied)
	diags.Append(d...)
	if diags.HasError() {
		return
	}
	defer h.forget()
	for _, uid := range applied.RoleUIDs {
		if err := h.removeRole(ctx, uid); err != nil && !grafana.IsNotFound(err) {
			assignmentAPIError(diags, fmt.Sprintf("remove role %q from %s", uid, h), err)
			return
		}
	}
}

// roleSetModel is the model of a role-set resource: its role_uids, and its
// id made from the other attributes.
type roleSetModel[M any] interface {
	*M
	roleSet() *types.Set
	setID()
}

// holderOf builds the holder a model names; private is the resource's private
// state on Read and nil otherwise.
type holderOf[M any] func(ctx context.Context, m *M, private privateState, diags *diag.Diagnostics) roleSetHolder

// roleSetCRUD gives a role-set resource its Create, Read, Update and Delete.
type roleSetCRUD[M any, P roleSetModel[M]] struct {
	holder holderOf[M]
}

func (c roleSetCRUD[M, P]) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	applyRoleSetPlan[M, P](ctx, req.Plan, nil, c.holder, &resp.State, resp.Private, &resp.Diagnostics)
}

func (c roleSetCRUD[M, P]) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	applyRoleSetPlan[M, P](ctx, req.Plan, &req.State, c.holder, &resp.State, resp.Private, &resp.Diagnostics)
}

func (c roleSetCRUD[M, P]) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	readRoleSetResource[M, P](ctx, req, resp, c.holder)
}

func (c roleSetCRUD[M, P]) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	deleteRoleSetResource[M, P](ctx, req, resp, c.holder)
}

// applyRoleSetPlan is Create and Update of a role-set resource; prior is
// the state of an update.
func applyRoleSetPlan[M any, P roleSetModel[M]](ctx context.Context, planned tfsdk.Plan, prior *tfsdk.State, holder holderOf[M], state *tfsdk.State, private privateState, diags *diag.Diagnostics) {
	var plan M
	diags.Append(planned.Get(ctx, &plan)...)
	priorSet := types.SetNull(types.StringType)
	if prior != nil {
		var old M
		diags.Append(prior.Get(ctx, &old)...)
		priorSet = *P(&old).roleSet()
	}
	if diags.HasError() {
		return
	}
	set, ok := applyRoleSet(ctx, holder(ctx, &plan, nil, diags), *P(&plan).roleSet(), priorSet, private, diags)
	if !ok {
		return
	}
	P(&plan).setID()
	*P(&plan).roleSet() = set
	diags.Append(state.Set(ctx, plan)...)
}

// readRoleSetResource is Read of a role-set resource.
func readRoleSetResource[M any, P roleSetModel[M]](ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse, holder holderOf[M]) {
	var state M
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	h := holder(ctx, &state, resp.Private, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	set, gone := readRoleSet(ctx, h, resp.Private, &resp.Diagnostics)
	if gone {
		resp.State.RemoveResource(ctx)
		return
	}
	if resp.Diagnostics.HasError() {
		return
	}
	P(&state).setID()
	*P(&state).roleSet() = set
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

// deleteRoleSetResource is Delete of a role-set resource.
func deleteRoleSetResource[M any, P roleSetModel[M]](ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse, holder holderOf[M]) {
	var state M
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if !resp.Diagnostics.HasError() {
		deleteRoleSet(ctx, holder(ctx, &state, nil, &resp.Diagnostics), *P(&state).roleSet(), req.Private, &resp.Diagnostics)
	}
}

// appliedRoles is what the private state keeps for the role-set resources.
type appliedRoles struct {
	RoleUIDs []string `json:"role_uids"`
}

// visibleRoleUIDs are the uids of the roles that are not hidden.
func visibleRoleUIDs(roles []grafana.Role) []string {
	out := []string{}
	for _, role := range roles {
		if !role.Hidden {
			out = append(out, role.UID)
		}
	}
	return out
}
