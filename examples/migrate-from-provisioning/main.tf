# Moves a Grafana access-control provisioning file to Terraform: the file is
# read with file(), decoded and checked by provider::grafanarbac::provisioning,
# and every entry becomes a resource through for_each. Applied to a Grafana
# without those roles, it leaves Grafana as the file would at start-up.
#
# Grafana applies a file in this order: deleteRoles, roles (with their
# grants), removeDefaultAssignments, addDefaultAssignments. depends_on keeps
# that order where it matters: on Grafana 9+ a grant to a built-in role and a
# default grant may edit the same basic role.

variable "provisioning_file" {
  description = "Path of the provisioning file to migrate."
  type        = string
  default     = "provisioning/access-control/roles.yaml"
}

variable "keep_file_versions" {
  description = "Give each role the version the file sets. Set it to false on Grafana 13, which numbers versions itself (1 on create)."
  type        = bool
  default     = true
}

locals {
  p = provider::grafanarbac::provisioning(file(var.provisioning_file))

  # Roles are keyed by organization and name, as Grafana identifies them.
  custom_roles = { for r in local.p.roles : "${r.global ? "global" : r.org_id}/${r.name}" => r if !r.fixed }
  fixed_roles  = { for r in local.p.roles : r.name => r if r.fixed }

  # from (Grafana 9+): the roles whose permissions a role copies.
  from_refs = merge([
    for k, r in local.custom_roles : { for i, f in r.from : "${k}#${i}" => f }
  ]...)

  builtin_grants = merge([
    for k, r in local.custom_roles : {
      for b in r.builtin_roles : "${k}>${b.name}@${b.global ? "global" : b.org_id}" => {
        role = k, builtin_role = b.name, global = b.global, org_id = b.org_id
      }
    }
  ]...)

  team_grants = merge([
    for r in local.p.roles : {
      for t in r.teams : "${r.global ? "global" : r.org_id}/${r.name}>${t.org_id}/${t.name}" => {
        role = r.fixed ? r.name : "${r.global ? "global" : r.org_id}/${r.name}", fixed = r.fixed,
        team = "${t.org_id}/${t.name}", org_id = t.org_id
      }
    }
  ]...)
  teams = merge([for r in local.p.roles : { for t in r.teams : "${t.org_id}/${t.name}" => t }]...)
}

# A from entry names its role by name or by uid (fixed roles' uids are the
# same on every Grafana 9+). The data source takes one of the two, so a uid,
# unique across the instance, is used when both are given.
data "grafanarbac_role" "from" {
  for_each = local.from_refs
  name     = each.value.uid == null ? each.value.name : null
  uid      = each.value.uid
}

data "grafanarbac_role" "fixed" {
  for_each = local.fixed_roles
  name     = each.key
}

data "grafanarbac_team" "this" {
  for_each = local.teams
  name     = each.value.name
  org_id   = each.value.org_id
}

resource "grafanarbac_custom_role" "this" {
  for_each = local.custom_roles

  name        = each.value.name
  uid         = each.value.uid
  description = each.value.description
  global      = each.value.global
  org_id      = each.value.org_id
  version     = var.keep_file_versions ? each.value.version : null

  # What from copies, plus the file's permissions, less those marked absent.
  permissions = [
    for p in setunion(each.value.permissions, flatten([
      for i, f in each.value.from : data.grafanarbac_role.from["${each.key}#${i}"].permissions
    ])) : p if !contains(each.value.absent_permissions, p)
  ]
}

resource "grafanarbac_builtin_role_assignment" "this" {
  for_each = local.builtin_grants

  builtin_role = each.value.builtin_role
  role_uid     = grafanarbac_custom_role.this[each.value.role].uid
  global       = each.value.global
  org_id       = each.value.org_id
  role_version = grafanarbac_custom_role.this[each.value.role].version
}

resource "grafanarbac_team_role_assignment" "this" {
  for_each = local.team_grants

  team_id  = data.grafanarbac_team.this[each.value.team].id
  org_id   = each.value.org_id
  role_uid = each.value.fixed ? data.grafanarbac_role.fixed[each.value.role].uid : grafanarbac_custom_role.this[each.value.role].uid
}

resource "grafanarbac_default_assignment" "removed" {
  for_each = { for a in local.p.remove_default_assignments : "${a.builtin_role}/${a.fixed_role}" => a }

  builtin_role = each.value.builtin_role
  fixed_role   = each.value.fixed_role
  assigned     = false

  depends_on = [grafanarbac_builtin_role_assignment.this]
}

resource "grafanarbac_default_assignment" "added" {
  for_each = { for a in local.p.add_default_assignments : "${a.builtin_role}/${a.fixed_role}" => a }

  builtin_role = each.value.builtin_role
  fixed_role   = each.value.fixed_role
  assigned     = true

  depends_on = [grafanarbac_default_assignment.removed]
}

# deleteRoles has no resource: Terraform deletes only what it manages. The
# check warns while a role the file deletes still exists; delete it by hand,
# or import it into a grafanarbac_custom_role and then remove that block.
data "grafanarbac_roles" "custom" {
  kind           = "custom"
  include_hidden = true
}

locals {
  roles_to_delete = [
    for d in local.p.delete_roles : coalesce(d.uid, d.name) if anytrue([
      for r in data.grafanarbac_roles.custom.roles :
      (d.uid != null ? r.uid == d.uid : r.name == d.name) && r.global == d.global
    ])
  ]
}

check "deleted_roles_are_gone" {
  assert {
    condition     = length(local.roles_to_delete) == 0
    error_message = "deleteRoles lists roles that still exist in Grafana: ${join(", ", local.roles_to_delete)}. Delete them, or import and then remove them."
  }
}
