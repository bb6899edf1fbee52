data "grafanarbac_user" "alice" {
  login = "alice"
}

output "alice_id" {
  value = data.grafanarbac_user.alice.id
}
