package emulator

import (
	"fmt"
	"slices"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/provisioning"
)

// Provision applies the access-control provisioning files of dir (*.yaml,
// *.yml, in name order) the way Grafana does at start-up and on a reload:
// every deleteRoles entry first, then the roles with their assignments, then
// removeDefaultAssignments, then addDefaultAssignments. It runs as Grafana
// itself, so no permission or delegation check applies; Grafana's own rules
// (versions, read-only roles, existing teams and orgs) do. On an error the
// entries applied before it stay applied, as in Grafana.
//
// Generation 1 keeps built-in role grants as assignments: a role's
// builtInRoles replace its grants, its teams its team assignments.
// Generation 2 has no built-in role assignments: builtInRoles and default
// grants edit the basic roles' permissions (what a grant adds is not
// recorded, so dropping an entry from a file does not take it back).
func (e *Emulator) Provision(dir string) error {
	files, err := provisioning.LoadDir(dir)
	if err != nil {
		return fmt.Errorf("provisioning: %w", err)
	}
	s := e.s
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.touch()

	if !e.gen2() {
		for _, f := range files {
			for i, r := range f.Roles {
				if len(r.From) > 0 || len(r.AbsentPermissions) > 0 {
					return fmt.Errorf("provisioning: roles[%d] %q: from and state: absent need Grafana 9 or later; this is Grafana 8", i, r.Name)
				}
			}
		}
	}
	for _, f := range files {
		for i, d := range f.DeleteRoles {
			if err := e.provisionDelete(d); err != nil {
				return fmt.Errorf("provisioning: deleteRoles[%d]: %w", i, err)
			}
		}
	}
	for _, f := range files {
		for i, r := range f.Roles {
			if err := e.provisionRole(r); err != nil {
				return fmt.Errorf("provisioning: roles[%d] %q: %w", i, r.Name, err)
			}
		}
	}
	for _, f := range files {
		for i, a := range f.RemoveDefaultAssignments {
			if err := e.provisionDefault(a, false); err != nil {
				return fmt.Errorf("provisioning: removeDefaultAssignments[%d]: %w", i, err)
			}
		}
	}
	for _, f := range files {
		for i, a := range f.AddDefaultAssignments {
			if err := e.provisionDefault(a, true); err != nil {
				return fmt.Errorf("provisioning: addDefaultAssignments[%d]: %w", i, err)
			}
		}
	}
	return nil
}

func (s *store) checkOrg(orgID int64) error {
	if orgID != 0 && s.orgs[orgID] == nil {
		return fmt.Errorf("organization %d does not exist", orgID)
	}
	return nil
}

func (e *Emulator) provisionDelete(d provisioning.DeleteRole) error {
	s := e.s
	if err := s.checkOrg(d.OrgID); err != nil {
		return err
	}
	var r *role
	if d.UID != "" {
		r = s.roles[d.UID]
	} else {
		r = s.roles[s.roleNames[d.OrgID][d.Name]]
	}
	if r == nil || r.orgID != d.OrgID {
		return nil // already gone: a reload must not fail on it
	}
	if r.kind != kindCustom {
		return fmt.Errorf("role %q belongs to Grafana and cannot be deleted", r.name)
	}
	if !d.Force && s.isAssigned(r.uid) {
		return fmt.Errorf("role %q is assigned; set force: true to delete it with its assignments", r.name)
	}
	s.removeRole(r)
	return nil
}

func toPerms(in []provisioning.Permission) []perm {
	out := make([]perm, len(in))
	for i, p := range in {
		out[i] = perm{p.Action, p.Scope}
	}
	return out
}

// permsMinus returns a − b; both sorted sets.
func permsMinus(a, b []perm) []perm {
	var out []perm
	for _, p := range a {
		if _, found := slices.BinarySearchFunc(b, p, comparePerm); !found {
			out = append(out, p)
		}
	}
	return out
}

func (e *Emulator) provisionRole(pr provisioning.Role) error {
	s := e.s
	if pr.Fixed {
		r := s.roles[s.roleNames[0][pr.Name]]
		if r == nil || r.kind != kindFixed {
			return fmt.Errorf("no fixed role has this name")
		}
		return e.provisionTeams(r, pr.Teams)
	}
	if err := s.checkOrg(pr.OrgID); err != nil {
		return err
	}
	var existing *role
	if pr.UID != "" {
		existing = s.roles[pr.UID]
		if existing != nil && existing.orgID != pr.OrgID {
			return fmt.Errorf("uid %q is taken by a role of another organization", pr.UID)
		}
	} else {
		existing = s.roles[s.roleNames[pr.OrgID][pr.Name]]
	}
	if existing != nil && existing.kind != kindCustom {
		return fmt.Errorf("role %q belongs to Grafana and cannot be changed", existing.name)
	}
	if uid, taken := s.roleNames[pr.OrgID][pr.Name]; taken && (existing == nil || uid != existing.uid) {
		return fmt.Errorf("another role (uid %q) already has this name in this organization", uid)
	}
	perms, err := e.provisionedPerms(pr)
	if err != nil {
		return err
	}

	t := now()
	apply := true
	switch {
	case existing == nil:
		version := pr.Version
		if e.grafana.gen == 13 {
			version = 1 // Grafana 13 numbers versions itself
		}
		uid := pr.UID
		if uid == "" {
			uid = s.newRoleUID(14)
		}
		existing = &role{uid: uid, name: pr.Name, description: pr.Description, orgID: pr.OrgID,
			version: version, perms: perms, created: t, updated: t}
		s.addRole(existing)
	case pr.Version > existing.version:
		version := pr.Version
		if e.grafana.gen == 13 {
			version = existing.version + 1
		}
		if pr.Name != existing.name {
			s.renameRole(existing, pr.Name)
		}
		existing.description, existing.perms, existing.version, existing.updated = pr.Description, perms, version, t
	default:
		// A role whose version was not increased is left as it is; its
		// assignments still follow the file when the version is the same.
		apply = pr.Version >= existing.version
	}
	if !apply {
		return nil
	}
	if err := e.provisionTeams(existing, pr.Teams); err != nil {
		return err
	}
	return e.provisionBuiltins(existing, pr.BuiltInRoles)
}

// provisionedPerms is the role's permission set: the permissions of the
// roles of from, plus the file's, less those with state: absent.
func (e *Emulator) provisionedPerms(pr provisioning.Role) ([]perm, error) {
	s := e.s
	all := toPerms(pr.Permissions)
	for i, ref := range pr.From {
		var src *role
		org := pr.OrgID
		if ref.Global || org == 0 {
			org = 0
		}
		if ref.UID != "" {
			src = s.roles[ref.UID]
			if src != nil && src.orgID != 0 && src.orgID != org {
				src = nil
			}
		} else {
			src = s.roles[s.roleNames[org][ref.Name]]
		}
		if src == nil {
			return nil, fmt.Errorf("from[%d]: no role %q to copy permissions from (set global: true for a global role)", i, ref.Name+ref.UID)
		}
		all = append(all, src.perms...)
	}
	return permsMinus(s.normalize(all), s.normalize(toPerms(pr.AbsentPermissions))), nil
}

// provisionTeams makes the teams listed the role's only team assignments.
func (e *Emulator) provisionTeams(r *role, teams []provisioning.Team) error {
	s := e.s
	want := map[int64]bool{}
	for _, pt := range teams {
		var found *team
		for _, t := range s.teams {
			if t.orgID == pt.OrgID && t.name == pt.Name {
				found = t
			}
		}
		if found == nil {
			return fmt.Errorf("team %q does not exist in organization %d; create it before provisioning", pt.Name, pt.OrgID)
		}
		want[found.id] = true
	}
	for id := range s.teams {
		if want[id] {
			addTo(s.teamRoles, id, r.uid)
		} else {
			removeFrom(s.teamRoles, id, r.uid)
		}
	}
	return nil
}

// provisionBuiltins grants the role to built-in roles: on generation 1 the
// list replaces the role's grants; on generation 2 the role's permissions
// are added to each basic role.
func (e *Emulator) provisionBuiltins(r *role, grants []provisioning.BuiltInRole) error {
	s := e.s
	if e.gen2() {
		for _, b := range grants {
			e.editBasic(b.Name, func(basic []perm) []perm { return s.normalize(append(slices.Clone(basic), r.perms...)) })
		}
		return nil
	}
	want := map[assignKey]bool{}
	for _, b := range grants {
		if err := s.checkOrg(b.OrgID); err != nil {
			return fmt.Errorf("built-in role %q: %w", b.Name, err)
		}
		want[assignKey{orgID: b.OrgID, name: b.Name}] = true
	}
	for k := range s.builtinRoles {
		if !want[k] {
			removeFrom(s.builtinRoles, k, r.uid)
		}
	}
	for k := range want {
		addTo(s.builtinRoles, k, r.uid)
	}
	return nil
}

// editBasic replaces a basic role's permissions and, when they change,
// raises its version by one, as one update through the API would.
func (e *Emulator) editBasic(builtin string, edit func([]perm) []perm) {
	basic := e.s.roles[basicUID(builtin)]
	next := e.s.normalize(edit(basic.perms))
	if slices.Equal(next, basic.perms) {
		return
	}
	basic.perms, basic.version, basic.updated = next, basic.version+1, now()
}

// provisionDefault removes or restores a default grant. On generation 2 a
// removal keeps the permissions that another fixed role the basic role
// holds in full also carries, so that grant stays whole.
func (e *Emulator) provisionDefault(a provisioning.DefaultAssignment, add bool) error {
	s := e.s
	fixed := s.roles[s.roleNames[0][a.FixedRole]]
	if fixed == nil || fixed.kind != kindFixed {
		return fmt.Errorf("no fixed role %q", a.FixedRole)
	}
	if !e.gen2() {
		key := assignKey{name: a.BuiltInRole}
		if add {
			addTo(s.builtinRoles, key, fixed.uid)
		} else {
			removeFrom(s.builtinRoles, key, fixed.uid)
		}
		return nil
	}
	e.editBasic(a.BuiltInRole, func(basic []perm) []perm {
		if add {
			return s.normalize(append(slices.Clone(basic), fixed.perms...))
		}
		var kept []perm
		for _, other := range s.roles {
			if other.kind == kindFixed && other != fixed && len(other.perms) > 0 && len(permsMinus(other.perms, basic)) == 0 {
				kept = append(kept, other.perms...)
			}
		}
		return permsMinus(basic, permsMinus(fixed.perms, s.normalize(kept)))
	})
	return nil
}
