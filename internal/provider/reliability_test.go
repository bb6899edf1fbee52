package provider_test

// Reliability: faults (5xx, 429, lost answers, latency), Grafana down,
// timeouts, and concurrent writers. Each test runs its own emulator of the
// suite's generation, served by relServer so that it can be stopped and
// started again and so that requests can be scripted in front of it.

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/acctest"
	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/emulator"
	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/provider"
)

// relServer serves an emulator on a fixed loopback address that can be
// stopped (connections refused) and started again with the same data.
type relServer struct {
	t    *testing.T
	Em   *emulator.Emulator
	URL  string
	Auth string
	h    http.Handler
	addr string

	mu  sync.Mutex
	srv *http.Server
}

// startRelServer starts an emulator of the suite's generation; wrap, when
// set, puts a handler in front of it.
func startRelServer(t *testing.T, cfg emulator.Config, wrap func(http.Handler) http.Handler) *relServer {
	t.Helper()
	if cfg.Generation == 0 {
		cfg.Generation = suiteEmulatorGeneration()
	}
	cfg.AdminPassword = "pw-" + acctest.RandName("admin")
	em := emulator.New(cfg)
	s := &relServer{t: t, Em: em, Auth: "admin:" + cfg.AdminPassword, h: em, addr: "127.0.0.1:0"}
	if wrap != nil {
		s.h = wrap(em)
	}
	s.Start()
	s.URL = "http://" + s.addr
	t.Cleanup(s.Stop)
	return s
}

func (s *relServer) Start() {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv != nil {
		return
	}
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		s.t.Fatalf("listening on %s: %v", s.addr, err)
	}
	s.addr = ln.Addr().String()
	srv := &http.Server{Handler: s.h, ReadHeaderTimeout: 10 * time.Second}
	s.srv = srv
	// The goroutine keeps its own server: Stop may clear s.srv before it runs.
	go func() { _ = srv.Serve(ln) }()
}

// Stop closes the listener and every connection: Grafana is down.
func (s *relServer) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv != nil {
		_ = s.srv.Close()
		s.srv = nil
	}
}

// client is the tests' own view of Grafana: patient enough for any fault rate used here.
func (s *relServer) client() *grafana.Client {
	s.t.Helper()
	c, err := grafana.New(grafana.Config{URL: s.URL, Auth: s.Auth, Retries: 20, RetryWait: 5 * time.Millisecond,
		RetryWaitMax: 50 * time.Millisecond, UserAgent: "reliability-test"})
	if err != nil {
		s.t.Fatal(err)
	}
	return c
}

// providerHCL is a provider block for the server with extra attributes.
func (s *relServer) providerHCL(attrs ...string) string {
	return fmt.Sprintf("provider %q {\n  url  = %q\n  auth = %q\n  %s\n}\n", acctest.ProviderName, s.URL, s.Auth, strings.Join(attrs, "\n  "))
}

// assignEnv lets the tests use the assignment tests' helpers on this server.
func (s *relServer) assignEnv(t *testing.T, rec *rpcRecorder, attrs ...string) *assignEnv {
	gen := grafana.Generation2
	if s.Em.Generation() == 8 {
		gen = grafana.Generation1
	}
	return &assignEnv{
		t: t, client: s.client(), gen: gen, orgID: 1,
		factories: rec.factories(), preCheck: func() {}, provider: s.providerHCL(attrs...),
		randName: acctest.RandName,
	}
}

// rpcRecorder wraps the provider server and records, per RPC, how long it
// took and which error diagnostics it returned: what the user sees, counted
// at the source.
type rpcRecorder struct {
	mu    sync.Mutex
	calls []rpcCall
}

type rpcCall struct {
	Name   string
	Took   time.Duration
	Errors []string // "summary: detail"
}

func (r *rpcRecorder) factories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		acctest.ProviderName: func() (tfprotov6.ProviderServer, error) {
			s, err := provider.NewProtocol6WithError("acctest")()
			return &recordingServer{ProviderServer: s, rec: r}, err
		},
	}
}

func (r *rpcRecorder) add(name string, start time.Time, diags []*tfprotov6.Diagnostic) {
	c := rpcCall{Name: name, Took: time.Since(start)}
	for _, d := range diags {
		if d != nil && d.Severity == tfprotov6.DiagnosticSeverityError {
			c.Errors = append(c.Errors, d.Summary+": "+d.Detail)
		}
	}
	r.mu.Lock()
	r.calls = append(r.calls, c)
	r.mu.Unlock()
}

// take returns the calls recorded since the last take.
func (r *rpcRecorder) take() []rpcCall {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.calls
	r.calls = nil
	return out
}

// failures are the calls that returned error diagnostics.
func failures(calls []rpcCall) []rpcCall {
	var out []rpcCall
	for _, c := range calls {
		if len(c.Errors) > 0 {
			out = append(out, c)
		}
	}
	return out
}

type recordingServer struct {
	tfprotov6.ProviderServer
	rec *rpcRecorder
}

func (s *recordingServer) ConfigureProvider(ctx context.Context, req *tfprotov6.ConfigureProviderRequest) (*tfprotov6.ConfigureProviderResponse, error) {
	start := time.Now()
	resp, err := s.ProviderServer.ConfigureProvider(ctx, req)
	if resp != nil {
		s.rec.add("ConfigureProvider", start, resp.Diagnostics)
	}
	return resp, err
}

func (s *recordingServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	start := time.Now()
	resp, err := s.ProviderServer.PlanResourceChange(ctx, req)
	if resp != nil {
		s.rec.add("PlanResourceChange "+req.TypeName, start, resp.Diagnostics)
	}
	return resp, err
}

func (s *recordingServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	start := time.Now()
	resp, err := s.ProviderServer.ApplyResourceChange(ctx, req)
	if resp != nil {
		s.rec.add("ApplyResourceChange "+req.TypeName, start, resp.Diagnostics)
	}
	return resp, err
}

func (s *recordingServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	start := time.Now()
	resp, err := s.ProviderServer.ReadResource(ctx, req)
	if resp != nil {
		s.rec.add("ReadResource "+req.TypeName, start, resp.Diagnostics)
	}
	return resp, err
}

// stopBeforeApply is a plan check that takes Grafana down between plan and apply.
type stopBeforeApply struct{ s *relServer }

func (c stopBeforeApply) CheckPlan(_ context.Context, _ plancheck.CheckPlanRequest, _ *plancheck.CheckPlanResponse) {
	c.s.Stop()
}

// statusCounter counts answers by "METHOD route-kind status", in front of the emulator.
type statusCounter struct {
	mu sync.Mutex
	m  map[string]int
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

var numericSegment = regexp.MustCompile(`/\d+(/|$)`)

func (c *statusCounter) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		route := numericSegment.ReplaceAllString(r.URL.Path, "/:id$1")
		if strings.HasPrefix(route, "/api/access-control/roles/") && !strings.HasSuffix(route, "/assignments") {
			route = "/api/access-control/roles/:uid"
		}
		c.mu.Lock()
		c.m[fmt.Sprintf("%s %s %d", r.Method, route, sw.status)]++
		c.mu.Unlock()
	})
}

func (c *statusCounter) get(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[key]
}

// summary counts answers by status, and those to creates, team assignments and updates.
func (c *statusCounter) summary() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	total := map[string]int{}
	var lines []string
	for k, v := range c.m {
		total[k[strings.LastIndex(k, " ")+1:]] += v
		if strings.HasPrefix(k, "POST /api/access-control/roles ") || strings.HasPrefix(k, "POST /api/access-control/teams/:id/roles ") || strings.HasPrefix(k, "PUT ") {
			lines = append(lines, fmt.Sprintf("%s: %d", k, v))
		}
	}
	slices.Sort(lines)
	return fmt.Sprintf("answers by status %v; %s", total, strings.Join(lines, ", "))
}

// loseAnswers carries the first n requests matching method and path out,
// then answers 500: the emulator's LostAnswerRate, made certain for the
// requests whose reconciliation the test must see.
func loseAnswers(method string, path *regexp.Regexp, n int) func(http.Handler) http.Handler {
	return newFault(method, path, http.StatusInternalServerError, true, int64(n)).wrap
}

// throttle answers the first n requests matching method and path 429 with
// Retry-After: 1, without carrying them out. The emulator's own 429s say
// "Retry-After: 0" in these tests, so that waiting stays short.
func throttle(method string, path *regexp.Regexp, n int) func(http.Handler) http.Handler {
	f := newFault(method, path, http.StatusTooManyRequests, false, int64(n))
	f.retryAfter = "1"
	return f.wrap
}

type discardWriter struct{ h http.Header }

func (d discardWriter) Header() http.Header         { return d.h }
func (d discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d discardWriter) WriteHeader(int)             {}

func chain(wraps ...func(http.Handler) http.Handler) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		for i := len(wraps) - 1; i >= 0; i-- {
			h = wraps[i](h)
		}
		return h
	}
}

var (
	postRolePath       = regexp.MustCompile(`^/api/access-control/roles$`)
	postTeamRolePath   = regexp.MustCompile(`^/api/access-control/teams/\d+/roles$`)
	builtinNames       = []string{"Viewer", "Editor", "Admin"}
	reliabilityFaults  = emulator.Faults{ErrorRate: 0.05, LostAnswerRate: 0.05, TooManyRate: 0.05, Latency: 10 * time.Millisecond, Seed: 8}
	reliabilityRetries = "retries = 8" // 15% faults: 0.15^9 per call makes a failed apply improbable
)

// TestAccReliability_faults applies 50 roles and 100 assignments while
// Grafana answers 15% of access-control requests with a fault (5% 500
// before acting, 5% 500 after acting, 5% 429) and adds 10ms to each. The
// server must end with exactly the configured objects and the next plan
// must be empty; the destroy runs under the same faults.
//
// Without reconciliation the lost answers fail the apply: a create that is
// not retried reports the 500; one retried blindly gets 409 for its own
// uid and leaves an orphan (a uid-less one would duplicate the role if
// names were not unique). The first two creates and team assignments are
// throttled with Retry-After: 1 and the next two made to lose their
// answer, so these paths run on every run.
func TestAccReliability_faults(t *testing.T) {
	statuses := &statusCounter{m: map[string]int{}}
	srv := startRelServer(t, emulator.Config{}, chain(statuses.wrap,
		throttle(http.MethodPost, postRolePath, 2), throttle(http.MethodPost, postTeamRolePath, 2),
		loseAnswers(http.MethodPost, postRolePath, 2), loseAnswers(http.MethodPost, postTeamRolePath, 2)))
	rec := &rpcRecorder{}
	env := srv.assignEnv(t, rec, reliabilityRetries)
	const nRoles, nTargets = 50, 5
	perms := env.testPerms(t, nRoles)
	prefix := acctest.RandName("custom:rel")
	teams := make([]int64, nTargets)
	users := make([]int64, nTargets)
	for i := range nTargets {
		teams[i] = env.createTeam(t)
		users[i] = env.createUser(t)
	}

	var hcl []string
	wantTeam := map[int64][]string{}   // team → role names
	wantOther := map[string][]string{} // "user N" or built-in role → role names
	for i := range nRoles {
		name := fmt.Sprintf("%s-%02d", prefix, i)
		hcl = append(hcl, fmt.Sprintf("resource \"grafanarbac_custom_role\" \"r%d\" {\n  name = %q\n  permissions = [%s]\n}\n", i, name, hclPerm(perms[i])))
		team := teams[i%nTargets]
		hcl = append(hcl, fmt.Sprintf("resource \"grafanarbac_team_role_assignment\" \"t%d\" {\n  team_id  = %d\n  role_uid = grafanarbac_custom_role.r%d.uid\n}\n", i, team, i))
		wantTeam[team] = append(wantTeam[team], name)
		if env.gen == grafana.Generation1 {
			b := builtinNames[i%len(builtinNames)]
			hcl = append(hcl, fmt.Sprintf("resource \"grafanarbac_builtin_role_assignment\" \"b%d\" {\n  builtin_role = %q\n  role_uid     = grafanarbac_custom_role.r%d.uid\n}\n", i, b, i))
			wantOther[b] = append(wantOther[b], name)
		} else {
			u := users[i%nTargets]
			hcl = append(hcl, fmt.Sprintf("resource \"grafanarbac_user_role_assignment\" \"u%d\" {\n  user_id  = %d\n  role_uid = grafanarbac_custom_role.r%d.uid\n}\n", i, u, i))
			key := fmt.Sprintf("user %d", u)
			wantOther[key] = append(wantOther[key], name)
		}
	}

	ctx := context.Background()
	c := env.client
	// ours maps the uid of every role of this test on the server to its name.
	ours := func() (map[string]string, error) {
		roles, err := c.ListRoles(ctx, grafana.ListRolesOptions{IncludeHidden: true})
		if err != nil {
			return nil, err
		}
		out := map[string]string{}
		for _, r := range roles {
			if strings.HasPrefix(r.Name, prefix) {
				out[r.UID] = r.Name
			}
		}
		return out, nil
	}
	names := func(roles []grafana.Role, byUID map[string]string) []string {
		var out []string
		for _, r := range roles {
			if n, ok := byUID[r.UID]; ok {
				out = append(out, n)
			}
		}
		slices.Sort(out)
		return out
	}
	same := func(what string, got, want []string) error {
		want = slices.Sorted(slices.Values(want))
		if !slices.Equal(got, want) {
			return fmt.Errorf("%s holds %d of this test's roles, want %d:\n got %v\nwant %v", what, len(got), len(want), got, want)
		}
		return nil
	}

	serverHoldsExactlyTheConfig := func(s *terraform.State) error {
		byUID, err := ours()
		if err != nil {
			return err
		}
		// Exactly one role per configured name, and it is the one in the state.
		if len(byUID) != nRoles {
			return fmt.Errorf("the server holds %d roles named %s-*, want %d", len(byUID), prefix, nRoles)
		}
		for i := range nRoles {
			rs := s.RootModule().Resources[fmt.Sprintf("grafanarbac_custom_role.r%d", i)]
			if rs == nil || byUID[rs.Primary.Attributes["uid"]] != fmt.Sprintf("%s-%02d", prefix, i) {
				return fmt.Errorf("role r%d: the state's uid is not the server's role of that name", i)
			}
		}
		for team, want := range wantTeam {
			roles, err := c.ListTeamRoles(ctx, team, true)
			if err != nil {
				return err
			}
			if err := same(fmt.Sprintf("team %d", team), names(roles, byUID), want); err != nil {
				return err
			}
		}
		if env.gen == grafana.Generation1 {
			m, err := c.ListBuiltinRoleAssignments(ctx, true)
			if err != nil {
				return err
			}
			for _, b := range builtinNames {
				if err := same("built-in role "+b, names(m[b], byUID), wantOther[b]); err != nil {
					return err
				}
			}
			return nil
		}
		for _, u := range users {
			roles, err := c.ListUserRoles(ctx, u, true)
			if err != nil {
				return err
			}
			key := fmt.Sprintf("user %d", u)
			if err := same(key, names(roles, byUID), wantOther[key]); err != nil {
				return err
			}
		}
		return nil
	}

	var start time.Time
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		CheckDestroy: func(*terraform.State) error {
			byUID, err := ours()
			if err != nil {
				return err
			}
			if len(byUID) != 0 {
				return fmt.Errorf("%d roles left after destroy: %v", len(byUID), byUID)
			}
			return nil
		},
		Steps: []resource.TestStep{{
			PreConfig: func() {
				start = time.Now()
				srv.Em.SetFaults(reliabilityFaults)
			},
			Config: env.config(hcl...),
			Check: func(s *terraform.State) error {
				// Not every fault is a lost create: prove the paths ran.
				if n := statuses.get("POST /api/access-control/roles 500"); n < 2 {
					return fmt.Errorf("only %d creates failed with 500; the test proves nothing", n)
				}
				if n := statuses.get("POST /api/access-control/teams/:id/roles 429"); n < 2 {
					return fmt.Errorf("only %d team assignments were throttled; the test proves nothing", n)
				}
				return serverHoldsExactlyTheConfig(s)
			},
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		}},
	})
	t.Logf("generation %d: %s with faults; %s", srv.Em.Generation(), time.Since(start).Round(time.Second), statuses.summary())
}

// TestAccReliability_grafanaDown: with Grafana down, plan and apply fail at
// once with one diagnostic that names the URL, and change nothing: neither
// the state (the next plan of the applied configuration is empty) nor the
// server (no write reached it, the new role does not exist).
func TestAccReliability_grafanaDown(t *testing.T) {
	statuses := &statusCounter{m: map[string]int{}}
	srv := startRelServer(t, emulator.Config{}, statuses.wrap)
	rec := &rpcRecorder{}
	// Three retries, not the default six: the test is of a quick failure,
	// whose length is the retry budget's.
	env := srv.assignEnv(t, rec, "retries = 3")
	perms := env.testPerms(t, 2)
	team := env.createTeam(t)
	nameA, nameB := acctest.RandName("custom:rel-a"), acctest.RandName("custom:rel-b")
	role := func(res, name string, p grafana.Permission) string {
		return fmt.Sprintf("resource \"grafanarbac_custom_role\" %q {\n  name = %q\n  permissions = [%s]\n}\n", res, name, hclPerm(p))
	}
	configA := env.config(role("a", nameA, perms[0]),
		fmt.Sprintf("resource \"grafanarbac_team_role_assignment\" \"a\" {\n  team_id  = %d\n  role_uid = grafanarbac_custom_role.a.uid\n}\n", team))
	configB := configA + role("b", nameB, perms[1])
	down := regexp.MustCompile(`Cannot reach Grafana[\s\S]*No answer from Grafana at[\s\S]*` + regexp.QuoteMeta(srv.URL))

	// oneQuickFailure checks what the provider returned during the failed step.
	oneQuickFailure := func(step string) {
		failed := failures(rec.take())
		if len(failed) != 1 || failed[0].Name != "ConfigureProvider" || len(failed[0].Errors) != 1 {
			t.Errorf("%s: want one call failing with one diagnostic, got %+v", step, failed)
			return
		}
		// Three retries of a refused connection, backing off from half a second.
		if took := failed[0].Took; took > 10*time.Second {
			t.Errorf("%s: failing took %s", step, took)
		}
		t.Logf("%s: failed after %s: %s", step, failed[0].Took.Round(10*time.Millisecond), failed[0].Errors[0])
	}
	writes := func() int {
		statuses.mu.Lock()
		defer statuses.mu.Unlock()
		n := 0
		for k, v := range statuses.m {
			if !strings.HasPrefix(k, "GET ") && !strings.Contains(k, "/search ") {
				n += v
			}
		}
		return n
	}
	var writesBefore int
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		Steps: []resource.TestStep{
			{Config: configA},
			{
				PreConfig: func() {
					writesBefore = writes()
					rec.take()
					srv.Stop()
				},
				Config:      configB,
				ExpectError: down,
			},
			{
				// The plan succeeds; Grafana goes down before the apply.
				PreConfig: func() {
					oneQuickFailure("plan")
					srv.Start()
				},
				Config:           configB,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{stopBeforeApply{srv}}},
				ExpectError:      down,
			},
			{
				PreConfig: func() {
					oneQuickFailure("apply")
					srv.Start()
					if n := writes() - writesBefore; n != 0 {
						t.Errorf("%d writes reached Grafana while it was down", n)
					}
					if roles, _ := env.client.ListRoles(context.Background(), grafana.ListRolesOptions{}); slices.ContainsFunc(roles, func(r grafana.Role) bool { return r.Name == nameB }) {
						t.Errorf("role %s exists after the failed applies", nameB)
					}
				},
				// An empty plan: the failed runs left the state as it was.
				Config:   configA,
				PlanOnly: true,
			},
		},
	})
}

// TestAccReliability_timeout: a Grafana that accepts connections but does
// not answer yields a timeout diagnostic after about timeout × (retries + 1),
// not a hang: at Configure when everything hangs, and in the resource when
// only its write hangs (the read that reconciles it answers).
func TestAccReliability_timeout(t *testing.T) {
	hangTeamAdds := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && postTeamRolePath.MatchString(r.URL.Path) {
				select {
				case <-r.Context().Done():
				case <-time.After(30 * time.Second):
				}
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	srv := startRelServer(t, emulator.Config{}, hangTeamAdds)
	rec := &rpcRecorder{}
	env := srv.assignEnv(t, rec, "timeout = 1", "retries = 1")
	roleUID := env.createRole(t, env.testPerms(t, 1), false).UID
	team := env.createTeam(t)
	hung := 5 * time.Second

	check := func(step, call string, minimum, maximum time.Duration) {
		failed := failures(rec.take())
		if len(failed) != 1 || !strings.HasPrefix(failed[0].Name, call) || len(failed[0].Errors) != 1 {
			t.Errorf("%s: want one %s failing with one diagnostic, got %+v", step, call, failed)
			return
		}
		// Sooner than the server would answer: the timeout cut it short.
		if took := failed[0].Took; took < minimum || took > maximum {
			t.Errorf("%s: failed after %s, want between %s and %s", step, took, minimum, maximum)
		}
		t.Logf("%s: failed after %s: %s", step, failed[0].Took.Round(10*time.Millisecond), failed[0].Errors[0])
	}
	var start time.Time // set when the steps run: ParallelTest waits for the serial tests first
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		Steps: []resource.TestStep{
			{
				// Every access-control request hangs: two attempts of one second each.
				PreConfig: func() {
					start = time.Now()
					srv.Em.SetFaults(emulator.Faults{Latency: hung})
				},
				Config:      env.config(readsGrafanaHCL),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Grafana did not answer in time[\s\S]*no answer within 1s[\s\S]*raise timeout`),
			},
			{
				PreConfig: func() {
					check("everything hangs", "ConfigureProvider", 2*time.Second, hung)
					srv.Em.SetFaults(emulator.Faults{})
				},
				Config:      env.config(teamAssignmentHCL("hung", team, roleUID, "")),
				ExpectError: regexp.MustCompile(`Cannot assign role[\s\S]*no answer within 1s[\s\S]*raise timeout`),
			},
		},
	})
	check("a write hangs", "ApplyResourceChange", 2*time.Second, hung)
	// Loose: a guard against hangs, not a benchmark (Terraform runs in between).
	if took := time.Since(start); took > time.Minute {
		t.Errorf("the steps took %s", took)
	}
}

// otherWriter is a second client changing the built-in role Editor while
// Terraform applies: on generation 2 by read-modify-write of basic_editor
// (adding permissions, removing some it added, each write a version bump),
// on generation 1 by granting and revoking its own roles. It keeps a model
// of what it left there, which the server must hold afterwards.
type otherWriter struct {
	c     *grafana.Client
	gen   grafana.Generation
	pool  []grafana.Permission // generation 2: permissions to add
	roles []string             // generation 1: roles to toggle

	mu       sync.Mutex
	n        int
	held     map[grafana.Permission]bool // generation 2: true = present, false = removed
	granted  map[string]bool             // generation 1
	outdated int                         // writes refused as outdated, redone
	err      error                       // why the writer stopped early

	stop, done chan struct{}
}

const basicEditor = "basic_editor"

// step makes one change.
func (w *otherWriter) step(ctx context.Context) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.n++
	if w.gen == grafana.Generation1 {
		uid := w.roles[w.n%len(w.roles)]
		var err error
		if w.granted[uid] {
			err = w.c.RemoveBuiltinRoleAssignment(ctx, "Editor", uid, false)
		} else {
			err = w.c.AddBuiltinRoleAssignment(ctx, "Editor", uid, false)
		}
		if err == nil {
			w.granted[uid] = !w.granted[uid]
		}
		return err
	}
	add := w.pool[w.n%len(w.pool)]
	var remove *grafana.Permission
	if w.n%3 == 0 && w.n >= 2 {
		remove = &w.pool[(w.n-2)%len(w.pool)]
	}
	for {
		role, err := w.c.GetRole(ctx, basicEditor)
		if err != nil {
			return err
		}
		next := append(slices.Clone(role.Permissions), add)
		if remove != nil {
			next = grafana.PermissionsMinus(next, []grafana.Permission{*remove})
		}
		_, err = w.c.UpdateRole(ctx, basicEditor, grafana.UpdateRoleRequest{
			Version: role.Version + 1, Name: role.Name, DisplayName: role.DisplayName, Description: role.Description,
			Group: role.Group, Global: role.Global, Hidden: role.Hidden, Permissions: next,
		})
		if grafana.IsVersionOutdated(err) {
			w.outdated++
			continue
		}
		if err != nil {
			return err
		}
		w.held[add] = true
		if remove != nil && *remove != add {
			w.held[*remove] = false
		}
		return nil
	}
}

// start makes a change every interval until halt. Faster than a person
// but not so fast that a provider write, whose read-modify-write window
// includes reading the custom roles, can never win (see basicRoleWriteAttempts).
func (w *otherWriter) start(t *testing.T, interval time.Duration) {
	w.stop, w.done = make(chan struct{}), make(chan struct{})
	t.Cleanup(w.halt)
	go func() {
		defer close(w.done)
		for {
			select {
			case <-w.stop:
				return
			case <-time.After(interval):
			}
			if err := w.step(context.Background()); err != nil {
				w.mu.Lock()
				w.err = err
				w.mu.Unlock()
				return
			}
		}
	}()
}

func (w *otherWriter) halt() {
	if w.stop != nil {
		close(w.stop)
		<-w.done
		w.stop = nil
	}
}

// check compares Editor with the writer's model; roles are this test's
// assigned roles, which Editor must hold (present) or not.
func (w *otherWriter) check(ctx context.Context, roles []*grafana.Role, present bool) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return fmt.Errorf("the other writer failed: %w", w.err)
	}
	if w.gen == grafana.Generation1 {
		m, err := w.c.ListBuiltinRoleAssignments(ctx, true)
		if err != nil {
			return err
		}
		has := func(uid string) bool {
			return slices.ContainsFunc(m["Editor"], func(r grafana.Role) bool { return r.UID == uid })
		}
		for uid, want := range w.granted {
			if has(uid) != want {
				return fmt.Errorf("the other writer's grant of %s to Editor: present %v, want %v", uid, has(uid), want)
			}
		}
		for _, r := range roles {
			if has(r.UID) != present {
				return fmt.Errorf("Editor holds %s: %v, want %v", r.UID, has(r.UID), present)
			}
		}
		return nil
	}
	role, err := w.c.GetRole(ctx, basicEditor)
	if err != nil {
		return err
	}
	has := func(p grafana.Permission) bool { return slices.Contains(role.Permissions, p) }
	for p, want := range w.held {
		if has(p) != want {
			return fmt.Errorf("%s: the other writer's %v: present %v, want %v (a lost update)", basicEditor, p, has(p), want)
		}
	}
	for _, r := range roles {
		for _, p := range r.Permissions {
			if has(p) != present {
				return fmt.Errorf("%s holds %v of role %s: %v, want %v", basicEditor, p, r.UID, has(p), present)
			}
		}
	}
	return nil
}

// TestAccReliability_concurrency: at Terraform's default parallelism (10)
// ten assignments each go to one team, one user and the built-in role
// Editor, while a second client keeps changing Editor. Every assignment
// ends present, and so does every change of the other client. On
// generation 2 the first three of the provider's writes to basic_editor are
// made to lose the race for certain (the other client writes just before
// each reaches Grafana), so the version-outdated retry runs on every run.
func TestAccReliability_concurrency(t *testing.T) {
	var writer *otherWriter
	var raced atomic.Int64
	statuses := &statusCounter{m: map[string]int{}}
	raceProviderWrites := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPut && r.URL.Path == "/api/access-control/roles/"+basicEditor &&
				strings.Contains(r.UserAgent(), "terraform-provider-grafanarbac") && raced.Add(1) <= 3 {
				if err := writer.step(r.Context()); err != nil {
					t.Errorf("interfering write: %v", err)
				}
			}
			next.ServeHTTP(w, r)
		})
	}
	srv := startRelServer(t, emulator.Config{Faults: emulator.Faults{Latency: 2 * time.Millisecond}}, chain(statuses.wrap, raceProviderWrites))
	rec := &rpcRecorder{}
	env := srv.assignEnv(t, rec)
	const n = 10
	perms := env.testPerms(t, 3*n+200)
	team, user := env.createTeam(t), env.createUser(t)
	writer = &otherWriter{c: env.client, gen: env.gen, pool: perms[3*n:], held: map[grafana.Permission]bool{}, granted: map[string]bool{}}
	if env.gen == grafana.Generation1 {
		for i := range 4 {
			writer.roles = append(writer.roles, env.createRole(t, perms[3*n+i:3*n+i+1], false).UID)
		}
	}

	var hcl []string
	var teamRoles, userRoles, editorRoles []*grafana.Role
	for i := range n {
		teamRoles = append(teamRoles, env.createRole(t, perms[3*i:3*i+1], false))
		userRoles = append(userRoles, env.createRole(t, perms[3*i+1:3*i+2], false))
		editorRoles = append(editorRoles, env.createRole(t, perms[3*i+2:3*i+3], false))
		hcl = append(hcl,
			teamAssignmentHCL(fmt.Sprintf("t%d", i), team, teamRoles[i].UID, ""),
			userAssignmentHCL(fmt.Sprintf("u%d", i), user, userRoles[i].UID, ""),
			builtinAssignmentHCL(fmt.Sprintf("e%d", i), "Editor", editorRoles[i].UID, ""))
	}
	ctx := context.Background()
	holds := func(what string, list func() ([]grafana.Role, error), want []*grafana.Role, present bool) error {
		roles, err := list()
		if err != nil {
			return err
		}
		for _, r := range want {
			if rolesHaveUID(roles, r.UID) != present {
				return fmt.Errorf("%s holds role %s: %v, want %v", what, r.UID, !present, present)
			}
		}
		return nil
	}
	teamList := func() ([]grafana.Role, error) { return env.client.ListTeamRoles(ctx, team, true) }
	userList := func() ([]grafana.Role, error) { return env.client.ListUserRoles(ctx, user, true) }

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: rec.factories(),
		CheckDestroy: func(*terraform.State) error {
			writer.halt()
			if err := holds("the team", teamList, teamRoles, false); err != nil {
				return err
			}
			if err := holds("the user", userList, userRoles, false); err != nil {
				return err
			}
			return writer.check(ctx, editorRoles, false)
		},
		Steps: []resource.TestStep{{
			PreConfig: func() { writer.start(t, 100*time.Millisecond) },
			Config:    env.config(hcl...),
			Check: func(*terraform.State) error {
				if err := holds("the team", teamList, teamRoles, true); err != nil {
					return err
				}
				if err := holds("the user", userList, userRoles, true); err != nil {
					return err
				}
				if err := writer.check(ctx, editorRoles, true); err != nil {
					return err
				}
				if env.gen == grafana.Generation2 {
					if n := statuses.get("PUT /api/access-control/roles/:uid 400"); n < 3 {
						return fmt.Errorf("only %d writes to %s were refused as outdated; the races did not happen", n, basicEditor)
					}
				}
				return nil
			},
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
		}},
	})
	writer.halt()
	t.Logf("generation %d: the other writer made %d changes (%d redone after losing a race); %s",
		srv.Em.Generation(), writer.n, writer.outdated, statuses.summary())
}

// rolesHaveUID reports whether roles lists uid.
func rolesHaveUID(roles []grafana.Role, uid string) bool {
	return slices.ContainsFunc(roles, func(r grafana.Role) bool { return r.UID == uid })
}
