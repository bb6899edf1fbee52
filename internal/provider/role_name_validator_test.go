package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestCustomRoleNameValidator(t *testing.T) {
	t.Parallel()
	tests := map[string]bool{ // name → refused
		"custom:reports:editor":       false,
		"my role":                     false,
		"fixedish:x":                  false,
		"fixed:reports:reader":        true,
		"basic:viewer":                true,
		"managed:users:1:permissions": true,
	}
	for name, refused := range tests {
		resp := &validator.StringResponse{}
		customRoleName().ValidateString(context.Background(), validator.StringRequest{
			Path:        path.Root("name"),
			ConfigValue: types.StringValue(name),
		}, resp)
		if got := resp.Diagnostics.HasError(); got != refused {
			t.Errorf("%q: refused = %t, want %t", name, got, refused)
			continue
		}
		if refused {
			detail := resp.Diagnostics[0].Detail()
			for _, want := range []string{"grafanarbac_role", "grafanarbac_builtin_role_assignment", "grafanarbac_team_role_assignment", "grafanarbac_user_role_assignment", "grafanarbac_default_assignment"} {
				if !strings.Contains(detail, want) {
					t.Errorf("%q: detail does not mention %s: %s", name, want, detail)
				}
			}
		}
	}
	for _, v := range []types.String{types.StringNull(), types.StringUnknown()} {
		resp := &validator.StringResponse{}
		customRoleName().ValidateString(context.Background(), validator.StringRequest{Path: path.Root("name"), ConfigValue: v}, resp)
		if resp.Diagnostics.HasError() {
			t.Errorf("%s: unexpected error", v)
		}
	}
}

func TestRoleKind(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]string{
		"custom:a":        roleKindCustom,
		"fixed:a:b":       roleKindFixed,
		"basic:viewer":    roleKindBasic,
		"managed:teams:1": roleKindManaged,
		"Fixed:a":         roleKindCustom,
	} {
		if got := roleKind(name); got != want {
			t.Errorf("roleKind(%q) = %q, want %q", name, got, want)
		}
	}
}
