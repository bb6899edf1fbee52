# <org_id>:<user_id>, or global:<user_id> for the global roles
terraform import grafanarbac_user_roles.alice "1:42"
