# <org_id>:<team_id>:<role_uid>
terraform import grafanarbac_team_role_assignment.reporting "1:7:custom_reports_admin"
