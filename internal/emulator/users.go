package emulator

import (
	"crypto/md5"
	"encoding/hex"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Reads of users and orgs with Grafana's field names (UserProfileDTO,
// UserSearchHitDTO, OrgUserDTO, OrgDetailsDTO), and org deletion. Service
// accounts are not users here: the user lists and reads leave them out.

func avatarURL(key string) string {
	sum := md5.Sum([]byte(strings.ToLower(strings.TrimSpace(key))))
	return "/avatar/" + hex.EncodeToString(sum[:])
}

// userProfile is a UserProfileDTO (GET /api/user, /api/users/:id, lookup).
func (e *Emulator) userProfile(u *user) map[string]any {
	m := map[string]any{
		"id": u.id, "email": u.email, "name": u.name, "login": u.login, "theme": "", "orgId": u.defaultOrg,
		"isGrafanaAdmin": u.serverAdmin, "isDisabled": u.disabled, "isExternal": false, "isExternallySynced": false,
		"isGrafanaAdminExternallySynced": false, "authLabels": []string{}, "avatarUrl": avatarURL(u.email + u.login),
		"createdAt": ts(u.created), "updatedAt": ts(u.updated), "isProvisioned": false,
	}
	if e.gen2() {
		m["uid"] = u.uid
	}
	return m
}

// userHit is a UserSearchHitDTO (GET /api/users, /api/users/search).
func (e *Emulator) userHit(u *user) map[string]any {
	m := map[string]any{
		"id": u.id, "name": u.name, "login": u.login, "email": u.email, "avatarUrl": avatarURL(u.email + u.login),
		"isAdmin": u.serverAdmin, "isDisabled": u.disabled, "lastSeenAt": ts(u.created), "lastSeenAtAge": "",
		"authLabels": []string{}, "isProvisioned": false,
	}
	if e.gen2() {
		m["uid"] = u.uid
	}
	return m
}

// orgUser is an OrgUserDTO.
func (e *Emulator) orgUser(u *user, orgID int64) map[string]any {
	m := map[string]any{
		"orgId": orgID, "userId": u.id, "email": u.email, "name": u.name, "avatarUrl": avatarURL(u.email + u.login),
		"login": u.login, "role": u.orgs[orgID], "lastSeenAt": ts(u.created), "lastSeenAtAge": "",
		"authLabels": []string{}, "isDisabled": u.disabled, "isExternallySynced": false, "isProvisioned": false,
	}
	if e.gen2() {
		m["uid"] = u.uid
	}
	return m
}

// matches is Grafana's search: an empty query matches all, otherwise a
// case-insensitive substring of any field.
func matches(query string, fields ...string) bool {
	q := strings.ToLower(query)
	return q == "" || slices.ContainsFunc(fields, func(f string) bool { return strings.Contains(strings.ToLower(f), q) })
}

// paging reads ?page= and ?perpage= as Grafana does: page from 1, 1000 a
// page unless a positive number is given.
func paging(c *call) (page, perPage int) {
	page, _ = strconv.Atoi(c.query("page"))
	perPage, _ = strconv.Atoi(c.query("perpage"))
	return max(page, 1), positiveOr(perPage, 1000)
}

func positiveOr(n, dflt int) int {
	if n <= 0 {
		return dflt
	}
	return n
}

func pageOf[T any](items []T, page, perPage int) []T {
	from := min((page-1)*perPage, len(items))
	return items[from:min(from+perPage, len(items))]
}

// usersByLogin lists the users (not service accounts) that keep, sorted by login.
func (s *store) usersByLogin(keep func(*user) bool) []*user {
	var out []*user
	for _, u := range s.users {
		if !u.serviceAccount && keep(u) {
			out = append(out, u)
		}
	}
	slices.SortFunc(out, func(a, b *user) int { return strings.Compare(strings.ToLower(a.login), strings.ToLower(b.login)) })
	return out
}

// signedInUser is GET /api/user. Grafana reads the caller's profile, and
// its profile query leaves service accounts out: a service account gets
// 404. Later releases (here from 12.0, an assumed boundary) answer a
// service account from its identity: no numeric id, a typed uid, its org.
func (e *Emulator) signedInUser(c *call) {
	s := e.s
	s.mu.RLock()
	defer s.mu.RUnlock()
	u := s.users[c.userID]
	switch {
	case u.serviceAccount && e.grafana.since(12, 0):
		c.json(http.StatusOK, map[string]any{
			"id": 0, "uid": "service-account:" + strconv.FormatInt(u.id, 10), "login": u.login, "name": u.name,
			"email": u.email, "orgId": c.orgID, "isGrafanaAdmin": false,
		})
	case u.serviceAccount:
		c.notFound("user")
	default:
		c.json(http.StatusOK, e.userProfile(u))
	}
}

func (e *Emulator) getUser(c *call) {
	s := e.s
	s.mu.RLock()
	defer s.mu.RUnlock()
	if !e.serverAdmin(c) {
		return
	}
	id, err := strconv.ParseInt(c.param("userId"), 10, 64)
	if err != nil {
		c.msg(http.StatusBadRequest, "id is invalid")
		return
	}
	u := s.users[id]
	if u == nil || u.serviceAccount {
		c.notFound("user")
		return
	}
	c.json(http.StatusOK, e.userProfile(u))
}

func (e *Emulator) hits(c *call) (hits []map[string]any, total, page, perPage int) {
	found := e.s.usersByLogin(func(u *user) bool { return matches(c.query("query"), u.login, u.email, u.name) })
	page, perPage = paging(c)
	hits = []map[string]any{}
	for _, u := range pageOf(found, page, perPage) {
		hits = append(hits, e.userHit(u))
	}
	return hits, len(found), page, perPage
}

// listUsers is GET /api/users: one page of users, a bare list.
func (e *Emulator) listUsers(c *call) {
	s := e.s
	s.mu.RLock()
	defer s.mu.RUnlock()
	if !e.serverAdmin(c) {
		return
	}
	hits, _, _, _ := e.hits(c)
	c.json(http.StatusOK, hits)
}

func (e *Emulator) searchUsers(c *call) {
	s := e.s
	s.mu.RLock()
	defer s.mu.RUnlock()
	if !e.serverAdmin(c) {
		return
	}
	hits, total, page, perPage := e.hits(c)
	c.json(http.StatusOK, map[string]any{"totalCount": total, "users": hits, "page": page, "perPage": perPage})
}

func (e *Emulator) orgUsers(c *call, orgID int64) {
	members := e.s.usersByLogin(func(u *user) bool {
		_, member := u.orgs[orgID]
		return member && matches(c.query("query"), u.login, u.email, u.name)
	})
	out := []map[string]any{}
	for _, u := range members {
		out = append(out, e.orgUser(u, orgID))
	}
	c.json(http.StatusOK, out)
}

// listCurrentOrgUsers is GET /api/org/users, for an Admin of the org.
func (e *Emulator) listCurrentOrgUsers(c *call) {
	s := e.s
	s.mu.RLock()
	defer s.mu.RUnlock()
	if e.orgAdmin(c) {
		e.orgUsers(c, c.orgID)
	}
}

// orgParam finds the org of the path for a caller who passes allowed (a
// 403 otherwise, before telling whether the org exists).
func (e *Emulator) orgParam(c *call, allowed func(u *user, orgID int64) bool) *org {
	id, err := strconv.ParseInt(c.param("orgId"), 10, 64)
	if u := e.s.users[c.userID]; err == nil && !allowed(u, id) {
		e.serverAdmin(c)
		return nil
	}
	o := e.s.orgs[id]
	if err != nil || o == nil {
		c.notFound("organization")
		return nil
	}
	return o
}

func orgAdminOf(u *user, orgID int64) bool { return u.serverAdmin || u.orgs[orgID] == roleAdmin }

func memberOf(u *user, orgID int64) bool {
	_, member := u.orgs[orgID]
	return u.serverAdmin || member
}

// listOrgUsers is GET /api/orgs/:orgId/users: Grafana checks org.users:read
// in that org, which its Admins hold.
func (e *Emulator) listOrgUsers(c *call) {
	s := e.s
	s.mu.RLock()
	defer s.mu.RUnlock()
	if o := e.orgParam(c, orgAdminOf); o != nil {
		e.orgUsers(c, o.id)
	}
}

func orgDetails(o *org) map[string]any {
	return map[string]any{"id": o.id, "name": o.name, "address": map[string]string{
		"address1": "", "address2": "", "city": "", "zipCode": "", "state": "", "country": "",
	}}
}

// getOrg is GET /api/orgs/:orgId: Grafana checks orgs:read in that org,
// which every member holds.
func (e *Emulator) getOrg(c *call) {
	s := e.s
	s.mu.RLock()
	defer s.mu.RUnlock()
	if o := e.orgParam(c, memberOf); o != nil {
		c.json(http.StatusOK, orgDetails(o))
	}
}

// getOrgByName checks orgs:read in the global org: a server admin's.
func (e *Emulator) getOrgByName(c *call) {
	s := e.s
	s.mu.RLock()
	defer s.mu.RUnlock()
	if !e.serverAdmin(c) {
		return
	}
	for _, o := range s.orgs {
		if o.name == c.param("name") {
			c.json(http.StatusOK, orgDetails(o))
			return
		}
	}
	c.notFound("organization")
}

// deleteOrg removes an org with its roles, teams, assignments, service
// accounts and memberships. As Grafana, the caller's current org cannot go.
func (e *Emulator) deleteOrg(c *call) {
	s := e.s
	s.mu.Lock()
	defer s.mu.Unlock()
	o := e.orgParam(c, func(u *user, _ int64) bool { return u.serverAdmin })
	if o == nil {
		return
	}
	if o.id == c.orgID {
		c.msg(http.StatusBadRequest, "Can not delete org for current user")
		return
	}
	for _, r := range s.roles {
		if r.orgID == o.id {
			s.removeRole(r)
		}
	}
	delete(s.roleNames, o.id)
	for id, t := range s.teams {
		if t.orgID == o.id {
			delete(s.teams, id)
			delete(s.teamRoles, id)
		}
	}
	for _, sets := range []map[assignKey]map[string]struct{}{s.userRoles, s.builtinRoles} {
		for k := range sets {
			if k.orgID == o.id {
				delete(sets, k)
			}
		}
	}
	for _, u := range s.users {
		if _, member := u.orgs[o.id]; !member {
			continue
		}
		if u.serviceAccount {
			s.removeUser(u)
			continue
		}
		delete(u.orgs, o.id)
		if u.defaultOrg == o.id {
			u.defaultOrg = 0 // no org left: the user can no longer sign in to one
			for id := range u.orgs {
				if u.defaultOrg == 0 || id < u.defaultOrg {
					u.defaultOrg = id
				}
			}
		}
	}
	delete(s.orgs, o.id)
	s.touch()
	c.json(http.StatusOK, message{"Organization deleted"})
}
