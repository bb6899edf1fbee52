package emulator

import (
	"cmp"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// acts are the action names of a generation: 9.0 renamed the *:list actions
// to *:read and the delegation scope to permissions:type:delegate.
type acts struct {
	rolesList, rolesRead, rolesWrite, rolesDelete, delegate  string
	builtinList, builtinAdd, builtinRemove                   string
	teamsRolesRead, teamsRolesAdd, teamsRolesRemove          string
	usersRolesRead, usersRolesAdd, usersRolesRemove, usersPR string
}

var (
	actsGen1 = acts{
		"roles:list", "roles:read", "roles:write", "roles:delete", "permissions:delegate",
		"roles.builtin:list", "roles.builtin:add", "roles.builtin:remove",
		"teams.roles:list", "teams.roles:add", "teams.roles:remove",
		"users.roles:list", "users.roles:add", "users.roles:remove", "users.permissions:list",
	}
	actsGen2 = acts{
		"roles:read", "roles:read", "roles:write", "roles:delete", "permissions:type:delegate",
		"", "", "",
		"teams.roles:read", "teams.roles:add", "teams.roles:remove",
		"users.roles:read", "users.roles:add", "users.roles:remove", "users.permissions:read",
	}
)

const escalateScope = "permissions:type:escalate"

func (e *Emulator) acts() *acts {
	if e.gen2() {
		return &actsGen2
	}
	return &actsGen1
}

// perms is the caller's effective permissions; e.s.mu must be held.
func (e *Emulator) perms(c *call) *permSet { return e.s.permsOf(e.grafana.gen, c.userID, c.orgID) }

// require answers 403 unless the caller holds action on scope.
func (e *Emulator) require(c *call, p *permSet, action, scope string) bool {
	if p.has(action, scope) {
		return true
	}
	c.forbidden(action)
	return false
}

// inTargetOrg moves the call to the org of ?targetOrgId= (generation 2), so
// that its permissions are checked and its data read or written there, as
// Grafana's AuthorizeInOrg evaluates the caller in the target org. There a
// non-member is resolved with no org role, so a caller who is neither a
// member nor a server admin gets 403 (global grants are not counted here:
// stricter than Grafana may be). Grafana does not check that the org exists
// before its closed-source handler; a server admin naming a missing org gets
// 404 (assumed). Generation 1 (8.5) had no targetOrgId: it is ignored there.
func (e *Emulator) inTargetOrg(c *call) bool {
	v := c.query("targetOrgId")
	if v == "" || !e.gen2() {
		return true
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		c.msg(http.StatusBadRequest, "invalid targetOrgId %q", v)
		return false
	}
	if id == c.orgID {
		return true
	}
	u := e.s.users[c.userID]
	if _, member := u.orgs[id]; !member && !u.serverAdmin {
		c.msg(http.StatusForbidden, "You'll need additional permissions to perform this action. Permissions needed: a role in organization %d", id)
		return false
	}
	if e.s.orgs[id] == nil {
		c.notFound("organization")
		return false
	}
	c.orgID = id
	return true
}

func (e *Emulator) isServerAdmin(c *call) bool {
	u := e.s.users[c.userID]
	return u != nil && u.serverAdmin
}

func canEscalate(p *permSet) bool { return p.has("roles:write", escalateScope) }

// delegates answers 403 unless the caller covers every permission of every
// role given, or may escalate.
func (e *Emulator) delegates(c *call, p *permSet, perms ...[]perm) bool {
	if canEscalate(p) {
		return true
	}
	for _, list := range perms {
		if miss := p.missing(list); len(miss) > 0 {
			c.msg(http.StatusForbidden, "Forbidden: the caller lacks permissions of the role (delegation): %s", describe(miss))
			return false
		}
	}
	return true
}

func describe(miss []perm) string {
	var b strings.Builder
	for i, m := range miss {
		if i == 3 {
			b.WriteString(", …")
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(m.Action)
		if m.Scope != "" {
			b.WriteString(" on " + m.Scope)
		}
	}
	return b.String()
}

type permDTO struct {
	Action  string `json:"action"`
	Scope   string `json:"scope"`
	Created string `json:"created,omitempty"`
	Updated string `json:"updated,omitempty"`
}

// roleFull is a role with its permissions (GET one, create, update).
type roleFull struct {
	Version     int64     `json:"version"`
	UID         string    `json:"uid"`
	Name        string    `json:"name"`
	DisplayName string    `json:"displayName,omitempty"`
	Description string    `json:"description"`
	Group       string    `json:"group"`
	Global      bool      `json:"global"`
	Hidden      bool      `json:"hidden,omitempty"`
	Permissions []permDTO `json:"permissions"`
	Created     string    `json:"created"`
	Updated     string    `json:"updated"`
}

// roleBrief is a role in a list: no permissions, hidden always present.
type roleBrief struct {
	Version     int64  `json:"version"`
	UID         string `json:"uid"`
	Name        string `json:"name"`
	DisplayName string `json:"displayName,omitempty"`
	Description string `json:"description"`
	Group       string `json:"group"`
	Global      bool   `json:"global"`
	Hidden      bool   `json:"hidden"`
	Delegatable *bool  `json:"delegatable,omitempty"`
	Created     string `json:"created"`
	Updated     string `json:"updated"`
}

func ts(t time.Time) string { return t.Format(time.RFC3339) }

func (r *role) full() roleFull {
	updated := ts(r.updated)
	out := roleFull{
		Version: r.version, UID: r.uid, Name: r.name, DisplayName: r.displayName, Description: r.description,
		Group: r.group, Global: r.orgID == 0, Hidden: r.hidden, Created: ts(r.created), Updated: updated,
		Permissions: make([]permDTO, len(r.perms)),
	}
	for i, p := range r.perms {
		out.Permissions[i] = permDTO{p.Action, p.Scope, updated, updated}
	}
	return out
}

func (r *role) brief() roleBrief {
	return roleBrief{
		Version: r.version, UID: r.uid, Name: r.name, DisplayName: r.displayName, Description: r.description,
		Group: r.group, Global: r.orgID == 0, Hidden: r.hidden, Created: ts(r.created), Updated: ts(r.updated),
	}
}

func briefs(roles []*role, includeHidden bool) []roleBrief {
	slices.SortFunc(roles, func(a, b *role) int { return cmp.Or(strings.Compare(a.name, b.name), strings.Compare(a.uid, b.uid)) })
	out := make([]roleBrief, 0, len(roles))
	for _, r := range roles {
		if r.hidden && !includeHidden {
			continue
		}
		out = append(out, r.brief())
	}
	return out
}

func (e *Emulator) listRoles(c *call) {
	s := e.s
	s.mu.RLock()
	defer s.mu.RUnlock()
	if !e.inTargetOrg(c) {
		return
	}
	p := e.perms(c)
	if !e.require(c, p, e.acts().rolesList, "roles:*") {
		return
	}
	includeHidden, delegatable := c.flag("includeHidden"), c.flag("delegatable")
	escalate := canEscalate(p)
	var roles []*role
	for _, r := range s.roles {
		if r.orgID != 0 && r.orgID != c.orgID {
			continue
		}
		if delegatable && !escalate && len(p.missing(r.perms)) > 0 {
			continue
		}
		roles = append(roles, r)
	}
	out := briefs(roles, includeHidden)
	if delegatable {
		yes := true
		for i := range out {
			out[i].Delegatable = &yes
		}
	}
	c.json(http.StatusOK, out)
}

func (e *Emulator) getRole(c *call) {
	s := e.s
	s.mu.RLock()
	defer s.mu.RUnlock()
	uid := c.param("uid")
	if !e.require(c, e.perms(c), e.acts().rolesRead, "roles:uid:"+uid) {
		return
	}
	r := s.visibleRole(uid, c.orgID)
	if r == nil {
		c.notFound("role")
		return
	}
	c.json(http.StatusOK, r.full())
}

type permBody struct {
	Action string `json:"action"`
	Scope  string `json:"scope"`
}

type roleBody struct {
	UID         string     `json:"uid"`
	Name        string     `json:"name"`
	Version     *int64     `json:"version"`
	DisplayName string     `json:"displayName"`
	Description string     `json:"description"`
	Group       string     `json:"group"`
	Global      bool       `json:"global"`
	Hidden      bool       `json:"hidden"`
	Permissions []permBody `json:"permissions"`
}

var uidPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,40}$`)

const maxNameLen = 190

var reservedPrefixes = []string{"fixed:", "basic:", "managed:"}

func reservedName(name string) bool {
	for _, p := range reservedPrefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// validPerms checks the permissions of a body: an action is required and
// a wildcard may only end a scope (Grafana's ValidateScope).
func validPerms(c *call, in []permBody) ([]perm, bool) {
	out := make([]perm, 0, len(in))
	for _, p := range in {
		if p.Action == "" {
			c.msg(http.StatusBadRequest, "permission action cannot be empty")
			return nil, false
		}
		if utf8.RuneCountInString(p.Action) > maxNameLen || utf8.RuneCountInString(p.Scope) > maxNameLen {
			c.msg(http.StatusBadRequest, "permission action and scope are limited to %d characters", maxNameLen)
			return nil, false
		}
		if !validScope(p.Scope) {
			c.msg(http.StatusBadRequest, "invalid scope %q: a wildcard may only end a scope, after a : or a /", p.Scope)
			return nil, false
		}
		out = append(out, perm(p))
	}
	return out, true
}

// validScope is Grafana's ValidateScope (pkg/services/accesscontrol): no *
// or ? before the last character, and a last * only alone or after a : or
// a /. A trailing ? passes. The empty scope (no scope) is valid.
func validScope(scope string) bool {
	if scope == "" {
		return true
	}
	prefix, last := scope[:len(scope)-1], scope[len(scope)-1]
	if last == '*' && prefix != "" && !strings.HasSuffix(prefix, ":") && !strings.HasSuffix(prefix, "/") {
		return false
	}
	return !strings.ContainsAny(prefix, "*?")
}

func validName(c *call, name string) bool {
	switch {
	case strings.TrimSpace(name) == "":
		c.msg(http.StatusBadRequest, "role name is required")
	case utf8.RuneCountInString(name) > maxNameLen: // the column holds characters
		c.msg(http.StatusBadRequest, "role name is limited to %d characters", maxNameLen)
	case reservedName(name):
		c.msg(http.StatusBadRequest, "role name %q uses a reserved prefix (fixed:, basic:, managed:)", name)
	default:
		return true
	}
	return false
}

func now() time.Time { return time.Now().UTC().Truncate(time.Second) }

func (e *Emulator) createRole(c *call) {
	var body roleBody
	if !c.decode(&body) {
		return
	}
	s := e.s
	s.mu.Lock()
	defer s.mu.Unlock()
	a := e.acts()
	p := e.perms(c)
	if !e.require(c, p, a.rolesWrite, a.delegate) {
		return
	}
	if !validName(c, body.Name) {
		return
	}
	if body.UID != "" && !uidPattern.MatchString(body.UID) {
		c.msg(http.StatusBadRequest, "invalid role uid %q: at most 40 letters, digits, '-' or '_'", body.UID)
		return
	}
	version := int64(0)
	if body.Version != nil {
		version = *body.Version
	}
	if version < 0 {
		c.msg(http.StatusBadRequest, "role version cannot be negative")
		return
	}
	if e.grafana.gen == 13 {
		version = 1
	}
	perms, ok := validPerms(c, body.Permissions)
	if !ok {
		return
	}
	orgID := c.orgID
	if body.Global {
		if !e.isServerAdmin(c) {
			c.msg(http.StatusForbidden, "only a Grafana server admin can create global roles")
			return
		}
		orgID = 0
	}
	if body.UID != "" {
		if _, taken := s.roles[body.UID]; taken {
			c.msg(http.StatusConflict, "a role with uid %q already exists", body.UID)
			return
		}
	}
	if _, taken := s.roleNames[orgID][body.Name]; taken {
		c.msg(http.StatusConflict, "a role named %q already exists in this organization", body.Name)
		return
	}
	perms = s.normalize(perms)
	if !e.delegates(c, p, perms) {
		return
	}
	uid := body.UID
	if uid == "" {
		uid = s.newRoleUID(14)
	}
	t := now()
	r := &role{
		uid: uid, name: body.Name, displayName: body.DisplayName, description: body.Description, group: body.Group,
		orgID: orgID, version: version, hidden: body.Hidden, perms: perms, created: t, updated: t,
	}
	s.addRole(r)
	status := http.StatusCreated
	if !e.gen2() {
		status = http.StatusOK
	}
	c.json(status, r.full())
}

// ownRole finds a role for update or delete: a global role only when the
// request says global, an org role only in the caller's org.
func (e *Emulator) ownRole(c *call, uid string, global bool) *role {
	r := e.s.roles[uid]
	want := c.orgID
	if global {
		want = 0
	}
	if r == nil || r.orgID != want {
		c.notFound("role")
		return nil
	}
	return r
}

func (e *Emulator) updateRole(c *call) {
	var body roleBody
	if !c.decode(&body) {
		return
	}
	s := e.s
	s.mu.Lock()
	defer s.mu.Unlock()
	a := e.acts()
	p := e.perms(c)
	if !e.require(c, p, a.rolesWrite, a.delegate) {
		return
	}
	r := e.ownRole(c, c.param("uid"), body.Global)
	if r == nil {
		return
	}
	if r.kind == kindFixed || r.kind == kindManaged {
		c.msg(http.StatusBadRequest, "role %q is read-only: fixed and managed roles cannot be updated", r.name)
		return
	}
	if r.orgID == 0 && !e.isServerAdmin(c) {
		c.msg(http.StatusForbidden, "only a Grafana server admin can update global roles")
		return
	}
	var sent int64
	if body.Version != nil {
		sent = *body.Version
	}
	if sent != 0 && sent <= r.version {
		c.msg(http.StatusBadRequest, "the role version (%d) must be greater than the stored version (%d)", sent, r.version)
		return
	}
	if r.kind == kindBasic {
		if body.Name != r.name {
			c.msg(http.StatusBadRequest, "basic roles cannot be renamed")
			return
		}
	} else if !validName(c, body.Name) {
		return
	}
	perms, ok := validPerms(c, body.Permissions)
	if !ok {
		return
	}
	if uid, taken := s.roleNames[r.orgID][body.Name]; taken && uid != r.uid {
		c.msg(http.StatusConflict, "a role named %q already exists in this organization", body.Name)
		return
	}
	perms = s.normalize(perms)
	checked := [][]perm{perms}
	if !e.grafana.since(13, 3) {
		checked = append(checked, r.perms)
	}
	if !e.delegates(c, p, checked...) {
		return
	}
	version := r.version + 1
	if sent != 0 && e.grafana.gen != 13 {
		version = sent
	}
	if body.Name != r.name {
		s.renameRole(r, body.Name)
	}
	r.version, r.displayName, r.description, r.group, r.hidden = version, body.DisplayName, body.Description, body.Group, body.Hidden
	r.perms, r.updated = perms, now()
	s.touch()
	c.json(http.StatusOK, r.full())
}

func (e *Emulator) deleteRole(c *call) {
	s := e.s
	s.mu.Lock()
	defer s.mu.Unlock()
	a := e.acts()
	p := e.perms(c)
	if !e.require(c, p, a.rolesDelete, a.delegate) {
		return
	}
	r := e.ownRole(c, c.param("uid"), c.flag("global"))
	if r == nil {
		return
	}
	switch {
	case r.kind == kindFixed || r.kind == kindManaged:
		c.msg(http.StatusBadRequest, "role %q is read-only: fixed and managed roles cannot be deleted", r.name)
		return
	case r.kind == kindBasic:
		c.msg(http.StatusBadRequest, "basic roles cannot be deleted")
		return
	case r.orgID == 0 && !e.isServerAdmin(c):
		c.msg(http.StatusForbidden, "only a Grafana server admin can delete global roles")
		return
	}
	if !e.delegates(c, p, r.perms) {
		return
	}
	if !c.flag("force") && s.isAssigned(r.uid) {
		c.msg(http.StatusBadRequest, "role %q is assigned; delete it with force=true to remove its assignments too", r.uid)
		return
	}
	s.removeRole(r)
	c.json(http.StatusOK, message{"Role deleted"})
}

func (e *Emulator) hardReset(c *call) {
	var body struct {
		BasicRoles bool `json:"BasicRoles"`
	}
	if !c.decode(&body) {
		return
	}
	s := e.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if !e.require(c, e.perms(c), "roles:write", escalateScope) {
		return
	}
	if !body.BasicRoles {
		c.msg(http.StatusBadRequest, "nothing to reset: send {\"BasicRoles\": true}")
		return
	}
	t := now()
	for _, b := range basicRoles {
		r := s.roles[b.uid]
		if r == nil {
			continue // None, before Grafana 10
		}
		r.perms = s.defaultBasicPerms(b.builtin)
		r.version++
		r.updated = t
	}
	s.touch()
	c.json(http.StatusOK, message{"Reset performed"})
}

// roleAssignmentsDTO is a role's team, user and service-account
// assignments in one org, as GET and PUT /roles/:uid/assignments carry them.
type roleAssignmentsDTO struct {
	RoleUID         string  `json:"role_uid"`
	Users           []int64 `json:"users"`
	Teams           []int64 `json:"teams"`
	ServiceAccounts []int64 `json:"service_accounts"`
}

// assignmentsOf lists who holds a role in an org. Only the org's own
// assignments count, the ones PUT replaces: a global user assignment (made
// with global=true) is no assignment of the org, and GET /users/:id/roles
// shows it.
func (s *store) assignmentsOf(uid string, orgID int64) roleAssignmentsDTO {
	out := roleAssignmentsDTO{uid, []int64{}, []int64{}, []int64{}}
	for k, set := range s.userRoles {
		if _, ok := set[uid]; !ok || k.orgID != orgID {
			continue
		}
		if u := s.users[k.id]; u != nil && u.serviceAccount {
			out.ServiceAccounts = append(out.ServiceAccounts, k.id)
		} else {
			out.Users = append(out.Users, k.id)
		}
	}
	for id, set := range s.teamRoles {
		if _, ok := set[uid]; ok && s.teams[id] != nil && s.teams[id].orgID == orgID {
			out.Teams = append(out.Teams, id)
		}
	}
	slices.Sort(out.Users)
	slices.Sort(out.Teams)
	slices.Sort(out.ServiceAccounts)
	return out
}

func (e *Emulator) roleAssignments(c *call) {
	s := e.s
	s.mu.RLock()
	defer s.mu.RUnlock()
	uid := c.param("uid")
	p := e.perms(c)
	a := e.acts()
	// The scopes are those of getRoleAssignments in grafana/grafana's
	// public/api-enterprise-spec.json (and the Go client's GetRoleAssignments):
	// users:id:* and teams:id:*, which users:* and teams:* also cover.
	if !e.require(c, p, a.rolesRead, "roles:uid:"+uid) || !e.require(c, p, a.usersRolesRead, "users:id:*") ||
		!e.require(c, p, a.teamsRolesRead, "teams:id:*") {
		return
	}
	if s.visibleRole(uid, c.orgID) == nil {
		c.notFound("role")
		return
	}
	c.json(http.StatusOK, s.assignmentsOf(uid, c.orgID))
}

// setRoleAssignments replaces a role's user, team and service-account
// assignments in the request's org (a kind left out is emptied). It needs
// what the per-item endpoints need, and, when anything changes, that the
// caller may delegate the role; nothing changes unless all of it passes.
func (e *Emulator) setRoleAssignments(c *call) {
	var body struct {
		Users           []int64 `json:"users"`
		Teams           []int64 `json:"teams"`
		ServiceAccounts []int64 `json:"service_accounts"`
	}
	if !c.decode(&body) {
		return
	}
	s := e.s
	s.mu.Lock()
	defer s.mu.Unlock()
	a := e.acts()
	p := e.perms(c)
	for _, action := range []string{a.usersRolesAdd, a.usersRolesRemove, a.teamsRolesAdd, a.teamsRolesRemove} {
		if !e.require(c, p, action, a.delegate) {
			return
		}
	}
	r := s.visibleRole(c.param("uid"), c.orgID)
	if r == nil {
		c.notFound("role")
		return
	}
	if !e.assignable(c, r) {
		return
	}
	users := map[int64]bool{}
	for _, list := range []struct {
		ids []int64
		sa  bool
	}{{body.Users, false}, {body.ServiceAccounts, true}} {
		for _, id := range list.ids {
			u := s.users[id]
			ok := u != nil && u.serviceAccount == list.sa
			if ok {
				_, ok = u.orgs[c.orgID]
			}
			if !ok {
				kind := "user"
				if list.sa {
					kind = "service account"
				}
				c.msg(http.StatusBadRequest, "unknown %s id %d in organization %d", kind, id, c.orgID)
				return
			}
			users[id] = true
		}
	}
	teams := map[int64]bool{}
	for _, id := range body.Teams {
		if t := s.teams[id]; t == nil || t.orgID != c.orgID {
			c.msg(http.StatusBadRequest, "unknown team id %d in organization %d", id, c.orgID)
			return
		}
		teams[id] = true
	}
	cur := s.assignmentsOf(r.uid, c.orgID)
	held := map[int64]bool{}
	for _, id := range slices.Concat(cur.Users, cur.ServiceAccounts) {
		held[id] = true
	}
	heldTeams := map[int64]bool{}
	for _, id := range cur.Teams {
		heldTeams[id] = true
	}
	if !maps.Equal(users, held) || !maps.Equal(teams, heldTeams) {
		if !e.delegates(c, p, r.perms) {
			return
		}
		for id := range held {
			if !users[id] {
				removeFrom(s.userRoles, assignKey{id: id, orgID: c.orgID}, r.uid)
			}
		}
		for id := range users {
			addTo(s.userRoles, assignKey{id: id, orgID: c.orgID}, r.uid)
		}
		for id := range heldTeams {
			if !teams[id] {
				removeFrom(s.teamRoles, id, r.uid)
			}
		}
		for id := range teams {
			addTo(s.teamRoles, id, r.uid)
		}
		s.touch()
	}
	c.json(http.StatusOK, s.assignmentsOf(r.uid, c.orgID))
}
