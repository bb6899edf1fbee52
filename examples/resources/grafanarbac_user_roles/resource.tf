data "grafanarbac_user" "alice" {
  login = "alice"
}

data "grafanarbac_role" "dashboards_reader" {
  name = "fixed:dashboards:reader"
}

# Alice holds exactly this role in the provider's organization; any other
# role granted to her there outside Terraform is removed by the next apply.
resource "grafanarbac_user_roles" "alice" {
  user_id   = data.grafanarbac_user.alice.id
  role_uids = [data.grafanarbac_role.dashboards_reader.uid]
}
