package provider_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/acctest"
	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/emulator"
	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

// failRequests answers the first n requests matching method and path 500
// without carrying them out.
func failRequests(method string, path *regexp.Regexp, n int) func(http.Handler) http.Handler {
	return newFault(method, path, http.StatusInternalServerError, false, int64(n)).wrap
}

// TestAccCustomRole_interruptedCreate is issue 16, item 3: a create whose
// answer is lost and whose look-up fails too leaves a role in Grafana that
// is not in state. The next apply must converge: no 409, and no second
// role. One role has a generated uid (a new one is drawn by the rerun, so
// the role is found by its name), one a configured uid.
func TestAccCustomRole_interruptedCreate(t *testing.T) {
	getRolePath := regexp.MustCompile(`^/api/access-control/roles/[^/]+$`)
	srv := startRelServer(t, emulator.Config{}, chain(
		loseAnswers(http.MethodPost, postRolePath, 2), failRequests(http.MethodGet, getRolePath, 2)))
	c := srv.client()
	ctx := context.Background()
	prefix := acctest.RandName("custom:interrupted")
	uid := strings.ReplaceAll(acctest.RandName("uid"), "tf-acc-", "")
	config := srv.providerHCL("retries = 0") + fmt.Sprintf(`
resource "grafanarbac_custom_role" "generated" {
  name        = "%[1]s-generated"
  permissions = [{ action = "teams:read", scope = "teams:*" }]
}
resource "grafanarbac_custom_role" "configured" {
  uid         = %[2]q
  name        = "%[1]s-configured"
  permissions = [{ action = "teams:read", scope = "teams:*" }]
}
`, prefix, uid)

	// ours lists the test's roles on the server: name → uids.
	ours := func() map[string][]string {
		roles, err := c.ListRoles(ctx, grafana.ListRolesOptions{IncludeHidden: true})
		if err != nil {
			t.Fatalf("listing roles: %v", err)
		}
		out := map[string][]string{}
		for _, r := range roles {
			if strings.HasPrefix(r.Name, prefix) {
				out[r.Name] = append(out[r.Name], r.UID)
			}
		}
		return out
	}
	orphansLeft := func(*terraform.State) error {
		if got := ours(); len(got) != 2 {
			return fmt.Errorf("after the interrupted apply the server holds %v, want both roles (not in state)", got)
		}
		return nil
	}
	converged := func(s *terraform.State) error {
		got := ours()
		var names []string
		for name, uids := range got {
			if len(uids) != 1 {
				return fmt.Errorf("role %s exists %d times: %v", name, len(uids), uids)
			}
			names = append(names, name)
		}
		sort.Strings(names)
		if len(names) != 2 {
			return fmt.Errorf("roles on the server: %v, want 2", got)
		}
		for _, res := range []string{"generated", "configured"} {
			st := s.RootModule().Resources["grafanarbac_custom_role."+res].Primary.Attributes["uid"]
			if want := got[prefix+"-"+res][0]; st != want {
				return fmt.Errorf("%s: uid in state %q, on the server %q", res, st, want)
			}
		}
		if got[prefix+"-configured"][0] != uid {
			return fmt.Errorf("the configured role has uid %s, want %s", got[prefix+"-configured"][0], uid)
		}
		return nil
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config, ExpectError: regexp.MustCompile(`(?s)looking up role.*failed too`)},
			{Config: config, Check: orphansLeft, PlanOnly: true, ExpectNonEmptyPlan: true},
			{
				Config: config, Check: converged,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}
