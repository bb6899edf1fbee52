package provider_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/acctest"
	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/emulator"
)

// TestAccSubPathURL is issue 16, item 8: Grafana served from a sub-path
// behind a proxy (serve_from_sub_path). With url = <root>/grafana every
// resource and data source works, and no request leaves /grafana.
func TestAccSubPathURL(t *testing.T) {
	var mu sync.Mutex
	var outside []string
	srv := startRelServer(t, emulator.Config{}, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rest, ok := strings.CutPrefix(r.URL.Path, "/grafana/")
			if !ok {
				mu.Lock()
				outside = append(outside, r.Method+" "+r.URL.Path)
				mu.Unlock()
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(http.StatusNotFound)
				_, _ = w.Write([]byte("<html><body>404 Not Found</body></html>"))
				return
			}
			r.URL.Path, r.URL.RawPath = "/"+rest, ""
			next.ServeHTTP(w, r)
		})
	})
	root := srv.URL
	srv.URL += "/grafana"
	env := srv.assignEnv(t, &rpcRecorder{})
	team, teamName := env.createNamedTeam(t)
	user := env.createUser(t)
	name := acctest.RandName("custom:subpath")
	builtin := `resource "grafanarbac_builtin_role_assignment" "viewer" {
  builtin_role = "Viewer"
  role_uid     = grafanarbac_custom_role.r.uid
}`
	config := env.config(fmt.Sprintf(`
resource "grafanarbac_custom_role" "r" {
  name        = %q
  permissions = [{ action = "teams:read", scope = "teams:*" }]
}
resource "grafanarbac_team_role_assignment" "t" {
  team_id  = data.grafanarbac_team.t.id
  role_uid = grafanarbac_custom_role.r.uid
}
resource "grafanarbac_user_role_assignment" "u" {
  user_id  = %d
  role_uid = grafanarbac_custom_role.r.uid
}
data "grafanarbac_team" "t" {
  name = %q
}
data "grafanarbac_role" "by_name" {
  name = grafanarbac_custom_role.r.name
}
data "grafanarbac_roles" "all" {}
data "grafanarbac_permissions" "me" {}
data "grafanarbac_builtin_role_assignments" "all" {}
%s
`, name, user, teamName, builtin))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("grafanarbac_team_role_assignment.t", "team_id", fmt.Sprint(team)),
					resource.TestCheckResourceAttrPair("data.grafanarbac_role.by_name", "uid", "grafanarbac_custom_role.r", "uid"),
				),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				Config: config, ResourceName: "grafanarbac_custom_role.r", ImportState: true, ImportStateVerify: true,
				ImportStateVerifyIdentifierAttribute: "uid",
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					return s.RootModule().Resources["grafanarbac_custom_role.r"].Primary.Attributes["uid"], nil
				},
			},
		},
	})
	mu.Lock()
	defer mu.Unlock()
	if len(outside) > 0 {
		t.Errorf("requests outside /grafana (the proxy's root is %s): %v", root, outside)
	}
}
