resource "grafanarbac_custom_role" "report_creator" {
  name = "custom:reports:creator"
  permissions = [
    { action = "reports:create" },
    { action = "reports:read", scope = "reports:*" },
    { action = "reports:send", scope = "reports:*" },
  ]
}

# Every Editor of the provider's organization may create and send reports.
# On Grafana 9+ this adds the role's permissions to the basic role
# basic_editor; granted_permissions lists those it added. Referring to the
# role's uid makes the apply that changes the role update basic_editor too.
resource "grafanarbac_builtin_role_assignment" "editors_create_reports" {
  builtin_role = "Editor"
  role_uid     = grafanarbac_custom_role.report_creator.uid
}

# A fixed role Grafana does not grant by default, given to Grafana server
# admins in every organization.
data "grafanarbac_role" "team_creator" {
  name = "fixed:teams:creator"
}

resource "grafanarbac_builtin_role_assignment" "server_admins_create_teams" {
  builtin_role = "Grafana Admin"
  role_uid     = data.grafanarbac_role.team_creator.uid
  global       = true
}
