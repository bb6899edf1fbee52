package provider_test

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/acctest"
	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/emulator"
	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

// The assignment tests ask Grafana, through the client, what every step did.
// They create their roles, teams and users through the client too (cleaned
// up with the test), give everything a random name, and use permissions with
// random scopes under wildcards the admin holds, so they do not depend on
// the emulator and would pass against a real Grafana Enterprise.

var asgEmptyPlanAfterApply = resource.ConfigPlanChecks{
	PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
}

func asgPlanAction(addr string, action plancheck.ResourceActionType) resource.ConfigPlanChecks {
	return resource.ConfigPlanChecks{
		PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, action)},
		PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
	}
}

// asgPermsCheck is the state check for a permission set; empty scopes are null.
func asgPermsCheck(perms ...grafana.Permission) knownvalue.Check {
	checks := make([]knownvalue.Check, 0, len(perms))
	for _, p := range grafana.NormalizePermissions(perms) {
		var scope knownvalue.Check = knownvalue.Null()
		if p.Scope != "" {
			scope = knownvalue.StringExact(p.Scope)
		}
		checks = append(checks, knownvalue.ObjectExact(map[string]knownvalue.Check{
			"action": knownvalue.StringExact(p.Action),
			"scope":  scope,
		}))
	}
	return knownvalue.SetExact(checks)
}

// asgErr matches a diagnostic holding parts in order. Terraform wraps
// diagnostic text, so any space may be a line break.
func asgErr(parts ...string) *regexp.Regexp {
	for i, p := range parts {
		parts[i] = strings.ReplaceAll(regexp.QuoteMeta(p), " ", `\s+`)
	}
	return regexp.MustCompile(strings.Join(parts, `[\s\S]*`))
}

func builtinAssignmentHCL(name, builtin, roleUID, extra string) string {
	return fmt.Sprintf(`
resource "grafanarbac_builtin_role_assignment" %q {
  builtin_role = %q
  role_uid     = %q
%s}
`, name, builtin, roleUID, extra)
}

// checkBuiltinGrant asks Grafana whether the built-in role has the role:
// generation 1 lists the assignment; on generation 2 the basic role holds
// every one of perms (want) or none of them (!want).
func checkBuiltinGrant(env *assignEnv, builtin string, role *grafana.Role, perms []grafana.Permission, want bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		ctx := context.Background()
		if env.gen == grafana.Generation1 {
			byBuiltin, err := env.client.ListBuiltinRoleAssignments(ctx, true)
			if err != nil {
				return err
			}
			found := false
			for _, r := range byBuiltin[builtin] {
				found = found || r.UID == role.UID
			}
			if found != want {
				return fmt.Errorf("role %s granted to %s: %t, want %t", role.UID, builtin, found, want)
			}
			return nil
		}
		basic := env.basicRolePermissions(builtin)
		missing := grafana.PermissionsMinus(perms, basic)
		switch {
		case want && len(missing) > 0:
			return fmt.Errorf("basic role of %s lacks %v", builtin, missing)
		case !want && len(missing) != len(grafana.NormalizePermissions(perms)):
			return fmt.Errorf("basic role of %s still holds some of %v", builtin, perms)
		}
		return nil
	}
}

// checkBuiltinAssignmentsDestroyed checks every assignment left in state is gone.
func checkBuiltinAssignmentsDestroyed(env *assignEnv, roles map[string]*grafana.Role) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for _, rs := range s.RootModule().Resources {
			if rs.Type != "grafanarbac_builtin_role_assignment" {
				continue
			}
			a := rs.Primary.Attributes
			role, ok := roles[a["role_uid"]]
			if !ok {
				continue
			}
			if err := checkBuiltinGrant(env, a["builtin_role"], role, role.Permissions, false)(s); err != nil {
				return fmt.Errorf("after destroy: %w", err)
			}
		}
		return nil
	}
}

func rolesByUID(roles ...*grafana.Role) map[string]*grafana.Role {
	m := map[string]*grafana.Role{}
	for _, r := range roles {
		m[r.UID] = r
	}
	return m
}

// basicHolds checks that the basic role of builtin holds every permission
// of want and none of gone (generation 2).
func basicHolds(env *assignEnv, builtin string, want, gone []grafana.Permission) resource.TestCheckFunc {
	return func(*terraform.State) error {
		basic := env.basicRolePermissions(builtin)
		if m := grafana.PermissionsMinus(want, basic); len(m) > 0 {
			return fmt.Errorf("basic role of %s lacks %v", builtin, m)
		}
		if kept := grafana.PermissionsMinus(gone, grafana.PermissionsMinus(gone, basic)); len(kept) > 0 {
			return fmt.Errorf("basic role of %s still holds %v", builtin, kept)
		}
		return nil
	}
}

func TestAccBuiltinRoleAssignment_basic(t *testing.T) {
	env := newAssignEnv(t)
	perms := env.testPerms(t, 2)
	role := env.createRole(t, perms, false)
	const addr = "grafanarbac_builtin_role_assignment.test"
	granted := perms
	if env.gen == grafana.Generation1 {
		granted = nil
	}

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 env.preCheck,
		ProtoV6ProviderFactories: env.factories,
		CheckDestroy:             checkBuiltinAssignmentsDestroyed(env, rolesByUID(role)),
		Steps: []resource.TestStep{
			{
				Config:           env.config(builtinAssignmentHCL("test", "Editor", role.UID, "")),
				ConfigPlanChecks: asgEmptyPlanAfterApply,
				Check:            checkBuiltinGrant(env, "Editor", role, perms, true),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(fmt.Sprintf("%d:Editor:%s", env.orgID, role.UID))),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("org_id"), knownvalue.Int64Exact(env.orgID)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("global"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("granted_permissions"), asgPermsCheck(granted...)),
				},
			},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateId:     fmt.Sprintf("%d:Editor:%s", env.orgID, role.UID),
				ImportStateVerify: true,
			},
			{
				// Removed outside Terraform: the next apply puts it back.
				PreConfig: func() { env.revokeBuiltin(t, "Editor", role, false) },
				Config:    env.config(builtinAssignmentHCL("test", "Editor", role.UID, "")),
				ConfigPlanChecks: asgPlanAction(addr, map[grafana.Generation]plancheck.ResourceActionType{
					grafana.Generation1: plancheck.ResourceActionCreate, // the assignment is gone
					grafana.Generation2: plancheck.ResourceActionUpdate, // the permissions are gone
				}[env.gen]),
				Check: checkBuiltinGrant(env, "Editor", role, perms, true),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("granted_permissions"), asgPermsCheck(granted...)),
				},
			},
		},
	})
}

// A permission the basic role already held is not granted, and is left in
// place on destroy.
func TestAccBuiltinRoleAssignment_keepsWhatWasThere(t *testing.T) {
	env := newAssignEnv(t)
	env.skipUnlessGen(t, grafana.Generation2, "generation 1 assigns roles by reference and never copies permissions")
	perms := env.testPerms(t, 2)
	env.addToBasicRole(t, "Viewer", perms[:1])
	role := env.createRole(t, perms, false)
	const addr = "grafanarbac_builtin_role_assignment.test"

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 env.preCheck,
		ProtoV6ProviderFactories: env.factories,
		CheckDestroy: func(s *terraform.State) error {
			if err := checkBuiltinGrant(env, "Viewer", role, perms[1:], false)(s); err != nil {
				return err
			}
			return checkBuiltinGrant(env, "Viewer", role, perms[:1], true)(s)
		},
		Steps: []resource.TestStep{
			{
				Config:           env.config(builtinAssignmentHCL("test", "Viewer", role.UID, "")),
				ConfigPlanChecks: asgEmptyPlanAfterApply,
				Check:            checkBuiltinGrant(env, "Viewer", role, perms, true),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("granted_permissions"), asgPermsCheck(perms[1:]...)),
				},
			},
		},
	})
}

func TestAccBuiltinRoleAssignment_global(t *testing.T) {
	env := newAssignEnv(t)
	perms := env.testPerms(t, 1)
	role := env.createRole(t, perms, true)
	const addr = "grafanarbac_builtin_role_assignment.test"
	id := "global:Grafana Admin:" + role.UID

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 env.preCheck,
		ProtoV6ProviderFactories: env.factories,
		CheckDestroy:             checkBuiltinAssignmentsDestroyed(env, rolesByUID(role)),
		Steps: []resource.TestStep{
			{
				Config:           env.config(builtinAssignmentHCL("test", "Grafana Admin", role.UID, "  global = true\n")),
				ConfigPlanChecks: asgEmptyPlanAfterApply,
				Check:            checkBuiltinGrant(env, "Grafana Admin", role, perms, true),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(id)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("org_id"), knownvalue.Int64Exact(0)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("global"), knownvalue.Bool(true)),
				},
			},
			{ResourceName: addr, ImportState: true, ImportStateId: id, ImportStateVerify: true},
		},
	})
}

// A fixed role is granted like a custom one. Its permissions are Grafana's
// own rather than test-made ones with random scopes, so the grant must add
// exactly what the built-in role lacked and the destroy take away only that.
func TestAccBuiltinRoleAssignment_fixedRole(t *testing.T) {
	env := newAssignEnv(t)
	const builtin = "Viewer"
	preferred := map[grafana.Generation]string{
		grafana.Generation1: "fixed:datasources:reader", // no default grant in the contract's catalog
		grafana.Generation2: "fixed:teams:creator",
	}[env.gen]
	fixed := env.ungrantedFixedRole(t, builtin, preferred)
	const addr = "grafanarbac_builtin_role_assignment.test"
	id := fmt.Sprintf("%d:%s:%s", env.orgID, builtin, fixed.UID)
	var held, granted []grafana.Permission // on the basic role before the test; added by the grant
	if env.gen == grafana.Generation2 {
		basic := env.basicRolePermissions(builtin)
		held = permissionsIn(fixed.Permissions, basic)
		granted = grafana.PermissionsMinus(fixed.Permissions, basic)
	}
	destroyed := checkBuiltinGrant(env, builtin, fixed, nil, false)
	var importIgnore []string
	if env.gen == grafana.Generation2 {
		destroyed = basicHolds(env, builtin, held, granted)
		// An import cannot tell what the assignment added from what Grafana
		// granted by default, and takes none of a fixed role's permissions
		// as its own: the role itself is a fixed role the basic role holds.
		importIgnore = []string{"granted_permissions"}
	}

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 env.preCheck,
		ProtoV6ProviderFactories: env.factories,
		CheckDestroy:             destroyed,
		Steps: []resource.TestStep{
			{
				Config:           env.config(builtinAssignmentHCL("test", builtin, fixed.UID, "")),
				ConfigPlanChecks: asgEmptyPlanAfterApply,
				Check:            checkBuiltinGrant(env, builtin, fixed, fixed.Permissions, true),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(id)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("global"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("granted_permissions"), asgPermsCheck(granted...)),
				},
			},
			{ResourceName: addr, ImportState: true, ImportStateId: id, ImportStateVerify: true, ImportStateVerifyIgnore: importIgnore},
		},
	})
}

// ungrantedFixedRole returns a fixed role, with its permissions, that
// builtin does not have and the test credentials may grant: preferred when
// it qualifies, else the first that does by name (a real Grafana's catalog
// and defaults may differ from the emulator's).
func (e *assignEnv) ungrantedFixedRole(t *testing.T, builtin, preferred string) *grafana.Role {
	t.Helper()
	ctx := context.Background()
	roles, err := e.client.ListRoles(ctx, grafana.ListRolesOptions{IncludeHidden: true})
	if err != nil {
		t.Fatal(err)
	}
	held, err := e.client.GetCurrentUserPermissions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var byBuiltin map[string][]grafana.Role
	var basic []grafana.Permission
	if e.gen == grafana.Generation1 {
		if byBuiltin, err = e.client.ListBuiltinRoleAssignments(ctx, true); err != nil {
			t.Fatal(err)
		}
	} else {
		basic = e.basicRolePermissions(builtin)
	}
	var names []string
	for _, r := range roles {
		if strings.HasPrefix(r.Name, "fixed:") && r.Name != preferred {
			names = append(names, r.Name)
		}
	}
	slices.Sort(names)
	for _, name := range append([]string{preferred}, names...) {
		i := slices.IndexFunc(roles, func(r grafana.Role) bool { return r.Name == name })
		if i < 0 {
			continue
		}
		if e.gen == grafana.Generation1 && slices.ContainsFunc(byBuiltin[builtin], func(r grafana.Role) bool { return r.UID == roles[i].UID }) {
			continue
		}
		role, err := e.client.GetRole(ctx, roles[i].UID)
		if err != nil {
			t.Fatal(err)
		}
		role.Permissions = grafana.NormalizePermissions(role.Permissions)
		if len(role.Permissions) == 0 || len(grafana.MissingForDelegation(held, role.Permissions)) > 0 {
			continue
		}
		// Generation 2: the basic role must lack at least one permission, or the grant would change nothing.
		if e.gen == grafana.Generation2 && len(grafana.PermissionsMinus(role.Permissions, basic)) == 0 {
			continue
		}
		return role
	}
	t.Fatalf("Grafana has no fixed role that %s lacks and the test credentials may grant", builtin)
	return nil
}

// permissionsIn returns the permissions of perms that have holds.
func permissionsIn(perms, have []grafana.Permission) []grafana.Permission {
	return grafana.PermissionsMinus(perms, grafana.PermissionsMinus(perms, have))
}

// On generation 2 the None basic role takes permissions too.
func TestAccBuiltinRoleAssignment_none(t *testing.T) {
	env := newAssignEnv(t)
	env.skipUnlessGen(t, grafana.Generation2, "the built-in role None exists only on generation 2")
	perms := env.testPerms(t, 1)
	role := env.createRole(t, perms, false)
	step := resource.TestStep{
		Config:           env.config(builtinAssignmentHCL("test", "None", role.UID, "")),
		ConfigPlanChecks: asgEmptyPlanAfterApply,
		Check:            checkBuiltinGrant(env, "None", role, perms, true),
	}
	if _, err := env.client.GetRole(context.Background(), "basic_none"); grafana.IsNotFound(err) {
		// Grafana 9 has no None: the plan says so.
		step = resource.TestStep{Config: step.Config, ExpectError: textRegexp("Basic role not found", "exists from Grafana 10")}
	}

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 env.preCheck,
		ProtoV6ProviderFactories: env.factories,
		CheckDestroy:             checkBuiltinAssignmentsDestroyed(env, rolesByUID(role)),
		Steps:                    []resource.TestStep{step},
	})
}

// A custom role whose permissions change keeps its generation-2 assignment
// in sync: in the same apply when role_version follows the role, and on the
// next plan when the role changes outside Terraform.
func TestAccBuiltinRoleAssignment_followsRoleChanges(t *testing.T) {
	env := newAssignEnv(t)
	env.skipUnlessGen(t, grafana.Generation2, "generation 1 assigns roles by reference: there is nothing to keep in sync")
	p := env.testPerms(t, 4)
	name := env.randName("custom:acc:sync")
	const addr = "grafanarbac_builtin_role_assignment.test"
	roleHCL := func(perms ...grafana.Permission) string {
		return followRoleHCL(name, "", "grafanarbac_custom_role.test.uid", "  role_version = grafanarbac_custom_role.test.version\n", perms...)
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 env.preCheck,
		ProtoV6ProviderFactories: env.factories,
		CheckDestroy:             basicHolds(env, "Editor", nil, p),
		Steps: []resource.TestStep{
			{
				Config:           env.config(roleHCL(p[0], p[1])),
				ConfigPlanChecks: asgEmptyPlanAfterApply,
				Check:            basicHolds(env, "Editor", p[:2], p[2:]),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("granted_permissions"), asgPermsCheck(p[0], p[1])),
				},
			},
			{
				// The role gains p2 and loses p0 in the same apply.
				Config:           env.config(roleHCL(p[1], p[2])),
				ConfigPlanChecks: asgPlanAction(addr, plancheck.ResourceActionUpdate),
				Check:            basicHolds(env, "Editor", p[1:3], []grafana.Permission{p[0], p[3]}),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("granted_permissions"), asgPermsCheck(p[1], p[2])),
				},
			},
		},
	})
}

// A role changed outside Terraform: the next plan shows the new granted set
// and the apply brings the basic role in line.
func TestAccBuiltinRoleAssignment_followsOutOfBandRoleChanges(t *testing.T) {
	env := newAssignEnv(t)
	env.skipUnlessGen(t, grafana.Generation2, "generation 1 assigns roles by reference: there is nothing to keep in sync")
	p := env.testPerms(t, 4)
	const addr = "grafanarbac_builtin_role_assignment.test"
	role := env.createRole(t, p[:1], false)
	plain := builtinAssignmentHCL("test", "Editor", role.UID, "")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 env.preCheck,
		ProtoV6ProviderFactories: env.factories,
		CheckDestroy:             basicHolds(env, "Editor", nil, p),
		Steps: []resource.TestStep{
			{
				Config:           env.config(plain),
				ConfigPlanChecks: asgEmptyPlanAfterApply,
				Check:            basicHolds(env, "Editor", p[:1], p[1:]),
			},
			{
				PreConfig: func() { env.setRolePermissions(t, role, p[3]) },
				Config:    env.config(plain),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("granted_permissions"), asgPermsCheck(p[3])),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: basicHolds(env, "Editor", p[3:], p[:3]),
			},
		},
	})
}

// Removing one of two assignments that overlap on the same basic role
// leaves the other's permissions intact, including the shared one that the
// removed assignment added.
func TestAccBuiltinRoleAssignment_overlap(t *testing.T) {
	env := newAssignEnv(t)
	env.skipUnlessGen(t, grafana.Generation2, "generation 1 assignments are separate grants that cannot overlap")
	p := env.testPerms(t, 3)
	shared, onlyA, onlyB := p[0], p[1], p[2]
	roleA := env.createRole(t, []grafana.Permission{shared, onlyA}, false)
	roleB := env.createRole(t, []grafana.Permission{shared, onlyB}, false)
	a := builtinAssignmentHCL("a", "Viewer", roleA.UID, "")
	b := builtinAssignmentHCL("b", "Viewer", roleB.UID, "")

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 env.preCheck,
		ProtoV6ProviderFactories: env.factories,
		CheckDestroy:             checkBuiltinAssignmentsDestroyed(env, rolesByUID(roleA, roleB)),
		Steps: []resource.TestStep{
			{
				Config:           env.config(a),
				ConfigPlanChecks: asgEmptyPlanAfterApply,
				Check:            checkBuiltinGrant(env, "Viewer", roleA, roleA.Permissions, true),
			},
			{
				// B finds the shared permission in place, put there by A: it adds
				// only its own, and owns the shared one too.
				Config:           env.config(a, b),
				ConfigPlanChecks: asgEmptyPlanAfterApply,
				Check:            checkBuiltinGrant(env, "Viewer", roleB, roleB.Permissions, true),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("grafanarbac_builtin_role_assignment.b", tfjsonpath.New("granted_permissions"), asgPermsCheck(shared, onlyB)),
				},
			},
			{
				// A goes: its own permission goes, the shared one stays for B.
				Config:           env.config(b),
				ConfigPlanChecks: asgEmptyPlanAfterApply,
				Check: resource.ComposeAggregateTestCheckFunc(
					checkBuiltinGrant(env, "Viewer", roleB, roleB.Permissions, true),
					checkBuiltinGrant(env, "Viewer", roleA, []grafana.Permission{onlyA}, false),
				),
			},
		},
	})
}

// Twenty assignments to one built-in role in one apply, run by terraform at
// its default parallelism of 10 (resource.TestStep cannot pass
// -parallelism; 10 is what the issue asks for), all end present.
func TestAccBuiltinRoleAssignment_parallel(t *testing.T) {
	env := newAssignEnv(t)
	const n = 20
	perms := env.testPerms(t, n)
	roles := make([]*grafana.Role, n)
	var hcl []string
	checks := []resource.TestCheckFunc{}
	for i := range n {
		roles[i] = env.createRole(t, perms[i:i+1], false)
		hcl = append(hcl, builtinAssignmentHCL(fmt.Sprintf("r%d", i), "Viewer", roles[i].UID, ""))
		checks = append(checks, checkBuiltinGrant(env, "Viewer", roles[i], roles[i].Permissions, true))
	}

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 env.preCheck,
		ProtoV6ProviderFactories: env.factories,
		CheckDestroy:             checkBuiltinAssignmentsDestroyed(env, rolesByUID(roles...)),
		Steps: []resource.TestStep{{
			Config:           env.config(hcl...),
			ConfigPlanChecks: asgEmptyPlanAfterApply,
			Check:            resource.ComposeAggregateTestCheckFunc(checks...),
		}},
	})
}

func TestAccBuiltinRoleAssignment_validation(t *testing.T) {
	env := newAssignEnv(t)
	perms := env.testPerms(t, 1)
	orgRole := env.createRole(t, perms, false)
	otherOrg := env.createOrg(t)
	plan := func(hcl string, want *regexp.Regexp) resource.TestStep {
		return resource.TestStep{Config: env.config(hcl), PlanOnly: true, ExpectError: want}
	}
	steps := []resource.TestStep{
		plan(builtinAssignmentHCL("test", "editor", orgRole.UID, ""), asgErr("Unknown built-in role", "Did you mean \"Editor\"")),
		plan(builtinAssignmentHCL("test", "Owner", orgRole.UID, ""), asgErr("Unknown built-in role", "\"Owner\" is not a built-in role")),
		plan(builtinAssignmentHCL("test", "Grafana Admin", orgRole.UID, ""), asgErr("Grafana Admin assignments are global", "Set global = true")),
		plan(builtinAssignmentHCL("test", "Editor", orgRole.UID, "  global = true\n"), asgErr("Global assignment of an organization's role")),
		plan(builtinAssignmentHCL("test", "Editor", orgRole.UID, "  global = true\n  org_id = 1\n"), asgErr("org_id set on a global assignment")),
		plan(builtinAssignmentHCL("test", "Editor", orgRole.UID, fmt.Sprintf("  org_id = %d\n", otherOrg)), asgErr("Role belongs to another organization", "org_id = ")),
		{
			Config:        env.config(builtinAssignmentHCL("test", "Editor", orgRole.UID, "")),
			ResourceName:  "grafanarbac_builtin_role_assignment.test",
			ImportState:   true,
			ImportStateId: "Editor:" + orgRole.UID,
			ExpectError:   asgErr("Invalid import ID", "global:<builtin_role>:<role_uid>"),
		},
	}
	if env.gen == grafana.Generation1 {
		steps = append(steps, plan(builtinAssignmentHCL("test", "None", orgRole.UID, ""), asgErr("Unknown built-in role", "only on Grafana 9")))
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 env.preCheck,
		ProtoV6ProviderFactories: env.factories,
		Steps:                    steps,
	})
	// Nothing reached the server.
	if err := checkBuiltinGrant(env, "Editor", orgRole, perms, false)(nil); err != nil {
		t.Error(err)
	}
}

// Grafana documents that managed roles cannot be assigned to teams, users
// and service accounts, not to built-in roles: there the refusal follows
// plan_checks, and with "warn" the grant plans and applies.
func TestAccBuiltinRoleAssignment_managedRoleFollowsPlanChecks(t *testing.T) {
	env := newAssignEnv(t)
	roles, err := env.client.ListRoles(context.Background(), grafana.ListRolesOptions{IncludeHidden: true})
	if err != nil {
		t.Fatalf("listing roles: %v", err)
	}
	i := slices.IndexFunc(roles, func(r grafana.Role) bool { return strings.HasPrefix(r.Name, "managed:") && !r.Global })
	if i < 0 {
		t.Skip("this Grafana lists no managed role")
	}
	managed := &roles[i]
	grant := builtinAssignmentHCL("test", "Viewer", managed.UID, "")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 env.preCheck,
		ProtoV6ProviderFactories: env.factories,
		CheckDestroy:             checkBuiltinAssignmentsDestroyed(env, rolesByUID(managed)),
		Steps: []resource.TestStep{
			{Config: env.config(grant), PlanOnly: true, ExpectError: asgErr("Managed role cannot be assigned", managed.Name, `plan_checks = "warn"`)},
			{
				Config:           withPlanChecks(env.provider, "warn") + "\n" + grant,
				Check:            checkBuiltinGrant(env, "Viewer", managed, nil, true),
				ConfigPlanChecks: asgEmptyPlanAfterApply,
			},
		},
	})
}

// --- test environment shared by the assignment tests ---

// assignEnv is one Grafana (the acceptance harness's emulator, or a real
// Grafana) and what the assignment tests need from it.
type assignEnv struct {
	t         *testing.T
	client    *grafana.Client // the provider's credentials, in the provider's org
	gen       grafana.Generation
	orgID     int64
	factories map[string]func() (tfprotov6.ProviderServer, error)
	preCheck  func()
	provider  string // provider block
	// providerWithAuth is a provider block for other credentials ("login:password").
	providerWithAuth func(auth string) string
	randName         func(prefix string) string
}

func (e *assignEnv) config(hcl ...string) string {
	return e.provider + "\n" + strings.Join(hcl, "\n")
}

func (e *assignEnv) skipUnlessGen(t *testing.T, gen grafana.Generation, reason string) {
	t.Helper()
	if e.gen != gen {
		t.Skipf("generation %d only: %s", gen, reason)
	}
}

// testPerms returns n distinct permissions that the provider's credentials
// hold (so they may delegate them) and that no built-in role holds
// literally: a random scope under a wildcard scope of the credentials.
func (e *assignEnv) testPerms(t *testing.T, n int) []grafana.Permission {
	t.Helper()
	held, err := e.client.GetCurrentUserPermissions(context.Background())
	if err != nil {
		t.Fatalf("reading the permissions of the test credentials: %v", err)
	}
	var bases []grafana.Permission
	for _, p := range grafana.NormalizePermissions(held) {
		if prefix, ok := strings.CutSuffix(p.Scope, ":*"); ok && prefix != "" && !strings.Contains(prefix, "*") &&
			!strings.HasPrefix(p.Action, "roles") && !strings.HasPrefix(p.Scope, "permissions:") {
			bases = append(bases, grafana.Permission{Action: p.Action, Scope: prefix + ":uid:"})
		}
	}
	if len(bases) == 0 {
		t.Fatalf("the test credentials hold no permission with a wildcard scope to build test permissions from: %v", held)
	}
	token := strings.NewReplacer(":", "_", " ", "_").Replace(e.randName("p"))
	out := make([]grafana.Permission, n)
	for i := range n {
		b := bases[i%len(bases)]
		out[i] = grafana.Permission{Action: b.Action, Scope: fmt.Sprintf("%s%s-%d", b.Scope, token, i)}
	}
	return out
}

// createRole creates a custom role through the client and deletes it when the test ends.
func (e *assignEnv) createRole(t *testing.T, perms []grafana.Permission, global bool) *grafana.Role {
	t.Helper()
	name := e.randName("custom:acc:assign")
	role, err := e.client.CreateRole(context.Background(), grafana.CreateRoleRequest{
		Name: name, Global: global, Version: 1, Permissions: perms,
	})
	if err != nil {
		t.Fatalf("creating role %s: %v", name, err)
	}
	t.Cleanup(func() {
		err := e.client.DeleteRole(context.Background(), role.UID, grafana.DeleteRoleOptions{Force: true, Global: global})
		if err != nil && !grafana.IsNotFound(err) {
			t.Errorf("deleting role %s: %v", role.UID, err)
		}
	})
	role.Permissions = grafana.NormalizePermissions(perms)
	return role
}

// setRolePermissions changes a role outside Terraform.
func (e *assignEnv) setRolePermissions(t *testing.T, role *grafana.Role, perms ...grafana.Permission) {
	t.Helper()
	current, err := e.client.GetRole(context.Background(), role.UID)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.client.UpdateRole(context.Background(), role.UID, grafana.UpdateRoleRequest{
		Version: current.Version + 1, Name: current.Name, Global: current.Global, Permissions: perms,
	})
	if err != nil {
		t.Fatalf("updating role %s: %v", role.UID, err)
	}
}

// roleByName returns a role, with its permissions, by name.
func (e *assignEnv) roleByName(t *testing.T, name string) *grafana.Role {
	t.Helper()
	roles, err := e.client.ListRoles(context.Background(), grafana.ListRolesOptions{IncludeHidden: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range roles {
		if r.Name == name {
			full, err := e.client.GetRole(context.Background(), r.UID)
			if err != nil {
				t.Fatal(err)
			}
			return full
		}
	}
	t.Fatalf("Grafana has no role named %q", name)
	return nil
}

// basicRolePermissions reads the basic role of a built-in role (generation 2).
func (e *assignEnv) basicRolePermissions(builtin string) []grafana.Permission {
	uid := "basic_" + strings.ReplaceAll(strings.ToLower(builtin), " ", "_")
	role, err := e.client.GetRole(context.Background(), uid)
	if err != nil {
		e.t.Errorf("reading basic role %s: %v", uid, err)
		return nil
	}
	return grafana.NormalizePermissions(role.Permissions)
}

// editBasicRole changes a basic role outside Terraform.
func (e *assignEnv) editBasicRole(t *testing.T, builtin string, edit func([]grafana.Permission) []grafana.Permission) {
	t.Helper()
	uid := "basic_" + strings.ReplaceAll(strings.ToLower(builtin), " ", "_")
	role, err := e.client.GetRole(context.Background(), uid)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.client.UpdateRole(context.Background(), uid, grafana.UpdateRoleRequest{
		Version: role.Version + 1, Name: role.Name, DisplayName: role.DisplayName, Description: role.Description,
		Group: role.Group, Global: role.Global, Hidden: role.Hidden, Permissions: edit(role.Permissions),
	})
	if err != nil {
		t.Fatalf("updating basic role %s: %v", uid, err)
	}
}

// addToBasicRole adds permissions outside Terraform, and takes them away
// again when the test ends.
func (e *assignEnv) addToBasicRole(t *testing.T, builtin string, perms []grafana.Permission) {
	t.Helper()
	added := grafana.PermissionsMinus(perms, e.basicRolePermissions(builtin))
	e.editBasicRole(t, builtin, func(p []grafana.Permission) []grafana.Permission { return append(p, perms...) })
	t.Cleanup(func() {
		e.editBasicRole(t, builtin, func(p []grafana.Permission) []grafana.Permission { return grafana.PermissionsMinus(p, added) })
	})
}

// grantBuiltin grants a role to a built-in role outside Terraform (generation 1).
func (e *assignEnv) grantBuiltin(t *testing.T, builtin string, role *grafana.Role, global bool) {
	t.Helper()
	if err := e.client.AddBuiltinRoleAssignment(context.Background(), builtin, role.UID, global); err != nil {
		t.Fatalf("granting %s to %s: %v", role.UID, builtin, err)
	}
}

// revokeBuiltin undoes a grant outside Terraform: the assignment on
// generation 1, the role's permissions on generation 2.
func (e *assignEnv) revokeBuiltin(t *testing.T, builtin string, role *grafana.Role, global bool) {
	t.Helper()
	if e.gen == grafana.Generation1 {
		if err := e.client.RemoveBuiltinRoleAssignment(context.Background(), builtin, role.UID, global); err != nil {
			t.Fatalf("revoking %s from %s: %v", role.UID, builtin, err)
		}
		return
	}
	e.editBasicRole(t, builtin, func(p []grafana.Permission) []grafana.Permission {
		return grafana.PermissionsMinus(p, role.Permissions)
	})
}

func (e *assignEnv) createNamedTeam(t *testing.T) (int64, string) {
	t.Helper()
	name := e.randName("tf-acc-team")
	id, err := e.client.CreateTeam(context.Background(), name, "")
	if err != nil {
		t.Fatalf("creating team %s: %v", name, err)
	}
	t.Cleanup(func() {
		if err := e.client.DeleteTeam(context.Background(), id); err != nil && !grafana.IsNotFound(err) {
			t.Errorf("deleting team %d: %v", id, err)
		}
	})
	return id, name
}

func (e *assignEnv) createTeam(t *testing.T) int64 {
	t.Helper()
	id, _ := e.createNamedTeam(t)
	return id
}

func (e *assignEnv) createUser(t *testing.T) int64 {
	t.Helper()
	login := strings.NewReplacer(":", "-", " ", "-").Replace(e.randName("tf-acc-user"))
	id, err := e.client.CreateUser(context.Background(), grafana.CreateUserRequest{Login: login, Password: "acc-" + login})
	if err != nil {
		t.Fatalf("creating user %s: %v", login, err)
	}
	t.Cleanup(func() {
		if err := e.client.DeleteUser(context.Background(), id); err != nil && !grafana.IsNotFound(err) {
			t.Errorf("deleting user %d: %v", id, err)
		}
	})
	return id
}

func (e *assignEnv) createServiceAccount(t *testing.T) int64 {
	t.Helper()
	sa, err := e.client.CreateServiceAccount(context.Background(), e.randName("tf-acc-sa"), "Viewer")
	if err != nil {
		t.Fatalf("creating service account: %v", err)
	}
	t.Cleanup(func() {
		if err := e.client.DeleteServiceAccount(context.Background(), sa.ID); err != nil && !grafana.IsNotFound(err) {
			t.Errorf("deleting service account %d: %v", sa.ID, err)
		}
	})
	return sa.ID
}

// limitedUser makes a user of the provider's org that may read and assign
// roles (the fixed role-writer role of the generation) but holds little
// else. It returns the user's credentials and effective permissions.
func (e *assignEnv) limitedUser(t *testing.T) (auth string, held []grafana.Permission) {
	t.Helper()
	ctx := context.Background()
	login := strings.NewReplacer(":", "-", " ", "-").Replace(e.randName("tf-acc-limited"))
	password := "acc-" + login
	id, err := e.client.CreateUser(ctx, grafana.CreateUserRequest{Login: login, Password: password})
	if err != nil {
		t.Fatalf("creating user %s: %v", login, err)
	}
	t.Cleanup(func() { _ = e.client.DeleteUser(context.Background(), id) })
	writer := "fixed:roles:writer"
	if e.gen == grafana.Generation1 {
		writer = "fixed:permissions:admin:edit"
	}
	if err := e.client.AddUserRole(ctx, id, e.roleByName(t, writer).UID, false); err != nil {
		t.Fatalf("granting %s to %s: %v", writer, login, err)
	}
	limited, err := grafana.New(grafana.Config{URL: e.client.URL(), Auth: login + ":" + password})
	if err != nil {
		t.Fatal(err)
	}
	if held, err = limited.GetCurrentUserPermissions(ctx); err != nil {
		t.Fatalf("reading the permissions of %s: %v", login, err)
	}
	return login + ":" + password, held
}

// createOrg makes a second organization (Grafana has no API to delete one
// that the test credentials could rely on, so it stays).
func (e *assignEnv) createOrg(t *testing.T) int64 {
	t.Helper()
	id, err := e.client.CreateOrg(context.Background(), e.randName("tf-acc-org"))
	if err != nil {
		t.Fatalf("creating organization: %v", err)
	}
	return id
}

// newAssignEnv connects to the harness's Grafana.
func newAssignEnv(t *testing.T) *assignEnv {
	t.Helper()
	a := acctest.Get(t)
	return &assignEnv{
		t:                t,
		client:           a.Client,
		gen:              a.Generation(t),
		orgID:            a.OrgID,
		factories:        acctest.ProtoV6ProviderFactories,
		preCheck:         func() { acctest.PreCheck(t) },
		provider:         a.ProviderConfig(),
		providerWithAuth: a.ProviderConfigWithAuth,
		randName:         acctest.RandName,
	}
}

// Importing a grant that does not exist fails as Terraform expects: on
// generation 2, a basic role that holds none of the role's permissions.
func TestAccBuiltinRoleAssignment_importMissing(t *testing.T) {
	env := newAssignEnv(t)
	role := env.createRole(t, env.testPerms(t, 2), false)
	builtin := "Viewer"
	if env.gen == grafana.Generation2 {
		if _, err := env.client.GetRole(context.Background(), "basic_none"); err == nil {
			builtin = "None"
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 env.preCheck,
		ProtoV6ProviderFactories: env.factories,
		Steps: []resource.TestStep{{
			Config:        env.config(builtinAssignmentHCL("test", builtin, role.UID, "")),
			ResourceName:  "grafanarbac_builtin_role_assignment.test",
			ImportState:   true,
			ImportStateId: fmt.Sprintf("%d:%s:%s", env.orgID, builtin, role.UID),
			ExpectError:   asgErr("Cannot import non-existent remote object"),
		}},
	})
	if err := checkBuiltinGrant(env, builtin, role, role.Permissions, false)(nil); err != nil {
		t.Error(err)
	}
}

// Two custom roles share datasources:explore, the only permission of the
// fixed role fixed:datasources:explorer (Editor's default, not Viewer's).
// Granted to Viewer in two applies, in either order, then both destroyed:
// basic_viewer loses the permission, though the fixed role, and a third
// custom role that nothing grants, looked held in full once the first grant
// added it. Granted to Editor, which holds it by
// default, it stays.
func TestAccBuiltinRoleAssignment_sharedPermission(t *testing.T) {
	if acctest.Get(t).Real() {
		t.Skip("compares basic roles whole: needs an emulator of its own")
	}
	explore := grafana.Permission{Action: "datasources:explore"}
	for _, tc := range []struct {
		name, builtin string
		stays         bool
		bFirst, alone bool
	}{
		{name: "Viewer, A alone", builtin: "Viewer", alone: true},
		{name: "Viewer, A then B", builtin: "Viewer"},
		{name: "Viewer, B then A", builtin: "Viewer", bFirst: true},
		{name: "Editor holds it by default", builtin: "Editor", stays: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := ownAssignEnv(t, startOwnEmulator(t, emulator.Config{Version: os.Getenv(acctest.EnvVersion)}))
			env.skipUnlessGen(t, grafana.Generation2, "generation 1 assigns roles by reference and never copies permissions")
			only := env.testPerms(t, 1)
			roleA := env.createRole(t, []grafana.Permission{explore}, false)
			roleB := env.createRole(t, []grafana.Permission{explore, only[0]}, false)
			// Never granted, but held in full once A or B is: no reason to
			// keep explore.
			env.createRole(t, []grafana.Permission{explore}, false)
			a := builtinAssignmentHCL("a", tc.builtin, roleA.UID, "")
			b := builtinAssignmentHCL("b", tc.builtin, roleB.UID, "")
			first := a
			if tc.bFirst {
				first = b
			}
			want, gone := []grafana.Permission(nil), []grafana.Permission{explore, only[0]}
			if tc.stays {
				want, gone = gone[:1], gone[1:]
			}
			steps := []resource.TestStep{
				{Config: env.config(first), ConfigPlanChecks: asgEmptyPlanAfterApply},
				{Config: env.config(a, b), ConfigPlanChecks: asgEmptyPlanAfterApply, Check: basicHolds(env, tc.builtin, []grafana.Permission{explore, only[0]}, nil)},
			}
			if tc.alone {
				steps = steps[:1]
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: env.factories,
				CheckDestroy:             basicHolds(env, tc.builtin, want, gone),
				Steps:                    steps,
			})
		})
	}
}
