package provider_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/acctest"
	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/emulator"
	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

// Tests of the provider block: environment fallbacks, bad values, TLS, and
// how a Grafana that cannot be used is reported. Most run against emulators
// of their own (plain, TLS, faulty, or behind a small proxy), so they do the
// same whether the rest of the suite uses the emulator or a real Grafana.

// grafanaEnvVars are all the variables the provider reads.
var grafanaEnvVars = []string{
	"GRAFANA_URL", "GRAFANA_AUTH", "GRAFANA_ORG_ID", "GRAFANA_CA_CERT", "GRAFANA_TLS_CERT", "GRAFANA_TLS_KEY",
	"GRAFANA_INSECURE_SKIP_VERIFY", "GRAFANA_HTTP_HEADERS", "GRAFANA_RETRIES", "GRAFANA_RETRY_WAIT",
	"GRAFANA_TIMEOUT", "GRAFANA_API_GENERATION",
}

// clearGrafanaEnv empties the provider's variables for the test, so that a
// developer's own settings (or the real-Grafana mode of acctest) cannot make
// a test pass or fail. Call acctest.Get first when the test uses it: it reads
// GRAFANA_URL and GRAFANA_AUTH once. Tests that only need the provider to see
// variables pass them to the helpers below instead, and can run in parallel.
func clearGrafanaEnv(t *testing.T) {
	t.Helper()
	for _, v := range grafanaEnvVars {
		t.Setenv(v, "")
	}
}

// providerEnv is the whole environment of a provider in a test: GRAFANA_*
// variables not in it are unset.
type providerEnv map[string]string

// with returns a copy of e with k set to v.
func (e providerEnv) with(k, v string) providerEnv {
	out := providerEnv{k: v}
	for a, b := range e {
		if a != k {
			out[a] = b
		}
	}
	return out
}

// ownGrafana is an emulator owned by one test.
type ownGrafana struct {
	URL      string
	Password string // the admin's
	Auth     string // admin:Password
	Srv      *emulator.Server
	Client   *grafana.Client
}

// suiteEmulatorGeneration is the generation the suite runs on (8, 12 or 13).
func suiteEmulatorGeneration() int {
	if n, err := strconv.Atoi(os.Getenv(acctest.EnvGeneration)); err == nil {
		return n
	}
	return 12
}

// startOwnEmulator starts a plain-HTTP emulator of the suite's generation.
func startOwnEmulator(t *testing.T, cfg emulator.Config) *ownGrafana {
	t.Helper()
	return startOwnEmulatorWith(t, cfg, func(c emulator.Config) (*emulator.Server, error) { return emulator.NewServer(c) })
}

func startOwnEmulatorWith(t *testing.T, cfg emulator.Config, start func(emulator.Config) (*emulator.Server, error)) *ownGrafana {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("needs TF_ACC=1 and a terraform CLI (make test sets both)")
	}
	if cfg.Generation == 0 {
		cfg.Generation = suiteEmulatorGeneration()
	}
	// Random, so that finding it in a log or an error means it leaked.
	cfg.AdminPassword = "pw-" + acctest.RandName("admin")
	srv, err := start(cfg)
	if err != nil {
		t.Fatalf("starting an emulator: %v", err)
	}
	t.Cleanup(srv.Close)
	g := &ownGrafana{URL: srv.URL, Password: cfg.AdminPassword, Auth: "admin:" + cfg.AdminPassword, Srv: srv}
	if !strings.HasPrefix(srv.URL, "https:") {
		if g.Client, err = grafana.New(grafana.Config{URL: srv.URL, Auth: g.Auth}); err != nil {
			t.Fatal(err)
		}
	}
	return g
}

// emulatorRequestCounts are the emulator's request counters by "METHOD /route".
func emulatorRequestCounts(t *testing.T, g *ownGrafana) map[string]int {
	t.Helper()
	resp, err := http.Get(g.URL + "/api/emulator/stats")
	if err != nil {
		t.Fatalf("reading the emulator's counters: %v", err)
	}
	defer resp.Body.Close()
	var out struct {
		Requests map[string]int `json:"requests"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("decoding the emulator's counters: %v", err)
	}
	return out.Requests
}

// providerBlockHCL renders a provider block from attribute lines.
func providerBlockHCL(attrs ...string) string {
	return "provider \"grafanarbac\" {\n  " + strings.Join(attrs, "\n  ") + "\n}\n"
}

// hclQuote quotes s for HCL, heredoc-free (PEM text has newlines).
func hclQuote(s string) string { return strconv.Quote(s) }

// readsGrafanaHCL is a data source that works only with a usable provider.
const readsGrafanaHCL = `data "grafanarbac_permissions" "me" {}` + "\n"

// checkReadsGrafanaHCL proves the data source was read from Grafana: the
// admin holds permissions, so an empty set would mean nothing was read.
var checkReadsGrafanaHCL = resource.TestCheckResourceAttrWith("data.grafanarbac_permissions.me", "permissions.#", func(v string) error {
	if v == "" || v == "0" {
		return fmt.Errorf("no permissions read from Grafana (permissions.# = %q)", v)
	}
	return nil
})

// expectProviderWorks applies config (reading Grafana) with a provider
// whose environment is env, and expects success.
func expectProviderWorks(t *testing.T, env providerEnv, config string) {
	t.Helper()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactoriesWithEnv(env),
		Steps:                    []resource.TestStep{{Config: config, Check: checkReadsGrafanaHCL}},
	})
}

// expectProviderPlanError plans config and expects an error matching re.
func expectProviderPlanError(t *testing.T, env providerEnv, config string, re *regexp.Regexp) {
	t.Helper()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactoriesWithEnv(env),
		Steps:                    []resource.TestStep{{Config: config, PlanOnly: true, ExpectError: re}},
	})
}

// runExpectingFailure runs one step of config (plan only, or plan and apply) that
// must fail, and returns Terraform's error output for the caller to
// inspect: ExpectError can only match a pattern, not count diagnostics.
func runExpectingFailure(t *testing.T, env providerEnv, config string, planOnly bool) string {
	t.Helper()
	var got error
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProviderFactoriesWithEnv(env),
		ErrorCheck: func(err error) error {
			got = err
			return nil // inspected below
		},
		Steps: []resource.TestStep{{Config: config, PlanOnly: planOnly}},
	})
	if got == nil {
		t.Fatalf("expected Terraform to fail on:\n%s", config)
	}
	return got.Error()
}

var errorDiagnosticLine = regexp.MustCompile(`(?m)^Error: `)

// assertOneErrorDiagnostic checks that output holds exactly one error diagnostic and
// that it contains every wanted text.
func assertOneErrorDiagnostic(t *testing.T, output string, want ...string) {
	t.Helper()
	if n := len(errorDiagnosticLine.FindAllString(output, -1)); n != 1 {
		t.Errorf("want exactly one error diagnostic, got %d in:\n%s", n, output)
	}
	flat := strings.Join(strings.Fields(output), " ") // Terraform wraps long lines
	for _, w := range want {
		if !strings.Contains(flat, w) {
			t.Errorf("error output lacks %q:\n%s", w, output)
		}
	}
}

// manyReadersHCL is a configuration in which several data sources and a
// resource all need the provider: a failing Configure must still be
// reported once, not once per object.
const manyReadersHCL = readsGrafanaHCL + `
data "grafanarbac_roles" "fixed" { kind = "fixed" }
data "grafanarbac_role" "viewer" { name = "fixed:datasources:reader" }
resource "grafanarbac_custom_role" "r" {
  name = "custom:provider-test:reader"
}
`

// TestProviderConfig_ProcessEnvironment proves that the provider Terraform
// runs reads the process's environment; the tests below give each provider
// an environment of its own, to run in parallel.
func TestProviderConfig_ProcessEnvironment(t *testing.T) {
	g := startOwnEmulator(t, emulator.Config{})
	clearGrafanaEnv(t)
	t.Setenv("GRAFANA_URL", g.URL)
	t.Setenv("GRAFANA_AUTH", g.Auth)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps:                    []resource.TestStep{{Config: providerBlockHCL() + readsGrafanaHCL, Check: checkReadsGrafanaHCL}},
	})
}

func TestProviderConfig_EnvFallbacks(t *testing.T) {
	t.Parallel()
	g := startOwnEmulator(t, emulator.Config{})
	fromEnv := providerEnv{"GRAFANA_URL": g.URL, "GRAFANA_AUTH": g.Auth}

	t.Run("url and auth", func(t *testing.T) {
		t.Parallel()
		expectProviderWorks(t, fromEnv, providerBlockHCL()+readsGrafanaHCL)
	})

	t.Run("configuration wins over the environment", func(t *testing.T) {
		t.Parallel()
		// Nothing listens on port 1, and the wrong password would be refused.
		env := providerEnv{"GRAFANA_URL": "http://127.0.0.1:1", "GRAFANA_AUTH": "admin:wrong-password"}
		expectProviderWorks(t, env, providerBlockHCL("url = "+hclQuote(g.URL), "auth = "+hclQuote(g.Auth))+readsGrafanaHCL)
	})

	t.Run("org_id", func(t *testing.T) {
		t.Parallel()
		ctx := context.Background()
		org, err := g.Client.CreateOrg(ctx, acctest.RandName("org"))
		if err != nil {
			t.Fatal(err)
		}
		team := acctest.RandName("team")
		if _, err := g.Client.WithOrg(org).CreateTeam(ctx, team, ""); err != nil {
			t.Fatal(err)
		}
		config := providerBlockHCL() + fmt.Sprintf("data \"grafanarbac_team\" \"t\" {\n  name = %q\n}\n", team)
		// The team exists only in the new org: found only when the provider looks there.
		expectProviderPlanError(t, fromEnv, config, regexp.MustCompile(`(?s)Team not found.*In organization 1,`))
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactoriesWithEnv(fromEnv.with("GRAFANA_ORG_ID", strconv.FormatInt(org, 10))),
			Steps: []resource.TestStep{{Config: config, Check: resource.ComposeTestCheckFunc(
				resource.TestCheckResourceAttr("data.grafanarbac_team.t", "org_id", strconv.FormatInt(org, 10)),
				resource.TestCheckResourceAttrSet("data.grafanarbac_team.t", "id"),
			)}},
		})
	})

	t.Run("http_headers", func(t *testing.T) {
		t.Parallel()
		// A proxy that lets only requests carrying its key through to Grafana.
		proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("X-Proxy-Key") != "open-sesame" {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusProxyAuthRequired)
				_, _ = w.Write([]byte(`{"message":"proxy key missing"}`))
				return
			}
			g.Srv.Emulator.ServeHTTP(w, r)
		}))
		t.Cleanup(proxy.Close)
		viaProxy := providerEnv{"GRAFANA_URL": proxy.URL, "GRAFANA_AUTH": g.Auth}
		expectProviderPlanError(t, viaProxy, providerBlockHCL()+readsGrafanaHCL, regexp.MustCompile(`407 Proxy Authentication Required`))
		expectProviderWorks(t, viaProxy.with("GRAFANA_HTTP_HEADERS", `{"X-Proxy-Key": "open-sesame"}`), providerBlockHCL()+readsGrafanaHCL)
		// The attribute itself, for completeness: same proxy, no variable.
		expectProviderWorks(t, viaProxy, providerBlockHCL(`http_headers = { "X-Proxy-Key" = "open-sesame" }`)+readsGrafanaHCL)
	})

	t.Run("retries and retry_wait", func(t *testing.T) {
		t.Parallel()
		// Every request fails with 503, so Configure's one request is tried
		// 1 + retries times, retry_wait apart (at least half of it: jitter).
		var mu sync.Mutex
		var seen []time.Time
		broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			seen = append(seen, time.Now())
			mu.Unlock()
			w.WriteHeader(http.StatusServiceUnavailable)
		}))
		t.Cleanup(broken.Close)
		env := providerEnv{"GRAFANA_URL": broken.URL, "GRAFANA_AUTH": g.Auth, "GRAFANA_RETRIES": "1", "GRAFANA_RETRY_WAIT": "2"}
		expectProviderPlanError(t, env, providerBlockHCL()+readsGrafanaHCL, regexp.MustCompile(`503 Service Unavailable`))
		mu.Lock()
		defer mu.Unlock()
		if len(seen) != 2 {
			t.Fatalf("GRAFANA_RETRIES=1: Grafana saw %d requests, want 2 (the default, 6 retries, would make 7)", len(seen))
		}
		// The default wait is half a second; 2s with jitter waits at least 1s.
		if gap := seen[1].Sub(seen[0]); gap < 900*time.Millisecond {
			t.Errorf("GRAFANA_RETRY_WAIT=2: the retry came %s after the first try, want at least 1s", gap)
		}
	})

	t.Run("timeout", func(t *testing.T) {
		t.Parallel()
		slow := startOwnEmulator(t, emulator.Config{Faults: emulator.Faults{Latency: 20 * time.Second}})
		env := providerEnv{"GRAFANA_URL": slow.URL, "GRAFANA_AUTH": slow.Auth, "GRAFANA_TIMEOUT": "1", "GRAFANA_RETRIES": "0"}
		start := time.Now()
		out := runExpectingFailure(t, env, providerBlockHCL()+readsGrafanaHCL, true)
		assertOneErrorDiagnostic(t, out, "Grafana did not answer in time", slow.URL, "no answer within 1s", "raise timeout (or GRAFANA_TIMEOUT)")
		// Terraform itself takes a second or two; the default timeout (30s) would take far longer.
		if took := time.Since(start); took > 10*time.Second {
			t.Errorf("GRAFANA_TIMEOUT=1: the plan took %s against a server that never answers in time", took)
		}
	})

	t.Run("api_generation", func(t *testing.T) {
		t.Parallel()
		g := startOwnEmulator(t, emulator.Config{})
		// A forced generation is still checked against Grafana's answer
		// (issue 16): the matching one works, the other fails the plan, so
		// the variable is read.
		forced, other := "9+", "8"
		if g.Srv.Emulator.Generation() == 8 {
			forced, other = other, forced
		}
		env := providerEnv{"GRAFANA_URL": g.URL, "GRAFANA_AUTH": g.Auth}
		expectProviderWorks(t, env.with("GRAFANA_API_GENERATION", forced), providerBlockHCL()+readsGrafanaHCL)
		expectProviderPlanError(t, env.with("GRAFANA_API_GENERATION", other), providerBlockHCL()+readsGrafanaHCL,
			regexp.MustCompile(`api_generation does not match Grafana`))
	})
}

// TestProviderConfig_BadValues runs the provider's bad-value table (see
// providerBadInputCases in bad_input_test.go): every diagnostic is checked
// at plan time and the server is checked unchanged afterwards.
func TestProviderConfig_BadValues(t *testing.T) {
	env := acctest.Get(t)
	runBadInputCases(t, env, badInputTargets{}, providerBadInputCases(t, env))
}

func TestProviderConfig_UnreachableReportedOnce(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	ln.Close() // nothing listens there now

	// The password is not in the configuration, which Terraform may quote.
	env := providerEnv{"GRAFANA_AUTH": "admin:secret-pw"}
	start := time.Now()
	out := runExpectingFailure(t, env, providerBlockHCL("url = "+hclQuote(url), "retries = 0")+manyReadersHCL, true)
	assertOneErrorDiagnostic(t, out, "Cannot reach Grafana", "No answer from Grafana at "+url, "connection refused", "Check url (or GRAFANA_URL) and the network.")
	if strings.Contains(out, "goroutine ") || strings.Contains(out, "panic") {
		t.Errorf("the error output looks like a Go stack:\n%s", out)
	}
	if strings.Contains(out, "secret-pw") {
		t.Errorf("the error output shows the password:\n%s", out)
	}
	if took := time.Since(start); took > 20*time.Second {
		t.Errorf("reporting an unreachable Grafana took %s", took)
	}
}

func TestProviderConfig_UnauthorizedReportedOnce(t *testing.T) {
	t.Parallel()
	g := startOwnEmulator(t, emulator.Config{})
	// Credentials come from the environment: Terraform quotes the
	// configuration line of an error, which would show a configured value
	// whatever the provider does.
	config := providerBlockHCL("url = "+hclQuote(g.URL)) + manyReadersHCL
	out := runExpectingFailure(t, providerEnv{"GRAFANA_AUTH": "admin:not-the-password"}, config, true)
	assertOneErrorDiagnostic(t, out, "Grafana rejected the credentials", "401 Unauthorized", "Check auth (or GRAFANA_AUTH)")
	if strings.Contains(out, "not-the-password") {
		t.Errorf("the error output shows the password:\n%s", out)
	}

	// A token Grafana does not know is a 401 too (tokens exist from generation 2).
	if g.Srv.Emulator.Generation() >= 12 {
		out := runExpectingFailure(t, providerEnv{"GRAFANA_AUTH": "glsa_unknownTokenValue_0123abcd"}, config, true)
		assertOneErrorDiagnostic(t, out, "Grafana rejected the credentials", "service-account token")
		if strings.Contains(out, "glsa_unknownTokenValue_0123abcd") {
			t.Errorf("the error output shows the token:\n%s", out)
		}
	}
}

func TestProviderConfig_ForbiddenReportedOnce(t *testing.T) {
	t.Parallel()
	env := acctest.Get(t)
	// A new user is a Viewer: it may log in, read its own permissions, and
	// nothing more, so Grafana refuses to create a role with a 403.
	_, viewer := env.CreateUser(t, "viewer")
	name := acctest.RandName("forbidden")
	config := env.ProviderConfigWithAuth(viewer) + fmt.Sprintf(`
resource "grafanarbac_custom_role" "a" {
  name = %q
}
`, name)
	out := runExpectingFailure(t, nil, config, false)
	assertOneErrorDiagnostic(t, out, "Cannot create role", "403", "The provider's credentials lack a permission for this: roles:write")
	if _, pass, _ := strings.Cut(viewer, ":"); strings.Contains(out, pass) {
		t.Errorf("the error output shows the password:\n%s", out)
	}
	roles, err := env.Client.ListRoles(context.Background(), grafana.ListRolesOptions{IncludeHidden: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range roles {
		if r.Name == name {
			t.Errorf("the refused role %q exists on the server", name)
		}
	}
}

// writeTempFile writes data to a new file in the test's temp dir.
func writeTempFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestProviderConfig_TLS(t *testing.T) {
	t.Parallel()
	pki := acctest.NewPKI(t)
	other := acctest.NewPKI(t) // a CA the server does not use
	g := startOwnEmulatorWith(t, emulator.Config{}, func(c emulator.Config) (*emulator.Server, error) {
		return emulator.NewTLSServer(c, pki.ServerTLS(false))
	})
	caFile := writeTempFile(t, "ca.pem", pki.CAPEM)
	base := func(attrs ...string) string {
		return providerBlockHCL(append([]string{"url = " + hclQuote(g.URL), "auth = " + hclQuote(g.Auth)}, attrs...)...) + readsGrafanaHCL
	}

	t.Run("ca_cert file", func(t *testing.T) {
		t.Parallel()
		expectProviderWorks(t, nil, base("ca_cert = "+hclQuote(caFile)))
	})
	t.Run("ca_cert PEM", func(t *testing.T) {
		t.Parallel()
		expectProviderWorks(t, nil, base("ca_cert = "+hclQuote(string(pki.CAPEM))))
	})
	t.Run("GRAFANA_CA_CERT", func(t *testing.T) {
		t.Parallel()
		expectProviderWorks(t, providerEnv{"GRAFANA_CA_CERT": caFile}, base())
	})
	t.Run("no ca_cert", func(t *testing.T) {
		t.Parallel()
		out := runExpectingFailure(t, nil, base("retries = 0"), true)
		assertOneErrorDiagnostic(t, out, "Cannot reach Grafana", g.URL, "certificate", "set ca_cert (or GRAFANA_CA_CERT) to the CA that signed it")
	})
	t.Run("ca_cert of another CA", func(t *testing.T) {
		t.Parallel()
		out := runExpectingFailure(t, nil, base("retries = 0", "ca_cert = "+hclQuote(string(other.CAPEM))), true)
		assertOneErrorDiagnostic(t, out, "Cannot reach Grafana", "set ca_cert")
	})
	t.Run("insecure_skip_verify", func(t *testing.T) {
		t.Parallel()
		expectProviderWorks(t, nil, base("insecure_skip_verify = true"))
	})
	t.Run("GRAFANA_INSECURE_SKIP_VERIFY", func(t *testing.T) {
		t.Parallel()
		expectProviderWorks(t, providerEnv{"GRAFANA_INSECURE_SKIP_VERIFY": "true"}, base())
	})
	t.Run("insecure_skip_verify false in the configuration wins", func(t *testing.T) {
		t.Parallel()
		out := runExpectingFailure(t, providerEnv{"GRAFANA_INSECURE_SKIP_VERIFY": "true"}, base("retries = 0", "insecure_skip_verify = false"), true)
		assertOneErrorDiagnostic(t, out, "Cannot reach Grafana", "set ca_cert")
	})
}

func TestProviderConfig_ClientCertificates(t *testing.T) {
	t.Parallel()
	pki := acctest.NewPKI(t)
	other := acctest.NewPKI(t)
	g := startOwnEmulatorWith(t, emulator.Config{}, func(c emulator.Config) (*emulator.Server, error) {
		return emulator.NewTLSServer(c, pki.ServerTLS(true))
	})
	certFile := writeTempFile(t, "client.pem", pki.ClientCertPEM)
	keyFile := writeTempFile(t, "client-key.pem", pki.ClientKeyPEM)
	base := func(attrs ...string) string {
		return providerBlockHCL(append([]string{"url = " + hclQuote(g.URL), "auth = " + hclQuote(g.Auth), "ca_cert = " + hclQuote(string(pki.CAPEM))}, attrs...)...) + readsGrafanaHCL
	}

	t.Run("files", func(t *testing.T) {
		t.Parallel()
		expectProviderWorks(t, nil, base("tls_cert = "+hclQuote(certFile), "tls_key = "+hclQuote(keyFile)))
	})
	t.Run("PEM", func(t *testing.T) {
		t.Parallel()
		expectProviderWorks(t, nil, base("tls_cert = "+hclQuote(string(pki.ClientCertPEM)), "tls_key = "+hclQuote(string(pki.ClientKeyPEM))))
	})
	t.Run("environment", func(t *testing.T) {
		t.Parallel()
		expectProviderWorks(t, providerEnv{"GRAFANA_TLS_CERT": certFile, "GRAFANA_TLS_KEY": keyFile}, base())
	})
	t.Run("none", func(t *testing.T) {
		t.Parallel()
		out := runExpectingFailure(t, nil, base("retries = 0"), true)
		// The wording depends on whether the server's alert survives HTTP/2
		// (see connectionHint); both name the attributes to set.
		assertOneErrorDiagnostic(t, out, "Cannot reach Grafana", g.URL, "tls_cert and tls_key")
	})
	t.Run("signed by another CA", func(t *testing.T) {
		t.Parallel()
		out := runExpectingFailure(t, nil, base("retries = 0", "tls_cert = "+hclQuote(string(other.ClientCertPEM)), "tls_key = "+hclQuote(string(other.ClientKeyPEM))), true)
		assertOneErrorDiagnostic(t, out, "Cannot reach Grafana", "tls_cert and tls_key")
	})
}
