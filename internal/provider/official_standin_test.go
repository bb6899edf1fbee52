package provider_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

// A stand-in for the official grafana/grafana provider: its
// grafana_role_assignment_item, grafana_role_assignment and grafana_role
// with the official state layout, keeping in state what the configuration
// says, as the official provider would after reading it back, and calling
// no API (the test makes the objects). orgID is its provider's org, which
// the official ids carry.
type standInProvider struct{ orgID int64 }

func (standInProvider) Metadata(_ context.Context, _ fwprovider.MetadataRequest, resp *fwprovider.MetadataResponse) {
	resp.TypeName = "grafana"
}
func (standInProvider) Schema(context.Context, fwprovider.SchemaRequest, *fwprovider.SchemaResponse) {
}
func (standInProvider) Configure(context.Context, fwprovider.ConfigureRequest, *fwprovider.ConfigureResponse) {
}
func (standInProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }
func (p standInProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		func() resource.Resource { return standInItem{} },
		func() resource.Resource { return standInRoleAssignment{orgID: p.orgID} },
		func() resource.Resource { return standInRole{orgID: p.orgID} },
	}
}

// standInFactories serve the stand-in beside this provider.
func standInFactories(env *assignEnv) map[string]func() (tfprotov6.ProviderServer, error) {
	factories := map[string]func() (tfprotov6.ProviderServer, error){
		"grafana": providerserver.NewProtocol6WithError(standInProvider{orgID: env.orgID}),
	}
	for k, v := range env.factories {
		factories[k] = v
	}
	return factories
}

// standInNoCalls is the part of a stand-in resource that calls no API.
type standInNoCalls struct{}

func (standInNoCalls) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}
func (standInNoCalls) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.Diagnostics.Append(resp.State.Set(ctx, req.Plan.Raw)...)
}
func (standInNoCalls) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

type standInItem struct{ standInNoCalls }

type standInItemModel struct {
	ID               types.String `tfsdk:"id"`
	OrgID            types.String `tfsdk:"org_id"`
	RoleUID          types.String `tfsdk:"role_uid"`
	TeamID           types.String `tfsdk:"team_id"`
	UserID           types.String `tfsdk:"user_id"`
	ServiceAccountID types.String `tfsdk:"service_account_id"`
}

func (standInItem) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = "grafana_role_assignment_item"
}

func (standInItem) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	str := func() schema.StringAttribute {
		return schema.StringAttribute{Optional: true, PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()}}
	}
	resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{
		"id":                 schema.StringAttribute{Computed: true},
		"org_id":             schema.StringAttribute{Optional: true, Computed: true},
		"role_uid":           schema.StringAttribute{Required: true},
		"team_id":            str(),
		"user_id":            str(),
		"service_account_id": str(),
	}}
}

func (standInItem) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m standInItemModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	m.ID = types.StringValue(fmt.Sprintf("%s:%s:team:%s", m.OrgID.ValueString(), m.RoleUID.ValueString(), m.TeamID.ValueString()))
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

// A state holding the official provider's grant moves to
// grafanarbac_team_role_assignment with a moved block: the plan after is
// empty and Grafana is unchanged.
func TestAccMoveFromOfficialRoleAssignmentItem(t *testing.T) {
	env := newAssignEnv(t)
	ctx := context.Background()
	role, team := env.createRole(t, env.testPerms(t, 1), false), env.createTeam(t)
	if err := env.client.AddTeamRole(ctx, team, role.UID); err != nil {
		t.Fatal(err)
	}
	factories := standInFactories(env)
	official := fmt.Sprintf("resource \"grafana_role_assignment_item\" \"reporting\" {\n  org_id   = \"%d\"\n  role_uid = %q\n  team_id  = \"%d\"\n}", env.orgID, role.UID, team)
	moved := fmt.Sprintf("resource \"grafanarbac_team_role_assignment\" \"reporting\" {\n  team_id  = %d\n  role_uid = %q\n}\n"+
		"moved {\n  from = grafana_role_assignment_item.reporting\n  to   = grafanarbac_team_role_assignment.reporting\n}", team, role.UID)
	holds := env.expectHolds(t, role.UID, true, holder{"team", team})
	before := env.serverView(t, []string{role.UID}, holder{"team", team})
	tfresource.ParallelTest(t, tfresource.TestCase{
		PreCheck:                 env.preCheck,
		ProtoV6ProviderFactories: factories,
		Steps: []tfresource.TestStep{
			{Config: env.config(official), Check: holds},
			{
				Config: env.config(moved),
				ConfigPlanChecks: tfresource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("grafanarbac_team_role_assignment.reporting", plancheck.ResourceActionNoop)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: env.expectServerView(t, &before, []string{role.UID}, holder{"team", team}),
			},
		},
	})
}

// standInRoleAssignment is grafana_role_assignment of 4.x: users numbers,
// teams and service accounts strings, org_id the configured string or
// null, id <org_id>:<role_uid>.
type standInRoleAssignment struct {
	standInNoCalls
	orgID int64
}

type standInRoleAssignmentModel struct {
	ID              types.String `tfsdk:"id"`
	OrgID           types.String `tfsdk:"org_id"`
	RoleUID         types.String `tfsdk:"role_uid"`
	Users           types.Set    `tfsdk:"users"`
	Teams           types.Set    `tfsdk:"teams"`
	ServiceAccounts types.Set    `tfsdk:"service_accounts"`
}

func (standInRoleAssignment) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = "grafana_role_assignment"
}

func (standInRoleAssignment) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{
		"id":               schema.StringAttribute{Computed: true},
		"org_id":           schema.StringAttribute{Optional: true},
		"role_uid":         schema.StringAttribute{Required: true},
		"users":            schema.SetAttribute{ElementType: types.Int64Type, Optional: true},
		"teams":            schema.SetAttribute{ElementType: types.StringType, Optional: true},
		"service_accounts": schema.SetAttribute{ElementType: types.StringType, Optional: true},
	}}
}

func (r standInRoleAssignment) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m standInRoleAssignmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	org := m.OrgID.ValueString()
	if org == "" {
		org = fmt.Sprint(r.orgID)
	}
	m.ID = types.StringValue(org + ":" + m.RoleUID.ValueString())
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

// standInRole is grafana_role of 4.x: id <org_id>:<uid> (0 for a global
// role), org_id the configured string or null, texts "" and flags false
// when not configured, as a read stores them; the test configures version
// as the server holds it, which the official provider's read would store.
type standInRole struct {
	standInNoCalls
	orgID int64
}

type standInRoleModel struct {
	ID                   types.String `tfsdk:"id"`
	OrgID                types.String `tfsdk:"org_id"`
	UID                  types.String `tfsdk:"uid"`
	Name                 types.String `tfsdk:"name"`
	Description          types.String `tfsdk:"description"`
	DisplayName          types.String `tfsdk:"display_name"`
	Group                types.String `tfsdk:"group"`
	Hidden               types.Bool   `tfsdk:"hidden"`
	Global               types.Bool   `tfsdk:"global"`
	Version              types.Int64  `tfsdk:"version"`
	AutoIncrementVersion types.Bool   `tfsdk:"auto_increment_version"`
	Permissions          types.Set    `tfsdk:"permissions"`
}

func (standInRole) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = "grafana_role"
}

func (standInRole) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	text := func() schema.StringAttribute { return schema.StringAttribute{Optional: true, Computed: true} }
	flag := func() schema.BoolAttribute {
		return schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false)}
	}
	resp.Schema = schema.Schema{
		Attributes: map[string]schema.Attribute{
			"id":                     schema.StringAttribute{Computed: true},
			"org_id":                 schema.StringAttribute{Optional: true},
			"uid":                    schema.StringAttribute{Required: true},
			"name":                   schema.StringAttribute{Required: true},
			"description":            text(),
			"display_name":           text(),
			"group":                  text(),
			"hidden":                 flag(),
			"global":                 flag(),
			"version":                schema.Int64Attribute{Required: true},
			"auto_increment_version": schema.BoolAttribute{Optional: true},
		},
		Blocks: map[string]schema.Block{
			"permissions": schema.SetNestedBlock{NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
				"action": schema.StringAttribute{Required: true},
				"scope":  schema.StringAttribute{Required: true}, // "" when unset, its official default
			}}},
		},
	}
}

func (r standInRole) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m standInRoleModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	for _, s := range []*types.String{&m.Description, &m.DisplayName, &m.Group} {
		if s.IsUnknown() || s.IsNull() {
			*s = types.StringValue("")
		}
	}
	org := m.OrgID.ValueString()
	switch {
	case m.Global.ValueBool():
		org = "0"
	case org == "":
		org = fmt.Sprint(r.orgID)
	}
	m.ID = types.StringValue(org + ":" + m.UID.ValueString())
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

// serverView is what Grafana holds of the roles and holders a move test
// names, to compare before and after the move.
func (e *assignEnv) serverView(t *testing.T, uids []string, holders ...holder) string {
	t.Helper()
	ctx := context.Background()
	var lines []string
	for _, uid := range uids {
		role, err := e.client.GetRole(ctx, uid)
		if err != nil {
			t.Fatalf("reading role %s: %v", uid, err)
		}
		role.Permissions = grafana.NormalizePermissions(role.Permissions)
		b, err := json.Marshal(role)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, string(b))
	}
	for _, h := range holders {
		var roles []grafana.Role
		var err error
		if h.kind == "team" {
			roles, err = e.client.ListTeamRoles(ctx, h.id, true)
		} else {
			roles, err = e.client.ListUserRoles(ctx, h.id, true)
		}
		if err != nil {
			t.Fatalf("reading the roles of %s %d: %v", h.kind, h.id, err)
		}
		held := make([]string, 0, len(roles))
		for _, r := range roles {
			held = append(held, r.UID)
		}
		slices.Sort(held)
		lines = append(lines, fmt.Sprintf("%s %d holds %v", h.kind, h.id, held))
	}
	return strings.Join(lines, "\n")
}

// expectServerView is a Check that Grafana still holds what serverView read before.
func (e *assignEnv) expectServerView(t *testing.T, before *string, uids []string, holders ...holder) tfresource.TestCheckFunc {
	return func(*terraform.State) error {
		if now := e.serverView(t, uids, holders...); now != *before {
			return fmt.Errorf("Grafana changed:\nbefore %s\nnow    %s", *before, now)
		}
		return nil
	}
}

// Two grafana_role states, an org role whose version the official provider
// incremented and a global role whose version its configuration set, move
// to grafanarbac_custom_role: the plan is empty, the state carries the
// server's version (which differs on Grafana 13, which numbers versions
// itself) and Grafana is unchanged.
func TestAccMoveFromOfficialRole(t *testing.T) {
	env := newAssignEnv(t)
	ctx := context.Background()
	perms := env.testPerms(t, 2)
	unscoped := grafana.Permission{Action: perms[1].Action}
	reports := env.createRole(t, perms[:1], false)
	// Changed once outside Terraform, as the official provider does: Grafana
	// 13 then stores 2, older releases the version sent.
	if _, err := env.client.UpdateRole(ctx, reports.UID, grafana.UpdateRoleRequest{
		Version: reports.Version + 4, Name: reports.Name, DisplayName: "Reports", Description: "Read reports", Group: "Reporting",
		Hidden: true, Permissions: []grafana.Permission{perms[0], unscoped},
	}); err != nil {
		t.Fatal(err)
	}
	auditor := env.createRole(t, perms[1:], true)
	version := func(uid string) int64 {
		r, err := env.client.GetRole(ctx, uid)
		if err != nil {
			t.Fatal(err)
		}
		return r.Version
	}
	reportsVersion, auditorVersion := version(reports.UID), version(auditor.UID)
	uids := []string{reports.UID, auditor.UID}
	before := env.serverView(t, uids)

	official := fmt.Sprintf(`resource "grafana_role" "reports" {
  uid                    = %q
  name                   = %q
  display_name           = "Reports"
  description            = "Read reports"
  group                  = "Reporting"
  hidden                 = true
  version                = %d
  auto_increment_version = true
  permissions {
    action = %q
    scope  = %q
  }
  permissions {
    action = %q
    scope  = ""
  }
}

resource "grafana_role" "auditor" {
  uid     = %q
  name    = %q
  global  = true
  version = %d
  permissions {
    action = %q
    scope  = %q
  }
}`, reports.UID, reports.Name, reportsVersion, perms[0].Action, perms[0].Scope, unscoped.Action,
		auditor.UID, auditor.Name, auditorVersion, perms[1].Action, perms[1].Scope)
	moved := fmt.Sprintf(`resource "grafanarbac_custom_role" "reports" {
  uid          = %q
  name         = %q
  display_name = "Reports"
  description  = "Read reports"
  group        = "Reporting"
  hidden       = true
  permissions  = [%s, %s]
}

resource "grafanarbac_custom_role" "auditor" {
  uid                    = %q
  name                   = %q
  global                 = true
  auto_increment_version = false
  version                = %d
  permissions            = [%s]
}

moved {
  from = grafana_role.reports
  to   = grafanarbac_custom_role.reports
}

moved {
  from = grafana_role.auditor
  to   = grafanarbac_custom_role.auditor
}`, reports.UID, reports.Name, hclPerm(perms[0]), hclPerm(unscoped), auditor.UID, auditor.Name, auditorVersion, hclPerm(perms[1]))
	reportsAddr, auditorAddr := "grafanarbac_custom_role.reports", "grafanarbac_custom_role.auditor"
	tfresource.ParallelTest(t, tfresource.TestCase{
		PreCheck:                 env.preCheck,
		ProtoV6ProviderFactories: standInFactories(env),
		Steps: []tfresource.TestStep{
			{
				Config: env.config(official),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("grafana_role.reports", tfjsonpath.New("id"), knownvalue.StringExact(fmt.Sprintf("%d:%s", env.orgID, reports.UID))),
					statecheck.ExpectKnownValue("grafana_role.auditor", tfjsonpath.New("id"), knownvalue.StringExact("0:"+auditor.UID)),
				},
			},
			{
				Config: env.config(moved),
				ConfigPlanChecks: tfresource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(reportsAddr, plancheck.ResourceActionNoop),
						plancheck.ExpectResourceAction(auditorAddr, plancheck.ResourceActionNoop),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(reportsAddr, tfjsonpath.New("version"), knownvalue.Int64Exact(reportsVersion)),
					statecheck.ExpectKnownValue(reportsAddr, tfjsonpath.New("org_id"), knownvalue.Int64Exact(env.orgID)),
					statecheck.ExpectKnownValue(reportsAddr, tfjsonpath.New("auto_increment_version"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(reportsAddr, tfjsonpath.New("permissions"), knownPerms(perms[0], unscoped)),
					statecheck.ExpectKnownValue(auditorAddr, tfjsonpath.New("version"), knownvalue.Int64Exact(auditorVersion)),
					statecheck.ExpectKnownValue(auditorAddr, tfjsonpath.New("org_id"), knownvalue.Int64Exact(0)),
					statecheck.ExpectKnownValue(auditorAddr, tfjsonpath.New("auto_increment_version"), knownvalue.Bool(false)),
				},
				Check: env.expectServerView(t, &before, uids),
			},
		},
	})
}

// A grafana_role_assignment state moves to grafanarbac_role_assignments:
// the plan is empty and Grafana is unchanged (before 9.2 as well, where the
// resource reads holder by holder).
func TestAccMoveFromOfficialRoleAssignment(t *testing.T) {
	env := newAssignEnv(t)
	env.skipUnlessGen(t, grafana.Generation2, "grafanarbac_role_assignments needs Grafana 9 or later")
	ctx := context.Background()
	role := env.createRole(t, env.testPerms(t, 1), false)
	u1, u2, team, sa := env.createUser(t), env.createUser(t), env.createTeam(t), env.createServiceAccount(t)
	for _, err := range []error{
		env.client.AddUserRole(ctx, u1, role.UID, false), env.client.AddUserRole(ctx, u2, role.UID, false),
		env.client.AddTeamRole(ctx, team, role.UID), env.client.AddUserRole(ctx, sa, role.UID, false),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	holders := []holder{{"user", u1}, {"user", u2}, {"team", team}, {"user", sa}}
	uids := []string{role.UID}
	before := env.serverView(t, uids, holders...)
	// 4.x keeps teams and service accounts as strings, with or without an <org_id>: prefix.
	official := fmt.Sprintf(`resource "grafana_role_assignment" "reporting" {
  role_uid         = %q
  users            = [%d, %d]
  teams            = ["%d:%d"]
  service_accounts = ["%d"]
}`, role.UID, u1, u2, env.orgID, team, sa)
	moved := fmt.Sprintf(`resource "grafanarbac_role_assignments" "reporting" {
  role_uid         = %q
  users            = [%d, %d]
  teams            = [%d]
  service_accounts = [%d]
}

moved {
  from = grafana_role_assignment.reporting
  to   = grafanarbac_role_assignments.reporting
}`, role.UID, u1, u2, team, sa)
	addr := "grafanarbac_role_assignments.reporting"
	tfresource.ParallelTest(t, tfresource.TestCase{
		PreCheck:                 env.preCheck,
		ProtoV6ProviderFactories: standInFactories(env),
		Steps: []tfresource.TestStep{
			{Config: env.config(official)},
			{
				Config: env.config(moved),
				ConfigPlanChecks: tfresource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(fmt.Sprintf("%d:%s", env.orgID, role.UID))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("users"), ids(u1, u2)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("teams"), ids(team)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("service_accounts"), ids(sa)),
				},
				Check: env.expectServerView(t, &before, uids, holders...),
			},
		},
	})
}
