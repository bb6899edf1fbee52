data "grafanarbac_team" "reporting" {
  name = "Reporting"
}

data "grafanarbac_user" "alice" {
  login = "alice"
}

data "grafanarbac_service_account" "ci" {
  name = "ci-deployer"
}

resource "grafanarbac_custom_role" "report_reader" {
  name = "custom:reports:reader"
  permissions = [
    { action = "reports:read", scope = "reports:*" },
  ]
}

# Exactly these hold the role in the organization; any other grant of it
# made outside Terraform is removed by the next apply.
resource "grafanarbac_role_assignments" "report_readers" {
  role_uid         = grafanarbac_custom_role.report_reader.uid
  users            = [data.grafanarbac_user.alice.id]
  teams            = [data.grafanarbac_team.reporting.id]
  service_accounts = [data.grafanarbac_service_account.ci.id]
}
