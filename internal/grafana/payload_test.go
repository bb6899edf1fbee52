package grafana

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
)

// Unexpected payloads: every call of the client, against answers Grafana
// should not send but a broken server or a proxy in front of it may. Each
// call must return a typed, readable error or a usable value, never panic,
// and never hand back the raw page.

// nginx502 is the kind of page a reverse proxy answers with when Grafana is
// down, padded with the inline CSS and script such pages carry.
var nginx502 = "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title>\n<style>\n" +
	strings.Repeat("body { font-family: Tahoma, Verdana, Arial, sans-serif; margin: 0 auto; }\n", 40) +
	"</style><script>window.__cf = {ray: 'abc'};</script></head>\n<body>\n<center><h1>502 Bad Gateway</h1></center>\n<hr><center>nginx/1.25.3</center>\n" +
	strings.Repeat("<!-- a padding comment to defeat friendly error pages -->\n", 20) + "</body></html>\n"

// payloadCalls are every exported call that talks to Grafana. check
// inspects a result that came without error: pointers must be usable.
type payloadCall struct {
	name string
	run  func(ctx context.Context, c *Client) (result any, err error)
}

func payloadCalls() []payloadCall {
	return []payloadCall{
		{"Generation", func(ctx context.Context, c *Client) (any, error) { return c.Generation(ctx) }},
		{"Health", func(ctx context.Context, c *Client) (any, error) { return c.Health(ctx) }},
		{"Status", func(ctx context.Context, c *Client) (any, error) { return c.Status(ctx) }},
		{"ListRoles", func(ctx context.Context, c *Client) (any, error) {
			return c.ListRoles(ctx, ListRolesOptions{IncludeHidden: true})
		}},
		{"GetRole", func(ctx context.Context, c *Client) (any, error) { return c.GetRole(ctx, "r1") }},
		{"CreateRole", func(ctx context.Context, c *Client) (any, error) {
			return c.CreateRole(ctx, CreateRoleRequest{UID: "r1", Name: "custom:x"})
		}},
		{"UpdateRole", func(ctx context.Context, c *Client) (any, error) {
			return c.UpdateRole(ctx, "r1", UpdateRoleRequest{Name: "custom:x", Version: 2})
		}},
		{"DeleteRole", func(ctx context.Context, c *Client) (any, error) {
			return nil, c.DeleteRole(ctx, "r1", DeleteRoleOptions{})
		}},
		{"ListBuiltinRoleAssignments", func(ctx context.Context, c *Client) (any, error) { return c.ListBuiltinRoleAssignments(ctx, true) }},
		{"AddBuiltinRoleAssignment", func(ctx context.Context, c *Client) (any, error) {
			return nil, c.AddBuiltinRoleAssignment(ctx, "Viewer", "r1", false)
		}},
		{"RemoveBuiltinRoleAssignment", func(ctx context.Context, c *Client) (any, error) {
			return nil, c.RemoveBuiltinRoleAssignment(ctx, "Viewer", "r1", false)
		}},
		{"ListTeamRoles", func(ctx context.Context, c *Client) (any, error) { return c.ListTeamRoles(ctx, 1, true) }},
		{"AddTeamRole", func(ctx context.Context, c *Client) (any, error) { return nil, c.AddTeamRole(ctx, 1, "r1") }},
		{"SetTeamRoles", func(ctx context.Context, c *Client) (any, error) {
			return nil, c.SetTeamRoles(ctx, 1, []string{"r1"}, false)
		}},
		{"RemoveTeamRole", func(ctx context.Context, c *Client) (any, error) { return nil, c.RemoveTeamRole(ctx, 1, "r1") }},
		{"ListUserRoles", func(ctx context.Context, c *Client) (any, error) { return c.ListUserRoles(ctx, 1, true) }},
		{"AddUserRole", func(ctx context.Context, c *Client) (any, error) { return nil, c.AddUserRole(ctx, 1, "r1", false) }},
		{"SetUserRoles", func(ctx context.Context, c *Client) (any, error) {
			return nil, c.SetUserRoles(ctx, 1, []string{"r1"}, false, false)
		}},
		{"RemoveUserRole", func(ctx context.Context, c *Client) (any, error) { return nil, c.RemoveUserRole(ctx, 1, "r1", false) }},
		{"SearchTeamRoles", func(ctx context.Context, c *Client) (any, error) { return c.SearchTeamRoles(ctx, []int64{1, 2}, true) }},
		{"SearchUserRoles", func(ctx context.Context, c *Client) (any, error) { return c.SearchUserRoles(ctx, []int64{1, 2}, true) }},
		{"GetRoleAssignments", func(ctx context.Context, c *Client) (any, error) { return c.GetRoleAssignments(ctx, "r1") }},
		{"GetUserPermissions", func(ctx context.Context, c *Client) (any, error) { return c.GetUserPermissions(ctx, 1) }},
		{"GetCurrentUserPermissions", func(ctx context.Context, c *Client) (any, error) { return c.GetCurrentUserPermissions(ctx) }},
		{"HardReset", func(ctx context.Context, c *Client) (any, error) { return nil, c.HardReset(ctx) }},
		{"CreateTeam", func(ctx context.Context, c *Client) (any, error) { return c.CreateTeam(ctx, "t", "") }},
		{"GetTeam", func(ctx context.Context, c *Client) (any, error) { return c.GetTeam(ctx, 1) }},
		{"SearchTeams", func(ctx context.Context, c *Client) (any, error) { return c.SearchTeams(ctx, "t") }},
		{"DeleteTeam", func(ctx context.Context, c *Client) (any, error) { return nil, c.DeleteTeam(ctx, 1) }},
		{"CreateUser", func(ctx context.Context, c *Client) (any, error) {
			return c.CreateUser(ctx, CreateUserRequest{Login: "u", Password: "p"})
		}},
		{"LookupUser", func(ctx context.Context, c *Client) (any, error) { return c.LookupUser(ctx, "u") }},
		{"DeleteUser", func(ctx context.Context, c *Client) (any, error) { return nil, c.DeleteUser(ctx, 1) }},
		{"SetOrgUserRole", func(ctx context.Context, c *Client) (any, error) { return nil, c.SetOrgUserRole(ctx, 1, "Viewer") }},
		{"CreateOrg", func(ctx context.Context, c *Client) (any, error) { return c.CreateOrg(ctx, "o") }},
		{"AddOrgUser", func(ctx context.Context, c *Client) (any, error) { return nil, c.AddOrgUser(ctx, 2, "u", "Viewer") }},
		{"CreateServiceAccount", func(ctx context.Context, c *Client) (any, error) { return c.CreateServiceAccount(ctx, "sa", "Viewer") }},
		{"CreateServiceAccountToken", func(ctx context.Context, c *Client) (any, error) {
			return c.CreateServiceAccountToken(ctx, 1, "tok")
		}},
		{"DeleteServiceAccount", func(ctx context.Context, c *Client) (any, error) { return nil, c.DeleteServiceAccount(ctx, 1) }},
	}
}

// payloadAnswers are the answers every call gets in turn.
var payloadAnswers = []struct {
	name   string
	status int
	ctype  string
	body   string
}{
	{"200 null", 200, "application/json", `null`},
	{"200 empty object", 200, "application/json", `{}`},
	{"200 empty array", 200, "application/json", `[]`},
	{"200 string", 200, "application/json", `"ok"`},
	{"200 number", 200, "application/json", `42`},
	{"200 unknown fields only", 200, "application/json", `{"surprise":{"deep":[1,{"x":null}]},"another":true}`},
	{"200 nulls everywhere", 200, "application/json", `{"uid":null,"name":null,"version":null,"global":null,"hidden":null,"permissions":[null,{"action":null,"scope":null}],` +
		`"id":null,"teamId":null,"orgId":null,"key":null,"users":null,"teams":null,"enabled":null,"message":null,"teams_":[null]}`},
	{"200 array of nulls", 200, "application/json", `[null,null]`},
	{"200 map of nulls", 200, "application/json", `{"1":null,"Viewer":null,"users:read":null}`},
	{"200 wrong types", 200, "application/json", `{"uid":5,"version":"three","permissions":"all","global":"yes","id":"x","teamId":[],"orgId":{}}`},
	{"200 array of wrong types", 200, "application/json", `[1,"a",true,{"uid":[]}]`},
	{"200 truncated JSON", 200, "application/json", `{"uid":"r1","permissions":[{"action":"a"`},
	{"200 HTML login page", 200, "text/html", "<html><head><title>Sign in</title></head><body><form>" + strings.Repeat("<input>", 500) + "</form></body></html>"},
	{"200 empty body", 200, "", ``},
	{"201 null", 201, "application/json", `null`},
	{"204 no content", 204, "", ``},
	{"502 HTML from a proxy", 502, "text/html", nginx502},
	{"503 plain text", 503, "text/plain", "upstream connect error or disconnect/reset before headers. reset reason: overflow"},
	{"500 null", 500, "application/json", `null`},
	{"500 message not a string", 500, "application/json", `{"message":{"nested":true},"error":7}`},
	{"404 HTML", 404, "text/html", "<html><body><h1>404 Not Found</h1>" + strings.Repeat("<p>lost</p>", 300) + "</body></html>"},
	{"401 HTML from an SSO proxy", 401, "text/html", "<html><head><title>Access denied</title></head><body>" + strings.Repeat("x", 5000) + "</body></html>"},
	{"403 empty", 403, "", ``},
	{"400 null", 400, "application/json", `null`},
	{"302 redirect without location", 302, "text/html", "<a>Found</a>"},
}

func TestUnexpectedPayloadsNeverPanic(t *testing.T) {
	for _, a := range payloadAnswers {
		t.Run(a.name, func(t *testing.T) {
			f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
				if a.ctype != "" {
					w.Header().Set("Content-Type", a.ctype)
				}
				w.WriteHeader(a.status)
				_, _ = io.WriteString(w, a.body)
			})
			c := newTestClient(t, f.URL, func(cfg *Config) { cfg.Retries = 0 })
			for _, call := range payloadCalls() {
				result, panicked, err := runCatchingPanic(call, c)
				if panicked != "" {
					t.Errorf("%s panicked: %s", call.name, panicked)
					continue
				}
				if err != nil {
					checkReadableError(t, call.name, a.status, a.body, err)
					continue
				}
				if a.status >= 300 && call.name != "Status" && call.name != "Generation" {
					t.Errorf("%s: a %d answer gave no error (result %#v)", call.name, a.status, result)
				}
				checkUsableResult(t, call.name, result)
			}
		})
	}
}

// markup is an HTML tag; a bare '<' (as in "invalid character '<'") is fine.
var markup = regexp.MustCompile(`<[A-Za-z!/]`)

func runCatchingPanic(call payloadCall, c *Client) (result any, panicked string, err error) {
	defer func() {
		if p := recover(); p != nil {
			panicked = fmt.Sprintf("%v\n%s", p, debug.Stack())
		}
	}()
	result, err = call.run(context.Background(), c)
	return result, "", err
}

// checkReadableError: a non-2xx answer is an *APIError with its status; any
// error is short, single-line and free of markup and of the raw body.
func checkReadableError(t *testing.T, call string, status int, body string, err error) {
	t.Helper()
	msg := err.Error()
	if status >= 300 {
		var ae *APIError
		// A 404 everywhere, /api/health included, is no Grafana at all.
		if (!errors.As(err, &ae) || ae.StatusCode != status) && (status != 404 || call != "Generation" || !IsNotGrafana(err)) {
			t.Errorf("%s: a %d answer gave %T %q, want an *APIError with that status", call, status, err, msg)
		}
	}
	// A create that failed is looked up before it is reported: two messages.
	if len(msg) > 2*maxMessageLen+300 {
		t.Errorf("%s: the error is %d bytes long: %.200q…", call, len(msg), msg)
	}
	if markup.MatchString(msg) || strings.Contains(msg, "\n") {
		t.Errorf("%s: the error holds markup or line breaks: %q", call, msg)
	}
	if len(body) > 100 && strings.Contains(msg, body) {
		t.Errorf("%s: the error repeats the whole answer: %q", call, msg)
	}
	// Style sheets and scripts are no message.
	for _, junk := range []string{"font-family", "window.__cf", "padding comment"} {
		if strings.Contains(msg, junk) {
			t.Errorf("%s: the error holds the page's %q: %q", call, junk, msg)
		}
	}
}

// checkUsableResult: a call that reports success returns something a
// caller can use without a nil check it would not expect.
func checkUsableResult(t *testing.T, call string, result any) {
	t.Helper()
	switch v := result.(type) {
	case *Role:
		if v == nil {
			t.Errorf("%s: nil role without an error", call)
		}
	case *Team:
		if v == nil {
			t.Errorf("%s: nil team without an error", call)
		}
	case *User:
		if v == nil {
			t.Errorf("%s: nil user without an error", call)
		}
	case *Health:
		if v == nil {
			t.Errorf("%s: nil health without an error", call)
		}
	case *RoleAssignments:
		if v == nil {
			t.Errorf("%s: nil assignments without an error", call)
		}
	case *ServiceAccount:
		if v == nil {
			t.Errorf("%s: nil service account without an error", call)
		}
	case map[string][]Role:
		if v == nil {
			t.Errorf("%s: nil map without an error", call)
		}
	}
}

// The common proxy page reads as its title, not as its style sheet.
func TestProxyErrorPageMessage(t *testing.T) {
	f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = io.WriteString(w, nginx502)
	})
	_, err := newTestClient(t, f.URL, func(cfg *Config) { cfg.Retries = 0 }).GetRole(context.Background(), "r1")
	var ae *APIError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v, want an *APIError", err)
	}
	if want := "GET /api/access-control/roles/r1: 502 Bad Gateway: 502 Bad Gateway"; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error = %q, want it to start with %q", err.Error(), want)
	}
	if !strings.Contains(ae.Message, "nginx") {
		t.Errorf("message = %q, want the page's text (which proxy answered)", ae.Message)
	}
}

// A 200 that holds no role is an error, not an empty role: callers would
// take it for a role without name or permissions.
func TestGetRoleWithoutRole(t *testing.T) {
	for _, body := range []string{`null`, `{}`, `{"uid":null,"name":"custom:x"}`, `{"surprise":1}`} {
		f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) { jsonAnswer(w, 200, body) })
		role, err := newTestClient(t, f.URL, nil).GetRole(context.Background(), "r1")
		if err == nil || !strings.Contains(err.Error(), "GET /api/access-control/roles/r1: the answer holds no role") {
			t.Errorf("%s: role %+v, error %v", body, role, err)
		}
	}
}
