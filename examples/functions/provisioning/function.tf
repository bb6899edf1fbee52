terraform {
  required_providers {
    grafanarbac = {
      source = "grafanarbac/grafanarbac"
    }
  }
}

# Decode a Grafana access-control provisioning file, usually read with
# file("provisioning/access-control/roles.yaml"), and create its custom roles.
# examples/migrate-from-provisioning is a complete migration, with the grants
# to built-in roles and teams and the default grants.
locals {
  provisioning = provider::grafanarbac::provisioning(<<-EOT
    apiVersion: 1
    roles:
      - name: custom:reports:editor
        uid: reports_editor
        version: 1
        permissions:
          - action: reports:create
          - action: reports:read
            scope: reports:*
        builtInRoles:
          - name: Editor
  EOT
  )
}

resource "grafanarbac_custom_role" "provisioned" {
  for_each = { for r in local.provisioning.roles : "${r.global ? "global" : r.org_id}/${r.name}" => r if !r.fixed }

  name        = each.value.name
  uid         = each.value.uid
  description = each.value.description
  global      = each.value.global
  org_id      = each.value.org_id
  version     = each.value.version
  permissions = each.value.permissions
}

# In terraform console:
#   > provider::grafanarbac::provisioning("roles: [{name: 'custom:a', permissions: [{action: 'a:read'}]}]").roles[0].permissions
#   toset([
#     {
#       "action" = "a:read"
#       "scope" = tostring(null)
#     },
#   ])
