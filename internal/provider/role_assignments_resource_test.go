package provider_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

// holds reports whether a user (or service account) or a team holds role uid in the provider's org.
func (e *assignEnv) holds(t *testing.T, kind string, id int64, uid string) bool {
	t.Helper()
	ctx := context.Background()
	var roles []grafana.Role
	var err error
	if kind == "team" {
		roles, err = e.client.ListTeamRoles(ctx, id, true)
	} else {
		roles, err = e.client.ListUserRoles(ctx, id, true)
	}
	if err != nil {
		t.Fatalf("reading the roles of %s %d: %v", kind, id, err)
	}
	for _, r := range roles {
		if r.UID == uid {
			return true
		}
	}
	return false
}

// expectHolds is a Check that each holder holds (or not) role uid.
func (e *assignEnv) expectHolds(t *testing.T, uid string, want bool, holders ...holder) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, h := range holders {
			if got := e.holds(t, h.kind, h.id, uid); got != want {
				return fmt.Errorf("%s %d holds role %s: %v, want %v", h.kind, h.id, uid, got, want)
			}
		}
		return nil
	}
}

type holder struct {
	kind string // "user" (also service accounts) or "team"
	id   int64
}

func ids(v ...int64) knownvalue.Check {
	checks := make([]knownvalue.Check, len(v))
	for i, id := range v {
		checks[i] = knownvalue.Int64Exact(id)
	}
	return knownvalue.SetExact(checks)
}

func TestAccRoleAssignmentsResource(t *testing.T) {
	env := newAssignEnv(t)
	env.skipUnlessGen(t, grafana.Generation2, "role-centric assignments")
	ctx := context.Background()
	role := env.createRole(t, env.testPerms(t, 1), false)
	u1, u2, u3 := env.createUser(t), env.createUser(t), env.createUser(t)
	t1, sa := env.createTeam(t), env.createServiceAccount(t)
	name := "grafanarbac_role_assignments.test"
	cfg := env.config(fmt.Sprintf(`resource "grafanarbac_role_assignments" "test" {
  role_uid         = %q
  users            = [%d]
  teams            = [%d]
  service_accounts = [%d]
}`, role.UID, u1, t1, sa))
	grant := func(err error) {
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
					statecheck.ExpectKnownValue(name, tfjsonpath.New("id"), knownvalue.StringExact(fmt.Sprintf("%d:%s", env.orgID, role.UID))),
					statecheck.ExpectKnownValue(name, tfjsonpath.New("users"), ids(u1)),
					statecheck.ExpectKnownValue(name, tfjsonpath.New("teams"), ids(t1)),
					statecheck.ExpectKnownValue(name, tfjsonpath.New("service_accounts"), ids(sa)),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            env.expectHolds(t, role.UID, true, holder{"user", u1}, holder{"team", t1}, holder{"user", sa}),
			},
			{
				// Out of band: one grant added, one removed. The plan shows both; the apply undoes both.
				PreConfig: func() {
					grant(env.client.AddUserRole(ctx, u2, role.UID, false))
					grant(env.client.RemoveTeamRole(ctx, t1, role.UID))
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(name, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(
					env.expectHolds(t, role.UID, true, holder{"user", u1}, holder{"team", t1}, holder{"user", sa}),
					env.expectHolds(t, role.UID, false, holder{"user", u2}),
				),
			},
			{
				ResourceName:      name,
				ImportState:       true,
				ImportStateId:     fmt.Sprintf("%d:%s", env.orgID, role.UID),
				ImportStateVerify: true,
			},
			{
				// A grant made outside Terraform after the last apply survives the destroy.
				PreConfig: func() { grant(env.client.AddUserRole(ctx, u3, role.UID, false)) },
				Config:    env.config(),
				Check: resource.ComposeTestCheckFunc(
					env.expectHolds(t, role.UID, false, holder{"user", u1}, holder{"team", t1}, holder{"user", sa}),
					env.expectHolds(t, role.UID, true, holder{"user", u3}),
				),
			},
		},
	})
}

func TestAccRoleAssignmentsResource_refused(t *testing.T) {
	env := newAssignEnv(t)
	plan := func(hcl string, err string) resource.TestStep {
		return resource.TestStep{Config: env.config(hcl), PlanOnly: true, ExpectError: asgErr(err)}
	}
	if env.gen == grafana.Generation1 {
		resource.ParallelTest(t, resource.TestCase{
			PreCheck: env.preCheck, ProtoV6ProviderFactories: env.factories,
			Steps: []resource.TestStep{plan(`resource "grafanarbac_role_assignments" "test" { role_uid = "x" }`, "needs Grafana 9 or later")},
		})
		return
	}
	managed := env.roleByName(t, "managed:builtins:viewer:permissions")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck: env.preCheck, ProtoV6ProviderFactories: env.factories,
		Steps: []resource.TestStep{
			plan(`resource "grafanarbac_role_assignments" "test" { role_uid = "basic_viewer" }`, "Basic role cannot be assigned"),
			plan(fmt.Sprintf(`resource "grafanarbac_role_assignments" "test" { role_uid = %q }`, managed.UID), "Managed role cannot be assigned"),
		},
	})
}
