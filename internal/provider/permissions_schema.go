package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

// Permission sets shared by every resource and data source that shows
// permissions. In state an empty scope is stored as null, so a configuration
// that omits scope matches what Grafana returns; a configuration that writes
// scope = "" is kept as written (see permissionsSemanticEquality).

const (
	permissionActionDescription = "Action, for example `reports:read`."
	permissionScopeDescription  = "Scope the action applies to, for example `reports:*`. Omitted or empty means no scope."
	// The rules of checkPermissionForms and permissionScope, for configurable sets.
	permissionActionRules = " Of the form `<resource>[.<sub>]:<verb>`, without white space (the plan checks it as the provider's `plan_checks` says)."
	permissionScopeRules  = " A `*` may only end it; without white space (checked as the provider's `plan_checks` says)."
)

// permissionAttrTypes is the object type of one permission.
var permissionAttrTypes = map[string]attr.Type{
	"action": types.StringType,
	"scope":  types.StringType,
}

// permissionObjectType is the element type of every permission set.
var permissionObjectType = types.ObjectType{AttrTypes: permissionAttrTypes}

// permissionsResourceAttribute is a configurable permission set. It defaults
// to the empty set and never diffs on order, duplicates or omitted vs empty
// scope.
func permissionsResourceAttribute(description string) rschema.SetNestedAttribute {
	return rschema.SetNestedAttribute{
		MarkdownDescription: description,
		Optional:            true,
		Computed:            true,
		Default:             setdefault.StaticValue(types.SetValueMust(permissionObjectType, nil)),
		PlanModifiers:       []planmodifier.Set{permissionsSemanticEquality()},
		NestedObject: rschema.NestedAttributeObject{
			Attributes: map[string]rschema.Attribute{
				"action": rschema.StringAttribute{
					MarkdownDescription: permissionActionDescription + permissionActionRules,
					Required:            true,
					Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
				},
				"scope": rschema.StringAttribute{
					MarkdownDescription: permissionScopeDescription + permissionScopeRules,
					Optional:            true,
					Validators:          []validator.String{permissionScope()},
				},
			},
		},
	}
}

// permissionsComputedResourceAttribute is a read-only permission set on a resource.
func permissionsComputedResourceAttribute(description string) rschema.SetNestedAttribute {
	return rschema.SetNestedAttribute{
		MarkdownDescription: description,
		Computed:            true,
		NestedObject: rschema.NestedAttributeObject{
			Attributes: map[string]rschema.Attribute{
				"action": rschema.StringAttribute{MarkdownDescription: permissionActionDescription, Computed: true},
				"scope":  rschema.StringAttribute{MarkdownDescription: permissionScopeDescription + " Null when empty.", Computed: true},
			},
		},
	}
}

// permissionsDataSourceAttribute is a read-only permission set on a data source.
func permissionsDataSourceAttribute(description string) dschema.SetNestedAttribute {
	return dschema.SetNestedAttribute{
		MarkdownDescription: description,
		Computed:            true,
		NestedObject: dschema.NestedAttributeObject{
			Attributes: map[string]dschema.Attribute{
				"action": dschema.StringAttribute{MarkdownDescription: permissionActionDescription, Computed: true},
				"scope":  dschema.StringAttribute{MarkdownDescription: permissionScopeDescription + " Null when empty.", Computed: true},
			},
		},
	}
}

// permissionsKnown reports whether the set and every value in it are known.
// It and permissionsFromSet walk the values by hand: converting them (to
// Terraform values, or into structs by reflection) was a tenth of the
// provider's CPU in a large no-op plan.
func permissionsKnown(_ context.Context, set types.Set) bool {
	if set.IsUnknown() {
		return false
	}
	for _, e := range set.Elements() {
		obj, ok := e.(types.Object)
		if !ok || obj.IsUnknown() {
			return false
		}
		for _, v := range obj.Attributes() {
			if v.IsUnknown() {
				return false
			}
		}
	}
	return true
}

// permissionsFromSet maps a permission set to client permissions; a null
// scope becomes the empty scope. The set must be known (permissionsKnown).
func permissionsFromSet(_ context.Context, set types.Set) ([]grafana.Permission, diag.Diagnostics) {
	if set.IsNull() || set.IsUnknown() {
		return nil, nil
	}
	var diags diag.Diagnostics
	elems := set.Elements()
	out := make([]grafana.Permission, 0, len(elems))
	for _, e := range elems {
		obj, ok := e.(types.Object)
		var action, scope types.String
		if ok && !obj.IsNull() {
			attrs := obj.Attributes()
			action, ok = attrs["action"].(types.String)
			if ok {
				scope, ok = attrs["scope"].(types.String)
			}
		}
		if !ok || obj.IsNull() {
			diags.AddError("Unexpected permission value",
				fmt.Sprintf("A permission is %s, not an object of action and scope. Please report this provider bug.", e))
			return nil, diags
		}
		out = append(out, grafana.Permission{Action: action.ValueString(), Scope: scope.ValueString()})
	}
	return out, diags
}

// permissionsToSet maps client permissions to their canonical set: sorted,
// without duplicates, an empty scope as null. Never null itself.
func permissionsToSet(perms []grafana.Permission) types.Set {
	norm := grafana.NormalizePermissions(perms)
	elems := make([]attr.Value, 0, len(norm))
	for _, p := range norm {
		scope := types.StringValue(p.Scope)
		if p.Scope == "" {
			scope = types.StringNull()
		}
		elems = append(elems, types.ObjectValueMust(permissionAttrTypes, map[string]attr.Value{
			"action": types.StringValue(p.Action),
			"scope":  scope,
		}))
	}
	return types.SetValueMust(permissionObjectType, elems)
}

// permissionsStateValue is the set to store for what the server holds: keep
// when it means the same permissions (so the configuration's spelling
// survives), the canonical set otherwise.
func permissionsStateValue(ctx context.Context, server []grafana.Permission, keep types.Set) types.Set {
	if !keep.IsNull() && permissionsKnown(ctx, keep) {
		kept, diags := permissionsFromSet(ctx, keep)
		if !diags.HasError() && grafana.PermissionsEqual(kept, server) {
			return keep
		}
	}
	return permissionsToSet(server)
}

// permissionsSetsEqual compares two known sets as Grafana does. Unknown or
// unreadable sets are never equal.
func permissionsSetsEqual(ctx context.Context, a, b types.Set) bool {
	if !permissionsKnown(ctx, a) || !permissionsKnown(ctx, b) {
		return false
	}
	if a.IsNull() != b.IsNull() {
		return false
	}
	pa, da := permissionsFromSet(ctx, a)
	pb, db := permissionsFromSet(ctx, b)
	if da.HasError() || db.HasError() {
		return false
	}
	return grafana.PermissionsEqual(pa, pb)
}

// permissionsSemanticEquality keeps the prior set in the plan when the
// configuration means the same permissions, so that an omitted vs empty
// scope, or a duplicate, never shows as a change.
func permissionsSemanticEquality() planmodifier.Set {
	return permissionsSemanticEqualityModifier{}
}

type permissionsSemanticEqualityModifier struct{}

func (m permissionsSemanticEqualityModifier) Description(ctx context.Context) string {
	return m.MarkdownDescription(ctx)
}

func (permissionsSemanticEqualityModifier) MarkdownDescription(context.Context) string {
	return "Permissions that mean the same as the prior state do not change the plan."
}

func (permissionsSemanticEqualityModifier) PlanModifySet(ctx context.Context, req planmodifier.SetRequest, resp *planmodifier.SetResponse) {
	if req.StateValue.IsNull() || req.ConfigValue.IsNull() || req.PlanValue.IsNull() {
		return
	}
	if permissionsSetsEqual(ctx, req.PlanValue, req.StateValue) {
		resp.PlanValue = req.StateValue
	}
}
