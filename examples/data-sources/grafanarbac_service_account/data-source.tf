data "grafanarbac_service_account" "ci" {
  name = "ci-deployer"
}

output "ci_id" {
  value = data.grafanarbac_service_account.ci.id
}
