package emulator

import (
	"fmt"
	"net/http"
	"testing"
)

// reader creates a user in org 1 (Viewer) holding, through a custom role,
// exactly perms, and returns how to send requests as it.
func reader(e *env, login string, perms []P) as {
	e.t.Helper()
	e.create(admin, map[string]any{"uid": login, "name": "custom:" + login, "permissions": perms})
	id := e.createUser(login)
	e.want(200, admin, "POST", "/api/access-control/users/"+itoa(id)+"/roles", map[string]any{"roleUid": login})
	return as{auth: login + ":" + login + "-pw"}
}

// The batch reads need the read action on every team or user, not on the
// ones named: listTeamsRoles and listUsersRoles in grafana/grafana's
// public/api-enterprise-spec.json ask for teams:id:* and users:id:*.
func TestBatchRoleSearchScopes(t *testing.T) {
	eachGen(t, []int{12, 13}, func(t *testing.T, e *env) {
		team := e.createTeam(admin, "t")
		user := e.createUser("someone")
		teams := map[string]any{"teamIds": []int64{team}}
		users := map[string]any{"userIds": []int64{user}}
		const teamSearch, userSearch = "/api/access-control/teams/roles/search", "/api/access-control/users/roles/search"

		perID := reader(e, "per-id", []P{{"teams.roles:read", fmt.Sprintf("teams:id:%d", team)}, {"users.roles:read", "users:id:" + itoa(user)}})
		e.want(http.StatusForbidden, perID, "POST", teamSearch, teams)
		e.want(http.StatusForbidden, perID, "POST", userSearch, users)
		// The ids asked for do not matter: an empty list is checked too.
		viewer := reader(e, "nothing", nil)
		e.want(http.StatusForbidden, viewer, "POST", teamSearch, map[string]any{"teamIds": []int64{}})
		e.want(http.StatusForbidden, viewer, "POST", userSearch, map[string]any{"userIds": []int64{}})

		for _, tt := range []struct {
			login      string
			team, user string
		}{{"id-wildcard", "teams:id:*", "users:id:*"}, {"kind-wildcard", "teams:*", "users:*"}} {
			who := reader(e, tt.login, []P{{"teams.roles:read", tt.team}, {"users.roles:read", tt.user}})
			var got map[string][]R
			e.want(200, who, "POST", teamSearch, teams).into(t, &got)
			if _, ok := got[itoa(team)]; !ok {
				t.Errorf("%s: team search = %v", tt.login, got)
			}
			e.want(200, who, "POST", userSearch, users).into(t, &got)
			if _, ok := got[itoa(user)]; !ok {
				t.Errorf("%s: user search = %v", tt.login, got)
			}
		}
	})
}

// GET /roles/:uid/assignments asks for the read actions on users:id:* and
// teams:id:* (getRoleAssignments in public/api-enterprise-spec.json; the Go
// client's client/access_control/access_control_client.go says the same):
// a holder of those scopes reads, a holder of one id does not.
func TestRoleAssignmentsReadScopes(t *testing.T) {
	eachGen(t, []int{12, 13}, func(t *testing.T, e *env) {
		e.create(admin, map[string]any{"uid": "held", "name": "custom:held"})
		const path = "/api/access-control/roles/held/assignments"
		roles := P{"roles:read", "roles:*"}

		wild := reader(e, "id-wildcard", []P{roles, {"users.roles:read", "users:id:*"}, {"teams.roles:read", "teams:id:*"}})
		var got assignments
		e.want(200, wild, "GET", path, nil).into(t, &got)
		if got.RoleUID != "held" {
			t.Errorf("assignments = %v", got)
		}
		kind := reader(e, "kind-wildcard", []P{roles, {"users.roles:read", "users:*"}, {"teams.roles:read", "teams:*"}})
		e.want(200, kind, "GET", path, nil)

		one := reader(e, "one-id", []P{roles, {"users.roles:read", "users:id:1"}, {"teams.roles:read", "teams:id:*"}})
		e.want(http.StatusForbidden, one, "GET", path, nil)
		noTeams := reader(e, "no-teams", []P{roles, {"users.roles:read", "users:id:*"}})
		e.want(http.StatusForbidden, noTeams, "GET", path, nil)
	})
}
