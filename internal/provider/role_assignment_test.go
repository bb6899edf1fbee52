package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

func TestParseAssignmentImportID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw         string
		kind        importIDKind
		allowGlobal bool
		want        assignmentImportID
		wantErr     string
	}{
		{raw: "1:Viewer:abc", kind: importIDString, allowGlobal: true, want: assignmentImportID{OrgID: 1, Part: "Viewer", RoleUID: "abc"}},
		{raw: "global:Grafana Admin:abc", kind: importIDString, allowGlobal: true, want: assignmentImportID{Global: true, Part: "Grafana Admin", RoleUID: "abc"}},
		{raw: "2:17:abc", kind: importIDPositiveInt, want: assignmentImportID{OrgID: 2, Part: "17", PartInt: 17, RoleUID: "abc"}},
		{raw: "global:17:abc", kind: importIDPositiveInt, wantErr: "org_id must be a positive integer"},
		{raw: "0:17:abc", kind: importIDPositiveInt, wantErr: "org_id must be a positive integer"},
		{raw: "1:x:abc", kind: importIDPositiveInt, wantErr: "team_id must be a positive integer"},
		{raw: "1:abc", kind: importIDString, allowGlobal: true, wantErr: "or `global:<team_id>:<role_uid>`"},
		{raw: "1::abc", kind: importIDString, wantErr: "must not be empty"},
	}
	for _, tt := range tests {
		got, err := parseAssignmentImportID(tt.raw, "team_id", tt.kind, tt.allowGlobal)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%q: err = %v, want one containing %q", tt.raw, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%q: got %+v, %v; want %+v", tt.raw, got, err, tt.want)
		}
		if id := assignmentID(got.Global, got.OrgID, got.Part, got.RoleUID); id != tt.raw {
			t.Errorf("assignmentID round trip: %q, want %q", id, tt.raw)
		}
	}
}

func TestPickTeam(t *testing.T) {
	t.Parallel()
	teams := []grafana.Team{{ID: 1, Name: "ops"}, {ID: 2, Name: "Ops"}, {ID: 3, Name: "ops-oncall"}, {ID: 4, Name: "dup"}, {ID: 5, Name: "dup"}}
	if team, _, problem := pickTeam(teams, "ops"); problem != "" || team.ID != 1 {
		t.Errorf("ops: %+v, %q", team, problem)
	}
	// The shared suggestions (suggest.go): the same letters first, then names containing it; "dup" is too far.
	if _, summary, problem := pickTeam(teams, "OPS"); summary != "Team not found" ||
		!strings.HasSuffix(problem, `no team is named "OPS". Did you mean "Ops"? Also similar: "ops", "ops-oncall". Names are case-sensitive.`) {
		t.Errorf("OPS: %q %q", summary, problem)
	}
	if _, summary, problem := pickTeam(teams, "dup"); summary != "Several teams with this name" || !strings.Contains(problem, "ids 4, 5") {
		t.Errorf("dup: %q %q", summary, problem)
	}
	if _, _, problem := pickTeam(teams, "opz-oncall"); problem != `no team is named "opz-oncall". Did you mean "ops-oncall"?` {
		t.Errorf("opz-oncall: %q", problem)
	}
	if _, _, problem := pickTeam(nil, "x"); !strings.Contains(problem, `no team is named "x"`) {
		t.Errorf("none: %q", problem)
	}
}

func TestWarnSelfLockOut(t *testing.T) {
	t.Parallel()
	held := []grafana.Permission{
		{Action: "roles:write", Scope: "permissions:type:delegate"},
		{Action: "users.roles:add", Scope: "permissions:type:delegate"},
		{Action: "reports:read", Scope: "reports:*"},
	}
	data := &providerData{client: unreachableClient(t), orgID: 1}
	data.reads.seed(cacheKey{kind: cachePermissions, org: 1}, held)

	tests := []struct {
		name    string
		removed []grafana.Permission
		want    []string // substrings of the warning; nil means no warning
	}{
		{"management permission held", []grafana.Permission{held[0], {Action: "roles:read", Scope: "roles:*"}}, []string{"roles:write (permissions:type:delegate)"}},
		{"held but not for role management", []grafana.Permission{held[2]}, nil},
		{"management permission not held", []grafana.Permission{{Action: "roles:delete", Scope: "permissions:type:delegate"}}, nil},
	}
	for _, tt := range tests {
		var diags diag.Diagnostics
		warnSelfLockOut(context.Background(), data, path.Root("assigned"), `"fixed:roles:writer"`, "Grafana Admin", tt.removed, &diags)
		if tt.want == nil {
			if diags.WarningsCount() != 0 {
				t.Errorf("%s: unexpected warning %v", tt.name, diags)
			}
			continue
		}
		if diags.WarningsCount() != 1 || diags.HasError() {
			t.Fatalf("%s: diagnostics = %v, want one warning", tt.name, diags)
		}
		for _, s := range tt.want {
			if !strings.Contains(diags[0].Detail(), s) {
				t.Errorf("%s: warning %q does not contain %q", tt.name, diags[0].Detail(), s)
			}
		}
		if strings.Contains(diags[0].Detail(), "roles:read") {
			t.Errorf("%s: warning names a permission the caller does not hold", tt.name)
		}
	}
}

func TestAssignmentAPIErrorSaysTheActionOnce(t *testing.T) {
	t.Parallel()
	var diags diag.Diagnostics
	err := &grafana.APIError{Method: "POST", Path: "/api/access-control/teams/7/roles", StatusCode: 404, Message: "role not found"}
	assignmentAPIError(&diags, `assign role "r1" to team 7`, err)
	if len(diags) != 1 {
		t.Fatalf("got %d diagnostics", len(diags))
	}
	d := diags[0]
	if d.Summary() != `Cannot assign role "r1" to team 7` {
		t.Errorf("summary = %q", d.Summary())
	}
	if strings.Count(d.Summary()+d.Detail(), `assign role "r1"`) != 1 {
		t.Errorf("the action is repeated: %q / %q", d.Summary(), d.Detail())
	}
	if !strings.HasPrefix(d.Detail(), err.Error()) || !strings.Contains(d.Detail(), "does not exist in this organization") {
		t.Errorf("detail = %q", d.Detail())
	}
}
