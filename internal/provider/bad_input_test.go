package provider_test

import (
	"context"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/acctest"
	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

// The bad-input table: invalid configurations of the provider and of every
// resource and data source. Each case asserts its own diagnostic, fails at
// plan time unless the information only exists at apply, and leaves the
// server as it found it.

type badInputCase struct {
	name   string
	env    providerEnv // the provider's whole environment
	config string      // complete configuration, provider block included
	expect *regexp.Regexp
	// apply marks errors that only the apply can find; all others must
	// fail the plan (PlanOnly: a plan that succeeded would fail the case).
	apply bool
	// importAddr and importID make the case a `terraform import`.
	importAddr, importID string
}

// runBadInputCases runs each case in its own Terraform working directory,
// the cases in parallel, and compares a snapshot of the server's roles and
// assignments before and after each.
func runBadInputCases(t *testing.T, env *acctest.Env, targets badInputTargets, cases []badInputCase) {
	t.Helper()
	seen := map[string]bool{}
	for _, c := range cases {
		if seen[c.name] {
			t.Fatalf("two cases are named %q", c.name)
		}
		seen[c.name] = true
		t.Run(c.name, func(t *testing.T) {
			// In parallel with each other only: the caller runs no test
			// in parallel with the cases, since no other test may change
			// the server between the snapshots.
			t.Parallel()
			before := takeBadInputSnapshot(t, env, targets)
			step := resource.TestStep{Config: c.config, ExpectError: c.expect, PlanOnly: !c.apply}
			if c.importAddr != "" {
				step = resource.TestStep{Config: c.config, ResourceName: c.importAddr, ImportState: true, ImportStateId: c.importID, ExpectError: c.expect}
			}
			resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: acctest.ProviderFactoriesWithEnv(c.env), Steps: []resource.TestStep{step}})
			if after := takeBadInputSnapshot(t, env, targets); !reflect.DeepEqual(before, after) {
				t.Errorf("the server changed:\n%s", before.diff(after))
			}
		})
	}
}

// snapshot is what a rejected configuration must not change: every role
// (content and version) and every assignment the tests can see.
type badInputSnapshot struct {
	Roles       map[string]string   // "<org>/<uid>" → name, version, flags, permissions
	Assignments map[string][]string // "<what>" → role uids, sorted
}

// badInputTargets are the orgs (beyond the provider's), teams and users
// whose roles and assignments a snapshot holds.
type badInputTargets struct {
	orgs  []int64
	teams map[int64]int64 // team id → org
	users []int64
}

func takeBadInputSnapshot(t *testing.T, env *acctest.Env, targets badInputTargets) badInputSnapshot {
	t.Helper()
	ctx := context.Background()
	s := badInputSnapshot{Roles: map[string]string{}, Assignments: map[string][]string{}}
	gen := env.Generation(t)
	orgs := append([]int64{env.OrgID}, targets.orgs...)
	for _, org := range orgs {
		c := env.Client.WithOrg(org)
		roles, err := c.ListRoles(ctx, grafana.ListRolesOptions{IncludeHidden: true})
		if err != nil {
			t.Fatalf("snapshot: listing roles of org %d: %v", org, err)
		}
		for _, r := range roles {
			desc := fmt.Sprintf("%s v%d global=%t hidden=%t", r.Name, r.Version, r.Global, r.Hidden)
			// Fixed roles cannot change; every other role is read whole.
			if !strings.HasPrefix(r.Name, "fixed:") {
				full, err := c.GetRole(ctx, r.UID)
				if err != nil {
					t.Fatalf("snapshot: reading role %s: %v", r.UID, err)
				}
				desc += fmt.Sprintf(" %q %q %q %v", full.DisplayName, full.Description, full.Group, grafana.NormalizePermissions(full.Permissions))
			}
			s.Roles[fmt.Sprintf("%d/%s", org, r.UID)] = desc
		}
		if gen == grafana.Generation1 {
			byBuiltin, err := c.ListBuiltinRoleAssignments(ctx, true)
			if err != nil {
				t.Fatalf("snapshot: built-in role assignments of org %d: %v", org, err)
			}
			for b, roles := range byBuiltin {
				s.Assignments[fmt.Sprintf("org %d built-in %s", org, b)] = sortedRoleUIDs(roles)
			}
		}
	}
	for team, org := range targets.teams {
		roles, err := env.Client.WithOrg(org).ListTeamRoles(ctx, team, true)
		if err != nil {
			t.Fatalf("snapshot: roles of team %d: %v", team, err)
		}
		s.Assignments[fmt.Sprintf("team %d", team)] = sortedRoleUIDs(roles)
	}
	for _, user := range targets.users {
		roles, err := env.Client.ListUserRoles(ctx, user, true)
		if err != nil {
			t.Fatalf("snapshot: roles of user %d: %v", user, err)
		}
		s.Assignments[fmt.Sprintf("user %d", user)] = sortedRoleUIDs(roles)
	}
	return s
}

func sortedRoleUIDs(roles []grafana.Role) []string {
	out := make([]string, 0, len(roles))
	for _, r := range roles {
		out = append(out, r.UID)
	}
	sort.Strings(out)
	return out
}

func (s badInputSnapshot) diff(o badInputSnapshot) string {
	var lines []string
	for k, v := range s.Roles {
		if w, ok := o.Roles[k]; !ok {
			lines = append(lines, "role removed: "+k+" "+v)
		} else if w != v {
			lines = append(lines, "role changed: "+k+"\n  before: "+v+"\n  after:  "+w)
		}
	}
	for k, v := range o.Roles {
		if _, ok := s.Roles[k]; !ok {
			lines = append(lines, "role added: "+k+" "+v)
		}
	}
	for k, v := range s.Assignments {
		if w := o.Assignments[k]; !slices.Equal(v, w) {
			lines = append(lines, fmt.Sprintf("assignments of %s: before %v, after %v", k, v, w))
		}
	}
	for k, w := range o.Assignments {
		if _, ok := s.Assignments[k]; !ok {
			lines = append(lines, fmt.Sprintf("assignments of %s appeared: %v", k, w))
		}
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// re compiles a diagnostic pattern. Terraform wraps diagnostics at about 80
// columns, so a space in the pattern matches any run of white space, and
// (?s) lets .* cross lines.
func diagPattern(pattern string) *regexp.Regexp {
	return regexp.MustCompile(`(?s)` + strings.ReplaceAll(pattern, " ", `\s+`))
}

// providerBadInputCases are bad values of every provider attribute and
// environment variable. Each case's configuration reads a data source, so
// a provider that accepted the value would plan successfully.
func providerBadInputCases(t *testing.T, env *acctest.Env) []badInputCase {
	pki := acctest.NewPKI(t)
	other := acctest.NewPKI(t)
	notPEM := writeTempFile(t, "not-a-ca.pem", []byte("this is not a certificate\n"))
	withAuth := func(url, auth string, attrs ...string) string {
		lines := []string{}
		if url != "" {
			lines = append(lines, "url = "+hclQuote(url))
		}
		if auth != "" {
			lines = append(lines, "auth = "+hclQuote(auth))
		}
		return providerBlockHCL(append(lines, attrs...)...) + readsGrafanaHCL
	}
	good := func(attrs ...string) string { return withAuth(env.URL, env.Auth, attrs...) }
	fromEnv := providerEnv{"GRAFANA_URL": env.URL, "GRAFANA_AUTH": env.Auth}
	noProvider := providerBlockHCL() + readsGrafanaHCL
	servedGeneration, otherGeneration := "9+", "8"
	if env.Generation(t) == grafana.Generation1 {
		servedGeneration, otherGeneration = otherGeneration, servedGeneration
	}
	return []badInputCase{
		{name: "url unparsable", config: withAuth("://grafana", env.Auth), expect: diagPattern(`Invalid Grafana URL.*cannot be parsed`)},
		{name: "url without host", config: withAuth("http://", env.Auth), expect: diagPattern(`Invalid Grafana URL.*cannot be parsed`)},
		{name: "url scheme", config: withAuth("ftp://grafana.example.com", env.Auth), expect: diagPattern(`URL scheme must be http or https, not "ftp"`)},
		{name: "url with credentials", config: withAuth("https://admin:pw@grafana.example.com", env.Auth), expect: diagPattern(`must not carry credentials.*Put them in auth`)},
		{name: "auth neither user:password nor token", config: withAuth(env.URL, "admin password"), expect: diagPattern(`Invalid auth.*neither user:password.*nor a service-account token`)},
		{name: "auth without password", config: withAuth(env.URL, "admin:"), expect: diagPattern(`Invalid auth.*both parts non-empty`)},
		{name: "auth empty", config: providerBlockHCL("url = "+hclQuote(env.URL), `auth = ""`) + readsGrafanaHCL, expect: diagPattern(`Invalid auth.*auth is empty`)},
		{name: "org_id zero", config: good("org_id = 0"), expect: diagPattern(`org_id value must be at least 1, got: 0`)},
		{name: "retries negative", config: good("retries = -1"), expect: diagPattern(`retries value must be at least 0, got: -1`)},
		{name: "retry_wait negative", config: good("retry_wait = -5"), expect: diagPattern(`retry_wait value must be at least 0, got: -5`)},
		{name: "timeout zero", config: good("timeout = 0"), expect: diagPattern(`timeout value must be at least 1, got: 0`)},
		{name: "api_generation unknown", config: good(`api_generation = "10"`), expect: diagPattern(`api_generation value must be one of:.*"auto".*"8".*"9\+"`)},
		{name: "ca_cert unreadable", config: good(`ca_cert = "/nonexistent/ca.pem"`), expect: diagPattern(`Cannot read ca_cert.*no such file`)},
		{name: "ca_cert file without a certificate", config: good("ca_cert = " + hclQuote(notPEM)), expect: diagPattern(`Invalid ca_cert.*holds no PEM certificate`)},
		{name: "ca_cert broken PEM", config: good(`ca_cert = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"`), expect: diagPattern(`Invalid ca_cert.*holds no PEM certificate`)},
		{name: "tls_cert without tls_key", config: good("tls_cert = " + hclQuote(string(pki.ClientCertPEM))), expect: diagPattern(`Incomplete client certificate.*Set both tls_cert and tls_key`)},
		{name: "tls_key without tls_cert", config: good("tls_key = " + hclQuote(string(pki.ClientKeyPEM))), expect: diagPattern(`Incomplete client certificate`)},
		{name: "tls_cert and tls_key do not match", config: good("tls_cert = "+hclQuote(string(pki.ClientCertPEM)), "tls_key = "+hclQuote(string(other.ClientKeyPEM))),
			expect: diagPattern(`Invalid client certificate.*do not form a valid certificate and key pair`)},
		{name: "tls_key unreadable", config: good("tls_cert = "+hclQuote(string(pki.ClientCertPEM)), `tls_key = "/nonexistent/key.pem"`), expect: diagPattern(`Cannot read tls_key`)},
		{name: "Authorization in http_headers", config: good(`http_headers = { Authorization = "Bearer x" }`), expect: diagPattern(`Authorization header in http_headers.*Set credentials with auth`)},
		{name: "missing url", config: providerBlockHCL("auth = "+hclQuote(env.Auth)) + readsGrafanaHCL, expect: diagPattern(`Missing Grafana URL.*GRAFANA_URL`)},
		{name: "missing auth", config: providerBlockHCL("url = "+hclQuote(env.URL)) + readsGrafanaHCL, expect: diagPattern(`Missing credentials.*GRAFANA_AUTH`)},
		{name: "credentials rejected", config: withAuth(env.URL, "admin:wrong-"+acctest.RandName("pw")), expect: diagPattern(`Grafana rejected the credentials.*401.*Check auth`)},
		{name: "GRAFANA_URL invalid", env: fromEnv.with("GRAFANA_URL", "grafana.example.com"), config: noProvider, expect: diagPattern(`Invalid Grafana URL.*comes from the GRAFANA_URL environment variable`)},
		{name: "GRAFANA_AUTH invalid", env: fromEnv.with("GRAFANA_AUTH", "admin password"), config: noProvider, expect: diagPattern(`Invalid auth.*comes from the GRAFANA_AUTH environment variable`)},
		{name: "GRAFANA_ORG_ID not a number", env: fromEnv.with("GRAFANA_ORG_ID", "one"), config: noProvider, expect: diagPattern(`Invalid GRAFANA_ORG_ID.*at least 1, not "one"`)},
		{name: "GRAFANA_ORG_ID zero", env: fromEnv.with("GRAFANA_ORG_ID", "0"), config: noProvider, expect: diagPattern(`Invalid GRAFANA_ORG_ID.*at least 1, not "0"`)},
		{name: "GRAFANA_RETRIES negative", env: fromEnv.with("GRAFANA_RETRIES", "-1"), config: noProvider, expect: diagPattern(`Invalid GRAFANA_RETRIES.*at least 0, not "-1"`)},
		{name: "GRAFANA_RETRY_WAIT not a number", env: fromEnv.with("GRAFANA_RETRY_WAIT", "1s"), config: noProvider, expect: diagPattern(`Invalid GRAFANA_RETRY_WAIT.*not "1s"`)},
		{name: "GRAFANA_TIMEOUT zero", env: fromEnv.with("GRAFANA_TIMEOUT", "0"), config: noProvider, expect: diagPattern(`Invalid GRAFANA_TIMEOUT.*at least 1, not "0"`)},
		{name: "GRAFANA_INSECURE_SKIP_VERIFY not a bool", env: fromEnv.with("GRAFANA_INSECURE_SKIP_VERIFY", "maybe"), config: noProvider, expect: diagPattern(`GRAFANA_INSECURE_SKIP_VERIFY must be true or false, not "maybe"`)},
		{name: "GRAFANA_HTTP_HEADERS not JSON", env: fromEnv.with("GRAFANA_HTTP_HEADERS", "X-A=b"), config: noProvider, expect: diagPattern(`GRAFANA_HTTP_HEADERS must be a JSON object of strings`)},
		{name: "plan_checks unknown", config: good(`plan_checks = "strict"`), expect: diagPattern(`plan_checks value must be one of:.*"error".*"warn".*"off"`)},
		{name: "GRAFANA_PLAN_CHECKS unknown", env: fromEnv.with("GRAFANA_PLAN_CHECKS", "no"), config: noProvider, expect: diagPattern(`Invalid plan_checks.*must be one of error, warn, off, not "no".*GRAFANA_PLAN_CHECKS`)},
		{name: "refresh unknown", config: good(`refresh = "fast"`), expect: diagPattern(`refresh value must be one of:.*"full".*"changed"`)},
		{name: "GRAFANA_REFRESH unknown", env: fromEnv.with("GRAFANA_REFRESH", "fast"), config: noProvider, expect: diagPattern(`Invalid refresh.*must be one of full, changed, not "fast".*GRAFANA_REFRESH`)},
		{name: "GRAFANA_API_GENERATION unknown", env: fromEnv.with("GRAFANA_API_GENERATION", "7"), config: noProvider, expect: diagPattern(`api_generation must be one of auto, 8, 9\+, not "7".*GRAFANA_API_GENERATION`)},
		{name: "GRAFANA_CA_CERT unreadable", env: fromEnv.with("GRAFANA_CA_CERT", "/nonexistent/ca.pem"), config: noProvider, expect: diagPattern(`Cannot read ca_cert`)},
		{name: "GRAFANA_TLS_CERT without key", env: fromEnv.with("GRAFANA_TLS_CERT", string(pki.ClientCertPEM)), config: noProvider, expect: diagPattern(`Incomplete client certificate`)},

		// Issue 16, item 8: a URL that is not Grafana's root, a forced generation the server contradicts.
		{name: "url with a sub-path nothing serves", config: withAuth(env.URL+"/grafana", env.Auth),
			expect: diagPattern(`Not Grafana's root URL.*` + regexp.QuoteMeta(env.URL+"/grafana/api/access-control/status") + `.*with its sub-path`)},
		{name: "api_generation contradicts Grafana", config: good(`api_generation = ` + hclQuote(otherGeneration)),
			expect: diagPattern(`api_generation does not match Grafana.*Set api_generation = ` + regexp.QuoteMeta(strconv.Quote(servedGeneration)))},
		{name: "GRAFANA_API_GENERATION contradicts Grafana", env: fromEnv.with("GRAFANA_API_GENERATION", otherGeneration), config: noProvider,
			expect: diagPattern(`api_generation does not match Grafana.*comes from the GRAFANA_API_GENERATION environment variable`)},
	}
}

// badInputFixtures are server objects the resource cases point at.
type badInputFixtures struct {
	roleUID  string // a custom role of the provider's org (not global)
	roleName string
	teamID   int64
	teamName string
	userID   int64
	login    string // the user's
	// saID and saName are a service account's (generation 2; 0 and "" otherwise).
	saID   int64
	saName string
	// managedUID is a managed role of the provider's org ("" when Grafana
	// lists none).
	managedUID string
	// token (generation 2) is a service-account token of an org Admin that
	// may manage roles, but is no server admin.
	token string
	// otherOrg and otherTeamID exist only on the emulator (0 otherwise):
	// creating organizations on a real Grafana cannot be undone by the client.
	otherOrg, otherTeamID int64
}

func newBadInputFixtures(t *testing.T, env *acctest.Env) badInputFixtures {
	t.Helper()
	ctx := context.Background()
	var fx badInputFixtures
	fx.roleName = "custom:" + acctest.RandName("bad-input")
	role, err := env.Client.CreateRole(ctx, grafana.CreateRoleRequest{
		Name: fx.roleName, Version: 1,
		Permissions: []grafana.Permission{{Action: "teams:read", Scope: "teams:*"}},
	})
	if err != nil {
		t.Fatalf("creating the fixture role: %v", err)
	}
	fx.roleUID = role.UID
	t.Cleanup(func() {
		if err := env.Client.DeleteRole(ctx, fx.roleUID, grafana.DeleteRoleOptions{Force: true}); err != nil && !grafana.IsNotFound(err) {
			t.Errorf("deleting the fixture role: %v", err)
		}
	})
	roles, err := env.Client.ListRoles(ctx, grafana.ListRolesOptions{IncludeHidden: true})
	if err != nil {
		t.Fatalf("listing roles: %v", err)
	}
	for _, r := range roles {
		if strings.HasPrefix(r.Name, "managed:") {
			fx.managedUID = r.UID
			break
		}
	}
	if env.Generation(t) == grafana.Generation2 {
		fx.saName = acctest.RandName("bad-input")
		sa, err := env.Client.CreateServiceAccount(ctx, fx.saName, "Admin")
		if err != nil {
			t.Fatalf("creating a service account: %v", err)
		}
		fx.saID = sa.ID
		t.Cleanup(func() {
			if err := env.Client.DeleteServiceAccount(context.Background(), sa.ID); err != nil && !grafana.IsNotFound(err) {
				t.Errorf("deleting the service account: %v", err)
			}
		})
		if err := env.Client.AddUserRole(ctx, sa.ID, fixedRoleUIDByName(t, env.Client, "fixed:roles:writer"), false); err != nil {
			t.Fatalf("letting the service account manage roles: %v", err)
		}
		if fx.token, err = env.Client.CreateServiceAccountToken(ctx, sa.ID, "bad-input"); err != nil {
			t.Fatalf("creating a token: %v", err)
		}
	}
	fx.teamID, fx.teamName = env.CreateTeam(t, "bad-input")
	var cred string
	fx.userID, cred = env.CreateUser(t, "bad-input")
	fx.login, _, _ = strings.Cut(cred, ":")
	if !env.Real() {
		if fx.otherOrg, err = env.Client.CreateOrg(ctx, acctest.RandName("bad-input-org")); err != nil {
			t.Fatalf("creating the second org: %v", err)
		}
		if fx.otherTeamID, err = env.Client.WithOrg(fx.otherOrg).CreateTeam(ctx, acctest.RandName("bad-input"), ""); err != nil {
			t.Fatalf("creating a team in the second org: %v", err)
		}
	}
	return fx
}

// targets are what the fixtures add to a snapshot.
func (fx badInputFixtures) targets(env *acctest.Env) badInputTargets {
	tg := badInputTargets{teams: map[int64]int64{fx.teamID: env.OrgID}, users: []int64{fx.userID}}
	if fx.otherOrg != 0 {
		tg.orgs = []int64{fx.otherOrg}
		tg.teams[fx.otherTeamID] = fx.otherOrg
	}
	return tg
}

// resourceBadInputCases are invalid configurations of every resource and data source.
func resourceBadInputCases(t *testing.T, env *acctest.Env, fx badInputFixtures) []badInputCase {
	gen := env.Generation(t)
	block := func(kind, typ, body string) string {
		return env.ProviderConfig() + fmt.Sprintf("%s %q \"bad\" {\n%s\n}\n", kind, typ, body)
	}
	role := func(body string) string { return block("resource", "grafanarbac_custom_role", body) }
	builtin := func(body string) string { return block("resource", "grafanarbac_builtin_role_assignment", body) }
	team := func(body string) string { return block("resource", "grafanarbac_team_role_assignment", body) }
	user := func(body string) string { return block("resource", "grafanarbac_user_role_assignment", body) }
	deflt := func(body string) string { return block("resource", "grafanarbac_default_assignment", body) }
	ds := func(typ, body string) string { return block("data", typ, body) }
	name := `name = "custom:bad-input:x"`

	cases := []badInputCase{
		// grafanarbac_custom_role
		{name: "custom_role fixed name", config: role(`name = "fixed:reports:reader"`), expect: diagPattern(`Reserved role name.*starts with "fixed:".*grafanarbac_role`)},
		{name: "custom_role basic name", config: role(`name = "basic:viewer"`), expect: diagPattern(`Reserved role name.*starts with "basic:"`)},
		{name: "custom_role managed name", config: role(`name = "managed:users:1:permissions"`), expect: diagPattern(`Reserved role name.*starts with "managed:"`)},
		{name: "custom_role empty name", config: role(`name = ""`), expect: diagPattern(`name UTF-8 character count must be between 1 and 190, got: 0`)},
		{name: "custom_role name too long", config: role(`name = "custom:` + strings.Repeat("é", 190) + `"`), expect: diagPattern(`name UTF-8 character count must be between 1 and 190, got: 197`)},
		{name: "custom_role uid characters", config: role(name + "\nuid = \"my uid!\""), expect: diagPattern(`Role uid Grafana may refuse.*"my uid!".*e\.g\. "my_uid_".*plan_checks = "warn"`)},
		{name: "custom_role uid too long", config: role(name + "\nuid = \"" + strings.Repeat("u", 41) + "\""), expect: diagPattern(`Role uid Grafana may refuse.*\(41 characters\).*plan_checks = "warn"`)},
		{name: "custom_role empty uid", config: role(name + "\nuid = \"\""), expect: diagPattern(`uid string length must be at least 1, got: 0`)},
		{name: "custom_role global with org_id", config: role(name + "\nglobal = true\norg_id = 1"), expect: diagPattern(`org_id set on a global role.*Remove org_id, or set global = false`)},
		{name: "custom_role org_id zero", config: role(name + "\norg_id = 0"), expect: diagPattern(`org_id value must be at least 1, got: 0`)},
		{name: "custom_role negative version", config: role(name + "\nversion = -1"), expect: diagPattern(`Negative version.*version = -1.*plan_checks = "warn"`)},
		{name: "custom_role empty action", config: role(name + "\npermissions = [{ action = \"\" }]"), expect: diagPattern(`action string length must be at least 1, got: 0`)},
		{name: "custom_role permission without action", config: role(name + "\npermissions = [{ scope = \"teams:*\" }]"), expect: diagPattern(`attribute "action" is required`)},
		{name: "custom_role permission not delegable", config: role(name + "\npermissions = [{ action = \"made.up:action\", scope = \"made:up\" }]"),
			expect: diagPattern(`Permissions the provider cannot delegate.*made\.up:action \(made:up\).*Remove these permissions`)},
		{name: "custom_role unknown attribute", config: role(name + "\ncolour = \"red\""), expect: diagPattern(`Unsupported argument.*"colour" is not expected here`)},

		// grafanarbac_builtin_role_assignment
		{name: "builtin_role_assignment unknown built-in role", config: builtin(`builtin_role = "Superuser"` + "\nrole_uid = \"" + fx.roleUID + `"`), expect: diagPattern(`Unknown built-in role.*"Superuser" is not a built-in role`)},
		{name: "builtin_role_assignment built-in role case", config: builtin(`builtin_role = "viewer"` + "\nrole_uid = \"" + fx.roleUID + `"`), expect: diagPattern(`Did you mean "Viewer"\?`)},
		{name: "builtin_role_assignment Grafana Admin not global", config: builtin(`builtin_role = "Grafana Admin"` + "\nrole_uid = \"" + fx.roleUID + `"`), expect: diagPattern(`Grafana Admin assignments are global.*Set global = true`)},
		{name: "builtin_role_assignment global with org_id", config: builtin(`builtin_role = "Viewer"` + "\nrole_uid = \"" + fx.roleUID + "\"\nglobal = true\norg_id = 1"), expect: diagPattern(`org_id set on a global assignment`)},
		{name: "builtin_role_assignment empty role_uid", config: builtin(`builtin_role = "Viewer"` + "\nrole_uid = \"\""), expect: diagPattern(`role_uid string length must be at least 1, got: 0`)},
		{name: "builtin_role_assignment global of an org role", config: builtin(`builtin_role = "Viewer"` + "\nrole_uid = \"" + fx.roleUID + "\"\nglobal = true"),
			expect: diagPattern(`Global assignment of an organization's role.*` + regexp.QuoteMeta(fx.roleName))},

		// grafanarbac_team_role_assignment
		{name: "team_role_assignment team_id zero", config: team("team_id = 0\nrole_uid = \"" + fx.roleUID + `"`), expect: diagPattern(`team_id value must be at least 1, got: 0`)},
		{name: "team_role_assignment team missing", config: team("team_id = 987654\nrole_uid = \"" + fx.roleUID + `"`), expect: diagPattern(`Team not found.*No team with id 987654 in organization 1`)},
		{name: "team_role_assignment basic role", config: team(fmt.Sprintf("team_id = %d\nrole_uid = \"basic_viewer\"", fx.teamID)), expect: diagPattern(`Basic role cannot be assigned.*to a team`)},
		{name: "team_role_assignment org_id zero", config: team(fmt.Sprintf("team_id = %d\nrole_uid = %q\norg_id = 0", fx.teamID, fx.roleUID)), expect: diagPattern(`org_id value must be at least 1, got: 0`)},
		{name: "team_role_assignment empty role_uid", config: team(fmt.Sprintf("team_id = %d\nrole_uid = \"\"", fx.teamID)), expect: diagPattern(`role_uid string length must be at least 1`)},

		// grafanarbac_user_role_assignment
		{name: "user_role_assignment user_id zero", config: user("user_id = 0\nrole_uid = \"" + fx.roleUID + `"`), expect: diagPattern(`user_id value must be at least 1, got: 0`)},
		{name: "user_role_assignment global with org_id", config: user(fmt.Sprintf("user_id = %d\nrole_uid = %q\nglobal = true\norg_id = 1", fx.userID, fx.roleUID)), expect: diagPattern(`org_id set on a global assignment`)},
		{name: "user_role_assignment global of an org role", config: user(fmt.Sprintf("user_id = %d\nrole_uid = %q\nglobal = true", fx.userID, fx.roleUID)), expect: diagPattern(`Global assignment of an organization's role`)},
		{name: "user_role_assignment basic role", config: user(fmt.Sprintf("user_id = %d\nrole_uid = \"basic_admin\"", fx.userID)), expect: diagPattern(`Basic role cannot be assigned.*to a user`)},
		{name: "user_role_assignment user missing", config: user("user_id = 987654\nrole_uid = \"" + fx.roleUID + `"`),
			expect: diagPattern(`User not found.*No user or service account with id 987654 in organization 1`)},

		// grafanarbac_default_assignment
		{name: "default_assignment custom role", config: deflt(`builtin_role = "Viewer"` + "\nfixed_role = \"" + fx.roleName + `"`), expect: diagPattern(`must be the name of a fixed role, starting with .fixed:.`)},
		{name: "default_assignment fixed role missing", config: deflt(`builtin_role = "Viewer"` + "\nfixed_role = \"fixed:no:such:role\""), expect: diagPattern(`Fixed role not found.*"fixed:no:such:role"`)},
		{name: "default_assignment unknown built-in role", config: deflt(`builtin_role = "Nobody"` + "\nfixed_role = \"fixed:no:such:role\""), expect: diagPattern(`Unknown built-in role.*"Nobody" is not a built-in role`)},

		// data sources
		{name: "role data source neither uid nor name", config: ds("grafanarbac_role", ""), expect: diagPattern(`Missing Attribute Configuration.*Exactly one of these attributes must be configured: \[uid,name\]`)},
		{name: "role data source uid and name", config: ds("grafanarbac_role", "uid = \"a\"\nname = \"b\""), expect: diagPattern(`Invalid Attribute Combination.*Exactly one of these attributes must be configured: \[uid,name\]`)},
		{name: "role data source uid missing", config: ds("grafanarbac_role", `uid = "no_such_role_uid"`), expect: diagPattern(`Role not found.*no_such_role_uid`)},
		{name: "role data source name missing", config: ds("grafanarbac_role", `name = "custom:no:such:role"`), expect: diagPattern(`Role not found.*custom:no:such:role`)},
		{name: "roles data source kind", config: ds("grafanarbac_roles", `kind = "builtin"`), expect: diagPattern(`kind value must be one of`)},
		{name: "team data source empty name", config: ds("grafanarbac_team", `name = ""`), expect: diagPattern(`name string length must be at least 1, got: 0`)},
		{name: "team data source team missing", config: ds("grafanarbac_team", `name = "no such team anywhere"`), expect: diagPattern(`Team not found.*no team is named "no such team anywhere"`)},
		{name: "team data source org_id zero", config: ds("grafanarbac_team", "name = \"x\"\norg_id = 0"), expect: diagPattern(`org_id value must be at least 1, got: 0`)},
		{name: "permissions data source user_id zero", config: ds("grafanarbac_permissions", "user_id = 0"), expect: diagPattern(`user_id value must be at least 1, got: 0`)},
		{name: "permissions data source user missing", config: ds("grafanarbac_permissions", "user_id = 987654"), expect: diagPattern(`User not found.*No user with id 987654`)},
		{name: "builtin_role_assignments data source org_id zero", config: ds("grafanarbac_builtin_role_assignments", "org_id = 0"), expect: diagPattern(`org_id value must be at least 1, got: 0`)},

		// import IDs
		{name: "custom_role import ID", config: role(name), importAddr: "grafanarbac_custom_role.bad", importID: "1:2:3", expect: diagPattern(`Invalid import ID`)},
		{name: "team_role_assignment import ID", config: team(fmt.Sprintf("team_id = %d\nrole_uid = %q", fx.teamID, fx.roleUID)),
			importAddr: "grafanarbac_team_role_assignment.bad", importID: "1:not-a-number:" + fx.roleUID, expect: diagPattern(`Invalid import ID`)},
		{name: "user_role_assignment import ID", config: user(fmt.Sprintf("user_id = %d\nrole_uid = %q", fx.userID, fx.roleUID)),
			importAddr: "grafanarbac_user_role_assignment.bad", importID: "nothing", expect: diagPattern(`Invalid import ID`)},
		{name: "builtin_role_assignment import ID", config: builtin(`builtin_role = "Viewer"` + "\nrole_uid = \"" + fx.roleUID + `"`),
			importAddr: "grafanarbac_builtin_role_assignment.bad", importID: "0:Viewer:" + fx.roleUID, expect: diagPattern(`Invalid import ID`)},
		{name: "default_assignment import ID", config: deflt(`builtin_role = "Viewer"` + "\nfixed_role = \"fixed:no:such:role\""),
			importAddr: "grafanarbac_default_assignment.bad", importID: "Viewer", expect: diagPattern(`Invalid import ID`)},
	}

	// The provisioning function: a broken file fails the plan, naming the entry.
	fn := func(yaml string) string {
		return env.ProviderConfig() + "output \"bad\" {\n  value = provider::grafanarbac::provisioning(" + hclQuote(yaml) + ")\n}\n"
	}
	cases = append(cases,
		badInputCase{name: "provisioning unknown key", config: fn("apiVersion: 1\nrole: []\n"), expect: diagPattern(`file \(line 2\): unknown key "role"`)},
		badInputCase{name: "provisioning permission without action", config: fn("roles:\n  - name: custom:a\n    permissions:\n      - scope: users:*\n"),
			expect: diagPattern(`roles\[0\] "custom:a", permissions\[0\] \(line 4\): action is required`)},
		badInputCase{name: "provisioning fixed role deleted", config: fn("deleteRoles:\n  - name: fixed:a:b\n"), expect: diagPattern(`deleteRoles\[0\] "fixed:a:b".*cannot be deleted`)},
		badInputCase{name: "provisioning built-in role name", config: fn("roles:\n  - name: custom:a\n    builtInRoles:\n      - name: editor\n"), expect: diagPattern(`did you mean "Editor"\?`)},
		badInputCase{name: "provisioning not YAML", config: fn("roles: [\n"), expect: diagPattern(`not valid YAML`)},
	)

	// Cases that depend on the API generation.
	if gen == grafana.Generation2 {
		cases = append(cases,
			badInputCase{name: "builtin_role_assignment basic role", config: builtin(`builtin_role = "Viewer"` + "\nrole_uid = \"basic_editor\""), expect: diagPattern(`Basic role cannot be assigned.*the built-in role itself`)},
			badInputCase{name: "builtin_role_assignment role missing", config: builtin(`builtin_role = "Viewer"` + "\nrole_uid = \"no_such_role_uid\""), apply: true,
				expect: diagPattern(`Role not found.*No role with uid "no_such_role_uid"`)},
		)
	} else {
		cases = append(cases,
			badInputCase{name: "builtin_role_assignment None on generation 1", config: builtin(`builtin_role = "None"` + "\nrole_uid = \"" + fx.roleUID + `"`), expect: diagPattern(`exists only on Grafana 9 and later`)},
			badInputCase{name: "default_assignment None on generation 1", config: deflt(`builtin_role = "None"` + "\nfixed_role = \"fixed:reporting:admin:read\""), expect: diagPattern(`exists only on Grafana 9 and later`)},
			badInputCase{name: "builtin_role_assignment role missing", config: builtin(`builtin_role = "Viewer"` + "\nrole_uid = \"no_such_role_uid\""), apply: true,
				expect: diagPattern(`Cannot grant role "no_such_role_uid".*does not exist`)},
		)
	}
	if fx.token != "" {
		// Only a server admin may change what is global, basic roles included:
		// the plan says so (GET /api/user tells a server admin).
		asToken := env.ProviderConfigWithAuth(fx.token)
		cases = append(cases,
			badInputCase{name: "custom_role global with a token",
				config: asToken + "resource \"grafanarbac_custom_role\" \"bad\" {\n  name = \"custom:bad-input:global\"\n  global = true\n}\n",
				expect: diagPattern(`Needs a Grafana server admin.*A global role needs a Grafana server admin.*plan_checks = "warn"`)},
			badInputCase{name: "builtin_role_assignment with a token",
				config: asToken + fmt.Sprintf("resource \"grafanarbac_builtin_role_assignment\" \"bad\" {\n  builtin_role = \"Viewer\"\n  role_uid = %q\n}\n", fx.roleUID),
				expect: diagPattern(`Needs a Grafana server admin.*a grant to a built-in role .* needs a Grafana server admin.*plan_checks = "warn"`)},
			badInputCase{name: "default_assignment with a token",
				config: asToken + "resource \"grafanarbac_default_assignment\" \"bad\" {\n  builtin_role = \"Viewer\"\n  fixed_role = \"fixed:annotations:reader\"\n}\n",
				expect: diagPattern(`Needs a Grafana server admin.*A change to a default grant .* needs a Grafana server admin.*plan_checks = "warn"`)},
		)
	}
	if fx.managedUID != "" {
		cases = append(cases,
			badInputCase{name: "team_role_assignment managed role", config: team(fmt.Sprintf("team_id = %d\nrole_uid = %q", fx.teamID, fx.managedUID)),
				expect: diagPattern(`Managed role cannot be assigned.*Assign a fixed or custom role instead`)},
			badInputCase{name: "user_role_assignment managed role", config: user(fmt.Sprintf("user_id = %d\nrole_uid = %q", fx.userID, fx.managedUID)),
				expect: diagPattern(`Managed role cannot be assigned`)},
			badInputCase{name: "custom_role import of a managed role", config: role(name), importAddr: "grafanarbac_custom_role.bad", importID: fx.managedUID,
				expect: diagPattern(`Cannot import a managed role`)},
		)
	}
	if fx.otherOrg != 0 {
		cases = append(cases, badInputCase{name: "team_role_assignment role of another org",
			config: team(fmt.Sprintf("team_id = %d\nrole_uid = %q\norg_id = %d", fx.otherTeamID, fx.roleUID, fx.otherOrg)),
			expect: diagPattern(`Role belongs to another organization.*belongs to organization 1.*Set org_id = 1`)})
	}

	// Issue 16, items 3, 9 and 10.
	perm := func(action, scope string) string {
		return role(name + "\npermissions = [{ action = " + hclQuote(action) + ", scope = " + hclQuote(scope) + " }]")
	}
	cases = append(cases,
		badInputCase{name: "custom_role action with a trailing space", config: perm("teams:read ", "teams:*"),
			expect: diagPattern(`White space in a permission action.*"teams:read ".*Remove the white space, e\.g\. "teams:read"`)},
		badInputCase{name: "custom_role action with a tab", config: perm("teams:\tread", "teams:*"), expect: diagPattern(`White space in a permission action`)},
		badInputCase{name: "custom_role action without a verb", config: perm("teams", "teams:*"),
			expect: diagPattern(`Malformed permission action.*"teams" is not of the form <resource>\[\.<sub>\]:<verb>`)},
		badInputCase{name: "custom_role action with an empty verb", config: perm("teams:", "teams:*"), expect: diagPattern(`Malformed permission action.*"teams:"`)},
		badInputCase{name: "custom_role action with an empty resource", config: perm(":read", "teams:*"), expect: diagPattern(`Malformed permission action.*":read"`)},
		badInputCase{name: "custom_role scope with a space", config: perm("dashboards:read", "dashboards: *"),
			expect: diagPattern(`White space in a permission scope.*"dashboards: \*".*e\.g\. "dashboards:\*"`)},
		badInputCase{name: "custom_role scope with a wildcard inside", config: perm("dashboards:read", "dashboards:*:abc"),
			expect: diagPattern(`Wildcard inside a permission scope.*"dashboards:\*:abc".*Use a scope such as "dashboards:\*"`)},
		badInputCase{name: "custom_role scope with a question mark", config: perm("teams:read", "teams:id:?1"), expect: diagPattern(`Wildcard inside a permission scope.*"teams:id:\?1"`)},
		badInputCase{name: "custom_role scope with a wildcard after part of a name", config: perm("dashboards:read", "dashboards:uid:abc*"),
			expect: diagPattern(`Wildcard after part of a name.*"dashboards:uid:abc\*".*Use a scope such as "dashboards:uid:\*".*plan_checks`)},
		badInputCase{name: "builtin_role_assignment Grafana Admin of an org role",
			config: builtin(`builtin_role = "Grafana Admin"` + "\nrole_uid = \"" + fx.roleUID + "\"\nglobal = true"),
			expect: diagPattern(`Global assignment of an organization's role.*Grafana Admin assignments are global.*make the role global .global = true on its grafanarbac_custom_role.`)},
		badInputCase{name: "custom_role org_id that does not exist", config: role(name + "\norg_id = 987654\npermissions = [{ action = \"teams:read\", scope = \"teams:*\" }]"),
			expect: diagPattern(`Organization not found.*Organization 987654 does not exist`)},
		badInputCase{name: "team_role_assignment org_id that does not exist", config: team(fmt.Sprintf("team_id = %d\nrole_uid = %q\norg_id = 987654", fx.teamID, fx.roleUID)),
			expect: diagPattern(`Organization not found.*Organization 987654 does not exist`)},
		badInputCase{name: "team data source org_id that does not exist", config: ds("grafanarbac_team", "name = \"x\"\norg_id = 987654"),
			expect: diagPattern(`Organization not found.*Organization 987654 does not exist`)},
		badInputCase{name: "team data source name in another case", config: ds("grafanarbac_team", "name = "+hclQuote(strings.ToUpper(fx.teamName))),
			expect: diagPattern(`Team not found.*Did you mean ` + regexp.QuoteMeta(strconv.Quote(fx.teamName)) + `\?`)},
		badInputCase{name: "custom_role name taken by a different role", apply: true,
			config: role("name = " + hclQuote(fx.roleName) + "\npermissions = [{ action = \"teams:read\", scope = \"teams:id:1\" }]"),
			expect: diagPattern(`Cannot create role.*409.*The name is taken by role uid ` + regexp.QuoteMeta(fx.roleUID) + `, whose content differs`)},
		badInputCase{name: "custom_role uid taken by a different role", apply: true,
			config: role(name + "\nuid = " + hclQuote(fx.roleUID)),
			expect: diagPattern(`Cannot create role.*409.*a role with uid "` + regexp.QuoteMeta(fx.roleUID) + `" exists, but differs`)},
	)
	cases = append(cases, safetyBadInputCases(t, env, fx)...)
	cases = append(cases, authoritativeBadInputCases(t, env, fx)...)
	return cases
}

// authoritativeBadInputCases are issue 17's resources and look-ups.
func authoritativeBadInputCases(t *testing.T, env *acctest.Env, fx badInputFixtures) []badInputCase {
	block := func(kind, typ, body string) string {
		return env.ProviderConfig() + fmt.Sprintf("%s %q \"bad\" {\n%s\n}\n", kind, typ, body)
	}
	holders := func(body string) string { return block("resource", "grafanarbac_role_assignments", body) }
	teamRoles := func(body string) string { return block("resource", "grafanarbac_team_roles", body) }
	userRoles := func(body string) string { return block("resource", "grafanarbac_user_roles", body) }
	ds := func(typ, body string) string { return block("data", typ, body) }
	uid := strconv.Quote(fx.roleUID)
	quoted := func(s string) string { return regexp.QuoteMeta(strconv.Quote(s)) }
	cases := []badInputCase{
		// grafanarbac_role_assignments
		{name: "role_assignments empty role_uid", config: holders(`role_uid = ""`), expect: diagPattern(`role_uid string length must be at least 1, got: 0`)},
		{name: "role_assignments org_id zero", config: holders("role_uid = " + uid + "\norg_id = 0"), expect: diagPattern(`org_id value must be at least 1, got: 0`)},
		{name: "role_assignments user id zero", config: holders("role_uid = " + uid + "\nusers = [0]"), expect: diagPattern(`users\[Value\(0\)\] value must be at least 1, got: 0`)},
		{name: "role_assignments team id negative", config: holders("role_uid = " + uid + "\nteams = [-3]"), expect: diagPattern(`teams\[Value\(-3\)\] value must be at least 1, got: -3`)},
		{name: "role_assignments service account id zero", config: holders("role_uid = " + uid + "\nservice_accounts = [0]"),
			expect: diagPattern(`service_accounts\[Value\(0\)\] value must be at least 1, got: 0`)},
		{name: "role_assignments id in users and service_accounts", config: holders(fmt.Sprintf("role_uid = %s\nusers = [%d]\nservice_accounts = [%d]", uid, fx.userID, fx.userID)),
			expect: diagPattern(fmt.Sprintf(`Id in both users and service_accounts.*Id %d is listed in users and in service_accounts.*service_accounts only`, fx.userID))},
		{name: "role_assignments import ID", config: holders("role_uid = " + uid), importAddr: "grafanarbac_role_assignments.bad", importID: fx.roleUID,
			expect: diagPattern(`Invalid import ID`)},

		// grafanarbac_team_roles
		{name: "team_roles team_id zero", config: teamRoles("team_id = 0"), expect: diagPattern(`team_id value must be at least 1, got: 0`)},
		{name: "team_roles team missing", config: teamRoles("team_id = 987654"), expect: diagPattern(`Team not found.*No team with id 987654 in organization 1`)},
		{name: "team_roles basic role", config: teamRoles(fmt.Sprintf("team_id = %d\nrole_uids = [\"basic_viewer\"]", fx.teamID)),
			expect: diagPattern(`Basic role cannot be assigned.*"basic_viewer" is a basic role.*to a team`)},
		{name: "team_roles empty role uid", config: teamRoles(fmt.Sprintf("team_id = %d\nrole_uids = [\"\"]", fx.teamID)),
			expect: diagPattern(`role_uids\[Value\(""\)\] string length must be at least 1, got: 0`)},
		{name: "team_roles org_id zero", config: teamRoles(fmt.Sprintf("team_id = %d\norg_id = 0", fx.teamID)), expect: diagPattern(`org_id value must be at least 1, got: 0`)},
		{name: "team_roles import ID", config: teamRoles(fmt.Sprintf("team_id = %d", fx.teamID)), importAddr: "grafanarbac_team_roles.bad", importID: "1:team",
			expect: diagPattern(`Invalid import ID`)},

		// grafanarbac_user_roles
		{name: "user_roles user_id zero", config: userRoles("user_id = 0"), expect: diagPattern(`user_id value must be at least 1, got: 0`)},
		{name: "user_roles user missing", config: userRoles("user_id = 987654"),
			expect: diagPattern(`User not found.*No user or service account with id 987654 in organization 1.*grafanarbac_user`)},
		{name: "user_roles global with org_id", config: userRoles(fmt.Sprintf("user_id = %d\nglobal = true\norg_id = 1", fx.userID)),
			expect: diagPattern(`org_id set on a global assignment.*Remove org_id, or set global = false`)},
		{name: "user_roles basic role", config: userRoles(fmt.Sprintf("user_id = %d\nrole_uids = [\"basic_admin\"]", fx.userID)),
			expect: diagPattern(`Basic role cannot be assigned.*"basic_admin" is a basic role.*to a user`)},
		{name: "user_roles global of an org role", config: userRoles(fmt.Sprintf("user_id = %d\nglobal = true\nrole_uids = [%s]", fx.userID, uid)),
			expect: diagPattern(`Global assignment of an organization's role.*` + regexp.QuoteMeta(fx.roleName))},
		{name: "user_roles empty role uid", config: userRoles(fmt.Sprintf("user_id = %d\nrole_uids = [\"\"]", fx.userID)),
			expect: diagPattern(`role_uids\[Value\(""\)\] string length must be at least 1, got: 0`)},
		{name: "user_roles import ID", config: userRoles(fmt.Sprintf("user_id = %d", fx.userID)), importAddr: "grafanarbac_user_roles.bad", importID: "everywhere:1",
			expect: diagPattern(`Invalid import ID`)},

		// grafanarbac_user
		{name: "user data source nothing set", config: ds("grafanarbac_user", ""),
			expect: diagPattern(`Missing Attribute Configuration.*Exactly one of these attributes must be configured: \[login,email,id\]`)},
		{name: "user data source login and email", config: ds("grafanarbac_user", "login = \"a\"\nemail = \"a@example.com\""),
			expect: diagPattern(`Invalid Attribute Combination.*\[login,email,id\]`)},
		{name: "user data source empty login", config: ds("grafanarbac_user", `login = ""`), expect: diagPattern(`login string length must be at least 1, got: 0`)},
		{name: "user data source id zero", config: ds("grafanarbac_user", "id = 0"), expect: diagPattern(`id value must be at least 1, got: 0`)},
		{name: "user data source login missing", config: ds("grafanarbac_user", "login = "+hclQuote(fx.login+"x")),
			expect: diagPattern(`User not found.*no member's login matches ` + quoted(fx.login+"x") + `.*Did you mean ` + quoted(fx.login) + `\?`)},
		{name: "user data source email missing", config: ds("grafanarbac_user", `email = "nobody-at-all@example.invalid"`),
			expect: diagPattern(`User not found.*no member's email matches "nobody-at-all@example\.invalid"`)},
		{name: "user data source id missing", config: ds("grafanarbac_user", "id = 987654"), expect: diagPattern(`User not found.*no member has id 987654`)},

		// grafanarbac_service_account and grafanarbac_role_assignments
		{name: "service_account data source name and id", config: ds("grafanarbac_service_account", "name = \"a\"\nid = 1"),
			expect: diagPattern(`Invalid Attribute Combination.*\[name,id\]`)},
		{name: "service_account data source id zero", config: ds("grafanarbac_service_account", "id = 0"), expect: diagPattern(`id value must be at least 1, got: 0`)},
		{name: "role_assignments data source empty role_uid", config: ds("grafanarbac_role_assignments", `role_uid = ""`),
			expect: diagPattern(`role_uid string length must be at least 1, got: 0`)},
		{name: "role_assignments data source org_id zero", config: ds("grafanarbac_role_assignments", "role_uid = "+uid+"\norg_id = 0"),
			expect: diagPattern(`org_id value must be at least 1, got: 0`)},
	}
	if fx.managedUID != "" {
		managed := []badInputCase{
			{name: "team_roles managed role", config: teamRoles(fmt.Sprintf("team_id = %d\nrole_uids = [%q]", fx.teamID, fx.managedUID))},
			{name: "user_roles managed role", config: userRoles(fmt.Sprintf("user_id = %d\nrole_uids = [%q]", fx.userID, fx.managedUID))},
		}
		if env.Generation(t) == grafana.Generation2 {
			managed = append(managed, badInputCase{name: "role_assignments managed role", config: holders("role_uid = " + hclQuote(fx.managedUID))})
		}
		for _, c := range managed {
			c.expect = diagPattern(`Managed role cannot be assigned.*Assign a fixed or custom role instead`)
			cases = append(cases, c)
		}
	}
	if env.Generation(t) == grafana.Generation1 {
		// Each names the release it needs.
		return append(cases,
			badInputCase{name: "role_assignments on generation 1", config: holders("role_uid = " + uid),
				expect: diagPattern(`grafanarbac_role_assignments needs Grafana 9 or later.*generation 1 API \(Grafana 8\)`)},
			badInputCase{name: "role_assignments data source on generation 1", config: ds("grafanarbac_role_assignments", "role_uid = "+uid),
				expect: diagPattern(`grafanarbac_role_assignments needs Grafana 9 or later`)},
			badInputCase{name: "service_account data source on generation 1", config: ds("grafanarbac_service_account", `name = "x"`),
				expect: diagPattern(`Service accounts need Grafana 9 or later.*has no service accounts`)},
		)
	}
	cases = append(cases,
		badInputCase{name: "role_assignments basic role", config: holders(`role_uid = "basic_viewer"`),
			expect: diagPattern(`Basic role cannot be assigned.*"basic_viewer" is a basic role.*to a team or user`)},
		badInputCase{name: "role_assignments team missing", config: holders("role_uid = " + uid + "\nteams = [987654]"),
			expect: diagPattern(`Team not found.*No team with id 987654 in organization 1.*Check teams`)},
		badInputCase{name: "role_assignments user missing", config: holders("role_uid = " + uid + "\nusers = [987654]"),
			expect: diagPattern(`User not found.*No user with id 987654 in organization 1.*Check users`)},
		badInputCase{name: "role_assignments service account missing", config: holders("role_uid = " + uid + "\nservice_accounts = [987654]"),
			expect: diagPattern(`Service account not found.*No service account with id 987654 in organization 1.*Check service_accounts`)},
		badInputCase{name: "role_assignments service account in users", config: holders(fmt.Sprintf("role_uid = %s\nusers = [%d]", uid, fx.saID)),
			expect: diagPattern(fmt.Sprintf(`A service account listed in users.*Id %d in organization 1 is a service account, not a user\. Move it to service_accounts`, fx.saID))},
		badInputCase{name: "role_assignments user in service_accounts", config: holders(fmt.Sprintf("role_uid = %s\nservice_accounts = [%d]", uid, fx.userID)),
			expect: diagPattern(fmt.Sprintf(`A user listed in service_accounts.*Id %d in organization 1 is a user, not a service account\. Move it to users`, fx.userID))},
		badInputCase{name: "role_assignments role missing", apply: true, config: holders(fmt.Sprintf("role_uid = \"no_such_role_uid\"\nusers = [%d]", fx.userID)),
			expect: diagPattern(`Cannot set the holders of role "no_such_role_uid" in organization 1.*404.*does not exist in this organization`)},
		badInputCase{name: "role_assignments data source role missing", config: ds("grafanarbac_role_assignments", "role_uid = "+hclQuote(fx.roleUID+"x")),
			expect: diagPattern(`Role not found.*no role uid matches ` + quoted(fx.roleUID+"x") + `.*Did you mean ` + quoted(fx.roleUID) + `\?`)},
		badInputCase{name: "service_account data source name in another case", config: ds("grafanarbac_service_account", "name = "+hclQuote(strings.ToUpper(fx.saName))),
			expect: diagPattern(`Service account not found.*no service account's name matches ` + quoted(strings.ToUpper(fx.saName)) + `.*Did you mean ` + quoted(fx.saName) + `\?`)},
		badInputCase{name: "service_account data source id missing", config: ds("grafanarbac_service_account", "id = 987654"),
			expect: diagPattern(`Service account not found.*no service account has id 987654`)},
	)
	return cases
}

// safetyBadInputCases are issue 16's plan-time refusals of assignments.
func safetyBadInputCases(t *testing.T, env *acctest.Env, fx badInputFixtures) []badInputCase {
	builtin := func(body string) string {
		return env.ProviderConfig() + "resource \"grafanarbac_builtin_role_assignment\" \"bad\" {\n" + body + "\n}\n"
	}
	missing := "Viewer" // holds none of the fixture role's permissions
	if _, err := env.Client.GetRole(context.Background(), "basic_none"); err == nil {
		missing = "None"
	}
	importID := fmt.Sprintf("%d:%s:%s", env.OrgID, missing, fx.roleUID)
	cases := []badInputCase{
		{name: "builtin_role_assignment import of a grant that does not exist", config: builtin(fmt.Sprintf("builtin_role = %q\nrole_uid = %q", missing, fx.roleUID)),
			importAddr: "grafanarbac_builtin_role_assignment.bad", importID: importID, expect: diagPattern(`Cannot import non-existent remote object`)},
	}
	// A default grant that harms nobody when removed.
	inPlace := struct{ builtin, fixed string }{"Viewer", "fixed:annotations:reader"}
	if env.Generation(t) == grafana.Generation1 {
		inPlace.builtin, inPlace.fixed = "Admin", "fixed:reporting:admin:read"
	}
	// Removing a grant that is not in place (not a Viewer default).
	notDefaults := []string{"fixed:dashboards:creator", "fixed:teams:creator"}
	if env.Generation(t) == grafana.Generation1 {
		notDefaults = []string{"fixed:datasources:reader"}
	}
	for _, fixed := range notDefaults {
		cases = append(cases, badInputCase{name: "default_assignment removal of " + fixed + " from Viewer",
			config: env.ProviderConfig() + fmt.Sprintf("resource \"grafanarbac_default_assignment\" \"bad\" {\n  builtin_role = \"Viewer\"\n  fixed_role = %q\n}\n", fixed),
			expect: diagPattern(`Grant not in place.*` + regexp.QuoteMeta(strconv.Quote(fixed)) + `.*Remove this resource; to grant the role, use grafanarbac_builtin_role_assignment`)})
	}

	// Two resources claiming one grant: Terraform names the one that fails.
	twice := func(typ, body string) string {
		return env.ProviderConfig() + fmt.Sprintf("resource %q \"a\" {\n%s\n}\nresource %q \"b\" {\n%s\n}\n", typ, body, typ, body)
	}
	claimed := func(typ, what string) *regexp.Regexp {
		return diagPattern(`Two resources claim one grant.*with ` + regexp.QuoteMeta(typ) + `\.[ab],.*Another resource in this configuration also ` + regexp.QuoteMeta(what) + `.*Keep only one of them`)
	}
	uid := strconv.Quote(fx.roleUID)
	cases = append(cases,
		badInputCase{name: "team_role_assignment same grant twice", config: twice("grafanarbac_team_role_assignment", fmt.Sprintf("team_id = %d\nrole_uid = %s", fx.teamID, uid)),
			expect: claimed("grafanarbac_team_role_assignment", fmt.Sprintf("assigns role %s to team %d in organization %d", uid, fx.teamID, env.OrgID))},
		badInputCase{name: "user_role_assignment same grant twice", config: twice("grafanarbac_user_role_assignment", fmt.Sprintf("user_id = %d\nrole_uid = %s", fx.userID, uid)),
			expect: claimed("grafanarbac_user_role_assignment", fmt.Sprintf("assigns role %s to user %d in organization %d", uid, fx.userID, env.OrgID))},
		badInputCase{name: "builtin_role_assignment same grant twice", config: twice("grafanarbac_builtin_role_assignment", fmt.Sprintf("builtin_role = \"Editor\"\nrole_uid = %s", uid)),
			expect: claimed("grafanarbac_builtin_role_assignment", fmt.Sprintf(`grants role %s to built-in role "Editor"`, uid))},
		badInputCase{name: "default_assignment same grant twice", config: twice("grafanarbac_default_assignment", fmt.Sprintf("builtin_role = %q\nfixed_role = %q", inPlace.builtin, inPlace.fixed)),
			expect: claimed("grafanarbac_default_assignment", fmt.Sprintf("states the default grant of %q to %q", inPlace.fixed, inPlace.builtin))},
	)
	return cases
}

func TestBadInput(t *testing.T) {
	env := acctest.Get(t)
	fx := newBadInputFixtures(t, env)
	cases := resourceBadInputCases(t, env, fx)
	if n := len(cases) + len(providerBadInputCases(t, env)); n < 40 {
		t.Fatalf("the bad-input table has %d cases (with the provider's, in TestProviderConfig_BadValues); issue 8 asks for at least 40", n)
	}
	var batched, single []badInputCase
	for _, c := range cases {
		if _, ok := batchBlock(env, c); ok {
			batched = append(batched, c)
		} else {
			single = append(single, c)
		}
	}
	t.Run("plan-time cases", func(t *testing.T) { runBadInputBatch(t, env, fx.targets(env), batched) })
	runBadInputCases(t, env, fx.targets(env), single)
}

// batchBlock is a case's configuration without the provider block, for a
// batch: plan-time cases (imports included) of one resource, data source or
// output labelled "bad"; apply-time cases run alone.
func batchBlock(env *acctest.Env, c badInputCase) (string, bool) {
	body, ok := strings.CutPrefix(c.config, env.ProviderConfig())
	if !ok || c.apply || len(c.env) > 0 || strings.Count(body, ` "bad" {`) != 1 {
		return "", false
	}
	if c.importAddr != "" {
		// An import block: planned like the rest (Terraform 1.5+).
		typ, ok := strings.CutSuffix(c.importAddr, ".bad")
		if !ok {
			return "", false
		}
		body += fmt.Sprintf("import {\n  to = %s.bad\n  id = %q\n}\n", typ, c.importID)
	}
	return body, true
}

var diagnosticStart = regexp.MustCompile(`(?m)^Error: `)

// runBadInputBatch plans all cases in one configuration, each under its
// own label, and matches every case's pattern against the diagnostic that
// names its label. Terraform stops before planning when validation fails,
// so cases found in one round are dropped and the rest planned again: two
// rounds (validation, then plan) instead of one run per case.
func runBadInputBatch(t *testing.T, env *acctest.Env, targets badInputTargets, cases []badInputCase) {
	t.Helper()
	before := takeBadInputSnapshot(t, env, targets)
	label := func(i int) string { return fmt.Sprintf("bad_input_case_%02d", i) }
	pending := map[int]bool{}
	for i := range cases {
		pending[i] = true
	}
	for round := 1; len(pending) > 0; round++ {
		var config strings.Builder
		config.WriteString(env.ProviderConfig())
		for i, c := range cases {
			if pending[i] {
				body, _ := batchBlock(env, c)
				body = strings.Replace(body, ` "bad" {`, fmt.Sprintf(` %q {`, label(i)), 1)
				// Each case its own role name: two roles of one name fail the plan.
				body = strings.ReplaceAll(body, `"custom:bad-input:x"`, fmt.Sprintf(`"custom:bad-input:x%02d"`, i))
				config.WriteString(strings.Replace(body, ".bad\n", "."+label(i)+"\n", 1))
			}
		}
		var out string
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactoriesWithEnv(nil),
			ErrorCheck:               func(err error) error { out = err.Error(); return nil },
			Steps:                    []resource.TestStep{{Config: config.String(), PlanOnly: true}},
		})
		if out == "" {
			for i := range pending {
				t.Errorf("%s: planned without error (round %d)", cases[i].name, round)
			}
			break
		}
		// Each diagnostic runs from its "Error:" line to the next.
		starts := diagnosticStart.FindAllStringIndex(out, -1)
		var diags []string
		for k, st := range starts {
			end := len(out)
			if k+1 < len(starts) {
				end = starts[k+1][0]
			}
			diags = append(diags, out[st[0]:end])
		}
		found := 0
		for i := range pending {
			named := regexp.MustCompile(`\b` + label(i) + `\b`)
			if cases[i].importAddr != "" {
				// Terraform names no address in the provider's diagnostics
				// of an import block, which quote the ID; its own (no such
				// object) name the address.
				named = regexp.MustCompile(`(?i)import ID ` + regexp.QuoteMeta(strconv.Quote(cases[i].importID)) + `|\b` + label(i) + `\b`)
			}
			var mine []string
			for _, d := range diags {
				if named.MatchString(d) {
					mine = append(mine, d)
				}
			}
			if len(mine) == 0 {
				continue
			}
			found++
			delete(pending, i)
			if !slices.ContainsFunc(mine, cases[i].expect.MatchString) {
				t.Errorf("%s: no diagnostic matches %s; got:\n%s", cases[i].name, cases[i].expect, strings.Join(mine, "\n"))
			}
		}
		if found == 0 {
			for i := range pending {
				t.Errorf("%s: no diagnostic names it (round %d); output:\n%s", cases[i].name, round, out)
			}
			break
		}
	}
	if after := takeBadInputSnapshot(t, env, targets); !reflect.DeepEqual(before, after) {
		t.Errorf("the server changed:\n%s", before.diff(after))
	}
}

// TestBadInputSnapshotSeesChanges proves the "server unchanged" check can
// fail: a role's new permission and a new team assignment each show.
func TestBadInputSnapshotSeesChanges(t *testing.T) {
	env := acctest.Get(t)
	ctx := context.Background()
	fx := newBadInputFixtures(t, env)
	targets := fx.targets(env)

	before := takeBadInputSnapshot(t, env, targets)
	role, err := env.Client.GetRole(ctx, fx.roleUID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.Client.UpdateRole(ctx, fx.roleUID, grafana.UpdateRoleRequest{
		Version: role.Version + 1, Name: role.Name,
		Permissions: append(role.Permissions, grafana.Permission{Action: "teams:read", Scope: "teams:id:1"}),
	}); err != nil {
		t.Fatal(err)
	}
	afterUpdate := takeBadInputSnapshot(t, env, targets)
	if reflect.DeepEqual(before, afterUpdate) {
		t.Fatal("the snapshot did not see a role's new permission")
	}
	if err := env.Client.AddTeamRole(ctx, fx.teamID, fx.roleUID); err != nil {
		t.Fatal(err)
	}
	afterAssign := takeBadInputSnapshot(t, env, targets)
	if d := afterUpdate.diff(afterAssign); !strings.Contains(d, fmt.Sprintf("assignments of team %d", fx.teamID)) {
		t.Fatalf("the snapshot did not see a team assignment; diff: %q", d)
	}
}
