package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"sync/atomic"
	"testing"

	"github.com/go-openapi/runtime"
	"github.com/go-openapi/strfmt"
	goapi "github.com/grafana/grafana-openapi-client-go/client"
	"github.com/grafana/grafana-openapi-client-go/client/service_accounts"
	"github.com/grafana/grafana-openapi-client-go/models"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/emulator"
)

// The releases the suite runs on (issue 15): 12.4, the last of generation 2's
// first version rule, and 13.0, with Grafana 13's.
var releases = []struct {
	gen     int
	version string
}{
	{12, "12.4.0"},
	{13, "13.0.0"},
}

// grafana is one emulated Grafana and the clients that talk to it.
type grafana struct {
	srv *emulator.Server
	// admin is the server admin (basic auth admin:admin), in org 1.
	admin *goapi.GrafanaHTTPAPI
	// orgAdmin is a service account of org 1 whose org role is Admin,
	// authenticated with its token.
	orgAdmin      *goapi.GrafanaHTTPAPI
	orgAdminID    int64
	orgAdminLogin string
}

// caller is who makes a call: the server admin or the org Admin token.
type caller struct {
	name   string
	client func(g *grafana) *goapi.GrafanaHTTPAPI
}

// roleManagers are the callers the contract lets manage org roles and their
// assignments ("Who may manage roles").
var roleManagers = []caller{
	{"server_admin", func(g *grafana) *goapi.GrafanaHTTPAPI { return g.admin }},
	{"org_admin_token", func(g *grafana) *goapi.GrafanaHTTPAPI { return g.orgAdmin }},
}

// eachRelease runs f once per release, each on a fresh emulator.
func eachRelease(t *testing.T, f func(t *testing.T, g *grafana)) {
	for _, rel := range releases {
		t.Run(rel.version, func(t *testing.T) {
			f(t, start(t, rel.gen, rel.version))
		})
	}
}

func start(t *testing.T, gen int, version string) *grafana {
	t.Helper()
	srv, err := emulator.NewServer(emulator.Config{Generation: gen, Version: version})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	g := &grafana{srv: srv, admin: client(t, srv, func(c *goapi.TransportConfig) {
		c.BasicAuth = url.UserPassword("admin", "admin")
	})}
	sa := g.serviceAccount(t, "Admin")
	g.orgAdminID, g.orgAdminLogin = sa.ID, sa.Login
	tok, err := g.admin.ServiceAccounts.CreateToken(service_accounts.NewCreateTokenParams().
		WithServiceAccountID(sa.ID).WithBody(&models.AddServiceAccountTokenCommand{Name: "conformance"}))
	if err != nil {
		t.Fatalf("CreateToken: %v", err)
	}
	g.orgAdmin = client(t, srv, func(c *goapi.TransportConfig) { c.APIKey = tok.Payload.Key })
	return g
}

func client(t *testing.T, srv *emulator.Server, auth func(*goapi.TransportConfig)) *goapi.GrafanaHTTPAPI {
	t.Helper()
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	cfg := &goapi.TransportConfig{Host: u.Host, BasePath: "/api", Schemes: []string{u.Scheme}}
	auth(cfg)
	c := goapi.NewHTTPClientWithConfig(nil, cfg)
	c.SetTransport(validating{c.Transport})
	return c
}

// validating fails a call whose decoded answer does not pass the client's own
// model validation (required fields present, formats right): the client
// decodes without validating, and a missing required field is a difference
// from Grafana too.
type validating struct{ runtime.ClientTransport }

func (v validating) Submit(op *runtime.ClientOperation) (any, error) {
	res, err := v.ClientTransport.Submit(op)
	if err != nil {
		return res, err
	}
	if get := reflect.ValueOf(res).MethodByName("GetPayload"); get.IsValid() {
		if err := validate(get.Call(nil)[0]); err != nil {
			return res, fmt.Errorf("%s: the answer does not validate: %w", op.ID, err)
		}
	}
	return res, nil
}

// validate runs Validate on a payload, on each element of a list and on each
// value of a map.
func validate(v reflect.Value) error {
	switch v.Kind() {
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			if err := validate(it.Value()); err != nil {
				return fmt.Errorf("%v: %w", it.Key(), err)
			}
		}
		return nil
	case reflect.Slice:
		for i := range v.Len() {
			if err := validate(v.Index(i)); err != nil {
				return fmt.Errorf("[%d]: %w", i, err)
			}
		}
		return nil
	case reflect.Pointer:
		if v.IsNil() {
			return nil
		}
	default:
		p := reflect.New(v.Type()) // Validate has a pointer receiver
		p.Elem().Set(v)
		v = p
	}
	if r, ok := v.Interface().(*models.RoleDTO); ok && r.DisplayName == nil {
		// Client quirk: its RoleDTO requires displayName, but Grafana leaves it out when empty (contract, role object; Grafana's pkg/services/accesscontrol/models.go RoleDTO, `displayName,omitempty`).
		c := *r
		c.DisplayName = new(string)
		v = reflect.ValueOf(&c)
	}
	if m, ok := v.Interface().(interface{ Validate(strfmt.Registry) error }); ok {
		return m.Validate(strfmt.Default)
	}
	return nil
}

// inOrg is c working in another org (X-Grafana-Org-Id), c left as it was.
func inOrg(c *goapi.GrafanaHTTPAPI, orgID int64) *goapi.GrafanaHTTPAPI {
	c = c.Clone().WithOrgID(orgID) // WithOrgID changes the client it is called on, and drops its transport
	c.SetTransport(validating{c.Transport})
	return c
}

var seq atomic.Int64

// unique gives every object a test makes its own name.
func unique(prefix string) string { return fmt.Sprintf("%s-%d", prefix, seq.Add(1)) }

func (g *grafana) user(t *testing.T) (id int64, login string) {
	t.Helper()
	login = unique("user")
	res, err := g.admin.AdminUsers.AdminCreateUser(&models.AdminCreateUserForm{
		Login: login, Email: login + "@example.com", Name: login, Password: models.Password("secret-" + login),
	})
	if err != nil {
		t.Fatalf("AdminCreateUser: %v", err)
	}
	return res.Payload.ID, login
}

func (g *grafana) team(t *testing.T) (id int64, name string) {
	t.Helper()
	name = unique("team")
	res, err := g.admin.Teams.CreateTeam(&models.CreateTeamCommand{Name: &name})
	if err != nil {
		t.Fatalf("CreateTeam: %v", err)
	}
	return res.Payload.TeamID, name
}

func (g *grafana) serviceAccount(t *testing.T, role string) *models.ServiceAccountDTO {
	t.Helper()
	res, err := g.admin.ServiceAccounts.CreateServiceAccount(service_accounts.NewCreateServiceAccountParams().
		WithBody(&models.CreateServiceAccountForm{Name: unique("sa"), Role: role}))
	if err != nil {
		t.Fatalf("CreateServiceAccount: %v", err)
	}
	return res.Payload
}

// raw calls the emulator as the server admin without the client, for the
// answers the client cannot decode, and returns the status and body.
func (g *grafana) raw(t *testing.T, method, path string, body any) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, g.srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth("admin", "admin")
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, b
}

// withQuery adds a query parameter the client does not declare, through the
// hook every operation of the client takes (ClientOption).
func withQuery(name, value string) func(*runtime.ClientOperation) {
	return func(op *runtime.ClientOperation) {
		inner := op.Params
		op.Params = runtime.ClientRequestWriterFunc(func(r runtime.ClientRequest, reg strfmt.Registry) error {
			if err := inner.WriteToRequest(r, reg); err != nil {
				return err
			}
			return r.SetQueryParam(name, value)
		})
	}
}

// decodeRaw decodes a raw answer.
func decodeRaw(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
}

func TestValidate(t *testing.T) {
	name, uid, v := "custom:x", "x", int64(1)
	now := strfmt.DateTime{}
	role := &models.RoleDTO{Name: &name, UID: &uid, Version: &v, Description: new(string), Group: new(string), Created: &now, Updated: &now}
	if err := validate(reflect.ValueOf([]*models.RoleDTO{role})); err != nil {
		t.Errorf("a role without displayName, as Grafana sends it: %v", err)
	}
	id := int64(1)
	team := models.TeamDTO{ID: &id, Name: &name}
	if err := validate(reflect.ValueOf(map[string][]models.TeamDTO{"1": {team}})); err == nil {
		t.Error("a team without uid, orgId, memberCount and isProvisioned passed")
	}
}
