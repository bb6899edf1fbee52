package emulator

import (
	"fmt"
	"slices"
	"testing"
)

type userJSON struct {
	ID             int64  `json:"id"`
	UID            string `json:"uid"`
	Login          string `json:"login"`
	Email          string `json:"email"`
	OrgID          int64  `json:"orgId"`
	IsGrafanaAdmin bool   `json:"isGrafanaAdmin"`
	IsAdmin        bool   `json:"isAdmin"`
	UserID         int64  `json:"userId"`
	Role           string `json:"role"`
}

func logins(us []userJSON) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.Login
	}
	return out
}

func TestUserReads(t *testing.T) {
	eachGen(t, []int{12, 13}, func(t *testing.T, e *env) {
		for _, l := range []string{"c", "b", "a"} {
			e.createUser(l)
		}
		saID, token := e.createSA(1, "tf", "Admin")
		viewer := as{auth: "a:a-pw"}

		var me userJSON
		e.want(200, admin, "GET", "/api/user", nil).into(t, &me)
		if me.ID != 1 || me.Login != "admin" || me.Email != "admin@localhost" || me.OrgID != 1 || !me.IsGrafanaAdmin || me.UID == "" {
			t.Errorf("GET /api/user as admin: %+v", me)
		}
		e.want(200, viewer, "GET", "/api/user", nil).into(t, &me)
		if me.Login != "a" || me.IsGrafanaAdmin {
			t.Errorf("GET /api/user as a: %+v", me)
		}
		// Grafana 12 answers a service account from its identity: no numeric id.
		e.want(200, as{auth: token}, "GET", "/api/user", nil).into(t, &me)
		if me.ID != 0 || me.UID != "service-account:"+itoa(saID) || me.IsGrafanaAdmin || me.OrgID != 1 || me.Login == "" {
			t.Errorf("GET /api/user as a service account: %+v", me)
		}

		a := e.userID("a")
		e.want(200, admin, "GET", "/api/users/"+itoa(a), nil).into(t, &me)
		if me.ID != a || me.Login != "a" {
			t.Errorf("GET /api/users/:id: %+v", me)
		}
		var page []userJSON
		e.want(200, admin, "GET", "/api/users?perpage=2&page=2", nil).into(t, &page)
		if !slices.Equal(logins(page), []string{"b", "c"}) {
			t.Errorf("GET /api/users page 2 of 2: %v", logins(page))
		}
		e.want(200, admin, "GET", "/api/users", nil).into(t, &page)
		if !slices.Equal(logins(page), []string{"a", "admin", "b", "c"}) || !page[1].IsAdmin || page[0].IsAdmin {
			t.Errorf("GET /api/users (no service accounts): %+v", page)
		}
		var found struct {
			TotalCount int        `json:"totalCount"`
			Users      []userJSON `json:"users"`
			Page       int        `json:"page"`
			PerPage    int        `json:"perPage"`
		}
		e.want(200, admin, "GET", "/api/users/search?query=A&perpage=1&page=2", nil).into(t, &found)
		if found.TotalCount != 2 || !slices.Equal(logins(found.Users), []string{"admin"}) || found.Page != 2 || found.PerPage != 1 {
			t.Errorf("search: %+v", found)
		}
		e.want(200, admin, "GET", "/api/users/search", nil).into(t, &found)
		if found.TotalCount != 4 || len(found.Users) != 4 || found.Page != 1 || found.PerPage != 1000 {
			t.Errorf("search, defaults: %+v", found)
		}

		for _, tt := range []reqCase{
			{"user by id, not a server admin", viewer, "GET", "/api/users/" + itoa(a), nil, 403},
			{"user by id, an org Admin token", as{auth: token}, "GET", "/api/users/" + itoa(a), nil, 403},
			{"a service account is no user", admin, "GET", "/api/users/" + itoa(saID), nil, 404},
			{"unknown user", admin, "GET", "/api/users/999", nil, 404},
			{"not an id", admin, "GET", "/api/users/abc", nil, 400},
			{"list, not a server admin", viewer, "GET", "/api/users", nil, 403},
			{"search, not a server admin", as{auth: token}, "GET", "/api/users/search", nil, 403},
			{"no credentials", as{}, "GET", "/api/user", nil, 401},
		} {
			if r := e.do(tt.who, tt.method, tt.path, tt.body); r.status != tt.status {
				t.Errorf("%s: %s", tt.name, r)
			}
		}
	})
	t.Run("before 12, no profile for a service account", func(t *testing.T) {
		t.Parallel()
		e := start(t, 12, func(c *Config) { c.Version = "11.6.0" })
		_, token := e.createSA(1, "tf", "Admin")
		e.want(404, as{auth: token}, "GET", "/api/user", nil)
		e.want(200, admin, "GET", "/api/user", nil)
	})
	t.Run("gen8", func(t *testing.T) {
		t.Parallel()
		e := start(t, 8)
		var me map[string]any
		e.want(200, admin, "GET", "/api/user", nil).into(t, &me)
		if me["login"] != "admin" || me["isGrafanaAdmin"] != true {
			t.Errorf("GET /api/user: %v", me)
		}
	})
}

func TestOrgReadsAndDelete(t *testing.T) {
	eachGen(t, []int{12, 13}, func(t *testing.T, e *env) {
		org2 := e.createOrg("o2")
		oa := e.createUser("oa")
		e.setOrgRole(1, oa, "Admin")
		oaAs := as{auth: "oa:oa-pw"}
		v := e.createUser("v")
		e.want(200, admin, "POST", "/api/orgs/"+itoa(org2)+"/users", map[string]any{"loginOrEmail": "v", "role": "Viewer"})
		var only struct {
			ID int64 `json:"id"`
		}
		e.want(200, admin, "POST", "/api/admin/users", map[string]any{"login": "only2", "password": "pw", "orgId": org2}).into(t, &only)
		e.createSA(1, "tf", "Viewer")

		var users []userJSON
		e.want(200, oaAs, "GET", "/api/org/users", nil).into(t, &users)
		if !slices.Equal(logins(users), []string{"admin", "oa", "v"}) || users[0].Role != "Admin" || users[2].UserID != v || users[2].OrgID != 1 {
			t.Errorf("GET /api/org/users: %+v", users)
		}
		e.want(200, admin, "GET", "/api/orgs/"+itoa(org2)+"/users", nil).into(t, &users)
		if !slices.Equal(logins(users), []string{"admin", "only2", "v"}) || users[2].Role != "Viewer" || users[2].OrgID != org2 {
			t.Errorf("GET /api/orgs/:orgId/users: %+v", users)
		}
		var o struct {
			ID      int64             `json:"id"`
			Name    string            `json:"name"`
			Address map[string]string `json:"address"`
		}
		e.want(200, as{auth: "v:v-pw"}, "GET", "/api/orgs/"+itoa(org2), nil).into(t, &o)
		if o.ID != org2 || o.Name != "o2" || o.Address == nil {
			t.Errorf("GET /api/orgs/:orgId: %+v", o)
		}
		e.want(200, admin, "GET", "/api/orgs/name/o2", nil).into(t, &o)
		if o.ID != org2 {
			t.Errorf("GET /api/orgs/name/:name: %+v", o)
		}
		users3 := e.createOrg("users")
		e.want(200, admin, "GET", "/api/orgs/name/users", nil).into(t, &o)
		if o.ID != users3 {
			t.Errorf("GET /api/orgs/name/users: %+v", o)
		}
		for _, tt := range []reqCase{
			{"org users, a Viewer", as{auth: "v:v-pw"}, "GET", "/api/org/users", nil, 403},
			{"another org's users, its Viewer", as{auth: "v:v-pw"}, "GET", "/api/orgs/" + itoa(org2) + "/users", nil, 403},
			{"another org's users, not a member", oaAs, "GET", "/api/orgs/" + itoa(org2) + "/users", nil, 403},
			{"users of a missing org", admin, "GET", "/api/orgs/999/users", nil, 404},
			{"an org, not a member", oaAs, "GET", "/api/orgs/" + itoa(org2), nil, 403},
			{"a missing org", admin, "GET", "/api/orgs/999", nil, 404},
			{"an org by name, not a server admin", oaAs, "GET", "/api/orgs/name/Main%20Org.", nil, 403},
			{"a missing org by name", admin, "GET", "/api/orgs/name/nope", nil, 404},
			{"delete, not a server admin", oaAs, "DELETE", "/api/orgs/" + itoa(org2), nil, 403},
			{"delete the current org", admin.in(org2), "DELETE", "/api/orgs/" + itoa(org2), nil, 400},
			{"delete a missing org", admin, "DELETE", "/api/orgs/999", nil, 404},
		} {
			if r := e.do(tt.who, tt.method, tt.path, tt.body); r.status != tt.status {
				t.Errorf("%s: %s", tt.name, r)
			}
		}
		// oa, once Admin of org 2, reads its users.
		e.want(200, admin, "POST", "/api/orgs/"+itoa(org2)+"/users", map[string]any{"loginOrEmail": "oa", "role": "Admin"})
		e.want(200, oaAs, "GET", "/api/orgs/"+itoa(org2)+"/users", nil)

		// Deleting org 2 takes its roles, teams, assignments, service accounts and memberships.
		e.create(admin.in(org2), map[string]any{"uid": "r2", "name": "custom:r2"})
		e.create(admin, map[string]any{"uid": "g", "name": "custom:g", "global": true})
		t2 := e.createTeam(admin.in(org2), "t2")
		e.want(200, admin.in(org2), "POST", fmt.Sprintf("/api/access-control/teams/%d/roles", t2), map[string]any{"roleUid": "g"})
		e.want(200, admin.in(org2), "POST", fmt.Sprintf("/api/access-control/users/%d/roles", v), map[string]any{"roleUid": "g"})
		_, token2 := e.createSA(org2, "tf2", "Admin")
		e.want(200, admin, "DELETE", "/api/orgs/"+itoa(org2), nil)
		e.want(404, admin, "GET", "/api/orgs/"+itoa(org2), nil)
		e.want(401, as{auth: token2}, "GET", "/api/user", nil)
		e.want(403, as{auth: "only2:pw"}, "GET", "/api/user", nil) // no org left
		if a := e.assignmentsOf(admin, "g"); len(a.Users)+len(a.Teams) != 0 {
			t.Errorf("g's assignments in org 1: %v", a)
		}
		st := e.s()
		st.mu.RLock()
		_, roleLeft := st.roles["r2"]
		_, teamLeft := st.teams[t2]
		_, vInOrg2 := st.users[v].orgs[org2]
		assigned := st.isAssigned("g")
		st.mu.RUnlock()
		if roleLeft || teamLeft || vInOrg2 || assigned {
			t.Errorf("after the delete: role %v, team %v, membership %v, assignments %v", roleLeft, teamLeft, vInOrg2, assigned)
		}
		e.want(200, as{auth: "v:v-pw"}, "GET", "/api/user", nil)
		// The name is free again.
		e.createOrg("o2")
	})
}

func TestServiceAccountReadsAndUpdates(t *testing.T) {
	eachGen(t, []int{12, 13}, func(t *testing.T, e *env) {
		org := e.createOrg("o2")
		zeta, zetaKey := e.createSA(org, "Zeta", "Admin")
		alpha, _ := e.createSA(org, "alpha", "Viewer")
		e.createSA(org, "beta", "Viewer")
		other, _ := e.createSA(1, "other", "Viewer")
		in := admin.in(org)

		type saJSON struct {
			ID         int64    `json:"id"`
			UID        string   `json:"uid"`
			Name       string   `json:"name"`
			Login      string   `json:"login"`
			OrgID      int64    `json:"orgId"`
			Role       string   `json:"role"`
			IsDisabled bool     `json:"isDisabled"`
			Tokens     int      `json:"tokens"`
			Teams      []string `json:"teams"`
		}
		team := e.createTeam(in, "sa-team")
		e.want(200, in, "POST", fmt.Sprintf("/api/teams/%d/members", team), map[string]any{"userId": zeta})
		var sa saJSON
		e.want(200, in, "GET", "/api/serviceaccounts/"+itoa(zeta), nil).into(t, &sa)
		if sa.ID != zeta || sa.Name != "Zeta" || sa.OrgID != org || sa.Role != "Admin" || sa.Tokens != 1 || sa.Login == "" || sa.UID == "" || !slices.Equal(sa.Teams, []string{"sa-team"}) {
			t.Errorf("GET /api/serviceaccounts/:id: %+v", sa)
		}
		var found struct {
			TotalCount      int      `json:"totalCount"`
			ServiceAccounts []saJSON `json:"serviceAccounts"`
			Page            int      `json:"page"`
			PerPage         int      `json:"perPage"`
		}
		names := func() []string {
			var out []string
			for _, s := range found.ServiceAccounts {
				out = append(out, s.Name)
			}
			return out
		}
		e.want(200, in, "GET", "/api/serviceaccounts/search?query=A&perpage=2&page=1", nil).into(t, &found)
		if found.TotalCount != 3 || !slices.Equal(names(), []string{"alpha", "beta"}) || found.Page != 1 || found.PerPage != 2 {
			t.Errorf("search page 1: %+v", found)
		}
		e.want(200, in, "GET", "/api/serviceaccounts/search?query=a&perpage=2&page=2", nil).into(t, &found)
		if !slices.Equal(names(), []string{"Zeta"}) {
			t.Errorf("search page 2: %v", names())
		}
		e.want(200, in, "GET", "/api/serviceaccounts/search?query=alp", nil).into(t, &found)
		if found.TotalCount != 1 || found.ServiceAccounts[0].ID != alpha || found.PerPage != 1000 {
			t.Errorf("search alp: %+v", found)
		}

		// PATCH: name, role, disabling (its tokens stop working).
		var upd struct {
			Message        string `json:"message"`
			ServiceAccount saJSON `json:"serviceaccount"`
		}
		e.want(200, in, "PATCH", "/api/serviceaccounts/"+itoa(zeta), map[string]any{"name": "Zed", "role": "Editor", "isDisabled": true}).into(t, &upd)
		if upd.ServiceAccount.Name != "Zed" || upd.ServiceAccount.Role != "Editor" || !upd.ServiceAccount.IsDisabled {
			t.Errorf("PATCH answered %+v", upd)
		}
		e.want(200, in, "GET", "/api/serviceaccounts/"+itoa(zeta), nil).into(t, &sa)
		if sa.Name != "Zed" || sa.Role != "Editor" || !sa.IsDisabled {
			t.Errorf("after PATCH: %+v", sa)
		}
		e.want(401, as{auth: zetaKey}, "GET", "/api/user", nil)
		e.want(200, in, "GET", "/api/serviceaccounts/search?disabled=true", nil).into(t, &found)
		if !slices.Equal(names(), []string{"Zed"}) {
			t.Errorf("disabled accounts: %v", names())
		}
		e.want(200, in, "GET", "/api/serviceaccounts/search?expiredTokens=true", nil).into(t, &found)
		if found.TotalCount != 0 {
			t.Errorf("accounts with expired tokens: %v", names())
		}
		e.want(200, in, "PATCH", "/api/serviceaccounts/"+itoa(zeta), map[string]any{"isDisabled": false})
		var me userJSON
		e.want(200, as{auth: zetaKey}, "GET", "/api/user", nil).into(t, &me)
		if me.UID != "service-account:"+itoa(zeta) {
			t.Errorf("re-enabled token is %+v", me)
		}
		if perms := e.ownPerms(as{auth: zetaKey}); slices.Contains(perms, P{"roles:write", e.delegate()}) {
			t.Error("an Editor account holds roles:write")
		}

		// Tokens: list, delete one.
		var tok struct {
			ID  int64  `json:"id"`
			Key string `json:"key"`
		}
		e.want(200, in, "POST", fmt.Sprintf("/api/serviceaccounts/%d/tokens", zeta), map[string]any{"name": "second"}).into(t, &tok)
		var toks []struct {
			ID   int64  `json:"id"`
			Name string `json:"name"`
		}
		e.want(200, in, "GET", fmt.Sprintf("/api/serviceaccounts/%d/tokens", zeta), nil).into(t, &toks)
		if len(toks) != 2 || toks[1].ID != tok.ID || toks[1].Name != "second" {
			t.Errorf("tokens: %+v", toks)
		}
		e.want(200, in, "DELETE", fmt.Sprintf("/api/serviceaccounts/%d/tokens/%d", zeta, toks[0].ID), nil)
		e.want(401, as{auth: zetaKey}, "GET", "/api/user", nil)
		e.want(200, as{auth: tok.Key}, "GET", "/api/user", nil)
		e.want(200, in, "GET", "/api/serviceaccounts/"+itoa(zeta), nil).into(t, &sa)
		if sa.Tokens != 1 {
			t.Errorf("tokens after the delete: %d", sa.Tokens)
		}

		e.createUser("viewer")
		e.want(200, admin, "POST", "/api/orgs/"+itoa(org)+"/users", map[string]any{"loginOrEmail": "viewer", "role": "Viewer"})
		vAs := as{auth: "viewer:viewer-pw", org: org}
		for _, tt := range []reqCase{
			{"another org's account", in, "GET", "/api/serviceaccounts/" + itoa(other), nil, 404},
			{"unknown account", in, "GET", "/api/serviceaccounts/999", nil, 404},
			{"read, a Viewer", vAs, "GET", "/api/serviceaccounts/" + itoa(alpha), nil, 403},
			{"search, a Viewer", vAs, "GET", "/api/serviceaccounts/search", nil, 403},
			{"update, a Viewer", vAs, "PATCH", "/api/serviceaccounts/" + itoa(alpha), map[string]any{"role": "Admin"}, 403},
			{"bad role", in, "PATCH", "/api/serviceaccounts/" + itoa(alpha), map[string]any{"role": "Boss"}, 400},
			{"empty name", in, "PATCH", "/api/serviceaccounts/" + itoa(alpha), map[string]any{"name": " "}, 400},
			{"token deleted twice", in, "DELETE", fmt.Sprintf("/api/serviceaccounts/%d/tokens/%d", zeta, toks[0].ID), nil, 404},
			{"token of another account", in, "DELETE", fmt.Sprintf("/api/serviceaccounts/%d/tokens/%d", alpha, tok.ID), nil, 404},
			{"delete a token, a Viewer", vAs, "DELETE", fmt.Sprintf("/api/serviceaccounts/%d/tokens/%d", zeta, tok.ID), nil, 403},
		} {
			if r := e.do(tt.who, tt.method, tt.path, tt.body); r.status != tt.status {
				t.Errorf("%s: %s", tt.name, r)
			}
		}
		e.want(200, in, "GET", "/api/serviceaccounts/"+itoa(alpha), nil).into(t, &sa)
		if sa.Role != "Viewer" {
			t.Errorf("refused PATCHes changed alpha: %+v", sa)
		}
		e.want(200, as{auth: tok.Key}, "GET", "/api/user", nil)
	})
}

// Service accounts came with generation 2.
func TestServiceAccountRoutesGen8(t *testing.T) {
	e := start(t, 8)
	for _, path := range []string{"/api/serviceaccounts/search", "/api/serviceaccounts/2", "/api/serviceaccounts/2/tokens"} {
		e.want(404, admin, "GET", path, nil)
	}
	e.want(404, admin, "PATCH", "/api/serviceaccounts/2", map[string]any{"name": "x"})
	e.want(404, admin, "DELETE", "/api/serviceaccounts/2/tokens/1", nil)
}

func TestTeamUIDs(t *testing.T) {
	eachGen(t, allGens, func(t *testing.T, e *env) {
		var made map[string]any
		e.want(200, admin, "POST", "/api/teams", map[string]any{"name": "t"}).into(t, &made)
		var got map[string]any
		e.want(200, admin, "GET", fmt.Sprintf("/api/teams/%v", made["teamId"]), nil).into(t, &got)
		var found struct {
			Teams []map[string]any `json:"teams"`
		}
		e.want(200, admin, "GET", "/api/teams/search?name=t", nil).into(t, &found)
		if e.gen == 8 {
			if _, ok := made["uid"]; ok || got["uid"] != nil || got["isProvisioned"] != nil {
				t.Errorf("generation 1 team has a uid: %v %v", made, got)
			}
			return
		}
		// Paged as Grafana's search: page from 1, perpage.
		e.createTeam(admin, "u")
		var paged struct {
			TotalCount int              `json:"totalCount"`
			Teams      []map[string]any `json:"teams"`
			Page       int              `json:"page"`
			PerPage    int              `json:"perPage"`
		}
		e.want(200, admin, "GET", "/api/teams/search?perpage=1&page=2", nil).into(t, &paged)
		if paged.TotalCount != 2 || len(paged.Teams) != 1 || paged.Teams[0]["name"] != "u" || paged.Page != 2 || paged.PerPage != 1 {
			t.Errorf("team search page 2: %+v", paged)
		}
		uid, _ := made["uid"].(string)
		if uid == "" || made["message"] != "Team created" || got["uid"] != uid || got["isProvisioned"] != false ||
			len(found.Teams) != 1 || found.Teams[0]["uid"] != uid || found.Teams[0]["isProvisioned"] != false {
			t.Errorf("team uid: created %v, read %v, found %v", made, got, found.Teams)
		}
	})
}
