package emulator

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestOrgsAndUsers(t *testing.T) {
	eachGen(t, allGens, func(t *testing.T, e *env) {
		var created struct {
			OrgID   int64  `json:"orgId"`
			Message string `json:"message"`
		}
		e.want(200, admin, "POST", "/api/orgs", map[string]any{"name": "Second"}).into(t, &created)
		if created.OrgID != 2 || created.Message == "" {
			t.Errorf("org = %+v", created)
		}
		org := created.OrgID

		var u struct {
			ID      int64  `json:"id"`
			Message string `json:"message"`
		}
		e.want(200, admin, "POST", "/api/admin/users", map[string]any{"name": "Una", "login": "una", "email": "una@example.com", "password": "pw"}).into(t, &u)
		if u.ID == 0 || u.Message != "User created" {
			t.Errorf("user = %+v", u)
		}
		e.want(200, admin, "POST", "/api/admin/users", map[string]any{"login": "oscar", "password": "pw", "orgId": org})
		una := as{auth: "una:pw"}

		tests := []reqCase{
			{"org name taken", admin, "POST", "/api/orgs", map[string]any{"name": "second"}, 409},
			{"org without a name", admin, "POST", "/api/orgs", map[string]any{}, 400},
			{"org by a non-admin", una, "POST", "/api/orgs", map[string]any{"name": "Third"}, 403},
			{"login taken", admin, "POST", "/api/admin/users", map[string]any{"login": "UNA", "password": "x"}, 409},
			{"email taken", admin, "POST", "/api/admin/users", map[string]any{"login": "una2", "email": "una@example.com", "password": "x"}, 409},
			{"no login nor email", admin, "POST", "/api/admin/users", map[string]any{"password": "x"}, 400},
			{"no password", admin, "POST", "/api/admin/users", map[string]any{"login": "nopw"}, 400},
			{"missing org", admin, "POST", "/api/admin/users", map[string]any{"login": "lost", "password": "x", "orgId": 99}, 404},
			{"user by a non-admin", una, "POST", "/api/admin/users", map[string]any{"login": "x", "password": "x"}, 403},
			{"add to org", admin, "POST", fmt.Sprintf("/api/orgs/%d/users", org), map[string]any{"loginOrEmail": "una@example.com", "role": "Editor"}, 200},
			{"add twice", admin, "POST", fmt.Sprintf("/api/orgs/%d/users", org), map[string]any{"loginOrEmail": "una", "role": "Editor"}, 409},
			{"add to a missing org", admin, "POST", "/api/orgs/99/users", map[string]any{"loginOrEmail": "una", "role": "Editor"}, 404},
			{"add a missing user", admin, "POST", fmt.Sprintf("/api/orgs/%d/users", org), map[string]any{"loginOrEmail": "nobody", "role": "Editor"}, 404},
			{"add with a bad role", admin, "POST", "/api/orgs/1/users", map[string]any{"loginOrEmail": "oscar", "role": "Boss"}, 400},
			{"add by a non-admin", una, "POST", "/api/orgs/1/users", map[string]any{"loginOrEmail": "oscar", "role": "Viewer"}, 403},
			{"set org role", admin, "PATCH", fmt.Sprintf("/api/org/users/%d", u.ID), map[string]any{"role": "Admin"}, 200},
			{"set a bad org role", admin, "PATCH", fmt.Sprintf("/api/org/users/%d", u.ID), map[string]any{"role": "Boss"}, 400},
			{"set role of a non-member", admin, "PATCH", "/api/org/users/3", map[string]any{"role": "Editor"}, 404},
			{"set role of a missing user", admin, "PATCH", "/api/org/users/99", map[string]any{"role": "Editor"}, 404},
			{"lookup missing", admin, "GET", "/api/users/lookup?loginOrEmail=nobody", nil, 404},
			{"delete missing user", admin, "DELETE", "/api/admin/users/99", nil, 404},
		}
		noneStatus := 400
		if e.gen != 8 {
			noneStatus = 200
		}
		tests = append(tests, reqCase{"org role None", admin, "PATCH", fmt.Sprintf("/api/org/users/%d", u.ID), map[string]any{"role": "None"}, noneStatus})
		for _, tt := range tests {
			if r := e.do(tt.who, tt.method, tt.path, tt.body); r.status != tt.status {
				t.Errorf("%s: %s", tt.name, r)
			}
		}
		s := e.s()
		s.mu.RLock()
		una1, una2 := s.users[u.ID].orgs[1], s.users[u.ID].orgs[org]
		_, oscarIn1 := s.users[3].orgs[1]
		s.mu.RUnlock()
		wantRole := map[bool]string{true: "Admin", false: "None"}[e.gen == 8]
		if una1 != wantRole || una2 != "Editor" || oscarIn1 {
			t.Errorf("una's org roles: %q %q; oscar in org 1: %v", una1, una2, oscarIn1)
		}

		var lu map[string]any
		e.want(200, admin, "GET", "/api/users/lookup?loginOrEmail=una@example.com", nil).into(t, &lu)
		if lu["login"] != "una" || lu["email"] != "una@example.com" || lu["name"] != "Una" || lu["isGrafanaAdmin"] != false || lu["orgId"] != float64(1) {
			t.Errorf("lookup = %v", lu)
		}
		e.want(200, admin, "GET", "/api/users/lookup?loginOrEmail=oscar", nil).into(t, &lu)
		if lu["orgId"] != float64(org) {
			t.Errorf("oscar's org = %v", lu["orgId"])
		}
		// A user created in org 2 works there by default.
		if r := e.do(as{auth: "oscar:pw"}, "GET", "/api/access-control/user/permissions", nil); r.status != 200 {
			t.Errorf("oscar: %s", r)
		}
		e.want(403, as{auth: "oscar:pw"}.in(1), "GET", "/api/access-control/user/permissions", nil)

		// Deleting a user removes its assignments and its login.
		e.create(admin, map[string]any{"uid": "ur", "name": "custom:ur"})
		e.want(200, admin, "POST", "/api/access-control/users/"+itoa(u.ID)+"/roles", map[string]any{"roleUid": "ur"})
		e.want(200, admin, "DELETE", "/api/admin/users/"+itoa(u.ID), nil)
		e.want(404, admin, "GET", "/api/users/lookup?loginOrEmail=una", nil)
		e.want(401, una, "GET", "/api/access-control/user/permissions", nil)
		e.want(404, admin, "DELETE", "/api/admin/users/"+itoa(u.ID), nil)
		e.want(200, admin, "DELETE", "/api/access-control/roles/ur", nil) // no longer assigned
	})
}

func TestTeams(t *testing.T) {
	eachGen(t, allGens, func(t *testing.T, e *env) {
		var created struct {
			TeamID  int64  `json:"teamId"`
			Message string `json:"message"`
		}
		e.want(200, admin, "POST", "/api/teams", map[string]any{"name": "Team One", "email": "one@example.com"}).into(t, &created)
		id := created.TeamID
		e.createTeam(admin, "Team Two")
		org2 := e.createOrg("o2")
		other := e.createTeam(admin.in(org2), "Team One") // same name, other org

		var team map[string]any
		e.want(200, admin, "GET", fmt.Sprintf("/api/teams/%d", id), nil).into(t, &team)
		if team["name"] != "Team One" || team["email"] != "one@example.com" || team["orgId"] != float64(1) || team["id"] != float64(id) {
			t.Errorf("team = %v", team)
		}
		var search struct {
			TotalCount int              `json:"totalCount"`
			Teams      []map[string]any `json:"teams"`
			Page       int              `json:"page"`
			PerPage    int              `json:"perPage"`
		}
		e.want(200, admin, "GET", "/api/teams/search?name=Team%20One", nil).into(t, &search)
		if search.TotalCount != 1 || len(search.Teams) != 1 || search.Teams[0]["id"] != float64(id) || search.Page != 1 || search.PerPage != 1000 {
			t.Errorf("search = %+v", search)
		}
		e.want(200, admin, "GET", "/api/teams/search?name=Team", nil).into(t, &search)
		if search.TotalCount != 0 {
			t.Errorf("?name= is exact: %+v", search)
		}
		e.want(200, admin, "GET", "/api/teams/search?query=team", nil).into(t, &search)
		if search.TotalCount != 2 {
			t.Errorf("?query= matches parts: %+v", search)
		}
		e.want(200, admin, "GET", "/api/teams/search", nil).into(t, &search)
		if search.TotalCount != 2 {
			t.Errorf("all teams of org 1: %+v", search)
		}

		uid := e.createUser("member")
		tests := []reqCase{
			{"name taken", admin, "POST", "/api/teams", map[string]any{"name": "team one"}, 409},
			{"no name", admin, "POST", "/api/teams", map[string]any{"email": "x@example.com"}, 400},
			{"team of another org", admin, "GET", fmt.Sprintf("/api/teams/%d", other), nil, 404},
			{"missing team", admin, "GET", "/api/teams/999", nil, 404},
			{"add member", admin, "POST", fmt.Sprintf("/api/teams/%d/members", id), map[string]any{"userId": uid}, 200},
			{"add member twice", admin, "POST", fmt.Sprintf("/api/teams/%d/members", id), map[string]any{"userId": uid}, 400},
			{"add a missing user", admin, "POST", fmt.Sprintf("/api/teams/%d/members", id), map[string]any{"userId": 999}, 404},
			{"add a non-member of the org", admin.in(org2), "POST", fmt.Sprintf("/api/teams/%d/members", other), map[string]any{"userId": uid}, 400},
			{"member reads its team", as{auth: "member:member-pw"}, "GET", fmt.Sprintf("/api/teams/%d", id), nil, 200},
			{"viewer creates a team", as{auth: "member:member-pw"}, "POST", "/api/teams", map[string]any{"name": "Mine"}, 403},
			{"viewer deletes a team", as{auth: "member:member-pw"}, "DELETE", fmt.Sprintf("/api/teams/%d", id), nil, 403},
			{"remove a missing member", admin, "DELETE", fmt.Sprintf("/api/teams/%d/members/999", id), nil, 404},
		}
		for _, tt := range tests {
			if r := e.do(tt.who, tt.method, tt.path, tt.body); r.status != tt.status {
				t.Errorf("%s: %s", tt.name, r)
			}
		}
		// A non-admin searching sees only its own teams.
		e.want(200, as{auth: "member:member-pw"}, "GET", "/api/teams/search", nil).into(t, &search)
		if search.TotalCount != 1 || search.Teams[0]["id"] != float64(id) {
			t.Errorf("member's search = %+v", search)
		}

		// Deleting a team removes its assignments.
		e.create(admin, map[string]any{"uid": "tr", "name": "custom:tr"})
		e.want(200, admin, "POST", fmt.Sprintf("/api/access-control/teams/%d/roles", id), map[string]any{"roleUid": "tr"})
		e.want(200, admin, "DELETE", fmt.Sprintf("/api/teams/%d", id), nil)
		e.want(404, admin, "GET", fmt.Sprintf("/api/teams/%d", id), nil)
		e.want(404, admin, "DELETE", fmt.Sprintf("/api/teams/%d", id), nil)
		e.want(404, admin, "GET", fmt.Sprintf("/api/access-control/teams/%d/roles", id), nil)
		e.want(200, admin, "DELETE", "/api/access-control/roles/tr", nil)
	})
}

func TestTeamAndUserAssignments(t *testing.T) {
	eachGen(t, allGens, func(t *testing.T, e *env) {
		for _, u := range []string{"a", "b", "c"} {
			e.create(admin, map[string]any{"uid": u, "name": "custom:" + u})
		}
		e.create(admin, map[string]any{"uid": "h", "name": "custom:h", "hidden": true})
		team := e.createTeam(admin, "t")
		uid := e.createUser("u")
		for _, target := range []struct {
			name, path string
			removed    string
		}{
			{"team", fmt.Sprintf("/api/access-control/teams/%d/roles", team), "Role removed from team."},
			{"user", "/api/access-control/users/" + itoa(uid) + "/roles", "Role removed from user."},
		} {
			t.Run(target.name, func(t *testing.T) {
				list := func(includeHidden bool) []string {
					var roles []R
					path := target.path
					if includeHidden {
						path += "?includeHidden=true"
					}
					e.want(200, admin, "GET", path, nil).into(t, &roles)
					for _, r := range roles {
						if r.Permissions != nil {
							t.Error("assignment list carries permissions")
						}
					}
					return uids(roles)
				}
				m := e.want(200, admin, "POST", target.path, map[string]any{"roleUid": "a"}).message(t)
				if target.name == "team" && m != "Role added to the team." {
					t.Errorf("message %q", m)
				}
				e.want(200, admin, "POST", target.path, map[string]any{"roleUID": "a"}) // idempotent; field case-insensitive
				e.want(200, admin, "POST", target.path, map[string]any{"roleUid": "h"})
				if got := list(false); !slices.Equal(got, []string{"a"}) {
					t.Errorf("list = %v", got)
				}
				if got := list(true); !slices.Equal(got, []string{"a", "h"}) {
					t.Errorf("list with hidden = %v", got)
				}
				// PUT replaces the set; hidden roles stay unless includeHidden.
				e.want(200, admin, "PUT", target.path, map[string]any{"roleUids": []string{"b", "c"}})
				if got := list(true); !slices.Equal(got, []string{"b", "c", "h"}) {
					t.Errorf("after set = %v", got)
				}
				e.want(200, admin, "PUT", target.path, map[string]any{"roleUids": []string{"b"}, "includeHidden": true})
				if got := list(true); !slices.Equal(got, []string{"b"}) {
					t.Errorf("after set with hidden = %v", got)
				}
				e.want(404, admin, "PUT", target.path, map[string]any{"roleUids": []string{"a", "missing"}})
				if got := list(true); !slices.Equal(got, []string{"b"}) {
					t.Errorf("a refused set changed the set: %v", got)
				}
				if m := e.want(200, admin, "DELETE", target.path+"/b", nil).message(t); m != target.removed {
					t.Errorf("message %q", m)
				}
				e.want(404, admin, "DELETE", target.path+"/b", nil)
				e.want(404, admin, "DELETE", target.path+"/missing", nil)
				e.want(200, admin, "PUT", target.path, map[string]any{"roleUids": []string{}})
				if got := list(true); len(got) != 0 {
					t.Errorf("after set to empty = %v", got)
				}
			})
		}
	})
}

func TestGen2BatchReadsAndAssignments(t *testing.T) {
	eachGen(t, []int{12, 13}, func(t *testing.T, e *env) {
		e.create(admin, map[string]any{"uid": "s1", "name": "custom:s1"})
		e.create(admin, map[string]any{"uid": "sh", "name": "custom:sh", "hidden": true})
		t1, t2 := e.createTeam(admin, "t1"), e.createTeam(admin, "t2")
		u1 := e.createUser("u1")
		var sa struct {
			ID int64 `json:"id"`
		}
		e.want(201, admin, "POST", "/api/serviceaccounts", map[string]any{"name": "robot", "role": "Viewer"}).into(t, &sa)
		for _, p := range []string{fmt.Sprintf("teams/%d", t1), "users/" + itoa(u1), "users/" + itoa(sa.ID)} {
			e.want(200, admin, "POST", "/api/access-control/"+p+"/roles", map[string]any{"roleUid": "s1"})
		}
		e.want(200, admin, "POST", fmt.Sprintf("/api/access-control/teams/%d/roles", t1), map[string]any{"roleUid": "sh"})

		var teams map[string][]R
		e.want(200, admin, "POST", "/api/access-control/teams/roles/search", map[string]any{"teamIds": []int64{t1, t2, 999}}).into(t, &teams)
		if !slices.Equal(uids(teams[itoa(t1)]), []string{"s1"}) || len(teams[itoa(t2)]) != 0 || len(teams) != 2 {
			t.Errorf("team search = %v", teams)
		}
		teams = nil
		e.want(200, admin, "POST", "/api/access-control/teams/roles/search", map[string]any{"teamIds": []int64{t1}, "includeHidden": true}).into(t, &teams)
		if !slices.Equal(uids(teams[itoa(t1)]), []string{"s1", "sh"}) {
			t.Errorf("team search with hidden = %v", uids(teams[itoa(t1)]))
		}
		var users map[string][]R
		e.want(200, admin, "POST", "/api/access-control/users/roles/search", map[string]any{"userIds": []int64{u1, sa.ID}}).into(t, &users)
		if !hasUID(users[itoa(u1)], "s1") || !hasUID(users[itoa(sa.ID)], "s1") {
			t.Errorf("user search = %v", users)
		}
		var a struct {
			RoleUID         string  `json:"role_uid"`
			Users           []int64 `json:"users"`
			Teams           []int64 `json:"teams"`
			ServiceAccounts []int64 `json:"service_accounts"`
		}
		e.want(200, admin, "GET", "/api/access-control/roles/s1/assignments", nil).into(t, &a)
		if a.RoleUID != "s1" || !slices.Equal(a.Users, []int64{u1}) || !slices.Equal(a.Teams, []int64{t1}) || !slices.Equal(a.ServiceAccounts, []int64{sa.ID}) {
			t.Errorf("assignments = %+v", a)
		}
		e.want(404, admin, "GET", "/api/access-control/roles/nope/assignments", nil)
		raw := string(e.want(200, admin, "GET", "/api/access-control/roles/sh/assignments", nil).body)
		if !strings.Contains(raw, `"users":[]`) || !strings.Contains(raw, `"service_accounts":[]`) {
			t.Errorf("empty assignments shape: %s", raw)
		}
		org2 := e.createOrg("o2")
		teams = nil
		e.want(200, admin, "POST", "/api/access-control/teams/roles/search", map[string]any{"teamIds": []int64{t1}, "orgId": org2}).into(t, &teams)
		if len(teams) != 0 {
			t.Errorf("org2 search found org 1's team: %v", teams)
		}
		e.want(400, admin, "POST", "/api/access-control/users/roles/search", `{"userIds": "x"}`)
		// Reading another team's roles needs the permission.
		e.want(403, as{auth: "u1:u1-pw"}, "POST", "/api/access-control/teams/roles/search", map[string]any{"teamIds": []int64{t1}})
	})
}

func TestServiceAccounts(t *testing.T) {
	eachGen(t, []int{12, 13}, func(t *testing.T, e *env) {
		org := e.createOrg("sa-org")
		var sa struct {
			ID    int64  `json:"id"`
			Name  string `json:"name"`
			Login string `json:"login"`
			OrgID int64  `json:"orgId"`
			Role  string `json:"role"`
		}
		e.want(201, admin.in(org), "POST", "/api/serviceaccounts", map[string]any{"name": "Terraform", "role": "Admin"}).into(t, &sa)
		if sa.ID == 0 || sa.Name != "Terraform" || sa.OrgID != org || sa.Role != "Admin" || sa.Login == "" {
			t.Errorf("service account = %+v", sa)
		}
		var tok struct {
			ID   int64  `json:"id"`
			Name string `json:"name"`
			Key  string `json:"key"`
		}
		e.want(200, admin.in(org), "POST", fmt.Sprintf("/api/serviceaccounts/%d/tokens", sa.ID), map[string]any{"name": "tf"}).into(t, &tok)
		if !strings.HasPrefix(tok.Key, "glsa_") || tok.Name != "tf" || tok.ID == 0 {
			t.Errorf("token = %+v", tok)
		}
		bearer := as{auth: tok.Key}
		tests := []reqCase{
			{"same name again", admin.in(org), "POST", "/api/serviceaccounts", map[string]any{"name": "Terraform"}, 409},
			{"no name", admin.in(org), "POST", "/api/serviceaccounts", map[string]any{"role": "Viewer"}, 400},
			{"bad role", admin.in(org), "POST", "/api/serviceaccounts", map[string]any{"name": "x", "role": "Boss"}, 400},
			{"token name taken", admin.in(org), "POST", fmt.Sprintf("/api/serviceaccounts/%d/tokens", sa.ID), map[string]any{"name": "tf"}, 409},
			{"token of another org's account", admin, "POST", fmt.Sprintf("/api/serviceaccounts/%d/tokens", sa.ID), map[string]any{"name": "x"}, 404},
			{"token reads its permissions", bearer, "GET", "/api/access-control/user/permissions", nil, 200},
			{"token in its org by header", bearer.in(org), "GET", "/api/access-control/user/permissions", nil, 200},
			{"token in another org", bearer.in(1), "GET", "/api/access-control/user/permissions", nil, 403},
			{"an Admin account lists its org's roles", bearer, "GET", "/api/access-control/roles", nil, 200},
			{"service accounts do not log in with a password", as{auth: sa.Login + ":"}, "GET", "/api/access-control/user/permissions", nil, 401},
			{"lookup does not find service accounts", admin.in(org), "GET", "/api/users/lookup?loginOrEmail=" + sa.Login, nil, 404},
		}
		for _, tt := range tests {
			if r := e.do(tt.who, tt.method, tt.path, tt.body); r.status != tt.status {
				t.Errorf("%s: %s", tt.name, r)
			}
		}
		// An Admin account manages its org's roles without further grants.
		writer := e.fixedUID("fixed:roles:writer")
		held := e.ownPerms(bearer)
		r := e.create(bearer, map[string]any{"uid": "by-token", "name": "custom:by-token", "permissions": held[:3]})
		if r.Global {
			t.Error("token made a global role")
		}
		if _, st := e.role(admin, "by-token"); st != 404 {
			t.Errorf("org 1 sees org %d's role: %d", org, st)
		}
		e.want(403, bearer, "POST", "/api/access-control/roles", map[string]any{"name": "custom:g", "global": true})
		e.want(200, bearer, "PUT", "/api/access-control/roles/by-token", map[string]any{"name": "custom:by-token", "permissions": held[:1]})
		e.want(200, bearer, "DELETE", "/api/access-control/roles/by-token", nil)

		e.want(200, admin.in(org), "DELETE", fmt.Sprintf("/api/serviceaccounts/%d", sa.ID), nil)
		e.want(404, admin.in(org), "DELETE", fmt.Sprintf("/api/serviceaccounts/%d", sa.ID), nil)
		e.want(401, bearer, "GET", "/api/access-control/user/permissions", nil)
		e.want(200, admin.in(org), "GET", "/api/access-control/roles/"+writer, nil)
	})

	t.Run("gen8 refuses tokens", func(t *testing.T) {
		e := start(t, 8)
		e.want(401, as{auth: "glsa_anything_at_all"}, "GET", "/api/access-control/user/permissions", nil)
		e.want(404, admin, "POST", "/api/serviceaccounts", map[string]any{"name": "x"})
	})
}
