terraform {
  required_providers {
    grafanarbac = {
      source = "grafanarbac/grafanarbac"
    }
  }
}

# Credentials are best left to the environment (GRAFANA_URL, GRAFANA_AUTH),
# so that they never appear in configuration files.
provider "grafanarbac" {
  url    = "https://grafana.example.com"
  org_id = 1
}
