package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

func userAssignmentHCL(name string, userID int64, roleUID, extra string) string {
	return fmt.Sprintf(`
resource "grafanarbac_user_role_assignment" %q {
  user_id  = %d
  role_uid = %q
%s}
`, name, userID, roleUID, extra)
}

// checkUserHasRole asks Grafana whether the user holds the role.
func checkUserHasRole(env *assignEnv, userID int64, uid string, want bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		roles, err := env.client.ListUserRoles(context.Background(), userID, true)
		if err != nil {
			return fmt.Errorf("listing the roles of user %d: %w", userID, err)
		}
		has := slices.ContainsFunc(roles, func(r grafana.Role) bool { return r.UID == uid })
		if has != want {
			return fmt.Errorf("user %d holds role %s: %t, want %t", userID, uid, has, want)
		}
		return nil
	}
}

func checkUserAssignmentsDestroyed(env *assignEnv) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for _, rs := range s.RootModule().Resources {
			if rs.Type != "grafanarbac_user_role_assignment" {
				continue
			}
			userID, _ := strconv.ParseInt(rs.Primary.Attributes["user_id"], 10, 64)
			if err := checkUserHasRole(env, userID, rs.Primary.Attributes["role_uid"], false)(s); err != nil {
				return fmt.Errorf("after destroy: %w", err)
			}
		}
		return nil
	}
}

func TestAccUserRoleAssignment_basic(t *testing.T) {
	env := newAssignEnv(t)
	role := env.createRole(t, env.testPerms(t, 1), false)
	other := env.createRole(t, env.testPerms(t, 1), false)
	userID := env.createUser(t)
	// An assignment made outside Terraform stays: the resource never sets the whole list.
	if err := env.client.AddUserRole(context.Background(), userID, other.UID, false); err != nil {
		t.Fatal(err)
	}
	const addr = "grafanarbac_user_role_assignment.test"
	id := fmt.Sprintf("%d:%d:%s", env.orgID, userID, role.UID)
	hcl := userAssignmentHCL("test", userID, role.UID, "")

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 env.preCheck,
		ProtoV6ProviderFactories: env.factories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			checkUserAssignmentsDestroyed(env),
			checkUserHasRole(env, userID, other.UID, true),
		),
		Steps: []resource.TestStep{
			{
				Config:           env.config(hcl),
				ConfigPlanChecks: asgEmptyPlanAfterApply,
				Check: resource.ComposeAggregateTestCheckFunc(
					checkUserHasRole(env, userID, role.UID, true),
					checkUserHasRole(env, userID, other.UID, true),
				),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(id)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("org_id"), knownvalue.Int64Exact(env.orgID)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("global"), knownvalue.Bool(false)),
				},
			},
			{ResourceName: addr, ImportState: true, ImportStateId: id, ImportStateVerify: true},
			{
				PreConfig: func() {
					if err := env.client.RemoveUserRole(context.Background(), userID, role.UID, false); err != nil {
						t.Fatal(err)
					}
				},
				Config:           env.config(hcl),
				ConfigPlanChecks: asgPlanAction(addr, plancheck.ResourceActionCreate),
				Check:            checkUserHasRole(env, userID, role.UID, true),
			},
		},
	})
}

func TestAccUserRoleAssignment_serviceAccount(t *testing.T) {
	env := newAssignEnv(t)
	env.skipUnlessGen(t, grafana.Generation2, "service accounts arrived with Grafana 9")
	role := env.createRole(t, env.testPerms(t, 1), false)
	saID := env.createServiceAccount(t)
	const addr = "grafanarbac_user_role_assignment.test"
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 env.preCheck,
		ProtoV6ProviderFactories: env.factories,
		CheckDestroy:             checkUserAssignmentsDestroyed(env),
		Steps: []resource.TestStep{
			{
				Config:           env.config(userAssignmentHCL("test", saID, role.UID, "")),
				ConfigPlanChecks: asgEmptyPlanAfterApply,
				Check:            checkUserHasRole(env, saID, role.UID, true),
			},
			{ResourceName: addr, ImportState: true, ImportStateId: fmt.Sprintf("%d:%d:%s", env.orgID, saID, role.UID), ImportStateVerify: true},
		},
	})
}

func TestAccUserRoleAssignment_global(t *testing.T) {
	env := newAssignEnv(t)
	role := env.createRole(t, env.testPerms(t, 1), true)
	userID := env.createUser(t)
	const addr = "grafanarbac_user_role_assignment.test"
	id := fmt.Sprintf("global:%d:%s", userID, role.UID)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 env.preCheck,
		ProtoV6ProviderFactories: env.factories,
		CheckDestroy:             checkUserAssignmentsDestroyed(env),
		Steps: []resource.TestStep{
			{
				Config:           env.config(userAssignmentHCL("test", userID, role.UID, "  global = true\n")),
				ConfigPlanChecks: asgEmptyPlanAfterApply,
				Check:            checkUserHasRole(env, userID, role.UID, true),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(id)),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("org_id"), knownvalue.Int64Exact(0)),
				},
			},
			{ResourceName: addr, ImportState: true, ImportStateId: id, ImportStateVerify: true},
		},
	})
}

func TestAccUserRoleAssignment_validation(t *testing.T) {
	env := newAssignEnv(t)
	role := env.createRole(t, env.testPerms(t, 1), false)
	userID := env.createUser(t)
	plan := func(hcl string, want *regexp.Regexp) resource.TestStep {
		return resource.TestStep{Config: env.config(hcl), PlanOnly: true, ExpectError: want}
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 env.preCheck,
		ProtoV6ProviderFactories: env.factories,
		Steps: []resource.TestStep{
			plan(userAssignmentHCL("test", userID, "basic_editor", ""), asgErr("Basic role cannot be assigned")),
			plan(userAssignmentHCL("test", userID, role.UID, "  global = true\n"), asgErr("Global assignment of an organization's role")),
			plan(userAssignmentHCL("test", userID, role.UID, "  global = true\n  org_id = 1\n"), asgErr("org_id set on a global assignment")),
			{
				Config:        env.config(userAssignmentHCL("test", userID, role.UID, "")),
				ResourceName:  "grafanarbac_user_role_assignment.test",
				ImportState:   true,
				ImportStateId: fmt.Sprintf("%d:%s", userID, role.UID),
				ExpectError:   asgErr("Invalid import ID", "<org_id>:<user_id>:<role_uid>"),
			},
		},
	})
	if err := checkUserHasRole(env, userID, role.UID, false)(nil); err != nil {
		t.Error(err)
	}
}

// The provider refuses, at plan time, to assign a role whose permissions its
// own credentials lack: Grafana would answer 403.
func TestAccUserRoleAssignment_delegation(t *testing.T) {
	env := newAssignEnv(t)
	auth, held := env.limitedUser(t)
	var lacking []grafana.Permission
	for _, p := range env.testPerms(t, 50) {
		if len(grafana.MissingForDelegation(held, []grafana.Permission{p})) > 0 {
			lacking = append(lacking, p)
			break
		}
	}
	if len(lacking) == 0 {
		t.Fatal("found no permission that the limited user lacks")
	}
	role := env.createRole(t, lacking, false)
	userID := env.createUser(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 env.preCheck,
		ProtoV6ProviderFactories: env.factories,
		Steps: []resource.TestStep{{
			Config:      env.providerWithAuth(auth) + userAssignmentHCL("test", userID, role.UID, ""),
			PlanOnly:    true,
			ExpectError: asgErr("Role the provider cannot assign", lacking[0].Action, lacking[0].Scope),
		}},
	})
	if err := checkUserHasRole(env, userID, role.UID, false)(nil); err != nil {
		t.Error(err)
	}
}
