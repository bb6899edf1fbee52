package provider_test

import (
	"context"
	"fmt"
	"maps"
	"os"
	"regexp"
	"slices"
	"testing"

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

// builtinSnapshot is what every built-in role holds: on generation 2 the
// basic role's permissions; on generation 1 the names of the roles granted
// to it (uids are random per Grafana), global grants and those of the
// provider's org together.
func builtinSnapshot(t *testing.T, env *assignEnv) map[string][]string {
	t.Helper()
	return builtinSnapshotIn(t, env, nil)
}

// builtinSnapshotIn is builtinSnapshot with, on generation 1 and when
// elsewhere (a client for another org, see secondOrgClient) is given, the
// global grants apart from the org's. The list endpoint shows both kinds
// alike, so a grant is taken as global when elsewhere sees it too: a default
// restored as an org-level grant then differs from Grafana's global one.
func builtinSnapshotIn(t *testing.T, env *assignEnv, elsewhere *grafana.Client) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	if env.gen == grafana.Generation1 {
		here, err := env.client.ListBuiltinRoleAssignments(context.Background(), true)
		if err != nil {
			t.Fatal(err)
		}
		there := map[string][]grafana.Role{}
		if elsewhere != nil {
			if there, err = elsewhere.ListBuiltinRoleAssignments(context.Background(), true); err != nil {
				t.Fatal(err)
			}
			for b, roles := range there {
				for _, r := range roles {
					out["global "+b] = append(out["global "+b], r.Name)
				}
			}
		}
		for b, roles := range here {
			key := b
			if elsewhere != nil {
				key = "org " + b
			}
			for _, r := range roles {
				if !rolesHaveUID(there[b], r.UID) {
					out[key] = append(out[key], r.Name)
				}
			}
		}
		for k := range out {
			slices.Sort(out[k])
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

// secondOrgClient is a client for a new organization, in which only the
// global built-in role grants show (generation 1; nil on generation 2,
// whose basic roles are global).
func secondOrgClient(t *testing.T, env *assignEnv) *grafana.Client {
	t.Helper()
	if env.gen != grafana.Generation1 {
		return nil
	}
	return env.client.WithOrg(env.createOrg(t))
}

func checkSnapshot(t *testing.T, env *assignEnv, want map[string][]string) resource.TestCheckFunc {
	return checkSnapshotIn(t, env, nil, want)
}

func checkSnapshotIn(t *testing.T, env *assignEnv, elsewhere *grafana.Client, want map[string][]string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got := builtinSnapshotIn(t, env, elsewhere)
		if !maps.EqualFunc(got, want, slices.Equal) {
			return fmt.Errorf("built-in roles differ from Grafana's default:\n got %v\nwant %v", got, want)
		}
		return nil
	}
}

// ownAssignEnv is an assignEnv on an emulator of the test's own.
func ownAssignEnv(t *testing.T, g *ownGrafana) *assignEnv {
	t.Helper()
	gen, err := g.Client.Generation(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	block := func(auth string) string {
		return providerBlockHCL(fmt.Sprintf("url    = %q", g.URL), fmt.Sprintf("auth   = %q", auth), "org_id = 1")
	}
	return &assignEnv{
		t: t, client: g.Client, gen: gen, orgID: 1,
		factories: acctest.ProtoV6ProviderFactories, preCheck: func() {},
		provider: block(g.Auth), providerWithAuth: block, randName: acctest.RandName,
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
	var (
		env       *assignEnv
		elsewhere *grafana.Client
		want      map[string][]string // Grafana's default
		run       = resource.Test
	)
	if a := acctest.Get(t); a.Real() {
		// A real Grafana cannot be had fresh: the best default at hand is
		// what it holds now. Not parallel: the snapshot compares whole
		// built-in roles, which the parallel assignment tests change.
		env = newAssignEnv(t)
		elsewhere = secondOrgClient(t, env)
		want = builtinSnapshotIn(t, env, elsewhere)
	} else {
		// The harness's emulator has been changed by the tests before this
		// one (and by the setup of parallel tests, which runs before they
		// pause): the round trip runs on an emulator no other test touches,
		// and ends compared with one that nothing touched at all.
		cfg := emulator.Config{Generation: a.Emulator.Emulator.Generation(), Version: os.Getenv(acctest.EnvVersion)}
		fresh := ownAssignEnv(t, startOwnEmulator(t, cfg))
		want = builtinSnapshotIn(t, fresh, secondOrgClient(t, fresh))
		env = ownAssignEnv(t, startOwnEmulator(t, cfg))
		elsewhere = secondOrgClient(t, env)
		if err := checkSnapshotIn(t, env, elsewhere, want)(nil); err != nil {
			t.Fatalf("two fresh emulators start apart, so the round trip cannot be judged: %v", err)
		}
		run = resource.ParallelTest
	}
	builtin, fixedName := defaultGrantUnderTest(env.gen)
	fixed := env.roleByName(t, fixedName)
	const addr = "grafanarbac_default_assignment.test"
	id := builtin + ":" + fixedName

	// After the destroy the grant is in place, as on a fresh Grafana, and
	// nothing else moved.
	run(t, resource.TestCase{
		PreCheck:                 env.preCheck,
		ProtoV6ProviderFactories: env.factories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			checkDefaultGrant(env, builtin, fixed, true),
			checkSnapshotIn(t, env, elsewhere, want),
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
					checkSnapshotIn(t, env, elsewhere, want),
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
	elsewhere := secondOrgClient(t, env)
	before := builtinSnapshotIn(t, env, elsewhere)
	const addr = "grafanarbac_default_assignment.test"
	hcl := defaultAssignmentHCL(builtin, fixedName, "")

	resource.Test(t, resource.TestCase{
		PreCheck:                 env.preCheck,
		ProtoV6ProviderFactories: env.factories,
		CheckDestroy:             checkSnapshotIn(t, env, elsewhere, before),
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

// A grant that is not in place when the resource is created: removing it
// fails the plan, since a destroy must not grant what the resource never
// took away; keeping it in place adds it, and the destroy takes it away
// again. Either way Grafana ends as it started.
func TestAccDefaultAssignment_grantNotInPlace(t *testing.T) {
	cfg := emulator.Config{Version: os.Getenv(acctest.EnvVersion)}
	if a := acctest.Get(t); !a.Real() {
		cfg.Generation = a.Emulator.Emulator.Generation()
	}
	// An emulator of its own: the checks compare whole built-in roles.
	env := ownAssignEnv(t, startOwnEmulator(t, cfg))
	notDefaults := []string{"fixed:dashboards:creator", "fixed:teams:creator"} // Editor's, and nobody's
	granted := "fixed:teams:creator"
	if env.gen == grafana.Generation1 {
		notDefaults = []string{"fixed:datasources:reader"}
		granted = "fixed:datasources:reader"
	}
	before := builtinSnapshot(t, env)
	var steps []resource.TestStep
	for _, name := range notDefaults {
		steps = append(steps, resource.TestStep{
			Config:      env.config(defaultAssignmentHCL("Viewer", name, "")),
			PlanOnly:    true,
			ExpectError: asgErr("Grant not in place", fmt.Sprintf("%q", name), `"Viewer"`, "grafanarbac_builtin_role_assignment"),
		})
	}
	fixed := env.roleByName(t, granted)
	steps = append(steps, resource.TestStep{
		Config:           env.config(defaultAssignmentHCL("Viewer", granted, "  assigned = true\n")),
		ConfigPlanChecks: asgEmptyPlanAfterApply,
		Check:            checkDefaultGrant(env, "Viewer", fixed, true),
	})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories,
		CheckDestroy:             checkSnapshot(t, env, before),
		Steps:                    steps,
	})
}
