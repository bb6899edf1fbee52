# An assignment in an organization: <org_id>:<builtin_role>:<role_uid>
terraform import grafanarbac_builtin_role_assignment.editors_create_reports "1:Editor:custom_reports_creator"

# A global assignment: global:<builtin_role>:<role_uid>
terraform import grafanarbac_builtin_role_assignment.server_admins_create_teams "global:Grafana Admin:<uid of fixed:teams:creator>"
