package provider

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The core of the authoritative assignment resources: exact id sets, and the
// grants a resource's last apply made or confirmed, kept in private state so
// that a destroy removes those and never a grant made outside Terraform
// since.

// appliedKey is the private-state key of the grants of the last apply.
const appliedKey = "applied"

// privateState is the part of the framework's private state the resources use.
type privateState interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// saveApplied records v (a struct of id sets) as the last apply's grants.
func saveApplied(ctx context.Context, p privateState, v any) diag.Diagnostics {
	b, err := json.Marshal(v)
	if err != nil {
		var d diag.Diagnostics
		d.AddError("Cannot record the applied grants", err.Error())
		return d
	}
	return p.SetKey(ctx, appliedKey, b)
}

// loadApplied reads what saveApplied recorded into v; found is false when
// nothing was recorded (a resource imported and not applied since).
func loadApplied(ctx context.Context, p privateState, v any) (found bool, diags diag.Diagnostics) {
	b, diags := p.GetKey(ctx, appliedKey)
	if diags.HasError() || len(b) == 0 {
		return false, diags
	}
	if err := json.Unmarshal(b, v); err != nil {
		diags.AddError("Cannot read the applied grants", "The resource's private state is damaged: "+err.Error())
		return false, diags
	}
	return true, diags
}

// idSetValues reads a set of int64 ids, sorted; nil for null or unknown.
func idSetValues(ctx context.Context, s types.Set, diags *diag.Diagnostics) []int64 {
	if s.IsNull() || s.IsUnknown() {
		return nil
	}
	var ids []int64
	diags.Append(s.ElementsAs(ctx, &ids, false)...)
	return sortedIDs(ids)
}

// idSetsKnown reports whether every set is known (no unknown element either).
func idSetsKnown(sets ...types.Set) bool {
	for _, s := range sets {
		if s.IsUnknown() {
			return false
		}
		for _, e := range s.Elements() {
			if e.IsUnknown() {
				return false
			}
		}
	}
	return true
}

// idsMinus returns the ids of a that are not in b.
func idsMinus(a, b []int64) []int64 {
	var out []int64
	for _, id := range a {
		if !slices.Contains(b, id) {
			out = append(out, id)
		}
	}
	return out
}

// emptyIDSet is the default of an id set left out of the configuration.
var emptyIDSet = types.SetValueMust(types.Int64Type, []attr.Value{})
