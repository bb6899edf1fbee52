package provider_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/acctest"
	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/emulator"
	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

// Unexpected answers reach the provider through a proxy in front of an
// emulator: the provider must report them as one clear diagnostic (or
// plan from what it could read), never panic or dump a page.

// proxyErrorPage is a reverse proxy's 502 page, mostly CSS.
var proxyErrorPage = "<!DOCTYPE html><html><head><title>502 Bad Gateway</title><style>" +
	strings.Repeat("body { font-family: Tahoma, Verdana, Arial, sans-serif; }\n", 50) +
	"</style></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"

var htmlTag = regexp.MustCompile(`<[A-Za-z!/]`)

// payloadProxy passes requests to g, except the one path it answers itself
// while answer is set.
type payloadProxy struct {
	url    string
	path   string
	answer atomic.Pointer[func(w http.ResponseWriter, upstream func() []byte)]
}

func newPayloadProxy(t *testing.T, g *ownGrafana, path string) *payloadProxy {
	t.Helper()
	p := &payloadProxy{path: path}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a := p.answer.Load(); a != nil && r.Method == http.MethodGet && r.URL.Path == p.path {
			upstream := func() []byte {
				rec := httptest.NewRecorder()
				g.Srv.Emulator.ServeHTTP(rec, r)
				return rec.Body.Bytes()
			}
			(*a)(w, upstream)
			return
		}
		g.Srv.Emulator.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	p.url = srv.URL
	return p
}

func (p *payloadProxy) set(f func(w http.ResponseWriter, upstream func() []byte)) { p.answer.Store(&f) }

func answerWith(status int, ctype, body string) func(http.ResponseWriter, func() []byte) {
	return func(w http.ResponseWriter, _ func() []byte) {
		w.Header().Set("Content-Type", ctype)
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

func TestProviderUnexpectedPayloads(t *testing.T) {
	t.Parallel()
	g := startOwnEmulator(t, emulator.Config{})
	ctx := context.Background()
	perm := grafana.Permission{Action: "teams:read", Scope: "teams:id:" + acctest.RandName("p")}
	name := "custom:" + acctest.RandName("payload")
	uid := roleUIDFor(name)
	if _, err := g.Client.CreateRole(ctx, grafana.CreateRoleRequest{UID: uid, Name: name, Version: 1, Permissions: []grafana.Permission{perm}}); err != nil {
		t.Fatal(err)
	}
	proxy := newPayloadProxy(t, g, "/api/access-control/roles/"+uid)
	provider := providerBlockHCL("url = "+hclQuote(proxy.url), "auth = "+hclQuote(g.Auth), "retries = 0")

	readRole := provider + fmt.Sprintf("data \"grafanarbac_role\" \"r\" {\n  uid = %q\n}\n", uid)
	noPageInOutput := func(t *testing.T, out string) {
		t.Helper()
		if htmlTag.MatchString(out) || strings.Contains(out, "font-family") {
			t.Errorf("the diagnostic shows the page:\n%s", out)
		}
		if strings.Contains(out, "panic") || strings.Contains(out, "goroutine ") {
			t.Errorf("the provider crashed:\n%s", out)
		}
	}

	t.Run("HTML error page from a proxy", func(t *testing.T) {
		proxy.set(answerWith(http.StatusBadGateway, "text/html", proxyErrorPage))
		out := runExpectingFailure(t, nil, readRole, true)
		assertOneErrorDiagnostic(t, out, uid, "502 Bad Gateway", "nginx")
		noPageInOutput(t, out)
	})

	t.Run("HTML page with status 200", func(t *testing.T) {
		// An SSO proxy that answers with its login page.
		proxy.set(answerWith(http.StatusOK, "text/html", "<html><head><title>Sign in</title></head><body>"+strings.Repeat("<input>", 300)+"</body></html>"))
		out := runExpectingFailure(t, nil, readRole, true)
		assertOneErrorDiagnostic(t, out, uid, "GET /api/access-control/roles/"+uid, "not JSON but an HTML page", "proxy or a login page")
		noPageInOutput(t, out)
	})

	t.Run("null body", func(t *testing.T) {
		// Nothing usable: the data source must not report an empty role as found.
		proxy.set(answerWith(http.StatusOK, "application/json", "null"))
		out := runExpectingFailure(t, nil, readRole, true)
		assertOneErrorDiagnostic(t, out, uid, "the answer holds no role")
		noPageInOutput(t, out)
	})

	t.Run("missing, null and unknown fields in a refresh", func(t *testing.T) {
		const addr = "grafanarbac_custom_role.r"
		proxy := newPayloadProxy(t, g, "/api/access-control/roles/"+uid+"-tf")
		provider := providerBlockHCL("url = "+hclQuote(proxy.url), "auth = "+hclQuote(g.Auth), "retries = 0")
		config := provider + fmt.Sprintf(`
resource "grafanarbac_custom_role" "r" {
  uid         = %q
  name        = %q
  description = "kept"
  permissions = [%s]
}
`, uid+"-tf", name+"-tf", hclPerm(perm))
		// The next read of the role lacks its permissions, has a null
		// description and fields no Grafana sends; later reads are real.
		sparse := func(w http.ResponseWriter, upstream func() []byte) {
			proxy.answer.Store(nil)
			body := strings.NewReplacer(`"permissions":`, `"ignored":`, `"description":"kept"`, `"description":null,"surprise":{"a":[null]}`).Replace(string(upstream()))
			answerWith(http.StatusOK, "application/json", body)(w, nil)
		}
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactoriesWithEnv(nil),
			Steps: []resource.TestStep{
				{Config: config, ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
				{
					PreConfig: func() { proxy.set(sparse) },
					Config:    config,
					ConfigPlanChecks: driftRepair(addr, plancheck.ResourceActionUpdate,
						expectDrift(addr, "permissions", knownvalue.SetExact(nil), asgPermsCheck(perm)),
						expectDrift(addr, "description", knownvalue.StringExact(""), knownvalue.StringExact("kept"))),
				},
			},
		})
	})
}
