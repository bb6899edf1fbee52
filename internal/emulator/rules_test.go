package emulator

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestCovers(t *testing.T) {
	tests := []struct {
		held, want string
		ok         bool
	}{
		{"users:*", "users:id:7", true},
		{"users:*", "users:*", true},
		{"users:id:*", "users:id:7", true},
		{"users:id:*", "users:*", false},
		{"users:id:7", "users:id:7", true},
		{"users:id:7", "users:id:70", false},
		{"users:id:7", "users:*", false},
		{"*", "anything:at:all", true},
		{"*", "", true},
		{"", "", true},
		{"users:*", "", true},
		{"users:id:1", "", true},
		{"", "users:id:1", false},
		{"users*", "users:id:1", true},
		{"teams:*", "users:id:1", false},
		{"permissions:type:*", escalateScope, true},
		{"permissions:*", escalateScope, true},
		{"permissions:type:delegate", escalateScope, false},
	}
	for _, tt := range tests {
		if got := covers(tt.held, tt.want); got != tt.ok {
			t.Errorf("covers(%q, %q) = %v", tt.held, tt.want, got)
		}
	}
}

// delegator sets up a user "del" (org Viewer) holding, through a custom
// role, the right to manage roles plus a few chosen permissions.
func delegator(e *env) as {
	e.t.Helper()
	d := e.delegate()
	held := []P{
		{"roles:write", d}, {"roles:delete", d}, {"teams.roles:add", d}, {"teams.roles:remove", d},
		{"users.roles:add", d}, {"users.roles:remove", d}, {e.listAction(), "roles:*"}, {"roles:read", "roles:*"},
		{"reports:read", "reports:*"}, {"datasources:read", "datasources:uid:abc"}, {"reports.settings:read", ""},
	}
	e.create(admin, map[string]any{"uid": "delegator", "name": "custom:delegator", "permissions": held})
	id := e.createUser("del")
	e.want(200, admin, "POST", "/api/access-control/users/"+itoa(id)+"/roles", map[string]any{"roleUid": "delegator"})
	return as{auth: "del:del-pw"}
}

func TestDelegation(t *testing.T) {
	eachGen(t, allGens, func(t *testing.T, e *env) {
		del := delegator(e)
		team := e.createTeam(admin, "t")
		victim := e.createUser("victim")
		teamPath := fmt.Sprintf("/api/access-control/teams/%d/roles", team)
		userPath := fmt.Sprintf("/api/access-control/users/%d/roles", victim)

		e.create(admin, map[string]any{"uid": "beyond", "name": "custom:beyond", "permissions": []P{{"datasources:read", "datasources:*"}}})
		e.create(admin, map[string]any{"uid": "within", "name": "custom:within", "permissions": []P{{"reports:read", "reports:uid:1"}}})

		creates := []struct {
			name   string
			perms  []P
			status int
		}{
			{"wildcard covers an id", []P{{"reports:read", "reports:uid:9"}}, 0},
			{"wildcard covers itself", []P{{"reports:read", "reports:*"}}, 0},
			{"exact scope", []P{{"datasources:read", "datasources:uid:abc"}}, 0},
			{"empty scope held", []P{{"reports.settings:read", ""}}, 0},
			{"no permissions", nil, 0},
			{"broader scope", []P{{"datasources:read", "datasources:*"}}, 403},
			{"other id", []P{{"datasources:read", "datasources:uid:abd"}}, 403},
			{"empty scope: the action held with a scope", []P{{"reports:read", ""}}, 0},
			{"empty scope: the action not held", []P{{"reports:write", ""}}, 403},
			{"other action", []P{{"reports:write", "reports:*"}}, 403},
			{"one of several missing", []P{{"reports:read", "reports:*"}, {"users:read", "global.users:*"}}, 403},
			{"escalate itself", []P{{"roles:write", escalateScope}}, 403},
		}
		for i, tt := range creates {
			st := tt.status
			if st == 0 {
				st = e.createStatus()
			}
			name := fmt.Sprintf("custom:d%d", i)
			if r := e.do(del, "POST", "/api/access-control/roles", map[string]any{"uid": fmt.Sprintf("d%d", i), "name": name, "permissions": tt.perms}); r.status != st {
				t.Errorf("create, %s: %s", tt.name, r)
			}
			if _, got := e.role(admin, fmt.Sprintf("d%d", i)); (got == 200) != (st < 400) {
				t.Errorf("create, %s: stored answers %d", tt.name, got)
			}
		}

		// Update: new and old permissions are both checked (before 13.3).
		e.want(200, del, "PUT", "/api/access-control/roles/d0", map[string]any{"name": "custom:d0", "permissions": []P{{"reports:read", "reports:uid:5"}}})
		before := e.mustRole("d1")
		e.want(403, del, "PUT", "/api/access-control/roles/d1", map[string]any{"name": "custom:d1", "permissions": []P{{"users:read", "global.users:*"}}})
		e.want(403, del, "PUT", "/api/access-control/roles/beyond", map[string]any{"name": "custom:beyond", "permissions": []P{}})
		if after := e.mustRole("d1"); after.Version != before.Version || !samePerms(after.Permissions, before.Permissions) {
			t.Errorf("refused update changed d1: %+v", after)
		}
		if b := e.mustRole("beyond"); len(b.Permissions) != 1 {
			t.Errorf("refused update changed beyond: %+v", b)
		}

		// Delete and assignments.
		e.want(403, del, "DELETE", "/api/access-control/roles/beyond", nil)
		e.mustRole("beyond")
		e.want(403, del, "POST", teamPath, map[string]any{"roleUid": "beyond"})
		e.want(403, del, "POST", userPath, map[string]any{"roleUid": "beyond"})
		e.want(403, del, "PUT", teamPath, map[string]any{"roleUids": []string{"within", "beyond"}})
		var roles []R
		e.want(200, admin, "GET", teamPath, nil).into(t, &roles)
		if len(roles) != 0 {
			t.Errorf("refused assignments stored %v", uids(roles))
		}
		e.want(200, del, "POST", teamPath, map[string]any{"roleUid": "within"})
		e.want(200, del, "POST", userPath, map[string]any{"roleUid": "within"})
		// Removing a role the caller could not grant is refused too.
		e.want(200, admin, "POST", teamPath, map[string]any{"roleUid": "beyond"})
		e.want(403, del, "DELETE", teamPath+"/beyond", nil)
		e.want(403, del, "PUT", teamPath, map[string]any{"roleUids": []string{"within"}})
		e.want(200, admin, "GET", teamPath, nil).into(t, &roles)
		if !slices.Equal(uids(roles), []string{"beyond", "within"}) {
			t.Errorf("team roles after refusals: %v", uids(roles))
		}
		e.want(200, del, "DELETE", teamPath+"/within", nil)

		// ?delegatable=true lists what the caller may assign.
		var deleg []R
		e.want(200, del, "GET", "/api/access-control/roles?delegatable=true", nil).into(t, &deleg)
		if !hasUID(deleg, "within") || !hasUID(deleg, "delegator") || hasUID(deleg, "beyond") {
			t.Errorf("delegatable = %v", uids(deleg))
		}
		for _, r := range deleg {
			if r.Delegatable == nil || !*r.Delegatable {
				t.Errorf("%s: delegatable flag %v", r.UID, r.Delegatable)
			}
		}
		var adminDeleg []R
		e.want(200, admin, "GET", "/api/access-control/roles?delegatable=true", nil).into(t, &adminDeleg)
		if !hasUID(adminDeleg, "within") || !hasUID(adminDeleg, "beyond") || !hasUID(adminDeleg, "delegator") {
			t.Errorf("the admin may delegate its own permissions: %v", uids(adminDeleg))
		}

		// The admin cannot escalate either.
		e.want(403, admin, "POST", "/api/access-control/roles", map[string]any{"name": "custom:esc", "permissions": []P{{"custom.never:held", "never:*"}}})
	})
}

// From Grafana 13.3 a role update checks only the permissions it keeps or
// adds; before, the ones it removes too.
func TestDelegationOfRemovedPermissions(t *testing.T) {
	for _, tt := range []struct {
		gen     int
		version string
		status  int
	}{
		{8, "", 403},
		{12, "", 403},
		{13, "13.0.0", 403},
		{13, "13.2.9", 403},
		{13, "13.3.0", 200},
		{13, "14.0.0", 200},
	} {
		t.Run(fmt.Sprintf("%d-%s", tt.gen, tt.version), func(t *testing.T) {
			t.Parallel()
			e := start(t, tt.gen, func(c *Config) { c.Version = tt.version })
			del := delegator(e)
			e.create(admin, map[string]any{"uid": "mixed", "name": "custom:mixed", "permissions": []P{
				{"reports:read", "reports:uid:1"}, {"datasources:read", "datasources:*"},
			}})
			// Dropping the permission del lacks, keeping the one it holds.
			e.want(tt.status, del, "PUT", "/api/access-control/roles/mixed", map[string]any{
				"name": "custom:mixed", "permissions": []P{{"reports:read", "reports:uid:1"}},
			})
			if got := len(e.mustRole("mixed").Permissions); got != map[int]int{200: 1, 403: 2}[tt.status] {
				t.Errorf("after the update the role has %d permissions", got)
			}
			// Adding one it lacks is refused on every version.
			e.want(403, del, "PUT", "/api/access-control/roles/mixed", map[string]any{
				"name": "custom:mixed", "permissions": []P{{"reports:read", "reports:uid:1"}, {"users:read", "global.users:*"}},
			})
		})
	}
}

// Within generation 2, /roles/:uid/assignments came with 9.2 and the basic
// role None with 10.0.
func TestFeaturesByRelease(t *testing.T) {
	for _, tt := range []struct {
		version           string
		assignments, none bool
	}{
		{"9.1.8", false, false}, {"9.2.0", true, false}, {"9.5.3", true, false}, {"10.0.0", true, true}, {"12.3.0", true, true},
	} {
		e := start(t, 12, func(c *Config) { c.Version, c.AdminRoles = tt.version, []string{"fixed:roles:resetter"} })
		e.create(admin, map[string]any{"uid": "r1", "name": "custom:r1"})
		if got := e.do(admin, "GET", "/api/access-control/roles/r1/assignments", nil).status == 200; got != tt.assignments {
			t.Errorf("%s: /roles/:uid/assignments served: %v", tt.version, got)
		}
		if _, st := e.role(admin, "basic_none"); (st == 200) != tt.none {
			t.Errorf("%s: basic_none answers %d", tt.version, st)
		}
		e.want(200, admin, "POST", "/api/access-control/roles/hard-reset", map[string]any{"BasicRoles": true})
		id := e.createUser("u")
		if st := e.do(admin, "PATCH", "/api/org/users/"+itoa(id), map[string]any{"role": "None"}).status; (st == 200) != tt.none {
			t.Errorf("%s: org role None answers %d", tt.version, st)
		}
	}
}

func TestVersionConfig(t *testing.T) {
	for _, tt := range []struct {
		gen     int
		version string
		want    string
	}{
		{8, "", "8.5.27"}, {12, "", "12.3.0"}, {13, "", "13.0.0"},
		{12, "9.5.1", "9.5.1"}, {13, "13.3.0", "13.3.0"},
	} {
		e := start(t, tt.gen, func(c *Config) { c.Version = tt.version })
		var h map[string]string
		e.want(200, as{}, "GET", "/api/health", nil).into(t, &h)
		if h["version"] != tt.want {
			t.Errorf("generation %d, version %q: health says %q", tt.gen, tt.version, h["version"])
		}
	}
	for _, bad := range []struct {
		gen     int
		version string
	}{{8, "12.0.0"}, {8, "8.4.7"}, {12, "8.5.0"}, {12, "13.0.0"}, {13, "12.3.0"}, {13, "thirteen"}, {12, "12"}} {
		if _, err := NewServer(Config{Generation: bad.gen, Version: bad.version}); err == nil {
			t.Errorf("generation %d with version %q started", bad.gen, bad.version)
		}
	}
}

func TestEscalation(t *testing.T) {
	for _, gen := range allGens {
		t.Run(fmt.Sprintf("gen%d", gen), func(t *testing.T) {
			t.Parallel()
			e := start(t, gen, func(c *Config) {
				if gen != 8 {
					c.AdminRoles = []string{"fixed:roles:resetter"}
				}
			})
			never := []P{{"custom.never:held", "never:*"}}
			if gen == 8 {
				// Generation 1 has no escalating fixed role: a wildcard does it.
				e.want(403, admin, "POST", "/api/access-control/roles", map[string]any{"name": "custom:esc", "permissions": never})
				return
			}
			e.create(admin, map[string]any{"uid": "esc", "name": "custom:esc", "permissions": never})
			// A wildcard scope that covers the escalate scope counts.
			e.create(admin, map[string]any{"uid": "wild", "name": "custom:wild", "permissions": []P{{"roles:write", "permissions:type:*"}, {"roles:write", e.delegate()}, {"roles:read", "roles:*"}}})
			uid := e.createUser("wild")
			e.want(200, admin, "POST", "/api/access-control/users/"+itoa(uid)+"/roles", map[string]any{"roleUid": "wild"})
			wild := as{auth: "wild:wild-pw"}
			e.want(201, wild, "POST", "/api/access-control/roles", map[string]any{"name": "custom:by-wild", "permissions": []P{{"other.never:held", ""}}})
		})
	}
}

func TestBuiltinRoleNamesAndAssignmentRules(t *testing.T) {
	eachGen(t, allGens, func(t *testing.T, e *env) {
		org2 := e.createOrg("org2")
		e.create(admin, map[string]any{"uid": "org1role", "name": "custom:org1"})
		e.create(admin.in(org2), map[string]any{"uid": "org2role", "name": "custom:org2"})
		e.create(admin, map[string]any{"uid": "glob", "name": "custom:glob", "global": true})
		e.create(admin, map[string]any{"uid": "basic_mine", "name": "custom:basic-uid", "global": true})
		team2 := e.createTeam(admin.in(org2), "t2")
		uid := e.createUser("u")
		e.want(200, admin, "POST", "/api/orgs/"+itoa(org2)+"/users", map[string]any{"loginOrEmail": "u", "role": "Viewer"})
		tp := func(team int64) string { return fmt.Sprintf("/api/access-control/teams/%d/roles", team) }
		up := "/api/access-control/users/" + itoa(uid) + "/roles"
		tests := []reqCase{
			{"org role in its own org", admin.in(org2), "POST", tp(team2), map[string]any{"roleUid": "org2role"}, 200},
			{"other org's role", admin.in(org2), "POST", tp(team2), map[string]any{"roleUid": "org1role"}, 404},
			{"global role in any org", admin.in(org2), "POST", tp(team2), map[string]any{"roleUid": "glob"}, 200},
			{"team of another org", admin, "POST", tp(team2), map[string]any{"roleUid": "glob"}, 404},
			{"user, other org's role", admin.in(org2), "POST", up, map[string]any{"roleUid": "org1role"}, 404},
			{"user, org role assigned globally", admin, "POST", up, map[string]any{"roleUid": "org1role", "global": true}, 400},
			{"user, global role globally", admin, "POST", up, map[string]any{"roleUid": "glob", "global": true}, 200},
			{"user, fixed role", admin, "POST", up, map[string]any{"roleUid": e.fixedUID("fixed:datasources:reader")}, 200},
			{"missing role", admin, "POST", up, map[string]any{"roleUid": "nope"}, 404},
			{"missing user", admin, "POST", "/api/access-control/users/999/roles", map[string]any{"roleUid": "glob"}, 404},
			{"missing team", admin, "POST", tp(999), map[string]any{"roleUid": "glob"}, 404},
			{"bad team id", admin, "POST", "/api/access-control/teams/abc/roles", map[string]any{"roleUid": "glob"}, 404},
			{"malformed body", admin, "POST", up, `{"roleUid":`, 400},
		}
		if e.gen == 8 {
			// Grafana 8 has no basic roles: the uid is only a uid.
			tests = append(tests, reqCase{"custom role with a basic_ uid", admin.in(org2), "POST", tp(team2), map[string]any{"roleUid": "basic_mine"}, 200})
		} else {
			tests = append(tests,
				reqCase{"basic role to a team", admin.in(org2), "POST", tp(team2), map[string]any{"roleUid": "basic_viewer"}, 400},
				reqCase{"basic none to a user", admin, "POST", up, map[string]any{"roleUid": "basic_none"}, 400},
				reqCase{"basic role in a set", admin, "PUT", up, map[string]any{"roleUids": []string{"basic_admin"}}, 400},
				// RoleDTO.IsBasic: a basic_ uid makes a basic role on 9+.
				reqCase{"basic_ uid of a custom role", admin.in(org2), "POST", tp(team2), map[string]any{"roleUid": "basic_mine"}, 400},
			)
		}
		for _, tt := range tests {
			r := e.do(tt.who, tt.method, tt.path, tt.body)
			if r.status != tt.status {
				t.Errorf("%s: %s", tt.name, r)
			}
			if tt.status == 400 && strings.HasPrefix(tt.name, "basic") && r.message(t) != "this endpoint cannot be used to assign basic, managed or external services roles" {
				t.Errorf("%s: message %q", tt.name, r.message(t))
			}
		}
		var roles []R
		e.want(200, admin, "GET", "/api/access-control/roles?includeHidden=true", nil).into(t, &roles)
		if hasUID(roles, "org2role") || !hasUID(roles, "org1role") || !hasUID(roles, "glob") {
			t.Errorf("org 1 lists another org's role, or misses its own: %v", uids(roles))
		}
		if _, st := e.role(admin, "org2role"); st != 404 {
			t.Errorf("org 1 reads org 2's role: %d", st)
		}
		e.want(404, admin, "PUT", "/api/access-control/roles/org2role", map[string]any{"name": "custom:org2"})
		e.want(404, admin, "DELETE", "/api/access-control/roles/org2role", nil)
		e.want(200, admin.in(org2), "GET", tp(team2), nil).into(t, &roles)
		if e.gen == 8 {
			roles = slices.DeleteFunc(roles, func(r R) bool { return r.UID == "basic_mine" })
		}
		if !slices.Equal(uids(roles), []string{"glob", "org2role"}) {
			t.Errorf("team roles = %v", uids(roles))
		}
		e.want(200, admin, "GET", up+"?includeHidden=true", nil).into(t, &roles)
		if !hasUID(roles, "glob") || hasUID(roles, "org1role") || len(roles) != 2 {
			t.Errorf("user roles = %v", uids(roles))
		}
		// The global assignment is seen from every org; it is removed only with global=true.
		e.want(200, admin.in(org2), "GET", up, nil).into(t, &roles)
		if !slices.Equal(uids(roles), []string{"glob"}) {
			t.Errorf("user roles from org2 = %v", uids(roles))
		}
		e.want(404, admin, "DELETE", up+"/glob", nil)
		e.want(200, admin, "DELETE", up+"/glob?global=true", nil)
		e.want(404, admin, "DELETE", up+"/glob?global=true", nil)
	})
}

func TestGen1BuiltinAssignments(t *testing.T) {
	e := start(t, 8)
	var m map[string][]R
	e.want(200, admin, "GET", "/api/access-control/builtin-roles", nil).into(t, &m)
	names := func(roles []R) []string {
		var out []string
		for _, r := range roles {
			out = append(out, r.Name)
		}
		return out
	}
	for b, want := range map[string][]string{
		"Grafana Admin": {"fixed:permissions:admin:read", "fixed:permissions:admin:edit", "fixed:permissions:admin", "fixed:users:admin:edit", "fixed:ldap:admin:edit", "fixed:licensing:editor", "fixed:server:admin:read", "fixed:settings:admin:edit", "fixed:reporting:admin:edit", "fixed:users:org:edit"},
		"Admin":         {"fixed:reporting:admin:read", "fixed:reporting:admin:edit", "fixed:users:org:read", "fixed:users:org:edit"},
		"Editor":        {"fixed:datasource:editor:read"},
	} {
		for _, n := range want {
			if !slices.Contains(names(m[b]), n) {
				t.Errorf("%s lacks default grant %s: %v", b, n, names(m[b]))
			}
		}
	}
	if slices.Contains(names(m["Admin"]), "fixed:datasources:reader") || slices.Contains(names(m["Grafana Admin"]), "fixed:licensing:viewer") {
		t.Error("a role without default grant is granted")
	}
	for _, r := range m["Viewer"] {
		if r.Permissions != nil {
			t.Error("builtin-roles list carries permissions")
		}
	}

	perms := []P{{"reports:read", "reports:*"}}
	e.create(admin, map[string]any{"uid": "b1", "name": "custom:b1", "permissions": perms})
	e.create(admin, map[string]any{"uid": "bg", "name": "custom:bg", "global": true, "permissions": perms})
	e.create(admin, map[string]any{"uid": "bh", "name": "custom:bh", "hidden": true, "permissions": perms})
	uid := e.createUser("ed")
	e.setOrgRole(1, uid, "Editor")
	ed := as{auth: "ed:ed-pw"}
	before := e.ownPerms(ed)
	if slices.Contains(before, P{"reports:read", "reports:*"}) {
		t.Fatal("the Editor already holds reports:read")
	}
	tests := []struct {
		name   string
		method string
		path   string
		body   any
		status int
	}{
		{"grant", "POST", "/api/access-control/builtin-roles", map[string]any{"roleUid": "b1", "builtinRole": "Editor"}, 200},
		{"grant again", "POST", "/api/access-control/builtin-roles", map[string]any{"roleUid": "b1", "builtInRole": "Editor"}, 200},
		{"hidden role", "POST", "/api/access-control/builtin-roles", map[string]any{"roleUid": "bh", "builtInRole": "Viewer"}, 200},
		{"unknown built-in role", "POST", "/api/access-control/builtin-roles", map[string]any{"roleUid": "b1", "builtInRole": "Boss"}, 400},
		{"lower-case name", "POST", "/api/access-control/builtin-roles", map[string]any{"roleUid": "b1", "builtInRole": "editor"}, 400},
		{"None is not a generation 1 role", "POST", "/api/access-control/builtin-roles", map[string]any{"roleUid": "b1", "builtInRole": "None"}, 400},
		{"Grafana Admin not global", "POST", "/api/access-control/builtin-roles", map[string]any{"roleUid": "bg", "builtInRole": "Grafana Admin"}, 400},
		{"Grafana Admin global", "POST", "/api/access-control/builtin-roles", map[string]any{"roleUid": "bg", "builtInRole": "Grafana Admin", "global": true}, 200},
		{"org role granted globally", "POST", "/api/access-control/builtin-roles", map[string]any{"roleUid": "b1", "builtInRole": "Viewer", "global": true}, 400},
		{"missing role", "POST", "/api/access-control/builtin-roles", map[string]any{"roleUid": "nope", "builtInRole": "Viewer"}, 404},
		{"delete an assigned role", "DELETE", "/api/access-control/roles/b1", nil, 400},
		{"remove Grafana Admin grant without global", "DELETE", "/api/access-control/builtin-roles/Grafana%20Admin/roles/bg", nil, 400},
		{"remove Grafana Admin grant", "DELETE", "/api/access-control/builtin-roles/Grafana%20Admin/roles/bg?global=true", nil, 200},
		{"remove it twice", "DELETE", "/api/access-control/builtin-roles/Grafana%20Admin/roles/bg?global=true", nil, 404},
		{"remove from an unknown built-in role", "DELETE", "/api/access-control/builtin-roles/Boss/roles/b1", nil, 400},
	}
	for _, tt := range tests {
		if r := e.do(admin, tt.method, tt.path, tt.body); r.status != tt.status {
			t.Errorf("%s: %s", tt.name, r)
		}
	}
	e.want(200, admin, "GET", "/api/access-control/builtin-roles", nil).into(t, &m)
	if !hasUID(m["Editor"], "b1") || hasUID(m["Viewer"], "bh") || hasUID(m["Grafana Admin"], "bg") {
		t.Errorf("assignments: Editor %v, Viewer %v, GA %v", uids(m["Editor"]), uids(m["Viewer"]), uids(m["Grafana Admin"]))
	}
	e.want(200, admin, "GET", "/api/access-control/builtin-roles?includeHidden=true", nil).into(t, &m)
	if !hasUID(m["Viewer"], "bh") {
		t.Error("hidden grant not listed with includeHidden")
	}
	if after := e.ownPerms(ed); !slices.Contains(after, P{"reports:read", "reports:*"}) {
		t.Error("the Editor does not hold the granted role's permission")
	}
	// An Admin holds Editor grants (hierarchy).
	e.setOrgRole(1, uid, "Admin")
	if after := e.ownPerms(ed); !slices.Contains(after, P{"reports:read", "reports:*"}) {
		t.Error("an Admin does not hold what is granted to Editor")
	}
	e.want(200, admin, "DELETE", "/api/access-control/builtin-roles/Editor/roles/b1", nil)
	e.want(404, admin, "DELETE", "/api/access-control/builtin-roles/Editor/roles/b1", nil)

	// Default grants are global assignments: removable and restorable.
	reader := e.fixedUID("fixed:reporting:admin:read")
	e.want(404, admin, "DELETE", "/api/access-control/builtin-roles/Admin/roles/"+reader, nil)
	e.want(200, admin, "DELETE", "/api/access-control/builtin-roles/Admin/roles/"+reader+"?global=true", nil)
	e.want(200, admin, "GET", "/api/access-control/builtin-roles", nil).into(t, &m)
	if hasUID(m["Admin"], reader) {
		t.Error("default grant not removed")
	}
	e.want(200, admin, "POST", "/api/access-control/builtin-roles", map[string]any{"roleUid": reader, "builtInRole": "Admin", "global": true})
	e.want(200, admin, "GET", "/api/access-control/builtin-roles", nil).into(t, &m)
	if !hasUID(m["Admin"], reader) {
		t.Error("default grant not restored")
	}
	// Unless the grant was the only source of a permission: the admin held
	// datasources:explore only through Editor's default grant.
	explore := e.fixedUID("fixed:datasource:editor:read")
	e.want(200, admin, "DELETE", "/api/access-control/builtin-roles/Editor/roles/"+explore+"?global=true", nil)
	e.want(403, admin, "POST", "/api/access-control/builtin-roles", map[string]any{"roleUid": explore, "builtInRole": "Editor", "global": true})

	// Org grants stay in their org.
	org2 := e.createOrg("org2")
	e.want(200, admin, "POST", "/api/access-control/builtin-roles", map[string]any{"roleUid": "b1", "builtInRole": "Viewer"})
	e.want(200, admin.in(org2), "GET", "/api/access-control/builtin-roles", nil).into(t, &m)
	if hasUID(m["Viewer"], "b1") {
		t.Error("an org grant is seen from another org")
	}
}

func TestForceDelete(t *testing.T) {
	eachGen(t, allGens, func(t *testing.T, e *env) {
		perms := []P{{"reports:read", "reports:*"}}
		e.create(admin, map[string]any{"uid": "f", "name": "custom:f", "permissions": perms})
		e.create(admin, map[string]any{"uid": "fg", "name": "custom:fg", "global": true, "permissions": perms})
		team := e.createTeam(admin, "t")
		uid := e.createUser("u")
		org2 := e.createOrg("o2")
		e.want(200, admin, "POST", "/api/orgs/"+itoa(org2)+"/users", map[string]any{"loginOrEmail": "u", "role": "Editor"})
		team2 := e.createTeam(admin.in(org2), "t2")
		e.want(200, admin, "POST", fmt.Sprintf("/api/access-control/teams/%d/roles", team), map[string]any{"roleUid": "f"})
		e.want(200, admin, "POST", "/api/access-control/users/"+itoa(uid)+"/roles", map[string]any{"roleUid": "f"})
		e.want(200, admin.in(org2), "POST", fmt.Sprintf("/api/access-control/teams/%d/roles", team2), map[string]any{"roleUid": "fg"})
		e.want(200, admin, "POST", "/api/access-control/users/"+itoa(uid)+"/roles", map[string]any{"roleUid": "fg", "global": true})
		if e.gen == 8 {
			e.want(200, admin, "POST", "/api/access-control/builtin-roles", map[string]any{"roleUid": "fg", "builtInRole": "Viewer", "global": true})
		}
		e.want(400, admin, "DELETE", "/api/access-control/roles/f", nil)
		e.want(400, admin, "DELETE", "/api/access-control/roles/f?force=false", nil)
		e.want(400, admin, "DELETE", "/api/access-control/roles/fg?global=true", nil)
		e.mustRole("f")
		var roles []R
		e.want(200, admin, "GET", fmt.Sprintf("/api/access-control/teams/%d/roles", team), nil).into(t, &roles)
		if !hasUID(roles, "f") {
			t.Fatal("a refused delete removed an assignment")
		}
		// A global role is found only with global=true.
		e.want(404, admin, "DELETE", "/api/access-control/roles/fg?force=true", nil)
		e.want(404, admin, "DELETE", "/api/access-control/roles/f?force=true&global=true", nil)
		e.want(200, admin, "DELETE", "/api/access-control/roles/f?force=true", nil)
		e.want(200, admin, "DELETE", "/api/access-control/roles/fg?force=true&global=true", nil)
		for _, path := range []string{
			fmt.Sprintf("/api/access-control/teams/%d/roles", team),
			"/api/access-control/users/" + itoa(uid) + "/roles?includeHidden=true",
		} {
			e.want(200, admin, "GET", path, nil).into(t, &roles)
			if len(roles) != 0 {
				t.Errorf("%s after forced delete: %v", path, uids(roles))
			}
		}
		e.want(200, admin.in(org2), "GET", fmt.Sprintf("/api/access-control/teams/%d/roles", team2), nil).into(t, &roles)
		if len(roles) != 0 {
			t.Errorf("org2 team after forced delete: %v", uids(roles))
		}
		if e.gen == 8 {
			var m map[string][]R
			e.want(200, admin, "GET", "/api/access-control/builtin-roles", nil).into(t, &m)
			if hasUID(m["Viewer"], "fg") {
				t.Error("forced delete left the built-in grant")
			}
		}
		e.s().mu.RLock()
		assigned := e.s().isAssigned("f") || e.s().isAssigned("fg")
		e.s().mu.RUnlock()
		if assigned {
			t.Error("store still holds assignments")
		}
		// The uid and name are free again.
		e.create(admin, map[string]any{"uid": "f", "name": "custom:f"})
	})
}

func (e *env) s() *store { return e.srv.Emulator.s }

func TestGlobalRoles(t *testing.T) {
	eachGen(t, allGens, func(t *testing.T, e *env) {
		perms := []P{{"reports:read", "reports:*"}}
		g := e.create(admin, map[string]any{"uid": "g", "name": "custom:g", "global": true, "permissions": perms})
		if !g.Global {
			t.Errorf("created = %+v", g)
		}
		org2 := e.createOrg("o2")
		if r, st := e.role(admin.in(org2), "g"); st != 200 || !r.Global {
			t.Errorf("from org2: %d %+v", st, r)
		}
		var list []R
		e.want(200, admin.in(org2), "GET", "/api/access-control/roles", nil).into(t, &list)
		if !hasUID(list, "g") {
			t.Error("global role not listed in org2")
		}
		e.want(404, admin, "PUT", "/api/access-control/roles/g", map[string]any{"name": "custom:g", "permissions": perms})
		e.want(200, admin, "PUT", "/api/access-control/roles/g", map[string]any{"name": "custom:g", "global": true, "description": "x", "permissions": perms})
		if r := e.mustRole("g"); r.Description != "x" || !r.Global {
			t.Errorf("updated = %+v", r)
		}

		// Someone who may write roles but is no server admin.
		writer := e.fixedUID(e.writerRole())
		uid := e.createUser("oa")
		e.setOrgRole(1, uid, "Admin")
		e.want(200, admin, "POST", "/api/access-control/users/"+itoa(uid)+"/roles", map[string]any{"roleUid": writer})
		oa := as{auth: "oa:oa-pw"}
		tests := []reqCase{
			{"create a global role", oa, "POST", "/api/access-control/roles", map[string]any{"name": "custom:g2", "global": true}, 403},
			{"update a global role", oa, "PUT", "/api/access-control/roles/g", map[string]any{"name": "custom:g", "global": true, "permissions": perms}, 403},
			{"delete a global role", oa, "DELETE", "/api/access-control/roles/g?global=true", nil, 403},
			{"global user assignment", oa, "POST", "/api/access-control/users/" + itoa(uid) + "/roles", map[string]any{"roleUid": "g", "global": true}, 403},
			{"org role", oa, "POST", "/api/access-control/roles", map[string]any{"uid": "oar", "name": "custom:oa"}, e.createStatus()},
			{"org assignment of a global role", oa, "POST", "/api/access-control/users/" + itoa(uid) + "/roles", map[string]any{"roleUid": "g"}, 200},
		}
		if e.gen == 8 {
			tests = append(tests, reqCase{"global built-in grant", oa, "POST", "/api/access-control/builtin-roles", map[string]any{"roleUid": "g", "builtInRole": "Viewer", "global": true}, 403})
		}
		for _, tt := range tests {
			if r := e.do(tt.who, tt.method, tt.path, tt.body); r.status != tt.status {
				t.Errorf("%s: %s", tt.name, r)
			}
		}
		if r := e.mustRole("g"); r.Description != "x" {
			t.Errorf("a refused update changed the global role: %+v", r)
		}
		e.want(200, admin, "DELETE", "/api/access-control/roles/g?global=true&force=true", nil)
		if _, st := e.role(admin, "g"); st != 404 {
			t.Errorf("deleted global role answers %d", st)
		}
	})
}

func TestPermissionChecksOnEndpoints(t *testing.T) {
	eachGen(t, allGens, func(t *testing.T, e *env) {
		e.create(admin, map[string]any{"uid": "victim", "name": "custom:victim"})
		uid := e.createUser("viewer")
		team := e.createTeam(admin, "t")
		viewer := as{auth: "viewer:viewer-pw"}
		d := e.delegate()
		tests := []struct {
			name, method, path string
			body               any
			need               string
		}{
			{"list roles", "GET", "/api/access-control/roles", nil, e.listAction()},
			{"get a role", "GET", "/api/access-control/roles/victim", nil, "roles:read"},
			{"create a role", "POST", "/api/access-control/roles", map[string]any{"name": "custom:by-viewer"}, "roles:write"},
			{"update a role", "PUT", "/api/access-control/roles/victim", map[string]any{"name": "custom:victim", "description": "x"}, "roles:write"},
			{"delete a role", "DELETE", "/api/access-control/roles/victim", nil, "roles:delete"},
			{"team roles", "GET", fmt.Sprintf("/api/access-control/teams/%d/roles", team), nil, ""},
			{"add team role", "POST", fmt.Sprintf("/api/access-control/teams/%d/roles", team), map[string]any{"roleUid": "victim"}, "teams.roles:add"},
			{"user roles", "GET", "/api/access-control/users/" + itoa(uid) + "/roles", nil, ""},
			{"add user role", "POST", "/api/access-control/users/" + itoa(uid) + "/roles", map[string]any{"roleUid": "victim"}, "users.roles:add"},
			{"user permissions", "GET", "/api/access-control/users/1/permissions", nil, ""},
			{"create a user", "POST", "/api/admin/users", map[string]any{"login": "x", "password": "x"}, ""},
			{"create an org", "POST", "/api/orgs", map[string]any{"name": "x"}, ""},
			{"create a team", "POST", "/api/teams", map[string]any{"name": "x"}, ""},
			{"change an org role", "PATCH", "/api/org/users/" + itoa(uid), map[string]any{"role": "Admin"}, ""},
		}
		if e.gen == 8 {
			tests = append(tests, struct {
				name, method, path string
				body               any
				need               string
			}{"builtin list", "GET", "/api/access-control/builtin-roles", nil, "roles.builtin:list"})
		} else {
			tests = append(tests, struct {
				name, method, path string
				body               any
				need               string
			}{"hard reset", "POST", "/api/access-control/roles/hard-reset", map[string]any{"BasicRoles": true}, "roles:write"})
		}
		for _, tt := range tests {
			r := e.do(viewer, tt.method, tt.path, tt.body)
			if r.status != 403 {
				t.Errorf("viewer, %s: %s", tt.name, r)
				continue
			}
			if tt.need != "" && !strings.HasSuffix(r.message(t), "Permissions needed: "+tt.need) {
				t.Errorf("viewer, %s: message %q", tt.name, r.message(t))
			}
		}
		if r := e.mustRole("victim"); r.Description != "" {
			t.Error("a refused update changed the role")
		}
		// A viewer reads its own permissions.
		if own := e.ownPerms(viewer); len(own) == 0 || slices.Contains(own, P{"roles:write", d}) {
			t.Errorf("viewer's own permissions: %v", own)
		}
		// A Viewer still cannot touch roles when it holds other roles' permissions.
		if e.do(viewer, "GET", "/api/access-control/roles?delegatable=true", nil).status != 403 {
			t.Error("viewer lists delegatable roles")
		}
	})
}

func TestEffectivePermissions(t *testing.T) {
	eachGen(t, allGens, func(t *testing.T, e *env) {
		catalog := catalogGen1
		if e.gen != 8 {
			catalog = catalogGen2
		}
		held := e.ownPerms(admin)
		heldSet := &permSet{byAction: map[string][]string{}}
		for _, p := range held {
			heldSet.byAction[p.Action] = append(heldSet.byAction[p.Action], p.Scope)
		}
		if canEscalate(heldSet) {
			t.Error("the admin can escalate")
		}
		for _, d := range catalog {
			miss := heldSet.missing(d.perms)
			switch {
			case d.name == "fixed:roles:resetter":
				if len(miss) == 0 {
					t.Error("the admin covers fixed:roles:resetter")
				}
			case len(miss) > 0:
				t.Errorf("the admin cannot delegate %s: lacks %v", d.name, miss)
			}
		}

		// Hierarchy and teams.
		perm := func(who as) map[P]bool {
			m := map[P]bool{}
			for _, p := range e.ownPerms(who) {
				m[p] = true
			}
			return m
		}
		var ids []int64
		for _, role := range []string{"Viewer", "Editor", "Admin"} {
			login := strings.ToLower(role) + "-user"
			id := e.createUser(login)
			ids = append(ids, id)
			e.setOrgRole(1, id, role)
		}
		v, ed, ad := perm(as{auth: "viewer-user:viewer-user-pw"}), perm(as{auth: "editor-user:editor-user-pw"}), perm(as{auth: "admin-user:admin-user-pw"})
		for p := range v {
			if !ed[p] || !ad[p] {
				t.Errorf("Viewer's %v not held by Editor or Admin", p)
			}
		}
		for p := range ed {
			if !ad[p] {
				t.Errorf("Editor's %v not held by Admin", p)
			}
		}
		if len(ed) <= len(v) || len(ad) <= len(ed) {
			t.Errorf("sizes viewer %d editor %d admin %d", len(v), len(ed), len(ad))
		}
		// Generation 2 gives an org Admin the role-management rights in its org.
		if got := ad[P{"roles:write", e.delegate()}]; got != (e.gen != 8) {
			t.Errorf("an org Admin holds roles:write: %v", got)
		}
		if ed[P{"roles:write", e.delegate()}] {
			t.Error("an org Editor holds roles:write")
		}

		// Team membership brings the team's roles.
		e.create(admin, map[string]any{"uid": "tr", "name": "custom:tr", "permissions": []P{{"reports:read", "reports:*"}}})
		team := e.createTeam(admin, "tm")
		e.want(200, admin, "POST", fmt.Sprintf("/api/access-control/teams/%d/roles", team), map[string]any{"roleUid": "tr"})
		e.want(200, admin, "POST", fmt.Sprintf("/api/teams/%d/members", team), map[string]any{"userId": ids[0]})
		if !perm(as{auth: "viewer-user:viewer-user-pw"})[P{"reports:read", "reports:*"}] {
			t.Error("team role not held by a member")
		}
		var list []P
		e.want(200, admin, "GET", "/api/access-control/users/"+itoa(ids[0])+"/permissions", nil).into(t, &list)
		if !slices.IsSortedFunc(list, func(a, b P) int { return strings.Compare(a.Action+"\x00"+a.Scope, b.Action+"\x00"+b.Scope) }) {
			t.Error("user permissions not sorted")
		}
		if !slices.Contains(list, P{"reports:read", "reports:*"}) || len(list) != len(e.ownPerms(as{auth: "viewer-user:viewer-user-pw"})) {
			t.Errorf("users/:id/permissions = %v", list)
		}
		e.want(200, admin, "DELETE", fmt.Sprintf("/api/teams/%d/members/%d", team, ids[0]), nil)
		if perm(as{auth: "viewer-user:viewer-user-pw"})[P{"reports:read", "reports:*"}] {
			t.Error("team role held after leaving the team")
		}
		e.want(404, admin, "GET", "/api/access-control/users/999/permissions", nil)

		// The shape of the caller's own permissions.
		var raw map[string][]string
		e.want(200, admin, "GET", "/api/access-control/user/permissions", nil).into(t, &raw)
		if len(raw[e.listAction()]) == 0 {
			t.Errorf("admin permissions lack %s: %v", e.listAction(), raw)
		}
	})
}

func TestSelfLockOut(t *testing.T) {
	t.Run("gen8", func(t *testing.T) {
		t.Parallel()
		e := start(t, 8)
		edit, full := e.fixedUID("fixed:permissions:admin:edit"), e.fixedUID("fixed:permissions:admin")
		e.want(200, admin, "DELETE", "/api/access-control/builtin-roles/Grafana%20Admin/roles/"+edit+"?global=true", nil)
		e.create(admin, map[string]any{"name": "custom:still"}) // fixed:permissions:admin still grants it
		e.want(200, admin, "DELETE", "/api/access-control/builtin-roles/Grafana%20Admin/roles/"+full+"?global=true", nil)
		r := e.do(admin, "POST", "/api/access-control/roles", map[string]any{"name": "custom:locked"})
		if r.status != 403 {
			t.Fatalf("create after lock-out: %s", r)
		}
		e.want(403, admin, "POST", "/api/access-control/builtin-roles", map[string]any{"roleUid": edit, "builtInRole": "Grafana Admin", "global": true})
	})
	for _, gen := range []int{12, 13} {
		t.Run(fmt.Sprintf("gen%d", gen), func(t *testing.T) {
			t.Parallel()
			e := start(t, gen)
			// As an Admin of org 1 the admin would keep the org Admin's
			// role-management rights there; lock out a server admin who is not.
			e.setOrgRole(1, 1, "Viewer")
			ga := e.mustRole("basic_grafana_admin")
			var kept []P
			for _, p := range ga.Permissions {
				if p.Action != "roles:write" {
					kept = append(kept, P{p.Action, p.Scope})
				}
			}
			e.want(200, admin, "PUT", "/api/access-control/roles/basic_grafana_admin", map[string]any{
				"name": ga.Name, "displayName": ga.DisplayName, "global": true, "hidden": true, "permissions": kept})
			e.want(403, admin, "POST", "/api/access-control/roles", map[string]any{"name": "custom:locked"})
			e.want(403, admin, "PUT", "/api/access-control/roles/basic_grafana_admin", map[string]any{
				"name": ga.Name, "global": true, "hidden": true, "permissions": ga.Permissions})
			if r := e.mustRole("basic_grafana_admin"); len(r.Permissions) != len(kept) {
				t.Error("the locked-out admin restored the role")
			}
			if slices.ContainsFunc(e.ownPerms(admin), func(p P) bool { return p.Action == "roles:write" }) {
				t.Error("admin still holds roles:write")
			}

			// An Admin of org 1 keeps the org Admin's rights there, and restores it.
			kept2 := start(t, gen)
			kept2.want(200, admin, "PUT", "/api/access-control/roles/basic_grafana_admin", map[string]any{
				"name": ga.Name, "global": true, "hidden": true, "permissions": kept})
			kept2.want(200, admin, "PUT", "/api/access-control/roles/basic_grafana_admin", map[string]any{
				"name": ga.Name, "global": true, "hidden": true, "permissions": ga.Permissions})
			if r := kept2.mustRole("basic_grafana_admin"); !samePerms(r.Permissions, ga.Permissions) {
				t.Error("the org Admin did not restore basic_grafana_admin")
			}
		})
	}
}

func TestHardReset(t *testing.T) {
	for _, gen := range []int{12, 13} {
		t.Run(fmt.Sprintf("gen%d", gen), func(t *testing.T) {
			t.Parallel()
			e := start(t, gen, func(c *Config) { c.AdminRoles = []string{"fixed:roles:resetter"} })
			plain := start(t, gen)
			plain.want(403, admin, "POST", "/api/access-control/roles/hard-reset", map[string]any{"BasicRoles": true})

			viewer := e.mustRole("basic_viewer")
			admin0 := e.mustRole("basic_admin")
			e.want(200, admin, "PUT", "/api/access-control/roles/basic_viewer", map[string]any{
				"name": "basic:viewer", "global": true, "hidden": true, "permissions": []P{{"reports:read", "reports:*"}}})
			e.want(200, admin, "PUT", "/api/access-control/roles/basic_admin", map[string]any{
				"name": "basic:admin", "global": true, "hidden": true, "permissions": []P{}})
			e.want(400, admin, "POST", "/api/access-control/roles/hard-reset", map[string]any{"BasicRoles": false})
			e.want(400, admin, "POST", "/api/access-control/roles/hard-reset", `{"BasicRoles":`)
			if r := e.mustRole("basic_viewer"); len(r.Permissions) != 1 {
				t.Error("a refused reset changed basic_viewer")
			}
			if m := e.want(200, admin, "POST", "/api/access-control/roles/hard-reset", map[string]any{"basicroles": true}).message(t); m != "Reset performed" {
				t.Errorf("message %q", m)
			}
			if r := e.mustRole("basic_viewer"); !samePerms(r.Permissions, viewer.Permissions) || r.Version <= 2 {
				t.Errorf("basic_viewer after reset: version %d, %d permissions", r.Version, len(r.Permissions))
			}
			if r := e.mustRole("basic_admin"); !samePerms(r.Permissions, admin0.Permissions) {
				t.Error("basic_admin not restored")
			}
		})
	}
}

// An update is held to the create's name rules, and a global set of a
// user's roles touches only the global assignments.
func TestUpdateNameAndGlobalUserRoleSets(t *testing.T) {
	eachGen(t, allGens, func(t *testing.T, e *env) {
		e.create(admin, map[string]any{"uid": "r", "name": "custom:r"})
		long := "custom:" + strings.Repeat("x", 184)
		e.want(400, admin, "PUT", "/api/access-control/roles/r", map[string]any{"name": long, "version": 5})
		e.want(200, admin, "PUT", "/api/access-control/roles/r", map[string]any{"name": long[:190], "version": 6})
		version := int64(6)
		if e.gen == 13 {
			version = 2 // 1 on create, +1 for the update that passed
		}
		if got := e.mustRole("r"); got.Name != long[:190] || got.Version != version {
			t.Errorf("after the updates: %+v", got)
		}

		e.create(admin, map[string]any{"uid": "g", "name": "custom:g", "global": true})
		e.create(admin, map[string]any{"uid": "o", "name": "custom:o"})
		id := e.createUser("u")
		up := "/api/access-control/users/" + itoa(id) + "/roles"
		e.want(200, admin, "POST", up, map[string]any{"roleUid": "o"})
		if r := e.do(admin, "PUT", up, map[string]any{"roleUids": []string{"o"}, "global": true}); r.status < 400 {
			t.Errorf("an org role set globally: %s", r)
		}
		e.want(200, admin, "PUT", up, map[string]any{"roleUids": []string{"g"}, "global": true})
		var roles []R
		e.want(200, admin, "GET", up, nil).into(t, &roles)
		if !slices.Equal(uids(roles), []string{"g", "o"}) {
			t.Errorf("after a global set: %v", uids(roles))
		}
		e.want(200, admin, "PUT", up, map[string]any{"roleUids": []string{}, "global": true})
		e.want(200, admin, "GET", up, nil).into(t, &roles)
		if !slices.Equal(uids(roles), []string{"o"}) {
			t.Errorf("after clearing the global set: %v", uids(roles))
		}
	})
}
