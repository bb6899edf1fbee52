# <builtin_role>:<fixed_role>
terraform import grafanarbac_default_assignment.viewers_no_annotations "Viewer:fixed:annotations:reader"
