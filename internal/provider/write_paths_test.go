package provider_test

// The paths besides the happy one: a write carried out whose answer is lost
// (or whose connection drops) with no retry left, writes retried after a
// 500, a 429 or a lost answer, imports, which must adopt without writing and
// refuse what does not exist, and two resources naming one role. Each test
// runs an emulator of the suite's generation and release, with faults aimed
// at one request in front of it, and asks Grafana what each step left.

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/acctest"
	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/emulator"
	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

// pathFault answers the next left requests matching method and path with
// status; carry carries them out first, as a proxy that gives up after
// Grafana committed. Status 0 closes the connection instead of answering.
// A 429 says Retry-After: retryAfter, 0 when empty, so retries stay fast.
type pathFault struct {
	method     string
	path       *regexp.Regexp
	status     int
	carry      bool
	retryAfter string
	left       atomic.Int64
	hits       atomic.Int64
	then       *pathFault // armed for one request once this one answers
}

func newFault(method string, path *regexp.Regexp, status int, carry bool, n int64) *pathFault {
	f := &pathFault{method: method, path: path, status: status, carry: carry}
	f.left.Store(n)
	return f
}

// arm aims the fault at the next n matching requests.
func (f *pathFault) arm(n int64) { f.left.Store(n) }

func (f *pathFault) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != f.method || !f.path.MatchString(r.URL.Path) || f.left.Add(-1) < 0 {
			next.ServeHTTP(w, r)
			return
		}
		f.hits.Add(1)
		if f.carry {
			next.ServeHTTP(&statusWriter{ResponseWriter: discardWriter{h: http.Header{}}}, r)
		}
		if f.then != nil {
			f.then.arm(1)
		}
		status := f.status
		if status == 0 {
			if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
				_ = conn.Close()
				return
			}
			status = http.StatusBadGateway // cannot drop it: lose the answer
		}
		if status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", cmp.Or(f.retryAfter, "0"))
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = fmt.Fprintf(w, `{"message":%q}`, http.StatusText(status))
	})
}

// expectHits fails unless each fault answered at least one request: a
// fault that never fired proves nothing.
func expectHits(faults ...*pathFault) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, f := range faults {
			if f.hits.Load() == 0 {
				return fmt.Errorf("no %s %s was answered %d: the test proves nothing", f.method, f.path, f.status)
			}
		}
		return nil
	}
}

// writeCounter counts the requests that are not reads (a search is one,
// though a POST), and names the last.
type writeCounter struct {
	n    atomic.Int64
	last atomic.Value
}

func (c *writeCounter) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead && !strings.HasSuffix(r.URL.Path, "/search") {
			c.n.Add(1)
			c.last.Store(r.Method + " " + r.URL.Path)
		}
		next.ServeHTTP(w, r)
	})
}

// grantFixture is what a path test needs of an authoritative resource: n
// grants, numbered from 0, that one block of it states.
type grantFixture struct {
	hcl  func(grants ...int) string // the block stating exactly these grants
	held func(i int) bool           // whether grant i is on the server
	add  func(i int) error          // makes grant i outside Terraform
}

// roleSetKind is an authoritative resource and the PUT that sets its grants.
type roleSetKind struct {
	name    string
	write   *regexp.Regexp // the PUT
	remove  *regexp.Regexp // the DELETE of one grant, as a destroy sends
	gen2    bool           // needs generation 2
	from92  bool           // writes with that PUT only from Grafana 9.2
	fixture func(t *testing.T, env *assignEnv, n int) grantFixture
}

func roleSetKinds() []roleSetKind {
	ctx := context.Background()
	// byHolder: role i granted to one team or user.
	byHolder := func(resourceType, attr, kind string, create func(*assignEnv, *testing.T) int64, add func(env *assignEnv, id int64, uid string) error) func(*testing.T, *assignEnv, int) grantFixture {
		return func(t *testing.T, env *assignEnv, n int) grantFixture {
			id := create(env, t)
			roles := make([]string, n)
			for i := range roles {
				roles[i] = env.createRole(t, env.testPerms(t, 1), false).UID
			}
			return grantFixture{
				hcl: func(grants ...int) string {
					uids := make([]string, len(grants))
					for j, i := range grants {
						uids[j] = roles[i]
					}
					return fmt.Sprintf("resource %q \"test\" {\n  %s   = %d\n  role_uids = %s\n}", resourceType, attr, id, hclSet(uids))
				},
				held: func(i int) bool { return env.holds(t, kind, id, roles[i]) },
				add:  func(i int) error { return add(env, id, roles[i]) },
			}
		}
	}
	return []roleSetKind{
		{
			name: "team_roles", write: regexp.MustCompile(`^/api/access-control/teams/\d+/roles$`),
			remove: regexp.MustCompile(`^/api/access-control/teams/\d+/roles/[^/]+$`),
			fixture: byHolder("grafanarbac_team_roles", "team_id", "team", (*assignEnv).createTeam,
				func(env *assignEnv, id int64, uid string) error { return env.client.AddTeamRole(ctx, id, uid) }),
		},
		{
			name: "user_roles", write: regexp.MustCompile(`^/api/access-control/users/\d+/roles$`),
			remove: regexp.MustCompile(`^/api/access-control/users/\d+/roles/[^/]+$`),
			fixture: byHolder("grafanarbac_user_roles", "user_id", "user", (*assignEnv).createUser,
				func(env *assignEnv, id int64, uid string) error { return env.client.AddUserRole(ctx, id, uid, false) }),
		},
		{
			// One role granted to user i.
			name: "role_assignments", write: regexp.MustCompile(`^/api/access-control/roles/[^/]+/assignments$`), gen2: true, from92: true,
			remove: regexp.MustCompile(`^/api/access-control/users/\d+/roles/[^/]+$`),
			fixture: func(t *testing.T, env *assignEnv, n int) grantFixture {
				role := env.createRole(t, env.testPerms(t, 1), false).UID
				users := make([]int64, n)
				for i := range users {
					users[i] = env.createUser(t)
				}
				return grantFixture{
					hcl: func(grants ...int) string {
						ids := make([]string, len(grants))
						for j, i := range grants {
							ids[j] = fmt.Sprint(users[i])
						}
						return fmt.Sprintf("resource \"grafanarbac_role_assignments\" \"test\" {\n  role_uid = %q\n  users    = [%s]\n}", role, strings.Join(ids, ", "))
					},
					held: func(i int) bool { return env.holds(t, "user", users[i], role) },
					add:  func(i int) error { return env.client.AddUserRole(ctx, users[i], role, false) },
				}
			},
		},
	}
}

// pathServer is an emulator of the suite's generation and release for one
// path test, with wrap in front of it.
func pathServer(t *testing.T, wrap func(http.Handler) http.Handler) *relServer {
	return startRelServer(t, emulator.Config{Version: os.Getenv(acctest.EnvVersion)}, wrap)
}

// writeOf is the request that sets the kind's grants on the suite's
// Grafana; one is false where grants are written one by one (each
// reconciled by reading it back).
func (k roleSetKind) writeOf() (method string, path *regexp.Regexp, one bool) {
	if v := os.Getenv(acctest.EnvVersion); k.from92 && (strings.HasPrefix(v, "9.0.") || strings.HasPrefix(v, "9.1.")) {
		return http.MethodPost, regexp.MustCompile(`^/api/access-control/users/\d+/roles$`), false
	}
	return http.MethodPut, k.write, true
}

// skipUnlessRuns skips a kind the emulated Grafana cannot run.
func (k roleSetKind) skipUnlessRuns(t *testing.T, srv *relServer) {
	t.Helper()
	if k.gen2 && srv.Em.Generation() == 8 {
		t.Skip("needs generation 2")
	}
}

// expectGrants checks which grants the server holds.
func expectGrants(f grantFixture, held []int, notHeld []int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, i := range held {
			if !f.held(i) {
				return fmt.Errorf("grant %d is not on the server", i)
			}
		}
		for _, i := range notHeld {
			if f.held(i) {
				return fmt.Errorf("grant %d is still on the server", i)
			}
		}
		return nil
	}
}

// TestAccRoleSets_answerLost: a create, then an update, that Grafana
// carried out but whose answer was lost, with no retry left, fail the
// apply. The next apply converges: after the create it writes again; after
// the update it finds the server as configured and plans nothing. The
// destroy that follows must still remove the grant that update added (and
// leave one made outside Terraform). Without recording it, the destroy
// removed only the grants of the apply before, and left the added one.
func TestAccRoleSets_answerLost(t *testing.T) {
	for _, k := range roleSetKinds() {
		t.Run(k.name, func(t *testing.T) {
			method, path, one := k.writeOf()
			if !one {
				t.Skipf("Grafana %s has no single write of the grants: each grant is read back after a lost answer", os.Getenv(acctest.EnvVersion))
			}
			trap := newFault(method, path, http.StatusInternalServerError, true, 0)
			srv := pathServer(t, trap.wrap)
			k.skipUnlessRuns(t, srv)
			env := srv.assignEnv(t, &rpcRecorder{}, "retries = 0")
			f := k.fixture(t, env, 3)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: env.factories,
				Steps: []resource.TestStep{
					{PreConfig: func() { trap.arm(1) }, Config: env.config(f.hcl(0)), ExpectError: regexp.MustCompile(`500`)},
					{Config: env.config(f.hcl(0)), ConfigPlanChecks: asgEmptyPlanAfterApply, Check: expectGrants(f, []int{0}, []int{1})},
					{
						PreConfig:   func() { trap.arm(1) },
						Config:      env.config(f.hcl(0, 1)),
						ExpectError: regexp.MustCompile(`500`),
					},
					{
						PreConfig: func() {
							if n := trap.hits.Load(); n != 2 {
								t.Fatalf("%d answers lost, want 2", n)
							}
						},
						Config: env.config(f.hcl(0, 1)), ConfigPlanChecks: asgEmptyPlanAfterApply, Check: expectGrants(f, []int{0, 1}, nil),
					},
					{
						PreConfig: func() {
							if err := f.add(2); err != nil {
								t.Fatal(err)
							}
						},
						Config: env.config(),
						Check:  expectGrants(f, []int{2}, []int{0, 1}),
					},
				},
			})
		})
	}
}

// TestAccRoleSets_retriedWrites: the apply's write is answered 500 before
// Grafana acts, then carried out with the connection dropped, then with its
// answer lost; the destroy's
// removals are throttled, then one is carried out with its answer lost.
// Each is retried: the apply converges with exactly the configured grants,
// and the destroy removes them (a removal repeated after it took effect is
// a 404, which is fine) and leaves a grant made outside Terraform.
func TestAccRoleSets_retriedWrites(t *testing.T) {
	for _, k := range roleSetKinds() {
		t.Run(k.name, func(t *testing.T) {
			method, path, _ := k.writeOf()
			failed := newFault(method, path, http.StatusInternalServerError, false, 1)
			dropped := newFault(method, path, 0, true, 1)
			lost := newFault(method, path, http.StatusInternalServerError, true, 1)
			throttled := newFault(http.MethodDelete, k.remove, http.StatusTooManyRequests, false, 1)
			removed := newFault(http.MethodDelete, k.remove, http.StatusBadGateway, true, 1)
			srv := pathServer(t, chain(failed.wrap, dropped.wrap, lost.wrap, throttled.wrap, removed.wrap))
			k.skipUnlessRuns(t, srv)
			env := srv.assignEnv(t, &rpcRecorder{}, "retries = 3")
			f := k.fixture(t, env, 3)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: env.factories,
				Steps: []resource.TestStep{
					{
						Config: env.config(f.hcl(0, 1)), ConfigPlanChecks: asgEmptyPlanAfterApply,
						Check: resource.ComposeTestCheckFunc(expectHits(failed, dropped, lost), expectGrants(f, []int{0, 1}, []int{2})),
					},
					{
						PreConfig: func() {
							if err := f.add(2); err != nil {
								t.Fatal(err)
							}
						},
						Config: env.config(),
						Check:  resource.ComposeTestCheckFunc(expectHits(throttled, removed), expectGrants(f, []int{2}, []int{0, 1})),
					},
				},
			})
		})
	}
}

// TestAccImport_adoptsWithoutWriting: every resource imports what was made
// outside Terraform, and a plan of the configuration that states it is
// empty, without a single write to Grafana. Destroying them then removes
// what was imported and nothing else: a default grant found removed stays
// removed, and grants of the same role to others stay.
func TestAccImport_adoptsWithoutWriting(t *testing.T) {
	writes := &writeCounter{}
	srv := pathServer(t, writes.wrap)
	env := srv.assignEnv(t, &rpcRecorder{})
	ctx := context.Background()
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	perms := env.testPerms(t, 3)
	name := env.randName("custom:acc:import")
	custom, err := env.client.CreateRole(ctx, grafana.CreateRoleRequest{Name: name, UID: roleUIDFor(name), Version: 1, Permissions: perms[:1]})
	must(err)
	role := env.createRole(t, perms[1:2], false) // granted to each holder
	granted := env.createRole(t, perms[2:3], false)
	team, user, setTeam, setUser, holderUser, other := env.createTeam(t), env.createUser(t), env.createTeam(t), env.createUser(t), env.createUser(t), env.createUser(t)
	must(env.client.AddTeamRole(ctx, team, role.UID))
	must(env.client.AddUserRole(ctx, user, role.UID, false))
	must(env.client.AddTeamRole(ctx, setTeam, role.UID))
	must(env.client.AddUserRole(ctx, setUser, role.UID, false))
	must(env.client.AddUserRole(ctx, other, role.UID, false)) // no resource states it
	builtin, fixedName := defaultGrantUnderTest(env.gen)
	fixed := env.roleByName(t, fixedName)
	if env.gen == grafana.Generation1 {
		env.grantBuiltin(t, "Viewer", granted, false)
		must(env.client.RemoveBuiltinRoleAssignment(ctx, builtin, fixed.UID, true))
	} else {
		env.editBasicRole(t, "Viewer", func(p []grafana.Permission) []grafana.Permission { return append(p, granted.Permissions...) })
		env.editBasicRole(t, builtin, func(p []grafana.Permission) []grafana.Permission {
			return grafana.PermissionsMinus(p, fixed.Permissions)
		})
	}
	blocks := []string{
		fmt.Sprintf("resource \"grafanarbac_custom_role\" \"test\" {\n  uid         = %q\n  name        = %q\n  permissions = [%s]\n}", custom.UID, name, hclPerm(perms[0])),
		teamAssignmentHCL("test", team, role.UID, ""),
		userAssignmentHCL("test", user, role.UID, ""),
		builtinAssignmentHCL("test", "Viewer", granted.UID, ""),
		defaultAssignmentHCL(builtin, fixedName, ""),
		fmt.Sprintf("resource \"grafanarbac_team_roles\" \"test\" {\n  team_id   = %d\n  role_uids = [%q]\n}", setTeam, role.UID),
		fmt.Sprintf("resource \"grafanarbac_user_roles\" \"test\" {\n  user_id   = %d\n  role_uids = [%q]\n}", setUser, role.UID),
	}
	ids := map[string]string{
		"grafanarbac_custom_role.test":             custom.UID,
		"grafanarbac_team_role_assignment.test":    fmt.Sprintf("1:%d:%s", team, role.UID),
		"grafanarbac_user_role_assignment.test":    fmt.Sprintf("1:%d:%s", user, role.UID),
		"grafanarbac_builtin_role_assignment.test": "1:Viewer:" + granted.UID,
		"grafanarbac_default_assignment.test":      builtin + ":" + fixedName,
		"grafanarbac_team_roles.test":              fmt.Sprintf("1:%d", setTeam),
		"grafanarbac_user_roles.test":              fmt.Sprintf("1:%d", setUser),
	}
	if env.gen == grafana.Generation2 {
		holderRole := env.createRole(t, env.testPerms(t, 1), false)
		must(env.client.AddUserRole(ctx, holderUser, holderRole.UID, false))
		blocks = append(blocks, fmt.Sprintf("resource \"grafanarbac_role_assignments\" \"test\" {\n  role_uid = %q\n  users    = [%d]\n}", holderRole.UID, holderUser))
		ids["grafanarbac_role_assignments.test"] = "1:" + holderRole.UID
	}
	config := env.config(blocks...)
	var steps []resource.TestStep
	before := writes.n.Load()
	for _, addr := range slices.Sorted(maps.Keys(ids)) {
		steps = append(steps, resource.TestStep{Config: config, ResourceName: addr, ImportState: true, ImportStateId: ids[addr], ImportStatePersist: true})
	}
	steps = append(steps, resource.TestStep{
		Config: config, PlanOnly: true,
		Check: func(*terraform.State) error {
			if n := writes.n.Load() - before; n != 0 {
				return fmt.Errorf("importing and planning wrote to Grafana %d times, the last %v", n, writes.last.Load())
			}
			return nil
		},
	})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			func(*terraform.State) error {
				if _, err := env.client.GetRole(ctx, custom.UID); !grafana.IsNotFound(err) {
					return fmt.Errorf("the imported custom role is still there (%v)", err)
				}
				return nil
			},
			env.expectHolds(t, role.UID, false, holder{"team", team}, holder{"user", user}, holder{"team", setTeam}, holder{"user", setUser}),
			env.expectHolds(t, role.UID, true, holder{"user", other}),
			checkBuiltinGrant(env, "Viewer", granted, granted.Permissions, false),
			checkDefaultGrant(env, builtin, fixed, false),
		),
		Steps: steps,
	})
}

// TestAccImport_missing: importing what does not exist fails as Terraform
// expects, for every resource, and writes nothing.
func TestAccImport_missing(t *testing.T) {
	writes := &writeCounter{}
	srv := pathServer(t, writes.wrap)
	env := srv.assignEnv(t, &rpcRecorder{})
	role := env.createRole(t, env.testPerms(t, 1), false)
	team, user := env.createTeam(t), env.createUser(t)
	builtin, fixedName := defaultGrantUnderTest(env.gen)
	missingFixed := fixedName + "-nope"
	// Terraform's own error, but for a custom role, which the import reads
	// itself (to refuse fixed, basic and managed roles).
	absent := "Cannot import non-existent remote object"
	type missing struct{ block, addr, id, expect string }
	cases := []missing{
		{"resource \"grafanarbac_custom_role\" \"test\" {\n  name = \"custom:nope\"\n}", "grafanarbac_custom_role.test", "no_such_role_uid",
			`Role not found[\s\S]*No role with uid "no_such_role_uid" in organization 1`},
		{teamAssignmentHCL("test", team, role.UID, ""), "grafanarbac_team_role_assignment.test", fmt.Sprintf("1:%d:%s", team, role.UID), absent},
		{userAssignmentHCL("test", user, role.UID, ""), "grafanarbac_user_role_assignment.test", fmt.Sprintf("1:%d:%s", user, role.UID), absent},
		{defaultAssignmentHCL(builtin, missingFixed, ""), "grafanarbac_default_assignment.test", builtin + ":" + missingFixed, absent},
		{"resource \"grafanarbac_team_roles\" \"test\" {\n  team_id = 987654\n}", "grafanarbac_team_roles.test", "1:987654", absent},
		{"resource \"grafanarbac_user_roles\" \"test\" {\n  user_id = 987654\n}", "grafanarbac_user_roles.test", "1:987654", absent},
	}
	if env.gen == grafana.Generation2 {
		cases = append(cases, missing{"resource \"grafanarbac_role_assignments\" \"test\" {\n  role_uid = \"no_such_role_uid\"\n}",
			"grafanarbac_role_assignments.test", "1:no_such_role_uid", absent})
	}
	before := writes.n.Load()
	var steps []resource.TestStep
	for _, c := range cases {
		steps = append(steps, resource.TestStep{
			Config: env.config(c.block), ResourceName: c.addr, ImportState: true, ImportStateId: c.id,
			ExpectError: regexp.MustCompile(strings.ReplaceAll(c.expect, " ", `\s+`)),
		})
	}
	resource.ParallelTest(t, resource.TestCase{ProtoV6ProviderFactories: env.factories, Steps: steps})
	if n := writes.n.Load() - before; n != 0 {
		t.Errorf("the imports wrote to Grafana %d times, the last %v", n, writes.last.Load())
	}
}

// defaultGrantWrite is the write that removes or restores the default grant
// under test: the basic role's update (generation 2), the built-in role
// assignment's removal (generation 1).
func defaultGrantWrite(gen grafana.Generation, builtin string) (method string, path *regexp.Regexp) {
	if gen == grafana.Generation1 {
		return http.MethodDelete, regexp.MustCompile(`^/api/access-control/builtin-roles/` + regexp.QuoteMeta(builtin) + `/roles/[^/]+$`)
	}
	return http.MethodPut, regexp.MustCompile(`^/api/access-control/roles/basic_` + strings.ToLower(builtin) + `$`)
}

// defaultGrantRestore is the write that puts the default grant back: on
// generation 2 the same basic-role update as its removal.
func defaultGrantRestore(gen grafana.Generation, builtin string) (method string, path *regexp.Regexp) {
	if gen == grafana.Generation1 {
		return http.MethodPost, regexp.MustCompile(`^/api/access-control/builtin-roles$`)
	}
	return defaultGrantWrite(gen, builtin)
}

// suiteAPIGeneration is the API generation of the suite's emulator.
func suiteAPIGeneration() grafana.Generation {
	if suiteEmulatorGeneration() == 8 {
		return grafana.Generation1
	}
	return grafana.Generation2
}

// TestAccDefaultAssignment_createWriteFails: the create's write fails with
// no retry left, either after Grafana removed the grant (its answer lost)
// or before. The resource is saved as created, with a warning, and with how
// it found the grant: the next plan does what is missing, and the destroy
// puts the grant back. Without the state, the next plan found the grant
// removed by the lost write and refused it as never in place, and nothing
// would ever restore it.
func TestAccDefaultAssignment_createWriteFails(t *testing.T) {
	gen := suiteAPIGeneration()
	builtin, fixedName := defaultGrantUnderTest(gen)
	method, path := defaultGrantWrite(gen, builtin)
	for _, tc := range []struct {
		name   string
		lost   bool
		status int
	}{{"answer lost", true, 500}, {"connection dropped after acting", true, 0}, {"refused before acting", false, 500}} {
		t.Run(tc.name, func(t *testing.T) {
			trap := newFault(method, path, tc.status, tc.lost, 0)
			srv := pathServer(t, trap.wrap)
			env := srv.assignEnv(t, &rpcRecorder{}, "retries = 0")
			fixed := env.roleByName(t, fixedName)
			before := builtinSnapshot(t, env)
			hcl := env.config(defaultAssignmentHCL(builtin, fixedName, ""))
			first := resource.TestStep{
				PreConfig: func() { trap.arm(1) }, Config: hcl,
				Check: resource.ComposeAggregateTestCheckFunc(expectHits(trap), checkDefaultGrant(env, builtin, fixed, !tc.lost)),
			}
			if tc.lost {
				first.ConfigPlanChecks = asgEmptyPlanAfterApply
			} else {
				first.ExpectNonEmptyPlan = true
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: env.factories,
				CheckDestroy:             resource.ComposeAggregateTestCheckFunc(checkDefaultGrant(env, builtin, fixed, true), checkSnapshot(t, env, before)),
				Steps: []resource.TestStep{
					first,
					{Config: hcl, ConfigPlanChecks: asgEmptyPlanAfterApply, Check: checkDefaultGrant(env, builtin, fixed, false)},
				},
			})
		})
	}
}

// TestAccDefaultAssignment_retriedWrites: the removal is answered 500
// before Grafana acts, then carried out with its answer lost; the restore
// is throttled, then carried out with its answer lost. Each is retried,
// and Grafana ends as it started.
func TestAccDefaultAssignment_retriedWrites(t *testing.T) {
	gen := suiteAPIGeneration()
	builtin, fixedName := defaultGrantUnderTest(gen)
	method, path := defaultGrantWrite(gen, builtin)
	failed := newFault(method, path, http.StatusInternalServerError, false, 1)
	lost := newFault(method, path, http.StatusInternalServerError, true, 1)
	restoreMethod, restorePath := defaultGrantRestore(gen, builtin)
	throttled := newFault(restoreMethod, restorePath, http.StatusTooManyRequests, false, 0)
	restoreLost := newFault(restoreMethod, restorePath, http.StatusBadGateway, true, 0)
	srv := pathServer(t, chain(failed.wrap, lost.wrap, throttled.wrap, restoreLost.wrap))
	env := srv.assignEnv(t, &rpcRecorder{}, "retries = 3")
	fixed := env.roleByName(t, fixedName)
	before := builtinSnapshot(t, env)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			expectHits(throttled, restoreLost), checkDefaultGrant(env, builtin, fixed, true), checkSnapshot(t, env, before)),
		Steps: []resource.TestStep{{
			Config: env.config(defaultAssignmentHCL(builtin, fixedName, "")), ConfigPlanChecks: asgEmptyPlanAfterApply,
			Check: resource.ComposeAggregateTestCheckFunc(
				expectHits(failed, lost), checkDefaultGrant(env, builtin, fixed, false),
				func(*terraform.State) error { throttled.arm(1); restoreLost.arm(1); return nil }),
		}},
	})
}

// TestAccBuiltinRoleAssignment_createWriteFails: the create's update of
// the basic role fails with no retry left, either after Grafana stored it
// (its answer lost) or before. The assignment is saved as created, with a
// warning, owning the role's permissions: the next plan adds what is
// missing, and the destroy takes them away. Without the state, the next
// create found the permissions there and owned none of them, and the
// destroy left them on the basic role.
func TestAccBuiltinRoleAssignment_createWriteFails(t *testing.T) {
	for _, tc := range []struct {
		name   string
		lost   bool
		status int
	}{{"answer lost", true, 500}, {"connection dropped after acting", true, 0}, {"refused before acting", false, 500}} {
		t.Run(tc.name, func(t *testing.T) {
			trap := newFault(http.MethodPut, regexp.MustCompile(`^/api/access-control/roles/basic_viewer$`), tc.status, tc.lost, 0)
			srv := pathServer(t, trap.wrap)
			env := srv.assignEnv(t, &rpcRecorder{}, "retries = 0")
			env.skipUnlessGen(t, grafana.Generation2, "generation 1 reads an assignment back after a lost answer")
			role := env.createRole(t, env.testPerms(t, 2), false)
			hcl := env.config(builtinAssignmentHCL("test", "Viewer", role.UID, ""))
			first := resource.TestStep{
				PreConfig: func() { trap.arm(1) }, Config: hcl,
				Check: resource.ComposeAggregateTestCheckFunc(expectHits(trap), checkBuiltinGrant(env, "Viewer", role, role.Permissions, tc.lost)),
			}
			if tc.lost {
				first.ConfigPlanChecks = asgEmptyPlanAfterApply
			} else {
				first.ExpectNonEmptyPlan = true
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: env.factories,
				CheckDestroy:             checkBuiltinGrant(env, "Viewer", role, role.Permissions, false),
				Steps: []resource.TestStep{
					first,
					{Config: hcl, ConfigPlanChecks: asgEmptyPlanAfterApply, Check: checkBuiltinGrant(env, "Viewer", role, role.Permissions, true)},
				},
			})
		})
	}
}

// TestAccCustomRole_twoResourcesOneRole: two resources naming one role (by
// name, or by uid) fail the plan, whether both are new or one exists
// already. Before, the second create adopted the first one's role as if an
// interrupted apply had left it, and the two shared it: removing either
// deleted the role the other still states.
func TestAccCustomRole_twoResourcesOneRole(t *testing.T) {
	env := newAssignEnv(t)
	name := env.randName("custom:acc:twice")
	block := func(res, uid, roleName string) string {
		attr := ""
		if uid != "" {
			attr = fmt.Sprintf("  uid         = %q\n", uid)
		}
		return fmt.Sprintf("resource \"grafanarbac_custom_role\" %q {\n%s  name        = %q\n  permissions = [{ action = \"teams:read\", scope = \"teams:*\" }]\n}\n", res, attr, roleName)
	}
	uid := roleUIDFor(name)
	twice := asgErr("Two resources claim one role", "Another resource in this configuration also defines the role")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 env.preCheck,
		ProtoV6ProviderFactories: env.factories,
		Steps: []resource.TestStep{
			{Config: env.config(block("a", "", name), block("b", "", name)), PlanOnly: true, ExpectError: twice},
			{Config: env.config(block("a", uid, name), block("b", uid, name+"-b")), PlanOnly: true, ExpectError: twice},
			{Config: env.config(block("a", uid, name)), ConfigPlanChecks: asgEmptyPlanAfterApply},
			{Config: env.config(block("a", uid, name), block("b", "", name)), PlanOnly: true, ExpectError: twice},
			{Config: env.config(block("a", uid, name), block("b", uid, name+"-b")), PlanOnly: true, ExpectError: twice},
		},
	})
}

// TestAccAssignment_createAnswerLost: a team or user grant whose answer is
// lost, and whose look-up fails too, with no retry left, fails the apply
// with the grant made. The next apply adopts it (no second grant, no
// error), and the destroy removes it and leaves the holder's other role.
func TestAccAssignment_createAnswerLost(t *testing.T) {
	for _, kind := range []string{"team", "user"} {
		t.Run(kind, func(t *testing.T) {
			roles := regexp.MustCompile(`^/api/access-control/` + kind + `s/\d+/roles$`)
			lost := newFault(http.MethodPost, roles, http.StatusInternalServerError, true, 0)
			lookUp := newFault(http.MethodGet, roles, http.StatusInternalServerError, false, 0)
			lost.then = lookUp // the plan reads the roles too, on generation 1
			srv := pathServer(t, chain(lost.wrap, lookUp.wrap))
			env := srv.assignEnv(t, &rpcRecorder{}, "retries = 0")
			role, other := env.createRole(t, env.testPerms(t, 1), false), env.createRole(t, env.testPerms(t, 1), false)
			ctx := context.Background()
			var h holder
			var hcl string
			if kind == "team" {
				h = holder{"team", env.createTeam(t)}
				hcl = teamAssignmentHCL("test", h.id, role.UID, "")
				if err := env.client.AddTeamRole(ctx, h.id, other.UID); err != nil {
					t.Fatal(err)
				}
			} else {
				h = holder{"user", env.createUser(t)}
				hcl = userAssignmentHCL("test", h.id, role.UID, "")
				if err := env.client.AddUserRole(ctx, h.id, other.UID, false); err != nil {
					t.Fatal(err)
				}
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: env.factories,
				CheckDestroy:             resource.ComposeAggregateTestCheckFunc(env.expectHolds(t, role.UID, false, h), env.expectHolds(t, other.UID, true, h)),
				Steps: []resource.TestStep{
					{PreConfig: func() { lost.arm(1) }, Config: env.config(hcl), ExpectError: regexp.MustCompile(`500`)},
					{
						PreConfig: func() {
							if lost.hits.Load() != 1 || lookUp.hits.Load() != 1 {
								t.Fatalf("answers lost %d, look-ups failed %d; want 1 and 1", lost.hits.Load(), lookUp.hits.Load())
							}
							if !env.holds(t, h.kind, h.id, role.UID) {
								t.Fatal("the lost create did not grant the role")
							}
						},
						Config: env.config(hcl), ConfigPlanChecks: asgEmptyPlanAfterApply,
						Check: resource.ComposeAggregateTestCheckFunc(env.expectHolds(t, role.UID, true, h), env.expectHolds(t, other.UID, true, h)),
					},
				},
			})
		})
	}
}

// TestAccBuiltinRoleAssignment_updateAnswerLost: the role gains a
// permission outside Terraform; the update that adds it to the basic role
// is carried out but its answer lost, with no retry left. The next apply
// converges, and the destroy takes the added permission away too. Without
// recording it, the next plan found it on the basic role and did not own
// it, and the destroy left it there.
func TestAccBuiltinRoleAssignment_updateAnswerLost(t *testing.T) {
	trap := newFault(http.MethodPut, regexp.MustCompile(`^/api/access-control/roles/basic_viewer$`), http.StatusInternalServerError, true, 0)
	srv := pathServer(t, trap.wrap)
	env := srv.assignEnv(t, &rpcRecorder{}, "retries = 0")
	env.skipUnlessGen(t, grafana.Generation2, "generation 1 assigns roles by reference and never copies permissions")
	perms := env.testPerms(t, 2)
	role := env.createRole(t, perms[:1], false)
	hcl := env.config(builtinAssignmentHCL("test", "Viewer", role.UID, ""))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories,
		CheckDestroy:             checkBuiltinGrant(env, "Viewer", role, perms, false),
		Steps: []resource.TestStep{
			{Config: hcl, ConfigPlanChecks: asgEmptyPlanAfterApply, Check: checkBuiltinGrant(env, "Viewer", role, perms[:1], true)},
			{
				PreConfig: func() { env.setRolePermissions(t, role, perms...); trap.arm(1) },
				Config:    hcl, ExpectError: regexp.MustCompile(`500`),
			},
			{
				PreConfig: func() {
					if err := checkBuiltinGrant(env, "Viewer", role, perms, true)(nil); err != nil {
						t.Fatalf("the lost update did not add the permission: %v", err)
					}
				},
				Config: hcl, ConfigPlanChecks: asgEmptyPlanAfterApply, Check: checkBuiltinGrant(env, "Viewer", role, perms, true),
			},
		},
	})
}

// TestAccBuiltinRoleAssignment_retriedWrites: the basic role's update is
// answered 500 before Grafana acts, then carried out with its answer lost;
// at destroy it is throttled, then carried out with its answer lost. Each
// is retried: the basic role holds the role's permissions, then none.
func TestAccBuiltinRoleAssignment_retriedWrites(t *testing.T) {
	basic := regexp.MustCompile(`^/api/access-control/roles/basic_viewer$`)
	failed := newFault(http.MethodPut, basic, http.StatusInternalServerError, false, 1)
	lost := newFault(http.MethodPut, basic, http.StatusInternalServerError, true, 1)
	throttled := newFault(http.MethodPut, basic, http.StatusTooManyRequests, false, 0)
	lostAtDestroy := newFault(http.MethodPut, basic, http.StatusBadGateway, true, 0)
	srv := pathServer(t, chain(failed.wrap, lost.wrap, throttled.wrap, lostAtDestroy.wrap))
	env := srv.assignEnv(t, &rpcRecorder{}, "retries = 3")
	env.skipUnlessGen(t, grafana.Generation2, "generation 1 is TestAccReliability_faults'")
	role := env.createRole(t, env.testPerms(t, 2), false)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories,
		CheckDestroy:             resource.ComposeAggregateTestCheckFunc(expectHits(throttled, lostAtDestroy), checkBuiltinGrant(env, "Viewer", role, role.Permissions, false)),
		Steps: []resource.TestStep{{
			Config: env.config(builtinAssignmentHCL("test", "Viewer", role.UID, "")), ConfigPlanChecks: asgEmptyPlanAfterApply,
			Check: resource.ComposeAggregateTestCheckFunc(
				expectHits(failed, lost), checkBuiltinGrant(env, "Viewer", role, role.Permissions, true),
				func(*terraform.State) error { throttled.arm(1); lostAtDestroy.arm(1); return nil }),
		}},
	})
}

// TestAccDefaultAssignment_updateAnswerLost: the update that restores a
// removed default grant is carried out but its answer lost, with no retry
// left. The next apply finds the grant in place and plans nothing, and the
// destroy leaves Grafana as it started.
func TestAccDefaultAssignment_updateAnswerLost(t *testing.T) {
	gen := suiteAPIGeneration()
	builtin, fixedName := defaultGrantUnderTest(gen)
	restore, path := defaultGrantRestore(gen, builtin)
	trap := newFault(restore, path, http.StatusInternalServerError, true, 0)
	srv := pathServer(t, trap.wrap)
	env := srv.assignEnv(t, &rpcRecorder{}, "retries = 0")
	fixed := env.roleByName(t, fixedName)
	before := builtinSnapshot(t, env)
	restored := env.config(defaultAssignmentHCL(builtin, fixedName, "  assigned = true\n"))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories,
		CheckDestroy:             resource.ComposeAggregateTestCheckFunc(checkDefaultGrant(env, builtin, fixed, true), checkSnapshot(t, env, before)),
		Steps: []resource.TestStep{
			{Config: env.config(defaultAssignmentHCL(builtin, fixedName, "")), ConfigPlanChecks: asgEmptyPlanAfterApply, Check: checkDefaultGrant(env, builtin, fixed, false)},
			{PreConfig: func() { trap.arm(1) }, Config: restored, ExpectError: regexp.MustCompile(`500`)},
			{
				PreConfig: func() {
					if n := trap.hits.Load(); n != 1 {
						t.Fatalf("%d answers lost, want 1", n)
					}
				},
				Config: restored, ConfigPlanChecks: asgEmptyPlanAfterApply, Check: checkDefaultGrant(env, builtin, fixed, true),
			},
		},
	})
}

// TestAccCustomRole_updateAnswerLost: an update of a role whose answer is
// lost, with no retry left, fails the apply after Grafana stored it. The
// next apply converges (no version conflict, no second update needed to
// settle) and the server holds the configured permissions.
func TestAccCustomRole_updateAnswerLost(t *testing.T) {
	trap := newFault(http.MethodPut, regexp.MustCompile(`^/api/access-control/roles/[^/]+$`), http.StatusInternalServerError, true, 0)
	srv := pathServer(t, trap.wrap)
	env := srv.assignEnv(t, &rpcRecorder{}, "retries = 0")
	perms := env.testPerms(t, 2)
	name := env.randName("custom:acc:update")
	uid := roleUIDFor(name)
	block := func(p grafana.Permission) string {
		return env.config(fmt.Sprintf("resource \"grafanarbac_custom_role\" \"test\" {\n  uid         = %q\n  name        = %q\n  permissions = [%s]\n}", uid, name, hclPerm(p)))
	}
	holds := func(p grafana.Permission) resource.TestCheckFunc {
		return func(*terraform.State) error {
			role, err := env.client.GetRole(context.Background(), uid)
			if err != nil {
				return err
			}
			if !grafana.PermissionsEqual(role.Permissions, []grafana.Permission{p}) {
				return fmt.Errorf("role %s holds %v, want %v", uid, role.Permissions, p)
			}
			return nil
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories,
		CheckDestroy: func(*terraform.State) error {
			if _, err := env.client.GetRole(context.Background(), uid); !grafana.IsNotFound(err) {
				return fmt.Errorf("role %s is still there (%v)", uid, err)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{Config: block(perms[0]), ConfigPlanChecks: asgEmptyPlanAfterApply, Check: holds(perms[0])},
			{PreConfig: func() { trap.arm(1) }, Config: block(perms[1]), ExpectError: regexp.MustCompile(`500`)},
			{
				PreConfig: func() {
					if err := holds(perms[1])(nil); err != nil {
						t.Fatalf("the lost update was not stored: %v", err)
					}
				},
				Config: block(perms[1]), ConfigPlanChecks: asgEmptyPlanAfterApply, Check: holds(perms[1]),
			},
		},
	})
}

// TestAccBuiltinRoleAssignment_replacedBySharingRole: an assignment moved
// to another role that shares a permission with the first is replaced: the
// destroy takes the first role's permissions away, shared one included,
// and the create adds the second role's. The create owns the shared one
// too, so the final destroy leaves the basic role as it started.
func TestAccBuiltinRoleAssignment_replacedBySharingRole(t *testing.T) {
	env := ownAssignEnv(t, startOwnEmulator(t, emulator.Config{Version: os.Getenv(acctest.EnvVersion)}))
	env.skipUnlessGen(t, grafana.Generation2, "generation 1 assigns roles by reference and never copies permissions")
	p := env.testPerms(t, 3)
	a, b := env.createRole(t, p[:2], false), env.createRole(t, p[1:], false)
	const addr = "grafanarbac_builtin_role_assignment.test"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories,
		CheckDestroy:             checkBuiltinGrant(env, "Viewer", a, p, false),
		Steps: []resource.TestStep{
			{Config: env.config(builtinAssignmentHCL("test", "Viewer", a.UID, "")), ConfigPlanChecks: asgEmptyPlanAfterApply},
			{
				Config:           env.config(builtinAssignmentHCL("test", "Viewer", b.UID, "")),
				ConfigPlanChecks: asgPlanAction(addr, plancheck.ResourceActionDestroyBeforeCreate),
				Check:            resource.ComposeAggregateTestCheckFunc(checkBuiltinGrant(env, "Viewer", b, p[1:], true), checkBuiltinGrant(env, "Viewer", a, p[:1], false)),
			},
		},
	})
}
