package provider

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

func TestBuiltinRoleNames(t *testing.T) {
	t.Parallel()
	gen1 := builtinRoleNames(grafana.Generation1)
	if want := []string{"Viewer", "Editor", "Admin", "Grafana Admin"}; !slices.Equal(gen1, want) {
		t.Errorf("generation 1 names = %q, want %q", gen1, want)
	}
	gen2 := builtinRoleNames(grafana.Generation2)
	if want := []string{"Viewer", "Editor", "Admin", "Grafana Admin", "None"}; !slices.Equal(gen2, want) {
		t.Errorf("generation 2 names = %q, want %q", gen2, want)
	}
	for name, uid := range map[string]string{
		"Viewer": "basic_viewer", "Editor": "basic_editor", "Admin": "basic_admin",
		"Grafana Admin": "basic_grafana_admin", "None": "basic_none", "viewer": "",
	} {
		if got := basicRoleUID(name); got != uid {
			t.Errorf("basicRoleUID(%q) = %q, want %q", name, got, uid)
		}
	}
	// The description is built from the same list as the checks.
	desc := builtinRoleNamesDescription()
	for _, name := range gen2 {
		if !strings.Contains(desc, "`"+name+"`") {
			t.Errorf("description %q does not name %q", desc, name)
		}
	}
}

func TestBuiltinRoleNameMismatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		gen  grafana.Generation
		want string // substring; "" means accepted
	}{
		{"Viewer", grafana.Generation1, ""},
		{"Grafana Admin", grafana.Generation1, ""},
		{"None", grafana.Generation2, ""},
		{"None", grafana.Generation1, "only on Grafana 9"},
		{"viewer", grafana.Generation2, `Did you mean "Viewer"?`},
		{"GrafanaAdmin", grafana.Generation2, `is not a built-in role. Use one of "Viewer", "Editor", "Admin", "Grafana Admin", "None"; the names are case-sensitive. Did you mean "Grafana Admin"? Also similar: "Admin".`},
		{"admin ", grafana.Generation1, `Did you mean "Admin"? Also similar: "Grafana Admin".`},
		{"none", grafana.Generation1, `"none" is not a built-in role. Use one of "Viewer", "Editor", "Admin", "Grafana Admin"; the names are case-sensitive.`},
		{"grafana admin", grafana.Generation1, `Did you mean "Grafana Admin"?`},
		{"", grafana.Generation2, "is not a built-in role"},
	}
	// Generation 1 has no None to suggest.
	if got := builtinRoleNameMismatch("none", grafana.Generation1); strings.Contains(got, "Did you mean") {
		t.Errorf("none on generation 1: %q", got)
	}
	for _, tt := range tests {
		got := builtinRoleNameMismatch(tt.name, tt.gen)
		if tt.want == "" && got != "" || tt.want != "" && !strings.Contains(got, tt.want) {
			t.Errorf("builtinRoleNameMismatch(%q, %d) = %q, want %q", tt.name, tt.gen, got, tt.want)
		}
	}
}

func TestBuiltinRoleNameValidator(t *testing.T) {
	t.Parallel()
	for value, wantErr := range map[string]bool{"Editor": false, "None": false, "editor": true, "Owner": true} {
		req := validator.StringRequest{Path: path.Root("builtin_role"), ConfigValue: types.StringValue(value)}
		var resp validator.StringResponse
		builtinRoleName().ValidateString(context.Background(), req, &resp)
		if resp.Diagnostics.HasError() != wantErr {
			t.Errorf("%q: error = %v, want %v", value, resp.Diagnostics, wantErr)
		}
	}
	var resp validator.StringResponse
	builtinRoleName().ValidateString(context.Background(), validator.StringRequest{ConfigValue: types.StringUnknown()}, &resp)
	if resp.Diagnostics.HasError() {
		t.Error("unknown value refused")
	}
}
