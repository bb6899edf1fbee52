package grafana_test

// Writes whose answer is lost (the emulator carries the request out, then
// answers 500) are reconciled by reading, never repeated blindly.

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/emulator"
	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

func TestReconcileLostAnswers(t *testing.T) {
	forEachGeneration(t, allGenerations, func(t *testing.T, e *env) {
		ctx := context.Background()
		perms := heldSample(t, e.c)
		lost := emulator.Faults{LostAnswerRate: 1}
		// client fails the first attempt of a call as f says, then no more.
		client := func(retries int, f emulator.Faults) *grafana.Client {
			e.srv.Emulator.SetFaults(f)
			t.Cleanup(func() { e.srv.Emulator.SetFaults(emulator.Faults{}) })
			return e.client("admin:admin", func(c *grafana.Config) {
				c.Retries = retries
				c.Logf = faultScript(e, map[int]emulator.Faults{1: {}})
			})
		}
		countNamed := func(name string) int {
			roles := must(e.c.ListRoles(ctx, grafana.ListRolesOptions{IncludeHidden: true})).get(t)
			n := 0
			for _, r := range roles {
				if r.Name == name {
					n++
				}
			}
			return n
		}

		t.Run("create with a lost answer adopts the role by uid", func(t *testing.T) {
			req := grafana.CreateRoleRequest{UID: grafana.NewRoleUID(), Name: "custom:lost:create", Description: "d", Permissions: perms}
			c := client(3, lost)
			e.resetStats()
			role, err := c.CreateRole(ctx, req)
			if err != nil || role.UID != req.UID || !grafana.PermissionsEqual(role.Permissions, perms) {
				t.Fatalf("CreateRole = %+v, %v", role, err)
			}
			// One POST: the lookup found the role, so the create was not repeated
			// (a repeat would get 409, a uid-less one a duplicate).
			if s := e.stats(); s["POST /api/access-control/roles"] != 1 || s["GET /api/access-control/roles/:uid"] != 1 {
				t.Errorf("requests: %v", s)
			}
			if n := countNamed(req.Name); n != 1 {
				t.Errorf("%d roles named %s", n, req.Name)
			}
		})

		t.Run("create that failed before reaching the server is repeated", func(t *testing.T) {
			req := grafana.CreateRoleRequest{UID: grafana.NewRoleUID(), Name: "custom:lost:refused", Permissions: perms}
			c := client(3, emulator.Faults{ErrorRate: 1})
			e.resetStats()
			if _, err := c.CreateRole(ctx, req); err != nil {
				t.Fatal(err)
			}
			if s := e.stats(); s["POST /api/access-control/roles"] != 2 || s["GET /api/access-control/roles/:uid"] != 1 {
				t.Errorf("requests: %v", s)
			}
		})

		t.Run("create answered 429 is repeated without a lookup", func(t *testing.T) {
			req := grafana.CreateRoleRequest{UID: grafana.NewRoleUID(), Name: "custom:lost:429", Permissions: perms}
			c := client(3, emulator.Faults{TooManyRate: 1})
			e.resetStats()
			if _, err := c.CreateRole(ctx, req); err != nil {
				t.Fatal(err)
			}
			if s := e.stats(); s["POST /api/access-control/roles"] != 2 || s["GET /api/access-control/roles/:uid"] != 0 {
				t.Errorf("requests: %v", s)
			}
		})

		t.Run("create without retries still adopts", func(t *testing.T) {
			req := grafana.CreateRoleRequest{UID: grafana.NewRoleUID(), Name: "custom:lost:noretry", Permissions: perms}
			if _, err := client(0, lost).CreateRole(ctx, req); err != nil {
				t.Fatal(err)
			}
		})

		// Issue 16: a create interrupted before its answer was saved is
		// repeated by the next run; the role it made is adopted.
		t.Run("a conflict with the very role asked for adopts it", func(t *testing.T) {
			req := grafana.CreateRoleRequest{UID: grafana.NewRoleUID(), Name: "custom:lost:taken", Permissions: perms}
			made := must(e.c.CreateRole(ctx, req)).get(t)
			got, err := client(3, emulator.Faults{}).CreateRole(ctx, req)
			if err != nil || got.UID != made.UID {
				t.Fatalf("create of an existing identical role = %v, %v", got, err)
			}
		})

		t.Run("a conflict with a different role at the uid is not adopted", func(t *testing.T) {
			req := grafana.CreateRoleRequest{UID: grafana.NewRoleUID(), Name: "custom:lost:taken2", Permissions: perms}
			must(e.c.CreateRole(ctx, req)).get(t)
			req.Description = "another"
			_, err := client(3, emulator.Faults{}).CreateRole(ctx, req)
			expect(t, "create of an existing uid", err, grafana.IsConflict)
			if err == nil || !strings.Contains(err.Error(), req.UID) {
				t.Errorf("err = %v, want it to name uid %s", err, req.UID)
			}
		})

		t.Run("a conflict on the name names no uid and adopts nothing", func(t *testing.T) {
			req := grafana.CreateRoleRequest{UID: grafana.NewRoleUID(), Name: "custom:lost:taken3", Permissions: perms}
			made := must(e.c.CreateRole(ctx, req)).get(t)
			req.UID = grafana.NewRoleUID()
			_, err := client(3, emulator.Faults{}).CreateRole(ctx, req)
			expect(t, "create of a taken name", err, grafana.IsConflict)
			found, ferr := e.c.FindRoleByName(ctx, req.Name, false)
			if ferr != nil || found == nil || found.UID != made.UID || !grafana.RoleHolds(found, req) {
				t.Errorf("FindRoleByName = %v, %v; want %s, holding the request", found, ferr, made.UID)
			}
		})

		t.Run("a lost create whose uid holds another role fails", func(t *testing.T) {
			uid := grafana.NewRoleUID()
			must(e.c.CreateRole(ctx, grafana.CreateRoleRequest{UID: uid, Name: "custom:lost:other", Permissions: perms})).get(t)
			_, err := client(3, emulator.Faults{ErrorRate: 1}).CreateRole(ctx, grafana.CreateRoleRequest{UID: uid, Name: "custom:lost:mine"})
			if err == nil || !strings.Contains(err.Error(), "differs") {
				t.Errorf("err = %v", err)
			}
		})

		t.Run("without a uid a create is never repeated", func(t *testing.T) {
			e.resetStats()
			_, err := client(3, lost).CreateRole(ctx, grafana.CreateRoleRequest{Name: "custom:lost:nouid", Permissions: perms})
			expect(t, "lost create without uid", err, func(err error) bool { return strings.Contains(err.Error(), "500") })
			if s := e.stats(); s["POST /api/access-control/roles"] != 1 {
				t.Errorf("requests: %v", s)
			}
			if n := countNamed("custom:lost:nouid"); n != 1 {
				t.Errorf("%d roles: the lost create did happen", n)
			}
		})

		t.Run("versioned update with a lost answer", func(t *testing.T) {
			uid := grafana.NewRoleUID()
			r := must(e.c.CreateRole(ctx, grafana.CreateRoleRequest{UID: uid, Name: "custom:lost:update", Version: 1, Permissions: perms})).get(t)
			// The retry is refused as outdated: the lost attempt stored the version.
			got, err := client(3, lost).UpdateRole(ctx, uid, grafana.UpdateRoleRequest{
				Version: r.Version + 1, Name: r.Name, Description: "new", Permissions: perms[:1],
			})
			if err != nil || got.Description != "new" || got.Version != r.Version+1 {
				t.Fatalf("UpdateRole = %+v, %v", got, err)
			}
			// An outdated version with no lost answer before is still an error.
			_, err = client(3, emulator.Faults{}).UpdateRole(ctx, uid, grafana.UpdateRoleRequest{
				Version: r.Version + 1, Name: r.Name, Description: "new", Permissions: perms[:1],
			})
			expect(t, "outdated update", err, grafana.IsVersionOutdated)
		})

		t.Run("assignment add with lost answers is read back", func(t *testing.T) {
			role := must(e.c.CreateRole(ctx, grafana.CreateRoleRequest{UID: grafana.NewRoleUID(), Name: "custom:lost:assign", Permissions: perms})).get(t)
			team := must(e.c.CreateTeam(ctx, "lost-team", "")).get(t)
			// No retries: the only way to success is reading the team's roles.
			if err := client(0, lost).AddTeamRole(ctx, team, role.UID); err != nil {
				t.Fatal(err)
			}
			user := must(e.c.CreateUser(ctx, grafana.CreateUserRequest{Login: "lost-user", Password: "pw-lost-user"})).get(t)
			if err := client(0, lost).AddUserRole(ctx, user, role.UID, false); err != nil {
				t.Fatal(err)
			}
			if e.gen == 8 {
				if err := client(0, lost).AddBuiltinRoleAssignment(ctx, "Editor", role.UID, false); err != nil {
					t.Fatal(err)
				}
			}
			// An add that was not carried out stays an error.
			other := must(e.c.CreateRole(ctx, grafana.CreateRoleRequest{UID: grafana.NewRoleUID(), Name: "custom:lost:assign2", Permissions: perms})).get(t)
			err := client(0, emulator.Faults{ErrorRate: 1}).AddTeamRole(ctx, team, other.UID)
			expect(t, "refused add", err, func(err error) bool { return strings.Contains(err.Error(), "500") })
		})
	})
}

func TestTimeoutIsTyped(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	c, err := grafana.New(grafana.Config{URL: srv.URL, Auth: "a:b", Timeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetRole(context.Background(), "x")
	if !grafana.IsTimeout(err) || !grafana.IsConnectionError(err) {
		t.Errorf("err = %v, IsTimeout %v", err, grafana.IsTimeout(err))
	}
	refused, _ := grafana.New(grafana.Config{URL: "http://127.0.0.1:1", Auth: "a:b"})
	if _, err := refused.GetRole(context.Background(), "x"); grafana.IsTimeout(err) || !grafana.IsConnectionError(err) {
		t.Errorf("refused connection: %v", err)
	}
}
