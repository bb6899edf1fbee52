package provider_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/acctest"
	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/emulator"
	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

// On generation 2 a refresh reads the roles of many teams and users in a
// few searches instead of one request each, and still sees a role removed
// outside Terraform: a hidden role of a team, and a global role of a user.
func TestAccRoleAssignments_batchedRefresh(t *testing.T) {
	g := startOwnEmulator(t, emulator.Config{Generation: 12})
	ctx := context.Background()
	perm := []grafana.Permission{{Action: "teams:read", Scope: "teams:*"}}
	hidden, err := g.Client.CreateRole(ctx, grafana.CreateRoleRequest{Name: "custom:batch:hidden", Hidden: true, Permissions: perm})
	if err != nil {
		t.Fatal(err)
	}
	global, err := g.Client.CreateRole(ctx, grafana.CreateRoleRequest{Name: "custom:batch:global", Global: true, Permissions: perm})
	if err != nil {
		t.Fatal(err)
	}
	const teams, users = 30, 10
	var hcl strings.Builder
	hcl.WriteString(providerBlockHCL(fmt.Sprintf("url = %q", g.URL), fmt.Sprintf("auth = %q", g.Auth)))
	var teamIDs, userIDs []int64
	for i := range teams {
		id, err := g.Client.CreateTeam(ctx, fmt.Sprintf("batch-%d", i), "")
		if err != nil {
			t.Fatal(err)
		}
		teamIDs = append(teamIDs, id)
		hcl.WriteString(teamAssignmentHCL(fmt.Sprintf("t%d", i), id, hidden.UID, ""))
	}
	for i := range users {
		id, err := g.Client.CreateUser(ctx, grafana.CreateUserRequest{Login: fmt.Sprintf("batch-%d", i), Password: "password-123"})
		if err != nil {
			t.Fatal(err)
		}
		userIDs = append(userIDs, id)
		hcl.WriteString(userAssignmentHCL(fmt.Sprintf("u%d", i), id, global.UID, "  global = true\n"))
	}
	resetCounts := func() {
		req, _ := http.NewRequest(http.MethodDelete, g.URL+"/api/emulator/stats", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactoriesWithEnv(nil),
		Steps: []resource.TestStep{
			{Config: hcl.String(), ConfigPlanChecks: asgEmptyPlanAfterApply},
			{PreConfig: resetCounts, Config: hcl.String(), PlanOnly: true},
			{
				PreConfig: func() {
					counts := emulatorRequestCounts(t, g)
					if n := counts["GET /api/access-control/teams/:teamId/roles"] + counts["GET /api/access-control/users/:userId/roles"]; n != 0 {
						t.Errorf("a no-op plan read %d teams or users one by one, want 0: %v", n, counts)
					}
					// Terraform reads 10 at a time, and readers meeting within the
					// linger share a search; how many meet depends on the machine's
					// load, so only fewer requests than one per team or user is sure.
					if n := counts["POST /api/access-control/teams/roles/search"]; n == 0 || n >= teams {
						t.Errorf("team searches in a no-op plan of %d teams: %d, want 1 to %d", teams, n, teams-1)
					}
					if n := counts["POST /api/access-control/users/roles/search"]; n == 0 || n >= users {
						t.Errorf("user searches in a no-op plan of %d users: %d, want 1 to %d", users, n, users-1)
					}
					if err := g.Client.RemoveTeamRole(ctx, teamIDs[7], hidden.UID); err != nil {
						t.Fatal(err)
					}
					if err := g.Client.RemoveUserRole(ctx, userIDs[3], global.UID, true); err != nil {
						t.Fatal(err)
					}
				},
				Config: hcl.String(),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("grafanarbac_team_role_assignment.t7", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("grafanarbac_user_role_assignment.u3", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("grafanarbac_team_role_assignment.t8", plancheck.ResourceActionNoop),
				}},
			},
		},
	})
}
