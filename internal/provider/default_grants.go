package provider

import (
	"context"
	"slices"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

// Grafana's default grants on generation 2: the fixed roles whose
// permissions the basic roles hold from the start (the contract's catalog,
// from Grafana's RBAC role definitions). The API does not tell them, and a
// basic role holding a fixed role's permissions in full may hold them
// because assignments added them: a built-in role assignment must not take
// a permission for Grafana's default only because some fixed role looks
// held in full (issue 16).
var gen2DefaultGrants = map[string][]string{
	builtinRoleGrafanaAdmin: {
		"fixed:roles:reader", "fixed:roles:writer", "fixed:users:reader", "fixed:users:writer",
		"fixed:org.users:reader", "fixed:org.users:writer", "fixed:ldap:reader", "fixed:ldap:writer",
		"fixed:stats:reader", "fixed:settings:reader", "fixed:settings:writer", "fixed:provisioning:writer",
		"fixed:organization:reader", "fixed:organization:maintainer", "fixed:licensing:reader", "fixed:licensing:writer",
	},
	"Admin": {
		"fixed:reports:reader", "fixed:reports:writer", "fixed:datasources:reader", "fixed:datasources:writer",
		"fixed:organization:writer", "fixed:datasources.permissions:reader", "fixed:datasources.permissions:writer",
		"fixed:teams:writer", "fixed:dashboards:reader", "fixed:dashboards:writer", "fixed:folders:reader",
		"fixed:folders:writer", "fixed:serviceaccounts:writer",
	},
	"Editor": {
		"fixed:datasources:explorer", "fixed:dashboards:creator", "fixed:folders:creator",
		"fixed:annotations:writer", "fixed:alerting:writer",
	},
	"Viewer": {
		"fixed:datasources:id:reader", "fixed:organization:reader", "fixed:annotations:reader",
		"fixed:annotations.dashboard:writer", "fixed:alerting:reader", "fixed:plugins.app:reader",
	},
}

// gen2NotDefault are fixed roles Grafana grants to no built-in role.
var gen2NotDefault = []string{"fixed:roles:resetter", "fixed:teams:creator"}

// gen2Inherits lists the org roles whose default grants a built-in role
// holds too: Viewer's hold for Editor and Admin, Editor's for Admin.
var gen2Inherits = map[string][]string{"Editor": {"Viewer"}, "Admin": {"Editor", "Viewer"}}

// defaultFixedRole tells whether Grafana grants the fixed role name to
// builtin by default; known is false for a fixed role the table lacks.
func defaultFixedRole(builtin, name string) (isDefault, known bool) {
	for _, b := range append([]string{builtin}, gen2Inherits[builtin]...) {
		if slices.Contains(gen2DefaultGrants[b], name) {
			return true, true
		}
	}
	for _, grants := range gen2DefaultGrants {
		if slices.Contains(grants, name) {
			return false, true
		}
	}
	return false, slices.Contains(gen2NotDefault, name)
}

// defaultPermissions are the permissions of basic that Grafana may hold by
// default for builtin: those of its default fixed roles, and, for fixed
// roles the table does not know (a newer Grafana's), those of the ones the
// basic role holds in full. fixed is every fixed role's permissions by uid.
func defaultPermissions(builtin string, basic []grafana.Permission, names map[string]string, fixed map[string][]grafana.Permission) []grafana.Permission {
	var out []grafana.Permission
	unknown := map[string][]grafana.Permission{}
	for uid, perms := range fixed {
		isDefault, known := defaultFixedRole(builtin, names[uid])
		switch {
		case isDefault:
			out = append(out, perms...)
		case !known:
			unknown[uid] = perms
		}
	}
	return permissionsUnion(out, heldByContainedRoles(basic, unknown))
}

// readDefaultPermissions is defaultPermissions read from Grafana.
func readDefaultPermissions(ctx context.Context, data *providerData, client *grafana.Client, builtin string, basic []grafana.Permission) ([]grafana.Permission, error) {
	fixed, err := rolesPermissions(ctx, &data.reads, client, func(o grafana.Role) bool { return roleKind(o.Name) == roleKindFixed })
	if err != nil {
		return nil, err
	}
	roles, err := data.reads.roleList(ctx, client)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(roles))
	for _, r := range roles {
		names[r.UID] = r.Name
	}
	return defaultPermissions(builtin, basic, names, fixed), nil
}
