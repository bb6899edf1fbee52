# An assignment in an organization: <org_id>:<user_id>:<role_uid>
terraform import grafanarbac_user_role_assignment.ci_reads_datasources "1:42:custom_datasources_reader"

# A global assignment: global:<user_id>:<role_uid>
terraform import grafanarbac_user_role_assignment.ci_reads_datasources "global:42:custom_datasources_reader"
