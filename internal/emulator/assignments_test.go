package emulator

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

type assignments struct {
	RoleUID         string  `json:"role_uid"`
	Users           []int64 `json:"users"`
	Teams           []int64 `json:"teams"`
	ServiceAccounts []int64 `json:"service_accounts"`
}

func (a assignments) String() string {
	return fmt.Sprintf("users %v teams %v service accounts %v", a.Users, a.Teams, a.ServiceAccounts)
}

func sameAssignments(a, b assignments) bool {
	return a.RoleUID == b.RoleUID && slices.Equal(a.Users, b.Users) && slices.Equal(a.Teams, b.Teams) &&
		slices.Equal(a.ServiceAccounts, b.ServiceAccounts)
}

func (e *env) assignmentsOf(who as, uid string) assignments {
	e.t.Helper()
	var a assignments
	e.want(200, who, "GET", "/api/access-control/roles/"+uid+"/assignments", nil).into(e.t, &a)
	return a
}

func (e *env) managedUID(org int64) string {
	e.t.Helper()
	var roles []R
	e.want(200, admin.in(org), "GET", "/api/access-control/roles?includeHidden=true", nil).into(e.t, &roles)
	for _, r := range roles {
		if strings.HasPrefix(r.Name, "managed:") {
			return r.UID
		}
	}
	e.t.Fatal("no managed role")
	return ""
}

// PUT /roles/:uid/assignments replaces a role's assignments in the org;
// GET reads the same set.
func TestSetRoleAssignments(t *testing.T) {
	eachGen(t, []int{12, 13}, func(t *testing.T, e *env) {
		e.create(admin, map[string]any{"uid": "r", "name": "custom:r", "permissions": []P{{"teams:read", "teams:*"}}})
		e.create(admin, map[string]any{"uid": "glob", "name": "custom:glob", "global": true})
		t1, t2 := e.createTeam(admin, "t1"), e.createTeam(admin, "t2")
		u1, u2 := e.createUser("u1"), e.createUser("u2")
		s1, _ := e.createSA(1, "s1", "Viewer")
		org2 := e.createOrg("o2")
		t3 := e.createTeam(admin.in(org2), "t3")
		var u3 int64 // a user of org 2 only
		var made struct {
			ID int64 `json:"id"`
		}
		e.want(200, admin, "POST", "/api/admin/users", map[string]any{"login": "u3", "password": "pw", "orgId": org2}).into(t, &made)
		u3 = made.ID
		s2, _ := e.createSA(org2, "s2", "Viewer")
		e.create(admin.in(org2), map[string]any{"uid": "r2", "name": "custom:r2"})
		const path = "/api/access-control/roles/r/assignments"

		e.want(200, admin, "POST", fmt.Sprintf("/api/access-control/teams/%d/roles", t1), map[string]any{"roleUid": "r"})
		e.want(200, admin, "POST", fmt.Sprintf("/api/access-control/users/%d/roles", u1), map[string]any{"roleUid": "r"})
		if got := e.assignmentsOf(admin, "r"); !sameAssignments(got, assignments{"r", []int64{u1}, []int64{t1}, []int64{}}) {
			t.Errorf("per-item assignments read as %v", got)
		}

		// Replace all three kinds; the answer is the GET shape.
		var put assignments
		e.want(200, admin, "PUT", path, map[string]any{"users": []int64{u2}, "teams": []int64{t2}, "service_accounts": []int64{s1}}).into(t, &put)
		want := assignments{"r", []int64{u2}, []int64{t2}, []int64{s1}}
		if !sameAssignments(put, want) || !sameAssignments(e.assignmentsOf(admin, "r"), want) {
			t.Errorf("after PUT: answered %v, reads %v", put, e.assignmentsOf(admin, "r"))
		}
		for id, has := range map[int64]bool{u1: false, u2: true, s1: true} {
			if got := slices.Contains(e.roleUIDsAt(1, fmt.Sprintf("/api/access-control/users/%d/roles", id)), "r"); got != has {
				t.Errorf("user %d holds r: %v", id, got)
			}
		}
		for id, has := range map[int64]bool{t1: false, t2: true} {
			if got := slices.Contains(e.roleUIDsAt(1, fmt.Sprintf("/api/access-control/teams/%d/roles", id)), "r"); got != has {
				t.Errorf("team %d holds r: %v", id, got)
			}
		}
		// A kind left out is emptied; field names match case-insensitively.
		e.want(200, admin, "PUT", path, `{"Teams":[`+itoa(t1)+`]}`)
		if got := e.assignmentsOf(admin, "r"); !sameAssignments(got, assignments{"r", []int64{}, []int64{t1}, []int64{}}) {
			t.Errorf("after a teams-only PUT: %v", got)
		}

		// Refusals change nothing.
		before := e.assignmentsOf(admin, "r")
		viewer := as{auth: "u1:u1-pw"}
		del := delegator(e)
		e.create(admin, map[string]any{"uid": "beyond", "name": "custom:beyond", "permissions": []P{{"datasources:read", "datasources:*"}}})
		for _, tt := range []reqCase{
			{"basic role", admin, "PUT", "/api/access-control/roles/basic_viewer/assignments", map[string]any{"users": []int64{u1}}, 400},
			{"managed role", admin, "PUT", "/api/access-control/roles/" + e.managedUID(1) + "/assignments", map[string]any{"users": []int64{u1}}, 400},
			{"unknown user", admin, "PUT", path, map[string]any{"users": []int64{999}}, 400},
			{"user of another org", admin, "PUT", path, map[string]any{"users": []int64{u3}}, 400},
			{"service account as a user", admin, "PUT", path, map[string]any{"users": []int64{s1}}, 400},
			{"user as a service account", admin, "PUT", path, map[string]any{"service_accounts": []int64{u1}}, 400},
			{"service account of another org", admin, "PUT", path, map[string]any{"service_accounts": []int64{s2}}, 400},
			{"team of another org", admin, "PUT", path, map[string]any{"teams": []int64{t3}}, 400},
			{"malformed body", admin, "PUT", path, `{"users":`, 400},
			{"unknown role", admin, "PUT", "/api/access-control/roles/nope/assignments", map[string]any{}, 404},
			{"role of another org", admin, "PUT", "/api/access-control/roles/r2/assignments", map[string]any{}, 404},
			{"no permission", viewer, "PUT", path, map[string]any{}, 403},
			{"no delegation", del, "PUT", "/api/access-control/roles/beyond/assignments", map[string]any{"users": []int64{u1}}, 403},
		} {
			r := e.do(tt.who, tt.method, tt.path, tt.body)
			if r.status != tt.status {
				t.Errorf("%s: %s", tt.name, r)
			}
		}
		if got := e.assignmentsOf(admin, "r"); !sameAssignments(got, before) {
			t.Errorf("refused PUTs changed r: %v", got)
		}
		if got := e.assignmentsOf(admin, "beyond"); len(got.Users) != 0 {
			t.Errorf("a refused PUT assigned beyond: %v", got)
		}
		// The delegator may PUT a role it covers.
		e.create(admin, map[string]any{"uid": "within", "name": "custom:within", "permissions": []P{{"reports:read", "reports:uid:1"}}})
		e.want(200, del, "PUT", "/api/access-control/roles/within/assignments", map[string]any{"users": []int64{u1}})
		if got := e.assignmentsOf(admin, "within"); !slices.Equal(got.Users, []int64{u1}) {
			t.Errorf("delegator's PUT: %v", got)
		}

		// A global role's assignments are per org.
		e.want(200, admin.in(org2), "PUT", "/api/access-control/roles/glob/assignments", map[string]any{"teams": []int64{t3}, "service_accounts": []int64{s2}})
		e.want(200, admin, "PUT", "/api/access-control/roles/glob/assignments", map[string]any{"users": []int64{u2}})
		if got := e.assignmentsOf(admin.in(org2), "glob"); !sameAssignments(got, assignments{"glob", []int64{}, []int64{t3}, []int64{s2}}) {
			t.Errorf("glob in org 2: %v", got)
		}
		if got := e.assignmentsOf(admin, "glob"); !sameAssignments(got, assignments{"glob", []int64{u2}, []int64{}, []int64{}}) {
			t.Errorf("glob in org 1: %v", got)
		}
		// A global assignment is no org's: PUT leaves it, GET does not list it.
		up := fmt.Sprintf("/api/access-control/users/%d/roles", u1)
		e.want(200, admin, "POST", up, map[string]any{"roleUid": "glob", "global": true})
		e.want(200, admin, "PUT", "/api/access-control/roles/glob/assignments", map[string]any{})
		if got := e.assignmentsOf(admin, "glob"); len(got.Users)+len(got.Teams)+len(got.ServiceAccounts) != 0 {
			t.Errorf("glob in org 1 after emptying: %v", got)
		}
		if !slices.Contains(e.roleUIDsAt(1, up), "glob") {
			t.Error("emptying org 1's assignments removed a global one")
		}
	})

	t.Run("before 9.2", func(t *testing.T) {
		t.Parallel()
		e := start(t, 12, func(c *Config) { c.Version = "9.1.8" })
		e.create(admin, map[string]any{"uid": "r", "name": "custom:r"})
		e.want(404, admin, "PUT", "/api/access-control/roles/r/assignments", map[string]any{})
		e.want(404, admin, "GET", "/api/access-control/roles/r/assignments", nil)
	})
	t.Run("gen8", func(t *testing.T) {
		t.Parallel()
		e := start(t, 8)
		e.create(admin, map[string]any{"uid": "r", "name": "custom:r"})
		e.want(404, admin, "PUT", "/api/access-control/roles/r/assignments", map[string]any{})
	})
}
