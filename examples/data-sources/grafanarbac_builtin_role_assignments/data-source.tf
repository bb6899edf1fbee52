data "grafanarbac_builtin_role_assignments" "all" {}

# Generation 1 (Grafana 8): the roles granted to Editors.
output "editor_roles" {
  value = [for r in data.grafanarbac_builtin_role_assignments.all.builtin_roles["Editor"].roles : r.name]
}

# Generation 2 (Grafana 9+): what the basic role basic_editor holds.
output "editor_permissions" {
  value = data.grafanarbac_builtin_role_assignments.all.builtin_roles["Editor"].permissions
}
