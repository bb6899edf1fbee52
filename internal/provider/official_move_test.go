package provider

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
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
