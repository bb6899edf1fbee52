package provider_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

func uids(v ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(v))
	for i, uid := range v {
		checks[i] = knownvalue.StringExact(uid)
	}
	return knownvalue.SetExact(checks)
}

// roleSetCase is one run of the role-set resources' shared scenario.
type roleSetCase struct {
	resource string // resource address
	importID string
	holder   holder
	global   bool
	hcl      func(uids ...string) string // the resource block holding uids
	add      func(uid string) error      // grant outside Terraform
	remove   func(uid string) error      // revoke outside Terraform
}

// testRoleSet: create, an out-of-band grant added and one removed (both
// undone by the next apply), import, and a destroy that keeps a grant made
// outside Terraform after the last apply.
func testRoleSet(t *testing.T, env *assignEnv, c roleSetCase) {
	r1, r2 := env.createRole(t, env.testPerms(t, 1), c.global), env.createRole(t, env.testPerms(t, 1), c.global)
	r3, r4 := env.createRole(t, env.testPerms(t, 1), c.global), env.createRole(t, env.testPerms(t, 1), c.global)
	cfg := env.config(c.hcl(r1.UID, r2.UID))
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	h := c.holder
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 env.preCheck,
		ProtoV6ProviderFactories: env.factories,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(c.resource, tfjsonpath.New("id"), knownvalue.StringExact(c.importID)),
					statecheck.ExpectKnownValue(c.resource, tfjsonpath.New("role_uids"), uids(r1.UID, r2.UID)),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            resource.ComposeTestCheckFunc(env.expectHolds(t, r1.UID, true, h), env.expectHolds(t, r2.UID, true, h)),
			},
			{
				PreConfig: func() { must(c.add(r3.UID)); must(c.remove(r1.UID)) },
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(c.resource, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(
					env.expectHolds(t, r1.UID, true, h), env.expectHolds(t, r2.UID, true, h), env.expectHolds(t, r3.UID, false, h)),
			},
			{ResourceName: c.resource, ImportState: true, ImportStateId: c.importID, ImportStateVerify: true},
			{
				PreConfig: func() { must(c.add(r4.UID)) },
				Config:    env.config(),
				Check: resource.ComposeTestCheckFunc(
					env.expectHolds(t, r1.UID, false, h), env.expectHolds(t, r2.UID, false, h), env.expectHolds(t, r4.UID, true, h)),
			},
		},
	})
}

func hclSet(values []string) string {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = fmt.Sprintf("%q", v)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

func TestAccTeamRolesResource(t *testing.T) {
	env := newAssignEnv(t)
	ctx := context.Background()
	team := env.createTeam(t)
	testRoleSet(t, env, roleSetCase{
		resource: "grafanarbac_team_roles.test",
		importID: fmt.Sprintf("%d:%d", env.orgID, team),
		holder:   holder{"team", team},
		hcl: func(u ...string) string {
			return fmt.Sprintf("resource \"grafanarbac_team_roles\" \"test\" {\n  team_id   = %d\n  role_uids = %s\n}", team, hclSet(u))
		},
		add:    func(uid string) error { return env.client.AddTeamRole(ctx, team, uid) },
		remove: func(uid string) error { return env.client.RemoveTeamRole(ctx, team, uid) },
	})
}

func TestAccTeamRolesResource_refused(t *testing.T) {
	env := newAssignEnv(t)
	team := env.createTeam(t)
	plan := func(uid, err string) resource.TestStep {
		return resource.TestStep{
			Config:   env.config(fmt.Sprintf("resource \"grafanarbac_team_roles\" \"test\" {\n  team_id = %d\n  role_uids = [%q]\n}", team, uid)),
			PlanOnly: true, ExpectError: asgErr(err),
		}
	}
	steps := []resource.TestStep{
		{
			Config:   env.config(`resource "grafanarbac_team_roles" "test" { team_id = 999999 }`),
			PlanOnly: true, ExpectError: asgErr("Team not found"),
		},
	}
	if env.gen == grafana.Generation2 {
		steps = append(steps,
			plan("basic_viewer", "Basic role cannot be assigned"),
			plan(env.roleByName(t, "managed:builtins:viewer:permissions").UID, "Managed role cannot be assigned"))
	}
	resource.ParallelTest(t, resource.TestCase{PreCheck: env.preCheck, ProtoV6ProviderFactories: env.factories, Steps: steps})
}
