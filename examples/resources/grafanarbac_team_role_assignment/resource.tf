data "grafanarbac_team" "reporting" {
  name = "Reporting"
}

resource "grafanarbac_custom_role" "report_admin" {
  name = "custom:reports:admin"
  permissions = [
    { action = "reports:create" },
    { action = "reports:read", scope = "reports:*" },
    { action = "reports:write", scope = "reports:*" },
    { action = "reports:delete", scope = "reports:*" },
  ]
}

resource "grafanarbac_team_role_assignment" "reporting" {
  team_id  = data.grafanarbac_team.reporting.id
  role_uid = grafanarbac_custom_role.report_admin.uid
}
