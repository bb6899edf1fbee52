package provider_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

// bothNamed matches a diagnostic with summary that names a and b in either
// order: which of two resources is planned second, and fails, varies.
func bothNamed(summary, a, b string) *regexp.Regexp {
	q := func(s string) string { return strings.ReplaceAll(regexp.QuoteMeta(s), " ", `\s+`) }
	return regexp.MustCompile(q(summary) + `[\s\S]*(` + q(a) + `[\s\S]*` + q(b) + `|` + q(b) + `[\s\S]*` + q(a) + `)`)
}

// A per-item and an authoritative resource covering one grant fail the plan,
// naming both; resources that cover different grants plan.
func TestAccAuthoritativeAndPerItemConflict(t *testing.T) {
	env := newAssignEnv(t)
	role, other := env.createRole(t, env.testPerms(t, 1), false), env.createRole(t, env.testPerms(t, 1), false)
	team, user := env.createTeam(t), env.createUser(t)
	teamItem := fmt.Sprintf("resource \"grafanarbac_team_role_assignment\" \"item\" {\n  team_id  = %d\n  role_uid = %q\n}", team, role.UID)
	userItem := fmt.Sprintf("resource \"grafanarbac_user_role_assignment\" \"item\" {\n  user_id  = %d\n  role_uid = %q\n}", user, role.UID)
	teamRoles := func(name string) string {
		return fmt.Sprintf("resource \"grafanarbac_team_roles\" %q {\n  team_id   = %d\n  role_uids = [%q]\n}", name, team, role.UID)
	}
	namedUserRoles := func(name string) string {
		return fmt.Sprintf("resource \"grafanarbac_user_roles\" %q {\n  user_id   = %d\n  role_uids = [%q]\n}", name, user, role.UID)
	}
	userRoles := namedUserRoles("set")
	namedHolders := func(name, uid string) string {
		return fmt.Sprintf("resource \"grafanarbac_role_assignments\" %q {\n  role_uid = %q\n}", name, uid)
	}
	roleHolders := func(uid string) string { return namedHolders("set", uid) }
	conflict := "Per-item and authoritative resources state the same grant"
	teamItemName := fmt.Sprintf("grafanarbac_team_role_assignment of role %q to team %d", role.UID, team)
	userItemName := fmt.Sprintf("grafanarbac_user_role_assignment of role %q to user %d", role.UID, user)
	plan := func(expect *regexp.Regexp, hcl ...string) resource.TestStep {
		return resource.TestStep{Config: env.config(hcl...), PlanOnly: true, ExpectError: expect}
	}
	steps := []resource.TestStep{
		plan(bothNamed(conflict, teamItemName, fmt.Sprintf("grafanarbac_team_roles of team %d", team)), teamItem, teamRoles("set")),
		plan(bothNamed(conflict, userItemName, fmt.Sprintf("grafanarbac_user_roles of user %d", user)), userItem, userRoles),
		plan(asgErr("Two resources decide the same grants", "grafanarbac_team_roles of team"), teamRoles("a"), teamRoles("b")),
		plan(asgErr("Two resources decide the same grants", "grafanarbac_user_roles of user"), namedUserRoles("a"), namedUserRoles("b")),
		// Safe: the team's roles beside a per-item grant to someone else.
		{Config: env.config(teamRoles("set"), userItem), PlanOnly: true, ExpectNonEmptyPlan: true},
	}
	if env.gen == grafana.Generation2 {
		roleName := fmt.Sprintf("grafanarbac_role_assignments of role %q", role.UID)
		steps = append(steps,
			plan(bothNamed(conflict, teamItemName, roleName), teamItem, roleHolders(role.UID)),
			plan(bothNamed(conflict, userItemName, roleName), userItem, roleHolders(role.UID)),
			plan(asgErr("Two resources decide the same grants", roleName), namedHolders("a", role.UID), namedHolders("b", role.UID)),
			// Safe: the holders of another role beside per-item grants of this one.
			resource.TestStep{Config: env.config(teamItem, userItem, roleHolders(other.UID)), PlanOnly: true, ExpectNonEmptyPlan: true},
		)
	}
	resource.ParallelTest(t, resource.TestCase{PreCheck: env.preCheck, ProtoV6ProviderFactories: env.factories, Steps: steps})
}

// grafanarbac_role_assignments of a role and grafanarbac_team_roles or
// grafanarbac_user_roles of a team or user in its organization both decide
// whether that team or user holds the role: the plan fails, naming both,
// when either grants it. When neither does they apply side by side, and
// the plan stays empty.
func TestAccAuthoritativePairsConflict(t *testing.T) {
	env := newAssignEnv(t)
	env.skipUnlessGen(t, grafana.Generation2, "grafanarbac_role_assignments")
	role, other := env.createRole(t, env.testPerms(t, 1), false), env.createRole(t, env.testPerms(t, 1), false)
	team, user, holderID := env.createTeam(t), env.createUser(t), env.createUser(t)
	holders := func(teams, users string) string {
		return fmt.Sprintf("resource \"grafanarbac_role_assignments\" \"set\" {\n  role_uid = %q\n  teams    = [%s]\n  users    = [%s]\n}", role.UID, teams, users)
	}
	teamRoles := func(uids ...string) string {
		return fmt.Sprintf("resource \"grafanarbac_team_roles\" \"set\" {\n  team_id   = %d\n  role_uids = %s\n}", team, hclSet(uids))
	}
	userRoles := func(uids ...string) string {
		return fmt.Sprintf("resource \"grafanarbac_user_roles\" \"set\" {\n  user_id   = %d\n  role_uids = %s\n}", user, hclSet(uids))
	}
	conflict := "Two authoritative resources decide the same grant"
	roleName := fmt.Sprintf("grafanarbac_role_assignments of role %q", role.UID)
	teamName, userName := fmt.Sprintf("grafanarbac_team_roles of team %d", team), fmt.Sprintf("grafanarbac_user_roles of user %d", user)
	teamGrant := fmt.Sprintf("whether team %d holds role %q", team, role.UID)
	userGrant := fmt.Sprintf("whether user %d holds role %q", user, role.UID)
	plan := func(expect *regexp.Regexp, hcl ...string) resource.TestStep {
		return resource.TestStep{Config: env.config(hcl...), PlanOnly: true, ExpectError: expect}
	}
	safe := env.config(holders("", fmt.Sprint(holderID)), teamRoles(other.UID), userRoles(other.UID))
	// A role created by the same run: its uid is unknown at plan, and the
	// check runs when Terraform plans the resource again during the apply.
	madeHolders := fmt.Sprintf(`resource "grafanarbac_custom_role" "made" {
  name = %q
}
resource "grafanarbac_role_assignments" "made" {
  role_uid = grafanarbac_custom_role.made.uid
  teams    = [%d]
}`, env.randName("custom:acc:made"), team)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 env.preCheck,
		ProtoV6ProviderFactories: env.factories,
		Steps: []resource.TestStep{
			plan(bothNamed(conflict, roleName, teamName), holders(fmt.Sprint(team), ""), teamRoles(other.UID)),
			plan(bothNamed(conflict, roleName, teamName), holders("", ""), teamRoles(role.UID)),
			plan(bothNamed(conflict, roleName, teamName), holders(fmt.Sprint(team), ""), teamRoles(role.UID)),
			plan(asgErr(conflict, teamGrant), holders(fmt.Sprint(team), ""), teamRoles()),
			plan(bothNamed(conflict, roleName, userName), holders("", fmt.Sprint(user)), userRoles()),
			plan(bothNamed(conflict, roleName, userName), holders("", ""), userRoles(role.UID)),
			plan(asgErr(conflict, userGrant), holders("", ""), userRoles(role.UID)),
			{Config: env.config(madeHolders, teamRoles(other.UID)), ExpectError: bothNamed(conflict, "grafanarbac_role_assignments of role", teamName)},
			{
				Config:           safe,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: resource.ComposeTestCheckFunc(
					env.expectHolds(t, role.UID, true, holder{"user", holderID}),
					env.expectHolds(t, role.UID, false, holder{"team", team}, holder{"user", user}),
					env.expectHolds(t, other.UID, true, holder{"team", team}, holder{"user", user}),
				),
			},
		},
	})
}
