package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// unchangedPlan reports whether Terraform proposes the prior state as it
// stands and org_id, the one attribute planned from the provider's own
// settings, stays as it is. ModifyPlan then has nothing to change and need
// not decode the plan, the configuration and the state into models: most
// of its cost in a large no-op plan.
func unchangedPlan(ctx context.Context, data *providerData, req resource.ModifyPlanRequest) bool {
	if data == nil || req.State.Raw.IsNull() || req.Plan.Raw.IsNull() || !req.Plan.Raw.Equal(req.State.Raw) {
		return false
	}
	var configured, org types.Int64
	global := types.BoolValue(false) // a team's assignments are never global
	if _, ok := req.Plan.Schema.GetAttributes()["global"]; ok && req.Plan.GetAttribute(ctx, path.Root("global"), &global).HasError() {
		return false
	}
	if req.Config.GetAttribute(ctx, path.Root("org_id"), &configured).HasError() || req.State.GetAttribute(ctx, path.Root("org_id"), &org).HasError() {
		return false
	}
	return plannedOrgID(configured, global, data).Equal(org)
}
