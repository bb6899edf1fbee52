package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

func perm(action, scope string) grafana.Permission {
	return grafana.Permission{Action: action, Scope: scope}
}

func perms(p ...grafana.Permission) []grafana.Permission { return p }

func TestPlannedGrant(t *testing.T) {
	t.Parallel()
	a, b, c, d := perm("a:read", "a:*"), perm("b:read", ""), perm("c:write", "c:*"), perm("d:read", "d:*")
	tests := []struct {
		name               string
		role, basic, prior []grafana.Permission
		want               []grafana.Permission
	}{
		{"new: what the basic role lacks", perms(a, b), perms(b, c), nil, perms(a)},
		{"new: everything held", perms(b), perms(b, c), nil, nil},
		{"steady state", perms(a, b), perms(a, b, c), perms(a), perms(a)},
		{"removed outside Terraform comes back", perms(a, b), perms(b, c), perms(a), perms(a)},
		{"default removed outside Terraform is taken over", perms(a, b), perms(c), perms(a), perms(a, b)},
		{"role gained a permission", perms(a, b, d), perms(a, b), perms(a), perms(a, d)},
		{"role lost a permission", perms(b), perms(a, b), perms(a), nil},
		{"duplicates collapse", perms(a, a), nil, perms(a, a), perms(a)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := plannedGrant(tt.role, tt.basic, tt.prior)
			if !grafana.PermissionsEqual(got, tt.want) {
				t.Errorf("plannedGrant = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRemovablePermissions(t *testing.T) {
	t.Parallel()
	p, q, s, x, d := perm("p:read", "p:*"), perm("q:read", ""), perm("s:read", "s:*"), perm("x:read", "x:*"), perm("d:read", "d:*")
	type roles = map[string][]grafana.Permission
	tests := []struct {
		name                     string
		basic, remove, explained []grafana.Permission
		others                   roles
		want                     []grafana.Permission
		kept                     roles
	}{
		{"no other role", perms(p, q, x), perms(p, q), perms(p, q), nil, perms(p, q), nil},
		{"overlapping assigned role keeps shared permission", perms(p, q, s, x), perms(p, q), perms(p, q), roles{"B": perms(p, s)}, perms(q), roles{"B": perms(p)}},
		// Issue 16: B is held in full only because of this grant, which
		// is no evidence that B is granted too.
		{"role contained in the removed grant protects nothing", perms(p, q, x), perms(p, q), perms(p, q), roles{"B": perms(p)}, perms(p, q), nil},
		{"role explained by the grant and the defaults protects nothing", perms(p, q, d), perms(p, q), perms(p, q, d), roles{"B": perms(p, d)}, perms(p, q), nil},
		{"role with a permission from elsewhere keeps it", perms(p, q, x), perms(p, q), perms(p, q), roles{"B": perms(p, x)}, perms(q), roles{"B": perms(p)}},
		{"dropping part of a grant: what it still owns explains", perms(p, q, x), perms(q), perms(p, q), roles{"B": perms(p, q)}, perms(q), nil},
		{"role not held in full protects nothing", perms(p, q, x), perms(p, q), perms(p, q), roles{"B": perms(p, s)}, perms(p, q), nil},
		{"empty role protects nothing", perms(p, q), perms(p), perms(p), roles{"B": nil}, perms(p), nil},
		{"only what the basic role holds", perms(q), perms(p, q), perms(p, q), nil, perms(q), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, kept := removablePermissions(tt.basic, tt.remove, tt.explained, tt.others)
			if !grafana.PermissionsEqual(got, tt.want) {
				t.Errorf("removablePermissions = %v, want %v", got, tt.want)
			}
			if len(kept) != len(tt.kept) {
				t.Fatalf("kept = %v, want %v", kept, tt.kept)
			}
			for uid, want := range tt.kept {
				if !grafana.PermissionsEqual(kept[uid], want) {
					t.Errorf("kept[%s] = %v, want %v", uid, kept[uid], want)
				}
			}
		})
	}
}

// fakeBasicRole serves GET and PUT of one role and enforces Grafana's
// version rule. outdated makes that many PUTs fail as if another client had
// written first.
type fakeBasicRole struct {
	mu       sync.Mutex
	role     grafana.Role
	outdated int
	puts     int
}

func (f *fakeBasicRole) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.URL.Path != "/api/access-control/roles/"+f.role.UID {
		http.NotFound(w, r)
		return
	}
	switch r.Method {
	case http.MethodGet:
		_ = json.NewEncoder(w).Encode(f.role)
	case http.MethodPut:
		var req grafana.UpdateRoleRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, `{"message":"bad body"}`, http.StatusBadRequest)
			return
		}
		f.puts++
		if f.outdated > 0 {
			f.outdated--
			f.role.Version++ // the other client's write
			w.WriteHeader(http.StatusBadRequest)
			_, _ = fmt.Fprint(w, `{"message":"outdated"}`)
			return
		}
		if req.Version <= f.role.Version {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = fmt.Fprint(w, `{"message":"outdated"}`)
			return
		}
		f.role.Version = req.Version
		f.role.Permissions = req.Permissions
		_ = json.NewEncoder(w).Encode(f.role)
	default:
		w.WriteHeader(http.StatusMethodNotAllowed)
	}
}

func newFakeBasicRoleClient(t *testing.T, f *fakeBasicRole) *grafana.Client {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	c, err := grafana.New(grafana.Config{URL: srv.URL, Auth: "admin:admin", Generation: grafana.Generation2})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestEditBasicRoleRetriesOutdatedVersion(t *testing.T) {
	t.Parallel()
	f := &fakeBasicRole{role: grafana.Role{UID: "basic_viewer", Name: "basic:viewer", Version: 3, Global: true}, outdated: 2}
	client := newFakeBasicRoleClient(t, f)
	calls := 0
	role, err := editBasicRole(context.Background(), client, "basic_viewer", func(_ context.Context, current []grafana.Permission) ([]grafana.Permission, error) {
		calls++
		return append(slices.Clone(current), perm("a:read", "")), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if calls != 3 || f.puts != 3 {
		t.Errorf("edit ran %d times with %d PUTs, want 3 and 3 (two lost races, then success)", calls, f.puts)
	}
	if role.Version != 6 || !grafana.PermissionsEqual(role.Permissions, perms(perm("a:read", ""))) {
		t.Errorf("stored role = %+v", role)
	}
}

func TestEditBasicRoleGivesUp(t *testing.T) {
	t.Parallel()
	f := &fakeBasicRole{role: grafana.Role{UID: "basic_editor", Name: "basic:editor", Version: 1}, outdated: 1000}
	client := newFakeBasicRoleClient(t, f)
	_, err := editBasicRole(context.Background(), client, "basic_editor", func(_ context.Context, current []grafana.Permission) ([]grafana.Permission, error) {
		return append(slices.Clone(current), perm("a:read", "")), nil
	})
	if !grafana.IsVersionOutdated(err) {
		t.Fatalf("err = %v, want a version-outdated error", err)
	}
	if f.puts != basicRoleWriteAttempts {
		t.Errorf("%d PUTs, want %d", f.puts, basicRoleWriteAttempts)
	}
}

func TestEditBasicRoleSkipsNoOp(t *testing.T) {
	t.Parallel()
	f := &fakeBasicRole{role: grafana.Role{UID: "basic_admin", Name: "basic:admin", Version: 1, Permissions: perms(perm("a:read", ""))}}
	client := newFakeBasicRoleClient(t, f)
	_, err := editBasicRole(context.Background(), client, "basic_admin", func(_ context.Context, current []grafana.Permission) ([]grafana.Permission, error) {
		return permissionsUnion(current, perms(perm("a:read", ""), perm("a:read", ""))), nil
	})
	if err != nil || f.puts != 0 {
		t.Errorf("err = %v, PUTs = %d; want no write", err, f.puts)
	}
}

// Concurrent writers of one provider never lose each other's changes and
// never need a retry: they are serialised.
func TestEditBasicRoleSerialisesWriters(t *testing.T) {
	t.Parallel()
	f := &fakeBasicRole{role: grafana.Role{UID: "basic_none", Name: "basic:none", Version: 1}}
	client := newFakeBasicRoleClient(t, f)
	const writers = 20
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := editBasicRole(context.Background(), client, "basic_none", func(_ context.Context, current []grafana.Permission) ([]grafana.Permission, error) {
				return permissionsUnion(current, perms(perm(fmt.Sprintf("w%d:read", i), ""))), nil
			})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if len(f.role.Permissions) != writers || f.puts != writers {
		t.Errorf("%d permissions after %d PUTs, want %d and %d", len(f.role.Permissions), f.puts, writers, writers)
	}
}

func TestLockBasicRoleHonoursContext(t *testing.T) {
	t.Parallel()
	client := newFakeBasicRoleClient(t, &fakeBasicRole{role: grafana.Role{UID: "basic_x"}})
	unlock, err := lockBasicRole(context.Background(), client, "basic_x")
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := lockBasicRole(ctx, client, "basic_x"); err == nil {
		t.Error("second lock taken while the first is held")
	}
}

func TestSharedWithCustomRoles(t *testing.T) {
	t.Parallel()
	p, q, d := perm("p:read", "p:*"), perm("q:read", ""), perm("d:read", "d:*")
	basic := perms(p, q, d)
	tests := []struct {
		name       string
		candidates []grafana.Permission
		custom     map[string][]grafana.Permission
		defaults   []grafana.Permission
		want       []grafana.Permission
	}{
		{"put there by another custom role", perms(p), map[string][]grafana.Permission{"A": perms(p, q)}, nil, perms(p)},
		{"also a default", perms(p, d), map[string][]grafana.Permission{"A": perms(p, d)}, perms(d), perms(p)},
		{"custom role not held in full", perms(p), map[string][]grafana.Permission{"A": perms(p, perm("x:read", ""))}, nil, nil},
		{"added by hand", perms(q), nil, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := sharedWithCustomRoles(tt.candidates, basic, tt.custom, tt.defaults)
			if !grafana.PermissionsEqual(got, tt.want) {
				t.Errorf("sharedWithCustomRoles = %v, want %v", got, tt.want)
			}
		})
	}
}

// Grafana's defaults come from its catalog for the fixed roles it lists,
// whether or not the basic role holds them in full; a fixed role it does not
// list counts as a default when held in full.
func TestDefaultPermissions(t *testing.T) {
	t.Parallel()
	explore, annotations, newer, newerPart := perm("datasources:explore", ""), perm("annotations:read", "annotations:type:*"), perm("new:read", ""), perm("new:write", "")
	names := map[string]string{"E": "fixed:datasources:explorer", "A": "fixed:annotations:reader", "N": "fixed:new:reader", "W": "fixed:new:writer"}
	fixed := map[string][]grafana.Permission{"E": perms(explore), "A": perms(annotations), "N": perms(newer), "W": perms(newer, newerPart)}
	tests := []struct {
		builtin string
		basic   []grafana.Permission
		want    []grafana.Permission
	}{
		// explore held in full by basic_viewer, put there by an assignment: not Viewer's default.
		{"Viewer", perms(explore, annotations, newer), perms(annotations, newer)},
		{"Editor", perms(explore, annotations), perms(explore, annotations)}, // Viewer's defaults hold for Editor
		{"Admin", nil, perms(explore, annotations)},
		{"Grafana Admin", perms(newer, newerPart), perms(newer, newerPart)},
		{"None", perms(explore), nil},
	}
	for _, tt := range tests {
		if got := defaultPermissions(tt.builtin, tt.basic, names, fixed); !grafana.PermissionsEqual(got, tt.want) {
			t.Errorf("defaultPermissions(%s) = %v, want %v", tt.builtin, got, tt.want)
		}
	}
}
