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
		// The basic role's permissions contain the one added here and one of
		// Editor's default grants (fixed:annotations:writer). Not the exact
		// set: the parallel assignment tests change basic_editor meanwhile.
		want := append([]grafana.Permission{{Action: "annotations:write", Scope: "annotations:type:*"}}, perms...)
		checks = []statecheck.StateCheck{
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("generation"), knownvalue.Int64Exact(2)),
			statecheck.ExpectKnownValue(addr, editor.AtMapKey("basic_role_uid"), knownvalue.StringExact("basic_editor")),
			statecheck.ExpectKnownValue(addr, editor.AtMapKey("permissions"), asgPermsPartial(want...)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("builtin_roles").AtMapKey("Viewer").AtMapKey("basic_role_uid"), knownvalue.StringExact("basic_viewer")),
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

// asgPermsPartial is the state check for a permission set holding at least perms.
func asgPermsPartial(perms ...grafana.Permission) knownvalue.Check {
	checks := make([]knownvalue.Check, 0, len(perms))
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
	return knownvalue.SetPartial(checks)
}
