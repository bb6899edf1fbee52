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

// Drift: for every resource, a change made outside Terraform (through the
// client, as another admin would) is seen by the next plan, which proposes
// exactly the repair: the action, and for an update the refreshed value
// (what the server holds now) and the planned one (what the configuration
// wants). The apply repairs it and the plan after that is empty.

// driftCheck asserts one attribute's value before (the refreshed prior
// state) and after (the plan) in a resource's planned change.
type driftCheck struct {
	addr          string
	attr          string
	before, after knownvalue.Check
}

func expectDrift(addr, attr string, before, after knownvalue.Check) plancheck.PlanCheck {
	return driftCheck{addr: addr, attr: attr, before: before, after: after}
}

func (c driftCheck) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != c.addr || rc.Change == nil {
			continue
		}
		for _, side := range []struct {
			name  string
			value any
			check knownvalue.Check
		}{{"refreshed (before)", rc.Change.Before, c.before}, {"planned (after)", rc.Change.After, c.after}} {
			v, err := tfjsonpath.Traverse(side.value, tfjsonpath.New(c.attr))
			if err != nil {
				resp.Error = fmt.Errorf("%s.%s %s: %w", c.addr, c.attr, side.name, err)
				return
			}
			if err := side.check.CheckValue(v); err != nil {
				resp.Error = fmt.Errorf("%s.%s %s: %w", c.addr, c.attr, side.name, err)
				return
			}
		}
		return
	}
	resp.Error = fmt.Errorf("%s is not in the plan", c.addr)
}

// driftRepair is the plan checks of a step that follows a change outside
// Terraform: the given action, these attribute changes, and an empty plan
// once applied.
func driftRepair(addr string, action plancheck.ResourceActionType, changes ...plancheck.PlanCheck) resource.ConfigPlanChecks {
	return resource.ConfigPlanChecks{
		PreApply:             append([]plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, action)}, changes...),
		PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
	}
}

func TestAccDrift_customRole(t *testing.T) {
	env := newAssignEnv(t)
	ctx := context.Background()
	p := env.testPerms(t, 3)
	name := env.randName("custom:acc:drift")
	uid := roleUIDFor(name)
	const addr = "grafanarbac_custom_role.test"
	cfg := customRoleHCL{
		UID: uid, Name: name, DisplayName: "Drift", Description: "kept by Terraform", Group: "Drift tests",
		Perms: []string{hclPerm(p[0]), hclPerm(p[1])},
	}
	hcl := env.config(cfg.String())
	serverHolds := func(version int64) resource.TestCheckFunc {
		return func(*terraform.State) error {
			r, err := env.client.GetRole(ctx, uid)
			if err != nil {
				return err
			}
			if r.Name != name || r.DisplayName != "Drift" || r.Description != "kept by Terraform" || r.Group != "Drift tests" || r.Hidden ||
				!grafana.PermissionsEqual(r.Permissions, p[:2]) || r.Version != version {
				return fmt.Errorf("Grafana holds %+v, want the configured role at version %d", r, version)
			}
			return nil
		}
	}
	str := knownvalue.StringExact

	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 env.preCheck,
		ProtoV6ProviderFactories: env.factories,
		CheckDestroy: func(*terraform.State) error {
			if _, err := env.client.GetRole(ctx, uid); !grafana.IsNotFound(err) {
				return fmt.Errorf("role %s after destroy: %v", uid, err)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{Config: hcl, ConfigPlanChecks: asgEmptyPlanAfterApply, Check: serverHolds(1)},
			{
				// Every field changed at once, as an admin editing in the UI would.
				PreConfig: func() {
					_, err := env.client.UpdateRole(ctx, uid, grafana.UpdateRoleRequest{
						Version: 2, Name: name + "-renamed", DisplayName: "Changed", Description: "changed by hand", Group: "Other",
						Hidden: true, Permissions: []grafana.Permission{p[1], p[2]},
					})
					if err != nil {
						t.Fatalf("changing the role outside Terraform: %v", err)
					}
				},
				Config: hcl,
				ConfigPlanChecks: driftRepair(addr, plancheck.ResourceActionUpdate,
					expectDrift(addr, "name", str(name+"-renamed"), str(name)),
					expectDrift(addr, "display_name", str("Changed"), str("Drift")),
					expectDrift(addr, "description", str("changed by hand"), str("kept by Terraform")),
					expectDrift(addr, "group", str("Other"), str("Drift tests")),
					expectDrift(addr, "hidden", knownvalue.Bool(true), knownvalue.Bool(false)),
					expectDrift(addr, "permissions", asgPermsCheck(p[1], p[2]), asgPermsCheck(p[0], p[1])),
					// The server moved to 2; the repair is the next version.
					expectDrift(addr, "version", knownvalue.Int64Exact(2), knownvalue.Int64Exact(3)),
				),
				Check: serverHolds(3),
			},
			{
				// Deleted (with its assignments) outside Terraform: created again.
				PreConfig: func() {
					if err := env.client.DeleteRole(ctx, uid, grafana.DeleteRoleOptions{Force: true}); err != nil {
						t.Fatalf("deleting the role outside Terraform: %v", err)
					}
				},
				Config:           hcl,
				ConfigPlanChecks: driftRepair(addr, plancheck.ResourceActionCreate),
				Check:            serverHolds(1),
			},
		},
	})
}

// A built-in role assignment has no content of its own on generation 1 (a
// grant by reference): it can be removed, or moved to another built-in role.
// On generation 2 it is a set of permissions copied onto the basic role:
// some or all of them can be taken off the basic role.
func TestAccDrift_builtinRoleAssignment(t *testing.T) {
	env := newAssignEnv(t)
	p := env.testPerms(t, 3)
	role := env.createRole(t, p, false)
	const addr = "grafanarbac_builtin_role_assignment.test"
	hcl := env.config(builtinAssignmentHCL("test", "Editor", role.UID, ""))

	steps := []resource.TestStep{{Config: hcl, ConfigPlanChecks: asgEmptyPlanAfterApply, Check: checkBuiltinGrant(env, "Editor", role, p, true)}}
	if env.gen == grafana.Generation1 {
		steps = append(steps,
			resource.TestStep{
				PreConfig:        func() { env.revokeBuiltin(t, "Editor", role, false) },
				Config:           hcl,
				ConfigPlanChecks: driftRepair(addr, plancheck.ResourceActionCreate),
				Check:            checkBuiltinGrant(env, "Editor", role, p, true),
			},
			resource.TestStep{
				// Moved to Viewer: the Editor grant comes back, Viewer's is not Terraform's to remove.
				PreConfig: func() {
					env.revokeBuiltin(t, "Editor", role, false)
					env.grantBuiltin(t, "Viewer", role, false)
				},
				Config:           hcl,
				ConfigPlanChecks: driftRepair(addr, plancheck.ResourceActionCreate),
				Check: resource.ComposeAggregateTestCheckFunc(
					checkBuiltinGrant(env, "Editor", role, p, true), checkBuiltinGrant(env, "Viewer", role, p, true)),
			},
		)
	} else {
		steps = append(steps,
			resource.TestStep{
				// One permission taken off the basic role: the plan adds back that one.
				PreConfig: func() {
					env.editBasicRole(t, "Editor", func(have []grafana.Permission) []grafana.Permission {
						return grafana.PermissionsMinus(have, p[1:2])
					})
				},
				Config: hcl,
				ConfigPlanChecks: driftRepair(addr, plancheck.ResourceActionUpdate,
					expectDrift(addr, "granted_permissions", asgPermsCheck(p[0], p[2]), asgPermsCheck(p...))),
				Check: basicHolds(env, "Editor", p, nil),
			},
			resource.TestStep{
				// All of them: the assignment is gone from the server.
				PreConfig: func() { env.revokeBuiltin(t, "Editor", role, false) },
				Config:    hcl,
				ConfigPlanChecks: driftRepair(addr, plancheck.ResourceActionUpdate,
					expectDrift(addr, "granted_permissions", asgPermsCheck(), asgPermsCheck(p...))),
				Check: basicHolds(env, "Editor", p, nil),
			},
		)
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 env.preCheck,
		ProtoV6ProviderFactories: env.factories,
		CheckDestroy:             checkBuiltinGrant(env, "Editor", role, p, false),
		Steps:                    steps,
	})
}

// A team or user assignment is present or absent; besides its removal, the
// drift is the team's or user's roles replaced by others, after which the
// assignment is created again and the others are left alone.
func TestAccDrift_teamRoleAssignment(t *testing.T) {
	env := newAssignEnv(t)
	perms := env.testPerms(t, 2)
	role := env.createRole(t, perms[:1], false)
	other := env.createRole(t, perms[1:], false)
	teamID := env.createTeam(t)
	const addr = "grafanarbac_team_role_assignment.test"
	hcl := env.config(teamAssignmentHCL("test", teamID, role.UID, ""))
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 env.preCheck,
		ProtoV6ProviderFactories: env.factories,
		CheckDestroy:             checkTeamHasRole(env, teamID, role.UID, false),
		Steps: []resource.TestStep{
			{Config: hcl, ConfigPlanChecks: asgEmptyPlanAfterApply, Check: checkTeamHasRole(env, teamID, role.UID, true)},
			{
				PreConfig: func() {
					if err := env.client.RemoveTeamRole(context.Background(), teamID, role.UID); err != nil {
						t.Fatal(err)
					}
				},
				Config:           hcl,
				ConfigPlanChecks: driftRepair(addr, plancheck.ResourceActionCreate),
				Check:            checkTeamHasRole(env, teamID, role.UID, true),
			},
			{
				// The whole set replaced (PUT), as a UI "save" of the team's roles does.
				PreConfig: func() {
					if err := env.client.SetTeamRoles(context.Background(), teamID, nil, false); err != nil {
						t.Fatal(err)
					}
				},
				Config:           hcl,
				ConfigPlanChecks: driftRepair(addr, plancheck.ResourceActionCreate),
				Check:            checkTeamHasRole(env, teamID, role.UID, true),
			},
			{
				PreConfig: func() {
					if err := env.client.SetTeamRoles(context.Background(), teamID, []string{other.UID}, false); err != nil {
						t.Fatal(err)
					}
				},
				Config:           hcl,
				ConfigPlanChecks: driftRepair(addr, plancheck.ResourceActionCreate),
				Check: resource.ComposeAggregateTestCheckFunc(
					checkTeamHasRole(env, teamID, role.UID, true), checkTeamHasRole(env, teamID, other.UID, true)),
			},
		},
	})
}

// Both kinds of user assignment in one run: in the org and global (of a
// global role), each removed outside Terraform; then the user's org roles
// replaced by another.
func TestAccDrift_userRoleAssignment(t *testing.T) {
	env := newAssignEnv(t)
	perms := env.testPerms(t, 3)
	orgRole := env.createRole(t, perms[:1], false)
	globalRole := env.createRole(t, perms[1:2], true)
	other := env.createRole(t, perms[2:], false)
	userID := env.createUser(t)
	const orgAddr, globalAddr = "grafanarbac_user_role_assignment.org", "grafanarbac_user_role_assignment.global"
	hcl := env.config(userAssignmentHCL("org", userID, orgRole.UID, ""), userAssignmentHCL("global", userID, globalRole.UID, "  global = true\n"))
	holdsBoth := resource.ComposeAggregateTestCheckFunc(checkUserHasRole(env, userID, orgRole.UID, true), checkUserHasRole(env, userID, globalRole.UID, true))
	remove := func(uid string, global bool) func() {
		return func() {
			if err := env.client.RemoveUserRole(context.Background(), userID, uid, global); err != nil {
				t.Fatal(err)
			}
		}
	}
	// The lost assignment is created again, the other one left alone.
	recreates := func(lost, kept string) resource.ConfigPlanChecks {
		return resource.ConfigPlanChecks{
			PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(lost, plancheck.ResourceActionCreate),
				plancheck.ExpectResourceAction(kept, plancheck.ResourceActionNoop),
			},
			PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 env.preCheck,
		ProtoV6ProviderFactories: env.factories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			checkUserHasRole(env, userID, orgRole.UID, false), checkUserHasRole(env, userID, globalRole.UID, false)),
		Steps: []resource.TestStep{
			{Config: hcl, ConfigPlanChecks: asgEmptyPlanAfterApply, Check: holdsBoth},
			{
				PreConfig:        remove(orgRole.UID, false),
				Config:           hcl,
				ConfigPlanChecks: recreates(orgAddr, globalAddr),
				Check:            holdsBoth,
			},
			{
				PreConfig:        remove(globalRole.UID, true),
				Config:           hcl,
				ConfigPlanChecks: recreates(globalAddr, orgAddr),
				Check:            holdsBoth,
			},
			{
				PreConfig: func() {
					if err := env.client.SetUserRoles(context.Background(), userID, []string{other.UID}, false, false); err != nil {
						t.Fatal(err)
					}
				},
				Config:           hcl,
				ConfigPlanChecks: recreates(orgAddr, globalAddr),
				Check:            resource.ComposeAggregateTestCheckFunc(holdsBoth, checkUserHasRole(env, userID, other.UID, true)),
			},
		},
	})
}

// A default assignment is the wanted state of one of Grafana's own grants;
// there is no object to delete (the fixed role cannot be), so drift is the
// grant coming back while it should be removed, or going while it should
// be in place. On generation 2 a single permission is enough either way.
func TestAccDrift_defaultAssignment(t *testing.T) {
	env := newAssignEnv(t)
	builtin, fixedName := defaultGrantUnderTest(env.gen)
	fixed := env.roleByName(t, fixedName)
	if len(fixed.Permissions) == 0 {
		t.Fatalf("%s has no permissions", fixedName)
	}
	one := fixed.Permissions[:1]
	// Start with the grant in place (an earlier test may have left part of
	// it off, and assigned = true below restores all of it); the clean-up
	// puts back what was there.
	if env.gen == grafana.Generation2 {
		env.addToBasicRole(t, builtin, fixed.Permissions)
	} else if err := checkDefaultGrant(env, builtin, fixed, true)(nil); err != nil {
		env.grantBuiltin(t, builtin, fixed, true)
		t.Cleanup(func() { _ = env.client.RemoveBuiltinRoleAssignment(context.Background(), builtin, fixed.UID, true) })
	}
	// On generation 1 a second org tells global grants from org grants.
	elsewhere := secondOrgClient(t, env)
	before := builtinSnapshotIn(t, env, elsewhere)
	const addr = "grafanarbac_default_assignment.test"
	removed := env.config(defaultAssignmentHCL(builtin, fixedName, ""))
	restored := env.config(defaultAssignmentHCL(builtin, fixedName, "  assigned = true\n"))
	assigned := func(before, after bool) plancheck.PlanCheck {
		return expectDrift(addr, "assigned", knownvalue.Bool(before), knownvalue.Bool(after))
	}

	// Not parallel: it changes one of Grafana's default grants.
	resource.Test(t, resource.TestCase{
		PreCheck:                 env.preCheck,
		ProtoV6ProviderFactories: env.factories,
		CheckDestroy:             checkSnapshotIn(t, env, elsewhere, before),
		Steps: []resource.TestStep{
			{Config: removed, ConfigPlanChecks: asgEmptyPlanAfterApply, Check: checkDefaultGrant(env, builtin, fixed, false)},
			{
				PreConfig: func() {
					if env.gen == grafana.Generation1 {
						env.grantBuiltin(t, builtin, fixed, true) // default grants are global
					} else {
						env.editBasicRole(t, builtin, func(have []grafana.Permission) []grafana.Permission { return append(have, one...) })
					}
				},
				Config:           removed,
				ConfigPlanChecks: driftRepair(addr, plancheck.ResourceActionUpdate, assigned(true, false)),
				Check:            checkDefaultGrant(env, builtin, fixed, false),
			},
			{Config: restored, ConfigPlanChecks: asgPlanAction(addr, plancheck.ResourceActionUpdate), Check: checkDefaultGrant(env, builtin, fixed, true)},
			{
				PreConfig: func() {
					if env.gen == grafana.Generation1 {
						env.revokeBuiltin(t, builtin, fixed, true)
					} else {
						env.editBasicRole(t, builtin, func(have []grafana.Permission) []grafana.Permission { return grafana.PermissionsMinus(have, one) })
					}
				},
				Config:           restored,
				ConfigPlanChecks: driftRepair(addr, plancheck.ResourceActionUpdate, assigned(false, true)),
				Check:            checkDefaultGrant(env, builtin, fixed, true),
			},
		},
	})
}
