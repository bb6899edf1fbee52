package emulator

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// Grafana's ordinary objects, only as far as role assignments need them.
// Their permission checks are deliberately simple: a server admin, or an
// Admin of the request's org.

func (e *Emulator) orgAdmin(c *call) bool {
	u := e.s.users[c.userID]
	if u != nil && (u.serverAdmin || u.orgs[c.orgID] == roleAdmin) {
		return true
	}
	c.msg(http.StatusForbidden, "You'll need additional permissions to perform this action. Permissions needed: an organization Admin")
	return false
}

func (e *Emulator) serverAdmin(c *call) bool {
	if e.isServerAdmin(c) {
		return true
	}
	c.msg(http.StatusForbidden, "You'll need additional permissions to perform this action. Permissions needed: a Grafana server admin")
	return false
}

func (e *Emulator) validOrgRole(r string) bool {
	switch r {
	case roleViewer, roleEditor, roleAdmin:
		return true
	case roleNone:
		return e.grafana.since(10, 0)
	}
	return false
}

func (e *Emulator) createOrg(c *call) {
	var body struct {
		Name string `json:"name"`
	}
	if !c.decode(&body) {
		return
	}
	s := e.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if !e.serverAdmin(c) {
		return
	}
	if strings.TrimSpace(body.Name) == "" {
		c.msg(http.StatusBadRequest, "organization name is required")
		return
	}
	for _, o := range s.orgs {
		if strings.EqualFold(o.name, body.Name) {
			c.msg(http.StatusConflict, "Organization name taken")
			return
		}
	}
	o := &org{id: s.nextOrg, name: body.Name}
	s.nextOrg++
	s.orgs[o.id] = o
	s.seedManaged(o.id)
	// Grafana makes the creator an Admin of the new org.
	s.users[c.userID].orgs[o.id] = roleAdmin
	s.touch()
	c.json(http.StatusOK, map[string]any{"orgId": o.id, "message": "Organization created"})
}

// getOrg is GET /api/orgs/:orgId, for a server admin (Grafana's orgs:read
// on every org).
func (e *Emulator) getOrg(c *call) {
	id, err := strconv.ParseInt(c.param("orgId"), 10, 64)
	if err != nil {
		c.msg(http.StatusBadRequest, "orgId is invalid")
		return
	}
	s := e.s
	s.mu.RLock()
	defer s.mu.RUnlock()
	if !e.serverAdmin(c) {
		return
	}
	o, ok := s.orgs[id]
	if !ok {
		c.msg(http.StatusNotFound, "Organization not found")
		return
	}
	c.json(http.StatusOK, map[string]any{"id": o.id, "name": o.name, "address": map[string]string{}})
}

func (e *Emulator) addOrgUser(c *call) {
	var body struct {
		LoginOrEmail string `json:"loginOrEmail"`
		Role         string `json:"role"`
	}
	if !c.decode(&body) {
		return
	}
	s := e.s
	s.mu.Lock()
	defer s.mu.Unlock()
	orgID, err := strconv.ParseInt(c.param("orgId"), 10, 64)
	caller := s.users[c.userID]
	if caller == nil || err == nil && !caller.serverAdmin && caller.orgs[orgID] != roleAdmin {
		e.serverAdmin(c)
		return
	}
	if err != nil || s.orgs[orgID] == nil {
		c.notFound("organization")
		return
	}
	if !e.validOrgRole(body.Role) {
		c.msg(http.StatusBadRequest, "invalid role %q", body.Role)
		return
	}
	u := s.userByLogin(body.LoginOrEmail)
	if u == nil || u.serviceAccount {
		c.notFound("user")
		return
	}
	if _, member := u.orgs[orgID]; member {
		c.msg(http.StatusConflict, "User is already member of this organization")
		return
	}
	u.orgs[orgID] = body.Role
	s.touch()
	c.json(http.StatusOK, map[string]any{"message": "User added to organization", "userId": u.id})
}

func (e *Emulator) setOrgUserRole(c *call) {
	var body struct {
		Role string `json:"role"`
	}
	if !c.decode(&body) {
		return
	}
	s := e.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if !e.orgAdmin(c) {
		return
	}
	if !e.validOrgRole(body.Role) {
		c.msg(http.StatusBadRequest, "invalid role %q", body.Role)
		return
	}
	id, err := strconv.ParseInt(c.param("userId"), 10, 64)
	u := s.users[id]
	if err != nil || u == nil {
		c.notFound("user")
		return
	}
	if _, member := u.orgs[c.orgID]; !member {
		c.notFound("user")
		return
	}
	u.orgs[c.orgID] = body.Role
	s.touch()
	c.json(http.StatusOK, message{"Organization user updated"})
}

func (e *Emulator) createUser(c *call) {
	var body struct {
		Name     string `json:"name"`
		Login    string `json:"login"`
		Email    string `json:"email"`
		Password string `json:"password"`
		OrgID    int64  `json:"orgId"`
	}
	if !c.decode(&body) {
		return
	}
	s := e.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if !e.serverAdmin(c) {
		return
	}
	if body.Login == "" {
		body.Login = body.Email
	}
	if body.Login == "" {
		c.msg(http.StatusBadRequest, "login or email is required")
		return
	}
	if body.Password == "" {
		c.msg(http.StatusBadRequest, "password is required")
		return
	}
	orgID := body.OrgID
	if orgID == 0 {
		orgID = 1
	}
	if s.orgs[orgID] == nil {
		c.notFound("organization")
		return
	}
	if s.userByLogin(body.Login) != nil || (body.Email != "" && s.userByLogin(body.Email) != nil) {
		c.msg(http.StatusConflict, "user already exists")
		return
	}
	u := &user{
		login: body.Login, email: body.Email, name: body.Name, password: body.Password,
		orgs: map[int64]string{orgID: roleViewer}, defaultOrg: orgID,
	}
	s.addUser(u)
	c.json(http.StatusOK, map[string]any{"id": u.id, "message": "User created"})
}

func (e *Emulator) deleteUser(c *call) {
	s := e.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if !e.serverAdmin(c) {
		return
	}
	id, err := strconv.ParseInt(c.param("userId"), 10, 64)
	u := s.users[id]
	if err != nil || u == nil || u.serviceAccount {
		c.notFound("user")
		return
	}
	s.removeUser(u)
	c.json(http.StatusOK, message{"User deleted"})
}

func (e *Emulator) lookupUser(c *call) {
	s := e.s
	s.mu.RLock()
	defer s.mu.RUnlock()
	if !e.orgAdmin(c) {
		return
	}
	u := s.userByLogin(c.query("loginOrEmail"))
	if u == nil || u.serviceAccount {
		c.notFound("user")
		return
	}
	c.json(http.StatusOK, map[string]any{
		"id": u.id, "login": u.login, "email": u.email, "name": u.name, "orgId": u.defaultOrg,
		"isGrafanaAdmin": u.serverAdmin, "isDisabled": false, "isExternal": false,
		"createdAt": ts(u.created), "updatedAt": ts(u.created),
	})
}

// Teams.

func teamJSON(t *team) map[string]any {
	return map[string]any{
		"id": t.id, "orgId": t.orgID, "name": t.name, "email": t.email,
		"avatarUrl": "/avatar/" + strconv.FormatInt(t.id, 10), "memberCount": len(t.members), "permission": 0,
	}
}

func (e *Emulator) createTeam(c *call) {
	var body struct {
		Name  string `json:"name"`
		Email string `json:"email"`
	}
	if !c.decode(&body) {
		return
	}
	s := e.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if !e.orgAdmin(c) {
		return
	}
	if strings.TrimSpace(body.Name) == "" {
		c.msg(http.StatusBadRequest, "team name is required")
		return
	}
	for _, t := range s.teams {
		if t.orgID == c.orgID && strings.EqualFold(t.name, body.Name) {
			c.msg(http.StatusConflict, "Team name taken")
			return
		}
	}
	t := &team{id: s.nextTeam, orgID: c.orgID, name: body.Name, email: body.Email, members: map[int64]struct{}{}}
	s.nextTeam++
	s.teams[t.id] = t
	s.touch()
	c.json(http.StatusOK, map[string]any{"teamId": t.id, "message": "Team created"})
}

// teamReader: an org Admin reads every team of the org, others only their own.
func (e *Emulator) teamReader(c *call, t *team) bool {
	u := e.s.users[c.userID]
	if u == nil {
		return false
	}
	if u.serverAdmin || u.orgs[c.orgID] == roleAdmin {
		return true
	}
	_, member := t.members[u.id]
	return member
}

func (e *Emulator) getTeam(c *call) {
	s := e.s
	s.mu.RLock()
	defer s.mu.RUnlock()
	t := e.teamOf(c)
	if t == nil {
		return
	}
	if !e.teamReader(c, t) {
		c.forbidden("teams:read")
		return
	}
	c.json(http.StatusOK, teamJSON(t))
}

func (e *Emulator) searchTeams(c *call) {
	s := e.s
	s.mu.RLock()
	defer s.mu.RUnlock()
	name, query := c.query("name"), strings.ToLower(c.query("query"))
	var found []*team
	for _, t := range s.teams {
		if t.orgID != c.orgID || !e.teamReader(c, t) {
			continue
		}
		if name != "" && t.name != name {
			continue
		}
		if query != "" && !strings.Contains(strings.ToLower(t.name), query) {
			continue
		}
		found = append(found, t)
	}
	slices.SortFunc(found, func(a, b *team) int { return strings.Compare(a.name, b.name) })
	teams := make([]map[string]any, len(found))
	for i, t := range found {
		teams[i] = teamJSON(t)
	}
	c.json(http.StatusOK, map[string]any{"totalCount": len(teams), "teams": teams, "page": 1, "perPage": 1000})
}

func (e *Emulator) deleteTeam(c *call) {
	s := e.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if !e.orgAdmin(c) {
		return
	}
	t := e.teamOf(c)
	if t == nil {
		return
	}
	delete(s.teams, t.id)
	delete(s.teamRoles, t.id)
	s.touch()
	c.json(http.StatusOK, message{"Team deleted"})
}

func (e *Emulator) addTeamMember(c *call) {
	var body struct {
		UserID int64 `json:"userId"`
	}
	if !c.decode(&body) {
		return
	}
	s := e.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if !e.orgAdmin(c) {
		return
	}
	t := e.teamOf(c)
	if t == nil {
		return
	}
	u := s.users[body.UserID]
	if u == nil {
		c.notFound("user")
		return
	}
	if _, member := u.orgs[c.orgID]; !member {
		c.msg(http.StatusBadRequest, "user %d is not a member of organization %d", u.id, c.orgID)
		return
	}
	if _, ok := t.members[u.id]; ok {
		c.msg(http.StatusBadRequest, "User is already added to this team")
		return
	}
	t.members[u.id] = struct{}{}
	s.touch()
	c.json(http.StatusOK, message{"Member added to Team"})
}

func (e *Emulator) removeTeamMember(c *call) {
	s := e.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if !e.orgAdmin(c) {
		return
	}
	t := e.teamOf(c)
	if t == nil {
		return
	}
	id, err := strconv.ParseInt(c.param("userId"), 10, 64)
	if _, ok := t.members[id]; err != nil || !ok {
		c.notFound("team member")
		return
	}
	delete(t.members, id)
	s.touch()
	c.json(http.StatusOK, message{"Team member removed"})
}

// Service accounts (generation 2).

func slug(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

func (e *Emulator) createServiceAccount(c *call) {
	var body struct {
		Name string `json:"name"`
		Role string `json:"role"`
	}
	if !c.decode(&body) {
		return
	}
	s := e.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if !e.orgAdmin(c) {
		return
	}
	if strings.TrimSpace(body.Name) == "" {
		c.msg(http.StatusBadRequest, "service account name is required")
		return
	}
	if body.Role == "" {
		body.Role = roleViewer
	}
	if !e.validOrgRole(body.Role) {
		c.msg(http.StatusBadRequest, "invalid role %q", body.Role)
		return
	}
	login := "sa-" + strconv.FormatInt(c.orgID, 10) + "-" + slug(body.Name)
	if s.userByLogin(login) != nil {
		c.msg(http.StatusConflict, "service account already exists")
		return
	}
	u := &user{
		login: login, name: body.Name, serviceAccount: true,
		orgs: map[int64]string{c.orgID: body.Role}, defaultOrg: c.orgID, tokens: map[string]string{},
	}
	s.addUser(u)
	c.json(http.StatusCreated, map[string]any{
		"id": u.id, "name": u.name, "login": u.login, "orgId": c.orgID, "role": body.Role,
		"isDisabled": false, "tokens": 0,
	})
}

func (e *Emulator) serviceAccountOf(c *call) *user {
	id, err := strconv.ParseInt(c.param("serviceAccountId"), 10, 64)
	u := e.s.users[id]
	if err != nil || u == nil || !u.serviceAccount || u.defaultOrg != c.orgID {
		c.notFound("service account")
		return nil
	}
	return u
}

func (e *Emulator) createToken(c *call) {
	var body struct {
		Name string `json:"name"`
	}
	if !c.decode(&body) {
		return
	}
	s := e.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if !e.orgAdmin(c) {
		return
	}
	u := e.serviceAccountOf(c)
	if u == nil {
		return
	}
	if strings.TrimSpace(body.Name) == "" {
		c.msg(http.StatusBadRequest, "token name is required")
		return
	}
	if _, taken := u.tokens[body.Name]; taken {
		c.msg(http.StatusConflict, "service account token with given name already exists")
		return
	}
	key := "glsa_" + randomString(32, uidAlphabet) + "_" + randomString(8, "0123456789abcdef")
	h := hashToken(key)
	u.tokens[body.Name] = h
	s.tokens[h] = u.id
	s.nextToken++
	s.touch()
	c.json(http.StatusOK, map[string]any{"id": s.nextToken, "name": body.Name, "key": key})
}

func (e *Emulator) deleteServiceAccount(c *call) {
	s := e.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if !e.orgAdmin(c) {
		return
	}
	u := e.serviceAccountOf(c)
	if u == nil {
		return
	}
	s.removeUser(u)
	c.json(http.StatusOK, message{"Service account deleted"})
}
