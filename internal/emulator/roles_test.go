package emulator

import (
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestHealthStatusAndRouting(t *testing.T) {
	versions := map[int]string{8: "8.5.27", 12: "12.3.0", 13: "13.0.0"}
	eachGen(t, allGens, func(t *testing.T, e *env) {
		var h map[string]string
		e.want(200, as{}, "GET", "/api/health", nil).into(t, &h)
		if h["version"] != versions[e.gen] || h["database"] != "ok" || h["commit"] != "emulator" {
			t.Errorf("health = %v", h)
		}
		if e.srv.Emulator.Generation() != e.gen {
			t.Errorf("Generation() = %d", e.srv.Emulator.Generation())
		}
		var st map[string]bool
		e.want(200, admin, "GET", "/api/access-control/status", nil).into(t, &st)
		if !st["enabled"] {
			t.Errorf("status = %v", st)
		}
		tests := []struct {
			name   string
			who    as
			method string
			path   string
			status int
		}{
			{"status needs credentials", as{}, "GET", "/api/access-control/status", 401},
			{"unknown route, no credentials", as{}, "GET", "/api/nothing-here", 404},
			{"unknown route, bad credentials", as{auth: "admin:nope"}, "GET", "/api/nothing-here", 401},
			{"unknown route, admin", admin, "GET", "/api/access-control/nothing", 404},
			{"wrong method", admin, "PATCH", "/api/access-control/roles", 404},
			{"empty uid", admin, "GET", "/api/access-control/roles/", 404},
		}
		for _, tt := range tests {
			if r := e.do(tt.who, tt.method, tt.path, nil); r.status != tt.status {
				t.Errorf("%s: %s", tt.name, r)
			} else if tt.status == 401 && r.message(t) != "Unauthorized" {
				t.Errorf("%s: message %q", tt.name, r.message(t))
			}
		}
		// Endpoints of the other generation do not exist.
		gen1Only := []string{"GET /api/access-control/builtin-roles", "POST /api/access-control/builtin-roles",
			"DELETE /api/access-control/builtin-roles/Viewer/roles/x"}
		gen2Only := []string{"GET /api/access-control/roles/x/assignments", "POST /api/access-control/roles/hard-reset",
			"POST /api/access-control/teams/roles/search", "POST /api/access-control/users/roles/search",
			"POST /api/serviceaccounts", "POST /api/serviceaccounts/2/tokens", "DELETE /api/serviceaccounts/2"}
		absent := gen2Only
		if e.gen != 8 {
			absent = gen1Only
		}
		for _, route := range absent {
			method, path, _ := strings.Cut(route, " ")
			if r := e.do(admin, method, path, "{}"); r.status != 404 {
				t.Errorf("%s on generation %d: %s", route, e.gen, r)
			}
		}
	})
}

func TestAuthentication(t *testing.T) {
	eachGen(t, allGens, func(t *testing.T, e *env) {
		e.createUser("alice")
		org2 := e.createOrg("other")
		tests := []struct {
			name   string
			who    as
			status int
		}{
			{"admin", admin, 200},
			{"admin by email", as{auth: "admin@localhost:admin"}, 200},
			{"login is case-insensitive", as{auth: "ADMIN:admin"}, 200},
			{"wrong password", as{auth: "admin:wrong"}, 401},
			{"unknown user", as{auth: "nobody:x"}, 401},
			{"no credentials", as{}, 401},
			{"other user's password", as{auth: "alice:alice-pw"}, 200},
			{"bogus token", as{auth: "glsa_bogus_00000000"}, 401},
			{"org header, member", admin.in(org2), 200},
			{"org header, not a member", as{"alice:alice-pw", org2}, 403},
			{"org header, no such org", admin.in(99), 403},
		}
		for _, tt := range tests {
			r := e.do(tt.who, "GET", "/api/access-control/user/permissions", nil)
			if r.status != tt.status {
				t.Errorf("%s: %s", tt.name, r)
			}
		}
		req, _ := http.NewRequest("GET", e.srv.URL+"/api/access-control/user/permissions", nil)
		req.SetBasicAuth("admin", "admin")
		req.Header.Set("X-Grafana-Org-Id", "one")
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != 400 {
			t.Errorf("malformed org header: %d", r.StatusCode)
		}
		req.Header.Set("X-Grafana-Org-Id", "1")
		req.Header.Set("Authorization", "Digest abc")
		if r, err = http.DefaultClient.Do(req); err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != 401 {
			t.Errorf("unknown scheme: %d", r.StatusCode)
		}
	})

	t.Run("custom admin credentials", func(t *testing.T) {
		e := start(t, 12, func(c *Config) { c.AdminLogin, c.AdminPassword = "root", "s3cret" })
		e.want(401, admin, "GET", "/api/access-control/roles", nil)
		e.want(200, as{auth: "root:s3cret"}, "GET", "/api/access-control/roles", nil)
	})
}

func TestRoleLifecycle(t *testing.T) {
	eachGen(t, allGens, func(t *testing.T, e *env) {
		perms := []P{{"reports:read", "reports:*"}, {"datasources:query", "datasources:uid:abc"}, {"reports.settings:read", ""}}
		r := e.create(admin, map[string]any{
			"uid": "r1", "name": "custom:reports:reader", "displayName": "Report reader", "description": "d",
			"group": "Reports", "version": 3, "permissions": perms,
		})
		wantVersion := int64(3)
		if e.gen == 13 {
			wantVersion = 1
		}
		if r.UID != "r1" || r.Name != "custom:reports:reader" || r.DisplayName != "Report reader" || r.Description != "d" ||
			r.Group != "Reports" || r.Global || r.Hidden || r.Version != wantVersion || !samePerms(r.Permissions, perms) {
			t.Errorf("created = %+v", r)
		}
		if !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$`).MatchString(r.Created) {
			t.Errorf("created time %q", r.Created)
		}
		got := e.mustRole("r1")
		if got.Version != wantVersion || !samePerms(got.Permissions, perms) || got.Description != "d" {
			t.Errorf("stored = %+v", got)
		}

		// Shapes: lists carry no permissions but carry hidden; one role
		// leaves out hidden when false and displayName when empty.
		raw := e.want(200, admin, "GET", "/api/access-control/roles", nil).body
		if strings.Contains(string(raw), `"permissions"`) || !strings.Contains(string(raw), `"hidden":false`) {
			t.Errorf("list shape: %.300s", raw)
		}
		e.create(admin, map[string]any{"uid": "plain", "name": "custom:plain"})
		one := string(e.want(200, admin, "GET", "/api/access-control/roles/plain", nil).body)
		if strings.Contains(one, `"hidden"`) || strings.Contains(one, `"displayName"`) || !strings.Contains(one, `"permissions":[]`) {
			t.Errorf("single shape: %s", one)
		}
		withPerm := string(e.want(200, admin, "GET", "/api/access-control/roles/r1", nil).body)
		if !strings.Contains(withPerm, `"scope":""`) || !strings.Contains(withPerm, `"created":"`) {
			t.Errorf("permission shape: %s", withPerm)
		}

		// A generated uid; a hidden role listed only on request.
		gen := e.create(admin, map[string]any{"name": "custom:generated"})
		if !uidPattern.MatchString(gen.UID) {
			t.Errorf("generated uid %q", gen.UID)
		}
		e.create(admin, map[string]any{"uid": "hid", "name": "custom:hidden", "hidden": true})
		var list, all []R
		e.want(200, admin, "GET", "/api/access-control/roles", nil).into(t, &list)
		e.want(200, admin, "GET", "/api/access-control/roles?includeHidden=true", nil).into(t, &all)
		if !hasUID(list, "r1") || !hasUID(list, gen.UID) || hasUID(list, "hid") || !hasUID(all, "hid") {
			t.Errorf("list %v, all has hid: %v", uids(list), hasUID(all, "hid"))
		}
		fixed := 0
		for _, r := range list {
			if strings.HasPrefix(r.Name, "fixed:") {
				fixed++
				if !r.Global {
					t.Errorf("fixed role %s not global", r.Name)
				}
			}
			if strings.HasPrefix(r.Name, "basic:") {
				t.Errorf("hidden basic role %s listed", r.Name)
			}
		}
		if fixed < 30 {
			t.Errorf("%d fixed roles listed, want at least 30", fixed)
		}

		// Update replaces everything sent; permissions are the whole set.
		upd := map[string]any{"name": "custom:reports:renamed", "description": "d2", "group": "G", "hidden": true,
			"permissions": []P{{"reports:read", "reports:uid:1"}, {"reports:read", "reports:uid:1"}}}
		var u R
		e.want(200, admin, "PUT", "/api/access-control/roles/r1", upd).into(t, &u)
		if u.Name != "custom:reports:renamed" || u.DisplayName != "" || u.Description != "d2" || u.Group != "G" || !u.Hidden ||
			len(u.Permissions) != 1 || u.Version != wantVersion+1 {
			t.Errorf("updated = %+v", u)
		}
		// The old name is free again, the new one taken.
		e.create(admin, map[string]any{"name": "custom:reports:reader"})
		e.want(409, admin, "POST", "/api/access-control/roles", map[string]any{"name": "custom:reports:renamed"})
		e.want(409, admin, "PUT", "/api/access-control/roles/plain", map[string]any{"name": "custom:reports:renamed"})
		if p := e.mustRole("plain"); p.Name != "custom:plain" || p.Version != 0 && e.gen != 13 {
			t.Errorf("refused rename changed the role: %+v", p)
		}
		// Absent or null permissions on update: the empty set.
		e.want(200, admin, "PUT", "/api/access-control/roles/r1", map[string]any{"name": "custom:reports:renamed", "permissions": nil})
		if got := e.mustRole("r1"); len(got.Permissions) != 0 {
			t.Errorf("permissions after null: %v", got.Permissions)
		}

		// Not found.
		e.want(404, admin, "GET", "/api/access-control/roles/nope", nil)
		e.want(404, admin, "PUT", "/api/access-control/roles/nope", map[string]any{"name": "custom:x", "version": 9})
		e.want(404, admin, "DELETE", "/api/access-control/roles/nope", nil)

		// Delete.
		if m := e.want(200, admin, "DELETE", "/api/access-control/roles/r1", nil).message(t); m != "Role deleted" {
			t.Errorf("delete message %q", m)
		}
		if _, st := e.role(admin, "r1"); st != 404 {
			t.Errorf("deleted role answers %d", st)
		}
	})
}

func TestVersionRule(t *testing.T) {
	// Each step: the version sent (nil: left out), then by generation the
	// status and the stored version after it. Created with version 5.
	type out struct {
		status  int
		version int64
	}
	steps := []struct {
		name    string
		version any
		want    map[int]out
	}{
		{"send 5", 5, map[int]out{8: {400, 5}, 12: {400, 5}, 13: {200, 2}}},
		{"send 4", 4, map[int]out{8: {400, 5}, 12: {400, 5}, 13: {200, 3}}},
		{"send 9", 9, map[int]out{8: {200, 9}, 12: {200, 9}, 13: {200, 4}}},
		{"no version: old+1", nil, map[int]out{8: {200, 10}, 12: {200, 10}, 13: {200, 5}}},
		{"zero is no version", 0, map[int]out{8: {200, 11}, 12: {200, 11}, 13: {200, 6}}},
		{"null is no version", "null", map[int]out{8: {200, 12}, 12: {200, 12}, 13: {200, 7}}},
		{"send 7", 7, map[int]out{8: {400, 12}, 12: {400, 12}, 13: {400, 7}}},
		{"send 8", 8, map[int]out{8: {400, 12}, 12: {400, 12}, 13: {200, 8}}},
		{"send 100", 100, map[int]out{8: {200, 100}, 12: {200, 100}, 13: {200, 9}}},
	}
	eachGen(t, allGens, func(t *testing.T, e *env) {
		created := e.create(admin, map[string]any{"uid": "v", "name": "custom:v", "version": 5, "permissions": []P{{"reports:read", "reports:*"}}})
		if want := map[int]int64{8: 5, 12: 5, 13: 1}[e.gen]; created.Version != want {
			t.Fatalf("created version %d, want %d", created.Version, want)
		}
		for _, s := range steps {
			body := map[string]any{"name": "custom:v", "description": s.name, "permissions": []P{{"reports:read", "reports:uid:" + s.name}}}
			switch s.version {
			case nil:
			case "null":
				body["version"] = nil
			default:
				body["version"] = s.version
			}
			before := e.mustRole("v")
			want := s.want[e.gen]
			r := e.do(admin, "PUT", "/api/access-control/roles/v", body)
			if r.status != want.status {
				t.Fatalf("%s: %s", s.name, r)
			}
			var answered R
			if r.status == 200 {
				r.into(t, &answered)
				if answered.Version != want.version {
					t.Errorf("%s: answered version %d, want %d", s.name, answered.Version, want.version)
				}
			}
			after := e.mustRole("v")
			if after.Version != want.version {
				t.Errorf("%s: stored version %d, want %d", s.name, after.Version, want.version)
			}
			if want.status == 400 && (after.Description != before.Description || !samePerms(after.Permissions, before.Permissions)) {
				t.Errorf("%s: a refused update changed the role: %+v", s.name, after)
			}
		}
		e.want(400, admin, "POST", "/api/access-control/roles", map[string]any{"name": "custom:neg", "version": -1})
		e.want(400, admin, "PUT", "/api/access-control/roles/v", map[string]any{"name": "custom:v", "version": "101"})
		if e.gen == 13 {
			// 13 stores 1 on create whatever was sent.
			if r := e.create(admin, map[string]any{"name": "custom:v13", "version": 42}); r.Version != 1 {
				t.Errorf("13 stored version %d on create", r.Version)
			}
		} else if r := e.create(admin, map[string]any{"name": "custom:v0"}); r.Version != 0 {
			t.Errorf("create without version stored %d", r.Version)
		}
	})
}

func TestValidScope(t *testing.T) {
	for scope, want := range map[string]bool{
		"": true, "*": true, "?": true, "reports:*": true, "plugins:id/*": true, "reports:uid:a?": true, "reports:uid:a": true,
		"reports:uid:a*": false, "reports:*:x": false, "reports:?x": false, "**": false, "*?": false,
	} {
		if got := validScope(scope); got != want {
			t.Errorf("validScope(%q) = %v, want %v", scope, got, want)
		}
	}
}

func TestCreateValidation(t *testing.T) {
	eachGen(t, allGens, func(t *testing.T, e *env) {
		org2 := e.createOrg("org2")
		e.create(admin, map[string]any{"uid": "taken", "name": "custom:taken"})
		e.create(admin, map[string]any{"uid": "gtaken", "name": "custom:gtaken", "global": true})
		long := strings.Repeat("n", 190)
		tests := []struct {
			name   string
			who    as
			body   any
			status int
		}{
			{"fixed: prefix", admin, map[string]any{"name": "fixed:mine"}, 400},
			{"basic: prefix", admin, map[string]any{"name": "basic:mine"}, 400},
			{"managed: prefix", admin, map[string]any{"name": "managed:mine"}, 400},
			{"no name", admin, map[string]any{"uid": "x"}, 400},
			{"blank name", admin, map[string]any{"name": "  "}, 400},
			{"name of 191", admin, map[string]any{"name": long + "n"}, 400},
			{"name of 190", admin, map[string]any{"name": long}, 0},
			{"uid of 41", admin, map[string]any{"uid": strings.Repeat("u", 41), "name": "custom:u41"}, 400},
			{"uid of 40", admin, map[string]any{"uid": strings.Repeat("u", 40), "name": "custom:u40"}, 0},
			{"uid with a dot", admin, map[string]any{"uid": "a.b", "name": "custom:dot"}, 400},
			{"uid with a slash", admin, map[string]any{"uid": "a/b", "name": "custom:slash"}, 400},
			{"uid with - and _", admin, map[string]any{"uid": "a-B_9", "name": "custom:ok"}, 0},
			{"taken uid", admin, map[string]any{"uid": "taken", "name": "custom:other"}, 409},
			{"taken uid from another org", admin.in(org2), map[string]any{"uid": "taken", "name": "custom:other"}, 409},
			{"taken name", admin, map[string]any{"name": "custom:taken"}, 409},
			{"taken name, another org", admin.in(org2), map[string]any{"name": "custom:taken"}, 0},
			{"taken global name", admin, map[string]any{"name": "custom:gtaken", "global": true}, 409},
			{"global name reused in an org", admin, map[string]any{"name": "custom:gtaken"}, 0},
			{"org name reused globally", admin, map[string]any{"name": "custom:taken", "global": true}, 0},
			{"empty action", admin, map[string]any{"name": "custom:e", "permissions": []P{{"", "x:*"}}}, 400},
			{"wildcard inside a scope", admin, map[string]any{"name": "custom:w", "permissions": []P{{"reports:read", "reports:*:x"}}}, 400},
			// Grafana's ValidateScope: the last character is not checked for
			// ?, and a last * must follow a : or a /.
			{"question mark ends a scope", admin, map[string]any{"name": "custom:q", "permissions": []P{{"reports:read", "reports:?"}}}, 0},
			{"question mark inside a scope", admin, map[string]any{"name": "custom:q2", "permissions": []P{{"reports:read", "reports:?x"}}}, 400},
			{"wildcard after a letter", admin, map[string]any{"name": "custom:w2", "permissions": []P{{"reports:read", "reports:uid:abc*"}}}, 400},
			{"wildcard after a slash", admin, map[string]any{"name": "custom:w3", "permissions": []P{{"reports:read", "reports:uid/*"}}}, 0},
			{"name of 190 two-byte characters", admin, map[string]any{"name": strings.Repeat("é", 190)}, 0},
			{"name of 191 two-byte characters", admin, map[string]any{"name": strings.Repeat("é", 191)}, 400},
			{"malformed JSON", admin, `{"name": "custom:m"`, 400},
			{"not an object", admin, `[1]`, 400},
			{"empty body", admin, ``, 400},
			{"wrong type", admin, `{"name": 7}`, 400},
			{"unknown fields ignored", admin, `{"name": "custom:unknown", "colour": "blue", "nested": {"a": 1}}`, 0},
			{"field names case-insensitive", admin, `{"UID": "ci", "NAME": "custom:ci", "Permissions": [{"ACTION": "reports:read", "Scope": "reports:*"}]}`, 0},
		}
		for _, tt := range tests {
			st := tt.status
			if st == 0 {
				st = e.createStatus()
			}
			if r := e.do(tt.who, "POST", "/api/access-control/roles", tt.body); r.status != st {
				t.Errorf("%s: %s", tt.name, r)
			} else if st >= 400 && r.message(t) == "" {
				t.Errorf("%s: no message", tt.name)
			}
		}
		ci := e.mustRole("ci")
		if ci.Name != "custom:ci" || !samePerms(ci.Permissions, []P{{"reports:read", "reports:*"}}) {
			t.Errorf("case-insensitive body stored %+v", ci)
		}
		// Refused creates stored nothing.
		var all []R
		e.want(200, admin, "GET", "/api/access-control/roles?includeHidden=true", nil).into(t, &all)
		for _, r := range all {
			if r.Name == "fixed:mine" || r.Name == "custom:other" || r.Name == "custom:e" || r.UID == "a.b" {
				t.Errorf("refused create stored %+v", r)
			}
		}

		// Permissions are a set.
		set := e.create(admin, map[string]any{"uid": "set", "name": "custom:set", "permissions": []P{
			{"teams:read", "teams:*"}, {"reports:read", "reports:*"}, {"teams:read", "teams:*"}, {"reports.settings:read", ""},
		}})
		if len(set.Permissions) != 3 || len(e.mustRole("set").Permissions) != 3 {
			t.Errorf("duplicates kept: %v", set.Permissions)
		}
	})
}

// Managed roles (resource permissions) exist per organization, are
// read-only, and cannot be assigned to teams or users (rule 5b).
func TestManagedRoles(t *testing.T) {
	eachGen(t, allGens, func(t *testing.T, e *env) {
		managedIn := func(who as) map[string]R {
			var roles []R
			e.want(200, who, "GET", "/api/access-control/roles?includeHidden=true", nil).into(t, &roles)
			out := map[string]R{}
			for _, r := range roles {
				if strings.HasPrefix(r.Name, "managed:") {
					out[r.Name] = r
				}
			}
			return out
		}
		org1 := managedIn(admin)
		editor, ok := org1["managed:builtins:editor:permissions"]
		if len(org1) != 3 || !ok || editor.Global || !editor.Hidden {
			t.Fatalf("org 1's managed roles: %+v", org1)
		}
		var visible []R
		e.want(200, admin, "GET", "/api/access-control/roles", nil).into(t, &visible)
		if slices.ContainsFunc(visible, func(r R) bool { return strings.HasPrefix(r.Name, "managed:") }) {
			t.Error("managed roles listed without includeHidden")
		}
		org2 := e.createOrg("second")
		if other := managedIn(admin.in(org2)); len(other) != 3 || other["managed:builtins:editor:permissions"].UID == editor.UID {
			t.Errorf("org 2's managed roles: %+v", other)
		}

		team := e.createTeam(admin, "t")
		user := e.createUser("u")
		for _, tt := range []reqCase{
			{"update", admin, "PUT", "/api/access-control/roles/" + editor.UID, map[string]any{"name": editor.Name, "version": 5, "permissions": []P{{"teams:read", "teams:*"}}}, 400},
			{"delete", admin, "DELETE", "/api/access-control/roles/" + editor.UID + "?force=true", nil, 400},
			{"create one", admin, "POST", "/api/access-control/roles", map[string]any{"name": "managed:users:9:permissions"}, 400},
			{"assign to a team", admin, "POST", fmt.Sprintf("/api/access-control/teams/%d/roles", team), map[string]any{"roleUid": editor.UID}, 400},
			{"assign to a user", admin, "POST", fmt.Sprintf("/api/access-control/users/%d/roles", user), map[string]any{"roleUid": editor.UID}, 400},
			{"set a team's roles", admin, "PUT", fmt.Sprintf("/api/access-control/teams/%d/roles", team), map[string]any{"roleUids": []string{editor.UID}}, 400},
		} {
			r := e.do(tt.who, tt.method, tt.path, tt.body)
			if r.status != tt.status {
				t.Errorf("%s: %s", tt.name, r)
			}
			if strings.HasPrefix(tt.name, "assign") && r.message(t) != "this endpoint cannot be used to assign basic, managed or external services roles" {
				t.Errorf("%s: message %q", tt.name, r.message(t))
			}
		}
		if after := e.mustRole(editor.UID); after.Version != editor.Version || len(after.Permissions) != 0 {
			t.Errorf("managed role changed: %+v", after)
		}
		var roles []R
		e.want(200, admin, "GET", fmt.Sprintf("/api/access-control/teams/%d/roles?includeHidden=true", team), nil).into(t, &roles)
		if len(roles) != 0 {
			t.Errorf("team roles: %v", uids(roles))
		}
	})
}

func TestFixedAndBasicRoles(t *testing.T) {
	eachGen(t, allGens, func(t *testing.T, e *env) {
		fixedUID := e.fixedUID("fixed:datasources:reader")
		fixed := e.mustRole(fixedUID)
		if !fixed.Global || fixed.Group == "" || len(fixed.Permissions) == 0 {
			t.Errorf("fixed role = %+v", fixed)
		}
		if e.gen == 8 {
			if !regexp.MustCompile(`^[A-Za-z0-9]{9}$`).MatchString(fixedUID) {
				t.Errorf("generation 1 fixed uid %q", fixedUID)
			}
		} else {
			sum := sha1.Sum([]byte("fixed:datasources:reader"))
			if want := "fixed_" + base64.RawURLEncoding.EncodeToString(sum[:]); fixedUID != want {
				t.Errorf("fixed uid %q, want %q", fixedUID, want)
			}
		}
		tests := []struct {
			name   string
			method string
			path   string
			body   any
			status int
		}{
			{"update a fixed role", "PUT", "/api/access-control/roles/" + fixedUID,
				map[string]any{"name": fixed.Name, "global": true, "version": fixed.Version + 1, "permissions": fixed.Permissions}, 400},
			{"update a fixed role, renamed", "PUT", "/api/access-control/roles/" + fixedUID,
				map[string]any{"name": "custom:stolen", "global": true, "version": 99}, 400},
			{"update a fixed role without global", "PUT", "/api/access-control/roles/" + fixedUID,
				map[string]any{"name": fixed.Name, "version": 99}, 404},
			{"delete a fixed role", "DELETE", "/api/access-control/roles/" + fixedUID + "?global=true&force=true", nil, 400},
		}
		for _, tt := range tests {
			if r := e.do(admin, tt.method, tt.path, tt.body); r.status != tt.status {
				t.Errorf("%s: %s", tt.name, r)
			}
		}
		if after := e.mustRole(fixedUID); after.Version != fixed.Version || after.Name != fixed.Name || !samePerms(after.Permissions, fixed.Permissions) {
			t.Errorf("fixed role changed: %+v", after)
		}
		if e.gen == 8 {
			if _, st := e.role(admin, "basic_viewer"); st != 404 {
				t.Errorf("basic_viewer on generation 1: %d", st)
			}
			return
		}

		// Generation 2: basic roles.
		byUID := map[string]R{}
		for _, b := range basicRoles {
			r := e.mustRole(b.uid)
			byUID[b.uid] = r
			if r.Name != b.name || r.DisplayName != b.builtin || !r.Global || !r.Hidden || r.Group != "Basic" || r.Version != 1 {
				t.Errorf("%s = %+v", b.uid, r)
			}
		}
		if len(byUID["basic_none"].Permissions) != 0 || len(byUID["basic_viewer"].Permissions) == 0 {
			t.Error("basic_none should be empty, basic_viewer not")
		}
		if miss := minus(byUID["basic_viewer"].Permissions, byUID["basic_editor"].Permissions); len(miss) > 0 {
			t.Errorf("editor lacks viewer's %v", miss)
		}
		if miss := minus(byUID["basic_editor"].Permissions, byUID["basic_admin"].Permissions); len(miss) > 0 {
			t.Errorf("admin lacks editor's %v", miss)
		}
		viewer := byUID["basic_viewer"]
		extra := append(sortP(viewer.Permissions), P{"reports:read", "reports:*"})
		body := func(v int64, mod func(map[string]any)) map[string]any {
			m := map[string]any{"name": "basic:viewer", "displayName": "Viewer", "group": "Basic", "global": true, "hidden": true,
				"version": v, "permissions": extra}
			if mod != nil {
				mod(m)
			}
			return m
		}
		basicTests := []struct {
			name   string
			method string
			path   string
			body   any
			status int
		}{
			{"stored version", "PUT", "/api/access-control/roles/basic_viewer", body(1, nil), 400},
			{"without global", "PUT", "/api/access-control/roles/basic_viewer", body(2, func(m map[string]any) { m["global"] = false }), 404},
			{"renamed", "PUT", "/api/access-control/roles/basic_viewer", body(2, func(m map[string]any) { m["name"] = "custom:viewer" }), 400},
			{"delete", "DELETE", "/api/access-control/roles/basic_viewer?global=true&force=true", nil, 400},
			{"create a basic role", "POST", "/api/access-control/roles", map[string]any{"uid": "basic_other", "name": "basic:other", "global": true}, 400},
			{"create over a basic uid", "POST", "/api/access-control/roles", map[string]any{"uid": "basic_viewer", "name": "custom:v", "global": true}, 409},
		}
		for _, tt := range basicTests {
			if r := e.do(admin, tt.method, tt.path, tt.body); r.status != tt.status {
				t.Errorf("%s: %s", tt.name, r)
			}
		}
		if got := e.mustRole("basic_viewer"); got.Version != 1 || !samePerms(got.Permissions, viewer.Permissions) {
			t.Errorf("refused basic updates changed it: %+v", got)
		}
		e.want(200, admin, "PUT", "/api/access-control/roles/basic_viewer", body(2, nil))
		if got := e.mustRole("basic_viewer"); got.Version != 2 || !samePerms(got.Permissions, extra) {
			t.Errorf("basic_viewer after update = %+v", got)
		}
		// A Viewer now holds the added permission.
		uid := e.createUser("vic")
		var held []P
		e.want(200, admin, "GET", "/api/access-control/users/"+itoa(uid)+"/permissions", nil).into(t, &held)
		if len(minus([]P{{"reports:read", "reports:*"}}, held)) != 0 {
			t.Errorf("viewer does not hold the basic role's new permission: %v", held)
		}
	})
}

// minus lists what a holds that b does not hold exactly.
func minus(a, b []P) []P {
	set := map[P]bool{}
	for _, p := range b {
		set[p] = true
	}
	var out []P
	for _, p := range a {
		if !set[p] {
			out = append(out, p)
		}
	}
	return out
}
