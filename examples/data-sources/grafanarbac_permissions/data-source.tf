# What the provider's own credentials hold, and so can delegate.
data "grafanarbac_permissions" "self" {}

# What one user holds.
data "grafanarbac_permissions" "user" {
  user_id = 7
}

output "can_write_roles" {
  value = contains([for p in data.grafanarbac_permissions.self.permissions : p.action], "roles:write")
}
