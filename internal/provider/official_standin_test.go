package provider_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
)

// A stand-in for the official grafana/grafana provider: its
// grafana_role_assignment_item with the official schema, keeping in state
// what the configuration says and calling no API (the grant is made by the test).
type standInProvider struct{}

func (standInProvider) Metadata(_ context.Context, _ fwprovider.MetadataRequest, resp *fwprovider.MetadataResponse) {
	resp.TypeName = "grafana"
}
func (standInProvider) Schema(context.Context, fwprovider.SchemaRequest, *fwprovider.SchemaResponse) {
}
func (standInProvider) Configure(context.Context, fwprovider.ConfigureRequest, *fwprovider.ConfigureResponse) {
}
func (standInProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }
func (standInProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource { return standInItem{} }}
}

type standInItem struct{}

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
func (standInItem) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}
func (standInItem) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.Diagnostics.Append(resp.State.Set(ctx, req.Plan.Raw)...)
}
func (standInItem) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

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
	factories := map[string]func() (tfprotov6.ProviderServer, error){
		"grafana": providerserver.NewProtocol6WithError(standInProvider{}),
	}
	for k, v := range env.factories {
		factories[k] = v
	}
	official := fmt.Sprintf("resource \"grafana_role_assignment_item\" \"reporting\" {\n  org_id   = \"%d\"\n  role_uid = %q\n  team_id  = \"%d\"\n}", env.orgID, role.UID, team)
	moved := fmt.Sprintf("resource \"grafanarbac_team_role_assignment\" \"reporting\" {\n  team_id  = %d\n  role_uid = %q\n}\n"+
		"moved {\n  from = grafana_role_assignment_item.reporting\n  to   = grafanarbac_team_role_assignment.reporting\n}", team, role.UID)
	holds := env.expectHolds(t, role.UID, true, holder{"team", team})
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
				Check: holds, // the move made no call that changes Grafana
			},
		},
	})
}
