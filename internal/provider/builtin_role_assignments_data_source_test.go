package provider_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

func TestAccBuiltinRoleAssignmentsDataSource_basic(t *testing.T) {
	env := newAssignEnv(t)
	perms := env.testPerms(t, 1)
	role := env.createRole(t, perms, false)
	const addr = "data.grafanarbac_builtin_role_assignments.test"
	editor := tfjsonpath.New("builtin_roles").AtMapKey("Editor")
	var checks []statecheck.StateCheck
	if env.gen == grafana.Generation1 {
		env.grantBuiltin(t, "Editor", role, false)
		checks = []statecheck.StateCheck{
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("generation"), knownvalue.Int64Exact(1)),
			statecheck.ExpectKnownValue(addr, editor.AtMapKey("basic_role_uid"), knownvalue.Null()),
		}
	} else {
		env.addToBasicRole(t, "Editor", perms)
		checks = []statecheck.StateCheck{
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("generation"), knownvalue.Int64Exact(2)),
			statecheck.ExpectKnownValue(addr, editor.AtMapKey("basic_role_uid"), knownvalue.StringExact("basic_editor")),
			statecheck.ExpectKnownValue(addr, editor.AtMapKey("permissions"), asgPermsCheck(env.basicRolePermissions("Editor")...)),
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 env.preCheck,
		ProtoV6ProviderFactories: env.factories,
		Steps: []resource.TestStep{{
			Config:            env.config(`data "grafanarbac_builtin_role_assignments" "test" {}`),
			ConfigStateChecks: checks,
			Check: func(s *terraform.State) error {
				if env.gen != grafana.Generation1 {
					return nil
				}
				return resource.TestCheckTypeSetElemNestedAttrs(addr, "builtin_roles.Editor.roles.*", map[string]string{"uid": role.UID})(s)
			},
		}},
	})
}
