package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/emulator"
	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

// Removing a default grant warns when it takes role-management permissions
// from the provider's own credentials (contract rule 8). The plan reads the
// fixed role, the basic role and the caller's permissions from Grafana, so
// each generation gets an emulator of its own; only plans are made, so the
// subtests can share it.
func TestDefaultAssignmentRemovalWarnsOfLockOut(t *testing.T) {
	t.Parallel()
	assigned, removed := true, false
	tests := []struct {
		name           string
		gen            int // emulator generation
		builtin, fixed string
		prior          *bool // assigned in state; nil when the resource is created
		assigned       bool
		want           []string // in the one warning; nil: no warning
		notWant        string   // must not be in the warning
	}{
		{
			name: "gen2 removes the role writer from Grafana Admin", gen: 12, builtin: "Grafana Admin", fixed: "fixed:roles:writer",
			want: []string{`"fixed:roles:writer"`, `"Grafana Admin"`, "roles:write (permissions:type:delegate)", "users.roles:add (permissions:type:delegate)"},
			// fixed:roles:reader, still held in full, keeps roles:read: it is not taken.
			notWant: "roles:read (roles:*)",
		},
		{name: "gen2 update removes a grant that was in place", gen: 12, builtin: "Grafana Admin", fixed: "fixed:roles:writer", prior: &assigned,
			want: []string{"roles:write (permissions:type:delegate)"}},
		{name: "gen2 grant already removed", gen: 12, builtin: "Grafana Admin", fixed: "fixed:roles:writer", prior: &removed},
		{name: "gen2 restores the role writer", gen: 12, builtin: "Grafana Admin", fixed: "fixed:roles:writer", assigned: true},
		{name: "gen2 removes a grant that manages nothing", gen: 12, builtin: "Viewer", fixed: "fixed:annotations:reader"},
		{
			name: "gen1 removes the permissions editor from Grafana Admin", gen: 8, builtin: "Grafana Admin", fixed: "fixed:permissions:admin:edit",
			want: []string{`"fixed:permissions:admin:edit"`, `"Grafana Admin"`, "roles:write (permissions:delegate)", "roles.builtin:add (permissions:delegate)"},
		},
		{name: "gen1 update removes a grant that was in place", gen: 8, builtin: "Grafana Admin", fixed: "fixed:permissions:admin:edit", prior: &assigned,
			want: []string{"roles.builtin:remove (permissions:delegate)"}},
		{name: "gen1 restores the permissions editor", gen: 8, builtin: "Grafana Admin", fixed: "fixed:permissions:admin:edit", assigned: true},
		{name: "gen1 removes a grant that manages nothing", gen: 8, builtin: "Admin", fixed: "fixed:reporting:admin:read"},
	}
	urls := map[int]string{}
	for _, gen := range []int{8, 12} {
		srv, err := emulator.NewServer(emulator.Config{Generation: gen})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(srv.Close)
		urls[gen] = srv.URL
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			client, err := grafana.New(grafana.Config{URL: urls[tt.gen], Auth: "admin:admin"})
			if err != nil {
				t.Fatal(err)
			}
			// A fresh cache per plan, as each Terraform run has: the admin's
			// permissions are read from the emulator.
			r := &defaultAssignmentResource{data: &providerData{client: client, orgID: 1}}
			r.data.reads.seed(cacheKey{kind: cacheCurrentUser}, &grafana.User{ID: 1, Login: "admin", IsGrafanaAdmin: true})

			var sr resource.SchemaResponse
			r.Schema(ctx, resource.SchemaRequest{}, &sr)
			typ := sr.Schema.Type().TerraformType(ctx)
			id := types.StringValue(tt.builtin + ":" + tt.fixed)
			state := tfsdk.State{Schema: sr.Schema, Raw: tftypes.NewValue(typ, nil)}
			if tt.prior != nil {
				mustSet(t, state.Set(ctx, defaultAssignmentModel{
					ID: id, BuiltinRole: types.StringValue(tt.builtin), FixedRole: types.StringValue(tt.fixed),
					Assigned: types.BoolValue(*tt.prior), AffectedPermissions: permissionsToSet(nil),
				}))
			} else {
				id = types.StringUnknown()
			}
			plan := tfsdk.Plan{Schema: sr.Schema, Raw: tftypes.NewValue(typ, nil)}
			mustSet(t, plan.Set(ctx, defaultAssignmentModel{
				ID: id, BuiltinRole: types.StringValue(tt.builtin), FixedRole: types.StringValue(tt.fixed),
				Assigned: types.BoolValue(tt.assigned), AffectedPermissions: types.SetUnknown(permissionObjectType),
			}))
			req := resource.ModifyPlanRequest{State: state, Plan: plan}
			resp := resource.ModifyPlanResponse{Plan: req.Plan}
			r.ModifyPlan(ctx, req, &resp)

			if resp.Diagnostics.HasError() {
				t.Fatalf("errors: %v", resp.Diagnostics)
			}
			checkLockOutWarning(t, resp.Diagnostics, tt.want != nil, tt.notWant, tt.want...)
			if tt.want != nil {
				if wp, ok := resp.Diagnostics[0].(diag.DiagnosticWithPath); !ok || !wp.Path().Equal(path.Root("assigned")) {
					t.Errorf("warning is not on assigned: %v", resp.Diagnostics[0])
				}
			}
		})
	}
}

func mustSet(t *testing.T, diags diag.Diagnostics) {
	t.Helper()
	if diags.HasError() {
		t.Fatal(diags)
	}
}
