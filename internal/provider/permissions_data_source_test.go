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

// permissionChecks are state checks for permissions a set must contain.
func permissionChecks(perms []grafana.Permission) []knownvalue.Check {
	var checks []knownvalue.Check
	for _, p := range grafana.NormalizePermissions(perms) {
		var scope knownvalue.Check = knownvalue.Null()
		if p.Scope != "" {
			scope = knownvalue.StringExact(p.Scope)
		}
		checks = append(checks, knownvalue.ObjectExact(map[string]knownvalue.Check{
			"action": knownvalue.StringExact(p.Action),
			"scope":  scope,
		}))
	}
	return checks
}

func TestAccPermissionsDataSource(t *testing.T) {
	env := newRoleTestEnv(t)
	ctx := context.Background()

	// Other tests change grants while this one runs, so only permissions no
	// test takes away are checked: the credentials' role management ones.
	self, err := env.client.GetCurrentUserPermissions(ctx)
	if err != nil {
		t.Fatalf("reading the caller's permissions: %v", err)
	}
	var stable []grafana.Permission
	for _, p := range self {
		if strings.HasPrefix(p.Action, "roles") {
			stable = append(stable, p)
		}
	}
	if len(stable) == 0 {
		t.Fatalf("the test credentials cannot manage roles: %v", self)
	}

	// A user holding a role of this test's own.
	user := env.limitedUser(t)
	granted := []grafana.Permission{env.scoped[0], env.scoped[1]}
	role, err := env.client.CreateRole(ctx, grafana.CreateRoleRequest{
		Name: env.randName("custom:acc:perms"), Version: 1, Permissions: granted,
	})
	if err != nil {
		t.Fatalf("creating a role: %v", err)
	}
	t.Cleanup(func() {
		_ = env.client.DeleteRole(context.Background(), role.UID, grafana.DeleteRoleOptions{Force: true})
	})
	if err := env.client.AddUserRole(ctx, user.id, role.UID, false); err != nil {
		t.Fatalf("granting the role to user %d: %v", user.id, err)
	}

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { env.preCheck(t) },
		ProtoV6ProviderFactories: env.factories,
		Steps: []resource.TestStep{
			{
				Config: env.config(fmt.Sprintf(`
data "grafanarbac_permissions" "self" {}

data "grafanarbac_permissions" "user" {
  user_id = %d
}
`, user.id)),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.grafanarbac_permissions.self", tfjsonpath.New("permissions"), knownvalue.SetPartial(permissionChecks(stable))),
					statecheck.ExpectKnownValue("data.grafanarbac_permissions.user", tfjsonpath.New("permissions"), knownvalue.SetPartial(permissionChecks(granted))),
				},
				ConfigPlanChecks: emptyPlanAfterApply,
			},
			{
				Config:      env.config("data \"grafanarbac_permissions\" \"x\" {\n  user_id = 987654321\n}\n"),
				ExpectError: textRegexp("User not found"),
			},
		},
	})
}
