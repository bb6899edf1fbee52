package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

// Destroying a built-in role assignment warns when it takes role-management
// permissions from the provider's own credentials (contract rule 8): on
// generation 2 the permissions it granted to the basic role, on generation
// 1 the role's permissions.
func TestBuiltinRoleAssignmentDestroyWarnsOfLockOut(t *testing.T) {
	t.Parallel()
	manage := grafana.Permission{Action: "roles:write", Scope: "permissions:type:delegate"}
	reports := grafana.Permission{Action: "reports:read", Scope: "reports:*"}
	held := []grafana.Permission{manage, reports}

	tests := []struct {
		name        string
		gen         grafana.Generation
		granted     []grafana.Permission // gen 2 state
		rolePerms   []grafana.Permission // gen 1 role
		wantWarning bool
	}{
		{"gen2 takes a management permission", grafana.Generation2, []grafana.Permission{manage, reports}, nil, true},
		{"gen2 takes only other permissions", grafana.Generation2, []grafana.Permission{reports}, nil, false},
		{"gen2 granted nothing", grafana.Generation2, nil, nil, false},
		{"gen1 role carries a management permission", grafana.Generation1, nil, []grafana.Permission{manage}, true},
		{"gen1 role carries other permissions", grafana.Generation1, nil, []grafana.Permission{reports}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			r := &builtinRoleAssignmentResource{data: offlineProviderData(t, tt.gen, held,
				&grafana.Role{UID: "r1", Name: "custom:r1", Permissions: tt.rolePerms})}

			diags := planBuiltinDestroy(ctx, t, r, builtinRoleAssignmentModel{
				ID: types.StringValue("1:Admin:r1"), BuiltinRole: types.StringValue("Admin"), RoleUID: types.StringValue("r1"),
				Global: types.BoolValue(false), OrgID: types.Int64Value(1), RoleVersion: types.Int64Value(1),
				GrantedPermissions: permissionsToSet(tt.granted),
			})
			checkLockOutWarning(t, diags, tt.wantWarning, "reports:read", `role "r1"`, `"Admin"`, "roles:write (permissions:type:delegate)")
		})
	}
}

// A generation-2 assignment whose custom role lost permissions takes them
// from the basic role at the next apply: the plan warns when that takes
// role-management permissions from the provider's own credentials.
func TestBuiltinRoleAssignmentUpdateWarnsOfLockOut(t *testing.T) {
	t.Parallel()
	manage := grafana.Permission{Action: "roles:write", Scope: "permissions:type:delegate"}
	reports := grafana.Permission{Action: "reports:read", Scope: "reports:*"}
	held := []grafana.Permission{manage, reports}
	granted := []grafana.Permission{manage, reports} // what the assignment put on the basic role

	tests := []struct {
		name        string
		rolePerms   []grafana.Permission // the role's permissions now
		wantWarning bool
	}{
		{"role lost a management permission", []grafana.Permission{reports}, true},
		{"role lost only other permissions", []grafana.Permission{manage}, false},
		{"role unchanged", []grafana.Permission{manage, reports}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			r := &builtinRoleAssignmentResource{data: offlineProviderData(t, grafana.Generation2, held,
				&grafana.Role{UID: "r1", Name: "custom:r1", Permissions: tt.rolePerms},
				&grafana.Role{UID: "basic_admin", Name: "basic:admin", Global: true, Permissions: granted})}

			var sr resource.SchemaResponse
			r.Schema(ctx, resource.SchemaRequest{}, &sr)
			typ := sr.Schema.Type().TerraformType(ctx)
			prior := builtinRoleAssignmentModel{
				ID: types.StringValue("1:Admin:r1"), BuiltinRole: types.StringValue("Admin"), RoleUID: types.StringValue("r1"),
				Global: types.BoolValue(false), OrgID: types.Int64Value(1), RoleVersion: types.Int64Value(1),
				GrantedPermissions: permissionsToSet(granted),
			}
			state := tfsdk.State{Schema: sr.Schema, Raw: tftypes.NewValue(typ, nil)}
			configured := tfsdk.State{Schema: sr.Schema, Raw: tftypes.NewValue(typ, nil)} // tfsdk.Config has no Set
			plan := tfsdk.Plan{Schema: sr.Schema, Raw: tftypes.NewValue(typ, nil)}
			planned := prior
			planned.GrantedPermissions = types.SetUnknown(permissionObjectType)
			for _, d := range []diag.Diagnostics{
				state.Set(ctx, prior),
				configured.Set(ctx, builtinRoleAssignmentModel{
					ID: types.StringNull(), BuiltinRole: prior.BuiltinRole, RoleUID: prior.RoleUID, Global: types.BoolNull(),
					OrgID: types.Int64Null(), RoleVersion: prior.RoleVersion, GrantedPermissions: types.SetNull(permissionObjectType),
				}),
				plan.Set(ctx, planned),
			} {
				if d.HasError() {
					t.Fatal(d)
				}
			}
			config := tfsdk.Config{Schema: sr.Schema, Raw: configured.Raw}
			req := resource.ModifyPlanRequest{State: state, Config: config, Plan: plan}
			resp := resource.ModifyPlanResponse{Plan: req.Plan}
			r.ModifyPlan(ctx, req, &resp)

			if resp.Diagnostics.HasError() {
				t.Fatalf("errors: %v", resp.Diagnostics)
			}
			// The plan shows what stays granted, so the warning is about the planned change.
			var got builtinRoleAssignmentModel
			if d := resp.Plan.Get(ctx, &got); d.HasError() {
				t.Fatal(d)
			}
			if want := permissionsToSet(tt.rolePerms); !got.GrantedPermissions.Equal(want) {
				t.Errorf("granted_permissions planned %v, want %v", got.GrantedPermissions, want)
			}
			checkLockOutWarning(t, resp.Diagnostics, tt.wantWarning, "reports:read", `permissions of role "r1"`, `"Admin"`, "roles:write (permissions:type:delegate)")
		})
	}
}

// offlineProviderData answers from its cache every read a plan makes: the
// credentials' permissions in org 1 and the roles given. Its client reaches
// no server.
func offlineProviderData(t *testing.T, gen grafana.Generation, held []grafana.Permission, roles ...*grafana.Role) *providerData {
	t.Helper()
	client, err := grafana.New(grafana.Config{URL: "http://127.0.0.1:1", Auth: "admin:admin", Generation: gen})
	if err != nil {
		t.Fatal(err)
	}
	data := &providerData{client: client, orgID: 1}
	data.reads.seed(cacheKey{kind: cachePermissions, org: 1}, held)
	data.reads.seed(cacheKey{kind: cacheCurrentUser}, &grafana.User{ID: 1, Login: "admin", IsGrafanaAdmin: true})
	for _, r := range roles {
		data.reads.seed(cacheKey{cacheRole, 1, r.UID}, r)
	}
	return data
}

// checkLockOutWarning wants no warning, or exactly one lock-out warning that
// names every phrase in want and not notNamed (a permission that manages
// nothing, or that stays; "" for none).
func checkLockOutWarning(t *testing.T, diags diag.Diagnostics, wantWarning bool, notNamed string, want ...string) {
	t.Helper()
	if !wantWarning {
		if diags.WarningsCount() != 0 {
			t.Fatalf("unexpected warning: %v", diags)
		}
		return
	}
	if diags.WarningsCount() != 1 {
		t.Fatalf("diagnostics = %v, want one warning", diags)
	}
	if got := diags[0].Summary(); got != "Removal may lock the provider out" {
		t.Errorf("warning %q is not the lock-out warning: %s", got, diags[0].Detail())
	}
	detail := diags[0].Detail()
	for _, w := range want {
		if !strings.Contains(detail, w) {
			t.Errorf("warning %q does not contain %q", detail, w)
		}
	}
	if notNamed != "" && strings.Contains(detail, notNamed) {
		t.Errorf("warning names %s: %q", notNamed, detail)
	}
}

// planBuiltinDestroy plans the destroy of the assignment in state and
// returns the plan's diagnostics, failing on an error.
func planBuiltinDestroy(ctx context.Context, t *testing.T, r *builtinRoleAssignmentResource, state builtinRoleAssignmentModel) diag.Diagnostics {
	t.Helper()
	var sr resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sr)
	typ := sr.Schema.Type().TerraformType(ctx)
	prior := tfsdk.State{Schema: sr.Schema, Raw: tftypes.NewValue(typ, nil)}
	if diags := prior.Set(ctx, state); diags.HasError() {
		t.Fatal(diags)
	}
	req := resource.ModifyPlanRequest{State: prior, Plan: tfsdk.Plan{Schema: sr.Schema, Raw: tftypes.NewValue(typ, nil)}}
	resp := resource.ModifyPlanResponse{Plan: req.Plan}
	r.ModifyPlan(ctx, req, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("errors: %v", resp.Diagnostics)
	}
	return resp.Diagnostics
}
