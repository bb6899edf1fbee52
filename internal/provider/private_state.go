package provider

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// privateState is the private state of a request or response.
type privateState interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// privateJSON decodes the private state entry key; ok is false when it is
// missing or unreadable (a missing entry only costs a read).
func privateJSON[T any](ctx context.Context, private privateState, key string) (v T, ok bool) {
	if private == nil {
		return v, false
	}
	found, diags := getPrivateJSON(ctx, private, key, &v)
	return v, found && !diags.HasError()
}

// getPrivateJSON decodes the private state entry key into v; found is
// false, and v as it was, when there is none. A damaged entry is an error.
func getPrivateJSON(ctx context.Context, private privateState, key string, v any) (found bool, diags diag.Diagnostics) {
	b, diags := private.GetKey(ctx, key)
	if diags.HasError() || len(b) == 0 {
		return false, diags
	}
	if err := json.Unmarshal(b, v); err != nil {
		diags.AddError("Cannot read the private state", fmt.Sprintf("The resource's private state entry %q is damaged: %s", key, err))
		return false, diags
	}
	return true, diags
}

// setPrivateJSON records v as the private state entry key.
func setPrivateJSON(ctx context.Context, private privateState, key string, v any) diag.Diagnostics {
	if private == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Cannot record the private state", fmt.Sprintf("Entry %q: %s", key, err))
		return diags
	}
	return private.SetKey(ctx, key, b)
}
