# A fixed role by name, to see what it grants.
data "grafanarbac_role" "reports_reader" {
  name = "fixed:reports:reader"
}

output "reports_reader_permissions" {
  value = data.grafanarbac_role.reports_reader.permissions
}
