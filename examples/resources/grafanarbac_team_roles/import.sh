# <org_id>:<team_id>
terraform import grafanarbac_team_roles.reporting "1:7"
