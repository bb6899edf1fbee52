package provider

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestPermissionValidators(t *testing.T) {
	t.Parallel()
	cases := []struct {
		v     validator.String
		value string
		want  string // summary of the error, "" for none
	}{
		{permissionAction(), "reports:read", ""},
		{permissionAction(), "org.users.role:update", ""},
		{permissionAction(), "licensing:reports:read", ""},
		{permissionAction(), "grafana-oncall-app.schedules:read", ""},
		{permissionAction(), "", ""}, // LengthAtLeast's
		{permissionAction(), "reports:read ", "White space in a permission action"},
		{permissionAction(), "reports: read", "White space in a permission action"},
		{permissionAction(), "reports", "Malformed permission action"},
		{permissionAction(), ":read", "Malformed permission action"},
		{permissionAction(), "reports:", "Malformed permission action"},
		{permissionAction(), ".users:read", "Malformed permission action"},
		{permissionScope(), "", ""},
		{permissionScope(), "*", ""},
		{permissionScope(), "dashboards:uid:*", ""},
		{permissionScope(), "dashboards: *", "White space in a permission scope"},
		{permissionScope(), "\tteams:*", "White space in a permission scope"},
		{permissionScope(), "dashboards:*:abc", "Wildcard inside a permission scope"},
		{permissionScope(), "dashboards:uid:ab?", "Wildcard inside a permission scope"},
	}
	for _, c := range cases {
		req := validator.StringRequest{Path: path.Root("action"), ConfigValue: types.StringValue(c.value)}
		var resp validator.StringResponse
		c.v.ValidateString(context.Background(), req, &resp)
		got := ""
		if resp.Diagnostics.HasError() {
			got = resp.Diagnostics.Errors()[0].Summary()
			if !strings.Contains(resp.Diagnostics.Errors()[0].Detail(), strconv.Quote(c.value)) {
				t.Errorf("%q: the detail does not quote the value: %s", c.value, resp.Diagnostics.Errors()[0].Detail())
			}
		}
		if got != c.want {
			t.Errorf("%T(%q) = %q, want %q", c.v, c.value, got, c.want)
		}
	}
}
