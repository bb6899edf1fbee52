package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

func permObj(action string, scope types.String) attr.Value {
	return types.ObjectValueMust(permissionAttrTypes, map[string]attr.Value{"action": types.StringValue(action), "scope": scope})
}

func permSet(elems ...attr.Value) types.Set {
	return types.SetValueMust(permissionObjectType, elems)
}

func TestPermissionsMapping(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	server := []grafana.Permission{
		{Action: "reports:read", Scope: "reports:*"},
		{Action: "reports:create"},
		{Action: "reports:read", Scope: "reports:*"},
	}
	got := permissionsToSet(server)
	want := permSet(
		permObj("reports:create", types.StringNull()),
		permObj("reports:read", types.StringValue("reports:*")),
	)
	if !got.Equal(want) {
		t.Fatalf("permissionsToSet = %s, want %s", got, want)
	}
	back, diags := permissionsFromSet(ctx, got)
	if diags.HasError() {
		t.Fatal(diags)
	}
	if !grafana.PermissionsEqual(back, server) {
		t.Errorf("round trip = %v, want %v", back, server)
	}
	if empty := permissionsToSet(nil); empty.IsNull() || len(empty.Elements()) != 0 {
		t.Errorf("permissionsToSet(nil) = %s, want an empty set", empty)
	}
}

func TestPermissionsStateValue(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	server := []grafana.Permission{{Action: "reports:create"}, {Action: "reports:read", Scope: "reports:*"}}
	// The configuration wrote an empty scope and a duplicate: same meaning, kept as written.
	spelled := permSet(
		permObj("reports:create", types.StringValue("")),
		permObj("reports:create", types.StringNull()),
		permObj("reports:read", types.StringValue("reports:*")),
	)
	if got := permissionsStateValue(ctx, server, spelled); !got.Equal(spelled) {
		t.Errorf("same meaning: got %s, want the kept spelling", got)
	}
	// Different meaning: the server's canonical set.
	other := permSet(permObj("reports:create", types.StringNull()))
	if got := permissionsStateValue(ctx, server, other); !got.Equal(permissionsToSet(server)) {
		t.Errorf("different meaning: got %s, want the server's", got)
	}
	if got := permissionsStateValue(ctx, server, types.SetNull(permissionObjectType)); !got.Equal(permissionsToSet(server)) {
		t.Errorf("null: got %s, want the server's", got)
	}
}

func TestPermissionsSemanticEquality(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	state := permSet(permObj("a:read", types.StringNull()), permObj("b:read", types.StringValue("b:*")))
	tests := []struct {
		name     string
		plan     types.Set
		wantKeep bool
	}{
		{"empty scope and duplicate", permSet(permObj("b:read", types.StringValue("b:*")), permObj("a:read", types.StringValue("")), permObj("a:read", types.StringNull())), true},
		{"added permission", permSet(permObj("a:read", types.StringNull()), permObj("b:read", types.StringValue("b:*")), permObj("c:read", types.StringNull())), false},
		{"changed scope", permSet(permObj("a:read", types.StringNull()), permObj("b:read", types.StringValue("b:1"))), false},
		{"unknown scope", permSet(permObj("a:read", types.StringUnknown()), permObj("b:read", types.StringValue("b:*"))), false},
		{"unknown set", types.SetUnknown(permissionObjectType), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := planmodifier.SetRequest{ConfigValue: tt.plan, PlanValue: tt.plan, StateValue: state}
			resp := &planmodifier.SetResponse{PlanValue: tt.plan}
			permissionsSemanticEquality().PlanModifySet(ctx, req, resp)
			if kept := resp.PlanValue.Equal(state); kept != tt.wantKeep {
				t.Errorf("plan = %s; kept state = %t, want %t", resp.PlanValue, kept, tt.wantKeep)
			}
		})
	}
}

func TestFilterRoles(t *testing.T) {
	t.Parallel()
	roles := []grafana.Role{
		{UID: "2", Name: "fixed:reports:writer", Group: "Reports"},
		{UID: "1", Name: "fixed:reports:reader", Group: "Reports"},
		{UID: "3", Name: "basic:viewer", Group: "Basic", Hidden: true},
		{UID: "4", Name: "custom:reports:x", Group: "Reports"},
	}
	uids := func(rs []grafana.Role) string {
		s := ""
		for _, r := range rs {
			s += r.UID
		}
		return s
	}
	tests := []struct {
		name    string
		prefix  string
		group   types.String
		hidden  bool
		kind    string
		wantIDs string
	}{
		{"all visible, sorted by name", "", types.StringNull(), false, "", "412"},
		{"hidden included", "", types.StringNull(), true, "", "3412"},
		{"prefix", "fixed:reports:w", types.StringNull(), false, "", "2"},
		{"group", "", types.StringValue("Basic"), true, "", "3"},
		{"kind custom", "", types.StringNull(), true, "custom", "4"},
		{"kind basic hidden excluded", "", types.StringNull(), false, "basic", ""},
	}
	for _, tt := range tests {
		if got := uids(filterRoles(roles, tt.prefix, tt.group, tt.hidden, tt.kind)); got != tt.wantIDs {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.wantIDs)
		}
	}
}
