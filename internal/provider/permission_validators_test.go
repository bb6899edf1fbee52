package provider

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

// The schema refuses only what Grafana's ValidateScope refuses: a * that
// does not end the scope, a ? before its last character.
func TestPermissionScopeValidator(t *testing.T) {
	t.Parallel()
	cases := []struct {
		value string
		want  string // summary of the error, "" for none
	}{
		{"", ""},
		{"*", ""},
		{"dashboards:uid:*", ""},
		{"teams:id:1?", ""},   // ValidateScope looks for wildcards before the last character only
		{"dashboards: *", ""}, // white space follows plan_checks
		{"dashboards:*:abc", "Wildcard inside a permission scope"},
		{"dashboards:uid:a?b", "Wildcard inside a permission scope"},
		{"dashboards:*?", "Wildcard inside a permission scope"},
	}
	for _, c := range cases {
		req := validator.StringRequest{Path: path.Root("scope"), ConfigValue: types.StringValue(c.value)}
		var resp validator.StringResponse
		permissionScope().ValidateString(context.Background(), req, &resp)
		got := ""
		if resp.Diagnostics.HasError() {
			got = resp.Diagnostics.Errors()[0].Summary()
			if !strings.Contains(resp.Diagnostics.Errors()[0].Detail(), strconv.Quote(c.value)) {
				t.Errorf("%q: the detail does not quote the value: %s", c.value, resp.Diagnostics.Errors()[0].Detail())
			}
		}
		if got != c.want {
			t.Errorf("permissionScope(%q) = %q, want %q", c.value, got, c.want)
		}
	}
}

// White space and the form of an action are guesses at typos, which
// Grafana stores as written: an error naming the permission and plan_checks
// by default, a warning with "warn", nothing with "off".
func TestPermissionFormsFollowPlanChecks(t *testing.T) {
	t.Parallel()
	cases := []struct {
		perm grafana.Permission
		want string // summary, "" for none
		attr string // "action" or "scope"
	}{
		{grafana.Permission{Action: "reports:read"}, "", ""},
		{grafana.Permission{Action: "org.users.role:update", Scope: "users:*"}, "", ""},
		{grafana.Permission{Action: "licensing:reports:read"}, "", ""},
		{grafana.Permission{Action: "grafana-oncall-app.schedules:read"}, "", ""},
		{grafana.Permission{Action: "reports:read "}, "White space in a permission action", "action"},
		{grafana.Permission{Action: "reports: read"}, "White space in a permission action", "action"},
		{grafana.Permission{Action: "reports"}, "Malformed permission action", "action"},
		{grafana.Permission{Action: ":read"}, "Malformed permission action", "action"},
		{grafana.Permission{Action: "reports:"}, "Malformed permission action", "action"},
		{grafana.Permission{Action: ".users:read"}, "Malformed permission action", "action"},
		{grafana.Permission{Action: "dashboards:read", Scope: "dashboards: *"}, "White space in a permission scope", "scope"},
		{grafana.Permission{Action: "teams:read", Scope: "\tteams:*"}, "White space in a permission scope", "scope"},
		{grafana.Permission{Action: "dashboards:read", Scope: "dashboards:uid:abc*"}, "Wildcard after part of a name", "scope"},
		{grafana.Permission{Action: "plugins.app:access", Scope: "plugins:id/*"}, "", ""},
		{grafana.Permission{Action: "reports:read", Scope: "*"}, "", ""},
	}
	for _, c := range cases {
		for _, mode := range []string{planChecksError, planChecksWarn, planChecksOff} {
			var diags diag.Diagnostics
			set := permissionsToSet([]grafana.Permission{c.perm})
			checkPermissionForms(checksData(t, mode, nil, false).checker(&diags), set)
			if c.want == "" || mode == planChecksOff {
				if len(diags) != 0 {
					t.Errorf("%v, %s: %v", c.perm, mode, diags)
				}
				continue
			}
			if len(diags) != 1 || diags[0].Summary() != c.want {
				t.Errorf("%v, %s: want %q, got %v", c.perm, mode, c.want, diags)
				continue
			}
			d := diags[0]
			if mode == planChecksError && (d.Severity() != diag.SeverityError || !strings.Contains(d.Detail(), `plan_checks = "warn"`)) {
				t.Errorf("%v: want an error naming plan_checks, got %s: %s", c.perm, d.Severity(), d.Detail())
			}
			if mode == planChecksWarn && d.Severity() != diag.SeverityWarning {
				t.Errorf("%v: want a warning, got %s", c.perm, d.Severity())
			}
			want := path.Root("permissions").AtSetValue(set.Elements()[0]).AtName(c.attr)
			if p := d.(diag.DiagnosticWithPath).Path(); !p.Equal(want) {
				t.Errorf("%v: path %s, want %s", c.perm, p, want)
			}
		}
	}
}

// A uid Grafana is only assumed to refuse, and a negative version, follow
// plan_checks; the error names the attribute and a value that works.
func TestRoleInputFollowsPlanChecks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	long := strings.Repeat("u", 41)
	cases := []struct {
		uid     string
		version int64 // -1: not set
		want    []string
	}{
		{uid: "ok_uid-1", version: -1},
		{uid: strings.Repeat("u", 40), version: 0},
		{uid: "my uid!", version: -1, want: []string{"Role uid Grafana may refuse", `e.g. "my_uid_"`}},
		{uid: long, version: -1, want: []string{"Role uid Grafana may refuse", "(41 characters)", strconv.Quote(long[:40])}},
		{version: -3, want: []string{"Negative version", "version = -3"}},
	}
	for _, c := range cases {
		for _, mode := range []string{planChecksError, planChecksWarn, planChecksOff} {
			data := checksData(t, mode, nil, false)
			cfg := customRoleModel{UID: types.StringNull(), Version: types.Int64Null(), Permissions: permissionsToSet(nil)}
			if c.uid != "" {
				cfg.UID = types.StringValue(c.uid)
			}
			if c.version != -1 {
				cfg.Version = types.Int64Value(c.version)
			}
			var diags diag.Diagnostics
			(&customRoleResource{data: data}).checkInput(ctx, data.checker(&diags), cfg, cfg, nil)
			if len(c.want) == 0 || mode == planChecksOff {
				if len(diags) != 0 {
					t.Errorf("%+v, %s: %v", c, mode, diags)
				}
				continue
			}
			if len(diags) != 1 || diags[0].Summary() != c.want[0] {
				t.Errorf("%+v, %s: want %q, got %v", c, mode, c.want[0], diags)
				continue
			}
			wantSeverity := map[string]diag.Severity{planChecksError: diag.SeverityError, planChecksWarn: diag.SeverityWarning}[mode]
			if diags[0].Severity() != wantSeverity {
				t.Errorf("%+v, %s: severity %s", c, mode, diags[0].Severity())
			}
			for _, s := range c.want[1:] {
				if !strings.Contains(diags[0].Detail(), s) {
					t.Errorf("%+v, %s: detail lacks %q: %s", c, mode, s, diags[0].Detail())
				}
			}
		}
	}
}
