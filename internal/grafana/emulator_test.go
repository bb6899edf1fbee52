package grafana_test

// Tests of the client against the in-process emulator: every endpoint, every
// typed error, generation probe, auth modes, org header and retries through
// the emulator's fault injection.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/emulator"
	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

var allGenerations = []int{8, 12, 13}

type env struct {
	t   *testing.T
	srv *emulator.Server
	c   *grafana.Client // admin, basic auth, org 1
	gen int
}

func startEmulator(t *testing.T, gen int, mod func(*grafana.Config)) *env {
	t.Helper()
	srv, err := emulator.NewServer(emulator.Config{Generation: gen})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	e := &env{t: t, srv: srv, gen: gen}
	e.c = e.client("admin:admin", mod)
	return e
}

func (e *env) client(auth string, mod func(*grafana.Config)) *grafana.Client {
	e.t.Helper()
	cfg := grafana.Config{
		URL: e.srv.URL, Auth: auth,
		RetryWait: time.Millisecond, RetryWaitMax: 20 * time.Millisecond,
	}
	if mod != nil {
		mod(&cfg)
	}
	c, err := grafana.New(cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// forEachGeneration runs f on a fresh emulator of each generation, in parallel.
func forEachGeneration(t *testing.T, gens []int, f func(t *testing.T, e *env)) {
	for _, gen := range gens {
		t.Run(fmt.Sprintf("gen%d", gen), func(t *testing.T) {
			t.Parallel()
			f(t, startEmulator(t, gen, nil))
		})
	}
}

// result lets a two-value call be checked inline: must(c.GetRole(…)).get(t).
type result[T any] struct {
	v   T
	err error
}

func must[T any](v T, err error) result[T] { return result[T]{v, err} }

func (r result[T]) get(t *testing.T) T {
	t.Helper()
	if r.err != nil {
		t.Fatal(r.err)
	}
	return r.v
}

func ok(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// expect asserts an error satisfies pred; name is for the message.
func expect(t *testing.T, what string, err error, pred func(error) bool) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: no error", what)
		return
	}
	if !pred(err) {
		t.Errorf("%s: unexpected error %v", what, err)
	}
}

// heldSample picks permissions the admin holds, so that creating roles with
// them passes the delegation check on every generation; one with an empty
// scope is included when the admin has one.
func heldSample(t *testing.T, c *grafana.Client) []grafana.Permission {
	t.Helper()
	held := must(c.GetCurrentUserPermissions(context.Background())).get(t)
	if len(held) < 3 {
		t.Fatalf("admin holds only %v", held)
	}
	out := []grafana.Permission{held[0], held[len(held)/2], held[len(held)-1]}
	if i := slices.IndexFunc(held, func(p grafana.Permission) bool { return p.Scope == "" }); i >= 0 {
		out = append(out, held[i])
	}
	return grafana.NormalizePermissions(out)
}

// roleUID finds a role by name (fixed uids are random on generation 1).
func roleUID(t *testing.T, c *grafana.Client, name string) string {
	t.Helper()
	roles := must(c.ListRoles(context.Background(), grafana.ListRolesOptions{IncludeHidden: true})).get(t)
	for _, r := range roles {
		if r.Name == name {
			return r.UID
		}
	}
	t.Fatalf("no role named %s", name)
	return ""
}

func hasRole(roles []grafana.Role, uid string) bool {
	return slices.ContainsFunc(roles, func(r grafana.Role) bool { return r.UID == uid })
}

// stats is the emulator's request counter: route → count.
func (e *env) stats() map[string]int {
	e.t.Helper()
	resp, err := http.Get(e.srv.URL + "/api/emulator/stats")
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var s struct {
		Requests map[string]int `json:"requests"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		e.t.Fatal(err)
	}
	return s.Requests
}

func (e *env) resetStats() {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodDelete, e.srv.URL+"/api/emulator/stats", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
}

// attempts counts requests received since the last reset for one method
// on the access-control API.
func (e *env) attempts(method string) int {
	n := 0
	for route, c := range e.stats() {
		if strings.HasPrefix(route, method+" /api/access-control") {
			n += c
		}
	}
	return n
}

func TestEmulatorHealthStatusGeneration(t *testing.T) {
	want := map[int]struct {
		gen     grafana.Generation
		version string
	}{8: {grafana.Generation1, "8."}, 12: {grafana.Generation2, "12."}, 13: {grafana.Generation2, "13."}}
	forEachGeneration(t, allGenerations, func(t *testing.T, e *env) {
		ctx := context.Background()
		h := must(e.c.Health(ctx)).get(t)
		if !strings.HasPrefix(h.Version, want[e.gen].version) || h.Database != "ok" {
			t.Errorf("health = %+v", h)
		}
		if enabled, err := e.c.Status(ctx); !enabled || err != nil {
			t.Errorf("status = %v, %v", enabled, err)
		}
		e.resetStats()
		for range 3 {
			if g := must(e.c.WithOrg(1).Generation(ctx)).get(t); g != want[e.gen].gen {
				t.Errorf("generation = %v, want %v", g, want[e.gen].gen)
			}
		}
		if n := e.stats()["GET /api/access-control/builtin-roles"]; n != 1 {
			t.Errorf("probe made %d requests, want 1 (cached)", n)
		}
		// Health needs no credentials, like Grafana's.
		if _, err := e.client("", nil).Health(ctx); err != nil {
			t.Errorf("anonymous health: %v", err)
		}
	})
}

func TestEmulatorRoleLifecycle(t *testing.T) {
	forEachGeneration(t, allGenerations, func(t *testing.T, e *env) {
		ctx := context.Background()
		c := e.c
		perms := heldSample(t, c)
		gen13 := e.gen == 13

		created := must(c.CreateRole(ctx, grafana.CreateRoleRequest{
			UID: "custom-a", Name: "custom:test:a", Version: 3, DisplayName: "Test A",
			Description: "desc", Group: "Tests", Permissions: perms,
		})).get(t)
		wantVersion := int64(3)
		if gen13 {
			wantVersion = 1 // Grafana 13 stores 1 on create, whatever was sent
		}
		if created.UID != "custom-a" || created.Name != "custom:test:a" || created.Version != wantVersion ||
			created.DisplayName != "Test A" || created.Group != "Tests" || created.Global ||
			!grafana.PermissionsEqual(created.Permissions, perms) {
			t.Errorf("created = %+v", created)
		}
		got := must(c.GetRole(ctx, "custom-a")).get(t)
		if got.Version != wantVersion || got.Description != "desc" || !grafana.PermissionsEqual(got.Permissions, perms) {
			t.Errorf("got = %+v", got)
		}

		// A generated uid.
		gen := must(c.CreateRole(ctx, grafana.CreateRoleRequest{Name: "custom:test:generated", Permissions: perms[:1]})).get(t)
		if gen.UID == "" {
			t.Error("no uid generated")
		}
		// A hidden role is listed only on request.
		ok(t, func() error {
			_, err := c.CreateRole(ctx, grafana.CreateRoleRequest{UID: "custom-hidden", Name: "custom:test:hidden", Hidden: true})
			return err
		}())
		list := must(c.ListRoles(ctx, grafana.ListRolesOptions{})).get(t)
		if !hasRole(list, "custom-a") || !hasRole(list, gen.UID) || hasRole(list, "custom-hidden") {
			t.Errorf("list: a=%v generated=%v hidden=%v", hasRole(list, "custom-a"), hasRole(list, gen.UID), hasRole(list, "custom-hidden"))
		}
		for _, r := range list {
			if r.Permissions != nil {
				t.Errorf("list carries permissions for %s", r.UID)
				break
			}
		}
		if !slices.ContainsFunc(list, func(r grafana.Role) bool { return strings.HasPrefix(r.Name, "fixed:") }) {
			t.Error("no fixed roles listed")
		}
		withHidden := must(c.ListRoles(ctx, grafana.ListRolesOptions{IncludeHidden: true})).get(t)
		if !hasRole(withHidden, "custom-hidden") {
			t.Error("hidden role not listed with includeHidden")
		}
		if deleg := must(c.ListRoles(ctx, grafana.ListRolesOptions{Delegatable: true})).get(t); !hasRole(deleg, "custom-a") {
			t.Error("the admin may delegate its own permissions, yet custom-a is not delegatable")
		}

		// Versions.
		stored := got.Version
		update := func(version int64, p []grafana.Permission) (*grafana.Role, error) {
			return c.UpdateRole(ctx, "custom-a", grafana.UpdateRoleRequest{
				Version: version, Name: "custom:test:a", DisplayName: "Test A", Description: "desc2", Group: "Tests", Permissions: p,
			})
		}
		_, err := update(stored, perms[:1])
		expect(t, "update with the stored version", err, grafana.IsVersionOutdated)
		expect(t, "update with the stored version", err, grafana.IsBadRequest)
		if r := must(c.GetRole(ctx, "custom-a")).get(t); r.Version != stored || !grafana.PermissionsEqual(r.Permissions, perms) {
			t.Errorf("a refused update changed the role: %+v", r)
		}
		upd := must(update(stored+4, perms[:1])).get(t)
		want := stored + 4
		if gen13 {
			want = stored + 1 // 13 stores old+1; the sent version only passes the gate
		}
		if upd.Version != want || upd.Description != "desc2" || !grafana.PermissionsEqual(upd.Permissions, perms[:1]) {
			t.Errorf("updated = %+v, want version %d", upd, want)
		}
		upd = must(update(0, nil)).get(t) // no version: old+1; nil permissions: the empty set
		if upd.Version != want+1 || len(upd.Permissions) != 0 {
			t.Errorf("update without version = %+v, want version %d and no permissions", upd, want+1)
		}

		// Typed errors.
		_, err = c.GetRole(ctx, "no-such-role")
		expect(t, "get missing", err, grafana.IsNotFound)
		_, err = c.UpdateRole(ctx, "no-such-role", grafana.UpdateRoleRequest{Version: 9, Name: "custom:x"})
		expect(t, "update missing", err, grafana.IsNotFound)
		expect(t, "delete missing", c.DeleteRole(ctx, "no-such-role", grafana.DeleteRoleOptions{}), grafana.IsNotFound)
		_, err = c.CreateRole(ctx, grafana.CreateRoleRequest{UID: "custom-a", Name: "custom:test:other"})
		expect(t, "create with a taken uid", err, grafana.IsConflict)
		_, err = c.CreateRole(ctx, grafana.CreateRoleRequest{UID: "custom-other", Name: "custom:test:a"})
		expect(t, "create with a taken name", err, grafana.IsConflict)
		_, err = c.CreateRole(ctx, grafana.CreateRoleRequest{Name: "fixed:mine"})
		expect(t, "create a fixed: role", err, func(err error) bool { return grafana.IsBadRequest(err) || grafana.IsForbidden(err) })
		_, err = c.CreateRole(ctx, grafana.CreateRoleRequest{Name: ""})
		expect(t, "create without a name", err, grafana.IsBadRequest)

		var fixed grafana.Role
		for _, r := range list {
			if strings.HasPrefix(r.Name, "fixed:") {
				fixed = r
				break
			}
		}
		_, err = c.UpdateRole(ctx, fixed.UID, grafana.UpdateRoleRequest{Version: fixed.Version + 1, Name: fixed.Name, Global: fixed.Global})
		expect(t, "update a fixed role", err, func(err error) bool {
			return (grafana.IsBadRequest(err) || grafana.IsForbidden(err)) && !grafana.IsVersionOutdated(err)
		})
		err = c.DeleteRole(ctx, fixed.UID, grafana.DeleteRoleOptions{Global: fixed.Global})
		expect(t, "delete a fixed role", err, func(err error) bool { return grafana.IsBadRequest(err) || grafana.IsForbidden(err) })

		// Delete: refused while assigned unless forced.
		user := must(c.CreateUser(ctx, grafana.CreateUserRequest{Login: "holder", Password: "holder-pw-1"})).get(t)
		ok(t, c.AddUserRole(ctx, user, "custom-a", false))
		expect(t, "delete an assigned role", c.DeleteRole(ctx, "custom-a", grafana.DeleteRoleOptions{}), grafana.IsBadRequest)
		ok(t, c.DeleteRole(ctx, "custom-a", grafana.DeleteRoleOptions{Force: true}))
		_, err = c.GetRole(ctx, "custom-a")
		expect(t, "get deleted", err, grafana.IsNotFound)
		if roles := must(c.ListUserRoles(ctx, user, true)).get(t); hasRole(roles, "custom-a") {
			t.Error("forced delete left the assignment")
		}
		ok(t, c.DeleteRole(ctx, gen.UID, grafana.DeleteRoleOptions{}))
	})
}

func TestEmulatorGlobalRoles(t *testing.T) {
	forEachGeneration(t, allGenerations, func(t *testing.T, e *env) {
		ctx := context.Background()
		c := e.c
		perms := heldSample(t, c)
		r := must(c.CreateRole(ctx, grafana.CreateRoleRequest{UID: "global-a", Name: "custom:global:a", Global: true, Permissions: perms})).get(t)
		if !r.Global {
			t.Errorf("created = %+v", r)
		}
		org := must(c.CreateOrg(ctx, "global-test-org")).get(t)
		if got := must(c.WithOrg(org).GetRole(ctx, "global-a")).get(t); !got.Global {
			t.Errorf("global role seen from org %d = %+v", org, got)
		}
		upd := must(c.UpdateRole(ctx, "global-a", grafana.UpdateRoleRequest{Version: 10, Name: "custom:global:a", Global: true, Permissions: perms[:1]})).get(t)
		if !grafana.PermissionsEqual(upd.Permissions, perms[:1]) {
			t.Errorf("updated = %+v", upd)
		}
		ok(t, c.DeleteRole(ctx, "global-a", grafana.DeleteRoleOptions{Global: true}))
		_, err := c.GetRole(ctx, "global-a")
		expect(t, "get deleted global", err, grafana.IsNotFound)
	})
}

func TestEmulatorOrgIsolation(t *testing.T) {
	forEachGeneration(t, allGenerations, func(t *testing.T, e *env) {
		ctx := context.Background()
		c := e.c
		org := must(c.CreateOrg(ctx, "isolated")).get(t)
		if org <= 1 {
			t.Fatalf("org id %d", org)
		}
		_, err := c.CreateOrg(ctx, "isolated")
		expect(t, "create a taken org name", err, grafana.IsConflict)

		inOrg := c.WithOrg(org)
		if inOrg.OrgID() != org || c.OrgID() != 1 {
			t.Fatalf("org ids %d %d", inOrg.OrgID(), c.OrgID())
		}
		perms := heldSample(t, inOrg)
		must(inOrg.CreateRole(ctx, grafana.CreateRoleRequest{UID: "org-role", Name: "custom:org:role", Permissions: perms})).get(t)
		if roles := must(inOrg.ListRoles(ctx, grafana.ListRolesOptions{})).get(t); !hasRole(roles, "org-role") {
			t.Error("role not listed in its org")
		}
		if roles := must(c.ListRoles(ctx, grafana.ListRolesOptions{IncludeHidden: true})).get(t); hasRole(roles, "org-role") {
			t.Error("role of another org listed in org 1")
		}
		_, err = c.GetRole(ctx, "org-role")
		expect(t, "get another org's role", err, grafana.IsNotFound)
		// The same name is free in org 1: names are unique per org.
		must(c.CreateRole(ctx, grafana.CreateRoleRequest{UID: "org1-role", Name: "custom:org:role", Permissions: perms})).get(t)

		// A user added to the org; twice is a conflict.
		must(c.CreateUser(ctx, grafana.CreateUserRequest{Login: "member", Password: "member-pw-1"})).get(t)
		ok(t, c.AddOrgUser(ctx, org, "member", "Editor"))
		expect(t, "add a member twice", c.AddOrgUser(ctx, org, "member", "Editor"), grafana.IsConflict)
		expect(t, "add to a missing org", c.AddOrgUser(ctx, 999, "member", "Editor"), grafana.IsNotFound)
	})
}

func TestEmulatorTeamsAndUsers(t *testing.T) {
	forEachGeneration(t, allGenerations, func(t *testing.T, e *env) {
		ctx := context.Background()
		c := e.c
		perms := heldSample(t, c)
		must(c.CreateRole(ctx, grafana.CreateRoleRequest{UID: "r1", Name: "custom:r1", Permissions: perms[:1]})).get(t)
		must(c.CreateRole(ctx, grafana.CreateRoleRequest{UID: "r2", Name: "custom:r2", Permissions: perms[1:2]})).get(t)
		must(c.CreateRole(ctx, grafana.CreateRoleRequest{UID: "r3", Name: "custom:r3", Hidden: true, Permissions: perms[2:3]})).get(t)

		// Teams.
		team := must(c.CreateTeam(ctx, "Team One", "one@example.com")).get(t)
		_, err := c.CreateTeam(ctx, "Team One", "")
		expect(t, "create a taken team name", err, grafana.IsConflict)
		got := must(c.GetTeam(ctx, team)).get(t)
		if got.ID != team || got.Name != "Team One" || got.Email != "one@example.com" || got.OrgID != 1 {
			t.Errorf("team = %+v", got)
		}
		found := must(c.SearchTeams(ctx, "Team One")).get(t)
		if len(found) != 1 || found[0].ID != team {
			t.Errorf("search = %+v", found)
		}
		if found := must(c.SearchTeams(ctx, "Team")).get(t); len(found) != 0 {
			t.Errorf("?name= is exact, yet found %+v", found)
		}
		ok(t, c.AddTeamRole(ctx, team, "r1"))
		ok(t, c.AddTeamRole(ctx, team, "r1")) // an existing assignment is fine
		if roles := must(c.ListTeamRoles(ctx, team, false)).get(t); !hasRole(roles, "r1") || len(roles) != 1 {
			t.Errorf("team roles = %+v", roles)
		}
		expect(t, "assign a missing role", c.AddTeamRole(ctx, team, "nope"), grafana.IsNotFound)
		expect(t, "assign to a missing team", c.AddTeamRole(ctx, 9999, "r1"), grafana.IsNotFound)
		ok(t, c.SetTeamRoles(ctx, team, []string{"r2", "r3"}, true))
		roles := must(c.ListTeamRoles(ctx, team, true)).get(t)
		if hasRole(roles, "r1") || !hasRole(roles, "r2") || !hasRole(roles, "r3") {
			t.Errorf("after set: %+v", roles)
		}
		if roles := must(c.ListTeamRoles(ctx, team, false)).get(t); hasRole(roles, "r3") {
			t.Errorf("hidden role listed without includeHidden: %+v", roles)
		}
		ok(t, c.RemoveTeamRole(ctx, team, "r2"))
		if roles := must(c.ListTeamRoles(ctx, team, true)).get(t); hasRole(roles, "r2") {
			t.Errorf("after remove: %+v", roles)
		}
		ok(t, c.SetTeamRoles(ctx, team, nil, true))
		if roles := must(c.ListTeamRoles(ctx, team, true)).get(t); len(roles) != 0 {
			t.Errorf("after set to empty: %+v", roles)
		}

		// Users.
		uid := must(c.CreateUser(ctx, grafana.CreateUserRequest{Name: "Una", Login: "una", Email: "una@example.com", Password: "una-pw-123"})).get(t)
		_, err = c.CreateUser(ctx, grafana.CreateUserRequest{Login: "una", Password: "x-pw-12345"})
		expect(t, "create a taken login", err, grafana.IsConflict)
		u := must(c.LookupUser(ctx, "una")).get(t)
		if u.ID != uid || u.Login != "una" || u.Email != "una@example.com" || u.IsGrafanaAdmin {
			t.Errorf("user = %+v", u)
		}
		if u := must(c.LookupUser(ctx, "una@example.com")).get(t); u.ID != uid {
			t.Errorf("lookup by email = %+v", u)
		}
		_, err = c.LookupUser(ctx, "nobody")
		expect(t, "lookup missing", err, grafana.IsNotFound)

		before := must(c.GetUserPermissions(ctx, uid)).get(t)
		ok(t, c.AddUserRole(ctx, uid, "r1", false))
		ok(t, c.AddUserRole(ctx, uid, "r1", false))
		if roles := must(c.ListUserRoles(ctx, uid, true)).get(t); !hasRole(roles, "r1") {
			t.Errorf("user roles = %+v", roles)
		}
		after := must(c.GetUserPermissions(ctx, uid)).get(t)
		if missing := grafana.PermissionsMinus(perms[:1], after); len(missing) != 0 {
			t.Errorf("user permissions lack the role's %v", missing)
		}
		if !slices.IsSortedFunc(after, func(a, b grafana.Permission) int {
			return strings.Compare(a.Action+"\x00"+a.Scope, b.Action+"\x00"+b.Scope)
		}) {
			t.Error("permissions not sorted")
		}
		ok(t, c.SetUserRoles(ctx, uid, []string{"r2"}, false, true))
		roles = must(c.ListUserRoles(ctx, uid, true)).get(t)
		if hasRole(roles, "r1") || !hasRole(roles, "r2") {
			t.Errorf("after set: %+v", roles)
		}
		ok(t, c.RemoveUserRole(ctx, uid, "r2", false))
		if roles := must(c.ListUserRoles(ctx, uid, true)).get(t); hasRole(roles, "r2") {
			t.Errorf("after remove: %+v", roles)
		}
		_, err = c.GetUserPermissions(ctx, 9999)
		expect(t, "permissions of a missing user", err, func(err error) bool { return grafana.IsNotFound(err) })

		// The org role moves the user's effective permissions.
		ok(t, c.SetOrgUserRole(ctx, uid, "Editor"))
		editor := must(c.GetUserPermissions(ctx, uid)).get(t)
		if len(grafana.PermissionsMinus(editor, before)) == 0 {
			t.Error("Editor brought no permission beyond Viewer's")
		}
		expect(t, "unknown org role", c.SetOrgUserRole(ctx, uid, "Boss"), grafana.IsBadRequest)

		// Global user assignment.
		must(c.CreateRole(ctx, grafana.CreateRoleRequest{UID: "g1", Name: "custom:g1", Global: true, Permissions: perms[:1]})).get(t)
		ok(t, c.AddUserRole(ctx, uid, "g1", true))
		if roles := must(c.ListUserRoles(ctx, uid, true)).get(t); !hasRole(roles, "g1") {
			t.Errorf("global assignment not listed: %+v", roles)
		}
		ok(t, c.RemoveUserRole(ctx, uid, "g1", true))

		ok(t, c.DeleteTeam(ctx, team))
		_, err = c.GetTeam(ctx, team)
		expect(t, "get deleted team", err, grafana.IsNotFound)
		expect(t, "delete deleted team", c.DeleteTeam(ctx, team), grafana.IsNotFound)
		ok(t, c.DeleteUser(ctx, uid))
		_, err = c.LookupUser(ctx, "una")
		expect(t, "lookup deleted user", err, grafana.IsNotFound)
		expect(t, "delete deleted user", c.DeleteUser(ctx, uid), grafana.IsNotFound)
	})
}

func TestEmulatorBuiltinAssignmentsGen1(t *testing.T) {
	e := startEmulator(t, 8, nil)
	ctx := context.Background()
	c := e.c
	perms := heldSample(t, c)

	byBuiltin := must(c.ListBuiltinRoleAssignments(ctx, true)).get(t)
	if len(byBuiltin["Grafana Admin"]) == 0 {
		t.Errorf("no default grants to Grafana Admin: %v", byBuiltin)
	}
	must(c.CreateRole(ctx, grafana.CreateRoleRequest{UID: "b1", Name: "custom:b1", Permissions: perms[:1]})).get(t)
	ok(t, c.AddBuiltinRoleAssignment(ctx, "Editor", "b1", false))
	ok(t, c.AddBuiltinRoleAssignment(ctx, "Editor", "b1", false))
	if m := must(c.ListBuiltinRoleAssignments(ctx, false)).get(t); !hasRole(m["Editor"], "b1") {
		t.Errorf("Editor = %+v", m["Editor"])
	}
	expect(t, "delete an assigned role", c.DeleteRole(ctx, "b1", grafana.DeleteRoleOptions{}), grafana.IsBadRequest)
	ok(t, c.RemoveBuiltinRoleAssignment(ctx, "Editor", "b1", false))
	if m := must(c.ListBuiltinRoleAssignments(ctx, false)).get(t); hasRole(m["Editor"], "b1") {
		t.Error("assignment not removed")
	}
	expect(t, "remove twice", c.RemoveBuiltinRoleAssignment(ctx, "Editor", "b1", false), grafana.IsNotFound)
	expect(t, "unknown built-in role", c.AddBuiltinRoleAssignment(ctx, "Boss", "b1", false), grafana.IsBadRequest)
	expect(t, "missing role", c.AddBuiltinRoleAssignment(ctx, "Viewer", "nope", false), grafana.IsNotFound)

	// A global grant to a name with a space in it.
	must(c.CreateRole(ctx, grafana.CreateRoleRequest{UID: "bg", Name: "custom:bg", Global: true, Permissions: perms[:1]})).get(t)
	ok(t, c.AddBuiltinRoleAssignment(ctx, "Grafana Admin", "bg", true))
	if m := must(c.ListBuiltinRoleAssignments(ctx, false)).get(t); !hasRole(m["Grafana Admin"], "bg") {
		t.Error("global grant not listed")
	}
	ok(t, c.RemoveBuiltinRoleAssignment(ctx, "Grafana Admin", "bg", true))

	// Generation-2-only endpoints do not exist here.
	_, err := c.SearchTeamRoles(ctx, []int64{1}, false)
	expect(t, "team search on gen 1", err, grafana.IsNotFound)
	_, err = c.SearchUserRoles(ctx, []int64{1}, false)
	expect(t, "user search on gen 1", err, grafana.IsNotFound)
	_, err = c.GetRoleAssignments(ctx, "b1")
	expect(t, "role assignments on gen 1", err, grafana.IsNotFound)
	expect(t, "hard reset on gen 1", c.HardReset(ctx), grafana.IsNotFound)
}

func TestEmulatorGen2Endpoints(t *testing.T) {
	forEachGeneration(t, []int{12, 13}, func(t *testing.T, e *env) {
		ctx := context.Background()
		c := e.c
		perms := heldSample(t, c)
		_, err := c.ListBuiltinRoleAssignments(ctx, false)
		expect(t, "builtin-roles on gen 2", err, grafana.IsNotFound)

		must(c.CreateRole(ctx, grafana.CreateRoleRequest{UID: "s1", Name: "custom:s1", Permissions: perms[:1]})).get(t)
		t1 := must(c.CreateTeam(ctx, "t1", "")).get(t)
		t2 := must(c.CreateTeam(ctx, "t2", "")).get(t)
		u1 := must(c.CreateUser(ctx, grafana.CreateUserRequest{Login: "u1", Password: "u1-password"})).get(t)
		sa := must(c.CreateServiceAccount(ctx, "sa-one", "Viewer")).get(t)
		if sa.ID == 0 || sa.Name != "sa-one" || sa.Role != "Viewer" {
			t.Errorf("service account = %+v", sa)
		}
		ok(t, c.AddTeamRole(ctx, t1, "s1"))
		ok(t, c.AddUserRole(ctx, u1, "s1", false))
		ok(t, c.AddUserRole(ctx, sa.ID, "s1", false)) // service accounts are users here

		teams := must(c.SearchTeamRoles(ctx, []int64{t1, t2}, false)).get(t)
		if !hasRole(teams[t1], "s1") || hasRole(teams[t2], "s1") {
			t.Errorf("team search = %+v", teams)
		}
		users := must(c.SearchUserRoles(ctx, []int64{u1}, true)).get(t)
		if !hasRole(users[u1], "s1") {
			t.Errorf("user search = %+v", users)
		}
		a := must(c.GetRoleAssignments(ctx, "s1")).get(t)
		if a.RoleUID != "s1" || !slices.Contains(a.Teams, t1) || !slices.Contains(a.Users, u1) || !slices.Contains(a.ServiceAccounts, sa.ID) {
			t.Errorf("assignments = %+v (team %d, user %d, sa %d)", a, t1, u1, sa.ID)
		}
		_, err = c.GetRoleAssignments(ctx, "nope")
		expect(t, "assignments of a missing role", err, grafana.IsNotFound)

		// Basic roles cannot be assigned to teams or users.
		expect(t, "assign a basic role", c.AddTeamRole(ctx, t1, "basic_viewer"), grafana.IsBadRequest)

		// Basic roles are editable, versioned, and restored by a hard reset.
		viewer := must(c.GetRole(ctx, "basic_viewer")).get(t)
		if viewer.Name != "basic:viewer" || !viewer.Global || len(viewer.Permissions) == 0 {
			t.Fatalf("basic_viewer = %+v", viewer)
		}
		extra := append(slices.Clone(viewer.Permissions), perms[0])
		_, err = c.UpdateRole(ctx, "basic_viewer", grafana.UpdateRoleRequest{Version: viewer.Version, Name: viewer.Name, Global: true, Permissions: extra})
		expect(t, "update a basic role with its stored version", err, grafana.IsVersionOutdated)
		must(c.UpdateRole(ctx, "basic_viewer", grafana.UpdateRoleRequest{
			Version: viewer.Version + 1, Name: viewer.Name, DisplayName: viewer.DisplayName, Group: viewer.Group,
			Global: true, Hidden: viewer.Hidden, Permissions: extra,
		})).get(t)
		if got := must(c.GetRole(ctx, "basic_viewer")).get(t); !grafana.PermissionsEqual(got.Permissions, extra) {
			t.Errorf("basic_viewer not updated: %v", got.Permissions)
		}
		// The reset needs roles:write on the escalate scope. Nobody holds it by
		// default, and delegation forbids granting fixed:roles:resetter without
		// it, so only the refusal can be exercised here; the fake-server test
		// covers the request and a success.
		expect(t, "hard reset without the escalate scope", c.HardReset(ctx), grafana.IsForbidden)
		admin := must(c.LookupUser(ctx, "admin")).get(t)
		expect(t, "granting fixed:roles:resetter", c.AddUserRole(ctx, admin.ID, roleUID(t, c, "fixed:roles:resetter"), true), grafana.IsForbidden)

		ok(t, c.DeleteServiceAccount(ctx, sa.ID))
		expect(t, "delete a deleted service account", c.DeleteServiceAccount(ctx, sa.ID), grafana.IsNotFound)
	})
}

func TestEmulatorAuthModes(t *testing.T) {
	forEachGeneration(t, allGenerations, func(t *testing.T, e *env) {
		ctx := context.Background()
		_, err := e.client("admin:wrong-password", nil).ListRoles(ctx, grafana.ListRolesOptions{})
		expect(t, "wrong password", err, grafana.IsUnauthorized)
		if err != nil && strings.Contains(err.Error(), "wrong-password") {
			t.Errorf("error leaks the password: %v", err)
		}
		_, err = e.client("", nil).ListRoles(ctx, grafana.ListRolesOptions{})
		expect(t, "no credentials", err, grafana.IsUnauthorized)
		_, err = e.client("glsa_not_a_real_token_0000", nil).ListRoles(ctx, grafana.ListRolesOptions{})
		expect(t, "bogus token", err, grafana.IsUnauthorized)
		_, err = e.client("admin:wrong", nil).Generation(ctx)
		expect(t, "probe without valid credentials", err, grafana.IsUnauthorized)

		// A Viewer may read, not write: 403.
		must(e.c.CreateUser(ctx, grafana.CreateUserRequest{Login: "viewer", Password: "viewer-pw-1"})).get(t)
		viewer := e.client("viewer:viewer-pw-1", nil)
		_, err = viewer.CreateRole(ctx, grafana.CreateRoleRequest{Name: "custom:by-viewer"})
		expect(t, "viewer creates a role", err, grafana.IsForbidden)
		_, err = e.c.WithOrg(1).CreateRole(ctx, grafana.CreateRoleRequest{UID: "victim", Name: "custom:victim"})
		ok(t, err)
		expect(t, "viewer deletes a role", viewer.DeleteRole(ctx, "victim", grafana.DeleteRoleOptions{}), grafana.IsForbidden)
		if _, err := viewer.GetCurrentUserPermissions(ctx); err != nil {
			t.Errorf("a viewer reads its own permissions: %v", err)
		}

		// Delegation: an org Admin without the permission cannot grant it.
		must(e.c.CreateUser(ctx, grafana.CreateUserRequest{Login: "orgadmin", Password: "orgadmin-pw-1"})).get(t)
		oa := must(e.c.LookupUser(ctx, "orgadmin")).get(t)
		ok(t, e.c.SetOrgUserRole(ctx, oa.ID, "Admin"))
		orgAdmin := e.client("orgadmin:orgadmin-pw-1", nil)
		held := must(orgAdmin.GetCurrentUserPermissions(ctx)).get(t)
		notHeld := grafana.Permission{Action: "custom.never:held", Scope: "never:*"}
		if len(grafana.MissingForDelegation(held, []grafana.Permission{notHeld})) != 1 {
			t.Fatal("the org admin holds the made-up permission")
		}
		_, err = orgAdmin.CreateRole(ctx, grafana.CreateRoleRequest{Name: "custom:escalation", Permissions: []grafana.Permission{notHeld}})
		expect(t, "org admin creates a role with a permission it lacks", err, grafana.IsForbidden)
	})
}

func TestEmulatorServiceAccountToken(t *testing.T) {
	forEachGeneration(t, []int{12, 13}, func(t *testing.T, e *env) {
		ctx := context.Background()
		org := must(e.c.CreateOrg(ctx, "sa-org")).get(t)
		inOrg := e.c.WithOrg(org)
		sa := must(inOrg.CreateServiceAccount(ctx, "terraform", "Admin")).get(t)
		// An org Admin cannot manage roles by default; Terraform's account is given the role writer.
		for _, name := range []string{"fixed:roles:reader", "fixed:roles:writer"} {
			ok(t, inOrg.AddUserRole(ctx, sa.ID, roleUID(t, inOrg, name), false))
		}
		token := must(inOrg.CreateServiceAccountToken(ctx, sa.ID, "tf-token")).get(t)
		if token == "" {
			t.Fatal("empty token")
		}
		logs := &strings.Builder{}
		var mu sync.Mutex
		tc := e.client(token, func(c *grafana.Config) {
			c.OrgID = org
			c.Logf = func(_ context.Context, msg string, f map[string]any) {
				mu.Lock()
				defer mu.Unlock()
				fmt.Fprintln(logs, msg, f)
			}
		})
		if g := must(tc.Generation(ctx)).get(t); g != grafana.Generation2 {
			t.Errorf("generation via token = %v", g)
		}
		held := must(tc.GetCurrentUserPermissions(ctx)).get(t)
		if !slices.ContainsFunc(held, func(p grafana.Permission) bool { return p.Action == "roles:read" }) {
			t.Errorf("an Admin service account cannot read roles: %v", held)
		}
		perms := heldSample(t, tc)
		r := must(tc.CreateRole(ctx, grafana.CreateRoleRequest{UID: "by-token", Name: "custom:by-token", Permissions: perms})).get(t)
		if r.Global {
			t.Error("org role created global")
		}
		if roles := must(tc.ListRoles(ctx, grafana.ListRolesOptions{})).get(t); !hasRole(roles, "by-token") {
			t.Error("token client does not see its role")
		}
		_, err := e.c.GetRole(ctx, "by-token")
		expect(t, "org 1 sees the token's org role", err, grafana.IsNotFound)
		must(tc.UpdateRole(ctx, "by-token", grafana.UpdateRoleRequest{Name: "custom:by-token", Permissions: perms[:1]})).get(t)
		ok(t, tc.DeleteRole(ctx, "by-token", grafana.DeleteRoleOptions{}))
		mu.Lock()
		if strings.Contains(logs.String(), token) {
			t.Error("token in logs")
		}
		mu.Unlock()

		ok(t, inOrg.DeleteServiceAccount(ctx, sa.ID))
		_, err = tc.ListRoles(ctx, grafana.ListRolesOptions{})
		expect(t, "token of a deleted service account", err, grafana.IsUnauthorized)
		if err != nil && strings.Contains(err.Error(), token) {
			t.Errorf("error leaks the token: %v", err)
		}
	})

	// Generation 1 accepts basic auth only.
	e := startEmulator(t, 8, nil)
	_, err := e.client("glsa_any_token_at_all_000", nil).ListRoles(context.Background(), grafana.ListRolesOptions{})
	expect(t, "token on gen 1", err, grafana.IsUnauthorized)
}

// faultScript changes the emulator's faults after each attempt, through the
// client's log hook, so that each attempt meets a chosen answer whatever the
// emulator's random draw.
func faultScript(e *env, after map[int]emulator.Faults) func(context.Context, string, map[string]any) {
	return func(_ context.Context, _ string, f map[string]any) {
		if next, ok := after[f["attempt"].(int)]; ok {
			e.srv.Emulator.SetFaults(next)
		}
	}
}

func TestEmulatorRetries(t *testing.T) {
	forEachGeneration(t, []int{8, 12}, func(t *testing.T, e *env) {
		ctx := context.Background()
		perms := heldSample(t, e.c)
		must(e.c.CreateRole(ctx, grafana.CreateRoleRequest{UID: "rr", Name: "custom:rr", Permissions: perms})).get(t)

		t.Run("two 500s and a 429, then success", func(t *testing.T) {
			c := e.client("admin:admin", func(c *grafana.Config) {
				c.Retries = 3
				c.Logf = faultScript(e, map[int]emulator.Faults{
					2: {TooManyRate: 1, RetryAfter: 0},
					3: {},
				})
			})
			e.resetStats()
			e.srv.Emulator.SetFaults(emulator.Faults{ErrorRate: 1})
			defer e.srv.Emulator.SetFaults(emulator.Faults{})
			r, err := c.GetRole(ctx, "rr")
			if err != nil || r.UID != "rr" {
				t.Fatalf("%+v, %v", r, err)
			}
			if n := e.attempts("GET"); n != 4 {
				t.Errorf("%d attempts, want 4", n)
			}
		})
		t.Run("an update retried keeps its body", func(t *testing.T) {
			c := e.client("admin:admin", func(c *grafana.Config) {
				c.Retries = 2
				c.Logf = faultScript(e, map[int]emulator.Faults{1: {}})
			})
			e.resetStats()
			e.srv.Emulator.SetFaults(emulator.Faults{ErrorRate: 1})
			defer e.srv.Emulator.SetFaults(emulator.Faults{})
			r, err := c.UpdateRole(ctx, "rr", grafana.UpdateRoleRequest{Name: "custom:rr", Description: "retried", Permissions: perms[:1]})
			if err != nil || r.Description != "retried" || !grafana.PermissionsEqual(r.Permissions, perms[:1]) {
				t.Fatalf("%+v, %v", r, err)
			}
			if n := e.attempts("PUT"); n != 2 {
				t.Errorf("%d attempts, want 2", n)
			}
		})
		t.Run("Retry-After honoured", func(t *testing.T) {
			c := e.client("admin:admin", func(c *grafana.Config) {
				c.Retries = 1
				c.RetryWaitMax = 5 * time.Second
				c.Logf = faultScript(e, map[int]emulator.Faults{1: {}})
			})
			e.srv.Emulator.SetFaults(emulator.Faults{TooManyRate: 1, RetryAfter: time.Second})
			defer e.srv.Emulator.SetFaults(emulator.Faults{})
			start := time.Now()
			must(c.ListRoles(ctx, grafana.ListRolesOptions{})).get(t)
			if d := time.Since(start); d < time.Second {
				t.Errorf("retried after %v", d)
			}
		})
		t.Run("budget respected", func(t *testing.T) {
			c := e.client("admin:admin", func(c *grafana.Config) { c.Retries = 2 })
			e.resetStats()
			e.srv.Emulator.SetFaults(emulator.Faults{ErrorRate: 1})
			defer e.srv.Emulator.SetFaults(emulator.Faults{})
			_, err := c.GetRole(ctx, "rr")
			var ae *grafana.APIError
			if !errors.As(err, &ae) || ae.StatusCode != 500 {
				t.Errorf("err = %v", err)
			}
			if n := e.attempts("GET"); n != 3 {
				t.Errorf("%d attempts, want 3", n)
			}
			e.srv.Emulator.SetFaults(emulator.Faults{TooManyRate: 1})
			e.resetStats()
			_, err = c.ListRoles(ctx, grafana.ListRolesOptions{})
			if !errors.As(err, &ae) || ae.StatusCode != 429 {
				t.Errorf("err = %v", err)
			}
			if n := e.attempts("GET"); n != 3 {
				t.Errorf("429: %d attempts, want 3", n)
			}
		})
		t.Run("a 400 is not retried", func(t *testing.T) {
			c := e.client("admin:admin", func(c *grafana.Config) { c.Retries = 3 })
			stored := must(c.GetRole(ctx, "rr")).get(t).Version
			e.resetStats()
			_, err := c.UpdateRole(ctx, "rr", grafana.UpdateRoleRequest{Version: stored, Name: "custom:rr", Permissions: perms})
			expect(t, "outdated version", err, grafana.IsVersionOutdated)
			if n := e.attempts("PUT"); n != 1 {
				t.Errorf("%d attempts, want 1", n)
			}
		})
		t.Run("a create is not retried", func(t *testing.T) {
			c := e.client("admin:admin", func(c *grafana.Config) { c.Retries = 3 })
			e.resetStats()
			e.srv.Emulator.SetFaults(emulator.Faults{ErrorRate: 1})
			defer e.srv.Emulator.SetFaults(emulator.Faults{})
			_, err := c.CreateRole(ctx, grafana.CreateRoleRequest{Name: "custom:once"})
			var ae *grafana.APIError
			if !errors.As(err, &ae) || ae.StatusCode != 500 {
				t.Errorf("err = %v", err)
			}
			if n := e.attempts("POST"); n != 1 {
				t.Errorf("%d attempts, want 1", n)
			}
		})
		t.Run("a slow attempt times out and the retry succeeds", func(t *testing.T) {
			c := e.client("admin:admin", func(c *grafana.Config) {
				c.Retries = 1
				c.Timeout = 100 * time.Millisecond
				c.Logf = faultScript(e, map[int]emulator.Faults{1: {}})
			})
			e.srv.Emulator.SetFaults(emulator.Faults{Latency: 2 * time.Second})
			defer e.srv.Emulator.SetFaults(emulator.Faults{})
			if _, err := c.GetRole(ctx, "rr"); err != nil {
				t.Fatal(err)
			}
		})
		t.Run("random faults under load", func(t *testing.T) {
			c := e.client("admin:admin", func(c *grafana.Config) { c.Retries = 20 })
			e.srv.Emulator.SetFaults(emulator.Faults{ErrorRate: 0.3, TooManyRate: 0.2, Seed: 42})
			defer e.srv.Emulator.SetFaults(emulator.Faults{})
			var wg sync.WaitGroup
			for range 8 {
				wg.Go(func() {
					for range 5 {
						if _, err := c.GetRole(ctx, "rr"); err != nil {
							t.Errorf("GetRole: %v", err)
						}
					}
				})
			}
			wg.Wait()
		})
	})
}

func TestEmulatorGone(t *testing.T) {
	e := startEmulator(t, 12, nil)
	c := e.client("admin:admin", func(c *grafana.Config) { c.Retries = 1 })
	must(c.Health(context.Background())).get(t)
	e.srv.Close()
	_, err := c.ListRoles(context.Background(), grafana.ListRolesOptions{})
	expect(t, "a stopped Grafana", err, grafana.IsConnectionError)
	if err != nil && !strings.HasPrefix(err.Error(), "cannot reach Grafana at "+e.srv.URL+": ") {
		t.Errorf("error = %v", err)
	}
}
