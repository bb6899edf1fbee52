package provider

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

// checksData is provider data whose caller holds held and is a server admin
// when admin; nothing is asked of a server.
func checksData(t *testing.T, mode string, held []grafana.Permission, admin bool) *providerData {
	t.Helper()
	data := &providerData{client: unreachableClient(t), orgID: 1, planChecks: mode}
	data.reads.seed(cacheKey{kind: cachePermissions, org: 1}, held)
	data.reads.seed(cacheKey{kind: cacheCurrentUser}, &grafana.User{ID: 2, Login: "sa-1-terraform", IsGrafanaAdmin: admin})
	return data
}

// A role permission without a scope needs only its action, held with any
// scope (contract rule 3): an org Admin holds datasources:read only on
// datasources:*, and may still create and assign a role granting it unscoped.
func TestDelegationCheckEmptyScope(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	held := []grafana.Permission{{Action: "datasources:read", Scope: "datasources:*"}, {Action: "roles:write", Scope: "permissions:type:delegate"}}
	data := checksData(t, planChecksError, held, false)
	tests := []struct {
		name    string
		perms   []grafana.Permission
		missing string // "" when delegable
	}{
		{"action held with a scope", []grafana.Permission{{Action: "datasources:read"}}, ""},
		{"action not held", []grafana.Permission{{Action: "datasources:write"}}, "datasources:write (no scope)"},
		{"scope not covered", []grafana.Permission{{Action: "datasources:read", Scope: "teams:*"}}, "datasources:read (teams:*)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var assign diag.Diagnostics
			checkDelegable(ctx, data.checker(&assign), 1, &grafana.Role{Name: "custom:x", Permissions: tt.perms})
			var create diag.Diagnostics
			r := &customRoleResource{data: data}
			r.checkDelegation(ctx, data.checker(&create), customRoleModel{OrgID: types.Int64Value(1), Permissions: permissionsToSet(tt.perms)}, nil)
			for what, diags := range map[string]diag.Diagnostics{"assign": assign, "create": create} {
				if tt.missing == "" {
					if len(diags) != 0 {
						t.Errorf("%s: %v", what, diags)
					}
					continue
				}
				if diags.ErrorsCount() != 1 || !strings.Contains(diags[0].Detail(), tt.missing) {
					t.Errorf("%s: want one error naming %s, got %v", what, tt.missing, diags)
				}
			}
		})
	}
}

// Each refusal resting on the credentials' rights follows plan_checks: an
// error naming the setting, a warning, or nothing (and no request).
func TestPlanChecksModes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	role := &grafana.Role{Name: "custom:x", Permissions: []grafana.Permission{{Action: "reports:write", Scope: "reports:*"}}}
	checks := map[string]func(checker){
		"delegation":   func(c checker) { checkDelegable(ctx, c, 1, role) },
		"server admin": func(c checker) { checkServerAdmin(ctx, c, path.Root("builtin_role"), needBasicRoleWrite) },
	}
	for name, check := range checks {
		for _, mode := range []string{"", planChecksError, planChecksWarn, planChecksOff} {
			t.Run(name+" "+mode, func(t *testing.T) {
				data := checksData(t, mode, nil, false)
				if mode == planChecksOff {
					data = &providerData{client: unreachableClient(t), orgID: 1, planChecks: mode} // a request would fail
				}
				var diags diag.Diagnostics
				check(data.checker(&diags))
				switch mode {
				case planChecksOff:
					if len(diags) != 0 {
						t.Fatalf("off: %v", diags)
					}
				case planChecksWarn:
					if diags.ErrorsCount() != 0 || diags.WarningsCount() != 1 || !strings.Contains(diags[0].Detail(), `plan_checks = "warn"`) {
						t.Fatalf("warn: %v", diags)
					}
				default:
					if diags.ErrorsCount() != 1 {
						t.Fatalf("error: %v", diags)
					}
					for _, s := range []string{`plan_checks = "warn"`, envPlanChecks} {
						if !strings.Contains(diags[0].Detail(), s) {
							t.Errorf("the refusal does not name %s: %q", s, diags[0].Detail())
						}
					}
				}
			})
		}
	}
}

func TestServerAdminCheck(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var diags diag.Diagnostics
	checkServerAdmin(ctx, checksData(t, planChecksError, nil, true).checker(&diags), path.Root("global"), needGlobalRole)
	if len(diags) != 0 {
		t.Errorf("server admin: %v", diags)
	}
	diags = nil
	checkServerAdmin(ctx, checksData(t, planChecksError, nil, false).checker(&diags), path.Root("global"), needGlobalRole)
	if diags.ErrorsCount() != 1 || diags[0].Summary() != "Needs a Grafana server admin" || !strings.HasPrefix(diags[0].Detail(), needGlobalRole+" needs a Grafana server admin") {
		t.Errorf("not a server admin: %v", diags)
	}
	if wp, ok := diags[0].(diag.DiagnosticWithPath); !ok || !wp.Path().Equal(path.Root("global")) {
		t.Errorf("the refusal is not on global: %v", diags[0])
	}
	// GET /api/user unanswered: the plan goes on, and says it did not check.
	diags = nil
	unread := &providerData{client: unreachableClient(t), orgID: 1}
	checkServerAdmin(ctx, unread.checker(&diags), path.Root("global"), needGlobalRole)
	if diags.ErrorsCount() != 0 || diags.WarningsCount() != 1 || diags[0].Summary() != "Server admin not checked" {
		t.Errorf("unread: %v", diags)
	}
}

// Where GET /api/user answers a service account 404 (Grafana before 12), a
// token is taken for no server admin; user:password is not checked.
func TestServerAdminCheckOn404(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"message":"user not found"}`))
	}))
	t.Cleanup(srv.Close)
	for auth, want := range map[string]string{"glsa_token_1234": "Needs a Grafana server admin", "admin:secret": "Server admin not checked"} {
		client, err := grafana.New(grafana.Config{URL: srv.URL, Auth: auth})
		if err != nil {
			t.Fatal(err)
		}
		var diags diag.Diagnostics
		checkServerAdmin(context.Background(), (&providerData{client: client, orgID: 1}).checker(&diags), path.Root("global"), needGlobalRole)
		if len(diags) != 1 || diags[0].Summary() != want {
			t.Errorf("%s: want %q, got %v", auth[:5], want, diags)
		}
	}
}

// A 403 at apply carries what the checks find, in every plan_checks mode;
// other errors stay as they are.
func TestExplainForbidden(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	forbidden := &grafana.APIError{Method: "PUT", Path: "/api/access-control/roles/basic_viewer", StatusCode: 403, Message: "Forbidden"}
	check := func(c checker) { checkServerAdmin(ctx, c, path.Root("builtin_role"), needBasicRoleWrite) }
	for _, mode := range planChecksModes {
		err := checksData(t, mode, nil, false).explainForbidden(forbidden, check)
		if !grafana.IsForbidden(err) || !strings.Contains(err.Error(), "What was needed: Needs a Grafana server admin: "+needBasicRoleWrite) {
			t.Errorf("%s: %v", mode, err)
		}
		if strings.Contains(err.Error(), "plan_checks") {
			t.Errorf("%s: the apply's explanation names plan_checks: %v", mode, err)
		}
	}
	// The explanation replaces the generic hints of a 403.
	var diags diag.Diagnostics
	assignmentAPIError(&diags, `grant role "r1" to built-in role "Viewer"`, checksData(t, planChecksWarn, nil, false).explainForbidden(forbidden, check))
	if d := diags[0].Detail(); !strings.Contains(d, "What was needed") || strings.Contains(d, serverAdminHint) {
		t.Errorf("explained 403: %q", d)
	}
	if err := checksData(t, planChecksWarn, nil, true).explainForbidden(forbidden, check); err != forbidden {
		t.Errorf("nothing found: %v", err)
	}
	other := errors.New("boom")
	if err := checksData(t, planChecksWarn, nil, false).explainForbidden(other, check); err != other {
		t.Errorf("not a 403: %v", err)
	}
}

func TestPlanChecksSetting(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	base := map[string]string{envURL: "http://127.0.0.1:3000", envAuth: "admin:admin"}
	tests := []struct {
		name   string
		config types.String
		env    string
		want   string // plan_checks resolved; "" when refused
	}{
		{"default", types.StringNull(), "", planChecksError},
		{"config", types.StringValue(planChecksWarn), "", planChecksWarn},
		{"environment", types.StringNull(), planChecksOff, planChecksOff},
		{"config wins", types.StringValue(planChecksError), planChecksOff, planChecksError},
		{"bad environment", types.StringNull(), "never", ""},
		{"bad config", types.StringValue("Warn"), "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			getenv := func(k string) string {
				if k == envPlanChecks {
					return tt.env
				}
				return base[k]
			}
			var diags diag.Diagnostics
			s := resolveSettings(ctx, providerModel{PlanChecks: tt.config}, getenv, &diags)
			if tt.want != "" {
				if diags.HasError() || s.planChecks != tt.want {
					t.Fatalf("plan_checks = %q, diagnostics %v; want %q", s.planChecks, diags, tt.want)
				}
				return
			}
			if diags.ErrorsCount() != 1 {
				t.Fatalf("want one error, got %v", diags)
			}
			d := diags[0]
			if wp, ok := d.(diag.DiagnosticWithPath); !ok || !wp.Path().Equal(path.Root("plan_checks")) {
				t.Errorf("not on plan_checks: %v", d)
			}
			if !strings.Contains(d.Detail(), "plan_checks must be one of error, warn, off") {
				t.Errorf("detail = %q", d.Detail())
			}
			if tt.config.IsNull() && !strings.Contains(d.Detail(), envPlanChecks) {
				t.Errorf("does not name %s: %q", envPlanChecks, d.Detail())
			}
		})
	}
}

// GET /api/user is asked once per run, whatever the organization.
func TestCallerIsServerAdminAsksOnce(t *testing.T) {
	t.Parallel()
	f, client := newFakeGrafana(t)
	data := &providerData{client: client, orgID: 1}
	ctx := context.Background()
	for range 3 {
		if _, err := data.callerIsServerAdmin(ctx); !grafana.IsNotFound(err) {
			t.Fatalf("want the fake's 404, got %v", err)
		}
	}
	var diags diag.Diagnostics
	checkAssignmentRights(ctx, data.checker(&diags), "r1", 2, true)
	if n := f.requests("/api/user"); n != 1 {
		t.Errorf("GET /api/user made %d times, want 1", n)
	}
}
