package provider_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

// namedUser makes a user of the provider's org with a known login and email.
func (e *assignEnv) namedUser(t *testing.T) (int64, string) {
	t.Helper()
	login := strings.NewReplacer(":", "-", " ", "-").Replace(e.randName("tf-acc-lookup"))
	id, err := e.client.CreateUser(context.Background(), grafana.CreateUserRequest{
		Login: login, Email: login + "@example.com", Name: "Look " + login, Password: "acc-" + login,
	})
	if err != nil {
		t.Fatalf("creating user %s: %v", login, err)
	}
	t.Cleanup(func() { _ = e.client.DeleteUser(context.Background(), id) })
	return id, login
}

func TestAccUserDataSource(t *testing.T) {
	env := newAssignEnv(t)
	id, login := env.namedUser(t)
	ds := "data.grafanarbac_user.test"
	checks := []statecheck.StateCheck{
		statecheck.ExpectKnownValue(ds, tfjsonpath.New("id"), knownvalue.Int64Exact(id)),
		statecheck.ExpectKnownValue(ds, tfjsonpath.New("login"), knownvalue.StringExact(login)),
		statecheck.ExpectKnownValue(ds, tfjsonpath.New("email"), knownvalue.StringExact(login+"@example.com")),
		statecheck.ExpectKnownValue(ds, tfjsonpath.New("name"), knownvalue.StringExact("Look "+login)),
		statecheck.ExpectKnownValue(ds, tfjsonpath.New("org_role"), knownvalue.StringExact("Viewer")),
		statecheck.ExpectKnownValue(ds, tfjsonpath.New("is_grafana_admin"), knownvalue.Bool(false)),
		statecheck.ExpectKnownValue(ds, tfjsonpath.New("org_id"), knownvalue.Int64Exact(env.orgID)),
	}
	cfg := func(body string) string { return env.config(`data "grafanarbac_user" "test" {` + "\n" + body + "\n}") }
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 env.preCheck,
		ProtoV6ProviderFactories: env.factories,
		Steps: []resource.TestStep{
			// Not last: a failed validation would fail the test's destroy too.
			{Config: cfg(fmt.Sprintf("login = %q\nid = %d", login, id)), ExpectError: asgErr("Invalid Attribute Combination")},
			{Config: cfg(fmt.Sprintf("login = %q", strings.ToUpper(login))), ConfigStateChecks: checks},
			{Config: cfg(fmt.Sprintf("email = %q", login+"@example.com")), ConfigStateChecks: checks},
			{Config: cfg(fmt.Sprintf("id = %d", id)), ConfigStateChecks: checks},
			{
				Config: cfg(`login = "admin"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("is_grafana_admin"), knownvalue.Bool(true)),
				},
			},
			{Config: cfg(fmt.Sprintf("login = %q", login+"x")), ExpectError: asgErr("User not found", `Did you mean "`+login+`"?`)},
			{Config: cfg(fmt.Sprintf("email = %q", "x"+login+"@example.com")), ExpectError: asgErr("User not found", `Did you mean "`+login+`@example.com"?`)},
			{Config: cfg("id = 999999"), ExpectError: asgErr("User not found", "no member has id 999999")},
		},
	})
}

func TestAccServiceAccountDataSource(t *testing.T) {
	env := newAssignEnv(t)
	env.skipUnlessGen(t, grafana.Generation2, "service accounts")
	name := env.randName("tf-acc-sa-lookup")
	sa, err := env.client.CreateServiceAccount(context.Background(), name, "Editor")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.client.DeleteServiceAccount(context.Background(), sa.ID) })
	ds := "data.grafanarbac_service_account.test"
	checks := []statecheck.StateCheck{
		statecheck.ExpectKnownValue(ds, tfjsonpath.New("id"), knownvalue.Int64Exact(sa.ID)),
		statecheck.ExpectKnownValue(ds, tfjsonpath.New("name"), knownvalue.StringExact(name)),
		statecheck.ExpectKnownValue(ds, tfjsonpath.New("login"), knownvalue.StringExact(sa.Login)),
		statecheck.ExpectKnownValue(ds, tfjsonpath.New("role"), knownvalue.StringExact("Editor")),
		statecheck.ExpectKnownValue(ds, tfjsonpath.New("disabled"), knownvalue.Bool(false)),
	}
	cfg := func(body string) string {
		return env.config(`data "grafanarbac_service_account" "test" {` + "\n" + body + "\n}")
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 env.preCheck,
		ProtoV6ProviderFactories: env.factories,
		Steps: []resource.TestStep{
			{Config: cfg(fmt.Sprintf("name = %q", name)), ConfigStateChecks: checks},
			{Config: cfg(fmt.Sprintf("id = %d", sa.ID)), ConfigStateChecks: checks},
			{Config: cfg(fmt.Sprintf("name = %q", strings.ToUpper(name))), ExpectError: asgErr("Service account not found", `Did you mean "`+name+`"?`)},
			{Config: cfg("id = 999999"), ExpectError: asgErr("Service account not found", "no service account has id 999999")},
		},
	})
}

func TestAccRoleAssignmentsDataSource(t *testing.T) {
	env := newAssignEnv(t)
	env.skipUnlessGen(t, grafana.Generation2, "role-centric reads")
	ctx := context.Background()
	role := env.createRole(t, env.testPerms(t, 1), false)
	user, team, sa := env.createUser(t), env.createTeam(t), env.createServiceAccount(t)
	for _, err := range []error{
		env.client.AddUserRole(ctx, user, role.UID, false),
		env.client.AddTeamRole(ctx, team, role.UID),
		env.client.AddUserRole(ctx, sa, role.UID, false),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	ds := "data.grafanarbac_role_assignments.test"
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 env.preCheck,
		ProtoV6ProviderFactories: env.factories,
		Steps: []resource.TestStep{
			{
				Config: env.config(fmt.Sprintf(`data "grafanarbac_role_assignments" "test" { role_uid = %q }`, role.UID)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("users"), knownvalue.SetExact([]knownvalue.Check{knownvalue.Int64Exact(user)})),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("teams"), knownvalue.SetExact([]knownvalue.Check{knownvalue.Int64Exact(team)})),
					statecheck.ExpectKnownValue(ds, tfjsonpath.New("service_accounts"), knownvalue.SetExact([]knownvalue.Check{knownvalue.Int64Exact(sa)})),
				},
			},
			{
				Config:      env.config(fmt.Sprintf(`data "grafanarbac_role_assignments" "test" { role_uid = %q }`, role.UID+"x")),
				ExpectError: asgErr("Role not found", `Did you mean "`+role.UID+`"?`),
			},
		},
	})
}

func TestAccRoleAssignmentsDataSource_generation1(t *testing.T) {
	env := newAssignEnv(t)
	env.skipUnlessGen(t, grafana.Generation1, "the generation 1 refusal")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 env.preCheck,
		ProtoV6ProviderFactories: env.factories,
		Steps: []resource.TestStep{{
			Config:      env.config(`data "grafanarbac_role_assignments" "test" { role_uid = "x" }`),
			ExpectError: asgErr("needs Grafana 9 or later"),
		}},
	})
}
