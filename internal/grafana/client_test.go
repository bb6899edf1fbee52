package grafana

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// seen is one request as the fake server received it.
type seen struct {
	Method, Path, RawPath, Query string
	Header                       http.Header
	Body                         string
}

// fake is an httptest server whose answers a test scripts; it records
// every request.
type fake struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []seen
}

func newFake(t *testing.T, h func(w http.ResponseWriter, r *http.Request, n int)) *fake {
	t.Helper()
	f := &fake{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.reqs = append(f.reqs, seen{r.Method, r.URL.Path, r.URL.EscapedPath(), r.URL.RawQuery, r.Header.Clone(), string(b)})
		n := len(f.reqs)
		f.mu.Unlock()
		h(w, r, n)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fake) requests() []seen {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.reqs)
}

func (f *fake) count() int { return len(f.requests()) }

func jsonAnswer(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// fastRetries keeps retry tests quick.
func newTestClient(t *testing.T, url string, mod func(*Config)) *Client {
	t.Helper()
	cfg := Config{URL: url, Auth: "admin:admin", RetryWait: time.Millisecond, RetryWaitMax: 5 * time.Millisecond}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// logRecorder collects Logf calls.
type logRecorder struct {
	mu     sync.Mutex
	fields []map[string]any
}

func (l *logRecorder) logf(_ context.Context, _ string, f map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.fields = append(l.fields, f)
}

func (l *logRecorder) all() []map[string]any {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.fields)
}

// Compile-time pin of the surface the provider codes against.
var (
	_ func(Config) (*Client, error)                                            = New
	_ func(*Client, int64) *Client                                             = (*Client).WithOrg
	_ func(*Client) int64                                                      = (*Client).OrgID
	_ func(*Client) string                                                     = (*Client).URL
	_ func(*Client, context.Context) (Generation, error)                       = (*Client).Generation
	_ func(*Client, context.Context) (*Health, error)                          = (*Client).Health
	_ func(*Client, context.Context) (bool, error)                             = (*Client).Status
	_ func(*Client, context.Context, ListRolesOptions) ([]Role, error)         = (*Client).ListRoles
	_ func(*Client, context.Context, string) (*Role, error)                    = (*Client).GetRole
	_ func(*Client, context.Context, CreateRoleRequest) (*Role, error)         = (*Client).CreateRole
	_ func(*Client, context.Context, string, UpdateRoleRequest) (*Role, error) = (*Client).UpdateRole
	_ func(*Client, context.Context, string, DeleteRoleOptions) error          = (*Client).DeleteRole
	_ func(*Client, context.Context, bool) (map[string][]Role, error)          = (*Client).ListBuiltinRoleAssignments
	_ func(*Client, context.Context, string, string, bool) error               = (*Client).AddBuiltinRoleAssignment
	_ func(*Client, context.Context, string, string, bool) error               = (*Client).RemoveBuiltinRoleAssignment
	_ func(*Client, context.Context, int64, bool) ([]Role, error)              = (*Client).ListTeamRoles
	_ func(*Client, context.Context, int64, string) error                      = (*Client).AddTeamRole
	_ func(*Client, context.Context, int64, []string, bool) error              = (*Client).SetTeamRoles
	_ func(*Client, context.Context, int64, string) error                      = (*Client).RemoveTeamRole
	_ func(*Client, context.Context, int64, bool) ([]Role, error)              = (*Client).ListUserRoles
	_ func(*Client, context.Context, int64, string, bool) error                = (*Client).AddUserRole
	_ func(*Client, context.Context, int64, []string, bool, bool) error        = (*Client).SetUserRoles
	_ func(*Client, context.Context, int64, string, bool) error                = (*Client).RemoveUserRole
	_ func(*Client, context.Context, []int64, bool) (map[int64][]Role, error)  = (*Client).SearchTeamRoles
	_ func(*Client, context.Context, []int64, bool) (map[int64][]Role, error)  = (*Client).SearchUserRoles
	_ func(*Client, context.Context, string) (*RoleAssignments, error)         = (*Client).GetRoleAssignments
	_ func(*Client, context.Context, int64) ([]Permission, error)              = (*Client).GetUserPermissions
	_ func(*Client, context.Context) ([]Permission, error)                     = (*Client).GetCurrentUserPermissions
	_ func(*Client, context.Context) error                                     = (*Client).HardReset
	_ func(*Client, context.Context, string, string) (int64, error)            = (*Client).CreateTeam
	_ func(*Client, context.Context, int64) (*Team, error)                     = (*Client).GetTeam
	_ func(*Client, context.Context, string) ([]Team, error)                   = (*Client).SearchTeams
	_ func(*Client, context.Context, int64) error                              = (*Client).DeleteTeam
	_ func(*Client, context.Context, CreateUserRequest) (int64, error)         = (*Client).CreateUser
	_ func(*Client, context.Context, string) (*User, error)                    = (*Client).LookupUser
	_ func(*Client, context.Context, int64) error                              = (*Client).DeleteUser
	_ func(*Client, context.Context, int64, string) error                      = (*Client).SetOrgUserRole
	_ func(*Client, context.Context, string) (int64, error)                    = (*Client).CreateOrg
	_ func(*Client, context.Context, int64, string, string) error              = (*Client).AddOrgUser
	_ func(*Client, context.Context, string, string) (*ServiceAccount, error)  = (*Client).CreateServiceAccount
	_ func(*Client, context.Context, int64, string) (string, error)            = (*Client).CreateServiceAccountToken
	_ func(*Client, context.Context, int64) error                              = (*Client).DeleteServiceAccount
	_ func(error) bool                                                         = IsNotFound
	_ func(error) bool                                                         = IsConflict
	_ func(error) bool                                                         = IsVersionOutdated
	_ func(error) bool                                                         = IsForbidden
	_ func(error) bool                                                         = IsUnauthorized
	_ func(error) bool                                                         = IsBadRequest
	_ func(context.Context, string, map[string]any)                            = Config{}.Logf
	_ error                                                                    = &APIError{}
)

func TestNewValidatesConfig(t *testing.T) {
	bad := []struct {
		name string
		cfg  Config
	}{
		{"empty url", Config{}},
		{"scheme", Config{URL: "ftp://grafana"}},
		{"no host", Config{URL: "http://"}},
		{"unparsable", Config{URL: "http://[::1"}},
		{"credentials in url", Config{URL: "http://admin:s3cr3tpw@grafana:3000"}},
		{"negative retries", Config{URL: "http://grafana", Retries: -1}},
		{"negative org", Config{URL: "http://grafana", OrgID: -2}},
		{"unknown generation", Config{URL: "http://grafana", Generation: 7}},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg)
			if err == nil {
				t.Fatal("no error")
			}
			if strings.Contains(err.Error(), "s3cr3tpw") {
				t.Fatalf("error leaks the password: %v", err)
			}
		})
	}

	c, err := New(Config{URL: "https://grafana.example.com/sub/"})
	if err != nil {
		t.Fatal(err)
	}
	if c.OrgID() != 1 {
		t.Errorf("default org = %d", c.OrgID())
	}
	if c.URL() != "https://grafana.example.com/sub" {
		t.Errorf("URL() = %q", c.URL())
	}
	if w := c.WithOrg(5); w.OrgID() != 5 || c.OrgID() != 1 || w.URL() != c.URL() {
		t.Errorf("WithOrg: %d / %d", w.OrgID(), c.OrgID())
	}
}

func TestAuthModesAndHeaders(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) { jsonAnswer(w, 200, `{}`) })
	ctx := context.Background()

	basic := newTestClient(t, f.URL, func(c *Config) {
		c.Auth = "admin:pa:ss" // only the first colon separates
		c.Headers = map[string]string{"X-Extra": "extra-value"}
	})
	if _, err := basic.Health(ctx); err != nil {
		t.Fatal(err)
	}
	bearer := newTestClient(t, f.URL, func(c *Config) { c.Auth = "glsa_token_abc"; c.UserAgent = "custom/1.0"; c.OrgID = 4 })
	if _, err := bearer.Health(ctx); err != nil {
		t.Fatal(err)
	}
	anon := newTestClient(t, f.URL, func(c *Config) { c.Auth = "" })
	if _, err := anon.WithOrg(9).Health(ctx); err != nil {
		t.Fatal(err)
	}

	reqs := f.requests()
	r := &http.Request{Header: reqs[0].Header}
	if u, pw, ok := r.BasicAuth(); !ok || u != "admin" || pw != "pa:ss" {
		t.Errorf("basic auth = %q %q %v", u, pw, ok)
	}
	if got := reqs[0].Header.Get("X-Extra"); got != "extra-value" {
		t.Errorf("extra header = %q", got)
	}
	if got := reqs[0].Header.Get("X-Grafana-Org-Id"); got != "1" {
		t.Errorf("default org header = %q", got)
	}
	if got := reqs[0].Header.Get("User-Agent"); got != defaultUserAgent {
		t.Errorf("user agent = %q", got)
	}
	if got := reqs[1].Header.Get("Authorization"); got != "Bearer glsa_token_abc" {
		t.Errorf("bearer = %q", got)
	}
	if got := reqs[1].Header.Get("X-Grafana-Org-Id"); got != "4" {
		t.Errorf("org header = %q", got)
	}
	if got := reqs[1].Header.Get("User-Agent"); got != "custom/1.0" {
		t.Errorf("user agent = %q", got)
	}
	if got := reqs[2].Header.Get("Authorization"); got != "" {
		t.Errorf("anonymous sent %q", got)
	}
	if got := reqs[2].Header.Get("X-Grafana-Org-Id"); got != "9" {
		t.Errorf("WithOrg header = %q", got)
	}
}

func TestRequestShapes(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		switch {
		case r.URL.Path == "/api/access-control/roles" && r.Method == http.MethodPost:
			jsonAnswer(w, 201, `{"uid":"u1"}`)
		case strings.HasSuffix(r.URL.Path, "/tokens"):
			jsonAnswer(w, 200, `{"id":1,"name":"t","key":"glsa_x"}`)
		case strings.HasSuffix(r.URL.Path, "/search") || strings.HasSuffix(r.URL.Path, "/builtin-roles") && r.Method == http.MethodGet,
			r.URL.Path == "/api/access-control/user/permissions":
			jsonAnswer(w, 200, `{}`)
		case strings.HasSuffix(r.URL.Path, "/permissions") || strings.HasSuffix(r.URL.Path, "/roles") && r.Method == http.MethodGet:
			jsonAnswer(w, 200, `[]`)
		default:
			// A uid for GetRole, which refuses an answer without one.
			jsonAnswer(w, 200, `{"message":"ok","uid":"u1"}`)
		}
	})
	c := newTestClient(t, f.URL, nil)
	ctx := context.Background()
	type want struct{ method, path, query, body string }
	steps := []struct {
		call func() error
		want want
	}{
		{func() error { _, err := c.Status(ctx); return err }, want{"GET", "/api/access-control/status", "", ""}},
		{func() error { _, err := c.ListRoles(ctx, ListRolesOptions{}); return err }, want{"GET", "/api/access-control/roles", "", ""}},
		{func() error {
			_, err := c.ListRoles(ctx, ListRolesOptions{IncludeHidden: true, Delegatable: true})
			return err
		}, want{"GET", "/api/access-control/roles", "delegatable=true&includeHidden=true", ""}},
		{func() error { _, err := c.GetRole(ctx, "a/b"); return err }, want{"GET", "/api/access-control/roles/a%2Fb", "", ""}},
		{func() error {
			_, err := c.CreateRole(ctx, CreateRoleRequest{Name: "custom:x"})
			return err
		}, want{"POST", "/api/access-control/roles", "", `{"name":"custom:x","global":false,"hidden":false,"permissions":[]}`}},
		{func() error {
			_, err := c.UpdateRole(ctx, "u1", UpdateRoleRequest{Version: 2, Name: "custom:x", Permissions: []Permission{{Action: "a", Scope: ""}}})
			return err
		}, want{"PUT", "/api/access-control/roles/u1", "", `{"version":2,"name":"custom:x","global":false,"hidden":false,"permissions":[{"action":"a","scope":""}]}`}},
		{func() error { return c.DeleteRole(ctx, "u1", DeleteRoleOptions{}) }, want{"DELETE", "/api/access-control/roles/u1", "", ""}},
		{func() error { return c.DeleteRole(ctx, "u1", DeleteRoleOptions{Force: true, Global: true}) }, want{"DELETE", "/api/access-control/roles/u1", "force=true&global=true", ""}},
		{func() error { _, err := c.ListBuiltinRoleAssignments(ctx, true); return err }, want{"GET", "/api/access-control/builtin-roles", "includeHidden=true", ""}},
		{func() error { return c.AddBuiltinRoleAssignment(ctx, "Grafana Admin", "u1", true) }, want{"POST", "/api/access-control/builtin-roles", "", `{"roleUid":"u1","builtInRole":"Grafana Admin","global":true}`}},
		{func() error { return c.RemoveBuiltinRoleAssignment(ctx, "Grafana Admin", "u1", true) }, want{"DELETE", "/api/access-control/builtin-roles/Grafana%20Admin/roles/u1", "global=true", ""}},
		{func() error { _, err := c.ListTeamRoles(ctx, 3, false); return err }, want{"GET", "/api/access-control/teams/3/roles", "", ""}},
		{func() error { return c.AddTeamRole(ctx, 3, "u1") }, want{"POST", "/api/access-control/teams/3/roles", "", `{"roleUid":"u1"}`}},
		{func() error { return c.SetTeamRoles(ctx, 3, nil, true) }, want{"PUT", "/api/access-control/teams/3/roles", "", `{"roleUids":[],"includeHidden":true}`}},
		{func() error { return c.RemoveTeamRole(ctx, 3, "u1") }, want{"DELETE", "/api/access-control/teams/3/roles/u1", "", ""}},
		{func() error { _, err := c.ListUserRoles(ctx, 7, true); return err }, want{"GET", "/api/access-control/users/7/roles", "includeHidden=true", ""}},
		{func() error { return c.AddUserRole(ctx, 7, "u1", true) }, want{"POST", "/api/access-control/users/7/roles", "", `{"roleUid":"u1","global":true}`}},
		{func() error { return c.SetUserRoles(ctx, 7, []string{"a", "b"}, false, true) }, want{"PUT", "/api/access-control/users/7/roles", "", `{"roleUids":["a","b"],"global":false,"includeHidden":true}`}},
		{func() error { return c.RemoveUserRole(ctx, 7, "u1", true) }, want{"DELETE", "/api/access-control/users/7/roles/u1", "global=true", ""}},
		{func() error { _, err := c.SearchTeamRoles(ctx, []int64{1, 2}, false); return err }, want{"POST", "/api/access-control/teams/roles/search", "", `{"teamIds":[1,2],"includeHidden":false}`}},
		{func() error { _, err := c.SearchUserRoles(ctx, nil, true); return err }, want{"POST", "/api/access-control/users/roles/search", "", `{"userIds":[],"includeHidden":true}`}},
		{func() error { _, err := c.GetRoleAssignments(ctx, "u1"); return err }, want{"GET", "/api/access-control/roles/u1/assignments", "", ""}},
		{func() error { _, err := c.GetUserPermissions(ctx, 7); return err }, want{"GET", "/api/access-control/users/7/permissions", "", ""}},
		{func() error { _, err := c.GetCurrentUserPermissions(ctx); return err }, want{"GET", "/api/access-control/user/permissions", "", ""}},
		{func() error { return c.HardReset(ctx) }, want{"POST", "/api/access-control/roles/hard-reset", "", `{"BasicRoles":true}`}},
		{func() error { _, err := c.CreateTeam(ctx, "t", "t@x"); return err }, want{"POST", "/api/teams", "", `{"name":"t","email":"t@x"}`}},
		{func() error { _, err := c.GetTeam(ctx, 3); return err }, want{"GET", "/api/teams/3", "", ""}},
		{func() error { _, err := c.SearchTeams(ctx, "a b"); return err }, want{"GET", "/api/teams/search", "name=a+b", ""}},
		{func() error { return c.DeleteTeam(ctx, 3) }, want{"DELETE", "/api/teams/3", "", ""}},
		{func() error {
			_, err := c.CreateUser(ctx, CreateUserRequest{Login: "l", Password: "pw", OrgID: 2})
			return err
		}, want{"POST", "/api/admin/users", "", `{"login":"l","password":"pw","orgId":2}`}},
		{func() error { _, err := c.LookupUser(ctx, "a@b"); return err }, want{"GET", "/api/users/lookup", "loginOrEmail=a%40b", ""}},
		{func() error { return c.DeleteUser(ctx, 7) }, want{"DELETE", "/api/admin/users/7", "", ""}},
		{func() error { return c.SetOrgUserRole(ctx, 7, "Editor") }, want{"PATCH", "/api/org/users/7", "", `{"role":"Editor"}`}},
		{func() error { _, err := c.CreateOrg(ctx, "o"); return err }, want{"POST", "/api/orgs", "", `{"name":"o"}`}},
		{func() error { return c.AddOrgUser(ctx, 2, "l", "Viewer") }, want{"POST", "/api/orgs/2/users", "", `{"loginOrEmail":"l","role":"Viewer"}`}},
		{func() error { _, err := c.CreateServiceAccount(ctx, "sa", "Admin"); return err }, want{"POST", "/api/serviceaccounts", "", `{"name":"sa","role":"Admin"}`}},
		{func() error { _, err := c.CreateServiceAccountToken(ctx, 5, "tok"); return err }, want{"POST", "/api/serviceaccounts/5/tokens", "", `{"name":"tok"}`}},
		{func() error { return c.DeleteServiceAccount(ctx, 5) }, want{"DELETE", "/api/serviceaccounts/5", "", ""}},
	}
	for i, s := range steps {
		if err := s.call(); err != nil {
			t.Fatalf("step %d (%s %s): %v", i, s.want.method, s.want.path, err)
		}
		reqs := f.requests()
		got := reqs[len(reqs)-1]
		if got.Method != s.want.method || got.RawPath != s.want.path || got.Query != s.want.query || got.Body != s.want.body {
			t.Errorf("step %d:\n got %s %s ?%s %s\nwant %s %s ?%s %s", i,
				got.Method, got.RawPath, got.Query, got.Body, s.want.method, s.want.path, s.want.query, s.want.body)
		}
		if s.want.body != "" && got.Header.Get("Content-Type") != "application/json" {
			t.Errorf("step %d: content type %q", i, got.Header.Get("Content-Type"))
		}
	}
	if len(f.requests()) != len(steps) {
		t.Errorf("%d requests for %d calls", len(f.requests()), len(steps))
	}

	for _, call := range []func() error{
		func() error { _, err := c.GetRole(ctx, ""); return err },
		func() error { _, err := c.UpdateRole(ctx, "", UpdateRoleRequest{}); return err },
		func() error { return c.DeleteRole(ctx, "", DeleteRoleOptions{}) },
		func() error { _, err := c.GetRoleAssignments(ctx, ""); return err },
		func() error { return c.RemoveTeamRole(ctx, 1, "") },
		func() error { return c.RemoveUserRole(ctx, 1, "", false) },
		func() error { return c.RemoveBuiltinRoleAssignment(ctx, "Viewer", "", false) },
	} {
		if err := call(); !errors.Is(err, errEmptyUID) {
			t.Errorf("empty uid: %v", err)
		}
	}
}

func TestDecodingIsTolerant(t *testing.T) {
	answers := map[string]string{
		"GET /api/access-control/roles/r1": `{"version":3,"uid":"r1","name":"custom:a","description":null,"group":null,
			"global":true,"hidden":null,"unknownField":{"x":[1,2]},"delegatable":true,
			"permissions":[{"action":"b","scope":"s","created":"2021-05-13T23:19:46+02:00"},{"action":"a"}]}`,
		"GET /api/access-control/roles/r2":            `{"uid":"r2","permissions":null}`,
		"GET /api/access-control/roles":               `null`,
		"GET /api/access-control/teams/1/roles":       `[{"uid":"x","name":"n"}]`,
		"GET /api/access-control/builtin-roles":       `{"Viewer":[{"uid":"v"}],"Grafana Admin":null}`,
		"POST /api/access-control/teams/roles/search": `{"1":[{"uid":"a"}],"22":[],"3":null}`,
		"POST /api/access-control/users/roles/search": `{"notanid":[]}`,
		"GET /api/access-control/user/permissions": `{"users:read":["users:*","users:id:1","users:*"],"reports:create":[],
			"a:b":null,"teams:read":[""]}`,
		"GET /api/access-control/users/4/permissions":  `[{"action":"z","scope":"1"},{"action":"a","scope":""},{"action":"z","scope":"1"}]`,
		"GET /api/access-control/roles/r1/assignments": `{"role_uid":"r1","users":[1],"teams":null}`,
		"GET /api/access-control/status":               `{"enabled":true}`,
		"POST /api/orgs":                               `{"orgId":"12","message":"Organization created"}`,
		"POST /api/teams":                              `{"teamId":5,"uid":"abc"}`,
		"POST /api/admin/users":                        `{"id":9,"message":"User created"}`,
		"GET /api/teams/search":                        `{"totalCount":1,"teams":[{"id":5,"orgId":1,"name":"t","extra":1}],"page":1}`,
		"GET /api/health":                              `not json`,
	}
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		if body, ok := answers[r.Method+" "+r.URL.Path]; ok {
			jsonAnswer(w, 200, body)
			return
		}
		jsonAnswer(w, 404, `{"message":"nope"}`)
	})
	c := newTestClient(t, f.URL, nil)
	ctx := context.Background()

	r1, err := c.GetRole(ctx, "r1")
	if err != nil {
		t.Fatal(err)
	}
	if r1.Version != 3 || !r1.Global || r1.Hidden || r1.Delegatable == nil || !*r1.Delegatable || len(r1.Permissions) != 2 ||
		r1.Permissions[1] != (Permission{Action: "a"}) {
		t.Errorf("r1 = %+v", r1)
	}
	if r2, err := c.GetRole(ctx, "r2"); err != nil || r2.Permissions != nil || r2.Name != "" {
		t.Errorf("r2 = %+v, %v", r2, err)
	}
	if roles, err := c.ListRoles(ctx, ListRolesOptions{}); err != nil || roles != nil {
		t.Errorf("null list = %v, %v", roles, err)
	}
	if roles, err := c.ListTeamRoles(ctx, 1, false); err != nil || len(roles) != 1 || roles[0].Permissions != nil {
		t.Errorf("team roles = %v, %v", roles, err)
	}
	if m, err := c.ListBuiltinRoleAssignments(ctx, false); err != nil || len(m["Viewer"]) != 1 || m["Grafana Admin"] != nil {
		t.Errorf("builtin = %v, %v", m, err)
	}
	if m, err := c.SearchTeamRoles(ctx, []int64{1, 22, 3}, false); err != nil || len(m) != 3 || m[1][0].UID != "a" {
		t.Errorf("search = %v, %v", m, err)
	}
	if _, err := c.SearchUserRoles(ctx, []int64{1}, false); err == nil || !strings.Contains(err.Error(), "notanid") {
		t.Errorf("bad key: %v", err)
	}
	perms, err := c.GetCurrentUserPermissions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantPerms := []Permission{{"a:b", ""}, {"reports:create", ""}, {"teams:read", ""}, {"users:read", "users:*"}, {"users:read", "users:id:1"}}
	if !slices.Equal(perms, wantPerms) {
		t.Errorf("current user permissions = %v", perms)
	}
	if perms, err := c.GetUserPermissions(ctx, 4); err != nil || !slices.Equal(perms, []Permission{{"a", ""}, {"z", "1"}}) {
		t.Errorf("user permissions = %v, %v", perms, err)
	}
	if a, err := c.GetRoleAssignments(ctx, "r1"); err != nil || a.RoleUID != "r1" || !slices.Equal(a.Users, []int64{1}) || a.Teams != nil {
		t.Errorf("assignments = %+v, %v", a, err)
	}
	if ok, err := c.Status(ctx); !ok || err != nil {
		t.Errorf("status = %v, %v", ok, err)
	}
	if id, err := c.CreateOrg(ctx, "o"); id != 12 || err != nil {
		t.Errorf("org id as string = %d, %v", id, err)
	}
	if id, err := c.CreateTeam(ctx, "t", ""); id != 5 || err != nil {
		t.Errorf("team id = %d, %v", id, err)
	}
	if id, err := c.CreateUser(ctx, CreateUserRequest{Login: "u", Password: "p"}); id != 9 || err != nil {
		t.Errorf("user id = %d, %v", id, err)
	}
	if teams, err := c.SearchTeams(ctx, "t"); err != nil || len(teams) != 1 || teams[0].ID != 5 {
		t.Errorf("teams = %v, %v", teams, err)
	}
	// A 200 that is not JSON is an error, not a zero value.
	if _, err := c.Health(ctx); err == nil || err.Error() != "GET /api/health: the answer is not JSON" {
		t.Errorf("garbage 200: %v", err)
	}
	// A login page in front of Grafana answers with 200 too.
	page := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("\n<!DOCTYPE html><html><body>Sign in</body></html>"))
	})
	if _, err := newTestClient(t, page.URL, nil).GetRole(ctx, "x"); err == nil || !strings.Contains(err.Error(), "GET /api/access-control/roles/x: the answer is not JSON but an HTML page; is a proxy or a login page") {
		t.Errorf("HTML page with 200: %v", err)
	}
	// Valid JSON of the wrong shape is still a decoding error.
	wrong := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) { _, _ = w.Write([]byte(`{"version":"three"}`)) })
	if _, err := newTestClient(t, wrong.URL, nil).GetRole(ctx, "x"); err == nil || !strings.Contains(err.Error(), "decoding the answer") {
		t.Errorf("wrong shape: %v", err)
	}
	// An empty 200 where an object is expected is an error too.
	f3 := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) { w.WriteHeader(200) })
	if _, err := newTestClient(t, f3.URL, nil).GetRole(ctx, "x"); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("empty 200: %v", err)
	}
	if err := newTestClient(t, f3.URL, nil).DeleteRole(ctx, "x", DeleteRoleOptions{}); err != nil {
		t.Errorf("empty 200 to a delete: %v", err)
	}
	// Status on a Grafana without access control is "disabled", not an error.
	f2 := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) { jsonAnswer(w, 404, `{"message":"Not found"}`) })
	if ok, err := newTestClient(t, f2.URL, nil).Status(ctx); ok || err != nil {
		t.Errorf("status 404 = %v, %v", ok, err)
	}
}

func TestCreateRoleAccepts200And201(t *testing.T) {
	for _, status := range []int{200, 201} {
		f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			jsonAnswer(w, status, `{"uid":"new","name":"custom:x","version":1,"permissions":[{"action":"a","scope":"b"}]}`)
		})
		role, err := newTestClient(t, f.URL, nil).CreateRole(context.Background(), CreateRoleRequest{Name: "custom:x"})
		if err != nil || role.UID != "new" || len(role.Permissions) != 1 {
			t.Errorf("%d: %+v, %v", status, role, err)
		}
	}
}

func TestAPIErrorsAreTyped(t *testing.T) {
	status := 0
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		jsonAnswer(w, status, `{"message":"Role not found"}`)
	})
	c := newTestClient(t, f.URL, nil)
	ctx := context.Background()

	status = 404
	_, err := c.GetRole(ctx, "abc")
	if got, want := err.Error(), "GET /api/access-control/roles/abc: 404 Not Found: Role not found"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	var ae *APIError
	if !errors.As(err, &ae) || ae.StatusCode != 404 || ae.Message != "Role not found" || ae.Method != "GET" || ae.Path != "/api/access-control/roles/abc" {
		t.Errorf("APIError = %+v", ae)
	}

	preds := map[string]func(error) bool{
		"IsNotFound": IsNotFound, "IsConflict": IsConflict, "IsForbidden": IsForbidden,
		"IsUnauthorized": IsUnauthorized, "IsBadRequest": IsBadRequest, "IsVersionOutdated": IsVersionOutdated,
	}
	type call struct {
		name string
		fn   func() error
	}
	update := func(uid, name string, version int64) call {
		return call{fmt.Sprintf("update %s v%d", uid, version), func() error {
			_, err := c.UpdateRole(ctx, uid, UpdateRoleRequest{Name: name, Version: version})
			return err
		}}
	}
	create := call{"create", func() error { _, err := c.CreateRole(ctx, CreateRoleRequest{Name: "custom:x", Version: 3}); return err }}
	del := call{"delete", func() error { return c.DeleteRole(ctx, "x", DeleteRoleOptions{}) }}
	tests := []struct {
		status int
		c      call
		want   string // the only predicate that must hold
	}{
		{400, update("custom1", "custom:x", 4), "IsVersionOutdated"},
		{400, update("basic_viewer", "basic:viewer", 2), "IsVersionOutdated"}, // basic roles are versioned too
		{400, update("abc", "fixed:roles:reader", 4), ""},                     // a fixed role: refused, not outdated
		{400, update("fixed_abc", "", 4), ""},
		{400, update("custom1", "custom:x", 0), ""}, // no version sent, so not about the version
		{400, create, ""},
		{400, del, ""},
		{401, del, "IsUnauthorized"},
		{403, update("custom1", "custom:x", 4), "IsForbidden"},
		{404, update("custom1", "custom:x", 4), "IsNotFound"},
		{409, create, "IsConflict"},
	}
	for _, tt := range tests {
		status = tt.status
		err := tt.c.fn()
		if err == nil {
			t.Fatalf("%d %s: no error", tt.status, tt.c.name)
		}
		wrapped := fmt.Errorf("outer: %w", fmt.Errorf("inner: %w", err))
		for name, pred := range preds {
			want := name == tt.want || (name == "IsBadRequest" && tt.status == 400)
			if got := pred(wrapped); got != want {
				t.Errorf("%d %s: %s = %v, want %v", tt.status, tt.c.name, name, got, want)
			}
		}
	}
	for name, pred := range preds {
		if pred(nil) || pred(errors.New("404")) {
			t.Errorf("%s matches a non-API error", name)
		}
	}
}

func TestErrorBodiesThatAreNotJSON(t *testing.T) {
	html := "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title><style>body{}</style></head>\n<body>\n<h1>Bad   Gateway</h1>" +
		strings.Repeat("<p>The upstream server is unavailable. ünïcødé</p>\n", 200) + "</body></html>"
	bodies := []struct {
		name, ctype, body, wantPrefix string
	}{
		{"html", "text/html", html, "502 Bad Gateway"},
		{"plain", "text/plain", "  upstream connect error\n or disconnect  ", "upstream connect error or disconnect"},
		{"empty", "", "", ""},
		{"json error field", "application/json", `{"error":"boom"}`, "boom"},
		{"json without message", "application/json", `{"status":"x"}`, `{"status":"x"}`},
		{"binary", "application/octet-stream", "\x00\xff\xfe<\x01", "\x00"},
	}
	for _, b := range bodies {
		t.Run(b.name, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
				w.Header().Set("Content-Type", b.ctype)
				w.WriteHeader(http.StatusBadGateway)
				_, _ = io.WriteString(w, b.body)
			})
			_, err := newTestClient(t, f.URL, nil).GetRole(context.Background(), "x")
			var ae *APIError
			if !errors.As(err, &ae) || ae.StatusCode != 502 {
				t.Fatalf("err = %v", err)
			}
			if !strings.HasPrefix(ae.Message, b.wantPrefix) {
				t.Errorf("message = %q", ae.Message)
			}
			if len(ae.Message) > maxMessageLen+len("…") || strings.ContainsAny(ae.Message, "\n") || strings.Contains(ae.Message, "<p>") {
				t.Errorf("message not trimmed: %d bytes: %q", len(ae.Message), ae.Message)
			}
		})
	}
}

func TestSecretsNeverLeak(t *testing.T) {
	const password, token, headerValue = "Sup3rSecretPw", "glsa_SecretTokenValue_123", "HeaderSecretValue"
	// A hostile proxy echoes every request header into its error page.
	echo := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		var sb strings.Builder
		for k, v := range r.Header {
			fmt.Fprintf(&sb, "%s=%s ", k, strings.Join(v, ","))
		}
		jsonAnswer(w, 500, fmt.Sprintf(`{"message":%q}`, sb.String()))
	})
	refused := closedURL(t)
	for _, auth := range []string{"admin:" + password, token} {
		for _, url := range []string{echo.URL, refused} {
			logs := &logRecorder{}
			c := newTestClient(t, url, func(c *Config) {
				c.Auth = auth
				c.Headers = map[string]string{"X-Scope-OrgID": headerValue}
				c.Retries = 1
				c.Logf = logs.logf
			})
			_, err := c.GetRole(context.Background(), "x")
			if err == nil {
				t.Fatal("no error")
			}
			text := err.Error() + fmt.Sprintf("%+v %#v", err, err) + fmt.Sprint(logs.all())
			for _, secret := range []string{password, token, headerValue, "QWRtaW46U3VwM3JTZWNyZXRQdw", "YWRtaW46U3VwM3JTZWNyZXRQdw=="} {
				if strings.Contains(text, secret) {
					t.Errorf("secret %q leaked: %s", secret, text)
				}
			}
			if url == echo.URL && !strings.Contains(err.Error(), "[redacted]") {
				t.Errorf("echo not redacted: %v", err)
			}
			if len(logs.all()) != 2 {
				t.Errorf("%d log lines", len(logs.all()))
			}
		}
	}
}

// closedURL is an address where nothing listens.
func closedURL(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

func TestConnectionRefused(t *testing.T) {
	url := closedURL(t)
	logs := &logRecorder{}
	c := newTestClient(t, url, func(c *Config) { c.Retries = 2; c.Logf = logs.logf })
	_, err := c.ListRoles(context.Background(), ListRolesOptions{})
	if err == nil {
		t.Fatal("no error")
	}
	if !strings.HasPrefix(err.Error(), "cannot reach Grafana at "+url+": ") || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("error = %v", err)
	}
	if strings.Contains(err.Error(), "/api/access-control") {
		t.Errorf("error repeats the request URL: %v", err)
	}
	var ce *ConnectionError
	if !errors.As(err, &ce) || ce.URL != url || !IsConnectionError(err) || IsNotFound(err) {
		t.Errorf("not a ConnectionError: %#v", err)
	}
	var opErr *net.OpError
	if !errors.As(err, &opErr) {
		t.Errorf("cause not wrapped: %#v", err)
	}
	if n := len(logs.all()); n != 3 {
		t.Errorf("%d attempts, want 3", n)
	}
	// A create is not repeated even when the connection failed.
	logs.fields = nil
	if _, err := c.CreateRole(context.Background(), CreateRoleRequest{Name: "custom:x"}); !IsConnectionError(err) {
		t.Errorf("create: %v", err)
	}
	if n := len(logs.all()); n != 1 {
		t.Errorf("create: %d attempts", n)
	}
}

func TestTimeoutPerAttempt(t *testing.T) {
	release := make(chan struct{})
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}
		jsonAnswer(w, 200, `{"version":"12.3.0"}`)
	})
	defer close(release)
	c := newTestClient(t, f.URL, func(c *Config) { c.Timeout = 100 * time.Millisecond; c.Retries = 1 })
	h, err := c.Health(context.Background())
	if err != nil || h.Version != "12.3.0" {
		t.Fatalf("health after a slow first attempt: %+v, %v", h, err)
	}
	c0 := newTestClient(t, f.URL, func(c *Config) { c.Timeout = 100 * time.Millisecond })
	f.mu.Lock()
	f.reqs = nil
	f.mu.Unlock()
	_, err = c0.Health(context.Background())
	if !IsConnectionError(err) || !strings.Contains(err.Error(), "no answer within 100ms") {
		t.Errorf("timeout error = %v", err)
	}
}

func TestRetries(t *testing.T) {
	ctx := context.Background()
	t.Run("two 500s and a 429 then success, body resent", func(t *testing.T) {
		f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
			switch n {
			case 1, 2:
				jsonAnswer(w, 500, `{"message":"internal"}`)
			case 3:
				w.Header().Set("Retry-After", "0")
				jsonAnswer(w, 429, `{"message":"slow down"}`)
			default:
				jsonAnswer(w, 200, `{"uid":"r","version":5}`)
			}
		})
		c := newTestClient(t, f.URL, func(c *Config) { c.Retries = 3 })
		role, err := c.UpdateRole(ctx, "r", UpdateRoleRequest{Version: 5, Name: "custom:r", Permissions: []Permission{{"a", "b"}}})
		if err != nil || role.Version != 5 {
			t.Fatalf("%+v, %v", role, err)
		}
		reqs := f.requests()
		if len(reqs) != 4 {
			t.Fatalf("%d attempts", len(reqs))
		}
		for _, r := range reqs {
			if r.Body != reqs[0].Body || r.Body == "" || r.Header.Get("Authorization") == "" {
				t.Errorf("attempt differs: %+v", r)
			}
		}
	})
	t.Run("budget", func(t *testing.T) {
		for _, retries := range []int{0, 1, 4} {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) { jsonAnswer(w, 503, `{"message":"busy"}`) })
			_, err := newTestClient(t, f.URL, func(c *Config) { c.Retries = retries }).ListRoles(ctx, ListRolesOptions{})
			if statusOf(err) != 503 {
				t.Errorf("retries %d: %v", retries, err)
			}
			if f.count() != retries+1 {
				t.Errorf("retries %d: %d attempts", retries, f.count())
			}
		}
	})
	t.Run("4xx not retried", func(t *testing.T) {
		for _, status := range []int{400, 401, 403, 404, 409, 422, 501} {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) { jsonAnswer(w, status, `{"message":"no"}`) })
			_, err := newTestClient(t, f.URL, func(c *Config) { c.Retries = 3 }).GetRole(ctx, "x")
			if statusOf(err) != status || f.count() != 1 {
				t.Errorf("%d: %d attempts, %v", status, f.count(), err)
			}
		}
	})
	t.Run("only idempotent calls", func(t *testing.T) {
		f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) { jsonAnswer(w, 502, `{}`) })
		c := newTestClient(t, f.URL, func(c *Config) { c.Retries = 2 })
		calls := map[string]struct {
			fn    func() error
			retry bool
		}{
			"CreateRole":                {func() error { _, err := c.CreateRole(ctx, CreateRoleRequest{Name: "n"}); return err }, false},
			"CreateTeam":                {func() error { _, err := c.CreateTeam(ctx, "t", ""); return err }, false},
			"CreateUser":                {func() error { _, err := c.CreateUser(ctx, CreateUserRequest{Login: "l"}); return err }, false},
			"CreateOrg":                 {func() error { _, err := c.CreateOrg(ctx, "o"); return err }, false},
			"AddOrgUser":                {func() error { return c.AddOrgUser(ctx, 2, "l", "Viewer") }, false},
			"CreateServiceAccount":      {func() error { _, err := c.CreateServiceAccount(ctx, "s", "Admin"); return err }, false},
			"CreateServiceAccountToken": {func() error { _, err := c.CreateServiceAccountToken(ctx, 1, "t"); return err }, false},
			"AddTeamRole":               {func() error { return c.AddTeamRole(ctx, 1, "r") }, true},
			"AddUserRole":               {func() error { return c.AddUserRole(ctx, 1, "r", false) }, true},
			"AddBuiltinRoleAssignment":  {func() error { return c.AddBuiltinRoleAssignment(ctx, "Viewer", "r", false) }, true},
			"SearchTeamRoles":           {func() error { _, err := c.SearchTeamRoles(ctx, []int64{1}, false); return err }, true},
			"SearchUserRoles":           {func() error { _, err := c.SearchUserRoles(ctx, []int64{1}, false); return err }, true},
			"HardReset":                 {func() error { return c.HardReset(ctx) }, true},
			"SetTeamRoles":              {func() error { return c.SetTeamRoles(ctx, 1, nil, false) }, true},
			"DeleteRole":                {func() error { return c.DeleteRole(ctx, "r", DeleteRoleOptions{}) }, true},
			"SetOrgUserRole":            {func() error { return c.SetOrgUserRole(ctx, 1, "Viewer") }, true},
		}
		for name, call := range calls {
			before := f.count()
			if err := call.fn(); statusOf(err) != 502 {
				t.Errorf("%s: %v", name, err)
			}
			want := 1
			if call.retry {
				want = 3
			}
			if strings.HasPrefix(name, "Add") && name != "AddOrgUser" {
				want = 6 // then the assignments are read (three attempts), see addAssignment
			}
			if got := f.count() - before; got != want {
				t.Errorf("%s: %d attempts, want %d", name, got, want)
			}
		}
	})
	t.Run("Retry-After honoured", func(t *testing.T) {
		f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
			if n == 1 {
				w.Header().Set("Retry-After", "1")
				jsonAnswer(w, 429, `{}`)
				return
			}
			jsonAnswer(w, 200, `[]`)
		})
		c := newTestClient(t, f.URL, func(c *Config) { c.Retries = 1; c.RetryWaitMax = 5 * time.Second })
		start := time.Now()
		if _, err := c.ListRoles(ctx, ListRolesOptions{}); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d < time.Second {
			t.Errorf("retried after %v, before Retry-After", d)
		}
	})
	t.Run("Retry-After capped by RetryWaitMax", func(t *testing.T) {
		f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
			w.Header().Set("Retry-After", "3600")
			jsonAnswer(w, 429, `{"message":"rate limited"}`)
		})
		c := newTestClient(t, f.URL, func(c *Config) { c.Retries = 2; c.RetryWaitMax = 20 * time.Millisecond })
		start := time.Now()
		_, err := c.ListRoles(ctx, ListRolesOptions{})
		if statusOf(err) != 429 || f.count() != 3 {
			t.Errorf("%d attempts, %v", f.count(), err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("waited %v", d)
		}
	})
	t.Run("context cancelled while waiting", func(t *testing.T) {
		f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) { jsonAnswer(w, 500, `{"message":"down"}`) })
		c := newTestClient(t, f.URL, func(c *Config) { c.Retries = 5; c.RetryWait = time.Minute; c.RetryWaitMax = time.Minute })
		ctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := c.GetRole(ctx, "x")
		if !errors.Is(err, context.DeadlineExceeded) || statusOf(err) != 500 {
			t.Errorf("err = %v", err)
		}
		if d := time.Since(start); d > 5*time.Second || f.count() != 1 {
			t.Errorf("took %v, %d attempts", d, f.count())
		}
	})
	t.Run("context cancelled before the call", func(t *testing.T) {
		f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) { jsonAnswer(w, 200, `[]`) })
		ctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := newTestClient(t, f.URL, func(c *Config) { c.Retries = 3 }).ListRoles(ctx, ListRolesOptions{})
		if !errors.Is(err, context.Canceled) || IsConnectionError(err) || f.count() != 0 {
			t.Errorf("err = %v, %d requests", err, f.count())
		}
	})
}

func TestBackoff(t *testing.T) {
	im := &clientImpl{retryWait: 100 * time.Millisecond, retryWaitMax: time.Second}
	for attempt, base := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 3: 400 * time.Millisecond, 4: 800 * time.Millisecond, 5: time.Second, 40: time.Second} {
		for range 50 {
			d := im.backoff(attempt, 0, false)
			if d < base/2 || d > base {
				t.Fatalf("attempt %d: %v outside [%v, %v]", attempt, d, base/2, base)
			}
		}
	}
	if d := im.backoff(1, 3*time.Second, true); d != time.Second {
		t.Errorf("Retry-After not capped: %v", d)
	}
	if d := im.backoff(3, 0, true); d != 0 {
		t.Errorf("Retry-After 0: %v", d)
	}

	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for in, want := range map[string]time.Duration{
		"7": 7 * time.Second, " 0 ": 0, now.Add(90 * time.Second).Format(http.TimeFormat): 90 * time.Second,
		now.Add(-time.Hour).Format(http.TimeFormat): 0,
	} {
		if got, ok := parseRetryAfter(in, now); !ok || got != want {
			t.Errorf("parseRetryAfter(%q) = %v, %v", in, got, ok)
		}
	}
	for _, in := range []string{"", "-3", "soon"} {
		if _, ok := parseRetryAfter(in, now); ok {
			t.Errorf("parseRetryAfter(%q) accepted", in)
		}
	}
}

func TestGenerationProbe(t *testing.T) {
	ctx := context.Background()
	var answer atomic.Int32
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		switch r.URL.Path {
		case "/api/access-control/builtin-roles":
			jsonAnswer(w, int(answer.Load()), `{}`)
		case "/api/access-control/status":
			jsonAnswer(w, 200, `{"enabled":true}`)
		default:
			jsonAnswer(w, 404, `{}`)
		}
	})
	// A 404 is confirmed by the status route: two requests.
	for status, want := range map[int]Generation{200: Generation1, 403: Generation1, 404: Generation2} {
		answer.Store(int32(status))
		before := f.count()
		c := newTestClient(t, f.URL, nil)
		for _, cc := range []*Client{c, c.WithOrg(2), c, c.WithOrg(3)} {
			if g, err := cc.Generation(ctx); g != want || err != nil {
				t.Errorf("%d: %v, %v", status, g, err)
			}
		}
		if got, probe := f.count()-before, map[bool]int{true: 2, false: 1}[status == 404]; got != probe {
			t.Errorf("%d: probed with %d requests, want %d", status, got, probe)
		}
	}

	// Errors are not cached: the next call probes again.
	answer.Store(401)
	c := newTestClient(t, f.URL, nil)
	if g, err := c.Generation(ctx); g != GenerationUnknown || !IsUnauthorized(err) || !strings.Contains(err.Error(), "generation") {
		t.Errorf("401: %v, %v", g, err)
	}
	answer.Store(404)
	if g, err := c.WithOrg(2).Generation(ctx); g != Generation2 || err != nil {
		t.Errorf("after error: %v, %v", g, err)
	}

	// Concurrent first calls share one probe.
	c = newTestClient(t, f.URL, nil)
	before := f.count()
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			if g, err := c.Generation(ctx); g != Generation2 || err != nil {
				t.Errorf("concurrent: %v, %v", g, err)
			}
		})
	}
	wg.Wait()
	if got := f.count() - before; got != 2 {
		t.Errorf("concurrent: %d requests, want one probe of 2", got)
	}

	// A forced generation makes no request.
	before = f.count()
	forced := newTestClient(t, f.URL, func(c *Config) { c.Generation = Generation1 })
	if g, err := forced.Generation(ctx); g != Generation1 || err != nil || f.count() != before {
		t.Errorf("forced: %v, %v, %d requests", g, err, f.count()-before)
	}
}

// TestGenerationProbeNotGrafana: the probe concludes only from Grafana's
// answers. A URL where nothing answers as Grafana does (a sub-path missing,
// another server) says so, with the full URLs it tried.
func TestGenerationProbeNotGrafana(t *testing.T) {
	ctx := context.Background()
	var health atomic.Bool
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if r.URL.Path == "/grafana/api/health" && health.Load() {
			jsonAnswer(w, 200, `{"database":"ok","version":"12.3.0"}`)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(404)
		_, _ = io.WriteString(w, "<html><body>404 page not found</body></html>")
	})
	c := newTestClient(t, f.URL+"/grafana/", nil)
	_, err := c.Generation(ctx)
	var ng *NotGrafanaError
	if !errors.As(err, &ng) || ng.NoAccessControl {
		t.Fatalf("Generation = %v, want a NotGrafanaError", err)
	}
	for _, want := range []string{
		f.URL + "/grafana is not Grafana's root URL", f.URL + "/grafana/api/access-control/builtin-roles", f.URL + "/grafana/api/access-control/status",
		f.URL + "/grafana/api/health", "GET /grafana/api/health: 404",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error does not say %q: %s", want, err)
		}
	}
	health.Store(true)
	if _, err := c.Generation(ctx); !errors.As(err, &ng) || !ng.NoAccessControl || !strings.Contains(err.Error(), "has no access-control API") {
		t.Errorf("with Grafana's health answer: %v, want a Grafana without access control", err)
	}
}

func TestLogging(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			jsonAnswer(w, 503, `{}`)
			return
		}
		jsonAnswer(w, 200, `{"uid":"x"}`)
	})
	logs := &logRecorder{}
	c := newTestClient(t, f.URL, func(c *Config) { c.Retries = 1; c.Logf = logs.logf; c.OrgID = 3 })
	if _, err := c.GetRole(context.Background(), "x"); err != nil {
		t.Fatal(err)
	}
	lines := logs.all()
	if len(lines) != 2 {
		t.Fatalf("%d lines", len(lines))
	}
	for i, l := range lines {
		if l["method"] != "GET" || l["path"] != "/api/access-control/roles/x" || l["attempt"] != i+1 || l["org_id"] != int64(3) {
			t.Errorf("line %d = %v", i, l)
		}
		if _, ok := l["duration_ms"].(int64); !ok {
			t.Errorf("line %d has no duration: %v", i, l)
		}
	}
	if lines[0]["status"] != 503 || lines[0]["error"] == nil || lines[1]["status"] != 200 || lines[1]["error"] != nil {
		t.Errorf("statuses: %v", lines)
	}
}

func TestTLSConfigIsUsed(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		jsonAnswer(w, 200, `{"database":"ok"}`)
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is expected
	srv.StartTLS()
	defer srv.Close()
	ctx := context.Background()

	if _, err := newTestClient(t, srv.URL, nil).Health(ctx); !IsConnectionError(err) {
		t.Errorf("unknown CA accepted: %v", err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	h, err := newTestClient(t, srv.URL, func(c *Config) { c.TLSConfig = &tls.Config{RootCAs: pool} }).Health(ctx)
	if err != nil || h.Database != "ok" {
		t.Errorf("with CA: %+v, %v", h, err)
	}
	if _, err := newTestClient(t, srv.URL, func(c *Config) { c.TLSConfig = &tls.Config{InsecureSkipVerify: true} }).Health(ctx); err != nil {
		t.Errorf("insecure: %v", err)
	}
}

func TestConcurrentUse(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n%3 == 0 {
			jsonAnswer(w, 500, `{}`)
			return
		}
		jsonAnswer(w, 200, fmt.Sprintf(`{"uid":%q}`, r.Header.Get("X-Grafana-Org-Id")))
	})
	c := newTestClient(t, f.URL, func(c *Config) { c.Retries = 5 })
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			org := int64(i%4 + 1)
			role, err := c.WithOrg(org).GetRole(context.Background(), "x")
			if err != nil || role.UID != fmt.Sprint(org) {
				t.Errorf("org %d: %+v, %v", org, role, err)
			}
		})
	}
	wg.Wait()
}

func TestEncodedRequestIsJSON(t *testing.T) {
	// UpdateRole must send [] rather than null for "no permissions".
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) { jsonAnswer(w, 200, `{}`) })
	if _, err := newTestClient(t, f.URL, nil).UpdateRole(context.Background(), "x", UpdateRoleRequest{Name: "n"}); err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	if err := json.Unmarshal([]byte(f.requests()[0].Body), &body); err != nil {
		t.Fatal(err)
	}
	if perms, ok := body["permissions"].([]any); !ok || len(perms) != 0 {
		t.Errorf("permissions = %#v", body["permissions"])
	}
	if _, ok := body["version"]; ok {
		t.Error("version 0 was sent")
	}
}

// GET /api/user as Grafana answers it: the caller, with isGrafanaAdmin.
func TestGetCurrentUser(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		jsonAnswer(w, 200, `{"id":3,"email":"sa-1-tf@localhost","name":"tf","login":"sa-1-tf","theme":"","orgId":1,
			"isGrafanaAdmin":false,"isDisabled":false,"isExternal":false,"authLabels":null,"avatarUrl":"/avatar/x"}`)
	})
	u, err := newTestClient(t, f.URL, nil).GetCurrentUser(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if want := (User{ID: 3, Login: "sa-1-tf", Email: "sa-1-tf@localhost", Name: "tf", OrgID: 1}); *u != want {
		t.Errorf("user = %+v, want %+v", *u, want)
	}
	if r := f.requests()[0]; r.Method != "GET" || r.Path != "/api/user" {
		t.Errorf("request = %s %s", r.Method, r.Path)
	}
}
