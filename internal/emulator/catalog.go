package emulator

import (
	"crypto/sha1"
	"encoding/base64"
	"slices"
	"time"
)

// fixedDef is one of Grafana's own roles and the built-in roles it is
// granted to at startup.
type fixedDef struct {
	name, displayName, description, group string
	perms                                 []perm
	grants                                []string
}

func ps(scope string, actions ...string) []perm {
	out := make([]perm, len(actions))
	for i, a := range actions {
		out[i] = perm{a, scope}
	}
	return out
}

func join(lists ...[]perm) []perm { return slices.Concat(lists...) }

var (
	toGA       = []string{roleGrafanaAdmin}
	toAdmin    = []string{roleAdmin}
	toEditor   = []string{roleEditor}
	toViewer   = []string{roleViewer}
	toGAAdmin  = []string{roleGrafanaAdmin, roleAdmin}
	toGAViewer = []string{roleGrafanaAdmin, roleViewer}
)

// Generation 1 (Grafana 8.x names). The delegation scope is 8.0's
// permissions:delegate, as the contract's table has it.
var (
	g1PermRead = join(
		ps("roles:*", "roles:read", "roles:list", "roles.builtin:list"),
		ps("teams:*", "teams.roles:list"),
		ps("users:*", "users.roles:list", "users.permissions:list"),
	)
	g1PermEdit = join(g1PermRead, ps("permissions:delegate",
		"roles:write", "roles:delete", "roles.builtin:add", "roles.builtin:remove",
		"teams.roles:add", "teams.roles:remove", "users.roles:add", "users.roles:remove"))
	g1ReportRead  = join(ps("reports:*", "reports:read", "reports:send"), ps("", "reports.settings:read"))
	g1UsersRead   = ps("global.users:*", "users.authtoken:list", "users.quotas:list", "users:read", "users.teams:read")
	g1OrgUserRead = ps("users:*", "org.users:read")
	g1LdapRead    = ps("", "ldap.user:read", "ldap.status:read")
	g1Settings    = ps("settings:*", "settings:read")
	g1Licensing   = ps("", "licensing:read", "licensing:reports:read")
	g1DSRead      = ps("datasources:*", "datasources:read", "datasources:query")
	g1AnnRead     = ps("annotations:type:*", "annotations:read")
	g1APIKeysRead = ps("apikeys:*", "apikeys:read")
	g1OrgsRead    = ps("orgs:*", "orgs:read", "orgs.quotas:read")
	g1TeamsRead   = ps("teams:*", "teams:read")
	g1DSPermRead  = ps("datasources:*", "datasources.permissions:read")
)

var catalogGen1 = []fixedDef{
	{"fixed:permissions:admin:read", "Access control reader", "Read roles and their assignments.", "Access control", g1PermRead, toGA},
	{"fixed:permissions:admin:edit", "Access control editor", "Create, update and delete roles; assign them within the caller's own permissions.", "Access control", g1PermEdit, toGA},
	{"fixed:permissions:admin", "Access control admin", "All access control permissions (8.0 name).", "Access control", g1PermEdit, toGA},
	{"fixed:reporting:admin:read", "Report reader", "Read reports and report settings.", "Reports", g1ReportRead, toGAAdmin},
	{"fixed:reporting:admin:edit", "Report editor", "Read, write and delete reports and their settings.", "Reports",
		join(g1ReportRead, ps("reports:*", "reports.admin:write", "reports:delete"), ps("", "reports.admin:create", "reports.settings:write")), toGAAdmin},
	{"fixed:users:admin:read", "User reader", "Read all users, their tokens, quotas and teams.", "Users", g1UsersRead, toGA},
	{"fixed:users:admin:edit", "User editor", "Manage all users.", "Users",
		join(g1UsersRead, ps("global.users:*", "users.password:update", "users:write", "users:delete", "users:enable",
			"users:disable", "users.permissions:update", "users:logout", "users.authtoken:update", "users.quotas:update"),
			ps("", "users:create")), toGA},
	{"fixed:users:org:read", "Organization user reader", "Read the users of the organization.", "Users", g1OrgUserRead, toGAAdmin},
	{"fixed:users:org:edit", "Organization user editor", "Add, remove and change the role of organization users.", "Users",
		join(g1OrgUserRead, ps("users:*", "org.users:add", "org.users:remove", "org.users.role:update")), toGAAdmin},
	{"fixed:ldap:admin:read", "LDAP reader", "Read LDAP users and status.", "LDAP", g1LdapRead, toGA},
	{"fixed:ldap:admin:edit", "LDAP editor", "Sync LDAP users and reload the LDAP configuration.", "LDAP",
		join(g1LdapRead, ps("", "ldap.user:sync", "ldap.config:reload")), toGA},
	{"fixed:server:admin:read", "Server stats reader", "Read server statistics.", "Server", ps("", "server.stats:read"), toGA},
	{"fixed:settings:admin:read", "Settings reader", "Read Grafana settings.", "Settings", g1Settings, toGA},
	{"fixed:settings:admin:edit", "Settings editor", "Read and update Grafana settings.", "Settings",
		join(g1Settings, ps("settings:*", "settings:write")), toGA},
	{"fixed:datasource:editor:read", "Data source explorer", "Explore data sources.", "Data sources", ps("", "datasources:explore"), toEditor},
	{"fixed:datasources:reader", "Data source reader", "Read and query all data sources.", "Data sources", g1DSRead, nil},
	// Not in the contract's table: gives the org Admin the data-source
	// permissions that fixed:datasources:reader needs, so the toAdmin can delegate it.
	{"fixed:datasources:writer", "Data source writer", "Create, read, query, update and delete all data sources.", "Data sources",
		join(g1DSRead, ps("datasources:*", "datasources:write", "datasources:delete"), ps("", "datasources:create")), toAdmin},
	{"fixed:datasources:id:reader", "Data source ID reader", "Read the ID of a data source from its name.", "Data sources",
		ps("datasources:*", "datasources.id:read"), toViewer},
	{"fixed:datasources.permissions:reader", "Data source permission reader", "Read data source permissions.", "Data sources", g1DSPermRead, toAdmin},
	{"fixed:datasources.permissions:writer", "Data source permission writer", "Manage data source permissions.", "Data sources",
		join(g1DSPermRead, ps("datasources:*", "datasources.permissions:write")), toAdmin},
	{"fixed:licensing:viewer", "Licensing viewer", "Read licensing information.", "Licensing", g1Licensing, nil},
	{"fixed:licensing:editor", "Licensing editor", "Read, update and delete the license.", "Licensing",
		join(g1Licensing, ps("", "licensing:update", "licensing:delete")), toGA},
	{"fixed:annotations:reader", "Annotation reader", "Read all annotations.", "Annotations", g1AnnRead, toViewer},
	{"fixed:annotations:writer", "Annotation writer", "Read, create, update and delete all annotations.", "Annotations",
		join(g1AnnRead, ps("annotations:type:*", "annotations:create", "annotations:write", "annotations:delete")), toEditor},
	{"fixed:annotations.dashboard:writer", "Dashboard annotation writer", "Create, update and delete dashboard annotations.", "Annotations",
		ps("annotations:type:dashboard", "annotations:create", "annotations:write", "annotations:delete"), toViewer},
	{"fixed:apikeys:reader", "API key reader", "Read all API keys.", "API keys", g1APIKeysRead, toAdmin},
	{"fixed:apikeys:writer", "API key writer", "Read, create and delete API keys.", "API keys",
		join(g1APIKeysRead, ps("apikeys:*", "apikeys:delete"), ps("", "apikeys:create")), toAdmin},
	{"fixed:orgs:reader", "Organization reader", "Read all organizations and their quotas.", "Organizations", g1OrgsRead, toGA},
	{"fixed:orgs:writer", "Organization writer", "Create, update and delete organizations.", "Organizations",
		join(g1OrgsRead, ps("orgs:*", "orgs:write", "orgs:delete", "orgs.quotas:write"), ps("", "orgs:create")), toGA},
	{"fixed:current:org:reader", "Current organization reader", "Read the current organization.", "Organizations",
		ps("", "orgs:read", "orgs.preferences:read"), toViewer},
	{"fixed:current:org:writer", "Current organization writer", "Update the current organization and its preferences.", "Organizations",
		ps("", "orgs:read", "orgs:write", "orgs.preferences:read", "orgs.preferences:write"), toAdmin},
	{"fixed:provisioning:admin", "Provisioning admin", "Reload provisioning configurations.", "Provisioning",
		ps("provisioners:*", "provisioning:reload"), toGA},
	{"fixed:teams:reader", "Team reader", "Read all teams.", "Teams", g1TeamsRead, nil},
	{"fixed:teams:creator", "Team creator", "Create teams and read the ones the caller belongs to.", "Teams",
		join(ps("", "teams:create"), g1TeamsRead), nil},
	{"fixed:teams:writer", "Team writer", "Create, read, update and delete all teams and their permissions.", "Teams",
		join(ps("", "teams:create"), ps("teams:*", "teams:read", "teams:write", "teams:delete", "teams.permissions:read", "teams.permissions:write")), toAdmin},
}

// Generation 2 (Grafana 9+ names).
var (
	g2RolesRead = join(
		ps("roles:*", "roles:read"),
		ps("teams:*", "teams.roles:read"),
		ps("users:*", "users.roles:read", "users.permissions:read"),
	)
	g2RolesWrite = join(g2RolesRead, ps("permissions:type:delegate",
		"roles:write", "roles:delete", "teams.roles:add", "teams.roles:remove", "users.roles:add", "users.roles:remove"))
	g2UsersRead    = ps("global.users:*", "users:read", "users.authtoken:read", "users.quotas:read", "users.teams:read")
	g2OrgUsersRead = ps("users:*", "org.users:read")
	g2LdapRead     = ps("", "ldap.user:read", "ldap.status:read")
	g2Settings     = ps("settings:*", "settings:read")
	g2OrgRead      = ps("", "orgs:read", "orgs.quotas:read")
	g2Licensing    = ps("", "licensing:read", "licensing.reports:read")
	g2ReportsRead  = join(ps("reports:*", "reports:read", "reports:send"), ps("", "reports.settings:read"))
	g2DSRead       = ps("datasources:*", "datasources:read", "datasources:query")
	g2DSPermRead   = ps("datasources:*", "datasources.permissions:read")
	g2DashRead     = join(ps("dashboards:*", "dashboards:read"), ps("folders:*", "dashboards:read"))
	g2FoldersRead  = join(ps("folders:*", "folders:read", "dashboards:read"))
	g2AnnRead      = ps("annotations:type:*", "annotations:read")
	g2AlertRead    = join(ps("folders:*", "alert.rules:read"), ps("", "alert.instances:read", "alert.notifications:read"),
		ps("datasources:*", "alert.instances.external:read", "alert.rules.external:read", "alert.notifications.external:read"))
	g2TeamsRead = ps("teams:*", "teams:read")
)

var catalogGen2 = []fixedDef{
	{"fixed:roles:reader", "Role reader", "Read all access control roles and the roles and permissions of users and teams.", "Roles", g2RolesRead, toGA},
	{"fixed:roles:writer", "Role writer", "Create, update and delete roles and assign them, within the caller's own permissions.", "Roles", g2RolesWrite, toGA},
	{"fixed:roles:resetter", "Role resetter", "Reset the basic roles to their defaults.", "Roles", ps("permissions:type:escalate", "roles:write"), nil},
	{"fixed:users:reader", "User reader", "Read all users, their tokens, quotas and teams.", "User administration", g2UsersRead, toGA},
	{"fixed:users:writer", "User writer", "Manage all users.", "User administration",
		join(g2UsersRead, ps("global.users:*", "users:write", "users.password:write", "users:delete", "users:enable", "users:disable",
			"users.permissions:write", "users:logout", "users.authtoken:write", "users.quotas:write"), ps("", "users:create")), toGA},
	{"fixed:org.users:reader", "Organization user reader", "Read the users of the organization.", "User administration", g2OrgUsersRead, toGA},
	{"fixed:org.users:writer", "Organization user writer", "Add, remove and change the role of organization users.", "User administration",
		join(g2OrgUsersRead, ps("users:*", "org.users:add", "org.users:remove", "org.users:write")), toGA},
	{"fixed:ldap:reader", "LDAP reader", "Read LDAP users and status.", "LDAP", g2LdapRead, toGA},
	{"fixed:ldap:writer", "LDAP writer", "Sync LDAP users and reload the LDAP configuration.", "LDAP",
		join(g2LdapRead, ps("", "ldap.user:sync", "ldap.config:reload")), toGA},
	{"fixed:stats:reader", "Statistics reader", "Read server statistics.", "Statistics", ps("", "server.stats:read"), toGA},
	{"fixed:settings:reader", "Setting reader", "Read Grafana settings.", "Settings", g2Settings, toGA},
	{"fixed:settings:writer", "Setting writer", "Read and update Grafana settings.", "Settings",
		join(g2Settings, ps("settings:*", "settings:write")), toGA},
	{"fixed:provisioning:writer", "Provisioning writer", "Reload provisioning configurations.", "Provisioning",
		ps("provisioners:*", "provisioning:reload"), toGA},
	{"fixed:organization:reader", "Organization reader", "Read the organization and its quotas.", "Organizations", g2OrgRead, toGAViewer},
	{"fixed:organization:maintainer", "Organization maintainer", "Create, read, update and delete organizations and their quotas.", "Organizations",
		join(g2OrgRead, ps("", "orgs:create", "orgs:write", "orgs:delete", "orgs.quotas:write")), toGA},
	{"fixed:organization:writer", "Organization writer", "Read and update the organization and its preferences.", "Organizations",
		join(g2OrgRead, ps("", "orgs:write", "orgs.preferences:read", "orgs.preferences:write")), toAdmin},
	{"fixed:licensing:reader", "Licensing reader", "Read licensing information and reports.", "Licenses", g2Licensing, toGA},
	{"fixed:licensing:writer", "Licensing writer", "Read, update and delete the license.", "Licenses",
		join(g2Licensing, ps("", "licensing:write", "licensing:delete")), toGA},
	{"fixed:reports:reader", "Report reader", "Read and send reports, read report settings.", "Reports", g2ReportsRead, toAdmin},
	{"fixed:reports:writer", "Report writer", "Create, read, update and delete reports and their settings.", "Reports",
		join(g2ReportsRead, ps("", "reports:create", "reports.settings:write"), ps("reports:*", "reports:write", "reports:delete")), toAdmin},
	{"fixed:datasources:reader", "Data source reader", "Read and query all data sources.", "Data sources", g2DSRead, toAdmin},
	{"fixed:datasources:writer", "Data source writer", "Create, read, query, update and delete all data sources.", "Data sources",
		join(g2DSRead, ps("", "datasources:create"), ps("datasources:*", "datasources:write", "datasources:delete")), toAdmin},
	{"fixed:datasources:explorer", "Data source explorer", "Explore data sources.", "Data sources", ps("", "datasources:explore"), toEditor},
	{"fixed:datasources:id:reader", "Data source ID reader", "Read the ID of a data source from its name.", "Data sources",
		ps("datasources:*", "datasources.id:read"), toViewer},
	{"fixed:datasources.permissions:reader", "Data source permission reader", "Read data source permissions.", "Data sources", g2DSPermRead, toAdmin},
	{"fixed:datasources.permissions:writer", "Data source permission writer", "Manage data source permissions.", "Data sources",
		join(g2DSPermRead, ps("datasources:*", "datasources.permissions:write")), toAdmin},
	{"fixed:teams:reader", "Team reader", "Read all teams.", "Teams", g2TeamsRead, nil},
	{"fixed:teams:creator", "Team creator", "Create teams and read the ones the caller belongs to.", "Teams",
		join(ps("", "teams:create"), g2TeamsRead), nil},
	{"fixed:teams:writer", "Team writer", "Create, read, update and delete all teams and their permissions.", "Teams",
		join(ps("", "teams:create"), ps("teams:*", "teams:read", "teams:write", "teams:delete", "teams.permissions:read", "teams.permissions:write")), toAdmin},
	{"fixed:dashboards:reader", "Dashboard reader", "Read all dashboards.", "Dashboards", g2DashRead, toAdmin},
	{"fixed:dashboards:writer", "Dashboard writer", "Create, read, update and delete all dashboards and their permissions.", "Dashboards",
		join(g2DashRead, ps("folders:*", "dashboards:create", "dashboards:write", "dashboards:delete"),
			ps("dashboards:*", "dashboards:write", "dashboards:delete", "dashboards.permissions:read", "dashboards.permissions:write")), toAdmin},
	{"fixed:dashboards:creator", "Dashboard creator", "Create dashboards in any folder.", "Dashboards",
		join(ps("folders:*", "dashboards:create", "folders:read")), toEditor},
	{"fixed:folders:reader", "Folder reader", "Read all folders and their dashboards.", "Folders", g2FoldersRead, toAdmin},
	{"fixed:folders:writer", "Folder writer", "Create, read, update and delete all folders and their permissions.", "Folders",
		join(g2FoldersRead, ps("", "folders:create"), ps("folders:*", "folders:write", "folders:delete", "folders.permissions:read", "folders.permissions:write")), toAdmin},
	{"fixed:folders:creator", "Folder creator", "Create folders.", "Folders", ps("", "folders:create"), toEditor},
	{"fixed:annotations:reader", "Annotation reader", "Read all annotations.", "Annotations", g2AnnRead, toViewer},
	{"fixed:annotations:writer", "Annotation writer", "Read, create, update and delete all annotations.", "Annotations",
		join(g2AnnRead, ps("annotations:type:*", "annotations:create", "annotations:write", "annotations:delete")), toEditor},
	{"fixed:annotations.dashboard:writer", "Dashboard annotation writer", "Create, update and delete dashboard annotations.", "Annotations",
		ps("annotations:type:dashboard", "annotations:create", "annotations:write", "annotations:delete"), toViewer},
	{"fixed:alerting:reader", "Alerting reader", "Read alert rules, instances and notification settings.", "Alerting", g2AlertRead, toViewer},
	{"fixed:alerting:writer", "Alerting writer", "Manage alert rules, silences and notification settings.", "Alerting",
		join(g2AlertRead, ps("folders:*", "alert.rules:create", "alert.rules:write", "alert.rules:delete"),
			ps("", "alert.instances:create", "alert.instances:write", "alert.notifications:write"),
			ps("datasources:*", "alert.instances.external:write", "alert.rules.external:write", "alert.notifications.external:write")), toEditor},
	{"fixed:plugins.app:reader", "App plugin reader", "Access app plugins.", "Plugins", ps("plugins:*", "plugins.app:access"), toViewer},
	{"fixed:serviceaccounts:writer", "Service account writer", "Create, read, update and delete all service accounts and their permissions.", "Service accounts",
		join(ps("", "serviceaccounts:create"), ps("serviceaccounts:*", "serviceaccounts:read", "serviceaccounts:write", "serviceaccounts:delete",
			"serviceaccounts.permissions:read", "serviceaccounts.permissions:write")), toAdmin},
}

// orgAdminRights are what an organization Admin (a user or a service
// account) holds on generation 2, in its own org only, to manage roles: the
// permissions of fixed:roles:reader and fixed:roles:writer, all org-level
// (the contract's "Who may manage roles"). They are held beside basic_admin
// rather than inside it because Grafana does not publish which role carries
// them, and basic_admin's permission set stays what the contract says it is,
// the union of its default fixed roles: reading, editing or resetting the
// basic role neither shows nor changes them. Global roles, basic-role writes
// and global assignments still need a server admin (isServerAdmin), and
// delegation still applies. Generation 1 (8.5) gives Admin no such rights.
var orgAdminRights = g2RolesWrite

// basicRoles are generation 2's basic roles, in a stable order.
var basicRoles = []struct{ builtin, uid, name string }{
	{roleViewer, "basic_viewer", "basic:viewer"},
	{roleEditor, "basic_editor", "basic:editor"},
	{roleAdmin, "basic_admin", "basic:admin"},
	{roleGrafanaAdmin, "basic_grafana_admin", "basic:grafana_admin"},
	{roleNone, "basic_none", "basic:none"},
}

func basicUID(builtin string) string {
	for _, b := range basicRoles {
		if b.builtin == builtin {
			return b.uid
		}
	}
	return ""
}

func fixedUIDGen2(name string) string {
	sum := sha1.Sum([]byte(name))
	return "fixed_" + base64.RawURLEncoding.EncodeToString(sum[:])
}

var zeroTime time.Time

// seedCatalog stores the fixed roles and their default grants: on
// generation 1 as global built-in role assignments, on generation 2 as the
// basic roles' permission sets.
// withNone: Grafana 10 added the basic role None.
func (s *store) seedCatalog(gen int, withNone bool) {
	catalog := catalogGen1
	if gen >= 12 {
		catalog = catalogGen2
	}
	for _, d := range catalog {
		uid := s.newRoleUID(9)
		if gen >= 12 {
			uid = fixedUIDGen2(d.name)
		}
		s.addRole(&role{
			uid: uid, name: d.name, displayName: d.displayName, description: d.description, group: d.group,
			version: 1, kind: kindFixed, perms: s.normalize(d.perms), created: zeroTime, updated: zeroTime,
		})
		if gen < 12 {
			for _, b := range d.grants {
				addTo(s.builtinRoles, assignKey{name: b}, uid)
			}
		}
	}
	if gen < 12 {
		return
	}
	now := time.Now().UTC().Truncate(time.Second)
	for _, b := range basicRoles {
		if b.builtin == roleNone && !withNone {
			continue
		}
		s.addRole(&role{
			uid: b.uid, name: b.name, displayName: b.builtin, description: "Default " + b.builtin + " role",
			group: "Basic", version: 1, hidden: true, kind: kindBasic,
			perms: s.defaultBasicPerms(b.builtin), created: now, updated: now,
		})
	}
}

// seedManaged adds the managed roles Grafana keeps per organization for the
// resource permissions of its built-in roles. They are read-only and cannot
// be assigned (rule 5b); the emulator's carry no permissions, so they change
// nobody's access, and exist so that those refusals can be exercised.
func (s *store) seedManaged(orgID int64) {
	for _, b := range []string{"viewer", "editor", "admin"} {
		s.addRole(&role{
			uid: s.newRoleUID(9), orgID: orgID, name: "managed:builtins:" + b + ":permissions",
			group: "Managed", version: 1, hidden: true, kind: kindManaged,
			created: zeroTime, updated: zeroTime,
		})
	}
}

// defaultBasicPerms is the union of the fixed roles granted to a basic role
// by default, with Viewer's held by Editor and Editor's by Admin.
func (s *store) defaultBasicPerms(builtin string) []perm {
	var out []perm
	included := orgRoleChildren(builtin)
	if builtin == roleGrafanaAdmin {
		included = []string{roleGrafanaAdmin}
	}
	for _, d := range catalogGen2 {
		for _, g := range d.grants {
			if slices.Contains(included, g) {
				out = append(out, d.perms...)
				break
			}
		}
	}
	return s.normalize(out)
}
