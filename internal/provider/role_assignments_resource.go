package provider

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

var (
	_ resource.ResourceWithConfigure      = (*roleAssignmentsResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*roleAssignmentsResource)(nil)
	_ resource.ResourceWithImportState    = (*roleAssignmentsResource)(nil)
	_ resource.ResourceWithValidateConfig = (*roleAssignmentsResource)(nil)
)

// NewRoleAssignmentsResource is the grafanarbac_role_assignments resource.
func NewRoleAssignmentsResource() resource.Resource {
	return &roleAssignmentsResource{}
}

type roleAssignmentsResource struct {
	data *providerData
}

type roleAssignmentsModel struct {
	ID              types.String `tfsdk:"id"`
	RoleUID         types.String `tfsdk:"role_uid"`
	OrgID           types.Int64  `tfsdk:"org_id"`
	Users           types.Set    `tfsdk:"users"`
	Teams           types.Set    `tfsdk:"teams"`
	ServiceAccounts types.Set    `tfsdk:"service_accounts"`
}

func (m *roleAssignmentsModel) orgFields() (*types.Int64, types.Bool) {
	return &m.OrgID, types.BoolValue(false)
}

func (m roleAssignmentsModel) holders(ctx context.Context, diags *diag.Diagnostics) grafana.RoleAssignments {
	return grafana.RoleAssignments{
		RoleUID:         m.RoleUID.ValueString(),
		Users:           idSetValues(ctx, m.Users, diags),
		Teams:           idSetValues(ctx, m.Teams, diags),
		ServiceAccounts: idSetValues(ctx, m.ServiceAccounts, diags),
	}
}

func (m *roleAssignmentsModel) setHolders(h grafana.RoleAssignments) {
	m.Users, m.Teams, m.ServiceAccounts = int64Set(sortedIDs(h.Users)), int64Set(sortedIDs(h.Teams)), int64Set(sortedIDs(h.ServiceAccounts))
}

func (r *roleAssignmentsResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_role_assignments"
}

func (r *roleAssignmentsResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	ids := func(what string) schema.SetAttribute {
		return schema.SetAttribute{
			MarkdownDescription: "Ids of exactly the " + what + " that hold the role in the organization; empty when left out. " +
				"An id that is none of the organization's " + what + " fails the plan.",
			ElementType: types.Int64Type,
			Optional:    true, Computed: true,
			Default:    setdefault.StaticValue(emptyIDSet),
			Validators: []validator.Set{setvalidator.ValueInt64sAre(int64validator.AtLeast(1))},
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Who holds one custom or fixed role in one organization, authoritatively: the exact sets of users, teams and " +
			"service accounts. A grant of the role made outside Terraform shows in the plan as drift and the next apply removes it; " +
			"a grant removed outside Terraform is made again. Global user grants are no organization's and are left alone.\n\n" +
			"Destroy removes exactly the grants that the last apply made or confirmed (after an import: the grants found then), " +
			"never a grant made outside Terraform since.\n\n" +
			"Grafana 9 and later (generation 2). From 9.2 it reads and writes `/api/access-control/roles/:uid/assignments`; " +
			"before 9.2 it reads the roles of every member, service account and team (an Admin of the organization) and adds " +
			"and removes one grant at a time.\n\n" +
			"Do not also grant this role in this organization with `grafanarbac_team_role_assignment` or " +
			"`grafanarbac_user_role_assignment`, nor beside `grafanarbac_team_roles` or `grafanarbac_user_roles` of a team or user " +
			"that either of them grants it to: the two would undo each other, and the plan fails naming both.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<org_id>:<role_uid>`: the import ID.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"role_uid": schema.StringAttribute{
				MarkdownDescription: "Uid of the custom or fixed role (basic and managed roles cannot be assigned). " +
					"A role that is not global must belong to the organization. Changing it replaces the resource.",
				Required:      true,
				Validators:    []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"org_id": schema.Int64Attribute{
				MarkdownDescription: "Organization. Defaults to the provider's organization. Changing it replaces the resource.",
				Optional:            true, Computed: true,
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
			"users":            ids("users"),
			"teams":            ids("teams"),
			"service_accounts": ids("service accounts"),
		},
	}
}

func (r *roleAssignmentsResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if data := providerDataFrom(req.ProviderData, &resp.Diagnostics); data != nil {
		r.data = data
	}
}

// ValidateConfig refuses an id in both users and service_accounts: an
// account is one or the other; from 9.2 Grafana refuses the wrong listing,
// and before it the plan would never settle.
func (r *roleAssignmentsResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg roleAssignmentsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	users := knownSetValues(cfg.Users, types.Int64.ValueInt64)
	for _, id := range sortedSet(knownSetValues(cfg.ServiceAccounts, types.Int64.ValueInt64)) {
		if slices.Contains(users, id) {
			resp.Diagnostics.AddAttributeError(path.Root("service_accounts"), "Id in both users and service_accounts",
				fmt.Sprintf("Id %d is listed in users and in service_accounts. A service account belongs in service_accounts only, "+
					"a user in users only (the grafanarbac_user and grafanarbac_service_account data sources tell them apart).", id))
		}
	}
}

var roleHoldersTarget = assignmentTarget{Kind: "team or user", RefuseBasic: true}

func (r *roleAssignmentsResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	plan, state, ok := planAssignment[roleAssignmentsModel](ctx, r.data, req, resp)
	if !ok {
		return
	}
	if plan.OrgID.IsUnknown() || plan.RoleUID.IsUnknown() || r.data == nil {
		plan.ID = types.StringUnknown()
		resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
		return
	}
	orgID, uid := plan.OrgID.ValueInt64(), plan.RoleUID.ValueString()
	plan.ID = types.StringValue(roleAssignmentsID(orgID, uid))
	var stated []statedGrant
	for _, id := range knownSetValues(plan.Teams, types.Int64.ValueInt64) {
		stated = append(stated, teamGrant(orgID, id, uid))
	}
	for _, id := range slices.Concat(knownSetValues(plan.Users, types.Int64.ValueInt64), knownSetValues(plan.ServiceAccounts, types.Int64.ValueInt64)) {
		stated = append(stated, userGrant(orgID, id, false, uid))
	}
	r.data.covers.claimCover(ctx, resp.Private, roleCover(orgID, uid),
		fmt.Sprintf("grafanarbac_role_assignments of role %q in organization %d", uid, orgID), stated, path.Root("role_uid"), &resp.Diagnostics)
	unchanged := state != nil && plan.OrgID.Equal(state.OrgID) && plan.RoleUID.Equal(state.RoleUID) &&
		plan.Users.Equal(state.Users) && plan.Teams.Equal(state.Teams) && plan.ServiceAccounts.Equal(state.ServiceAccounts)
	if !unchanged {
		if !requireGeneration2(ctx, orgClient(r.data, orgID), roleAssignmentsNeedGen2, roleAssignmentsNeedGen2Detail, &resp.Diagnostics) {
			return
		}
		checkAssignableRole(ctx, r.data, uid, orgID, false, roleHoldersTarget, &resp.Diagnostics)
		r.checkHolders(ctx, orgClient(r.data, orgID), plan, state, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
}

// checkHolders refuses, at plan, ids that name nothing in the organization
// or an account of the other kind (Grafana refuses them at apply, and before
// 9.2 only after the grants before them are made). Ids already in state are
// not read again; a read that fails otherwise (403) leaves the check to
// Grafana.
func (r *roleAssignmentsResource) checkHolders(ctx context.Context, client *grafana.Client, plan roleAssignmentsModel, state *roleAssignmentsModel, diags *diag.Diagnostics) {
	added := func(planned, stated types.Set) []int64 {
		ids := sortedSet(knownSetValues(planned, types.Int64.ValueInt64))
		if state != nil {
			ids = idsMinus(ids, knownSetValues(stated, types.Int64.ValueInt64))
		}
		return ids
	}
	var teams, users, accounts types.Set
	if state != nil {
		teams, users, accounts = state.Teams, state.Users, state.ServiceAccounts
	}
	for _, id := range added(plan.Teams, teams) {
		if err := r.data.reads.teamExists(ctx, client, id); grafana.IsNotFound(err) {
			diags.AddAttributeError(path.Root("teams"), "Team not found",
				fmt.Sprintf("No team with id %d in organization %d. Check teams (the grafanarbac_team data source finds a team by name).", id, client.OrgID()))
		}
	}
	// kind is "user", "service account" (a user that GET
	// /api/serviceaccounts/:id finds) or "" (none); known is false when a
	// read failed.
	kind := func(id int64) (kind string, known bool) {
		if _, err := r.data.reads.userRoles(ctx, client, id); err != nil {
			return "", grafana.IsNotFound(err)
		}
		_, err := client.GetServiceAccount(ctx, id)
		switch {
		case err == nil:
			return "service account", true
		case grafana.IsNotFound(err):
			return "user", true
		}
		return "", false
	}
	for _, list := range []struct {
		attr, want, summary string
		ids                 []int64
	}{
		{"users", "user", "User not found", added(plan.Users, users)},
		{"service_accounts", "service account", "Service account not found", added(plan.ServiceAccounts, accounts)},
	} {
		for _, id := range list.ids {
			got, known := kind(id)
			switch {
			case !known || got == list.want:
			case got == "":
				diags.AddAttributeError(path.Root(list.attr), list.summary,
					fmt.Sprintf("No %s with id %d in organization %d. Check %s (the grafanarbac_user and grafanarbac_service_account data sources find ids by name).",
						list.want, id, client.OrgID(), list.attr))
			default:
				other := map[string]string{"user": "users", "service account": "service_accounts"}[got]
				diags.AddAttributeError(path.Root(list.attr), fmt.Sprintf("A %s listed in %s", got, list.attr),
					fmt.Sprintf("Id %d in organization %d is a %s, not a %s. Move it to %s.", id, client.OrgID(), got, list.want, other))
			}
		}
	}
}

func roleAssignmentsID(orgID int64, uid string) string {
	return fmt.Sprintf("%d:%s", orgID, uid)
}

func (r *roleAssignmentsResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan roleAssignmentsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.apply(ctx, plan, grafana.RoleAssignments{}, &resp.State, resp.Private, &resp.Diagnostics)
}

func (r *roleAssignmentsResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, prior roleAssignmentsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.apply(ctx, plan, prior.holders(ctx, &resp.Diagnostics), &resp.State, resp.Private, &resp.Diagnostics)
}

// stateSetter is the part of tfsdk.State that apply needs.
type stateSetter interface {
	Set(ctx context.Context, v any) diag.Diagnostics
}

// apply makes the role's holders exactly the planned ones and records them
// as this resource's grants; prior are the state's holders (none on create).
func (r *roleAssignmentsResource) apply(ctx context.Context, plan roleAssignmentsModel, prior grafana.RoleAssignments, state stateSetter, private privateState, diags *diag.Diagnostics) {
	want := plan.holders(ctx, diags)
	if diags.HasError() {
		return
	}
	orgID, uid := plan.OrgID.ValueInt64(), plan.RoleUID.ValueString()
	client := orgClient(r.data, orgID)
	err := r.setHolders(ctx, client, want)
	r.data.reads.forgetAssignments()
	if err != nil {
		assignmentAPIError(diags, fmt.Sprintf("set the holders of role %q in organization %d", uid, orgID), err)
		recordAttempted(ctx, private, prior, func(r grafana.RoleAssignments) grafana.RoleAssignments {
			return grafana.RoleAssignments{
				RoleUID:         uid,
				Users:           sortedSet(append(r.Users, want.Users...)),
				Teams:           sortedSet(append(r.Teams, want.Teams...)),
				ServiceAccounts: sortedSet(append(r.ServiceAccounts, want.ServiceAccounts...)),
			}
		}, diags)
		return
	}
	plan.ID = types.StringValue(roleAssignmentsID(orgID, uid))
	plan.setHolders(want)
	diags.Append(state.Set(ctx, plan)...)
	diags.Append(saveApplied(ctx, private, want)...)
}

// setHolders writes want with one PUT from 9.2, else grant by grant.
func (r *roleAssignmentsResource) setHolders(ctx context.Context, client *grafana.Client, want grafana.RoleAssignments) error {
	rel, err := releaseOf(ctx, &r.data.reads, client)
	if err != nil {
		return err
	}
	if rel.hasRoleAssignmentsAPI() {
		return client.SetRoleAssignments(ctx, want.RoleUID, want)
	}
	have, err := roleHolders(ctx, r.data, client, want.RoleUID)
	if err != nil {
		return err
	}
	if err := addRoleHolders(ctx, client, want.RoleUID, grafana.RoleAssignments{
		Users:           idsMinus(want.Users, have.Users),
		Teams:           idsMinus(want.Teams, have.Teams),
		ServiceAccounts: idsMinus(want.ServiceAccounts, have.ServiceAccounts),
	}); err != nil {
		return err
	}
	return removeRoleHolders(ctx, client, want.RoleUID, grafana.RoleAssignments{
		Users:           idsMinus(have.Users, want.Users),
		Teams:           idsMinus(have.Teams, want.Teams),
		ServiceAccounts: idsMinus(have.ServiceAccounts, want.ServiceAccounts),
	})
}

// addRoleHolders grants role uid to each listed holder (a service account
// is a user for role grants).
func addRoleHolders(ctx context.Context, client *grafana.Client, uid string, add grafana.RoleAssignments) error {
	for _, id := range slices.Concat(add.Users, add.ServiceAccounts) {
		if err := client.AddUserRole(ctx, id, uid, false); err != nil {
			return fmt.Errorf("granting to user %d: %w", id, err)
		}
	}
	for _, id := range add.Teams {
		if err := client.AddTeamRole(ctx, id, uid); err != nil {
			return fmt.Errorf("granting to team %d: %w", id, err)
		}
	}
	return nil
}

// removeRoleHolders takes role uid from each listed holder; one already gone is fine.
func removeRoleHolders(ctx context.Context, client *grafana.Client, uid string, remove grafana.RoleAssignments) error {
	for _, id := range slices.Concat(remove.Users, remove.ServiceAccounts) {
		if err := client.RemoveUserRole(ctx, id, uid, false); err != nil && !grafana.IsNotFound(err) {
			return fmt.Errorf("removing from user %d: %w", id, err)
		}
	}
	for _, id := range remove.Teams {
		if err := client.RemoveTeamRole(ctx, id, uid); err != nil && !grafana.IsNotFound(err) {
			return fmt.Errorf("removing from team %d: %w", id, err)
		}
	}
	return nil
}

func (r *roleAssignmentsResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state roleAssignmentsModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	orgID, uid := state.OrgID.ValueInt64(), state.RoleUID.ValueString()
	client := orgClient(r.data, orgID)
	_, err := r.data.reads.role(ctx, client, uid)
	var have grafana.RoleAssignments
	if err == nil {
		have, err = roleHolders(ctx, r.data, client, uid)
	}
	if grafana.IsNotFound(err) {
		tflog.Warn(ctx, "role no longer exists; removing its assignments from state", map[string]any{"id": state.ID.ValueString()})
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		assignmentAPIError(&resp.Diagnostics, fmt.Sprintf("read the holders of role %q in organization %d", uid, orgID), err)
		return
	}
	state.ID = types.StringValue(roleAssignmentsID(orgID, uid))
	state.setHolders(have)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
	confirmImported(ctx, resp.Private, have, &resp.Diagnostics)
}

// Delete removes the grants of the last apply, one by one, so that a grant
// made since by someone else is never taken.
func (r *roleAssignmentsResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state roleAssignmentsModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	applied := state.holders(ctx, &resp.Diagnostics)
	diags := loadApplied(ctx, req.Private, &applied)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	orgID, uid := state.OrgID.ValueInt64(), state.RoleUID.ValueString()
	client := orgClient(r.data, orgID)
	err := removeRoleHolders(ctx, client, uid, applied)
	r.data.reads.forgetAssignments()
	if err != nil && !grafana.IsNotFound(err) {
		assignmentAPIError(&resp.Diagnostics, fmt.Sprintf("remove the grants of role %q in organization %d", uid, orgID), err)
	}
}

func (r *roleAssignmentsResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, err := parseImportID(req.ID, importIDFormat{{Name: "org_id", Kind: importIDPositiveInt}, {Name: "role_uid", Kind: importIDString}})
	if err != nil {
		addImportIDError(&resp.Diagnostics, err)
		return
	}
	orgID, _ := id.Int64("org_id")
	uid, _ := id.Text("role_uid")
	resp.Diagnostics.Append(resp.State.Set(ctx, roleAssignmentsModel{
		ID: types.StringValue(roleAssignmentsID(orgID, uid)), RoleUID: types.StringValue(uid), OrgID: types.Int64Value(orgID),
		Users: emptyIDSet, Teams: emptyIDSet, ServiceAccounts: emptyIDSet,
	})...)
}
