package provider_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

func TestAccUserRolesResource(t *testing.T) {
	env := newAssignEnv(t)
	ctx := context.Background()
	user := env.createUser(t)
	testRoleSet(t, env, roleSetCase{
		resource: "grafanarbac_user_roles.test",
		importID: fmt.Sprintf("%d:%d", env.orgID, user),
		holder:   holder{"user", user},
		hcl: func(u ...string) string {
			return fmt.Sprintf("resource \"grafanarbac_user_roles\" \"test\" {\n  user_id   = %d\n  role_uids = %s\n}", user, hclSet(u))
		},
		add:    func(uid string) error { return env.client.AddUserRole(ctx, user, uid, false) },
		remove: func(uid string) error { return env.client.RemoveUserRole(ctx, user, uid, false) },
	})
}

func TestAccUserRolesResource_serviceAccount(t *testing.T) {
	env := newAssignEnv(t)
	env.skipUnlessGen(t, grafana.Generation2, "service accounts")
	ctx := context.Background()
	sa := env.createServiceAccount(t)
	testRoleSet(t, env, roleSetCase{
		resource: "grafanarbac_user_roles.test",
		importID: fmt.Sprintf("%d:%d", env.orgID, sa),
		holder:   holder{"user", sa},
		hcl: func(u ...string) string {
			return fmt.Sprintf("resource \"grafanarbac_user_roles\" \"test\" {\n  user_id   = %d\n  role_uids = %s\n}", sa, hclSet(u))
		},
		add:    func(uid string) error { return env.client.AddUserRole(ctx, sa, uid, false) },
		remove: func(uid string) error { return env.client.RemoveUserRole(ctx, sa, uid, false) },
	})
}

// Global grants of global roles, told apart from org grants from 9.2.
func TestAccUserRolesResource_global(t *testing.T) {
	env := newAssignEnv(t)
	ctx := context.Background()
	user := env.createUser(t)
	c := roleSetCase{
		resource: "grafanarbac_user_roles.test",
		importID: fmt.Sprintf("global:%d", user),
		holder:   holder{"user", user},
		global:   true,
		hcl: func(u ...string) string {
			return fmt.Sprintf("resource \"grafanarbac_user_roles\" \"test\" {\n  user_id   = %d\n  global    = true\n  role_uids = %s\n}", user, hclSet(u))
		},
		add:    func(uid string) error { return env.client.AddUserRole(ctx, user, uid, true) },
		remove: func(uid string) error { return env.client.RemoveUserRole(ctx, user, uid, true) },
	}
	if h, err := env.client.Health(ctx); err != nil {
		t.Fatal(err)
	} else if env.gen == grafana.Generation1 || strings.HasPrefix(h.Version, "9.0.") || strings.HasPrefix(h.Version, "9.1.") {
		t.Skipf("Grafana %s cannot tell a global grant of a global role from an organization grant", h.Version)
	}
	testRoleSet(t, env, c)
}

func TestAccUserRolesResource_refused(t *testing.T) {
	env := newAssignEnv(t)
	steps := []resource.TestStep{{
		Config:   env.config(`resource "grafanarbac_user_roles" "test" { user_id = 999999 }`),
		PlanOnly: true, ExpectError: asgErr("User not found"),
	}, {
		Config:   env.config("resource \"grafanarbac_user_roles\" \"test\" {\n  user_id = 1\n  global = true\n  org_id = 1\n}"),
		PlanOnly: true, ExpectError: asgErr("org_id set on a global assignment"),
	}}
	if env.gen == grafana.Generation2 {
		steps = append(steps, resource.TestStep{
			Config:   env.config("resource \"grafanarbac_user_roles\" \"test\" {\n  user_id = 1\n  role_uids = [\"basic_viewer\"]\n}"),
			PlanOnly: true, ExpectError: asgErr("Basic role cannot be assigned"),
		})
	}
	resource.ParallelTest(t, resource.TestCase{PreCheck: env.preCheck, ProtoV6ProviderFactories: env.factories, Steps: steps})
}

// A global set needs a server admin, refused at plan as for the per-item resource.
func TestAccUserRolesResource_globalNeedsServerAdmin(t *testing.T) {
	env := newAssignEnv(t)
	auth, _ := env.limitedUser(t)
	user := env.createUser(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck: env.preCheck, ProtoV6ProviderFactories: env.factories,
		Steps: []resource.TestStep{{
			Config:   env.providerWithAuth(auth) + fmt.Sprintf("\nresource \"grafanarbac_user_roles\" \"test\" {\n  user_id = %d\n  global  = true\n}", user),
			PlanOnly: true, ExpectError: asgErr("Needs a Grafana server admin", "A global assignment"),
		}},
	})
}
