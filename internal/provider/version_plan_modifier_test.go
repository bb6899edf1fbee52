package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestPlanVersion(t *testing.T) {
	t.Parallel()
	// Grafana up to 12 (store what is sent) and 13 (store 1, then old+1).
	for _, g13 := range []bool{false, true} {
		tests := []struct {
			name string
			in   versionPlanInput
			want int64
			// wantErr is the version the error must ask for; 0 means no error.
			wantErr int64
			// only13/not13 limit a row to one server flavour.
			only13, not13 bool
		}{
			// Create.
			{name: "create auto", in: versionPlanInput{Create: true, ContentChanged: true, AutoIncrement: true}, want: 1},
			{name: "create manual unset", in: versionPlanInput{Create: true, ContentChanged: true}, want: 1},
			{name: "create configured", in: versionPlanInput{Create: true, ContentChanged: true, Configured: true, Config: 7}, want: 7, not13: true},
			{name: "create configured on 13", in: versionPlanInput{Create: true, ContentChanged: true, Configured: true, Config: 7}, wantErr: 1, only13: true},
			{name: "create configured 1", in: versionPlanInput{Create: true, ContentChanged: true, Configured: true, Config: 1}, want: 1},
			{name: "replace ignores prior", in: versionPlanInput{Create: true, ContentChanged: true, AutoIncrement: true, Prior: 9, ServerKnown: true, Server: 9}, want: 1},

			// Auto mode, version not configured.
			{name: "auto no change keeps", in: versionPlanInput{AutoIncrement: true, Prior: 3, ServerKnown: true, Server: 3}, want: 3},
			{name: "auto no change, server ahead, keeps", in: versionPlanInput{AutoIncrement: true, Prior: 3, ServerKnown: true, Server: 5}, want: 3},
			{name: "auto change", in: versionPlanInput{ContentChanged: true, AutoIncrement: true, Prior: 3, ServerKnown: true, Server: 3}, want: 4},
			{name: "auto change, server ahead", in: versionPlanInput{ContentChanged: true, AutoIncrement: true, Prior: 3, ServerKnown: true, Server: 6}, want: 7},
			{name: "auto change, server unknown", in: versionPlanInput{ContentChanged: true, AutoIncrement: true, Prior: 3}, want: 4},
			{name: "auto change from 0", in: versionPlanInput{ContentChanged: true, AutoIncrement: true, Prior: 0, ServerKnown: true, Server: 0}, want: 1},

			// Manual mode, version not configured.
			{name: "manual unset no change keeps", in: versionPlanInput{Prior: 3, ServerKnown: true, Server: 3}, want: 3},
			{name: "manual unset change", in: versionPlanInput{ContentChanged: true, Prior: 3, ServerKnown: true, Server: 3}, wantErr: 4},
			{name: "manual unset change, server ahead", in: versionPlanInput{ContentChanged: true, Prior: 3, ServerKnown: true, Server: 5}, wantErr: 6},

			// Configured version, either mode.
			{name: "configured same no change", in: versionPlanInput{Configured: true, Config: 3, Prior: 3, ServerKnown: true, Server: 3}, want: 3},
			{name: "configured same with change", in: versionPlanInput{ContentChanged: true, Configured: true, Config: 3, Prior: 3, ServerKnown: true, Server: 3}, wantErr: 4},
			{name: "configured +1 with change", in: versionPlanInput{ContentChanged: true, Configured: true, Config: 4, Prior: 3, ServerKnown: true, Server: 3}, want: 4},
			{name: "configured jump with change", in: versionPlanInput{ContentChanged: true, Configured: true, Config: 10, Prior: 3, ServerKnown: true, Server: 3}, want: 10, not13: true},
			{name: "configured jump with change on 13", in: versionPlanInput{ContentChanged: true, Configured: true, Config: 10, Prior: 3, ServerKnown: true, Server: 3}, wantErr: 4, only13: true},
			{name: "configured bump only", in: versionPlanInput{Configured: true, Config: 4, Prior: 3, ServerKnown: true, Server: 3}, want: 4},
			{name: "configured bump only jump", in: versionPlanInput{Configured: true, Config: 8, Prior: 3, ServerKnown: true, Server: 3}, want: 8, not13: true},
			{name: "configured bump only jump on 13", in: versionPlanInput{Configured: true, Config: 8, Prior: 3, ServerKnown: true, Server: 3}, wantErr: 4, only13: true},
			{name: "configured decrease no change", in: versionPlanInput{Configured: true, Config: 2, Prior: 3, ServerKnown: true, Server: 3}, wantErr: 3},
			{name: "configured decrease with change", in: versionPlanInput{ContentChanged: true, Configured: true, Config: 2, Prior: 3, ServerKnown: true, Server: 3}, wantErr: 4},
			{name: "configured not above server", in: versionPlanInput{ContentChanged: true, Configured: true, Config: 5, Prior: 3, ServerKnown: true, Server: 5}, wantErr: 6},
			{name: "configured above server", in: versionPlanInput{ContentChanged: true, Configured: true, Config: 6, Prior: 3, ServerKnown: true, Server: 5}, want: 6},
		}
		for _, tt := range tests {
			if (tt.only13 && !g13) || (tt.not13 && g13) {
				continue
			}
			name := tt.name
			if g13 {
				name += " (grafana 13)"
			}
			for _, auto := range []bool{false, true} {
				in := tt.in
				in.Grafana13 = g13
				// A configured version follows the same rules in both modes.
				if in.Configured || in.Create {
					in.AutoIncrement = auto
				} else if auto != in.AutoIncrement {
					continue
				}
				t.Run(fmt.Sprintf("%s, auto=%t", name, in.AutoIncrement), func(t *testing.T) {
					got, problem := planVersion(in)
					if tt.wantErr != 0 {
						if problem == nil {
							t.Fatalf("planVersion(%+v) = %d, want an error asking for %d", in, got, tt.wantErr)
						}
						if problem.Want != tt.wantErr {
							t.Errorf("error asks for %d, want %d", problem.Want, tt.wantErr)
						}
						if want := "version = "; !strings.Contains(problem.Detail, want) {
							t.Errorf("error detail %q does not name the version to set", problem.Detail)
						}
						return
					}
					if problem != nil {
						t.Fatalf("planVersion(%+v): unexpected error %s: %s", in, problem.Summary, problem.Detail)
					}
					if got != tt.want {
						t.Errorf("planVersion(%+v) = %d, want %d", in, got, tt.want)
					}
				})
			}
		}
	}
}

func TestParseGrafanaRelease(t *testing.T) {
	t.Parallel()
	tests := map[string]grafanaRelease{
		"8.5.27":              {8, 5},
		"12.3.0":              {12, 3},
		"13.0.0":              {13, 0},
		"13.1.0-pre":          {13, 1},
		"13.3":                {13, 3},
		"14":                  {14, 0},
		"13.10-beta":          {13, 10},
		"v11.0.0+security-01": {11, 0},
	}
	for in, want := range tests {
		got, err := parseGrafanaRelease(in)
		if err != nil || got != want {
			t.Errorf("parseGrafanaRelease(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "main", ".1"} {
		if _, err := parseGrafanaRelease(in); err == nil {
			t.Errorf("parseGrafanaRelease(%q): want an error", in)
		}
	}
	for _, tt := range []struct {
		r                        grafanaRelease
		numbers, checksRemovedOK bool
	}{
		{grafanaRelease{12, 3}, false, true},
		{grafanaRelease{13, 0}, true, true},
		{grafanaRelease{13, 2}, true, true},
		{grafanaRelease{13, 3}, true, false},
		{grafanaRelease{14, 0}, true, false},
	} {
		if tt.r.numbersVersions() != tt.numbers || tt.r.checksRemovedPermissions() != tt.checksRemovedOK {
			t.Errorf("%v: numbersVersions %v, checksRemovedPermissions %v", tt.r, tt.r.numbersVersions(), tt.r.checksRemovedPermissions())
		}
	}
}

// Each field Grafana versions, alone, is a change of content; the fields
// it does not version, and a reordered or respelled permission set, are not.
func TestContentChanged(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	prior := customRoleModel{
		UID: types.StringValue("r1"), OrgID: types.Int64Value(1), Name: types.StringValue("custom:a"),
		DisplayName: types.StringValue("A"), Description: types.StringValue("d"), Group: types.StringValue("g"),
		Hidden: types.BoolValue(false), Global: types.BoolValue(false), Version: types.Int64Value(3),
		AutoIncrementVersion: types.BoolValue(true), ForceDelete: types.BoolValue(false),
		Permissions: permSet(permObj("reports:read", types.StringValue("reports:*")), permObj("reports:create", types.StringNull())),
	}
	tests := map[string]struct {
		edit    func(m *customRoleModel)
		changed bool
	}{
		"nothing":      {func(*customRoleModel) {}, false},
		"name":         {func(m *customRoleModel) { m.Name = types.StringValue("custom:b") }, true},
		"display_name": {func(m *customRoleModel) { m.DisplayName = types.StringValue("B") }, true},
		"description":  {func(m *customRoleModel) { m.Description = types.StringNull() }, true},
		"group":        {func(m *customRoleModel) { m.Group = types.StringValue("h") }, true},
		"hidden":       {func(m *customRoleModel) { m.Hidden = types.BoolValue(true) }, true},
		"a permission added": {func(m *customRoleModel) {
			m.Permissions = permSet(append(m.Permissions.Elements(), permObj("reports:write", types.StringValue("reports:*")))...)
		}, true},
		"a scope changed": {func(m *customRoleModel) {
			m.Permissions = permSet(permObj("reports:read", types.StringValue("reports:id:1")), permObj("reports:create", types.StringNull()))
		}, true},
		"permissions unknown": {func(m *customRoleModel) { m.Permissions = types.SetUnknown(permissionObjectType) }, true},
		"name unknown":        {func(m *customRoleModel) { m.Name = types.StringUnknown() }, true},
		"empty scope for none": {func(m *customRoleModel) {
			m.Permissions = permSet(permObj("reports:create", types.StringValue("")), permObj("reports:read", types.StringValue("reports:*")))
		}, false},
		"version":                {func(m *customRoleModel) { m.Version = types.Int64Value(9) }, false},
		"auto_increment_version": {func(m *customRoleModel) { m.AutoIncrementVersion = types.BoolValue(false) }, false},
		"force_delete":           {func(m *customRoleModel) { m.ForceDelete = types.BoolValue(true) }, false},
	}
	for name, tt := range tests {
		plan := prior
		tt.edit(&plan)
		if got := plan.contentChanged(ctx, prior); got != tt.changed {
			t.Errorf("%s: contentChanged = %v, want %v", name, got, tt.changed)
		}
	}
}
