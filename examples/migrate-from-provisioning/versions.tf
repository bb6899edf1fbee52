terraform {
  # Provider-defined functions need Terraform 1.8.
  required_version = ">= 1.8"
  required_providers {
    grafanarbac = {
      source = "grafanarbac/grafanarbac"
    }
  }
}

# url and auth come from GRAFANA_URL and GRAFANA_AUTH.
provider "grafanarbac" {}
