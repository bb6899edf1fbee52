package provider_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/acctest"
	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/emulator"
	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/provider"
)

// TestProviderSchema_SecretsSensitive: Terraform hides sensitive attributes
// in plans and output; credentials must be among them.
func TestProviderSchema_SecretsSensitive(t *testing.T) {
	var resp fwprovider.SchemaResponse
	provider.New("test")().Schema(context.Background(), fwprovider.SchemaRequest{}, &resp)
	for _, name := range []string{"auth", "tls_key", "http_headers"} {
		a, ok := resp.Schema.Attributes[name]
		if !ok {
			t.Errorf("the provider schema has no %q attribute", name)
			continue
		}
		if !a.IsSensitive() {
			t.Errorf("provider attribute %q is not sensitive", name)
		}
	}
}

// TestSecretsStayOutOfLogsAndState applies a custom role and two assignments
// with Terraform's TRACE logs and the provider's own logs written to one
// file, with basic auth and with a service-account token, and looks for the
// credentials in the log and in the state.
//
// resource.Test runs the provider in-process. Its tflog output goes to the
// test sink, which writes to TF_LOG_PATH at the TF_LOG level; Terraform CLI
// logs only reach a file through TF_ACC_LOG_PATH (terraform-exec drops
// TF_LOG and TF_LOG_PATH from the CLI's environment). Both point at the same
// file, and the test first proves that both wrote to it.
func TestSecretsStayOutOfLogsAndState(t *testing.T) {
	t.Run("password", func(t *testing.T) {
		g := startOwnEmulator(t, emulator.Config{})
		basic := base64.StdEncoding.EncodeToString([]byte(g.Auth))
		applyWithTraceLogs(t, g, g.Auth, map[string]string{
			"password":                     g.Password,
			"base64 of user:password":      basic,
			"Authorization header (Basic)": "Basic " + basic,
		})
	})

	t.Run("token", func(t *testing.T) {
		// Service-account tokens exist from generation 2.
		g := startOwnEmulator(t, emulator.Config{Generation: 12})
		ctx := context.Background()
		sa, err := g.Client.CreateServiceAccount(ctx, acctest.RandName("sa"), "Admin")
		if err != nil {
			t.Fatal(err)
		}
		token, err := g.Client.CreateServiceAccountToken(ctx, sa.ID, "terraform")
		if err != nil {
			t.Fatal(err)
		}
		// An org Admin may not manage roles until granted fixed:roles:writer.
		writer := fixedRoleUIDByName(t, g.Client, "fixed:roles:writer")
		if err := g.Client.AddUserRole(ctx, sa.ID, writer, false); err != nil {
			t.Fatal(err)
		}
		applyWithTraceLogs(t, g, token, map[string]string{
			"token":                         token,
			"Authorization header (Bearer)": "Bearer " + token,
			"admin password":                g.Password, // not used by the provider here, but must not show up either
		})
	})
}

func fixedRoleUIDByName(t *testing.T, c *grafana.Client, name string) string {
	t.Helper()
	roles, err := c.ListRoles(context.Background(), grafana.ListRolesOptions{IncludeHidden: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range roles {
		if r.Name == name {
			return r.UID
		}
	}
	t.Fatalf("no role %s", name)
	return ""
}

// applyWithTraceLogs applies and destroys a role, a team assignment and a
// user assignment as auth, then checks that no secret is in the log or state.
func applyWithTraceLogs(t *testing.T, g *ownGrafana, auth string, secrets map[string]string) {
	t.Helper()
	ctx := context.Background()
	teamID, err := g.Client.CreateTeam(ctx, acctest.RandName("team"), "")
	if err != nil {
		t.Fatal(err)
	}
	userID, err := g.Client.CreateUser(ctx, grafana.CreateUserRequest{Login: strings.ToLower(acctest.RandName("user")), Password: "user-" + acctest.RandName("pw")})
	if err != nil {
		t.Fatal(err)
	}

	logFile := filepath.Join(t.TempDir(), "trace.log")
	// Terraform and the provider's loggers read these from the process's
	// environment, so this test cannot run in parallel.
	clearGrafanaEnv(t)
	for k, v := range map[string]string{
		"TF_LOG": "TRACE", "TF_LOG_PATH": logFile, "TF_ACC_LOG_PATH": logFile,
		// The test harness logs each step's whole configuration, credentials
		// included; that is the harness, not something a user runs.
		"TF_LOG_SDK_HELPER_RESOURCE": "OFF",
	} {
		t.Setenv(k, v)
	}

	// The credentials are in the configuration, the worst case: Terraform
	// itself sees them, not only the provider.
	config := providerBlockHCL("url = "+hclQuote(g.URL), "auth = "+hclQuote(auth)) + fmt.Sprintf(`
resource "grafanarbac_custom_role" "r" {
  name        = %q
  permissions = [{ action = "roles:read", scope = "roles:*" }]
}
resource "grafanarbac_team_role_assignment" "t" {
  team_id  = %d
  role_uid = grafanarbac_custom_role.r.uid
}
resource "grafanarbac_user_role_assignment" "u" {
  user_id  = %d
  role_uid = grafanarbac_custom_role.r.uid
}
`, "custom:"+acctest.RandName("secrets"), teamID, userID)

	noSecrets := func(where, text string) error {
		for what, secret := range secrets {
			if i := strings.Index(text, secret); i >= 0 {
				// Show where, with the secret itself masked.
				from, to := max(i-300, 0), min(i+len(secret)+100, len(text))
				return fmt.Errorf("%s contains the %s:\n%s", where, what, strings.ReplaceAll(text[from:to], secret, "<"+what+">"))
			}
		}
		return nil
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			Check: resource.ComposeTestCheckFunc(
				resource.TestCheckResourceAttrSet("grafanarbac_team_role_assignment.t", "id"),
				resource.TestCheckResourceAttrSet("grafanarbac_user_role_assignment.u", "id"),
				func(s *terraform.State) error {
					raw, err := json.Marshal(s)
					if err != nil {
						return err
					}
					if !strings.Contains(string(raw), "grafanarbac_team_role_assignment") {
						return fmt.Errorf("the state checked holds no assignment: %s", raw)
					}
					return noSecrets("the state", string(raw))
				},
			),
		}},
	})

	data, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatalf("reading the log: %v", err)
	}
	log := string(data)
	// The assertion below means something only if both writers wrote here.
	for _, want := range []struct{ what, text string }{
		{"Terraform CLI TRACE lines", "[TRACE] "},
		{"the Terraform CLI's provider calls", "ApplyResourceChange"},
		{"the provider's own request log", "grafana API call"},
		{"the role create request", "path=/api/access-control/roles"},
		{"the team assignment request", fmt.Sprintf("/api/access-control/teams/%d/roles", teamID)},
		{"the user assignment request", fmt.Sprintf("/api/access-control/users/%d/roles", userID)},
	} {
		if !strings.Contains(log, want.text) {
			t.Errorf("the log (%d bytes) lacks %s (%q); the secrets check would prove little", len(log), want.what, want.text)
		}
	}
	if err := noSecrets("the TRACE log", log); err != nil {
		t.Error(err)
	}
}
