# Every fixed role about reports.
data "grafanarbac_roles" "reports" {
  kind        = "fixed"
  name_prefix = "fixed:reports:"
}

# The basic roles (Grafana 9 and later); they are hidden.
data "grafanarbac_roles" "basic" {
  kind           = "basic"
  include_hidden = true
}

output "report_roles" {
  value = [for r in data.grafanarbac_roles.reports.roles : r.name]
}
