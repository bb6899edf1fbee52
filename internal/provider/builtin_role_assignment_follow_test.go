package provider_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

// followRoleHCL is a custom role "test" (with uid unless empty) and its
// assignment to Editor; roleUID is what the assignment's role_uid says (a
// reference, or the uid itself), extra its further lines.
func followRoleHCL(name, uid, roleUID, extra string, perms ...grafana.Permission) string {
	lines := make([]string, len(perms))
	for i, p := range perms {
		lines[i] = fmt.Sprintf("    { action = %q, scope = %q },", p.Action, p.Scope)
	}
	uidLine := ""
	if uid != "" {
		uidLine = fmt.Sprintf("  uid         = %q\n", uid)
	}
	return fmt.Sprintf(`
resource "grafanarbac_custom_role" "test" {
  name        = %q
%s  permissions = [
%s
  ]
}

resource "grafanarbac_builtin_role_assignment" "test" {
  builtin_role = "Editor"
  role_uid     = %s
%s}
`, name, uidLine, strings.Join(lines, "\n"), roleUID, extra)
}

// A role whose permissions grow and shrink, referenced by uid and without
// role_version: one apply updates the basic role, takes away what the
// assignment owned and the role dropped, keeps what it never owned, and
// leaves an empty plan; so does replacing the role.
func TestAccBuiltinRoleAssignment_followsRoleInOneApply(t *testing.T) {
	env := newAssignEnv(t)
	env.skipUnlessGen(t, grafana.Generation2, "generation 1 assigns roles by reference: there is nothing to keep in sync")
	p := env.testPerms(t, 4)
	env.addToBasicRole(t, "Editor", p[3:]) // there before: never the assignment's
	name, uid := env.randName("custom:acc:follow"), env.randName("follow")
	const addr = "grafanarbac_builtin_role_assignment.test"
	cfg := func(perms ...grafana.Permission) string {
		return env.config(followRoleHCL(name, uid, "grafanarbac_custom_role.test.uid", "", perms...))
	}
	granted := func(perms ...grafana.Permission) []statecheck.StateCheck {
		return []statecheck.StateCheck{statecheck.ExpectKnownValue(addr, tfjsonpath.New("granted_permissions"), asgPermsCheck(perms...))}
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 env.preCheck,
		ProtoV6ProviderFactories: env.factories,
		CheckDestroy:             basicHolds(env, "Editor", p[3:], p[:3]),
		Steps: []resource.TestStep{
			{
				Config:            cfg(p[0], p[1], p[3]),
				ConfigPlanChecks:  asgEmptyPlanAfterApply,
				Check:             basicHolds(env, "Editor", []grafana.Permission{p[0], p[1], p[3]}, p[2:3]),
				ConfigStateChecks: granted(p[0], p[1]),
			},
			{
				// Gains p2, loses p0 (the assignment's) and p3 (not its).
				Config:            cfg(p[1], p[2]),
				ConfigPlanChecks:  asgPlanAction(addr, plancheck.ResourceActionUpdate),
				Check:             basicHolds(env, "Editor", []grafana.Permission{p[1], p[2], p[3]}, p[:1]),
				ConfigStateChecks: granted(p[1], p[2]),
			},
			{
				// Shrinks only.
				Config:            cfg(p[1]),
				ConfigPlanChecks:  asgPlanAction(addr, plancheck.ResourceActionUpdate),
				Check:             basicHolds(env, "Editor", []grafana.Permission{p[1], p[3]}, p[:1]),
				ConfigStateChecks: granted(p[1]),
			},
			{
				// Replaced under another uid: the assignment is replaced too.
				Config: env.config(followRoleHCL(name, uid+"-2", "grafanarbac_custom_role.test.uid", "", p[0], p[1])),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionReplace)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check:             basicHolds(env, "Editor", []grafana.Permission{p[0], p[1], p[3]}, p[2:3]),
				ConfigStateChecks: granted(p[0], p[1]),
			},
		},
	})
}

// A hard-coded role_uid gives Terraform no order between the role and the
// assignment (TestChangingRoles_resync covers what the plans then do);
// depends_on gives it back, and with it the single apply.
func TestAccBuiltinRoleAssignment_followsHardCodedRoleUID(t *testing.T) {
	env := newAssignEnv(t)
	env.skipUnlessGen(t, grafana.Generation2, "generation 1 assigns roles by reference: there is nothing to keep in sync")
	p := env.testPerms(t, 3)
	name, uid := env.randName("custom:acc:follow"), env.randName("follow")
	const addr = "grafanarbac_builtin_role_assignment.test"
	dependsOn := "  depends_on   = [grafanarbac_custom_role.test]\n"
	cfg := func(extra string, perms ...grafana.Permission) string {
		return env.config(followRoleHCL(name, uid, fmt.Sprintf("%q", uid), extra, perms...))
	}
	granted := func(perms ...grafana.Permission) []statecheck.StateCheck {
		return []statecheck.StateCheck{statecheck.ExpectKnownValue(addr, tfjsonpath.New("granted_permissions"), asgPermsCheck(perms...))}
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 env.preCheck,
		ProtoV6ProviderFactories: env.factories,
		CheckDestroy:             basicHolds(env, "Editor", nil, p),
		Steps: []resource.TestStep{
			{
				// The role must exist before an assignment that cannot wait for it.
				Config:            cfg(dependsOn, p[0]),
				ConfigPlanChecks:  asgEmptyPlanAfterApply,
				ConfigStateChecks: granted(p[0]),
			},
			{
				Config:            cfg(dependsOn, p[0], p[1]),
				ConfigPlanChecks:  asgPlanAction(addr, plancheck.ResourceActionUpdate),
				Check:             basicHolds(env, "Editor", p[:2], p[2:]),
				ConfigStateChecks: granted(p[0], p[1]),
			},
			{
				// Without the order nothing changes by itself.
				Config:   cfg("", p[0], p[1]),
				PlanOnly: true,
			},
		},
	})
}
