# <org_id>:<role_uid>
terraform import grafanarbac_role_assignments.report_readers "1:custom_reports_reader"
