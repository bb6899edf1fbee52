package provider

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

// moveFrom runs r's state movers on an official state file as Terraform
// would, returning the target state and diagnostics.
func moveFrom(t *testing.T, r resource.ResourceWithMoveState, typeName, file string) (tfsdk.State, string) {
	t.Helper()
	ctx := context.Background()
	raw, err := os.ReadFile("testdata/official/" + file)
	if err != nil {
		t.Fatal(err)
	}
	var sch resource.SchemaResponse
	r.(resource.Resource).Schema(ctx, resource.SchemaRequest{}, &sch)
	req := resource.MoveStateRequest{
		SourceProviderAddress: "registry.terraform.io/grafana/grafana",
		SourceTypeName:        typeName,
		SourceRawState:        &tfprotov6.RawState{JSON: raw},
	}
	resp := resource.MoveStateResponse{TargetState: tfsdk.State{Schema: sch.Schema, Raw: tftypes.NewValue(sch.Schema.Type().TerraformType(ctx), nil)}}
	for _, m := range r.MoveState(ctx) {
		m.StateMover(ctx, req, &resp)
	}
	var msgs []string
	for _, d := range resp.Diagnostics {
		msgs = append(msgs, d.Summary()+": "+d.Detail())
	}
	return resp.TargetState, strings.Join(msgs, "\n")
}

func TestMoveStateFromOfficialRoleAssignmentItem(t *testing.T) {
	ctx := context.Background()
	t.Run("team", func(t *testing.T) {
		st, diags := moveFrom(t, &teamRoleAssignmentResource{}, officialItemType, "role_assignment_item_team.json")
		var m teamRoleAssignmentModel
		if d := st.Get(ctx, &m); diags != "" || d.HasError() {
			t.Fatalf("move: %s %v", diags, d)
		}
		if m.ID.ValueString() != "1:7:custom_reports_admin" || m.TeamID.ValueInt64() != 7 || m.OrgID.ValueInt64() != 1 || m.RoleUID.ValueString() != "custom_reports_admin" {
			t.Errorf("moved state = %+v", m)
		}
	})
	for _, file := range []string{"role_assignment_item_user.json", "role_assignment_item_service_account.json"} {
		t.Run(file, func(t *testing.T) {
			st, diags := moveFrom(t, &userRoleAssignmentResource{}, officialItemType, file)
			var m userRoleAssignmentModel
			if d := st.Get(ctx, &m); diags != "" || d.HasError() {
				t.Fatalf("move: %s %v", diags, d)
			}
			want := map[string]string{"role_assignment_item_user.json": "2:42:custom_reports_admin", "role_assignment_item_service_account.json": "1:9:custom_reports_admin"}[file]
			if m.ID.ValueString() != want || m.Global.ValueBool() || m.RoleUID.ValueString() != "custom_reports_admin" {
				t.Errorf("moved state = %+v, want id %s", m, want)
			}
		})
	}
	t.Run("wrong kind", func(t *testing.T) {
		_, diags := moveFrom(t, &teamRoleAssignmentResource{}, officialItemType, "role_assignment_item_user.json")
		if !strings.Contains(diags, "move it to grafanarbac_user_role_assignment instead") {
			t.Errorf("diagnostics = %q", diags)
		}
		_, diags = moveFrom(t, &userRoleAssignmentResource{}, officialItemType, "role_assignment_item_team.json")
		if !strings.Contains(diags, "move it to grafanarbac_team_role_assignment instead") {
			t.Errorf("diagnostics = %q", diags)
		}
	})
	t.Run("other source", func(t *testing.T) {
		st, diags := moveFrom(t, &teamRoleAssignmentResource{}, "grafana_team", "role_assignment_item_team.json")
		if diags != "" || !st.Raw.IsNull() {
			t.Errorf("a move from another type must be left to other movers: %q %v", diags, st.Raw)
		}
	})
}

func TestParseOfficialItemRefusesWhatItCannotMoveExactly(t *testing.T) {
	for raw, want := range map[string]string{
		`{"id":"1:r:team"}`:                                      "is not <org_id>:<role_uid>:<type>:<id>",
		`{"id":"x:r:team:7","org_id":""}`:                        `org_id "x"`,
		`{"id":"1:r:team:seven","org_id":"1","team_id":"seven"}`: `team id "seven"`,
		`{"id":"1:r:folder:7","org_id":"1"}`:                     `type "folder"`,
		`not json`:                                               "not the official provider's",
	} {
		if _, err := parseOfficialItem([]byte(raw)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("parseOfficialItem(%s) = %v, want %q", raw, err, want)
		}
	}
}

func TestMoveStateFromOfficialRoleAssignment(t *testing.T) {
	ctx := context.Background()
	st, diags := moveFrom(t, &roleAssignmentsResource{}, officialRoleAssignmentType, "role_assignment.json")
	var m roleAssignmentsModel
	if d := st.Get(ctx, &m); diags != "" || d.HasError() {
		t.Fatalf("move: %s %v", diags, d)
	}
	var d diag.Diagnostics
	got := m.holders(ctx, &d)
	if m.ID.ValueString() != "1:custom_reports_reader" || m.OrgID.ValueInt64() != 1 ||
		!slices.Equal(got.Users, []int64{3, 42}) || !slices.Equal(got.Teams, []int64{7, 8}) || !slices.Equal(got.ServiceAccounts, []int64{9}) {
		t.Errorf("moved state = %+v (%+v)", m, got)
	}
	for raw, want := range map[string]string{
		`{"id":"custom_reports_reader","role_uid":"custom_reports_reader","users":[1]}`: "names no organization",
		`{"id":"1:r","org_id":"1","role_uid":"r","teams":["x"]}`:                        `its teams holds "x"`,
	} {
		if _, _, err := parseOfficialRoleAssignment([]byte(raw)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("parseOfficialRoleAssignment(%s) = %v, want %q", raw, err, want)
		}
	}
}

func TestMoveStateFromOfficialRole(t *testing.T) {
	ctx := context.Background()
	get := func(t *testing.T, file string) customRoleModel {
		t.Helper()
		st, diags := moveFrom(t, &customRoleResource{}, officialRoleType, file)
		var m customRoleModel
		if d := st.Get(ctx, &m); diags != "" || d.HasError() {
			t.Fatalf("move: %s %v", diags, d)
		}
		return m
	}
	perms := func(t *testing.T, m customRoleModel) []grafana.Permission {
		t.Helper()
		p, d := permissionsFromSet(ctx, m.Permissions)
		if d.HasError() {
			t.Fatal(d)
		}
		return p
	}
	t.Run("org role, auto-incremented", func(t *testing.T) {
		m := get(t, "role.json")
		for name, v := range map[string][2]attr.Value{
			"uid": {m.UID, types.StringValue("custom_reports_reader")}, "org_id": {m.OrgID, types.Int64Value(2)},
			"name": {m.Name, types.StringValue("custom:reports:reader")}, "display_name": {m.DisplayName, types.StringValue("Reports reader")},
			"description": {m.Description, types.StringValue("Read and send reports")}, "group": {m.Group, types.StringValue("Reporting")},
			"hidden": {m.Hidden, types.BoolValue(false)}, "global": {m.Global, types.BoolValue(false)}, "version": {m.Version, types.Int64Value(4)},
			"auto_increment_version": {m.AutoIncrementVersion, types.BoolValue(true)}, "force_delete": {m.ForceDelete, types.BoolValue(false)},
		} {
			if !v[0].Equal(v[1]) {
				t.Errorf("%s = %v, want %v", name, v[0], v[1])
			}
		}
		// The unscoped permission is stored as an omitted scope, as a refresh would store it.
		if got := perms(t, m); !grafana.PermissionsEqual(got, []grafana.Permission{{Action: "reports:read", Scope: "reports:*"}, {Action: "reports:send"}}) {
			t.Errorf("permissions = %v", got)
		}
		if !m.Permissions.Equal(permissionsToSet(perms(t, m))) {
			t.Errorf("permissions %v are not in their canonical form", m.Permissions)
		}
	})
	t.Run("global role, configured version", func(t *testing.T) {
		m := get(t, "role_global_manual_version.json")
		if !m.Global.ValueBool() || m.OrgID.ValueInt64() != 0 || !m.Hidden.ValueBool() || m.Version.ValueInt64() != 7 ||
			m.AutoIncrementVersion.ValueBool() || m.DisplayName.ValueString() != "" || m.UID.ValueString() != "custom_users_auditor" {
			t.Errorf("moved state = %+v", m)
		}
	})
	t.Run("no organization", func(t *testing.T) {
		st, diags := moveFrom(t, &customRoleResource{}, officialRoleType, "role_imported_by_uid.json")
		if !strings.Contains(diags, `Cannot move grafana_role: its id "custom_reports_reader" names no organization; import the role instead`) ||
			!strings.Contains(diags, "The state is left as it was.") || !st.Raw.IsNull() {
			t.Errorf("diagnostics = %q, state %v", diags, st.Raw)
		}
	})
	t.Run("other schema version", func(t *testing.T) {
		raw, err := os.ReadFile("testdata/official/role.json")
		if err != nil {
			t.Fatal(err)
		}
		var resp resource.MoveStateResponse
		(&customRoleResource{}).MoveState(ctx)[0].StateMover(ctx, resource.MoveStateRequest{
			SourceProviderAddress: "registry.terraform.io/grafana/grafana", SourceTypeName: officialRoleType,
			SourceSchemaVersion: 1, SourceRawState: &tfprotov6.RawState{JSON: raw},
		}, &resp)
		if !resp.Diagnostics.HasError() || !strings.Contains(resp.Diagnostics[0].Detail(), "its schema version is 1") {
			t.Errorf("diagnostics = %v", resp.Diagnostics)
		}
	})
}

func TestParseOfficialRoleRefusesWhatItCannotMoveExactly(t *testing.T) {
	base := `"name":"custom:r","version":1,"permissions":[]`
	for raw, want := range map[string]string{
		`{"id":"0:r",` + base + `}`:                                                            `its id "0:r" names no organization`,
		`{"id":"1:r","org_id":"2",` + base + `}`:                                               `its org_id "2" differs from the organization 1`,
		`{"id":"1:r","uid":"s",` + base + `}`:                                                  `its uid "s" differs from the uid "r"`,
		`{"id":"1:",` + base + `}`:                                                             `its id "1:" names no role uid`,
		`{"id":"1:r","name":"basic:viewer","version":1}`:                                       `it is not a custom role: The role name "basic:viewer" starts with "basic:"`,
		`{"id":"1:r","name":"custom:r","version":null}`:                                        "it holds no version",
		`{"id":"1:r","name":"","version":1}`:                                                   "it has no name",
		`{"id":"1:r","name":"custom:r","version":1,"permissions":[{"action":"","scope":"x"}]}`: "has no action",
		`{"id":"1:r","name":"custom:r","version":"one"}`:                                       "not the official provider's grafana_role",
	} {
		if _, err := parseOfficialRole([]byte(raw)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("parseOfficialRole(%s) = %v, want %q", raw, err, want)
		}
	}
	// A uid Grafana holds moves, whatever its form: Grafana accepted it.
	long := strings.Repeat("u", 41)
	for _, uid := range []string{"a.b", long} {
		raw := `{"id":"1:` + uid + `",` + base + `}`
		if m, err := parseOfficialRole([]byte(raw)); err != nil || m.UID.ValueString() != uid {
			t.Errorf("parseOfficialRole(%s) = %+v, %v", raw, m, err)
		}
	}
	// A global role's id may carry any org, or none: it belongs to no organization.
	for _, raw := range []string{`{"id":"r","global":true,` + base + `}`, `{"id":"0:r","org_id":"3","global":true,` + base + `}`} {
		if m, err := parseOfficialRole([]byte(raw)); err != nil || m.OrgID.ValueInt64() != 0 || m.UID.ValueString() != "r" {
			t.Errorf("parseOfficialRole(%s) = %+v, %v", raw, m, err)
		}
	}
}
