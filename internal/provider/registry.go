package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// Each resource, data source and function adds its constructor here (one line each).

func resourceConstructors() []func() resource.Resource {
	return []func() resource.Resource{
		NewCustomRoleResource,
		NewBuiltinRoleAssignmentResource,
		NewTeamRoleAssignmentResource,
		NewUserRoleAssignmentResource,
		NewDefaultAssignmentResource,
		NewRoleAssignmentsResource,
		NewTeamRolesResource,
		NewUserRolesResource,
	}
}

func dataSourceConstructors() []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewRoleDataSource,
		NewRolesDataSource,
		NewPermissionsDataSource,
		NewTeamDataSource,
		NewBuiltinRoleAssignmentsDataSource,
		NewUserDataSource,
		NewServiceAccountDataSource,
		NewRoleAssignmentsDataSource,
	}
}

func functionConstructors() []func() function.Function {
	return []func() function.Function{
		NewProvisioningFunction,
	}
}
