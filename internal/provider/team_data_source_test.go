package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func TestAccTeamDataSource_basic(t *testing.T) {
	env := newAssignEnv(t)
	teamID, name := env.createNamedTeam(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 env.preCheck,
		ProtoV6ProviderFactories: env.factories,
		Steps: []resource.TestStep{{
			Config: env.config(fmt.Sprintf(`data "grafanarbac_team" "test" { name = %q }`, name)),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.grafanarbac_team.test", tfjsonpath.New("id"), knownvalue.Int64Exact(teamID)),
				statecheck.ExpectKnownValue("data.grafanarbac_team.test", tfjsonpath.New("org_id"), knownvalue.Int64Exact(env.orgID)),
			},
		}},
	})
}

func TestAccTeamDataSource_notFound(t *testing.T) {
	env := newAssignEnv(t)
	_, name := env.createNamedTeam(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 env.preCheck,
		ProtoV6ProviderFactories: env.factories,
		Steps: []resource.TestStep{
			{
				Config:      env.config(fmt.Sprintf(`data "grafanarbac_team" "test" { name = %q }`, env.randName("no-such-team"))),
				ExpectError: asgErr("Team not found"),
			},
			{
				// Only the exact name matches.
				Config:      env.config(fmt.Sprintf(`data "grafanarbac_team" "test" { name = %q }`, name[:len(name)-1])),
				ExpectError: asgErr("Team not found"),
			},
		},
	})
}
