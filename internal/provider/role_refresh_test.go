package provider_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/acctest"
	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/emulator"
	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

// With refresh = "changed" a no-op plan reads the role list, not each role,
// and still sees every change the API can make to a role: an update (of
// permissions only), a delete, and a delete and recreate with the same uid
// and version (in a later second: within one, nothing the list shows moves).
func TestAccCustomRole_refreshChanged(t *testing.T) {
	g := startOwnEmulator(t, emulator.Config{})
	ctx := context.Background()
	var hcl strings.Builder
	hcl.WriteString(providerBlockHCL(fmt.Sprintf("url = %q", g.URL), fmt.Sprintf("auth = %q", g.Auth), `refresh = "changed"`))
	const n = 4
	for i := range n {
		fmt.Fprintf(&hcl, `
resource "grafanarbac_custom_role" "r%d" {
  uid         = "refresh-%d"
  name        = "custom:refresh:%d"
  hidden      = %t
  permissions = [{ action = "teams:read", scope = "teams:id:%d" }]
}
`, i, i, i, i == 3, i)
	}
	cfg := hcl.String()
	perms := func(scope string) []grafana.Permission {
		return []grafana.Permission{{Action: "teams:read", Scope: scope}}
	}
	var before map[string]int
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactoriesWithEnv(nil),
		Steps: []resource.TestStep{
			{Config: cfg, ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
			{PreConfig: func() { before = emulatorRequestCounts(t, g) }, Config: cfg, PlanOnly: true},
			{
				PreConfig: func() {
					after := emulatorRequestCounts(t, g)
					if d := after["GET /api/access-control/roles/:uid"] - before["GET /api/access-control/roles/:uid"]; d != 0 {
						t.Errorf("a no-op plan read %d roles one by one, want 0", d)
					}
					if d := after["GET /api/access-control/roles"] - before["GET /api/access-control/roles"]; d != 1 {
						t.Errorf("a no-op plan listed roles %d times, want 1", d)
					}
					r0, err := g.Client.GetRole(ctx, "refresh-0")
					if err != nil {
						t.Fatal(err)
					}
					if _, err := g.Client.UpdateRole(ctx, r0.UID, grafana.UpdateRoleRequest{Name: r0.Name, Permissions: perms("teams:id:100")}); err != nil {
						t.Fatal(err)
					}
					if err := g.Client.DeleteRole(ctx, "refresh-1", grafana.DeleteRoleOptions{Force: true}); err != nil {
						t.Fatal(err)
					}
					r2, err := g.Client.GetRole(ctx, "refresh-2")
					if err != nil {
						t.Fatal(err)
					}
					if err := g.Client.DeleteRole(ctx, r2.UID, grafana.DeleteRoleOptions{Force: true}); err != nil {
						t.Fatal(err)
					}
					time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second)))
					if _, err := g.Client.CreateRole(ctx, grafana.CreateRoleRequest{UID: r2.UID, Name: r2.Name, Version: r2.Version, Permissions: perms("teams:id:200")}); err != nil {
						t.Fatal(err)
					}
					// A hidden role, updated: the list must include hidden roles.
					r3, err := g.Client.GetRole(ctx, "refresh-3")
					if err != nil {
						t.Fatal(err)
					}
					if _, err := g.Client.UpdateRole(ctx, r3.UID, grafana.UpdateRoleRequest{Name: r3.Name, Hidden: true, Permissions: perms("teams:id:300")}); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("grafanarbac_custom_role.r0", plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction("grafanarbac_custom_role.r1", plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction("grafanarbac_custom_role.r2", plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction("grafanarbac_custom_role.r3", plancheck.ResourceActionUpdate),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// A built-in role assignment plans from its role's permissions. With
// refresh = "changed" a no-op plan takes them from what its last read kept
// while the role list shows the role unchanged, and still sees an update
// of the role and a delete and recreate with the same uid and version.
func TestAccBuiltinRoleAssignment_refreshChanged(t *testing.T) {
	g := startOwnEmulator(t, emulator.Config{})
	ctx := context.Background()
	if gen, err := g.Client.Generation(ctx); err != nil || gen != grafana.Generation2 {
		t.Skipf("generation 1 assigns roles by reference and reads no role permissions (generation %v, %v)", gen, err)
	}
	perms := func(scopes ...string) []grafana.Permission {
		var out []grafana.Permission
		for _, s := range scopes {
			out = append(out, grafana.Permission{Action: "teams:read", Scope: s})
		}
		return out
	}
	role, err := g.Client.CreateRole(ctx, grafana.CreateRoleRequest{UID: "refresh-b", Name: "custom:refresh:b", Permissions: perms("teams:id:1")})
	if err != nil {
		t.Fatal(err)
	}
	const addr = "grafanarbac_builtin_role_assignment.b"
	cfg := providerBlockHCL(fmt.Sprintf("url = %q", g.URL), fmt.Sprintf("auth = %q", g.Auth), `refresh = "changed"`) + `
resource "grafanarbac_builtin_role_assignment" "b" {
  builtin_role = "Viewer"
  role_uid     = "refresh-b"
}
`
	granted := func(scopes ...string) []statecheck.StateCheck {
		return []statecheck.StateCheck{statecheck.ExpectKnownValue(addr, tfjsonpath.New("granted_permissions"), asgPermsCheck(perms(scopes...)...))}
	}
	updated := resource.ConfigPlanChecks{
		PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
		PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
	}
	var before map[string]int
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactoriesWithEnv(nil),
		Steps: []resource.TestStep{
			{
				Config:            cfg,
				ConfigPlanChecks:  resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: granted("teams:id:1"),
			},
			{PreConfig: func() { before = emulatorRequestCounts(t, g) }, Config: cfg, PlanOnly: true},
			{
				PreConfig: func() {
					after := emulatorRequestCounts(t, g)
					// Each plan lists the roles once and reads basic_viewer (the
					// list carries no permissions), but not the assigned role.
					reads := after["GET /api/access-control/roles/:uid"] - before["GET /api/access-control/roles/:uid"]
					lists := after["GET /api/access-control/roles"] - before["GET /api/access-control/roles"]
					if lists == 0 || reads != lists {
						t.Errorf("a no-op plan listed roles %d times and read %d one by one, want as many reads as lists (basic_viewer)", lists, reads)
					}
					if _, err := g.Client.UpdateRole(ctx, role.UID, grafana.UpdateRoleRequest{Name: role.Name, Permissions: perms("teams:id:1", "teams:id:2")}); err != nil {
						t.Fatal(err)
					}
				},
				Config:            cfg,
				ConfigPlanChecks:  updated,
				ConfigStateChecks: granted("teams:id:1", "teams:id:2"),
			},
			{
				PreConfig: func() {
					r, err := g.Client.GetRole(ctx, role.UID)
					if err != nil {
						t.Fatal(err)
					}
					if err := g.Client.DeleteRole(ctx, r.UID, grafana.DeleteRoleOptions{Force: true}); err != nil {
						t.Fatal(err)
					}
					time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second)))
					if _, err := g.Client.CreateRole(ctx, grafana.CreateRoleRequest{UID: r.UID, Name: r.Name, Version: r.Version, Permissions: perms("teams:id:1", "teams:id:2", "teams:id:3")}); err != nil {
						t.Fatal(err)
					}
				},
				Config:            cfg,
				ConfigPlanChecks:  updated,
				ConfigStateChecks: granted("teams:id:1", "teams:id:2", "teams:id:3"),
			},
		},
	})
}
