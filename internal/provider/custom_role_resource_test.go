package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
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
	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/emulator"
	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

const customRoleAddr = "grafanarbac_custom_role.test"

// customRoleHCL renders a grafanarbac_custom_role named "test".
type customRoleHCL struct {
	UID, Name, DisplayName, Description, Group string
	Global, Hidden, ForceDelete                *bool
	AutoIncrementVersion                       *bool
	Version                                    int64
	OrgID                                      int64
	// Perms are HCL object literals, for example `{ action = "a", scope = "b" }`.
	Perms []string
}

func (c customRoleHCL) String() string {
	var b strings.Builder
	b.WriteString("resource \"grafanarbac_custom_role\" \"test\" {\n")
	str := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&b, "  %s = %q\n", k, v)
		}
	}
	boolean := func(k string, v *bool) {
		if v != nil {
			fmt.Fprintf(&b, "  %s = %t\n", k, *v)
		}
	}
	str("uid", c.UID)
	str("name", c.Name)
	str("display_name", c.DisplayName)
	str("description", c.Description)
	str("group", c.Group)
	boolean("global", c.Global)
	boolean("hidden", c.Hidden)
	boolean("force_delete", c.ForceDelete)
	boolean("auto_increment_version", c.AutoIncrementVersion)
	if c.Version != 0 {
		fmt.Fprintf(&b, "  version = %d\n", c.Version)
	}
	if c.OrgID != 0 {
		fmt.Fprintf(&b, "  org_id = %d\n", c.OrgID)
	}
	if c.Perms != nil {
		b.WriteString("  permissions = [\n")
		for _, p := range c.Perms {
			fmt.Fprintf(&b, "    %s,\n", p)
		}
		b.WriteString("  ]\n")
	}
	b.WriteString("}\n")
	return b.String()
}

func ptr[T any](v T) *T { return &v }

// hclPerm renders one permission; an empty scope is left out.
func hclPerm(p grafana.Permission) string {
	if p.Scope == "" {
		return fmt.Sprintf("{ action = %q }", p.Action)
	}
	return fmt.Sprintf("{ action = %q, scope = %q }", p.Action, p.Scope)
}

// hclPermEmptyScope renders one permission with scope = "".
func hclPermEmptyScope(p grafana.Permission) string {
	return fmt.Sprintf("{ action = %q, scope = \"\" }", p.Action)
}

// knownPerms is the state check for a permission set; empty scopes are null.
func knownPerms(perms ...grafana.Permission) knownvalue.Check {
	return knownvalue.SetExact(permissionChecks(perms))
}

// roleUIDFor makes a valid uid from a random name.
func roleUIDFor(name string) string {
	uid := regexp.MustCompile(`[^A-Za-z0-9_-]`).ReplaceAllString(name, "_")
	if len(uid) > 40 {
		uid = uid[len(uid)-40:]
	}
	return uid
}

// checkServerRole asks Grafana for the role and compares what matters.
func checkServerRole(env *roleTestEnv, orgID int64, uid string, version int64, perms []grafana.Permission, extra func(*grafana.Role) error) resource.TestCheckFunc {
	return func(*terraform.State) error {
		role, err := env.clientFor(orgID).GetRole(context.Background(), uid)
		if err != nil {
			return fmt.Errorf("reading role %s from Grafana: %w", uid, err)
		}
		if version >= 0 && role.Version != version {
			return fmt.Errorf("role %s: Grafana stores version %d, want %d", uid, role.Version, version)
		}
		if perms != nil && !grafana.PermissionsEqual(role.Permissions, perms) {
			return fmt.Errorf("role %s: Grafana stores permissions %v, want %v", uid, role.Permissions, perms)
		}
		if extra != nil {
			return extra(role)
		}
		return nil
	}
}

// checkCustomRolesDestroyed makes sure every role in state is gone from Grafana.
func checkCustomRolesDestroyed(env *roleTestEnv) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for _, rs := range s.RootModule().Resources {
			if rs.Type != "grafanarbac_custom_role" {
				continue
			}
			org, _ := strconv.ParseInt(rs.Primary.Attributes["org_id"], 10, 64)
			uid := rs.Primary.Attributes["uid"]
			_, err := env.clientFor(org).GetRole(context.Background(), uid)
			if err == nil {
				return fmt.Errorf("role %s still exists in Grafana", uid)
			}
			if !grafana.IsNotFound(err) {
				return fmt.Errorf("reading role %s: %w", uid, err)
			}
		}
		return nil
	}
}

// assertNoRolesNamed fails when Grafana holds a role whose name contains token.
func assertNoRolesNamed(t *testing.T, env *roleTestEnv, token string) {
	t.Helper()
	roles, err := env.client.ListRoles(context.Background(), grafana.ListRolesOptions{IncludeHidden: true})
	if err != nil {
		t.Fatalf("listing roles: %v", err)
	}
	for _, r := range roles {
		if strings.Contains(r.Name, token) {
			t.Errorf("role %q (uid %s) was created, but the plan should have been refused", r.Name, r.UID)
		}
	}
}

// textRegexp matches the phrases in order, anywhere in Terraform's output,
// which wraps long lines at any space.
func textRegexp(phrases ...string) *regexp.Regexp {
	quoted := make([]string, len(phrases))
	for i, p := range phrases {
		quoted[i] = strings.Join(strings.Fields(regexp.QuoteMeta(p)), `\s+`)
	}
	return regexp.MustCompile(strings.Join(quoted, `(?:.|\n)*`))
}

var emptyPlanAfterApply = resource.ConfigPlanChecks{
	PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
}

func TestAccCustomRole_autoVersion(t *testing.T) {
	env := newRoleTestEnv(t)
	name := env.randName("custom:acc:auto")
	uid := roleUIDFor(name)
	a, b, n := env.scoped[0], env.scoped[1], env.unscoped

	base := customRoleHCL{UID: uid, Name: name, DisplayName: "Acceptance", Group: "Acceptance",
		Perms: []string{hclPerm(a), hclPerm(n)}}
	// Same permissions: reordered, a duplicate, and an empty instead of an omitted scope.
	reordered := base
	reordered.Perms = []string{hclPermEmptyScope(n), hclPerm(a), hclPerm(n), hclPerm(a)}
	changed := base
	changed.Description = "now with more"
	changed.Perms = []string{hclPerm(a), hclPerm(n), hclPerm(b)}

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { env.preCheck(t) },
		ProtoV6ProviderFactories: env.factories,
		CheckDestroy:             checkCustomRolesDestroyed(env),
		Steps: []resource.TestStep{
			{
				Config: env.config(base.String()),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(customRoleAddr, tfjsonpath.New("uid"), knownvalue.StringExact(uid)),
					statecheck.ExpectKnownValue(customRoleAddr, tfjsonpath.New("version"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(customRoleAddr, tfjsonpath.New("org_id"), knownvalue.Int64Exact(env.orgID)),
					statecheck.ExpectKnownValue(customRoleAddr, tfjsonpath.New("global"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(customRoleAddr, tfjsonpath.New("description"), knownvalue.StringExact("")),
					statecheck.ExpectKnownValue(customRoleAddr, tfjsonpath.New("permissions"), knownPerms(a, n)),
				},
				Check: checkServerRole(env, 0, uid, 1, []grafana.Permission{a, n}, func(r *grafana.Role) error {
					if r.Name != name || r.DisplayName != "Acceptance" || r.Group != "Acceptance" {
						return fmt.Errorf("role %s: Grafana stores %+v", uid, r)
					}
					return nil
				}),
				ConfigPlanChecks: emptyPlanAfterApply,
			},
			{
				// PlanOnly fails on any planned change.
				Config:   env.config(reordered.String()),
				PlanOnly: true,
			},
			{
				Config: env.config(changed.String()),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(customRoleAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(customRoleAddr, tfjsonpath.New("version"), knownvalue.Int64Exact(2)),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(customRoleAddr, tfjsonpath.New("version"), knownvalue.Int64Exact(2)),
					statecheck.ExpectKnownValue(customRoleAddr, tfjsonpath.New("permissions"), knownPerms(a, n, b)),
				},
				Check: checkServerRole(env, 0, uid, 2, []grafana.Permission{a, n, b}, func(r *grafana.Role) error {
					if r.Description != "now with more" {
						return fmt.Errorf("role %s: Grafana stores description %q", uid, r.Description)
					}
					return nil
				}),
			},
			{
				ResourceName:                         customRoleAddr,
				ImportState:                          true,
				ImportStateId:                        uid,
				ImportStateVerify:                    true,
				ImportStateVerifyIdentifierAttribute: "uid",
			},
		},
	})
}

func TestAccCustomRole_manualVersion(t *testing.T) {
	env := newRoleTestEnv(t)
	name := env.randName("custom:acc:manual")
	uid := roleUIDFor(name)
	a, n := env.scoped[0], env.unscoped

	v1 := customRoleHCL{UID: uid, Name: name, AutoIncrementVersion: ptr(false), Version: 1, Perms: []string{hclPerm(a)}}
	noBump := v1
	noBump.Perms = []string{hclPerm(a), hclPerm(n)}
	v2 := noBump
	v2.Version = 2
	down := v2
	down.Version = 1
	jump := v2
	jump.Description = "jumped"
	jump.Version = 5
	next := v2
	next.Description = "next"
	next.Version = 3

	steps := []resource.TestStep{
		{
			Config:           env.config(v1.String()),
			Check:            checkServerRole(env, 0, uid, 1, []grafana.Permission{a}, nil),
			ConfigPlanChecks: emptyPlanAfterApply,
		},
		{
			// A change of content without a greater version.
			Config:      env.config(noBump.String()),
			ExpectError: textRegexp("set version = 2"),
		},
		{
			Config: env.config(v2.String()),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(customRoleAddr, tfjsonpath.New("version"), knownvalue.Int64Exact(2)),
			},
			Check:            checkServerRole(env, 0, uid, 2, []grafana.Permission{a, n}, nil),
			ConfigPlanChecks: emptyPlanAfterApply,
		},
		{
			// A decrease.
			Config:      env.config(down.String()),
			ExpectError: textRegexp("Set version = 2"),
		},
	}
	if env.numbersVersions {
		// Grafana 13 adds one per update: a jump cannot be kept.
		steps = append(steps,
			resource.TestStep{Config: env.config(jump.String()), ExpectError: textRegexp("Set version = 3")},
			resource.TestStep{
				Config:           env.config(next.String()),
				Check:            checkServerRole(env, 0, uid, 3, nil, nil),
				ConfigPlanChecks: emptyPlanAfterApply,
			},
		)
	} else {
		steps = append(steps, resource.TestStep{
			Config: env.config(jump.String()),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(customRoleAddr, tfjsonpath.New("version"), knownvalue.Int64Exact(5)),
			},
			Check:            checkServerRole(env, 0, uid, 5, nil, nil),
			ConfigPlanChecks: emptyPlanAfterApply,
		})
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { env.preCheck(t) },
		ProtoV6ProviderFactories: env.factories,
		CheckDestroy:             checkCustomRolesDestroyed(env),
		Steps:                    steps,
	})
}

func TestAccCustomRole_versionOnCreate(t *testing.T) {
	env := newRoleTestEnv(t)
	name := env.randName("custom:acc:v7")
	cfg := customRoleHCL{Name: name, Version: 7, Perms: []string{hclPerm(env.scoped[0])}}

	step := resource.TestStep{Config: env.config(cfg.String())}
	if env.numbersVersions {
		// Grafana 13 stores 1 on create: planning 7 would never match.
		step.ExpectError = textRegexp("set version = 1")
	} else {
		step.ConfigStateChecks = []statecheck.StateCheck{
			statecheck.ExpectKnownValue(customRoleAddr, tfjsonpath.New("version"), knownvalue.Int64Exact(7)),
			// uid generated by Grafana.
			statecheck.ExpectKnownValue(customRoleAddr, tfjsonpath.New("uid"), knownvalue.NotNull()),
		}
		step.ConfigPlanChecks = emptyPlanAfterApply
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { env.preCheck(t) },
		ProtoV6ProviderFactories: env.factories,
		CheckDestroy:             checkCustomRolesDestroyed(env),
		Steps:                    []resource.TestStep{step},
	})
	if env.numbersVersions {
		assertNoRolesNamed(t, env, name)
	}
}

// Before Grafana 13 a role created without a version is at 0, so version = 0
// is a version Grafana keeps (it used to fail validation); 13 stores 1.
func TestAccCustomRole_versionZero(t *testing.T) {
	env := newRoleTestEnv(t)
	name := env.randName("custom:acc:v0")
	uid := roleUIDFor(name)
	cfg := func(version int64, description string) string {
		return env.config(fmt.Sprintf("resource \"grafanarbac_custom_role\" \"test\" {\n  uid = %q\n  name = %q\n  description = %q\n"+
			"  version = %d\n  auto_increment_version = false\n  permissions = [%s]\n}\n", uid, name, description, version, hclPerm(env.scoped[0])))
	}
	steps := []resource.TestStep{{Config: cfg(0, ""), ExpectError: textRegexp("Version not kept by Grafana 13", "set version = 1")}}
	if !env.numbersVersions {
		steps = []resource.TestStep{
			{
				Config: cfg(0, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(customRoleAddr, tfjsonpath.New("version"), knownvalue.Int64Exact(0)),
				},
				Check:            checkServerRole(env, 0, uid, 0, []grafana.Permission{env.scoped[0]}, nil),
				ConfigPlanChecks: emptyPlanAfterApply,
			},
			{
				Config:           cfg(1, "changed"),
				Check:            checkServerRole(env, 0, uid, 1, nil, nil),
				ConfigPlanChecks: emptyPlanAfterApply,
			},
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { env.preCheck(t) },
		ProtoV6ProviderFactories: env.factories,
		CheckDestroy:             checkCustomRolesDestroyed(env),
		Steps:                    steps,
	})
}

// Input Grafana is only assumed to refuse fails the plan by default and
// follows plan_checks: with "warn" a scope with white space plans and
// applies (Grafana stores it as written), and a uid that is not at most 40
// letters, digits, - and _ plans.
func TestAccCustomRole_assumedInputFollowsPlanChecks(t *testing.T) {
	env := newRoleTestEnv(t)
	name := env.randName("custom:acc:assumed")
	uid := roleUIDFor(name)
	spaced := env.scoped[0]
	spaced.Scope = strings.Replace(spaced.Scope, ":uid:", ":uid: ", 1)
	role := customRoleHCL{UID: uid, Name: name, Perms: []string{hclPerm(spaced)}}.String()
	dotted := customRoleHCL{UID: uid + ".v2", Name: name, Perms: []string{hclPerm(spaced)}}.String()
	warn, off := withPlanChecks(env.providerBlock, "warn")+"\n", withPlanChecks(env.providerBlock, "off")+"\n"

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { env.preCheck(t) },
		ProtoV6ProviderFactories: env.factories,
		CheckDestroy:             checkCustomRolesDestroyed(env),
		Steps: []resource.TestStep{
			{Config: env.config(role), PlanOnly: true, ExpectError: textRegexp("White space in a permission scope", strconv.Quote(spaced.Scope), `plan_checks = "warn"`)},
			{Config: off + role, PlanOnly: true, ExpectNonEmptyPlan: true},
			{
				Config:           warn + role,
				Check:            checkServerRole(env, 0, uid, -1, []grafana.Permission{spaced}, nil),
				ConfigPlanChecks: emptyPlanAfterApply,
			},
			{Config: env.config(dotted), PlanOnly: true, ExpectError: textRegexp("Role uid Grafana may refuse", strconv.Quote(uid+".v2"), `plan_checks = "warn"`)},
			{Config: warn + dotted, PlanOnly: true, ExpectNonEmptyPlan: true},
		},
	})
}

// Grafana holds 190 characters of a name, however many bytes they take:
// such a name plans.
func TestAccCustomRole_nameLengthInCharacters(t *testing.T) {
	env := newRoleTestEnv(t)
	token := env.randName("long")
	name := "custom:" + token + ":" + strings.Repeat("é", 190-len("custom:"+token+":"))
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { env.preCheck(t) },
		ProtoV6ProviderFactories: env.factories,
		Steps: []resource.TestStep{
			{Config: env.config(customRoleHCL{Name: name, Perms: []string{hclPerm(env.scoped[0])}}.String()), PlanOnly: true, ExpectNonEmptyPlan: true},
		},
	})
}

func TestAccCustomRole_outOfBand(t *testing.T) {
	env := newRoleTestEnv(t)
	name := env.randName("custom:acc:oob")
	uid := roleUIDFor(name)
	a, b := env.scoped[0], env.scoped[1]
	cfg := customRoleHCL{UID: uid, Name: name, Perms: []string{hclPerm(a)}}
	ctx := context.Background()

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { env.preCheck(t) },
		ProtoV6ProviderFactories: env.factories,
		CheckDestroy:             checkCustomRolesDestroyed(env),
		Steps: []resource.TestStep{
			{
				Config:           env.config(cfg.String()),
				Check:            checkServerRole(env, 0, uid, 1, []grafana.Permission{a}, nil),
				ConfigPlanChecks: emptyPlanAfterApply,
			},
			{
				// Someone changes the permissions in Grafana; the server's version moves to 2.
				PreConfig: func() {
					_, err := env.client.UpdateRole(ctx, uid, grafana.UpdateRoleRequest{Name: name, Permissions: []grafana.Permission{b}})
					if err != nil {
						t.Fatalf("changing the role outside Terraform: %v", err)
					}
				},
				Config: env.config(cfg.String()),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(customRoleAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(customRoleAddr, tfjsonpath.New("version"), knownvalue.Int64Exact(3)),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: checkServerRole(env, 0, uid, 3, []grafana.Permission{a}, nil),
			},
			{
				// Someone deletes the role; the next apply creates it again.
				PreConfig: func() {
					if err := env.client.DeleteRole(ctx, uid, grafana.DeleteRoleOptions{Force: true}); err != nil {
						t.Fatalf("deleting the role outside Terraform: %v", err)
					}
				},
				Config: env.config(cfg.String()),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(customRoleAddr, plancheck.ResourceActionCreate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: checkServerRole(env, 0, uid, 1, []grafana.Permission{a}, nil),
			},
		},
	})
}

func TestAccCustomRole_refusedInput(t *testing.T) {
	env := newRoleTestEnv(t)
	token := env.randName("refused")
	perms := []string{hclPerm(env.scoped[0])}
	reserved := regexp.MustCompile(`Reserved role name(.|\n)*grafanarbac_role`)

	steps := []resource.TestStep{
		{Config: env.config(customRoleHCL{Name: "fixed:" + token, Perms: perms}.String()), ExpectError: reserved},
		{Config: env.config(customRoleHCL{Name: "basic:" + token, Perms: perms}.String()), ExpectError: reserved},
		{Config: env.config(customRoleHCL{Name: "managed:" + token, Perms: perms}.String()), ExpectError: reserved},
		{
			Config:      env.config(customRoleHCL{Name: "custom:" + token, Global: ptr(true), OrgID: env.orgID, Perms: perms}.String()),
			ExpectError: regexp.MustCompile(`org_id set on a global role`),
		},
		{
			Config:        env.config(customRoleHCL{Name: "custom:" + token, Perms: perms}.String()),
			ResourceName:  customRoleAddr,
			ImportState:   true,
			ImportStateId: "1:2:3",
			ExpectError:   textRegexp("Invalid import ID", "`<uid>` or `<org_id>:<uid>`"),
		},
		{
			Config:        env.config(customRoleHCL{Name: "custom:" + token, Perms: perms}.String()),
			ResourceName:  customRoleAddr,
			ImportState:   true,
			ImportStateId: env.fixedRole.UID,
			ExpectError:   regexp.MustCompile(`Cannot import a fixed role(.|\n)*grafanarbac_role`),
		},
	}
	if env.generation == grafana.Generation2 {
		steps = append(steps, resource.TestStep{
			Config:        env.config(customRoleHCL{Name: "custom:" + token, Perms: perms}.String()),
			ResourceName:  customRoleAddr,
			ImportState:   true,
			ImportStateId: "basic_viewer",
			ExpectError:   regexp.MustCompile(`Cannot import a basic role`),
		})
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { env.preCheck(t) },
		ProtoV6ProviderFactories: env.factories,
		Steps:                    steps,
	})
	assertNoRolesNamed(t, env, token)
}

func TestAccCustomRole_delegation(t *testing.T) {
	env := newRoleTestEnv(t)
	name := env.randName("custom:acc:delegate")
	limited := env.limitedUser(t)
	missing := grafana.MissingForDelegation(limited.perms, env.scoped)
	if len(missing) == 0 {
		t.Skip("the limited user holds every permission the admin holds")
	}
	p := missing[0]
	cfg := customRoleHCL{Name: name, Perms: []string{hclPerm(p)}}

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { env.preCheck(t) },
		ProtoV6ProviderFactories: env.factories,
		Steps: []resource.TestStep{
			{
				Config:      limited.providerConfig + cfg.String(),
				ExpectError: textRegexp("cannot delegate", fmt.Sprintf("%s (%s)", p.Action, p.Scope)),
			},
		},
	})
	assertNoRolesNamed(t, env, name)
}

// Before Grafana 13.3 an update must be delegable in what it removes too,
// so removing a permission the credentials lack fails the plan; from 13.3
// it is applied.
func TestAccCustomRole_delegationOfRemovedPermissions(t *testing.T) {
	env := newRoleTestEnv(t)
	name := env.randName("custom:acc:remove")
	uid := roleUIDFor(name)
	kept, foreign := env.scoped[0], env.scoped[1]
	user := env.delegatingUser(t, kept)
	if len(grafana.MissingForDelegation(user.perms, []grafana.Permission{foreign})) == 0 {
		t.Skip("the delegating user holds the permission the test removes")
	}
	cfg := user.providerConfig + customRoleHCL{UID: uid, Name: name, Perms: []string{hclPerm(kept)}}.String()
	// Someone with more rights adds foreign, which the configuration removes again.
	addForeign := func() {
		role, err := env.client.GetRole(context.Background(), uid)
		if err != nil {
			t.Fatalf("reading role %s: %v", uid, err)
		}
		if _, err := env.client.UpdateRole(context.Background(), uid, grafana.UpdateRoleRequest{
			Version: role.Version + 1, Name: role.Name, Permissions: []grafana.Permission{kept, foreign},
		}); err != nil {
			t.Fatalf("adding %v to role %s: %v", foreign, uid, err)
		}
	}

	removal := resource.TestStep{PreConfig: addForeign, Config: cfg}
	var steps []resource.TestStep
	if env.checksRemoved {
		removal.ExpectError = textRegexp("Before 13.3", "removes", fmt.Sprintf("%s (%s)", foreign.Action, foreign.Scope))
		steps = []resource.TestStep{
			removal,
			{
				// Refused before the apply: Grafana still holds both.
				Config: cfg,
				PreConfig: func() {
					role, err := env.client.GetRole(context.Background(), uid)
					if err != nil || !grafana.PermissionsEqual(role.Permissions, []grafana.Permission{kept, foreign}) {
						t.Errorf("after the refused plan Grafana holds %v, %v", role, err)
					}
					// The credentials of the test remove it, so the user can destroy the role.
					if _, err := env.client.UpdateRole(context.Background(), uid, grafana.UpdateRoleRequest{
						Version: role.Version + 1, Name: role.Name, Permissions: []grafana.Permission{kept},
					}); err != nil {
						t.Fatalf("removing %v from role %s: %v", foreign, uid, err)
					}
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		}
	} else {
		removal.Check = checkServerRole(env, 0, uid, -1, []grafana.Permission{kept}, nil)
		removal.ConfigPlanChecks = resource.ConfigPlanChecks{
			PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(customRoleAddr, plancheck.ResourceActionUpdate)},
			PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
		}
		steps = []resource.TestStep{removal}
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { env.preCheck(t) },
		ProtoV6ProviderFactories: env.factories,
		CheckDestroy:             checkCustomRolesDestroyed(env),
		Steps: append([]resource.TestStep{{
			Config:           cfg,
			Check:            checkServerRole(env, 0, uid, -1, []grafana.Permission{kept}, nil),
			ConfigPlanChecks: emptyPlanAfterApply,
		}}, steps...),
	})
}

func TestAccCustomRole_global(t *testing.T) {
	env := newRoleTestEnv(t)
	name := env.randName("custom:acc:global")
	uid := roleUIDFor(name)
	a, b := env.scoped[0], env.scoped[1]
	cfg := customRoleHCL{UID: uid, Name: name, Global: ptr(true), Perms: []string{hclPerm(a)}}
	changed := cfg
	changed.Perms = []string{hclPerm(a), hclPerm(b)}

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { env.preCheck(t) },
		ProtoV6ProviderFactories: env.factories,
		CheckDestroy:             checkCustomRolesDestroyed(env),
		Steps: []resource.TestStep{
			{
				Config: env.config(cfg.String()),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(customRoleAddr, tfjsonpath.New("global"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(customRoleAddr, tfjsonpath.New("org_id"), knownvalue.Int64Exact(0)),
				},
				Check: checkServerRole(env, 0, uid, 1, []grafana.Permission{a}, func(r *grafana.Role) error {
					if !r.Global {
						return fmt.Errorf("role %s is not global in Grafana", uid)
					}
					return nil
				}),
				ConfigPlanChecks: emptyPlanAfterApply,
			},
			{
				ResourceName:                         customRoleAddr,
				ImportState:                          true,
				ImportStateId:                        uid,
				ImportStateVerify:                    true,
				ImportStateVerifyIdentifierAttribute: "uid",
			},
			{
				// Updates of a global role must say so.
				Config:           env.config(changed.String()),
				Check:            checkServerRole(env, 0, uid, 2, []grafana.Permission{a, b}, nil),
				ConfigPlanChecks: emptyPlanAfterApply,
			},
		},
	})
}

func TestAccCustomRole_otherOrg(t *testing.T) {
	env := newRoleTestEnv(t)
	name := env.randName("custom:acc:org")
	uid := roleUIDFor(name)
	org := env.otherOrg(t)
	cfg := customRoleHCL{UID: uid, Name: name, OrgID: org, Perms: []string{hclPerm(env.scoped[0])}}

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { env.preCheck(t) },
		ProtoV6ProviderFactories: env.factories,
		CheckDestroy:             checkCustomRolesDestroyed(env),
		Steps: []resource.TestStep{
			{
				Config: env.config(cfg.String()),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(customRoleAddr, tfjsonpath.New("org_id"), knownvalue.Int64Exact(org)),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkServerRole(env, org, uid, 1, nil, nil),
					func(*terraform.State) error {
						// Not visible from the provider's own org.
						if _, err := env.client.GetRole(context.Background(), uid); !grafana.IsNotFound(err) {
							return fmt.Errorf("role %s of org %d is visible in org %d: %v", uid, org, env.orgID, err)
						}
						return nil
					},
				),
				ConfigPlanChecks: emptyPlanAfterApply,
			},
			{
				ResourceName:                         customRoleAddr,
				ImportState:                          true,
				ImportStateId:                        fmt.Sprintf("%d:%s", org, uid),
				ImportStateVerify:                    true,
				ImportStateVerifyIdentifierAttribute: "uid",
			},
		},
	})
}

func TestAccCustomRole_forceDelete(t *testing.T) {
	env := newRoleTestEnv(t)
	name := env.randName("custom:acc:force")
	uid := roleUIDFor(name)
	ctx := context.Background()
	cfg := customRoleHCL{UID: uid, Name: name, Perms: []string{hclPerm(env.scoped[0])}}
	forced := cfg
	forced.ForceDelete = ptr(true)

	// Generation 1 lists built-in role grants; generation 2 lists team grants.
	var teamID int64
	assign := func() {
		var err error
		if env.generation == grafana.Generation1 {
			err = env.client.AddBuiltinRoleAssignment(ctx, "Editor", uid, false)
		} else {
			teamID, err = env.client.CreateTeam(ctx, name, "")
			if err == nil {
				t.Cleanup(func() { _ = env.client.DeleteTeam(context.Background(), teamID) })
				err = env.client.AddTeamRole(ctx, teamID, uid)
			}
		}
		if err != nil {
			t.Fatalf("assigning the role: %v", err)
		}
	}
	where := `built-in\s+role\s+Editor`
	switch {
	case env.generation == grafana.Generation1:
	case env.listsAssignments:
		where = `team\s+\d+`
	default:
		where = `somewhere\s+the\s+provider\s+cannot\s+list` // before 9.2
	}

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { env.preCheck(t) },
		ProtoV6ProviderFactories: env.factories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			checkCustomRolesDestroyed(env),
			func(*terraform.State) error {
				// force removed the assignment too.
				if env.generation == grafana.Generation1 {
					byBuiltin, err := env.client.ListBuiltinRoleAssignments(ctx, true)
					if err != nil {
						return err
					}
					if slices.ContainsFunc(byBuiltin["Editor"], func(r grafana.Role) bool { return r.UID == uid }) {
						return fmt.Errorf("role %s is still granted to Editor", uid)
					}
					return nil
				}
				roles, err := env.client.ListTeamRoles(ctx, teamID, true)
				if err != nil {
					return err
				}
				if slices.ContainsFunc(roles, func(r grafana.Role) bool { return r.UID == uid }) {
					return fmt.Errorf("role %s is still granted to team %d", uid, teamID)
				}
				return nil
			},
		),
		Steps: []resource.TestStep{
			{
				Config:           env.config(cfg.String()),
				ConfigPlanChecks: emptyPlanAfterApply,
			},
			{
				// Assigned: destroy without force_delete fails and says where.
				PreConfig:   assign,
				Config:      env.config(cfg.String()),
				Destroy:     true,
				ExpectError: regexp.MustCompile(`still\s+assigned(.|\n)*` + where + `(.|\n)*force_delete`),
			},
			{
				Config: env.config(cfg.String()),
				Check:  checkServerRole(env, 0, uid, 1, nil, nil),
			},
			{
				// Turning force_delete on changes state only.
				Config: env.config(forced.String()),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(customRoleAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue(customRoleAddr, tfjsonpath.New("version"), knownvalue.Int64Exact(1)),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: checkServerRole(env, 0, uid, 1, nil, nil),
			},
		},
	})
}

// --- test environment shared by the role tests ---

// roleTestEnv is one Grafana (the harness's emulator, or a real Grafana) and
// what the role tests need from it.
type roleTestEnv struct {
	client     *grafana.Client // the provider's credentials, in the provider's org
	generation grafana.Generation
	// numbersVersions is set on Grafana 13+, which stores 1 on create and
	// old+1 on update, whatever is sent.
	numbersVersions bool
	// checksRemoved is set before Grafana 13.3, whose role updates need the
	// permissions they remove as well as those they keep or add.
	checksRemoved bool
	// listsAssignments: generation 2 from Grafana 9.2 answers /roles/:uid/assignments.
	listsAssignments bool
	orgID            int64
	factories        map[string]func() (tfprotov6.ProviderServer, error)
	providerBlock    string
	preCheck         func(t *testing.T)
	randName         func(prefix string) string
	acc              *acctest.Env

	// Permissions the provider's credentials hold, so roles may grant them:
	// two with a scope (distinct actions) and one without.
	scoped   []grafana.Permission
	unscoped grafana.Permission
	// fixedRole is a fixed role, with its permissions.
	fixedRole grafana.Role
	// basicRoles are the basic roles Grafana lists (generation 2).
	basicRoles []grafana.Role
}

func (e *roleTestEnv) config(hcl string) string {
	return e.providerBlock + "\n" + hcl
}

// clientFor is the client for an organization; 0 means the provider's.
func (e *roleTestEnv) clientFor(orgID int64) *grafana.Client {
	if orgID <= 0 || orgID == e.orgID {
		return e.client
	}
	return e.client.WithOrg(orgID)
}

// finish reads from Grafana itself what the tests need, so that they hold
// on the emulator and on a real Grafana alike.
func (e *roleTestEnv) finish(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	var err error
	if e.generation, err = e.client.Generation(ctx); err != nil {
		t.Fatalf("detecting the API generation: %v", err)
	}
	health, err := e.client.Health(ctx)
	if err != nil {
		t.Fatalf("reading Grafana's version: %v", err)
	}
	parts := strings.SplitN(strings.TrimPrefix(health.Version, "v"), ".", 3)
	major, _ := strconv.Atoi(parts[0])
	minor := 0
	if len(parts) > 1 {
		minor, _ = strconv.Atoi(strings.TrimRight(parts[1], "-+abcdefghijklmnopqrstuvwxyz"))
	}
	e.numbersVersions = major >= 13
	e.checksRemoved = major < 13 || (major == 13 && minor < 3)
	e.listsAssignments = major > 9 || major == 9 && minor >= 2

	held, err := e.client.GetCurrentUserPermissions(ctx)
	if err != nil {
		t.Fatalf("reading the permissions of the test credentials: %v", err)
	}
	// Scoped test permissions: a scope of this test's own under a wildcard
	// scope the credentials hold, so the role may grant it and nothing else
	// holds it literally.
	token := roleUIDFor(e.randName("p"))
	seen := map[string]bool{}
	for _, p := range grafana.NormalizePermissions(held) {
		prefix, ok := strings.CutSuffix(p.Scope, ":*")
		if !ok || prefix == "" || strings.Contains(prefix, "*") || seen[p.Action] ||
			strings.HasPrefix(p.Action, "roles") || strings.HasPrefix(p.Scope, "permissions:") {
			continue
		}
		seen[p.Action] = true
		e.scoped = append(e.scoped, grafana.Permission{Action: p.Action, Scope: fmt.Sprintf("%s:uid:%s-%d", prefix, token, len(e.scoped))})
	}
	for _, p := range grafana.NormalizePermissions(held) {
		if p.Scope == "" && !strings.HasPrefix(p.Action, "roles") {
			e.unscoped = p
			break
		}
	}
	if len(e.scoped) < 2 || e.unscoped.Action == "" {
		t.Fatalf("the test credentials hold too few permissions to build test roles from: %v", held)
	}

	roles, err := e.client.ListRoles(ctx, grafana.ListRolesOptions{IncludeHidden: true})
	if err != nil {
		t.Fatalf("listing roles: %v", err)
	}
	slices.SortFunc(roles, func(a, b grafana.Role) int { return strings.Compare(a.Name, b.Name) })
	for _, r := range roles {
		switch {
		case strings.HasPrefix(r.Name, "fixed:") && e.fixedRole.UID == "" && !r.Hidden:
			full, err := e.client.GetRole(ctx, r.UID)
			if err != nil {
				t.Fatalf("reading fixed role %s: %v", r.Name, err)
			}
			e.fixedRole = *full
		case strings.HasPrefix(r.Name, "basic:"):
			e.basicRoles = append(e.basicRoles, r)
		}
	}
	if e.fixedRole.UID == "" {
		t.Fatal("Grafana lists no fixed role")
	}
}

// roleTestUser is a user with few permissions, and a provider block with its credentials.
type roleTestUser struct {
	id             int64
	perms          []grafana.Permission
	providerConfig string
}

func newRoleTestEnv(t *testing.T) *roleTestEnv {
	t.Helper()
	a := acctest.Get(t)
	e := &roleTestEnv{
		client:        a.Client,
		orgID:         a.OrgID,
		factories:     acctest.ProtoV6ProviderFactories,
		providerBlock: a.ProviderConfig(),
		preCheck:      acctest.PreCheck,
		randName:      acctest.RandName,
		acc:           a,
	}
	e.finish(t)
	return e
}

// limitedUser is a user of the provider's org with no roles beyond its
// org role's, so it lacks most permissions a test role grants.
func (e *roleTestEnv) limitedUser(t *testing.T) roleTestUser {
	t.Helper()
	id, auth := e.acc.CreateUser(t, "limited")
	perms, err := e.client.GetUserPermissions(context.Background(), id)
	if err != nil {
		t.Fatalf("reading the permissions of user %d: %v", id, err)
	}
	return roleTestUser{id: id, perms: perms, providerConfig: e.acc.ProviderConfigWithAuth(auth)}
}

// delegatingUser is a user of the provider's org who may manage roles
// (the role-management permissions of the provider's credentials, through
// a custom role of the test's own) and holds held besides.
func (e *roleTestEnv) delegatingUser(t *testing.T, held ...grafana.Permission) roleTestUser {
	t.Helper()
	ctx := context.Background()
	admin, err := e.client.GetCurrentUserPermissions(ctx)
	if err != nil {
		t.Fatalf("reading the permissions of the test credentials: %v", err)
	}
	perms := slices.Clone(held)
	for _, p := range admin {
		if strings.HasPrefix(p.Action, "roles") && p.Scope != "permissions:type:escalate" {
			perms = append(perms, p)
		}
	}
	name := e.randName("custom:acc:delegator")
	role, err := e.client.CreateRole(ctx, grafana.CreateRoleRequest{UID: roleUIDFor(name), Name: name, Permissions: perms})
	if err != nil {
		t.Fatalf("creating role %s: %v", name, err)
	}
	t.Cleanup(func() {
		if err := e.client.DeleteRole(context.Background(), role.UID, grafana.DeleteRoleOptions{Force: true}); err != nil && !grafana.IsNotFound(err) {
			t.Errorf("deleting role %s: %v", name, err)
		}
	})
	u := e.limitedUser(t)
	if err := e.client.AddUserRole(ctx, u.id, role.UID, false); err != nil {
		t.Fatalf("assigning %s to user %d: %v", name, u.id, err)
	}
	if u.perms, err = e.client.GetUserPermissions(ctx, u.id); err != nil {
		t.Fatalf("reading the permissions of user %d: %v", u.id, err)
	}
	return u
}

// otherOrg makes a second organization (it stays: the test credentials may
// not be able to delete it).
func (e *roleTestEnv) otherOrg(t *testing.T) int64 {
	t.Helper()
	id, err := e.client.CreateOrg(context.Background(), e.randName("tf-acc-org"))
	if err != nil {
		t.Fatalf("creating organization: %v", err)
	}
	return id
}

// The delegation check reads the credentials' permissions once per run,
// not once per role: planning six roles asks as often as planning one.
func TestAccCustomRole_callerPermissionsReadOncePerRun(t *testing.T) {
	t.Parallel()
	g := startOwnEmulator(t, emulator.Config{})
	const route = "GET /api/access-control/user/permissions"
	reads := func(roles int) int {
		var hcl strings.Builder
		hcl.WriteString(providerBlockHCL(fmt.Sprintf("url = %q", g.URL), fmt.Sprintf("auth = %q", g.Auth)))
		for i := range roles {
			cfg := customRoleHCL{Name: fmt.Sprintf("custom:once:%d", i), Perms: []string{`{ action = "teams:read", scope = "teams:*" }`}}
			hcl.WriteString(strings.Replace(cfg.String(), `"test"`, fmt.Sprintf(`"r%d"`, i), 1))
		}
		before := emulatorRequestCounts(t, g)[route]
		resource.Test(t, resource.TestCase{
			ProtoV6ProviderFactories: acctest.ProviderFactoriesWithEnv(nil),
			Steps:                    []resource.TestStep{{Config: hcl.String(), PlanOnly: true, ExpectNonEmptyPlan: true}},
		})
		return emulatorRequestCounts(t, g)[route] - before
	}
	one, six := reads(1), reads(6)
	if one == 0 || six != one {
		t.Errorf("permission reads: %d planning one role, %d planning six", one, six)
	}
}
