data "grafanarbac_role_assignments" "reports_reader" {
  role_uid = "custom-reports-reader"
}

output "reports_reader_users" {
  value = data.grafanarbac_role_assignments.reports_reader.users
}
