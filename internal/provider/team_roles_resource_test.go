package provider_test

import (
	"context"
	"fmt"
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

func TestAccTeamRolesResource(t *testing.T) {
	env := newAssignEnv(t)
	ctx := context.Background()
	r1, r2 := env.createRole(t, env.testPerms(t, 1), false), env.createRole(t, env.testPerms(t, 1), false)
	r3, r4 := env.createRole(t, env.testPerms(t, 1), false), env.createRole(t, env.testPerms(t, 1), false)
	team := env.createTeam(t)
	tm := holder{"team", team}
	name := "grafanarbac_team_roles.test"
	cfg := env.config(fmt.Sprintf(`resource "grafanarbac_team_roles" "test" {
  team_id   = %d
  role_uids = [%q, %q]
}`, team, r1.UID, r2.UID))
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 env.preCheck,
		ProtoV6ProviderFactories: env.factories,
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(name, tfjsonpath.New("id"), knownvalue.StringExact(fmt.Sprintf("%d:%d", env.orgID, team))),
					statecheck.ExpectKnownValue(name, tfjsonpath.New("role_uids"), uids(r1.UID, r2.UID)),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: resource.ComposeTestCheckFunc(
					env.expectHolds(t, r1.UID, true, tm), env.expectHolds(t, r2.UID, true, tm)),
			},
			{
				PreConfig: func() {
					must(env.client.AddTeamRole(ctx, team, r3.UID))
					must(env.client.RemoveTeamRole(ctx, team, r1.UID))
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(name, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(
					env.expectHolds(t, r1.UID, true, tm), env.expectHolds(t, r2.UID, true, tm), env.expectHolds(t, r3.UID, false, tm)),
			},
			{
				ResourceName:      name,
				ImportState:       true,
				ImportStateId:     fmt.Sprintf("%d:%d", env.orgID, team),
				ImportStateVerify: true,
			},
			{
				PreConfig: func() { must(env.client.AddTeamRole(ctx, team, r4.UID)) },
				Config:    env.config(),
				Check: resource.ComposeTestCheckFunc(
					env.expectHolds(t, r1.UID, false, tm), env.expectHolds(t, r2.UID, false, tm), env.expectHolds(t, r4.UID, true, tm)),
			},
		},
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
