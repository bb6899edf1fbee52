package acctest_test

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/acctest"
	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

// TestAccREADMEExample_converges applies the README's first example (a
// custom role granted to Editor), then changes the role's permissions as a
// user would, touching nothing else: one apply must leave an empty plan,
// without the user knowing about role_version.
func TestAccREADMEExample_converges(t *testing.T) {
	env := acctest.Get(t)
	blocks := hclBlocks(t, filepath.Join("..", "..", "README.md"))
	if len(blocks) == 0 {
		t.Fatal("README.md has no ```hcl block")
	}
	example := withoutBlocks(blocks[0], "terraform {", `provider "grafanarbac"`)
	// The change: one more permission, in the role's list.
	const added = `{ action = "reports.settings:read" },`
	last := `{ action = "reports:send", scope = "reports:*" },`
	if !strings.Contains(example, last) {
		t.Fatalf("the README's example no longer grants %s; update this test:\n%s", last, example)
	}
	changed := strings.Replace(example, last, last+"\n    "+added, 1)
	// A name of this run's own, so that a real Grafana's roles (or an
	// earlier run's) cannot collide with it.
	const name = `"custom:reports:sender"`
	if !strings.Contains(example, name) {
		t.Fatalf("the README's example no longer names its role %s; update this test:\n%s", name, example)
	}
	own := strconv.Quote("custom:" + acctest.RandName("readme"))
	example, changed = strings.Replace(example, name, own, 1), strings.Replace(changed, name, own, 1)

	role := "grafanarbac_custom_role.report_sender"
	asg := "grafanarbac_builtin_role_assignment.editors"
	emptyAfterApply := resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
	grants := func(actions ...string) []statecheck.StateCheck {
		if env.Generation(t) == grafana.Generation1 {
			// Grafana 8 grants the role itself; nothing is copied.
			return []statecheck.StateCheck{statecheck.ExpectKnownValue(asg, tfjsonpath.New("granted_permissions"), knownvalue.SetExact(nil))}
		}
		var want []knownvalue.Check
		for _, a := range actions {
			scope := knownvalue.Check(knownvalue.Null())
			if a != "reports.settings:read" {
				scope = knownvalue.StringExact("reports:*")
			}
			want = append(want, knownvalue.ObjectExact(map[string]knownvalue.Check{"action": knownvalue.StringExact(a), "scope": scope}))
		}
		return []statecheck.StateCheck{statecheck.ExpectKnownValue(asg, tfjsonpath.New("granted_permissions"), knownvalue.SetExact(want))}
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            env.ProviderConfig() + example,
				ConfigPlanChecks:  emptyAfterApply,
				ConfigStateChecks: append(grants("reports:read", "reports:send"), statecheck.ExpectKnownValue(role, tfjsonpath.New("version"), knownvalue.Int64Exact(1))),
			},
			{
				Config: env.ProviderConfig() + changed,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(role, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: append(grants("reports:read", "reports:send", "reports.settings:read"), statecheck.ExpectKnownValue(role, tfjsonpath.New("version"), knownvalue.Int64Exact(2))),
			},
		},
	})
}
