data "grafanarbac_team" "reporting" {
  name = "Reporting"
}

output "reporting_team_id" {
  value = data.grafanarbac_team.reporting.id
}
