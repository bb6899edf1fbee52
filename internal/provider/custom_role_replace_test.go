package provider_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

// checkRoleGone fails while Grafana still holds the role in that org.
func checkRoleGone(env *roleTestEnv, orgID int64, uid string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		_, err := env.clientFor(orgID).GetRole(context.Background(), uid)
		if err == nil {
			return fmt.Errorf("role %s (org %d) still exists after its replacement", uid, orgID)
		}
		if !grafana.IsNotFound(err) {
			return fmt.Errorf("reading role %s: %w", uid, err)
		}
		return nil
	}
}

// TestAccCustomRole_replaces: a change of uid, org_id or global replaces
// the role (visible in the plan), and the old one is gone from Grafana.
func TestAccCustomRole_replaces(t *testing.T) {
	env := newRoleTestEnv(t)
	name := env.randName("custom:acc:replace")
	uidA := roleUIDFor(name + "a")
	uidB := roleUIDFor(name + "b")
	org := env.otherOrg(t)
	a := env.scoped[0]
	perms := []grafana.Permission{a}

	first := customRoleHCL{UID: uidA, Name: name, Perms: []string{hclPerm(a)}}
	newUID := first
	newUID.UID = uidB
	newOrg := newUID
	newOrg.OrgID = org
	global := newUID
	global.Global = ptr(true)

	replaced := func(version int64) resource.ConfigPlanChecks {
		return resource.ConfigPlanChecks{
			PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(customRoleAddr, plancheck.ResourceActionReplace),
				// A new role starts again at version 1.
				plancheck.ExpectKnownValue(customRoleAddr, tfjsonpath.New("version"), knownvalue.Int64Exact(version)),
			},
			PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
		}
	}

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { env.preCheck(t) },
		ProtoV6ProviderFactories: env.factories,
		CheckDestroy:             checkCustomRolesDestroyed(env),
		Steps: []resource.TestStep{
			{
				Config:           env.config(first.String()),
				Check:            checkServerRole(env, 0, uidA, 1, perms, nil),
				ConfigPlanChecks: emptyPlanAfterApply,
			},
			{
				Config:           env.config(newUID.String()),
				ConfigPlanChecks: replaced(1),
				Check: resource.ComposeAggregateTestCheckFunc(
					checkServerRole(env, 0, uidB, 1, perms, nil),
					checkRoleGone(env, 0, uidA),
				),
			},
			{
				Config:           env.config(newOrg.String()),
				ConfigPlanChecks: replaced(1),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(customRoleAddr, "org_id", fmt.Sprint(org)),
					checkServerRole(env, org, uidB, 1, perms, nil),
					checkRoleGone(env, 0, uidB),
				),
			},
			{
				Config:           env.config(global.String()),
				ConfigPlanChecks: replaced(1),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(customRoleAddr, "org_id", "0"),
					checkServerRole(env, 0, uidB, 1, perms, func(r *grafana.Role) error {
						if !r.Global {
							return fmt.Errorf("role %s is not global in Grafana", uidB)
						}
						return nil
					}),
					// uids are unique across the instance: the org role is gone.
				),
			},
		},
	})
}
