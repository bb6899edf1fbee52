# Viewers no longer read annotations by default (Grafana 9+). The plan lists
# the permissions taken away in affected_permissions.
resource "grafanarbac_default_assignment" "viewers_no_annotations" {
  builtin_role = "Viewer"
  fixed_role   = "fixed:annotations:reader"
  assigned     = false
}
