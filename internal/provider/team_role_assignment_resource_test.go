package provider_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/emulator"
	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

func teamAssignmentHCL(name string, teamID int64, roleUID, extra string) string {
	return fmt.Sprintf(`
resource "grafanarbac_team_role_assignment" %q {
  team_id  = %d
  role_uid = %q
%s}
`, name, teamID, roleUID, extra)
}

// checkTeamHasRole asks Grafana whether the team holds the role.
func checkTeamHasRole(env *assignEnv, teamID int64, uid string, want bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		roles, err := env.client.ListTeamRoles(context.Background(), teamID, true)
		if err != nil {
			return fmt.Errorf("listing the roles of team %d: %w", teamID, err)
		}
		has := slices.ContainsFunc(roles, func(r grafana.Role) bool { return r.UID == uid })
		if has != want {
			return fmt.Errorf("team %d holds role %s: %t, want %t", teamID, uid, has, want)
		}
		return nil
	}
}

func checkTeamAssignmentsDestroyed(env *assignEnv) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for _, rs := range s.RootModule().Resources {
			if rs.Type != "grafanarbac_team_role_assignment" {
				continue
			}
			teamID, _ := strconv.ParseInt(rs.Primary.Attributes["team_id"], 10, 64)
			if err := checkTeamHasRole(env, teamID, rs.Primary.Attributes["role_uid"], false)(s); err != nil {
				return fmt.Errorf("after destroy: %w", err)
			}
		}
		return nil
	}
}

func TestAccTeamRoleAssignment_basic(t *testing.T) {
	env := newAssignEnv(t)
	role := env.createRole(t, env.testPerms(t, 1), false)
	other := env.createRole(t, env.testPerms(t, 1), false)
	teamID := env.createTeam(t)
	// An assignment made outside Terraform stays: the resource never sets the whole list.
	if err := env.client.AddTeamRole(context.Background(), teamID, other.UID); err != nil {
		t.Fatal(err)
	}
	const addr = "grafanarbac_team_role_assignment.test"
	id := fmt.Sprintf("%d:%d:%s", env.orgID, teamID, role.UID)
	hcl := teamAssignmentHCL("test", teamID, role.UID, "")

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 env.preCheck,
		ProtoV6ProviderFactories: env.factories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			checkTeamAssignmentsDestroyed(env),
			checkTeamHasRole(env, teamID, other.UID, true),
		),
		Steps: []resource.TestStep{
			{
				Config:           env.config(hcl),
				ConfigPlanChecks: asgEmptyPlanAfterApply,
				Check: resource.ComposeAggregateTestCheckFunc(
					checkTeamHasRole(env, teamID, role.UID, true),
					checkTeamHasRole(env, teamID, other.UID, true),
				),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(id)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("org_id"), knownvalue.Int64Exact(env.orgID)),
				},
			},
			{ResourceName: addr, ImportState: true, ImportStateId: id, ImportStateVerify: true},
			{
				PreConfig: func() {
					if err := env.client.RemoveTeamRole(context.Background(), teamID, role.UID); err != nil {
						t.Fatal(err)
					}
				},
				Config:           env.config(hcl),
				ConfigPlanChecks: asgPlanAction(addr, plancheck.ResourceActionCreate),
				Check:            checkTeamHasRole(env, teamID, role.UID, true),
			},
		},
	})
}

// Twenty assignments to one team in one apply, run by terraform at its
// default parallelism of 10, all end present.
func TestAccTeamRoleAssignment_parallel(t *testing.T) {
	env := newAssignEnv(t)
	teamID := env.createTeam(t)
	const n = 20
	perms := env.testPerms(t, n)
	var hcl []string
	var checks []resource.TestCheckFunc
	for i := range n {
		role := env.createRole(t, perms[i:i+1], false)
		hcl = append(hcl, teamAssignmentHCL(fmt.Sprintf("r%d", i), teamID, role.UID, ""))
		checks = append(checks, checkTeamHasRole(env, teamID, role.UID, true))
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 env.preCheck,
		ProtoV6ProviderFactories: env.factories,
		CheckDestroy:             checkTeamAssignmentsDestroyed(env),
		Steps: []resource.TestStep{{
			Config:           env.config(hcl...),
			ConfigPlanChecks: asgEmptyPlanAfterApply,
			Check:            resource.ComposeAggregateTestCheckFunc(checks...),
		}},
	})
}

func TestAccTeamRoleAssignment_validation(t *testing.T) {
	env := newAssignEnv(t)
	role := env.createRole(t, env.testPerms(t, 1), false)
	teamID := env.createTeam(t)
	otherOrg := env.createOrg(t)
	basicUID := "basic_viewer"
	plan := func(hcl string, want *regexp.Regexp) resource.TestStep {
		return resource.TestStep{Config: env.config(hcl), PlanOnly: true, ExpectError: want}
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 env.preCheck,
		ProtoV6ProviderFactories: env.factories,
		Steps: []resource.TestStep{
			plan(teamAssignmentHCL("test", teamID, basicUID, ""), asgErr("Basic role cannot be assigned")),
			plan(teamAssignmentHCL("test", 999999, role.UID, ""), asgErr("Team not found", "team_id")),
			plan(teamAssignmentHCL("test", teamID, role.UID, fmt.Sprintf("  org_id = %d\n", otherOrg)), asgErr("Team not found", "organization")),
			{
				Config:        env.config(teamAssignmentHCL("test", teamID, role.UID, "")),
				ResourceName:  "grafanarbac_team_role_assignment.test",
				ImportState:   true,
				ImportStateId: fmt.Sprintf("%d:team-%d:%s", env.orgID, teamID, role.UID),
				ExpectError:   asgErr("Invalid import ID", "team_id must be a positive integer"),
			},
		},
	})
	if err := checkTeamHasRole(env, teamID, role.UID, false)(nil); err != nil {
		t.Error(err)
	}
}

// failReadsAfterWrite answers 500 to the first n GETs of path that follow a
// POST to it: a grant made whose read-back runs out of retries.
func failReadsAfterWrite(path *regexp.Regexp, n int) func(http.Handler) http.Handler {
	var armed atomic.Bool
	var left atomic.Int64
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !path.MatchString(r.URL.Path) {
				next.ServeHTTP(w, r)
				return
			}
			if r.Method == http.MethodPost && !armed.Swap(true) {
				left.Store(int64(n))
			}
			if r.Method != http.MethodGet || left.Add(-1) < 0 {
				next.ServeHTTP(w, r)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write([]byte(`{"message":"internal server error"}`))
		})
	}
}

// A grant whose POST succeeded is saved as created when its read-back
// fails: not tainted, so the next plan is empty instead of a delete and
// re-add that takes the role from the team (or user) for a moment.
// Grafana 8 has no basic roles, so a custom role whose uid starts with
// basic_ is assigned like any other there.
func TestAccTeamRoleAssignment_basicUIDOnGeneration1(t *testing.T) {
	env := newAssignEnv(t)
	env.skipUnlessGen(t, grafana.Generation1, "Grafana 9+ takes a basic_ uid for a basic role")
	name := env.randName("custom:acc:basic-uid")
	uid := roleUIDFor(name)
	uid = "basic_" + uid[max(0, len(uid)-34):] // the random end, within 40
	role, err := env.client.CreateRole(context.Background(), grafana.CreateRoleRequest{
		UID: uid, Name: name, Version: 1, Permissions: env.testPerms(t, 1),
	})
	if err != nil {
		t.Fatalf("creating role %s: %v", name, err)
	}
	t.Cleanup(func() {
		if err := env.client.DeleteRole(context.Background(), role.UID, grafana.DeleteRoleOptions{Force: true}); err != nil && !grafana.IsNotFound(err) {
			t.Errorf("deleting role %s: %v", role.UID, err)
		}
	})
	teamID := env.createTeam(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 env.preCheck,
		ProtoV6ProviderFactories: env.factories,
		CheckDestroy:             checkTeamAssignmentsDestroyed(env),
		Steps: []resource.TestStep{{
			Config:           env.config(teamAssignmentHCL("test", teamID, role.UID, "")),
			Check:            checkTeamHasRole(env, teamID, role.UID, true),
			ConfigPlanChecks: asgEmptyPlanAfterApply,
		}},
	})
}

func TestAccAssignment_readBackFails(t *testing.T) {
	for _, kind := range []string{"team", "user"} {
		t.Run(kind, func(t *testing.T) {
			post := regexp.MustCompile(`^/api/access-control/` + kind + `s/\d+/roles$`)
			srv := startRelServer(t, emulator.Config{}, failReadsAfterWrite(post, 2))
			env := srv.assignEnv(t, &rpcRecorder{}, "retries = 1", "retry_wait = 0")
			role := env.createRole(t, env.testPerms(t, 1), false)
			addr, hcl := "grafanarbac_team_role_assignment.test", ""
			var holds func(want bool) resource.TestCheckFunc
			if kind == "team" {
				team := env.createTeam(t)
				hcl = teamAssignmentHCL("test", team, role.UID, "")
				holds = func(want bool) resource.TestCheckFunc { return checkTeamHasRole(env, team, role.UID, want) }
			} else {
				user := env.createUser(t)
				addr = "grafanarbac_user_role_assignment.test"
				hcl = fmt.Sprintf("resource \"grafanarbac_user_role_assignment\" \"test\" {\n  user_id  = %d\n  role_uid = %q\n}\n", user, role.UID)
				holds = func(want bool) resource.TestCheckFunc { return checkUserHasRole(env, user, role.UID, want) }
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: env.factories,
				CheckDestroy:             holds(false),
				Steps: []resource.TestStep{{
					Config:           env.config(hcl),
					ConfigPlanChecks: asgEmptyPlanAfterApply,
					Check: resource.ComposeAggregateTestCheckFunc(holds(true), func(s *terraform.State) error {
						if rs := s.RootModule().Resources[addr]; rs == nil || rs.Primary.Tainted {
							return fmt.Errorf("%s is missing or tainted", addr)
						}
						return nil
					}),
				}},
			})
		})
	}
}

// Two resources claiming one grant fail the plan, whether both are new or
// one was applied before; with a role uid known only at apply (a new role),
// the apply fails before the second grant.
func TestAccTeamRoleAssignment_duplicateGrant(t *testing.T) {
	env := newAssignEnv(t)
	perms := env.testPerms(t, 2)
	role, other := env.createRole(t, perms[:1], false), env.createRole(t, perms[1:], false)
	team := env.createTeam(t)
	twice := asgErr("Two resources claim one grant", fmt.Sprintf("also assigns role %q to team %d", role.UID, team))
	newRole := fmt.Sprintf("resource \"grafanarbac_custom_role\" \"new\" {\n  name = %q\n}\n", env.randName("custom:acc:dup"))
	byRef := func(name string) string {
		return fmt.Sprintf("resource \"grafanarbac_team_role_assignment\" %q {\n  team_id  = %d\n  role_uid = grafanarbac_custom_role.new.uid\n}\n", name, team)
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 env.preCheck,
		ProtoV6ProviderFactories: env.factories,
		CheckDestroy:             checkTeamHasRole(env, team, role.UID, false),
		Steps: []resource.TestStep{
			{Config: env.config(teamAssignmentHCL("a", team, role.UID, ""), teamAssignmentHCL("b", team, role.UID, "")), PlanOnly: true, ExpectError: twice},
			{Config: env.config(teamAssignmentHCL("a", team, other.UID, "")), ConfigPlanChecks: asgEmptyPlanAfterApply},
			{
				// A replaced resource is planned twice in one operation; it is not its own duplicate.
				Config:           env.config(teamAssignmentHCL("a", team, role.UID, "")),
				ConfigPlanChecks: asgPlanAction("grafanarbac_team_role_assignment.a", plancheck.ResourceActionDestroyBeforeCreate),
				Check:            checkTeamHasRole(env, team, role.UID, true),
			},
			{Config: env.config(teamAssignmentHCL("a", team, role.UID, ""), teamAssignmentHCL("b", team, role.UID, "")), PlanOnly: true, ExpectError: twice},
			{
				Config:      env.config(teamAssignmentHCL("a", team, role.UID, ""), newRole, byRef("c"), byRef("d")),
				ExpectError: asgErr("Two resources claim one grant", "also assigns role", fmt.Sprintf("to team %d", team)),
			},
			{
				// Terraform plans again and applies resource by resource once
				// the uid is known: the first of c and d may have been made, and
				// is in the state, so removing both takes the grant away.
				Config:           env.config(teamAssignmentHCL("a", team, role.UID, ""), newRole),
				ConfigPlanChecks: asgEmptyPlanAfterApply,
				Check: func(*terraform.State) error {
					roles, err := env.client.ListTeamRoles(context.Background(), team, true)
					if err != nil || len(roles) != 1 {
						return fmt.Errorf("team %d holds %d roles (%v), want only %s", team, len(roles), err, role.UID)
					}
					return nil
				},
			},
		},
	})
}
