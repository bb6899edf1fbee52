# A realistic access-control estate: custom roles for two teams, an Editor
# grant, team grants and one default grant taken away. `make demo` applies it
# to a Grafana emulator; point GRAFANA_URL and GRAFANA_AUTH at a real Grafana
# Enterprise to apply it there (the two teams must exist).
terraform {
  required_version = ">= 1.8"
  required_providers {
    grafanarbac = {
      source = "grafanarbac/grafanarbac"
    }
  }
}

# url and auth come from GRAFANA_URL and GRAFANA_AUTH.
provider "grafanarbac" {}

variable "reporting_team" {
  description = "Name of the team that builds and sends reports."
  type        = string
  default     = "Reporting"
}

variable "datasource_admins_team" {
  description = "Name of the team that administers data sources."
  type        = string
  default     = "Data source admins"
}

# Basic roles exist only on Grafana 9+ (API generation 2); their presence
# tells which default grant this estate removes.
data "grafanarbac_roles" "basic" {
  kind           = "basic"
  include_hidden = true
}

locals {
  generation2 = length(data.grafanarbac_roles.basic.roles) > 0

  # Grafana 8 named the report-writing permissions differently.
  report_write = local.generation2 ? [
    { action = "reports:create", scope = "" },
    { action = "reports:write", scope = "reports:*" },
    ] : [
    { action = "reports.admin:create", scope = "" },
    { action = "reports.admin:write", scope = "reports:*" },
  ]
}

data "grafanarbac_team" "reporting" {
  name = var.reporting_team
}

data "grafanarbac_team" "datasource_admins" {
  name = var.datasource_admins_team
}

resource "grafanarbac_custom_role" "report_creator" {
  name         = "custom:reports:creator"
  uid          = "demo_reports_creator"
  display_name = "Report creator"
  description  = "Create, edit and send reports."
  group        = "Reporting"
  permissions = concat(local.report_write, [
    { action = "reports:read", scope = "reports:*" },
    { action = "reports:send", scope = "reports:*" },
  ])
}

resource "grafanarbac_custom_role" "report_admin" {
  name         = "custom:reports:admin"
  uid          = "demo_reports_admin"
  display_name = "Report administrator"
  description  = "Everything on reports, including their settings."
  group        = "Reporting"
  permissions = concat(local.report_write, [
    { action = "reports:read", scope = "reports:*" },
    { action = "reports:send", scope = "reports:*" },
    { action = "reports:delete", scope = "reports:*" },
    { action = "reports.settings:read", scope = "" },
    { action = "reports.settings:write", scope = "" },
  ])
}

resource "grafanarbac_custom_role" "datasource_admin" {
  name         = "custom:datasources:admin"
  uid          = "demo_datasources_admin"
  display_name = "Data source administrator"
  description  = "Read, query and change every data source."
  group        = "Data sources"
  permissions = [
    { action = "datasources:read", scope = "datasources:*" },
    { action = "datasources:query", scope = "datasources:*" },
    { action = "datasources:write", scope = "datasources:*" },
  ]
}

# Let every Editor create reports.
resource "grafanarbac_builtin_role_assignment" "editors_create_reports" {
  builtin_role = "Editor"
  role_uid     = grafanarbac_custom_role.report_creator.uid
}

resource "grafanarbac_team_role_assignment" "reporting" {
  team_id  = data.grafanarbac_team.reporting.id
  role_uid = grafanarbac_custom_role.report_admin.uid
}

resource "grafanarbac_team_role_assignment" "datasource_admins" {
  team_id  = data.grafanarbac_team.datasource_admins.id
  role_uid = grafanarbac_custom_role.datasource_admin.uid
}

# Take one default grant away. Neither choice touches role management, so
# the provider cannot lock itself out.
resource "grafanarbac_default_assignment" "no_default" {
  builtin_role = local.generation2 ? "Viewer" : "Admin"
  fixed_role   = local.generation2 ? "fixed:annotations:reader" : "fixed:reporting:admin:read"
  assigned     = false
}

data "grafanarbac_builtin_role_assignments" "all" {
  depends_on = [
    grafanarbac_builtin_role_assignment.editors_create_reports,
    grafanarbac_default_assignment.no_default,
  ]
}
