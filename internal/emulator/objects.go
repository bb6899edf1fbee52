package emulator

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
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

// asOrgAdmin runs f for an org Admin under the store's lock (the write lock
// if write); anyone else gets a 403.
func (e *Emulator) asOrgAdmin(c *call, write bool, f func(s *store)) {
	s := e.s
	if write {
		s.mu.Lock()
		defer s.mu.Unlock()
	} else {
		s.mu.RLock()
		defer s.mu.RUnlock()
	}
	if e.orgAdmin(c) {
		f(s)
	}
}

// onTeam runs f on the path's team for an org Admin, under the write lock.
func (e *Emulator) onTeam(c *call, f func(s *store, t *team)) {
	e.asOrgAdmin(c, true, func(s *store) {
		if t := e.teamOf(c); t != nil {
			f(s, t)
		}
	})
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
	e.asOrgAdmin(c, true, func(s *store) {
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
	})
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
	e.asOrgAdmin(c, false, func(s *store) {
		u := s.userByLogin(c.query("loginOrEmail"))
		if u == nil || u.serviceAccount {
			c.notFound("user")
			return
		}
		c.json(http.StatusOK, e.userProfile(u))
	})
}

// Teams.

// teamJSON is a TeamDTO; generation 2 adds uid and isProvisioned.
func (e *Emulator) teamJSON(t *team) map[string]any {
	m := map[string]any{
		"id": t.id, "orgId": t.orgID, "name": t.name, "email": t.email,
		"avatarUrl": "/avatar/" + strconv.FormatInt(t.id, 10), "memberCount": len(t.members), "permission": 0,
	}
	if e.gen2() {
		m["uid"], m["isProvisioned"] = t.uid, false
	}
	return m
}

func (e *Emulator) createTeam(c *call) {
	var body struct {
		Name  string `json:"name"`
		Email string `json:"email"`
	}
	if !c.decode(&body) {
		return
	}
	e.asOrgAdmin(c, true, func(s *store) {
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
		t := s.addTeam(c.orgID, body.Name, body.Email)
		out := map[string]any{"teamId": t.id, "message": "Team created"}
		if e.gen2() {
			out["uid"] = t.uid
		}
		c.json(http.StatusOK, out)
	})
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
	c.json(http.StatusOK, e.teamJSON(t))
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
	page, perPage := paging(c)
	teams := []map[string]any{}
	for _, t := range pageOf(found, page, perPage) {
		teams = append(teams, e.teamJSON(t))
	}
	c.json(http.StatusOK, map[string]any{"totalCount": len(found), "teams": teams, "page": page, "perPage": perPage})
}

func (e *Emulator) deleteTeam(c *call) {
	e.onTeam(c, func(s *store, t *team) {
		delete(s.teams, t.id)
		delete(s.teamRoles, t.id)
		s.touch()
		c.json(http.StatusOK, message{"Team deleted"})
	})
}

func (e *Emulator) addTeamMember(c *call) {
	var body struct {
		UserID int64 `json:"userId"`
	}
	if !c.decode(&body) {
		return
	}
	e.onTeam(c, func(s *store, t *team) {
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
	})
}

func (e *Emulator) removeTeamMember(c *call) {
	e.onTeam(c, func(s *store, t *team) {
		id, err := strconv.ParseInt(c.param("userId"), 10, 64)
		if _, ok := t.members[id]; err != nil || !ok {
			c.notFound("team member")
			return
		}
		delete(t.members, id)
		s.touch()
		c.json(http.StatusOK, message{"Team member removed"})
	})
}
