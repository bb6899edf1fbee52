package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sync"
	"testing"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/emulator"
	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

func emulatorCounts(t *testing.T, url string) map[string]int {
	t.Helper()
	resp, err := http.Get(url + "/api/emulator/stats")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Requests map[string]int `json:"requests"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out.Requests
}

func resetEmulatorCounts(t *testing.T, url string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodDelete, url+"/api/emulator/stats", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

// startGen12 starts an emulator of generation 12 and an admin's client of it.
func startGen12(t *testing.T) (*emulator.Server, *grafana.Client) {
	t.Helper()
	srv, err := emulator.NewServer(emulator.Config{Generation: 12})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	client, err := grafana.New(grafana.Config{URL: srv.URL, Auth: "admin:admin"})
	if err != nil {
		t.Fatal(err)
	}
	return srv, client
}

// Reads of many teams and users at once go out as a few searches, and each
// reader gets exactly what its single read returns: hidden roles, global
// roles of users, nothing of another org, 404 for an id that is gone.
func TestReadCacheBatchesTeamAndUserRoles(t *testing.T) {
	srv, client := startGen12(t)
	ctx := context.Background()
	perm := []grafana.Permission{{Action: "teams:read", Scope: "teams:*"}}
	role := func(name string, hidden, global bool) string {
		r, err := client.CreateRole(ctx, grafana.CreateRoleRequest{Name: name, Hidden: hidden, Global: global, Permissions: perm})
		if err != nil {
			t.Fatal(err)
		}
		return r.UID
	}
	plain, hidden, global := role("custom:b:plain", false, false), role("custom:b:hidden", true, false), role("custom:b:global", false, true)

	const teams, users = 150, 30
	var teamIDs, userIDs []int64
	for i := range teams {
		id, err := client.CreateTeam(ctx, fmt.Sprintf("batch-team-%d", i), "")
		if err != nil {
			t.Fatal(err)
		}
		teamIDs = append(teamIDs, id)
		switch i % 3 {
		case 0:
			err = client.AddTeamRole(ctx, id, plain)
		case 1:
			err = client.AddTeamRole(ctx, id, hidden)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	for i := range users {
		id, err := client.CreateUser(ctx, grafana.CreateUserRequest{Login: fmt.Sprintf("batch-user-%d", i), Password: "password-123"})
		if err != nil {
			t.Fatal(err)
		}
		userIDs = append(userIDs, id)
		if err := client.AddUserRole(ctx, id, hidden, false); err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			if err := client.AddUserRole(ctx, id, global, true); err != nil {
				t.Fatal(err)
			}
		}
	}
	// A team of another org, and ids that do not exist, answer 404 as alone.
	other, err := client.CreateOrg(ctx, "batch-other")
	if err != nil {
		t.Fatal(err)
	}
	otherTeam, err := client.WithOrg(other).CreateTeam(ctx, "batch-other-team", "")
	if err != nil {
		t.Fatal(err)
	}
	teamIDs = append(teamIDs, otherTeam, 99999)
	userIDs = append(userIDs, 99998)

	type answer struct {
		roles []grafana.Role
		err   string
	}
	single := map[string]answer{}
	for _, id := range teamIDs {
		roles, err := client.ListTeamRoles(ctx, id, true)
		single[fmt.Sprint("team ", id)] = answer{roles, fmt.Sprint(err)}
	}
	for _, id := range userIDs {
		roles, err := client.ListUserRoles(ctx, id, true)
		single[fmt.Sprint("user ", id)] = answer{roles, fmt.Sprint(err)}
	}

	resetEmulatorCounts(t, srv.URL)
	var c readCache
	var mu sync.Mutex
	batched := map[string]answer{}
	var wg sync.WaitGroup
	for _, id := range teamIDs {
		wg.Go(func() {
			roles, err := c.teamRoles(ctx, client, id)
			mu.Lock()
			batched[fmt.Sprint("team ", id)] = answer{roles, fmt.Sprint(err)}
			mu.Unlock()
		})
	}
	for _, id := range userIDs {
		wg.Go(func() {
			roles, err := c.userRoles(ctx, client, id)
			mu.Lock()
			batched[fmt.Sprint("user ", id)] = answer{roles, fmt.Sprint(err)}
			mu.Unlock()
		})
	}
	wg.Wait()
	for k, want := range single {
		if got := batched[k]; !reflect.DeepEqual(got, want) {
			t.Errorf("%s: batched read %+v, single read %+v", k, got, want)
		}
	}

	counts := emulatorCounts(t, srv.URL)
	// 152 teams in chunks of 100: 2 searches when all readers meet within
	// the linger; a loaded machine may split them further.
	if n := counts["POST /api/access-control/teams/roles/search"]; n < 2 || n > 10 {
		t.Errorf("team searches: %d, want 2 (at most 10)", n)
	}
	if n := counts["POST /api/access-control/users/roles/search"]; n < 1 || n > 10 {
		t.Errorf("user searches: %d, want 1 (at most 10)", n)
	}
	// Only the ids the searches leave out (other org, gone) are read alone.
	if n := counts["GET /api/access-control/teams/:teamId/roles"]; n != 2 {
		t.Errorf("single team reads: %d, want 2 (the other org's team and the missing id)", n)
	}
	if n := counts["GET /api/access-control/users/:userId/roles"]; n != 1 {
		t.Errorf("single user reads: %d, want 1 (the missing id)", n)
	}
}

// A search the credentials may not make (one team they cannot read refuses
// it whole) falls back to single reads, which give each its own answer, and
// later reads of that org go alone without asking again.
func TestReadCacheBatchRefusedFallsBack(t *testing.T) {
	var mu sync.Mutex
	count := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		count[r.Method+" "+r.URL.Path]++
		mu.Unlock()
		if r.URL.Path == "/api/access-control/teams/roles/search" {
			w.WriteHeader(http.StatusForbidden)
			_, _ = w.Write([]byte(`{"message":"Forbidden"}`))
			return
		}
		writeJSON(w, []grafana.Role{{UID: "a"}})
	}))
	defer srv.Close()
	client, err := grafana.New(grafana.Config{URL: srv.URL, Auth: "admin:admin", Generation: grafana.Generation2, Retries: 0})
	if err != nil {
		t.Fatal(err)
	}
	var c readCache
	for range 2 {
		roles, err := c.teamRoles(context.Background(), client, 7)
		if err != nil || len(roles) != 1 || roles[0].UID != "a" {
			t.Fatalf("teamRoles = %v, %v", roles, err)
		}
		c.forgetTeamRoles(client.OrgID(), 7)
	}
	mu.Lock()
	defer mu.Unlock()
	if n := count["POST /api/access-control/teams/roles/search"]; n != 1 {
		t.Errorf("searches: %d, want 1 (refused once, then single reads)", n)
	}
	if n := count["GET /api/access-control/teams/7/roles"]; n != 2 {
		t.Errorf("single reads: %d, want 2", n)
	}
}

// Grafana's search needs teams.roles:read on every team: a caller allowed
// one team is refused the search and gets that team's roles by a single read.
func TestReadCacheBatchNeedsEveryTeam(t *testing.T) {
	srv, client := startGen12(t)
	ctx := context.Background()
	team, err := client.CreateTeam(ctx, "batch-one-team", "")
	if err != nil {
		t.Fatal(err)
	}
	perm := []grafana.Permission{{Action: "teams.roles:read", Scope: fmt.Sprintf("teams:id:%d", team)}}
	r, err := client.CreateRole(ctx, grafana.CreateRoleRequest{Name: "custom:batch:one-team", Permissions: perm})
	if err != nil {
		t.Fatal(err)
	}
	if err := client.AddTeamRole(ctx, team, r.UID); err != nil {
		t.Fatal(err)
	}
	user, err := client.CreateUser(ctx, grafana.CreateUserRequest{Login: "one-team", Password: "one-team-pw"})
	if err != nil {
		t.Fatal(err)
	}
	if err := client.AddUserRole(ctx, user, r.UID, false); err != nil {
		t.Fatal(err)
	}
	narrow, err := grafana.New(grafana.Config{URL: srv.URL, Auth: "one-team:one-team-pw"})
	if err != nil {
		t.Fatal(err)
	}
	resetEmulatorCounts(t, srv.URL)
	var c readCache
	roles, err := c.teamRoles(ctx, narrow, team)
	if err != nil || len(roles) != 1 || roles[0].UID != r.UID {
		t.Fatalf("teamRoles = %v, %v", roles, err)
	}
	counts := emulatorCounts(t, srv.URL)
	if counts["POST /api/access-control/teams/roles/search"] != 1 || counts["GET /api/access-control/teams/:teamId/roles"] != 1 {
		t.Errorf("requests = %v, want a refused search and one single read", counts)
	}
}

// A refresh reads teams ten at a time, as Terraform's -parallelism does, so
// searches alone would gather about ten teams each. From the second team
// on, the roles of all the org's teams come from one list and a search per
// 100, and every reader still gets what its single read returns. A process
// that has written reads only what it asks for, and so does one in an org
// with more than teamPrefetchMax teams.
func TestReadCachePrefetchesTeamRoles(t *testing.T) {
	srv, client := startGen12(t)
	ctx := context.Background()
	r, err := client.CreateRole(ctx, grafana.CreateRoleRequest{Name: "custom:p:r", Permissions: []grafana.Permission{{Action: "teams:read", Scope: "teams:*"}}})
	if err != nil {
		t.Fatal(err)
	}
	createTeams := func(from, to int) (ids []int64) {
		for i := from; i < to; i++ {
			id, err := client.CreateTeam(ctx, fmt.Sprintf("prefetch-team-%d", i), "")
			if err != nil {
				t.Fatal(err)
			}
			if i%2 == 0 {
				if err := client.AddTeamRole(ctx, id, r.UID); err != nil {
					t.Fatal(err)
				}
			}
			ids = append(ids, id)
		}
		return ids
	}
	// readAll reads ids with ten readers, each taking the next id when done.
	readAll := func(c *readCache, ids []int64) map[int64][]grafana.Role {
		next := make(chan int64)
		go func() {
			defer close(next)
			for _, id := range ids {
				next <- id
			}
		}()
		var mu sync.Mutex
		got := map[int64][]grafana.Role{}
		var wg sync.WaitGroup
		for range 10 {
			wg.Go(func() {
				for id := range next {
					roles, err := c.teamRoles(ctx, client, id)
					if err != nil {
						t.Errorf("team %d: %v", id, err)
					}
					mu.Lock()
					got[id] = roles
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		return got
	}
	ids := createTeams(0, 150)

	resetEmulatorCounts(t, srv.URL)
	got := readAll(&readCache{}, ids)
	counts := emulatorCounts(t, srv.URL)
	for _, id := range ids {
		want, err := client.ListTeamRoles(ctx, id, true)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got[id], want) {
			t.Errorf("team %d: prefetched %+v, single read %+v", id, got[id], want)
		}
	}
	if n := counts["GET /api/teams/search"]; n != 1 {
		t.Errorf("team lists: %d, want 1", n)
	}
	// The first team's own search, and two of 100 and 50 for all.
	if n := counts["POST /api/access-control/teams/roles/search"]; n > 4 {
		t.Errorf("team searches: %d, want 3 (at most 4)", n)
	}
	if n := counts["GET /api/access-control/teams/:teamId/roles"]; n != 0 {
		t.Errorf("single team reads: %d, want 0", n)
	}

	resetEmulatorCounts(t, srv.URL)
	var wrote readCache
	wrote.forgetTeamRoles(client.OrgID(), ids[0])
	readAll(&wrote, ids)
	if n := emulatorCounts(t, srv.URL)["GET /api/teams/search"]; n != 0 {
		t.Errorf("team lists after a write: %d, want 0", n)
	}

	createTeams(150, teamPrefetchMax+1)
	resetEmulatorCounts(t, srv.URL)
	readAll(&readCache{}, ids)
	counts = emulatorCounts(t, srv.URL)
	if n := counts["GET /api/teams/search"]; n != 1 {
		t.Errorf("team lists with %d teams: %d, want 1", teamPrefetchMax+1, n)
	}
	if n := counts["POST /api/access-control/teams/roles/search"]; n < 10 {
		t.Errorf("team searches with %d teams: %d, want one per reader wave (at least 10)", teamPrefetchMax+1, n)
	}
}
