package emulator

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"
)

func TestFaults(t *testing.T) {
	e := start(t, 12)
	ac := "/api/access-control/status"
	tests := []struct {
		name       string
		faults     Faults
		path       string
		status     int
		retryAfter string
	}{
		{"500", Faults{ErrorRate: 1}, ac, 500, ""},
		{"429 rounds Retry-After up", Faults{TooManyRate: 1, RetryAfter: 1500 * time.Millisecond}, ac, 429, "2"},
		{"429 with no Retry-After sends 0", Faults{TooManyRate: 1}, ac, 429, "0"},
		{"faults hit unauthenticated requests too", Faults{ErrorRate: 1}, "/api/access-control/roles/x", 500, ""},
		{"not on health", Faults{ErrorRate: 1}, "/api/health", 200, ""},
		{"not on teams", Faults{ErrorRate: 1}, "/api/teams/search", 200, ""},
		{"not on stats", Faults{ErrorRate: 1}, "/api/emulator/stats", 200, ""},
		{"off", Faults{}, ac, 200, ""},
	}
	for _, tt := range tests {
		e.srv.Emulator.SetFaults(tt.faults)
		r := e.do(admin, "GET", tt.path, nil)
		if r.status != tt.status || r.header.Get("Retry-After") != tt.retryAfter {
			t.Errorf("%s: %s, Retry-After %q", tt.name, r, r.header.Get("Retry-After"))
		}
		if tt.status == 500 && r.message(t) != "internal server error" {
			t.Errorf("%s: message %q", tt.name, r.message(t))
		}
	}
	// A faulted write changes nothing.
	e.srv.Emulator.SetFaults(Faults{ErrorRate: 1})
	e.want(500, admin, "POST", "/api/access-control/roles", map[string]any{"uid": "f", "name": "custom:f"})
	e.srv.Emulator.SetFaults(Faults{})
	if _, st := e.role(admin, "f"); st != 404 {
		t.Errorf("a faulted create stored the role: %d", st)
	}
}

func TestFaultsDeterministic(t *testing.T) {
	f := Faults{ErrorRate: 0.3, TooManyRate: 0.2, Seed: 42}
	run := func(e *env) []int {
		var out []int
		for range 60 {
			out = append(out, e.do(admin, "GET", "/api/access-control/status", nil).status)
		}
		return out
	}
	a := start(t, 12, func(c *Config) { c.Faults = f })
	b := start(t, 8, func(c *Config) { c.Faults = f })
	first, second := run(a), run(b)
	if !slices.Equal(first, second) {
		t.Errorf("same seed, different draws:\n%v\n%v", first, second)
	}
	a.srv.Emulator.SetFaults(f)
	if again := run(a); !slices.Equal(first, again) {
		t.Error("SetFaults did not restart the sequence")
	}
	counts := map[int]int{}
	for _, s := range first {
		counts[s]++
	}
	if counts[500] < 8 || counts[429] < 4 || counts[200] < 15 {
		t.Errorf("implausible mix for 30%%/20%%: %v", counts)
	}
	a.srv.Emulator.SetFaults(Faults{ErrorRate: 0.3, TooManyRate: 0.2, Seed: 7})
	if other := run(a); slices.Equal(first, other) {
		t.Error("another seed gave the same draws")
	}
}

func TestLatency(t *testing.T) {
	e := start(t, 12, func(c *Config) { c.Faults.Latency = 150 * time.Millisecond })
	start := time.Now()
	e.want(200, admin, "GET", "/api/access-control/status", nil)
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Errorf("latency not added: %v", d)
	}
	start = time.Now()
	e.want(200, as{}, "GET", "/api/health", nil)
	if d := time.Since(start); d >= 150*time.Millisecond {
		t.Errorf("latency added to health: %v", d)
	}

	// A client that gives up does not keep the handler, or Close, waiting.
	e.srv.Emulator.SetFaults(Faults{Latency: time.Minute})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", e.srv.URL+"/api/access-control/status", nil)
	if _, err := http.DefaultClient.Do(req); err == nil {
		t.Fatal("no timeout")
	}
	done := make(chan struct{})
	go func() { e.srv.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close waits for a sleeping handler")
	}
}

func TestStats(t *testing.T) {
	e := start(t, 12)
	e.want(200, admin, "DELETE", "/api/emulator/stats", nil)
	e.create(admin, map[string]any{"uid": "s", "name": "custom:s"})
	for range 3 {
		e.mustRole("s")
	}
	e.do(admin, "GET", "/api/access-control/builtin-roles", nil) // 404 on generation 2, still counted
	e.srv.Emulator.SetFaults(Faults{ErrorRate: 1})
	e.do(admin, "GET", "/api/access-control/roles/s", nil) // faulted, still counted
	e.srv.Emulator.SetFaults(Faults{})
	var st struct {
		Requests map[string]int `json:"requests"`
	}
	e.want(200, as{}, "GET", "/api/emulator/stats", nil).into(t, &st)
	want := map[string]int{
		"POST /api/access-control/roles":        1,
		"GET /api/access-control/roles/:uid":    4,
		"GET /api/access-control/builtin-roles": 1,
	}
	if fmt.Sprint(st.Requests) != fmt.Sprint(want) {
		t.Errorf("stats = %v, want %v", st.Requests, want)
	}
	e.want(200, as{}, "DELETE", "/api/emulator/stats", nil)
	st.Requests = nil
	e.want(200, as{}, "GET", "/api/emulator/stats", nil).into(t, &st)
	if len(st.Requests) != 0 {
		t.Errorf("after reset: %v", st.Requests)
	}
}

// TestConcurrentWriters: 50 goroutines create roles, assign them to one
// team, remove half of them again, and bump one shared role; nothing is lost.
func TestConcurrentWriters(t *testing.T) {
	eachGen(t, []int{8, 12}, func(t *testing.T, e *env) {
		const n = 50
		team := e.createTeam(admin, "shared")
		e.create(admin, map[string]any{"uid": "shared", "name": "custom:shared", "version": 1})
		start := e.mustRole("shared").Version
		path := fmt.Sprintf("/api/access-control/teams/%d/roles", team)
		var wg sync.WaitGroup
		errs := make(chan string, n*8)
		for i := range n {
			wg.Go(func() {
				uid := fmt.Sprintf("c%02d", i)
				steps := []struct {
					method, path string
					body         any
					want         int
				}{
					{"POST", "/api/access-control/roles", map[string]any{"uid": uid, "name": "custom:" + uid, "permissions": []P{{"reports:read", "reports:uid:" + uid}}}, e.createStatus()},
					{"POST", path, map[string]any{"roleUid": uid}, 200},
					{"PUT", "/api/access-control/roles/shared", map[string]any{"name": "custom:shared"}, 200},
					{"GET", path, nil, 200},
				}
				if i%2 == 1 {
					steps = append(steps, struct {
						method, path string
						body         any
						want         int
					}{"DELETE", path + "/" + uid, nil, 200})
				}
				for _, s := range steps {
					if r := e.do(admin, s.method, s.path, s.body); r.status != s.want {
						errs <- fmt.Sprintf("%s %s: %s", s.method, s.path, r)
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for msg := range errs {
			t.Error(msg)
		}
		var roles []R
		e.want(200, admin, "GET", path, nil).into(t, &roles)
		var want []string
		for i := 0; i < n; i += 2 {
			want = append(want, fmt.Sprintf("c%02d", i))
		}
		if got := uids(roles); !slices.Equal(got, want) {
			t.Errorf("team roles = %v, want %v", got, want)
		}
		for i := range n {
			if _, st := e.role(admin, fmt.Sprintf("c%02d", i)); st != 200 {
				t.Errorf("role c%02d lost: %d", i, st)
			}
		}
		if v := e.mustRole("shared").Version; v != start+n {
			t.Errorf("shared version %d, want %d: an update was lost", v, start+n)
		}
	})
}
