package emulator

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
)

func validBuiltin(name string) bool {
	switch name {
	case roleViewer, roleEditor, roleAdmin, roleGrafanaAdmin:
		return true
	}
	return false
}

// assignable refuses what Grafana's team and user endpoints refuse. From
// 9 on, Grafana's RoleDTO.IsBasic also takes any basic_ uid for a basic
// role (pkg/services/accesscontrol/models.go).
func (e *Emulator) assignable(c *call, r *role) bool {
	if r.kind == kindBasic || r.kind == kindManaged || e.gen2() && strings.HasPrefix(r.uid, "basic_") {
		c.msg(http.StatusBadRequest, "this endpoint cannot be used to assign basic, managed or external services roles")
		return false
	}
	return true
}

func (s *store) rolesIn(sets ...map[string]struct{}) []*role {
	var out []*role
	seen := map[string]bool{}
	for _, set := range sets {
		for uid := range set {
			if r := s.roles[uid]; r != nil && !seen[uid] {
				seen[uid] = true
				out = append(out, r)
			}
		}
	}
	return out
}

// Built-in role assignments (generation 1).

func (e *Emulator) listBuiltin(c *call) {
	s := e.s
	s.mu.RLock()
	defer s.mu.RUnlock()
	if !e.require(c, e.perms(c), e.acts().builtinList, "roles:*") {
		return
	}
	includeHidden := c.flag("includeHidden")
	out := map[string][]roleBrief{}
	for _, b := range []string{roleViewer, roleEditor, roleAdmin, roleGrafanaAdmin} {
		out[b] = briefs(s.rolesIn(s.builtinRoles[assignKey{name: b}], s.builtinRoles[assignKey{orgID: c.orgID, name: b}]), includeHidden)
	}
	c.json(http.StatusOK, out)
}

// builtinTarget checks the built-in role name, the global flag and the role
// of a grant, and returns the assignment key.
func (e *Emulator) builtinTarget(c *call, builtin, uid string, global bool) (*role, assignKey, bool) {
	if !validBuiltin(builtin) {
		c.msg(http.StatusBadRequest, "unknown built-in role %q: want Viewer, Editor, Admin or Grafana Admin", builtin)
		return nil, assignKey{}, false
	}
	if builtin == roleGrafanaAdmin && !global {
		c.msg(http.StatusBadRequest, "Grafana Admin assignments are global: set global=true")
		return nil, assignKey{}, false
	}
	r := e.s.visibleRole(uid, c.orgID)
	if r == nil {
		c.notFound("role")
		return nil, assignKey{}, false
	}
	key := assignKey{orgID: c.orgID, name: builtin}
	if global {
		if !e.isServerAdmin(c) {
			c.msg(http.StatusForbidden, "only a Grafana server admin can manage global assignments")
			return nil, assignKey{}, false
		}
		if r.orgID != 0 {
			c.msg(http.StatusBadRequest, "role %q belongs to an organization and cannot be assigned globally", uid)
			return nil, assignKey{}, false
		}
		key.orgID = 0
	}
	return r, key, true
}

func (e *Emulator) addBuiltin(c *call) {
	var body struct {
		RoleUID     string `json:"roleUid"`
		BuiltinRole string `json:"builtInRole"`
		Global      bool   `json:"global"`
	}
	if !c.decode(&body) {
		return
	}
	s := e.s
	s.mu.Lock()
	defer s.mu.Unlock()
	a := e.acts()
	p := e.perms(c)
	if !e.require(c, p, a.builtinAdd, a.delegate) {
		return
	}
	r, key, ok := e.builtinTarget(c, body.BuiltinRole, body.RoleUID, body.Global)
	if !ok || !e.delegates(c, p, r.perms) {
		return
	}
	if addTo(s.builtinRoles, key, r.uid) {
		s.touch()
	}
	c.json(http.StatusOK, message{"Built-in role grant added"})
}

func (e *Emulator) removeBuiltin(c *call) {
	s := e.s
	s.mu.Lock()
	defer s.mu.Unlock()
	a := e.acts()
	p := e.perms(c)
	if !e.require(c, p, a.builtinRemove, a.delegate) {
		return
	}
	r, key, ok := e.builtinTarget(c, c.param("builtinRole"), c.param("roleUID"), c.flag("global"))
	if !ok || !e.delegates(c, p, r.perms) {
		return
	}
	if !removeFrom(s.builtinRoles, key, r.uid) {
		c.notFound("built-in role grant")
		return
	}
	s.touch()
	c.json(http.StatusOK, message{"Built-in role grant removed"})
}

// Team assignments.

func (e *Emulator) teamOf(c *call) *team {
	id, err := strconv.ParseInt(c.param("teamId"), 10, 64)
	t := e.s.teams[id]
	if err != nil || t == nil || t.orgID != c.orgID {
		c.notFound("team")
		return nil
	}
	return t
}

func (e *Emulator) listTeamRoles(c *call) {
	s := e.s
	s.mu.RLock()
	defer s.mu.RUnlock()
	if !e.inTargetOrg(c) {
		return
	}
	if !e.require(c, e.perms(c), e.acts().teamsRolesRead, "teams:id:"+c.param("teamId")) {
		return
	}
	t := e.teamOf(c)
	if t == nil {
		return
	}
	c.json(http.StatusOK, briefs(s.rolesIn(s.teamRoles[t.id]), c.flag("includeHidden")))
}

type assignBody struct {
	RoleUID string `json:"roleUid"`
	Global  bool   `json:"global"`
}

func (e *Emulator) addTeamRole(c *call) {
	var body assignBody
	if !c.decode(&body) {
		return
	}
	s := e.s
	s.mu.Lock()
	defer s.mu.Unlock()
	a := e.acts()
	p := e.perms(c)
	if !e.require(c, p, a.teamsRolesAdd, a.delegate) {
		return
	}
	t := e.teamOf(c)
	if t == nil {
		return
	}
	r := s.visibleRole(body.RoleUID, c.orgID)
	if r == nil {
		c.notFound("role")
		return
	}
	if !e.assignable(c, r) || !e.delegates(c, p, r.perms) {
		return
	}
	if addTo(s.teamRoles, t.id, r.uid) {
		s.touch()
	}
	c.json(http.StatusOK, message{"Role added to the team."})
}

type setBody struct {
	RoleUIDs      []string `json:"roleUids"`
	Global        bool     `json:"global"`
	IncludeHidden bool     `json:"includeHidden"`
}

// setRoles replaces an assignment set. Without includeHidden the hidden
// roles already there are left alone. Every role added or removed passes
// the delegation check before anything changes.
func (e *Emulator) setRoles(c *call, p *permSet, current map[string]struct{}, body setBody, orgID int64) (map[string]struct{}, bool) {
	s := e.s
	target := map[string]struct{}{}
	for _, uid := range body.RoleUIDs {
		r := s.visibleRole(uid, orgID)
		if r == nil {
			c.msg(http.StatusNotFound, "role %q not found", uid)
			return nil, false
		}
		if !e.assignable(c, r) {
			return nil, false
		}
		if orgID == 0 && r.orgID != 0 {
			c.msg(http.StatusBadRequest, "role %q belongs to an organization and cannot be assigned globally", uid)
			return nil, false
		}
		target[uid] = struct{}{}
	}
	for uid := range current {
		if r := s.roles[uid]; r != nil && r.hidden && !body.IncludeHidden {
			target[uid] = struct{}{}
		}
	}
	var changed [][]perm
	for uid := range target {
		if _, ok := current[uid]; !ok {
			changed = append(changed, s.roles[uid].perms)
		}
	}
	for uid := range current {
		if _, ok := target[uid]; !ok {
			if r := s.roles[uid]; r != nil {
				changed = append(changed, r.perms)
			}
		}
	}
	if !e.delegates(c, p, changed...) {
		return nil, false
	}
	return target, true
}

func (e *Emulator) setTeamRoles(c *call) {
	var body setBody
	if !c.decode(&body) {
		return
	}
	s := e.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if !e.inTargetOrg(c) {
		return
	}
	a := e.acts()
	p := e.perms(c)
	if !e.require(c, p, a.teamsRolesAdd, a.delegate) || !e.require(c, p, a.teamsRolesRemove, a.delegate) {
		return
	}
	t := e.teamOf(c)
	if t == nil {
		return
	}
	target, ok := e.setRoles(c, p, s.teamRoles[t.id], body, c.orgID)
	if !ok {
		return
	}
	if len(target) == 0 {
		delete(s.teamRoles, t.id)
	} else {
		s.teamRoles[t.id] = target
	}
	s.touch()
	c.json(http.StatusOK, message{"Team roles have been updated."})
}

func (e *Emulator) removeTeamRole(c *call) {
	s := e.s
	s.mu.Lock()
	defer s.mu.Unlock()
	a := e.acts()
	p := e.perms(c)
	if !e.require(c, p, a.teamsRolesRemove, a.delegate) {
		return
	}
	t := e.teamOf(c)
	if t == nil {
		return
	}
	uid := c.param("roleUID")
	r := s.visibleRole(uid, c.orgID)
	if r == nil {
		c.notFound("role")
		return
	}
	if !e.delegates(c, p, r.perms) {
		return
	}
	if !removeFrom(s.teamRoles, t.id, uid) {
		c.msg(http.StatusNotFound, "role %q is not assigned to the team", uid)
		return
	}
	s.touch()
	c.json(http.StatusOK, message{"Role removed from team."})
}

// User assignments. Service accounts are users here.

// userOf finds the user of the path; for an org assignment the user must
// belong to the request's org.
func (e *Emulator) userOf(c *call, global bool) *user {
	id, err := strconv.ParseInt(c.param("userId"), 10, 64)
	u := e.s.users[id]
	if err != nil || u == nil {
		c.notFound("user")
		return nil
	}
	if _, member := u.orgs[c.orgID]; !member && !global {
		c.msg(http.StatusNotFound, "user %d is not a member of organization %d", id, c.orgID)
		return nil
	}
	return u
}

func (e *Emulator) userKey(c *call, u *user, global bool) (assignKey, bool) {
	if !global {
		return assignKey{id: u.id, orgID: c.orgID}, true
	}
	if !e.isServerAdmin(c) {
		c.msg(http.StatusForbidden, "only a Grafana server admin can manage global assignments")
		return assignKey{}, false
	}
	return assignKey{id: u.id}, true
}

func (e *Emulator) listUserRoles(c *call) {
	s := e.s
	s.mu.RLock()
	defer s.mu.RUnlock()
	if !e.inTargetOrg(c) {
		return
	}
	if !e.require(c, e.perms(c), e.acts().usersRolesRead, "users:id:"+c.param("userId")) {
		return
	}
	u := e.userOf(c, true)
	if u == nil {
		return
	}
	c.json(http.StatusOK, briefs(s.rolesIn(s.userRoles[assignKey{id: u.id, orgID: c.orgID}], s.userRoles[assignKey{id: u.id}]), c.flag("includeHidden")))
}

func (e *Emulator) addUserRole(c *call) {
	var body assignBody
	if !c.decode(&body) {
		return
	}
	s := e.s
	s.mu.Lock()
	defer s.mu.Unlock()
	a := e.acts()
	p := e.perms(c)
	if !e.require(c, p, a.usersRolesAdd, a.delegate) {
		return
	}
	u := e.userOf(c, body.Global)
	if u == nil {
		return
	}
	key, ok := e.userKey(c, u, body.Global)
	if !ok {
		return
	}
	r := s.visibleRole(body.RoleUID, c.orgID)
	if r == nil {
		c.notFound("role")
		return
	}
	if !e.assignable(c, r) {
		return
	}
	if body.Global && r.orgID != 0 {
		c.msg(http.StatusBadRequest, "role %q belongs to an organization and cannot be assigned globally", r.uid)
		return
	}
	if !e.delegates(c, p, r.perms) {
		return
	}
	if addTo(s.userRoles, key, r.uid) {
		s.touch()
	}
	c.json(http.StatusOK, message{"Role added to the user."})
}

func (e *Emulator) setUserRoles(c *call) {
	var body setBody
	if !c.decode(&body) {
		return
	}
	s := e.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if !e.inTargetOrg(c) {
		return
	}
	a := e.acts()
	p := e.perms(c)
	if !e.require(c, p, a.usersRolesAdd, a.delegate) || !e.require(c, p, a.usersRolesRemove, a.delegate) {
		return
	}
	u := e.userOf(c, body.Global)
	if u == nil {
		return
	}
	key, ok := e.userKey(c, u, body.Global)
	if !ok {
		return
	}
	orgID := c.orgID
	if body.Global {
		orgID = 0
	}
	target, ok := e.setRoles(c, p, s.userRoles[key], body, orgID)
	if !ok {
		return
	}
	if len(target) == 0 {
		delete(s.userRoles, key)
	} else {
		s.userRoles[key] = target
	}
	s.touch()
	c.json(http.StatusOK, message{"User roles have been updated."})
}

func (e *Emulator) removeUserRole(c *call) {
	s := e.s
	s.mu.Lock()
	defer s.mu.Unlock()
	a := e.acts()
	p := e.perms(c)
	if !e.require(c, p, a.usersRolesRemove, a.delegate) {
		return
	}
	global := c.flag("global")
	u := e.userOf(c, global)
	if u == nil {
		return
	}
	key, ok := e.userKey(c, u, global)
	if !ok {
		return
	}
	uid := c.param("roleUID")
	r := s.visibleRole(uid, c.orgID)
	if r == nil {
		c.notFound("role")
		return
	}
	if !e.delegates(c, p, r.perms) {
		return
	}
	if !removeFrom(s.userRoles, key, uid) {
		c.msg(http.StatusNotFound, "role %q is not assigned to the user", uid)
		return
	}
	s.touch()
	c.json(http.StatusOK, message{"Role removed from user."})
}

// Batch reads (generation 2). Grafana checks the read action once, on
// every team (teams:id:*) or every user (users:id:*), whatever ids the body
// names (listTeamsRoles and listUsersRoles in grafana/grafana's
// public/api-enterprise-spec.json): per-id scopes are not enough.

type searchBody struct {
	TeamIDs       []int64 `json:"teamIds"`
	UserIDs       []int64 `json:"userIds"`
	OrgID         int64   `json:"orgId"`
	IncludeHidden bool    `json:"includeHidden"`
}

// searchOrg is the org a batch read looks at: the request's, or another
// one named in the body, which only a server admin may read.
func (e *Emulator) searchOrg(c *call, body searchBody) (int64, bool) {
	if body.OrgID == 0 || body.OrgID == c.orgID {
		return c.orgID, true
	}
	if !e.isServerAdmin(c) {
		c.msg(http.StatusForbidden, "only a Grafana server admin can read another organization")
		return 0, false
	}
	return body.OrgID, true
}

func (e *Emulator) searchTeamRoles(c *call) {
	var body searchBody
	if !c.decode(&body) {
		return
	}
	s := e.s
	s.mu.RLock()
	defer s.mu.RUnlock()
	if !e.require(c, e.perms(c), e.acts().teamsRolesRead, "teams:id:*") {
		return
	}
	orgID, ok := e.searchOrg(c, body)
	if !ok {
		return
	}
	out := map[string][]roleBrief{}
	for _, id := range body.TeamIDs {
		if t := s.teams[id]; t != nil && t.orgID == orgID {
			out[strconv.FormatInt(id, 10)] = briefs(s.rolesIn(s.teamRoles[id]), body.IncludeHidden)
		}
	}
	c.json(http.StatusOK, out)
}

func (e *Emulator) searchUserRoles(c *call) {
	var body searchBody
	if !c.decode(&body) {
		return
	}
	s := e.s
	s.mu.RLock()
	defer s.mu.RUnlock()
	if !e.require(c, e.perms(c), e.acts().usersRolesRead, "users:id:*") {
		return
	}
	orgID, ok := e.searchOrg(c, body)
	if !ok {
		return
	}
	out := map[string][]roleBrief{}
	for _, id := range body.UserIDs {
		if u := s.users[id]; u != nil {
			out[strconv.FormatInt(id, 10)] = briefs(s.rolesIn(s.userRoles[assignKey{id: id, orgID: orgID}], s.userRoles[assignKey{id: id}]), body.IncludeHidden)
		}
	}
	c.json(http.StatusOK, out)
}

// Permissions.

func (e *Emulator) userPermissions(c *call) {
	s := e.s
	s.mu.RLock()
	defer s.mu.RUnlock()
	if !e.require(c, e.perms(c), e.acts().usersPR, "users:id:"+c.param("userId")) {
		return
	}
	u := e.userOf(c, false)
	if u == nil {
		return
	}
	list := s.permsOf(e.grafana.gen, u.id, c.orgID).list()
	out := make([]permBody, len(list))
	for i, p := range list {
		out[i] = permBody(p)
	}
	c.json(http.StatusOK, out)
}

func (e *Emulator) ownPermissions(c *call) {
	s := e.s
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := map[string][]string{}
	for a, scopes := range e.perms(c).byAction {
		out[a] = slices.Clone(scopes)
	}
	c.json(http.StatusOK, out)
}
