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
// emulator provisioned from the example's file at start, another empty one
// to which examples/migrate-from-provisioning is applied, and the roles,
// permissions and assignments of both compared. It runs on the generation
// GRAFANA_EMULATOR_GENERATION names, or on 8, 12 and 13.
func TestAccProvisioningMigrationEquivalence(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel() // emulators of its own
	gens := []int{8, 12, 13}
	if v := os.Getenv(acctest.EnvGeneration); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			t.Fatalf("%s=%q", acctest.EnvGeneration, v)
		}
		gens = []int{n}
	}
	for _, gen := range gens {
		t.Run(fmt.Sprintf("gen%d", gen), func(t *testing.T) { testMigrationEquivalence(t, gen) })
	}
}

func testMigrationEquivalence(t *testing.T, gen int) {
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

	password := "pw-" + sdkacctest.RandString(12)
	provisioned, err := emulator.NewServer(emulator.Config{
		Generation: gen, AdminPassword: password, ProvisioningDir: fileDir, Teams: migrationTeams,
	})
	if err != nil {
		t.Fatalf("starting the provisioned emulator: %v", err)
	}
	defer provisioned.Close()
	migrated, err := emulator.NewServer(emulator.Config{Generation: gen, AdminPassword: password})
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

	want := migrationSnapshot(t, provisionedClient)
	// Guard against comparing two Grafanas where nothing happened.
	if want.Roles["custom:reports:editor"] == nil || len(want.Teams["Reporting"]) != 2 {
		t.Fatalf("the provisioned Grafana lacks what the file provisions: %+v", want.Teams)
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
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:          cfg,
				ConfigVariables: vars,
				// A state check rather than Check: the legacy state shim behind
				// Check cannot address for_each keys such as "fixed:…".
				ConfigStateChecks: []statecheck.StateCheck{sameGrafana{t: t, want: want, client: migratedClient}},
			},
			{
				// Nothing drifts: a second plan is empty.
				Config:          cfg,
				ConfigVariables: vars,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// The framework's own clean-up cannot read a state holding
				// for_each instances, so the resources are destroyed here.
				Config: providerBlock,
			},
		},
	})
}

// sameGrafana fails when the migrated Grafana's state differs from want.
type sameGrafana struct {
	t      *testing.T
	want   migrationState
	client *grafana.Client
}

func (c sameGrafana) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if d := cmp.Diff(c.want, migrationSnapshot(c.t, c.client)); d != "" {
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

// migrationRole is what is compared of a role. Fixed roles' uids are left
// out: Grafana 8 draws them at random on each instance.
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
		if strings.HasPrefix(full.Name, "fixed:") {
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

func migrationRoleNames(roles []grafana.Role) []string {
	names := make([]string, 0, len(roles))
	for _, r := range roles {
		names = append(names, r.Name)
	}
	slices.Sort(names)
	return names
}
