package provider

import (
	"context"
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

// The provider's refresh setting. With refreshChanged a custom role's
// Read compares the role list's version, created and updated with what the
// last full read saw (kept in the resource's private state) and reads the
// role whole only when they moved: one list per org instead of one read per
// role. Grafana raises the version on every change through its API, UI and
// provisioning (and an update that does not is refused), so a change that
// none of the three shows was made around Grafana (its database, a scope
// migration in an upgrade); the docs say so.
const (
	envRefresh     = "GRAFANA_REFRESH"
	refreshFull    = "full"
	refreshChanged = "changed"
)

var refreshModes = []string{refreshFull, refreshChanged}

// roleStampKey names the private state entry of a custom role.
const roleStampKey = "listed"

// roleStamp is what the role list shows of a role's changes.
type roleStamp struct {
	Version int64  `json:"version"`
	Created string `json:"created"`
	Updated string `json:"updated"`
}

func stampOf(r *grafana.Role) roleStamp {
	return roleStamp{Version: r.Version, Created: r.Created, Updated: r.Updated}
}

// privateState is declared in role_assignment.go.

// rememberStamp records what a full read of role saw.
func rememberStamp(ctx context.Context, private privateState, role *grafana.Role) diag.Diagnostics {
	if private == nil {
		return nil
	}
	b, err := json.Marshal(stampOf(role))
	if err != nil {
		return nil // cannot happen: plain fields; a missing stamp only costs a read
	}
	return private.SetKey(ctx, roleStampKey, b)
}

// roleUnchanged reports whether the role list shows role uid exactly as the
// last full read saw it, so that the state may stand without reading it.
// Any doubt (no stamp, not listed, the list failing) answers false: the
// full read then decides.
func (d *providerData) roleUnchanged(ctx context.Context, client *grafana.Client, private privateState, uid string) bool {
	if d.refresh != refreshChanged || private == nil {
		return false
	}
	b, diags := private.GetKey(ctx, roleStampKey)
	if diags.HasError() || len(b) == 0 {
		return false
	}
	var seen roleStamp
	if json.Unmarshal(b, &seen) != nil {
		return false
	}
	listed, found, err := d.reads.listedRole(ctx, client, uid)
	return err == nil && found && stampOf(&listed) == seen
}
