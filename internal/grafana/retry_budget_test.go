package grafana_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/emulator"
	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

// weatherObjects, weatherSeeds: issue 16 asks that the default retry budget
// survive 10% 500s and 5% 429s on an apply of 150 objects in at least 19 of
// 20 seeds.
const weatherObjects, weatherSeeds = 150, 20

// TestDefaultRetryBudgetWeather applies 150 objects (75 roles, each created,
// read back and granted to a team, the grant read back) and then reads
// them all again as a no-op plan would, under 10% 500s and 5% 429s, with
// the default retry count and a small wait, for 20 seeds. It records the
// success rate (go test -v shows it; BENCHMARKS.md keeps a run).
func TestDefaultRetryBudgetWeather(t *testing.T) {
	rate := weatherSuccessRate(t, grafana.DefaultRetries)
	t.Logf("default retries (%d): %d of %d seeds applied and planned without an error", grafana.DefaultRetries, rate, weatherSeeds)
	if rate < weatherSeeds-1 {
		t.Errorf("the default retry budget survived %d of %d seeds, want at least %d", rate, weatherSeeds, weatherSeeds-1)
	}
}

func weatherSuccessRate(t *testing.T, retries int) int {
	var ok atomic.Int64
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	for seed := range weatherSeeds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			if err := weatherRun(t, int64(seed+1), retries); err != nil {
				t.Logf("seed %d: %v", seed+1, err)
				return
			}
			ok.Add(1)
		}()
	}
	wg.Wait()
	return int(ok.Load())
}

// weatherRun is one seed: a fresh emulator, a client with the given retries.
func weatherRun(t *testing.T, seed int64, retries int) error {
	srv, err := emulator.NewServer(emulator.Config{Generation: 12})
	if err != nil {
		return err
	}
	defer srv.Close()
	ctx := context.Background()
	setup, err := grafana.New(grafana.Config{URL: srv.URL, Auth: "admin:admin"})
	if err != nil {
		return err
	}
	team, err := setup.CreateTeam(ctx, "weather", "")
	if err != nil {
		return err
	}
	// Retry-After: 0, so that the test waits for nothing: the count is what
	// is measured here; the wait's bound has its own test.
	srv.Emulator.SetFaults(emulator.Faults{ErrorRate: 0.10, TooManyRate: 0.05, Seed: seed})
	c, err := grafana.New(grafana.Config{URL: srv.URL, Auth: "admin:admin", Retries: retries,
		RetryWait: 100 * time.Microsecond, RetryWaitMax: time.Millisecond})
	if err != nil {
		return err
	}
	perms := []grafana.Permission{{Action: "teams:read", Scope: "teams:*"}}
	uids := make([]string, 0, weatherObjects/2)
	for i := range weatherObjects / 2 {
		role, err := c.CreateRole(ctx, grafana.CreateRoleRequest{UID: grafana.NewRoleUID(), Name: fmt.Sprintf("custom:weather:%d", i), Permissions: perms})
		if err != nil {
			return err
		}
		if _, err := c.GetRole(ctx, role.UID); err != nil {
			return err
		}
		if err := c.AddTeamRole(ctx, team, role.UID); err != nil {
			return err
		}
		if _, err := c.ListTeamRoles(ctx, team, true); err != nil {
			return err
		}
		uids = append(uids, role.UID)
	}
	for _, uid := range uids {
		if _, err := c.GetRole(ctx, uid); err != nil {
			return err
		}
	}
	if _, err := c.SearchTeamRoles(ctx, []int64{team}, true); err != nil {
		return err
	}
	return nil
}

// TestRetryBudgetBoundedInTime: however many retries are allowed, a call
// starts none past RetryMaxElapsed after its first attempt.
func TestRetryBudgetBoundedInTime(t *testing.T) {
	t.Parallel()
	var attempts atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		attempts.Add(1)
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer srv.Close()
	c, err := grafana.New(grafana.Config{URL: srv.URL, Retries: 1000, RetryWait: 10 * time.Millisecond,
		RetryWaitMax: 10 * time.Millisecond, RetryMaxElapsed: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = c.GetRole(context.Background(), "x")
	took := time.Since(start)
	if err == nil || took > time.Second || attempts.Load() > 60 {
		t.Errorf("GetRole = %v after %s and %d attempts; want an error within about 200ms", err, took, attempts.Load())
	}
	// CreateRole runs its own retry loop, under the same bound.
	attempts.Store(0)
	start = time.Now()
	_, err = c.CreateRole(context.Background(), grafana.CreateRoleRequest{UID: "u", Name: "custom:x"})
	if took := time.Since(start); err == nil || took > time.Second {
		t.Errorf("CreateRole = %v after %s and %d attempts; want an error within about 200ms", err, took, attempts.Load())
	}
}
