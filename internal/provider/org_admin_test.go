package provider_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/acctest"
	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

// orgAdminToken is a token of a service account whose org role is Admin:
// it may manage its org's roles, and is no server admin (contract: who may
// manage roles).
func orgAdminToken(t *testing.T, env *acctest.Env) string {
	t.Helper()
	if env.Generation(t) == grafana.Generation1 {
		t.Skip("service-account tokens need Grafana 9+")
	}
	_, token := env.ServiceAccountToken(t, "org-admin", "Admin")
	return token
}

// withPlanChecks adds plan_checks to a provider block.
func withPlanChecks(providerBlock, mode string) string {
	i := strings.LastIndex(providerBlock, "}")
	return providerBlock[:i] + fmt.Sprintf("  plan_checks = %q\n", mode) + providerBlock[i:]
}

// An org Admin's token plans and applies an org role and its team, user and
// service-account assignments, and imports and destroys them.
func TestAccOrgAdminToken_roleAndAssignments(t *testing.T) {
	env := acctest.Get(t)
	token := orgAdminToken(t, env)
	aenv := newAssignEnv(t)
	teamID, _ := env.CreateTeam(t, "org-admin")
	userID, _ := env.CreateUser(t, "org-admin")
	saID := env.CreateServiceAccount(t, "org-admin-assignee", "Viewer")
	name := "custom:" + acctest.RandName("org-admin")
	const roleAddr = "grafanarbac_custom_role.org"
	// Permissions an org Admin holds: Grafana lets it delegate them.
	hcl := env.ProviderConfigWithAuth(token) + fmt.Sprintf(`
resource "grafanarbac_custom_role" "org" {
  name        = %q
  permissions = [
    { action = "teams:create" },
    { action = "teams:read", scope = "teams:*" },
  ]
}
`, name) +
		teamAssignmentHCL("team", teamID, "${grafanarbac_custom_role.org.uid}", "") +
		userAssignmentHCL("user", userID, "${grafanarbac_custom_role.org.uid}", "") +
		userAssignmentHCL("sa", saID, "${grafanarbac_custom_role.org.uid}", "")

	var uid string
	importID := func(addr string) resource.ImportStateIdFunc {
		return func(s *terraform.State) (string, error) {
			return s.RootModule().Resources[addr].Primary.Attributes["id"], nil
		}
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeTestCheckFunc(
			checkTeamAssignmentsDestroyed(aenv), checkUserAssignmentsDestroyed(aenv),
			func(*terraform.State) error {
				if _, err := env.Client.GetRole(context.Background(), uid); !grafana.IsNotFound(err) {
					return fmt.Errorf("role %s after destroy: %v, want 404", uid, err)
				}
				return nil
			}),
		Steps: []resource.TestStep{
			{
				Config: hcl,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(roleAddr, tfjsonpath.New("name"), knownvalue.StringExact(name)),
					statecheck.ExpectKnownValue(roleAddr, tfjsonpath.New("global"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(roleAddr, tfjsonpath.New("org_id"), knownvalue.Int64Exact(env.OrgID)),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: func(s *terraform.State) error {
					uid = s.RootModule().Resources[roleAddr].Primary.Attributes["uid"]
					return resource.ComposeTestCheckFunc(
						checkTeamHasRole(aenv, teamID, uid, true),
						checkUserHasRole(aenv, userID, uid, true),
						checkUserHasRole(aenv, saID, uid, true),
					)(s)
				},
			},
			{ResourceName: roleAddr, ImportState: true, ImportStateIdFunc: func(*terraform.State) (string, error) { return uid, nil },
				ImportStateVerify: true, ImportStateVerifyIdentifierAttribute: "uid"},
			{ResourceName: "grafanarbac_team_role_assignment.team", ImportState: true, ImportStateIdFunc: importID("grafanarbac_team_role_assignment.team"), ImportStateVerify: true},
			{ResourceName: "grafanarbac_user_role_assignment.user", ImportState: true, ImportStateIdFunc: importID("grafanarbac_user_role_assignment.user"), ImportStateVerify: true},
			{ResourceName: "grafanarbac_user_role_assignment.sa", ImportState: true, ImportStateIdFunc: importID("grafanarbac_user_role_assignment.sa"), ImportStateVerify: true},
		},
	})
}

// A grant to a built-in role edits a basic role on Grafana 9+, which only a
// server admin may do: with an org Admin's token the plan fails, naming the
// need and plan_checks; "warn" lets the apply try, and its 403 says what was
// needed; "off" skips the check.
func TestAccOrgAdminToken_builtinRoleAssignmentNeedsServerAdmin(t *testing.T) {
	env := acctest.Get(t)
	token := orgAdminToken(t, env)
	ctx := context.Background()
	role, err := env.Client.CreateRole(ctx, grafana.CreateRoleRequest{
		Name: "custom:" + acctest.RandName("org-admin-builtin"), Version: 1,
		Permissions: []grafana.Permission{{Action: "teams:read", Scope: "teams:*"}},
	})
	if err != nil {
		t.Fatalf("creating the role: %v", err)
	}
	t.Cleanup(func() {
		if err := env.Client.DeleteRole(context.Background(), role.UID, grafana.DeleteRoleOptions{Force: true}); err != nil && !grafana.IsNotFound(err) {
			t.Errorf("deleting role %s: %v", role.UID, err)
		}
	})
	viewer := func() []grafana.Permission {
		r, err := env.Client.GetRole(ctx, "basic_viewer")
		if err != nil {
			t.Fatalf("reading basic_viewer: %v", err)
		}
		return grafana.NormalizePermissions(r.Permissions)
	}
	before := viewer()

	grant := fmt.Sprintf("resource \"grafanarbac_builtin_role_assignment\" \"viewer\" {\n  builtin_role = \"Viewer\"\n  role_uid     = %q\n}\n", role.UID)
	asToken := env.ProviderConfigWithAuth(token)
	var recorded acctest.Diagnostics
	serverAdminWarnings := func() []*tfprotov6.Diagnostic {
		return slices.DeleteFunc(recorded.Warnings(), func(d *tfprotov6.Diagnostic) bool {
			return !strings.HasPrefix(d.Summary, "Needs a Grafana server admin") && d.Summary != "Server admin not checked"
		})
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactoriesRecording(&recorded),
		Steps: []resource.TestStep{
			{
				Config: asToken + grant, PlanOnly: true,
				ExpectError: diagPattern(`Needs a Grafana server admin.*a grant to a built-in role.*not one.*plan_checks = "warn".*GRAFANA_PLAN_CHECKS`),
			},
			{
				PreConfig: recorded.Reset,
				Config:    withPlanChecks(asToken, "warn") + grant, PlanOnly: true, ExpectNonEmptyPlan: true,
			},
			{
				PreConfig: func() {
					// Each plan of the step (PlanOnly plans twice) warns.
					w := serverAdminWarnings()
					if len(w) == 0 {
						t.Error(`plan_checks = "warn": the plan gave no server-admin warning`)
					}
					for _, d := range w {
						if d.Summary != "Needs a Grafana server admin" || !strings.Contains(d.Detail, `With plan_checks = "warn" the apply goes ahead`) {
							t.Errorf("plan_checks = \"warn\": warning %q: %s", d.Summary, d.Detail)
						}
					}
				},
				Config:      withPlanChecks(asToken, "warn") + grant,
				ExpectError: diagPattern(`Cannot grant role .*403.*What was needed: Needs a Grafana server admin: On Grafana 9\+, a grant to a built-in role`),
			},
			{
				PreConfig: recorded.Reset,
				Config:    withPlanChecks(asToken, "off") + grant, PlanOnly: true, ExpectNonEmptyPlan: true,
			},
			{
				PreConfig: func() {
					for _, d := range serverAdminWarnings() {
						t.Errorf("plan_checks = \"off\": warning %q: %s", d.Summary, d.Detail)
					}
				},
				Config: withPlanChecks(asToken, "off") + grant, PlanOnly: true, ExpectNonEmptyPlan: true,
			},
		},
	})
	if after := viewer(); !slices.Equal(before, after) {
		t.Errorf("basic_viewer changed: before %v, after %v", before, after)
	}
}
