package provider_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/terraform-plugin-testing/config"
	sdkacctest "github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/acctest"
	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/emulator"
	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

const migrationExample = "../../examples/migrate-from-provisioning"

// migrationTeams are the teams the example's files name, which Grafana
// needs to exist before provisioning.
var migrationTeams = []string{"Reporting", "Data source admins"}

// TestAccProvisioningMigrationEquivalence proves the migration example: one
// emulator provisioned from the example's file, another to which
// examples/migrate-from-provisioning is applied, both holding first the
// roles the file's deleteRoles removes, and the roles, permissions and
// assignments of both compared. It runs on the generation
// GRAFANA_EMULATOR_GENERATION names (at GRAFANA_EMULATOR_VERSION), or on
// 8, 12 and 13.
func TestAccProvisioningMigrationEquivalence(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel() // emulators of its own
	gens := []int{8, 12, 13}
	version := "" // each generation's default: one version cannot fit all three
	if v := os.Getenv(acctest.EnvGeneration); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			t.Fatalf("%s=%q", acctest.EnvGeneration, v)
		}
		gens, version = []int{n}, os.Getenv(acctest.EnvVersion)
	}
	for _, gen := range gens {
		t.Run(fmt.Sprintf("gen%d", gen), func(t *testing.T) { testMigrationEquivalence(t, gen, version) })
	}
}

func testMigrationEquivalence(t *testing.T, gen int, version string) {
	ctx := context.Background()
	fileDir, err := filepath.Abs(filepath.Join(migrationExample, "provisioning", "access-control"))
	if gen == 8 {
		fileDir, err = filepath.Abs(filepath.Join(migrationExample, "provisioning-grafana8", "access-control"))
	}
	if err != nil {
		t.Fatal(err)
	}
	mainTF, err := os.ReadFile(filepath.Join(migrationExample, "main.tf"))
	if err != nil {
		t.Fatal(err)
	}

	// The provisioned emulator starts empty and is provisioned once the
	// roles its deleteRoles removes exist, as a Grafana restarted with the
	// file would be: started with the file, it would have nothing to delete.
	password := "pw-" + sdkacctest.RandString(12)
	provisioned, err := emulator.NewServer(emulator.Config{Generation: gen, Version: version, AdminPassword: password, Teams: migrationTeams})
	if err != nil {
		t.Fatal(err)
	}
	defer provisioned.Close()
	migrated, err := emulator.NewServer(emulator.Config{Generation: gen, Version: version, AdminPassword: password})
	if err != nil {
		t.Fatal(err)
	}
	defer migrated.Close()

	auth := "admin:" + password
	provisionedClient := migrationClient(t, provisioned.URL, auth)
	migratedClient := migrationClient(t, migrated.URL, auth)
	for _, name := range migrationTeams {
		if _, err := migratedClient.CreateTeam(ctx, name, ""); err != nil {
			t.Fatalf("creating team %s: %v", name, err)
		}
	}
	createMigrationDeletedRoles(t, provisionedClient)
	toDelete := createMigrationDeletedRoles(t, migratedClient)
	if err := provisioned.Emulator.Provision(fileDir); err != nil {
		t.Fatalf("provisioning: %v", err)
	}

	want := migrationSnapshot(t, provisionedClient)
	// Guard against comparing two Grafanas where nothing happened.
	if want.Roles["custom:reports:editor"] == nil || len(want.Teams["Reporting"]) != 2 {
		t.Fatalf("the provisioned Grafana lacks what the file provisions: %+v", want.Teams)
	}
	if _, found := want.without(migrationDeletedNames()...); len(found) > 0 {
		t.Fatalf("provisioning left roles its deleteRoles removes: %v", found)
	}
	before := migrationSnapshot(t, migratedClient)
	if d := cmp.Diff(want, before); d == "" {
		t.Fatal("the two Grafanas are equal before the migration: the comparison proves nothing")
	}

	providerBlock := fmt.Sprintf("provider %q {\n  url  = %q\n  auth = %q\n}\n", acctest.ProviderName, migrated.URL, auth)
	cfg := providerBlock + "\n" + string(mainTF)
	vars := config.Variables{
		"provisioning_file":  config.StringVariable(filepath.Join(fileDir, "roles.yaml")),
		"keep_file_versions": config.BoolVariable(gen != 13),
	}
	// Terraform deletes only what it manages, so the example cannot carry
	// out deleteRoles: its check names the roles left to delete, and the
	// operator deletes them. The test asserts both halves: the check fails
	// while they exist, and passes, with Grafana equal to the provisioned
	// one, once they are deleted by hand as it says.
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:          cfg,
				ConfigVariables: vars,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{expectCheckBlock{
						name: "deleted_roles_are_gone", fails: true, mentions: []string{"custom:legacy:reports", "legacy_global_reader"},
					}},
				},
				// A state check rather than Check: the legacy state shim behind
				// Check cannot address for_each keys such as "fixed:…".
				ConfigStateChecks: []statecheck.StateCheck{sameGrafana{t: t, want: want, client: migratedClient, left: migrationDeletedNames()}},
			},
			{
				PreConfig: func() {
					for _, r := range toDelete {
						if err := migratedClient.DeleteRole(ctx, r.UID, grafana.DeleteRoleOptions{Force: true, Global: r.Global}); err != nil {
							t.Fatalf("deleting %s by hand: %v", r.Name, err)
						}
					}
				},
				// Nothing drifts: a second plan is empty, and the check passes.
				Config:          cfg,
				ConfigVariables: vars,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan(), expectCheckBlock{name: "deleted_roles_are_gone"}},
				},
				ConfigStateChecks: []statecheck.StateCheck{sameGrafana{t: t, want: want, client: migratedClient}},
			},
			{
				// The framework's own clean-up cannot read a state holding
				// for_each instances, so the resources are destroyed here.
				Config: providerBlock,
			},
		},
	})
}

// migrationDeletedRoles are the roles the example files' deleteRoles
// remove: one found by name in org 1, assigned to a team so that only
// force: true deletes it, and a global one found by uid.
var migrationDeletedRoles = []grafana.CreateRoleRequest{
	{Name: "custom:legacy:reports", Permissions: []grafana.Permission{{Action: "reports:read", Scope: "reports:*"}}},
	{UID: "legacy_global_reader", Name: "custom:legacy:global-reader", Global: true,
		Permissions: []grafana.Permission{{Action: "reports:read", Scope: "reports:*"}}},
}

func migrationDeletedNames() []string {
	names := make([]string, len(migrationDeletedRoles))
	for i, r := range migrationDeletedRoles {
		names[i] = r.Name
	}
	return names
}

func createMigrationDeletedRoles(t *testing.T, c *grafana.Client) []*grafana.Role {
	t.Helper()
	ctx := context.Background()
	teams, err := c.SearchTeams(ctx, "Reporting")
	if err != nil || len(teams) != 1 {
		t.Fatalf("finding team Reporting: %v (%d found)", err, len(teams))
	}
	var roles []*grafana.Role
	for _, req := range migrationDeletedRoles {
		r, err := c.CreateRole(ctx, req)
		if err != nil {
			t.Fatalf("creating %s: %v", req.Name, err)
		}
		roles = append(roles, r)
	}
	if err := c.AddTeamRole(ctx, teams[0].ID, roles[0].UID); err != nil {
		t.Fatalf("assigning %s: %v", roles[0].Name, err)
	}
	return roles
}

// expectCheckBlock asserts the result of a check block in the plan: that
// it passes, or that it fails with a message naming each of mentions.
type expectCheckBlock struct {
	name     string
	fails    bool
	mentions []string
}

func (c expectCheckBlock) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	want := "pass"
	if c.fails {
		want = "fail"
	}
	for _, r := range req.Plan.Checks {
		if r.Address.Kind != "check" || r.Address.Name != c.name {
			continue
		}
		var problems []string
		for _, in := range r.Instances {
			for _, p := range in.Problems {
				problems = append(problems, p.Message)
			}
		}
		text := strings.Join(problems, "\n")
		if string(r.Status) != want {
			resp.Error = fmt.Errorf("check %s: want %s, got %s %s", c.name, want, r.Status, text)
			return
		}
		for _, m := range c.mentions {
			if !strings.Contains(text, m) {
				resp.Error = fmt.Errorf("check %s does not name %q: %s", c.name, m, text)
				return
			}
		}
		return
	}
	resp.Error = fmt.Errorf("the plan has no result for check %s", c.name)
}

// sameGrafana fails when the migrated Grafana's state differs from want,
// or, with left, when it lacks one of those roles or differs once they and
// their assignments are set aside.
type sameGrafana struct {
	t      *testing.T
	want   migrationState
	client *grafana.Client
	left   []string
}

func (c sameGrafana) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	got, found := migrationSnapshot(c.t, c.client).without(c.left...)
	if len(found) != len(c.left) {
		resp.Error = fmt.Errorf("roles %v should still be there, found %v", c.left, found)
		return
	}
	if d := cmp.Diff(c.want, got); d != "" {
		resp.Error = fmt.Errorf("Grafana after the migration differs from the provisioned one (-provisioned +migrated):\n%s", d)
	}
}

func migrationClient(t *testing.T, url, auth string) *grafana.Client {
	t.Helper()
	c, err := grafana.New(grafana.Config{URL: url, Auth: auth, OrgID: 1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// migrationRole is what is compared of a role. The uids of managed roles,
// and of fixed roles on Grafana 8, are drawn at random on each instance.
type migrationRole struct {
	UID, DisplayName, Description, Group string
	Version                              int64
	Global, Hidden                       bool
	Permissions                          []string
}

// migrationState is the access-control state of org 1: every role by name
// with its permissions, the grants of built-in roles (generation 1) and the
// roles of every team by team name.
type migrationState struct {
	Roles    map[string]*migrationRole
	Builtins map[string][]string
	Teams    map[string][]string
}

func migrationSnapshot(t *testing.T, c *grafana.Client) migrationState {
	t.Helper()
	ctx := context.Background()
	s := migrationState{Roles: map[string]*migrationRole{}, Builtins: map[string][]string{}, Teams: map[string][]string{}}
	roles, err := c.ListRoles(ctx, grafana.ListRolesOptions{IncludeHidden: true})
	if err != nil {
		t.Fatalf("listing roles: %v", err)
	}
	for _, r := range roles {
		full, err := c.GetRole(ctx, r.UID)
		if err != nil {
			t.Fatalf("reading role %s: %v", r.Name, err)
		}
		rs := &migrationRole{
			UID: full.UID, DisplayName: full.DisplayName, Description: full.Description, Group: full.Group,
			Version: full.Version, Global: full.Global, Hidden: full.Hidden,
		}
		if strings.HasPrefix(full.Name, "fixed:") || strings.HasPrefix(full.Name, "managed:") {
			rs.UID = ""
		}
		for _, p := range full.Permissions {
			rs.Permissions = append(rs.Permissions, p.Action+" "+p.Scope)
		}
		slices.Sort(rs.Permissions)
		rs.Permissions = slices.Compact(rs.Permissions)
		s.Roles[full.Name] = rs
	}
	gen, err := c.Generation(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if gen == grafana.Generation1 {
		byBuiltin, err := c.ListBuiltinRoleAssignments(ctx, true)
		if err != nil {
			t.Fatalf("listing built-in role assignments: %v", err)
		}
		for builtin, roles := range byBuiltin {
			s.Builtins[builtin] = migrationRoleNames(roles)
		}
	}
	for _, name := range migrationTeams {
		teams, err := c.SearchTeams(ctx, name)
		if err != nil || len(teams) != 1 {
			t.Fatalf("finding team %s: %v (%d found)", name, err, len(teams))
		}
		roles, err := c.ListTeamRoles(ctx, teams[0].ID, true)
		if err != nil {
			t.Fatalf("listing the roles of team %s: %v", name, err)
		}
		s.Teams[name] = migrationRoleNames(roles)
	}
	return s
}

// without returns s less the roles named, and their assignments, and
// which of them s held.
func (s migrationState) without(names ...string) (migrationState, []string) {
	out := migrationState{Roles: map[string]*migrationRole{}, Builtins: map[string][]string{}, Teams: map[string][]string{}}
	drop := func(list []string) []string {
		return slices.DeleteFunc(slices.Clone(list), func(n string) bool { return slices.Contains(names, n) })
	}
	var found []string
	for name, r := range s.Roles {
		if slices.Contains(names, name) {
			found = append(found, name)
			continue
		}
		out.Roles[name] = r
	}
	for k, v := range s.Builtins {
		out.Builtins[k] = drop(v)
	}
	for k, v := range s.Teams {
		out.Teams[k] = drop(v)
	}
	slices.Sort(found)
	return out, found
}

func migrationRoleNames(roles []grafana.Role) []string {
	names := make([]string, 0, len(roles))
	for _, r := range roles {
		names = append(names, r.Name)
	}
	slices.Sort(names)
	return names
}
