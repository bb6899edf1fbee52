output "custom_roles" {
  description = "The custom roles created, by uid, with the version Grafana stores."
  value = {
    for r in [
      grafanarbac_custom_role.report_creator,
      grafanarbac_custom_role.report_admin,
      grafanarbac_custom_role.datasource_admin,
      ] : r.uid => {
      name    = r.name
      version = r.version
    }
  }
}

output "assignments" {
  description = "Who was granted which role, and the default grant taken away."
  value = {
    builtin = "${grafanarbac_builtin_role_assignment.editors_create_reports.builtin_role} <- ${grafanarbac_builtin_role_assignment.editors_create_reports.role_uid}"
    teams = {
      (var.reporting_team)         = grafanarbac_team_role_assignment.reporting.role_uid
      (var.datasource_admins_team) = grafanarbac_team_role_assignment.datasource_admins.role_uid
    }
    default_removed = "${grafanarbac_default_assignment.no_default.builtin_role} -/- ${grafanarbac_default_assignment.no_default.fixed_role}"
  }
}

output "editor_effective" {
  description = <<-EOT
    What the Editor built-in role grants now: on Grafana 9+ the permissions of
    the basic Editor role (the report permissions included), on Grafana 8 the
    roles assigned to Editor.
  EOT
  value = (local.generation2
    ? sort([for p in data.grafanarbac_builtin_role_assignments.all.builtin_roles["Editor"].permissions : p.scope == null ? p.action : "${p.action} ${p.scope}"])
    : sort([for r in data.grafanarbac_builtin_role_assignments.all.builtin_roles["Editor"].roles : r.name])
  )
}
