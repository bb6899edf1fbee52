package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

// seed stores a value as if it had been read (for tests without a server).
func (c *readCache) seed(key cacheKey, val any) {
	e := &cacheEntry{done: make(chan struct{}), val: val}
	close(e.done)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[cacheKey]*cacheEntry{}
	}
	c.entries[key] = e
}

// unreachableClient is a client whose every request would fail.
func unreachableClient(t *testing.T) *grafana.Client {
	t.Helper()
	c, err := grafana.New(grafana.Config{URL: "http://127.0.0.1:1", Auth: "admin:admin"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// fakeGrafana answers the few reads the cache makes, counting them by path,
// with what the test puts in its fields. gate, when set, holds every answer
// until it is closed.
type fakeGrafana struct {
	mu        sync.Mutex
	count     map[string]int
	teamRoles map[string][]grafana.Role // by team id
	roles     map[string]grafana.Role   // by uid
	status    int                       // when not 0, every answer has this status
	gate      chan struct{}
}

func newFakeGrafana(t *testing.T) (*fakeGrafana, *grafana.Client) {
	t.Helper()
	f := &fakeGrafana{count: map[string]int{}, teamRoles: map[string][]grafana.Role{}, roles: map[string]grafana.Role{}}
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(srv.Close)
	c, err := grafana.New(grafana.Config{URL: srv.URL, Auth: "admin:admin", Retries: 0})
	if err != nil {
		t.Fatal(err)
	}
	return f, c
}

func (f *fakeGrafana) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.count[r.URL.Path]++
	gate, status := f.gate, f.status
	f.mu.Unlock()
	if gate != nil {
		<-gate
	}
	if status != 0 {
		w.WriteHeader(status)
		_, _ = fmt.Fprint(w, `{"message":"fake"}`)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	team, isTeam := strings.CutPrefix(r.URL.Path, "/api/access-control/teams/")
	uid, isRole := strings.CutPrefix(r.URL.Path, "/api/access-control/roles/")
	switch {
	case isTeam:
		writeJSON(w, f.teamRoles[strings.TrimSuffix(team, "/roles")])
	case isRole:
		role, ok := f.roles[uid]
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			_, _ = fmt.Fprint(w, `{"message":"Role not found"}`)
			return
		}
		writeJSON(w, role)
	default:
		w.WriteHeader(http.StatusNotFound)
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	b, _ := json.Marshal(v)
	_, _ = w.Write(b)
}

func (f *fakeGrafana) requests(path string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.count[path]
}

func TestReadCacheConcurrentReadersShareOneRequest(t *testing.T) {
	t.Parallel()
	f, client := newFakeGrafana(t)
	f.teamRoles["7"] = []grafana.Role{{UID: "a"}, {UID: "b"}}
	f.gate = make(chan struct{})
	var c readCache

	const readers = 16
	var wg sync.WaitGroup
	results := make([][]grafana.Role, readers)
	errs := make([]error, readers)
	for i := range readers {
		wg.Go(func() { results[i], errs[i] = c.teamRoles(context.Background(), client, 7) })
	}
	// Let every reader queue on the one request before it is answered.
	deadline := time.Now().Add(5 * time.Second)
	for f.requests("/api/access-control/teams/7/roles") == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond)
	close(f.gate)
	wg.Wait()

	if n := f.requests("/api/access-control/teams/7/roles"); n != 1 {
		t.Errorf("%d concurrent readers made %d requests, want 1", readers, n)
	}
	for i := range readers {
		if errs[i] != nil || !rolesHaveUID(results[i], "a") || !rolesHaveUID(results[i], "b") || len(results[i]) != 2 {
			t.Errorf("reader %d got %v, %v", i, results[i], errs[i])
		}
	}
	// Each reader has its own copy.
	results[0][0].UID = "changed"
	if again, _ := c.teamRoles(context.Background(), client, 7); again[0].UID != "a" {
		t.Errorf("a caller's change leaked into the cache: %v", again)
	}
}

func TestReadCacheWriteInvalidates(t *testing.T) {
	t.Parallel()
	f, client := newFakeGrafana(t)
	ctx := context.Background()
	f.teamRoles["3"] = []grafana.Role{{UID: "a"}}
	f.roles["r1"] = grafana.Role{UID: "r1", Version: 1}
	var c readCache

	for range 2 {
		if roles, err := c.teamRoles(ctx, client, 3); err != nil || len(roles) != 1 {
			t.Fatalf("teamRoles = %v, %v", roles, err)
		}
	}
	if n := f.requests("/api/access-control/teams/3/roles"); n != 1 {
		t.Fatalf("two reads made %d requests, want 1", n)
	}

	// A write to the team (the server now lists b too), then forget.
	f.mu.Lock()
	f.teamRoles["3"] = append(f.teamRoles["3"], grafana.Role{UID: "b"})
	f.mu.Unlock()
	c.forgetTeamRoles(client.OrgID(), 3)
	roles, err := c.teamRoles(ctx, client, 3)
	if err != nil || !rolesHaveUID(roles, "b") {
		t.Errorf("after the write, teamRoles = %v, %v; want the new role", roles, err)
	}
	// Another team's or org's forget does not touch it.
	c.forgetTeamRoles(client.OrgID(), 4)
	c.forgetTeamRoles(2, 3)
	_, _ = c.teamRoles(ctx, client, 3)
	if n := f.requests("/api/access-control/teams/3/roles"); n != 2 {
		t.Errorf("requests = %d, want 2 (one before, one after the write)", n)
	}

	// Roles: an update is seen after forgetRole, in every org's view.
	other := client.WithOrg(2)
	for _, cl := range []*grafana.Client{client, other} {
		if r, err := c.role(ctx, cl, "r1"); err != nil || r.Version != 1 {
			t.Fatalf("role = %v, %v", r, err)
		}
	}
	f.mu.Lock()
	f.roles["r1"] = grafana.Role{UID: "r1", Version: 2}
	f.mu.Unlock()
	c.forgetBasicRole("other")
	if r, _ := c.role(ctx, client, "r1"); r.Version != 1 {
		t.Errorf("forgetting another role dropped r1")
	}
	c.forgetRole("r1")
	for _, cl := range []*grafana.Client{client, other} {
		if r, err := c.role(ctx, cl, "r1"); err != nil || r.Version != 2 {
			t.Errorf("org %d after the update: role = %v, %v; want version 2", cl.OrgID(), r, err)
		}
	}
}

func TestReadCacheKeepsDefiniteAnswersOnly(t *testing.T) {
	t.Parallel()
	f, client := newFakeGrafana(t)
	ctx := context.Background()
	var c readCache

	// 404 is an answer: asked once.
	for range 3 {
		if _, err := c.role(ctx, client, "missing"); !grafana.IsNotFound(err) {
			t.Fatalf("err = %v, want not found", err)
		}
	}
	if n := f.requests("/api/access-control/roles/missing"); n != 1 {
		t.Errorf("three reads of a missing role made %d requests, want 1", n)
	}

	// 500 may pass: asked again.
	f.mu.Lock()
	f.status = http.StatusInternalServerError
	f.mu.Unlock()
	for range 2 {
		if _, err := c.role(ctx, client, "flaky"); err == nil {
			t.Fatal("no error from a 500")
		}
	}
	if n := f.requests("/api/access-control/roles/flaky"); n != 2 {
		t.Errorf("two reads answered 500 made %d requests, want 2", n)
	}
}

func TestReadCacheWaiterOutlivesCancelledFetcher(t *testing.T) {
	t.Parallel()
	var c readCache
	key := cacheKey{kind: cacheHealth}
	started := make(chan struct{})
	var calls atomic.Int32
	fetch := func(ctx context.Context) (any, error) {
		if calls.Add(1) == 1 {
			close(started)
			<-ctx.Done()
			return nil, fmt.Errorf("GET /api/health: %w", ctx.Err())
		}
		return "ok", nil
	}
	first, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := c.load(first, key, fetch)
		done <- err
	}()
	<-started
	second := make(chan any, 1)
	go func() {
		v, err := c.load(context.Background(), key, fetch)
		if err != nil {
			v = err
		}
		second <- v
	}()
	time.Sleep(10 * time.Millisecond) // the second caller waits on the first's fetch
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled caller got %v", err)
	}
	if v := <-second; v != "ok" {
		t.Errorf("waiting caller got %v, want a fetch of its own", v)
	}
}

func TestReadCachePlannedRole(t *testing.T) {
	t.Parallel()
	f, client := newFakeGrafana(t)
	ctx := context.Background()
	var c readCache

	c.planRoleCreate("new")
	if _, err := c.assignableRole(ctx, client, "new"); !errors.Is(err, errRolePlanned) {
		t.Fatalf("err = %v, want errRolePlanned", err)
	}
	if n := f.requests("/api/access-control/roles/new"); n != 0 {
		t.Errorf("a role planned for creation was asked for %d times", n)
	}
	// Created (forgetRole follows the write): now it is read.
	f.mu.Lock()
	f.roles["new"] = grafana.Role{UID: "new", Name: "custom:new"}
	f.mu.Unlock()
	c.forgetRole("new")
	if r, err := c.assignableRole(ctx, client, "new"); err != nil || r.Name != "custom:new" {
		t.Errorf("after the create: %v, %v", r, err)
	}
	// Unplanned roles are read as usual.
	if _, err := c.assignableRole(ctx, client, "other"); !grafana.IsNotFound(err) {
		t.Errorf("unplanned missing role: %v", err)
	}
}
