resource "grafanarbac_custom_role" "datasource_reader" {
  name = "custom:datasources:reader"
  permissions = [
    { action = "datasources:read", scope = "datasources:*" },
    { action = "datasources:query", scope = "datasources:*" },
  ]
}

# A user or a service account, by id.
resource "grafanarbac_user_role_assignment" "ci_reads_datasources" {
  user_id  = 42
  role_uid = grafanarbac_custom_role.datasource_reader.uid
}
