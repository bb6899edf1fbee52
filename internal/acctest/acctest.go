// Package acctest is the acceptance-test harness: one Grafana per test
// binary (an in-process emulator, or a real Grafana named by GRAFANA_URL and
// GRAFANA_AUTH) and the provider factories that talk to it.
package acctest

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	sdkacctest "github.com/hashicorp/terraform-plugin-testing/helper/acctest"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/emulator"
	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/provider"
)

// EnvGeneration selects the emulator's Grafana: 8 (API generation 1),
// 12 (generation 2, the default) or 13 (generation 2 with Grafana 13's version rule).
const EnvGeneration = "GRAFANA_EMULATOR_GENERATION"

// EnvVersion optionally sets the Grafana version the emulator reports and
// follows (e.g. 13.3.0); it must fit the generation.
const EnvVersion = "GRAFANA_EMULATOR_VERSION"

// ProviderName is the provider's type name in configurations.
const ProviderName = "grafanarbac"

// ProtoV6ProviderFactories serve the provider in-process.
var ProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	ProviderName: provider.NewProtocol6WithError("acctest"),
}

// ProviderFactoriesWithEnv serve a provider whose only environment is env:
// GRAFANA_* variables not in it are unset. Tests of the environment use it
// instead of t.Setenv, which would keep them from running in parallel.
func ProviderFactoriesWithEnv(env map[string]string) map[string]func() (tfprotov6.ProviderServer, error) {
	getenv := func(k string) string { return env[k] }
	return map[string]func() (tfprotov6.ProviderServer, error){
		ProviderName: provider.NewProtocol6WithEnvWithError("acctest", getenv),
	}
}

// Env is the Grafana the acceptance tests run against.
type Env struct {
	URL  string
	Auth string // credentials of the provider in tests (an admin)
	// OrgID is the provider's organization.
	OrgID  int64
	Client *grafana.Client
	// Emulator is nil when the tests run against a real Grafana.
	Emulator *emulator.Server
}

// Real reports whether the tests run against a real Grafana.
func (e *Env) Real() bool { return e.Emulator == nil }

var (
	envOnce sync.Once
	env     *Env
	envErr  error
)

// Get returns the test binary's Grafana, starting the emulator on first use.
// It skips the test unless TF_ACC is set, as resource.Test would.
func Get(t testing.TB) *Env {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance tests need TF_ACC=1 (make test sets it)")
	}
	envOnce.Do(func() { env, envErr = start() })
	if envErr != nil {
		t.Fatalf("acceptance environment: %v", envErr)
	}
	return env
}

func start() (*Env, error) {
	if u, a := os.Getenv("GRAFANA_URL"), os.Getenv("GRAFANA_AUTH"); u != "" || a != "" {
		if u == "" || a == "" {
			return nil, fmt.Errorf("set both GRAFANA_URL and GRAFANA_AUTH to test against a real Grafana, or neither to use the emulator")
		}
		org := int64(1)
		if v := os.Getenv("GRAFANA_ORG_ID"); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 1 {
				return nil, fmt.Errorf("GRAFANA_ORG_ID must be a positive number, not %q", v)
			}
			org = n
		}
		return connect(&Env{URL: strings.TrimRight(u, "/"), Auth: a, OrgID: org})
	}

	gen := 12
	if v := os.Getenv(EnvGeneration); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || (n != 8 && n != 12 && n != 13) {
			return nil, fmt.Errorf("%s must be 8, 12 or 13, not %q", EnvGeneration, v)
		}
		gen = n
	}
	// A password that is no common word: the client scrubs it from every
	// message, and "admin" would be scrubbed from role names too.
	password := "acc-" + sdkacctest.RandString(12)
	srv, err := emulator.NewServer(emulator.Config{Generation: gen, Version: os.Getenv(EnvVersion), AdminPassword: password})
	if err != nil {
		return nil, fmt.Errorf("starting the emulator: %w", err)
	}
	e, err := connect(&Env{URL: srv.URL, Auth: "admin:" + password, OrgID: 1, Emulator: srv})
	if err != nil {
		srv.Close()
	}
	return e, err
}

func connect(e *Env) (*Env, error) {
	c, err := grafana.New(grafana.Config{URL: e.URL, Auth: e.Auth, OrgID: e.OrgID, Retries: 2})
	if err != nil {
		return nil, err
	}
	if _, err := c.Generation(context.Background()); err != nil {
		return nil, fmt.Errorf("asking %s for its API generation: %w", e.URL, err)
	}
	e.Client = c
	return e, nil
}

// PreCheck fails fast when the environment is unusable.
func PreCheck(t *testing.T) {
	t.Helper()
	Get(t)
}

// ProviderConfig is a provider block for the test Grafana with the harness's credentials.
func (e *Env) ProviderConfig() string {
	return e.ProviderConfigWithAuth(e.Auth)
}

// ProviderConfigWithAuth is a provider block for the test Grafana with other credentials.
func (e *Env) ProviderConfigWithAuth(auth string) string {
	return fmt.Sprintf("provider %q {\n  url    = %q\n  auth   = %q\n  org_id = %d\n}\n", ProviderName, e.URL, auth, e.OrgID)
}

// Generation is the API generation of the test Grafana.
func (e *Env) Generation(t testing.TB) grafana.Generation {
	t.Helper()
	g, err := e.Client.Generation(context.Background())
	if err != nil {
		t.Fatalf("API generation: %v", err)
	}
	return g
}

// RandName is a name no other test run uses; on a real Grafana the prefix
// tells leftovers apart (tf-acc-…).
func RandName(prefix string) string {
	return "tf-acc-" + prefix + "-" + sdkacctest.RandString(10)
}

// CreateUser makes a user of the test org with a password and removes it when the test ends.
// It returns the user's id and credentials ("login:password").
func (e *Env) CreateUser(t testing.TB, prefix string) (int64, string) {
	t.Helper()
	login := strings.ToLower(RandName(prefix))
	password := "pw-" + sdkacctest.RandString(16)
	id, err := e.Client.CreateUser(context.Background(), grafana.CreateUserRequest{Login: login, Password: password, OrgID: e.OrgID})
	if err != nil {
		t.Fatalf("creating user %s: %v", login, err)
	}
	t.Cleanup(func() {
		if err := e.Client.DeleteUser(context.Background(), id); err != nil && !grafana.IsNotFound(err) {
			t.Errorf("deleting user %s: %v", login, err)
		}
	})
	return id, login + ":" + password
}

// CreateTeam makes a team of the test org and removes it when the test ends.
func (e *Env) CreateTeam(t testing.TB, prefix string) (int64, string) {
	t.Helper()
	name := RandName(prefix)
	id, err := e.Client.CreateTeam(context.Background(), name, "")
	if err != nil {
		t.Fatalf("creating team %s: %v", name, err)
	}
	t.Cleanup(func() {
		if err := e.Client.DeleteTeam(context.Background(), id); err != nil && !grafana.IsNotFound(err) {
			t.Errorf("deleting team %s: %v", name, err)
		}
	})
	return id, name
}

// CreateServiceAccount makes a service account of the test org with the
// given org role (Viewer, Editor, Admin) and removes it, with its tokens,
// when the test ends. Service accounts need Grafana 9+.
func (e *Env) CreateServiceAccount(t testing.TB, prefix, role string) int64 {
	t.Helper()
	name := RandName(prefix)
	sa, err := e.Client.CreateServiceAccount(context.Background(), name, role)
	if err != nil {
		t.Fatalf("creating service account %s: %v", name, err)
	}
	t.Cleanup(func() {
		if err := e.Client.DeleteServiceAccount(context.Background(), sa.ID); err != nil && !grafana.IsNotFound(err) {
			t.Errorf("deleting service account %s: %v", name, err)
		}
	})
	return sa.ID
}

// ServiceAccountToken makes a service account with the given org role and
// returns its id and a token for it, for provider credentials that are no
// server admin (see CreateServiceAccount).
func (e *Env) ServiceAccountToken(t testing.TB, prefix, role string) (int64, string) {
	t.Helper()
	id := e.CreateServiceAccount(t, prefix, role)
	token, err := e.Client.CreateServiceAccountToken(context.Background(), id, "terraform")
	if err != nil {
		t.Fatalf("creating a token for service account %d: %v", id, err)
	}
	return id, token
}
