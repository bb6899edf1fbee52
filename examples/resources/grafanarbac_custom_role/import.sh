# A role of the provider's organization, or a global role, by uid:
terraform import grafanarbac_custom_role.report_editor custom_reports_editor

# A role of another organization: <org_id>:<uid>
terraform import grafanarbac_custom_role.report_editor 2:custom_reports_editor
