# A role for people who build and send reports. Its version goes up by one
# on every change of content.
resource "grafanarbac_custom_role" "report_editor" {
  name         = "custom:reports:editor"
  uid          = "custom_reports_editor"
  display_name = "Report editor"
  description  = "Create, edit and send reports."
  group        = "Reporting"

  permissions = [
    { action = "reports:create" },
    { action = "reports:read", scope = "reports:*" },
    { action = "reports:write", scope = "reports:*" },
    { action = "reports:send", scope = "reports:*" },
  ]
}

# A global role, visible in every organization (needs a Grafana server admin),
# whose version is set by hand: every change of content must raise it.
resource "grafanarbac_custom_role" "datasource_reader" {
  name                   = "custom:datasources:reader"
  global                 = true
  auto_increment_version = false
  version                = 1

  permissions = [
    { action = "datasources:read", scope = "datasources:*" },
    { action = "datasources:query", scope = "datasources:*" },
  ]
}
