package provider

import (
	"context"

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

// rememberStamp records what a full read of role saw.
func rememberStamp(ctx context.Context, private privateState, role *grafana.Role) diag.Diagnostics {
	return setPrivateJSON(ctx, private, roleStampKey, stampOf(role))
}

// roleUnchanged reports whether the role list shows role uid exactly as the
// last full read saw it, so that the state may stand without reading it.
// Any doubt (no stamp, not listed, the list failing) answers false: the
// full read then decides.
func (d *providerData) roleUnchanged(ctx context.Context, client *grafana.Client, private privateState, uid string) bool {
	if d.refresh != refreshChanged {
		return false
	}
	seen, ok := privateJSON[roleStamp](ctx, private, roleStampKey)
	if !ok {
		return false
	}
	_, ok = d.listedAsSeen(ctx, client, uid, seen)
	return ok
}

// listedAsSeen is role uid as the org's role list shows it (no
// permissions), when the list shows it as seen.
func (d *providerData) listedAsSeen(ctx context.Context, client *grafana.Client, uid string, seen roleStamp) (grafana.Role, bool) {
	listed, found, err := d.reads.listedRole(ctx, client, uid)
	return listed, err == nil && found && stampOf(&listed) == seen
}

// roleContentKey names the private state entry of a built-in role
// assignment: its role as the last full read saw it. The assignment plans
// from the role's permissions, which the role list does not carry.
const roleContentKey = "role"

type roleContent struct {
	UID string `json:"uid"` // two roles made in one second may share a stamp
	roleStamp
	Permissions []grafana.Permission `json:"permissions"`
}

// rememberRole records what a full read of role saw, permissions included.
func rememberRole(ctx context.Context, private privateState, role *grafana.Role) diag.Diagnostics {
	return setPrivateJSON(ctx, private, roleContentKey, roleContent{role.UID, stampOf(role), nonNilPermissions(role.Permissions)})
}

// recallRole is custom role uid as rememberRole recorded it, when
// refresh = "changed" and the role list shows it unchanged since: what a
// full read would return. Otherwise nil, and the caller reads the role.
// Fixed roles are always read: Grafana declares them in its code, and an
// upgrade may change them without moving what the list shows.
func (d *providerData) recallRole(ctx context.Context, client *grafana.Client, private privateState, uid string) *grafana.Role {
	if d.refresh != refreshChanged {
		return nil
	}
	seen, ok := privateJSON[roleContent](ctx, private, roleContentKey)
	if !ok || seen.UID != uid {
		return nil
	}
	listed, ok := d.listedAsSeen(ctx, client, uid, seen.roleStamp)
	if !ok || roleKind(listed.Name) != roleKindCustom {
		return nil
	}
	listed.Permissions = seen.Permissions
	return &listed
}
