package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// Role kinds, told apart by their name prefix.
const (
	roleKindCustom  = "custom"
	roleKindFixed   = "fixed"
	roleKindBasic   = "basic"
	roleKindManaged = "managed"
)

// roleKinds are all kinds a role can be.
var roleKinds = []string{roleKindCustom, roleKindFixed, roleKindBasic, roleKindManaged}

// mdCodeList renders values as "`a`, `b` or `c`" for descriptions.
func mdCodeList(values []string) string {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = "`" + v + "`"
	}
	if len(q) < 2 {
		return strings.Join(q, "")
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}

// reservedRolePrefixes are the name prefixes Grafana keeps for its own roles.
var reservedRolePrefixes = []string{"fixed:", "basic:", "managed:"}

// roleKind returns the kind of a role from its name.
func roleKind(name string) string {
	for _, p := range reservedRolePrefixes {
		if strings.HasPrefix(name, p) {
			return strings.TrimSuffix(p, ":")
		}
	}
	return roleKindCustom
}

// reservedRoleAdvice says what to use instead of managing a Grafana-owned role.
const reservedRoleAdvice = "Grafana owns fixed, basic and managed roles; this resource cannot create, change, import or delete them. " +
	"Read one with the data source `grafanarbac_role`, grant it with `grafanarbac_builtin_role_assignment`, " +
	"`grafanarbac_team_role_assignment` or `grafanarbac_user_role_assignment`, and add or remove a default grant " +
	"with `grafanarbac_default_assignment`. For a role of your own, choose a name without these prefixes, " +
	"for example `custom:<area>:<verb>`."

// reservedRoleNameError is the detail shown when a reserved name is used.
func reservedRoleNameError(name string) string {
	return fmt.Sprintf("The role name %q starts with %q. %s", name, roleKind(name)+":", reservedRoleAdvice)
}

// customRoleName refuses names with a reserved prefix.
func customRoleName() validator.String {
	return customRoleNameValidator{}
}

type customRoleNameValidator struct{}

func (v customRoleNameValidator) Description(ctx context.Context) string {
	return v.MarkdownDescription(ctx)
}

func (customRoleNameValidator) MarkdownDescription(context.Context) string {
	return "must not start with `fixed:`, `basic:` or `managed:`"
}

func (customRoleNameValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	name := req.ConfigValue.ValueString()
	if roleKind(name) != roleKindCustom {
		resp.Diagnostics.AddAttributeError(req.Path, "Reserved role name", reservedRoleNameError(name))
	}
}
