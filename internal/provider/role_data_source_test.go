package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

func TestAccRoleDataSource(t *testing.T) {
	env := newRoleTestEnv(t)
	name := env.randName("custom:acc:ds")
	a, n := env.scoped[0], env.unscoped
	role := customRoleHCL{Name: name, DisplayName: "Data source", Group: "Acceptance", Perms: []string{hclPerm(a), hclPerm(n)}}
	fixed := env.fixedRole

	cfg := role.String() + fmt.Sprintf(`
data "grafanarbac_role" "by_uid" {
  uid = grafanarbac_custom_role.test.uid
}

data "grafanarbac_role" "by_name" {
  name = grafanarbac_custom_role.test.name
}

data "grafanarbac_role" "fixed" {
  name = %q
}
`, fixed.Name)

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { env.preCheck(t) },
		ProtoV6ProviderFactories: env.factories,
		CheckDestroy:             checkCustomRolesDestroyed(env),
		Steps: []resource.TestStep{
			{
				Config: env.config(cfg),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.CompareValuePairs("data.grafanarbac_role.by_uid", tfjsonpath.New("uid"), customRoleAddr, tfjsonpath.New("uid"), compare.ValuesSame()),
					statecheck.ExpectKnownValue("data.grafanarbac_role.by_uid", tfjsonpath.New("name"), knownvalue.StringExact(name)),
					statecheck.ExpectKnownValue("data.grafanarbac_role.by_uid", tfjsonpath.New("display_name"), knownvalue.StringExact("Data source")),
					statecheck.ExpectKnownValue("data.grafanarbac_role.by_uid", tfjsonpath.New("group"), knownvalue.StringExact("Acceptance")),
					statecheck.ExpectKnownValue("data.grafanarbac_role.by_uid", tfjsonpath.New("kind"), knownvalue.StringExact("custom")),
					statecheck.ExpectKnownValue("data.grafanarbac_role.by_uid", tfjsonpath.New("version"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue("data.grafanarbac_role.by_uid", tfjsonpath.New("global"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue("data.grafanarbac_role.by_uid", tfjsonpath.New("permissions"), knownPerms(a, n)),
					statecheck.CompareValuePairs("data.grafanarbac_role.by_name", tfjsonpath.New("uid"), customRoleAddr, tfjsonpath.New("uid"), compare.ValuesSame()),
					statecheck.ExpectKnownValue("data.grafanarbac_role.by_name", tfjsonpath.New("permissions"), knownPerms(a, n)),
					statecheck.ExpectKnownValue("data.grafanarbac_role.fixed", tfjsonpath.New("uid"), knownvalue.StringExact(fixed.UID)),
					statecheck.ExpectKnownValue("data.grafanarbac_role.fixed", tfjsonpath.New("kind"), knownvalue.StringExact("fixed")),
					statecheck.ExpectKnownValue("data.grafanarbac_role.fixed", tfjsonpath.New("permissions"), knownPerms(fixed.Permissions...)),
				},
				ConfigPlanChecks: emptyPlanAfterApply,
			},
		},
	})
}

// Basic (generation 2) and managed roles read like any other, with their kind.
func TestAccRoleDataSource_basicAndManaged(t *testing.T) {
	env := newRoleTestEnv(t)
	roles, err := env.client.ListRoles(context.Background(), grafana.ListRolesOptions{IncludeHidden: true})
	if err != nil {
		t.Fatal(err)
	}
	var cfg strings.Builder
	var checks []statecheck.StateCheck
	for _, kind := range []string{"basic", "managed"} {
		i := slices.IndexFunc(roles, func(r grafana.Role) bool { return strings.HasPrefix(r.Name, kind+":") })
		if i < 0 {
			continue // generation 1 has no basic roles; a real Grafana may have no managed one
		}
		full, err := env.client.GetRole(context.Background(), roles[i].UID)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&cfg, "data \"grafanarbac_role\" %q {\n  uid = %q\n}\n", kind, full.UID)
		addr := "data.grafanarbac_role." + kind
		checks = append(checks,
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("name"), knownvalue.StringExact(full.Name)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("kind"), knownvalue.StringExact(kind)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("global"), knownvalue.Bool(full.Global)),
			statecheck.ExpectKnownValue(addr, tfjsonpath.New("permissions"), knownPerms(full.Permissions...)),
		)
	}
	if len(checks) == 0 {
		t.Skip("Grafana lists neither a basic nor a managed role")
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { env.preCheck(t) },
		ProtoV6ProviderFactories: env.factories,
		Steps: []resource.TestStep{{
			Config:            env.config(cfg.String()),
			ConfigStateChecks: checks,
			ConfigPlanChecks:  emptyPlanAfterApply,
		}},
	})
}

func TestAccRoleDataSource_notFound(t *testing.T) {
	env := newRoleTestEnv(t)
	missing := env.randName("missing")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { env.preCheck(t) },
		ProtoV6ProviderFactories: env.factories,
		Steps: []resource.TestStep{
			{
				Config:      env.config(fmt.Sprintf("data \"grafanarbac_role\" \"x\" {\n  uid = %q\n}\n", roleUIDFor(missing))),
				ExpectError: regexp.MustCompile(`Role not found(.|\n)*` + regexp.QuoteMeta(roleUIDFor(missing))),
			},
			{
				Config:      env.config(fmt.Sprintf("data \"grafanarbac_role\" \"x\" {\n  name = %q\n}\n", "custom:"+missing)),
				ExpectError: textRegexp("Role not found", "No role named"),
			},
			{
				Config:      env.config("data \"grafanarbac_role\" \"x\" {\n  uid  = \"a\"\n  name = \"b\"\n}\n"),
				ExpectError: regexp.MustCompile(`Invalid Attribute Combination`),
			},
		},
	})
}

func TestAccRolesDataSource(t *testing.T) {
	env := newRoleTestEnv(t)
	prefix := env.randName("custom:acc:list") + ":"
	a := env.scoped[0]
	cfg := fmt.Sprintf(`
resource "grafanarbac_custom_role" "one" {
  name         = "%[1]sone"
  display_name = "First"
  group        = "G1"
  permissions  = [%[2]s]
}

resource "grafanarbac_custom_role" "two" {
  name        = "%[1]stwo"
  group       = "G2"
  hidden      = true
  permissions = [%[2]s]
}

data "grafanarbac_roles" "visible" {
  name_prefix = %[1]q
  depends_on  = [grafanarbac_custom_role.one, grafanarbac_custom_role.two]
}

data "grafanarbac_roles" "all" {
  name_prefix    = %[1]q
  include_hidden = true
  kind           = "custom"
  depends_on     = [grafanarbac_custom_role.one, grafanarbac_custom_role.two]
}

data "grafanarbac_roles" "group" {
  name_prefix    = %[1]q
  group          = "G2"
  include_hidden = true
  depends_on     = [grafanarbac_custom_role.one, grafanarbac_custom_role.two]
}

data "grafanarbac_roles" "none" {
  name_prefix = "%[1]snothing"
  depends_on  = [grafanarbac_custom_role.one, grafanarbac_custom_role.two]
}

data "grafanarbac_roles" "fixed" {
  kind = "fixed"
}

data "grafanarbac_roles" "basic" {
  kind           = "basic"
  include_hidden = true
}
`, prefix, hclPerm(a))

	role := func(suffix, group string, hidden bool) knownvalue.Check {
		display := ""
		if suffix == "one" {
			display = "First"
		}
		return knownvalue.ObjectPartial(map[string]knownvalue.Check{
			"name":         knownvalue.StringExact(prefix + suffix),
			"display_name": knownvalue.StringExact(display),
			"group":        knownvalue.StringExact(group),
			"kind":         knownvalue.StringExact("custom"),
			"version":      knownvalue.Int64Exact(1),
			"global":       knownvalue.Bool(false),
			"hidden":       knownvalue.Bool(hidden),
			"uid":          knownvalue.NotNull(),
		})
	}
	basicCount := 0
	if env.generation == grafana.Generation2 {
		basicCount = len(env.basicRoles)
	}

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { env.preCheck(t) },
		ProtoV6ProviderFactories: env.factories,
		CheckDestroy:             checkCustomRolesDestroyed(env),
		Steps: []resource.TestStep{
			{
				Config: env.config(cfg),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.grafanarbac_roles.visible", tfjsonpath.New("roles"), knownvalue.ListExact([]knownvalue.Check{role("one", "G1", false)})),
					statecheck.ExpectKnownValue("data.grafanarbac_roles.all", tfjsonpath.New("roles"), knownvalue.ListExact([]knownvalue.Check{role("one", "G1", false), role("two", "G2", true)})),
					statecheck.ExpectKnownValue("data.grafanarbac_roles.group", tfjsonpath.New("roles"), knownvalue.ListExact([]knownvalue.Check{role("two", "G2", true)})),
					statecheck.ExpectKnownValue("data.grafanarbac_roles.none", tfjsonpath.New("roles"), knownvalue.ListSizeExact(0)),
					statecheck.ExpectKnownValue("data.grafanarbac_roles.basic", tfjsonpath.New("roles"), knownvalue.ListSizeExact(basicCount)),
				},
				Check:            checkFixedRolesListed(env, "data.grafanarbac_roles.fixed"),
				ConfigPlanChecks: emptyPlanAfterApply,
			},
		},
	})
}

// checkFixedRolesListed compares a grafanarbac_roles result of kind fixed
// with the visible fixed roles Grafana lists.
func checkFixedRolesListed(env *roleTestEnv, addr string) resource.TestCheckFunc {
	const prefix = "fixed"
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s not in state", addr)
		}
		roles, err := env.client.ListRoles(context.Background(), grafana.ListRolesOptions{})
		if err != nil {
			return err
		}
		want := 0
		for _, r := range roles {
			if !r.Hidden && strings.HasPrefix(r.Name, prefix+":") {
				want++
			}
		}
		if want == 0 {
			return fmt.Errorf("no %s role listed by Grafana", prefix)
		}
		if got := rs.Primary.Attributes["roles.#"]; got != fmt.Sprint(want) {
			return fmt.Errorf("%s lists %s roles, Grafana %d", addr, got, want)
		}
		for i := 0; i < want; i++ {
			if k := rs.Primary.Attributes[fmt.Sprintf("roles.%d.kind", i)]; k != prefix {
				return fmt.Errorf("%s: role %d has kind %q", addr, i, k)
			}
		}
		return nil
	}
}
