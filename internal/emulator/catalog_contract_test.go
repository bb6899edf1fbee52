package emulator

import (
	"strings"
	"testing"
)

// contractGen2Grants are the generation-2 default grants the contract
// (../shared/grafana-access-control.md, "Fixed-role catalog") requires.
var contractGen2Grants = map[string][]string{
	"basic_grafana_admin": {"fixed:roles:reader", "fixed:roles:writer", "fixed:users:reader", "fixed:users:writer",
		"fixed:org.users:reader", "fixed:org.users:writer", "fixed:ldap:reader", "fixed:ldap:writer",
		"fixed:stats:reader", "fixed:settings:reader", "fixed:settings:writer", "fixed:provisioning:writer",
		"fixed:organization:reader", "fixed:organization:maintainer", "fixed:licensing:reader", "fixed:licensing:writer"},
	"basic_admin": {"fixed:reports:reader", "fixed:reports:writer", "fixed:datasources:reader", "fixed:datasources:writer",
		"fixed:organization:writer", "fixed:datasources.permissions:reader", "fixed:datasources.permissions:writer",
		"fixed:teams:writer", "fixed:dashboards:reader", "fixed:dashboards:writer", "fixed:folders:reader",
		"fixed:folders:writer", "fixed:serviceaccounts:writer"},
	"basic_editor": {"fixed:datasources:explorer", "fixed:dashboards:creator", "fixed:folders:creator",
		"fixed:annotations:writer", "fixed:alerting:writer"},
	"basic_viewer": {"fixed:datasources:id:reader", "fixed:organization:reader", "fixed:annotations:reader",
		"fixed:annotations.dashboard:writer", "fixed:alerting:reader", "fixed:plugins.app:reader"},
}

// contractGen1Names are the generation-1 fixed roles the contract's table names.
var contractGen1Names = []string{
	"fixed:permissions:admin:read", "fixed:permissions:admin:edit", "fixed:permissions:admin",
	"fixed:reporting:admin:read", "fixed:reporting:admin:edit", "fixed:users:admin:read", "fixed:users:admin:edit",
	"fixed:users:org:read", "fixed:users:org:edit", "fixed:ldap:admin:read", "fixed:ldap:admin:edit",
	"fixed:server:admin:read", "fixed:settings:admin:read", "fixed:settings:admin:edit",
	"fixed:datasource:editor:read", "fixed:datasources:reader", "fixed:licensing:viewer", "fixed:licensing:editor",
}

// TestCatalogMatchesContract: the fixed roles a fresh Grafana carries, read
// over HTTP, hold the contract's names, groups and default grants; the basic
// roles (generation 2) hold every permission of the fixed roles granted to
// them and to the org roles below them, and nothing that escalates.
func TestCatalogMatchesContract(t *testing.T) {
	eachGen(t, allGens, func(t *testing.T, e *env) {
		var all []R
		e.want(200, admin, "GET", "/api/access-control/roles?includeHidden=true", nil).into(t, &all)
		fixed := map[string]R{}
		groups := map[string]bool{}
		for _, r := range all {
			if !strings.HasPrefix(r.Name, "fixed:") {
				continue
			}
			fixed[r.Name] = r
			if r.Group == "" || r.DisplayName == "" || r.Description == "" {
				t.Errorf("%s lacks a group, display name or description: %+v", r.Name, r)
			}
			groups[r.Group] = true
		}
		if len(fixed) < 30 {
			t.Errorf("%d fixed roles, want at least 30", len(fixed))
		}
		if len(groups) < 8 {
			t.Errorf("fixed roles in %d groups, want them grouped by area: %v", len(groups), groups)
		}
		full := func(name string) R {
			r, ok := fixed[name]
			if !ok {
				t.Fatalf("fixed role %s missing", name)
			}
			got := e.mustRole(r.UID)
			if len(got.Permissions) == 0 {
				t.Errorf("%s has no permissions", name)
			}
			return got
		}

		if e.gen == 8 {
			for _, n := range contractGen1Names {
				full(n)
			}
			return
		}

		for _, n := range []string{"fixed:roles:resetter", "fixed:teams:creator"} {
			full(n)
		}
		// Grants to Viewer hold for Editor and Admin, grants to Editor for Admin.
		below := map[string][]string{
			"basic_viewer":        {"basic_viewer"},
			"basic_editor":        {"basic_viewer", "basic_editor"},
			"basic_admin":         {"basic_viewer", "basic_editor", "basic_admin"},
			"basic_grafana_admin": {"basic_grafana_admin"},
		}
		for basic, from := range below {
			held := e.mustRole(basic).Permissions
			for _, b := range from {
				for _, n := range contractGen2Grants[b] {
					if miss := minus(full(n).Permissions, held); len(miss) > 0 {
						t.Errorf("%s lacks %v of %s (granted to %s by default)", basic, miss, n, b)
					}
				}
			}
			for _, p := range held {
				if p.Scope == escalateScope {
					t.Errorf("%s holds the escalate scope: %v", basic, p)
				}
			}
		}
		// The writer delegates with the generation-2 scope.
		if w := full("fixed:roles:writer"); len(minus([]P{{"roles:write", "permissions:type:delegate"}}, w.Permissions)) != 0 {
			t.Errorf("fixed:roles:writer = %v", w.Permissions)
		}
		if r := full("fixed:roles:resetter"); !samePerms(r.Permissions, []P{{"roles:write", escalateScope}}) {
			t.Errorf("fixed:roles:resetter = %v", r.Permissions)
		}
	})
}
