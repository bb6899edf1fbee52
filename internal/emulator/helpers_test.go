package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var allGens = []int{8, 12, 13}

type env struct {
	t   *testing.T
	srv *Server
	gen int
}

func start(t *testing.T, gen int, mod ...func(*Config)) *env {
	t.Helper()
	cfg := Config{Generation: gen}
	for _, m := range mod {
		m(&cfg)
	}
	srv, err := NewServer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return &env{t: t, srv: srv, gen: gen}
}

func eachGen(t *testing.T, gens []int, f func(t *testing.T, e *env)) {
	t.Helper()
	for _, gen := range gens {
		t.Run(fmt.Sprintf("gen%d", gen), func(t *testing.T) {
			t.Parallel()
			f(t, start(t, gen))
		})
	}
}

// as is who sends a request: "login:password", a bearer token, or "" for
// nobody; org 0 sends no X-Grafana-Org-Id.
type as struct {
	auth string
	org  int64
}

var admin = as{auth: "admin:admin"}

func (a as) in(org int64) as { return as{a.auth, org} }

type resp struct {
	status int
	header http.Header
	body   []byte
}

func (r resp) String() string {
	b := string(r.body)
	if len(b) > 400 {
		b = b[:400] + "…"
	}
	return fmt.Sprintf("%d %s", r.status, b)
}

func (r resp) into(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decoding %s: %v", r.body, err)
	}
}

func (r resp) message(t *testing.T) string {
	t.Helper()
	var m struct {
		Message string `json:"message"`
	}
	r.into(t, &m)
	return m.Message
}

// do sends a request; body is JSON-encoded unless it is a string, sent as is.
func (e *env) do(who as, method, path string, body any) resp {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if who.auth != "" {
		if login, pw, ok := strings.Cut(who.auth, ":"); ok {
			req.SetBasicAuth(login, pw)
		} else {
			req.Header.Set("Authorization", "Bearer "+who.auth)
		}
	}
	if who.org != 0 {
		req.Header.Set("X-Grafana-Org-Id", strconv.FormatInt(who.org, 10))
	}
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer r.Body.Close()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	if !json.Valid(b) {
		e.t.Errorf("%s %s: body is not JSON: %q", method, path, b)
	}
	return resp{r.StatusCode, r.Header, b}
}

// want asserts a status and returns the answer.
func (e *env) want(status int, who as, method, path string, body any) resp {
	e.t.Helper()
	r := e.do(who, method, path, body)
	if r.status != status {
		e.t.Fatalf("%s %s: got %s, want %d", method, path, r, status)
	}
	return r
}

type P struct {
	Action string `json:"action"`
	Scope  string `json:"scope"`
}

type R struct {
	Version     int64  `json:"version"`
	UID         string `json:"uid"`
	Name        string `json:"name"`
	DisplayName string `json:"displayName"`
	Description string `json:"description"`
	Group       string `json:"group"`
	Global      bool   `json:"global"`
	Hidden      bool   `json:"hidden"`
	Delegatable *bool  `json:"delegatable"`
	Permissions []P    `json:"permissions"`
	Created     string `json:"created"`
	Updated     string `json:"updated"`
}

func sortP(ps []P) []P {
	out := slices.Clone(ps)
	slices.SortFunc(out, func(a, b P) int {
		return strings.Compare(a.Action+"\x00"+a.Scope, b.Action+"\x00"+b.Scope)
	})
	return slices.Compact(out)
}

func samePerms(a, b []P) bool { return slices.Equal(sortP(a), sortP(b)) }

func (e *env) createStatus() int {
	if e.gen == 8 {
		return http.StatusOK
	}
	return http.StatusCreated
}

// role reads a role as the admin (org 1 unless who says otherwise).
func (e *env) role(who as, uid string) (R, int) {
	e.t.Helper()
	r := e.do(who, "GET", "/api/access-control/roles/"+uid, nil)
	var out R
	if r.status == http.StatusOK {
		r.into(e.t, &out)
	}
	return out, r.status
}

func (e *env) mustRole(uid string) R {
	e.t.Helper()
	r, st := e.role(admin, uid)
	if st != http.StatusOK {
		e.t.Fatalf("role %s: %d", uid, st)
	}
	return r
}

func (e *env) create(who as, body map[string]any) R {
	e.t.Helper()
	var r R
	e.want(e.createStatus(), who, "POST", "/api/access-control/roles", body).into(e.t, &r)
	return r
}

func (e *env) createUser(login string) int64 {
	e.t.Helper()
	var out struct {
		ID int64 `json:"id"`
	}
	e.want(200, admin, "POST", "/api/admin/users", map[string]any{"login": login, "password": login + "-pw"}).into(e.t, &out)
	return out.ID
}

func (e *env) setOrgRole(org, userID int64, role string) {
	e.t.Helper()
	e.want(200, admin.in(org), "PATCH", fmt.Sprintf("/api/org/users/%d", userID), map[string]any{"role": role})
}

func (e *env) createTeam(who as, name string) int64 {
	e.t.Helper()
	var out struct {
		TeamID int64 `json:"teamId"`
	}
	e.want(200, who, "POST", "/api/teams", map[string]any{"name": name}).into(e.t, &out)
	return out.TeamID
}

func (e *env) createOrg(name string) int64 {
	e.t.Helper()
	var out struct {
		OrgID int64 `json:"orgId"`
	}
	e.want(200, admin, "POST", "/api/orgs", map[string]any{"name": name}).into(e.t, &out)
	return out.OrgID
}

func (e *env) ownPerms(who as) []P {
	e.t.Helper()
	var m map[string][]string
	e.want(200, who, "GET", "/api/access-control/user/permissions", nil).into(e.t, &m)
	var out []P
	for a, scopes := range m {
		for _, s := range scopes {
			out = append(out, P{a, s})
		}
	}
	return sortP(out)
}

func uids(roles []R) []string {
	out := make([]string, len(roles))
	for i, r := range roles {
		out[i] = r.UID
	}
	slices.Sort(out)
	return out
}

func hasUID(roles []R, uid string) bool { return slices.Contains(uids(roles), uid) }

// Names of the generation-specific actions and scopes.
func (e *env) delegate() string {
	if e.gen == 8 {
		return "permissions:delegate"
	}
	return "permissions:type:delegate"
}

func (e *env) listAction() string {
	if e.gen == 8 {
		return "roles:list"
	}
	return "roles:read"
}

func (e *env) fixedUID(name string) string {
	e.t.Helper()
	var roles []R
	e.want(200, admin, "GET", "/api/access-control/roles?includeHidden=true", nil).into(e.t, &roles)
	for _, r := range roles {
		if r.Name == name {
			return r.UID
		}
	}
	e.t.Fatalf("no role %q", name)
	return ""
}

// writerRole is a fixed role that lets its holder manage roles.
func (e *env) writerRole() string {
	if e.gen == 8 {
		return "fixed:permissions:admin:edit"
	}
	return "fixed:roles:writer"
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// reqCase is one row of a table of requests.
type reqCase struct {
	name   string
	who    as
	method string
	path   string
	body   any
	status int
}
