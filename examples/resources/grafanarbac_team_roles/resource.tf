data "grafanarbac_team" "reporting" {
  name = "Reporting"
}

data "grafanarbac_role" "dashboards_reader" {
  name = "fixed:dashboards:reader"
}

resource "grafanarbac_custom_role" "report_admin" {
  name = "custom:reports:admin"
  permissions = [
    { action = "reports:read", scope = "reports:*" },
    { action = "reports:write", scope = "reports:*" },
  ]
}

# The team holds exactly these roles; any other role granted to it outside
# Terraform is removed by the next apply.
resource "grafanarbac_team_roles" "reporting" {
  team_id = data.grafanarbac_team.reporting.id
  role_uids = [
    grafanarbac_custom_role.report_admin.uid,
    data.grafanarbac_role.dashboards_reader.uid,
  ]
}
