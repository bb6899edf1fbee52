package provider_test

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

// defaultGrantUnderTest is a grant Grafana makes by default on each
// generation, taken from the published fixed-role catalog.
func defaultGrantUnderTest(gen grafana.Generation) (builtin, fixed string) {
	if gen == grafana.Generation1 {
		return "Admin", "fixed:reporting:admin:read"
	}
	return "Viewer", "fixed:annotations:reader"
}

func defaultAssignmentHCL(builtin, fixed, extra string) string {
	return fmt.Sprintf(`
resource "grafanarbac_default_assignment" "test" {
  builtin_role = %q
  fixed_role   = %q
%s}
`, builtin, fixed, extra)
}

// builtinSnapshot is what every built-in role holds: the uids granted to it
// (generation 1) or the basic role's permissions (generation 2).
func builtinSnapshot(t *testing.T, env *assignEnv) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	if env.gen == grafana.Generation1 {
		byBuiltin, err := env.client.ListBuiltinRoleAssignments(context.Background(), true)
		if err != nil {
			t.Fatal(err)
		}
		for b, roles := range byBuiltin {
			for _, r := range roles {
				out[b] = append(out[b], r.UID)
			}
			slices.Sort(out[b])
		}
		return out
	}
	for _, b := range []string{"Viewer", "Editor", "Admin", "Grafana Admin"} {
		for _, p := range env.basicRolePermissions(b) {
			out[b] = append(out[b], p.Action+" "+p.Scope)
		}
	}
	return out
}

func checkSnapshot(t *testing.T, env *assignEnv, want map[string][]string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got := builtinSnapshot(t, env)
		if !maps.EqualFunc(got, want, slices.Equal) {
			return fmt.Errorf("built-in roles differ from Grafana's default:\n got %v\nwant %v", got, want)
		}
		return nil
	}
}

// checkDefaultGrant asks Grafana whether the default grant is in place.
func checkDefaultGrant(env *assignEnv, builtin string, fixed *grafana.Role, want bool) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		if env.gen == grafana.Generation1 {
			return checkBuiltinGrant(env, builtin, fixed, nil, want)(s)
		}
		missing := grafana.PermissionsMinus(fixed.Permissions, env.basicRolePermissions(builtin))
		if (len(missing) == 0) != want {
			return fmt.Errorf("basic role of %s holds all of %s: %t, want %t", builtin, fixed.Name, len(missing) == 0, want)
		}
		return nil
	}
}

// Remove → restore → remove → destroy ends where a fresh Grafana starts.
func TestAccDefaultAssignment_roundTrip(t *testing.T) {
	env := newAssignEnv(t)
	builtin, fixedName := defaultGrantUnderTest(env.gen)
	fixed := env.roleByName(t, fixedName)
	before := builtinSnapshot(t, env)
	const addr = "grafanarbac_default_assignment.test"
	id := builtin + ":" + fixedName

	// Not parallel: both tests change the same default grant, and the
	// snapshot compares whole built-in roles. After the destroy the grant is
	// in place, as on a fresh Grafana, and nothing else moved.
	resource.Test(t, resource.TestCase{
		PreCheck:                 env.preCheck,
		ProtoV6ProviderFactories: env.factories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			checkDefaultGrant(env, builtin, fixed, true),
			checkSnapshot(t, env, before),
		),
		Steps: []resource.TestStep{
			{
				Config: env.config(defaultAssignmentHCL(builtin, fixedName, "")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						// The plan already says exactly which permissions go: the fixed
						// role's (no other default grant of this built-in role holds them).
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("affected_permissions"), asgPermsCheck(fixed.Permissions...)),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: checkDefaultGrant(env, builtin, fixed, false),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(id)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("assigned"), knownvalue.Bool(false)),
				},
			},
			{ResourceName: addr, ImportState: true, ImportStateId: id, ImportStateVerify: true},
			{
				Config: env.config(defaultAssignmentHCL(builtin, fixedName, "  assigned = true\n")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(addr, tfjsonpath.New("affected_permissions"), asgPermsCheck(fixed.Permissions...)),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkDefaultGrant(env, builtin, fixed, true),
					checkSnapshot(t, env, before),
				),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("affected_permissions"), asgPermsCheck(fixed.Permissions...)),
				},
			},
			{
				Config:           env.config(defaultAssignmentHCL(builtin, fixedName, "  assigned = false\n")),
				ConfigPlanChecks: asgPlanAction(addr, plancheck.ResourceActionUpdate),
				Check:            checkDefaultGrant(env, builtin, fixed, false),
			},
		},
	})
}

// A removed grant restored outside Terraform is removed again by the next apply.
func TestAccDefaultAssignment_drift(t *testing.T) {
	env := newAssignEnv(t)
	builtin, fixedName := defaultGrantUnderTest(env.gen)
	fixed := env.roleByName(t, fixedName)
	before := builtinSnapshot(t, env)
	const addr = "grafanarbac_default_assignment.test"
	hcl := defaultAssignmentHCL(builtin, fixedName, "")

	resource.Test(t, resource.TestCase{
		PreCheck:                 env.preCheck,
		ProtoV6ProviderFactories: env.factories,
		CheckDestroy:             checkSnapshot(t, env, before),
		Steps: []resource.TestStep{
			{
				Config:           env.config(hcl),
				ConfigPlanChecks: asgEmptyPlanAfterApply,
				Check:            checkDefaultGrant(env, builtin, fixed, false),
			},
			{
				PreConfig: func() {
					// Put back outside Terraform, with no clean-up of its own: the
					// apply removes the grant again and the destroy restores it, so
					// the test ends where it started. (A clean-up that took the
					// permissions away after the destroy would leave the default
					// grant off for every later test.)
					if env.gen == grafana.Generation1 {
						env.grantBuiltin(t, builtin, fixed, true)
					} else {
						env.editBasicRole(t, builtin, func(have []grafana.Permission) []grafana.Permission {
							return append(have, fixed.Permissions...)
						})
					}
				},
				Config:           env.config(hcl),
				ConfigPlanChecks: asgPlanAction(addr, plancheck.ResourceActionUpdate),
				Check:            checkDefaultGrant(env, builtin, fixed, false),
			},
		},
	})
}

func TestAccDefaultAssignment_validation(t *testing.T) {
	env := newAssignEnv(t)
	builtin, fixedName := defaultGrantUnderTest(env.gen)
	custom := env.createRole(t, env.testPerms(t, 1), false)
	before := builtinSnapshot(t, env)
	plan := func(hcl string, want *regexp.Regexp) resource.TestStep {
		return resource.TestStep{Config: env.config(hcl), PlanOnly: true, ExpectError: want}
	}
	steps := []resource.TestStep{
		plan(defaultAssignmentHCL(builtin, custom.Name, ""), asgErr("fixed_role", "must be the name of a fixed role")),
		plan(defaultAssignmentHCL(builtin, "fixed:"+env.randName("nope"), ""), asgErr("Fixed role not found")),
		plan(defaultAssignmentHCL("viewer", fixedName, ""), asgErr("Unknown built-in role", "Did you mean \"Viewer\"")),
		{
			Config:        env.config(defaultAssignmentHCL(builtin, fixedName, "")),
			ResourceName:  "grafanarbac_default_assignment.test",
			ImportState:   true,
			ImportStateId: builtin + ":" + custom.Name,
			ExpectError:   asgErr("Invalid import ID", "<builtin_role>:<fixed_role>"),
		},
	}
	if env.gen == grafana.Generation1 {
		steps = append(steps, plan(defaultAssignmentHCL("None", fixedName, ""), asgErr("Unknown built-in role", "only on Grafana 9")))
	}
	// Not parallel: its checks compare whole built-in roles, which the
	// parallel assignment tests change.
	resource.Test(t, resource.TestCase{
		PreCheck:                 env.preCheck,
		ProtoV6ProviderFactories: env.factories,
		Steps:                    steps,
	})
	if err := checkSnapshot(t, env, before)(nil); err != nil {
		t.Error(err)
	}
}
