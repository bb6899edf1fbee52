package emulator

import (
	"fmt"
	"slices"
	"testing"
)

// createSA makes a service account in org with an org role, and a token.
func (e *env) createSA(org int64, name, role string) (int64, string) {
	e.t.Helper()
	var sa struct {
		ID int64 `json:"id"`
	}
	e.want(201, admin.in(org), "POST", "/api/serviceaccounts", map[string]any{"name": name, "role": role}).into(e.t, &sa)
	var tok struct {
		Key string `json:"key"`
	}
	e.want(200, admin.in(org), "POST", fmt.Sprintf("/api/serviceaccounts/%d/tokens", sa.ID), map[string]any{"name": name}).into(e.t, &tok)
	return sa.ID, tok.Key
}

func (e *env) userID(login string) int64 {
	e.t.Helper()
	var u struct {
		ID int64 `json:"id"`
	}
	e.want(200, admin, "GET", "/api/users/lookup?loginOrEmail="+login, nil).into(e.t, &u)
	return u.ID
}

// roleUIDsAt lists the role uids of a team or user path as the admin of org.
func (e *env) roleUIDsAt(org int64, path string) []string {
	e.t.Helper()
	var roles []R
	e.want(200, admin.in(org), "GET", path+"?includeHidden=true", nil).into(e.t, &roles)
	return uids(roles)
}

// On generation 2 an org Admin, user or service account, manages its org's
// custom roles and their assignments within delegation, and nothing global.
func TestOrgAdminManagesOrgRoles(t *testing.T) {
	eachGen(t, []int{12, 13}, func(t *testing.T, e *env) {
		org := e.createOrg("o2")
		e.createUser("oa")
		e.want(200, admin, "POST", "/api/orgs/"+itoa(org)+"/users", map[string]any{"loginOrEmail": "oa", "role": "Admin"})
		_, token := e.createSA(org, "tf", "Admin")
		basicViewer := e.mustRole("basic_viewer")
		usersWriter := e.fixedUID("fixed:users:writer")

		for _, c := range []struct {
			name string
			who  as
		}{{"user", as{auth: "oa:oa-pw", org: org}}, {"sa", as{auth: token}}} {
			who, p := c.who, c.name
			team := e.createTeam(admin.in(org), p+"-team")
			member := e.createUser(p + "-member")
			e.want(200, admin, "POST", "/api/orgs/"+itoa(org)+"/users", map[string]any{"loginOrEmail": p + "-member", "role": "Viewer"})
			target, _ := e.createSA(org, p+"-target", "Viewer")
			uid := p + "-role"

			// Create and update, read back.
			e.create(who, map[string]any{"uid": uid, "name": "custom:" + p, "permissions": []P{{"teams:read", "teams:*"}}})
			if r, st := e.role(admin.in(org), uid); st != 200 || r.Global || !samePerms(r.Permissions, []P{{"teams:read", "teams:*"}}) {
				t.Errorf("%s: stored role %d %+v", p, st, r)
			}
			e.want(200, who, "PUT", "/api/access-control/roles/"+uid, map[string]any{
				"name": "custom:" + p, "description": "d", "permissions": []P{{"teams:read", "teams:*"}, {"reports:read", "reports:*"}}})
			if r, _ := e.role(admin.in(org), uid); r.Description != "d" || len(r.Permissions) != 2 {
				t.Errorf("%s: updated role %+v", p, r)
			}

			// Assign to a team, a user and a service account, read back.
			teamPath := fmt.Sprintf("/api/access-control/teams/%d/roles", team)
			userPath := fmt.Sprintf("/api/access-control/users/%d/roles", member)
			saPath := fmt.Sprintf("/api/access-control/users/%d/roles", target)
			for _, path := range []string{teamPath, userPath, saPath} {
				e.want(200, who, "POST", path, map[string]any{"roleUid": uid})
				if got := e.roleUIDsAt(org, path); !slices.Equal(got, []string{uid}) {
					t.Errorf("%s: %s after assigning: %v", p, path, got)
				}
			}
			e.want(200, who, "DELETE", saPath+"/"+uid, nil)
			if got := e.roleUIDsAt(org, saPath); len(got) != 0 {
				t.Errorf("%s: service account roles after removing: %v", p, got)
			}
			e.want(200, who, "PUT", userPath, map[string]any{"roleUids": []string{}})
			if got := e.roleUIDsAt(org, userPath); len(got) != 0 {
				t.Errorf("%s: user roles after an empty set: %v", p, got)
			}
			// And all at once.
			e.want(200, who, "PUT", "/api/access-control/roles/"+uid+"/assignments", map[string]any{
				"users": []int64{member}, "teams": []int64{team}, "service_accounts": []int64{target}})
			if got := e.assignmentsOf(admin.in(org), uid); !sameAssignments(got, assignments{uid, []int64{member}, []int64{team}, []int64{target}}) {
				t.Errorf("%s: after PUT assignments: %v", p, got)
			}
			e.want(403, who, "PUT", "/api/access-control/roles/"+usersWriter+"/assignments", map[string]any{"users": []int64{member}})
			if got := e.assignmentsOf(admin.in(org), usersWriter); len(got.Users) != 0 {
				t.Errorf("%s: a refused PUT assigned fixed:users:writer: %v", p, got)
			}

			// Refused: anything global, basic-role writes, escalation.
			refused := []reqCase{
				{"a global role", who, "POST", "/api/access-control/roles", map[string]any{"uid": p + "-g", "name": "custom:" + p + "-g", "global": true}, 403},
				{"a basic-role write", who, "PUT", "/api/access-control/roles/basic_viewer", map[string]any{
					"name": "basic:viewer", "global": true, "hidden": true, "permissions": []P{{"teams:read", "teams:*"}}}, 403},
				{"a role beyond its permissions", who, "POST", "/api/access-control/roles", map[string]any{
					"uid": p + "-beyond", "name": "custom:" + p + "-beyond", "permissions": []P{{"users:read", "global.users:*"}}}, 403},
				{"an update beyond its permissions", who, "PUT", "/api/access-control/roles/" + uid, map[string]any{
					"name": "custom:" + p, "permissions": []P{{"users:read", "global.users:*"}}}, 403},
				{"assigning a fixed role beyond its permissions", who, "POST", userPath, map[string]any{"roleUid": usersWriter}, 403},
				{"a global user assignment", who, "POST", userPath, map[string]any{"roleUid": e.fixedUID("fixed:teams:reader"), "global": true}, 403},
				{"a hard reset", who, "POST", "/api/access-control/roles/hard-reset", map[string]any{"BasicRoles": true}, 403},
			}
			for _, tt := range refused {
				if r := e.do(tt.who, tt.method, tt.path, tt.body); r.status != tt.status {
					t.Errorf("%s, %s: %s", p, tt.name, r)
				}
			}
			for _, gone := range []string{p + "-g", p + "-beyond"} {
				if _, st := e.role(admin.in(org), gone); st != 404 {
					t.Errorf("%s: refused role %s stored (%d)", p, gone, st)
				}
			}
			if r, _ := e.role(admin.in(org), uid); len(r.Permissions) != 2 {
				t.Errorf("%s: a refused update changed the role: %+v", p, r)
			}
			if got := e.roleUIDsAt(org, userPath); !slices.Equal(got, []string{uid}) {
				t.Errorf("%s: refused assignments stored: %v", p, got)
			}
			if r := e.mustRole("basic_viewer"); !samePerms(r.Permissions, basicViewer.Permissions) || r.Version != basicViewer.Version {
				t.Errorf("%s: a refused write changed basic_viewer", p)
			}

			// Delete, with its assignments, read back.
			e.want(400, who, "DELETE", "/api/access-control/roles/"+uid, nil)
			e.want(200, who, "DELETE", "/api/access-control/roles/"+uid+"?force=true", nil)
			if _, st := e.role(admin.in(org), uid); st != 404 {
				t.Errorf("%s: deleted role answers %d", p, st)
			}
			if got := e.roleUIDsAt(org, teamPath); len(got) != 0 {
				t.Errorf("%s: team roles after the delete: %v", p, got)
			}
		}

		// Only in its own org: oa is a Viewer of org 1, the token belongs to org 2.
		e.want(403, as{auth: "oa:oa-pw"}, "POST", "/api/access-control/roles", map[string]any{"name": "custom:in-org1"})
		e.want(403, as{auth: token, org: 1}, "POST", "/api/access-control/roles", map[string]any{"name": "custom:in-org1"})
		e.want(403, as{auth: "oa:oa-pw"}, "GET", "/api/access-control/roles", nil)
	})

	// Grafana 8.5 gave the org Admin no role management.
	t.Run("gen8", func(t *testing.T) {
		t.Parallel()
		e := start(t, 8)
		id := e.createUser("oa")
		e.setOrgRole(1, id, "Admin")
		oa := as{auth: "oa:oa-pw"}
		e.want(403, oa, "POST", "/api/access-control/roles", map[string]any{"uid": "r", "name": "custom:r"})
		e.want(403, oa, "GET", "/api/access-control/roles", nil)
		if _, st := e.role(admin, "r"); st != 404 {
			t.Errorf("refused role stored: %d", st)
		}
	})
}

// Rule 3: a role permission without a scope needs only its action, held
// with any scope or none; a held empty scope covers only an empty one.
func TestDelegationEmptyScope(t *testing.T) {
	eachGen(t, allGens, func(t *testing.T, e *env) {
		del := delegator(e) // holds reports:read on reports:*
		e.create(admin, map[string]any{"uid": "unscoped", "name": "custom:unscoped", "permissions": []P{{"teams:read", ""}}})
		e.want(200, admin, "POST", "/api/access-control/users/"+itoa(e.userID("del"))+"/roles", map[string]any{"roleUid": "unscoped"})
		victim := e.createUser("victim")
		userPath := "/api/access-control/users/" + itoa(victim) + "/roles"
		for _, tt := range []struct {
			uid   string
			perms []P
			ok    bool
		}{
			{"scoped-held", []P{{"reports:read", ""}}, true},
			{"unscoped-held", []P{{"teams:read", ""}}, true},
			{"not-held", []P{{"users:create", ""}}, false},
			{"scope-beyond-an-empty-one", []P{{"teams:read", "teams:id:1"}}, false},
		} {
			st := 403
			if tt.ok {
				st = e.createStatus()
			}
			e.want(st, del, "POST", "/api/access-control/roles", map[string]any{"uid": tt.uid, "name": "custom:" + tt.uid, "permissions": tt.perms})
			if _, got := e.role(admin, tt.uid); (got == 200) != tt.ok {
				t.Errorf("%s: stored role answers %d", tt.uid, got)
			}
			if !tt.ok {
				e.create(admin, map[string]any{"uid": tt.uid, "name": "custom:" + tt.uid, "permissions": tt.perms})
			}
			// The same rule holds for assigning it.
			st = 403
			if tt.ok {
				st = 200
			}
			e.want(st, del, "POST", userPath, map[string]any{"roleUid": tt.uid})
			if got := slices.Contains(e.roleUIDsAt(1, userPath), tt.uid); got != tt.ok {
				t.Errorf("%s: assigned %v", tt.uid, got)
			}
		}
	})
}
