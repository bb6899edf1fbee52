package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

// The destroy plan of a generation-2 built-in role assignment names the
// permissions it will keep for another custom role that looks granted, and
// is silent about a role held in full only through this grant (issue 16).
func TestBuiltinRoleAssignmentDestroyWarnsOfKeptPermissions(t *testing.T) {
	t.Parallel()
	p, q, x := perm("p:read", "p:*"), perm("q:read", ""), perm("x:read", "x:*")
	manage := perm("roles:write", "permissions:type:delegate")
	assigned := &grafana.Role{UID: "ra", Name: "custom:ra", Permissions: perms(p, q)}
	evidenced := &grafana.Role{UID: "rb", Name: "custom:rb", Permissions: perms(p, x)}
	contained := &grafana.Role{UID: "rc", Name: "custom:rc", Permissions: perms(p)}

	tests := []struct {
		name   string
		others []*grafana.Role
		want   bool
	}{
		{"a role with a permission from elsewhere keeps p", []*grafana.Role{evidenced, contained}, true},
		{"a role held only through this grant keeps nothing", []*grafana.Role{contained}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			basic := &grafana.Role{UID: "basic_viewer", Name: "basic:viewer", Global: true, Permissions: perms(p, q, x)}
			roles := append([]*grafana.Role{assigned, basic}, tt.others...)
			data := offlineProviderData(t, grafana.Generation2, perms(manage), roles...)
			var list []grafana.Role
			for _, r := range roles {
				list = append(list, grafana.Role{UID: r.UID, Name: r.Name, Global: r.Global})
			}
			data.reads.seed(cacheKey{kind: cacheRoleList, org: 1}, list)
			r := &builtinRoleAssignmentResource{data: data}

			diags := planBuiltinDestroy(ctx, t, r, builtinRoleAssignmentModel{
				ID: types.StringValue("1:Viewer:ra"), BuiltinRole: types.StringValue("Viewer"), RoleUID: types.StringValue("ra"),
				Global: types.BoolValue(false), OrgID: types.Int64Value(1), RoleVersion: types.Int64Null(),
				GrantedPermissions: permissionsToSet(perms(p, q)),
			})
			if !tt.want {
				if diags.WarningsCount() != 0 {
					t.Fatalf("unexpected warning: %v", diags)
				}
				return
			}
			if diags.WarningsCount() != 1 || diags[0].Summary() != "Permissions kept for other roles" {
				t.Fatalf("diagnostics = %v, want one warning of kept permissions", diags)
			}
			detail := diags[0].Detail()
			for _, w := range []string{"basic_viewer", `"custom:rb"`, "p:read"} {
				if !strings.Contains(detail, w) {
					t.Errorf("warning %q does not contain %q", detail, w)
				}
			}
			for _, w := range []string{"custom:rc", "q:read"} {
				if strings.Contains(detail, w) {
					t.Errorf("warning %q names %s", detail, w)
				}
			}
		})
	}
}
