package emulator

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// Service accounts (generation 2). Checks are the org Admin's, as Grafana
// grants fixed:serviceaccounts:writer to Admin.

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

// serviceAccountJSON is a ServiceAccountDTO; profile adds the fields of
// ServiceAccountProfileDTO (GET one, PATCH).
func (e *Emulator) serviceAccountJSON(u *user, profile bool) map[string]any {
	m := map[string]any{
		"id": u.id, "uid": u.uid, "name": u.name, "login": u.login, "orgId": u.defaultOrg, "role": u.orgs[u.defaultOrg],
		"isDisabled": u.disabled, "isExternal": false, "tokens": len(u.tokens), "avatarUrl": avatarURL(u.login),
	}
	if profile {
		teams := []string{}
		for _, t := range e.s.teams {
			if _, ok := t.members[u.id]; ok {
				teams = append(teams, t.name)
			}
		}
		slices.Sort(teams)
		m["teams"], m["createdAt"], m["updatedAt"] = teams, ts(u.created), ts(u.updated)
	}
	return m
}

func (e *Emulator) createServiceAccount(c *call) {
	var body struct {
		Name string `json:"name"`
		Role string `json:"role"`
	}
	if !c.decode(&body) {
		return
	}
	e.asOrgAdmin(c, true, func(s *store) {
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
			orgs: map[int64]string{c.orgID: body.Role}, defaultOrg: c.orgID, tokens: map[string]*saToken{},
		}
		s.addUser(u)
		c.json(http.StatusCreated, e.serviceAccountJSON(u, false))
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

// onServiceAccount runs f on the path's service account for an org Admin,
// under the store's lock (the write lock if write).
func (e *Emulator) onServiceAccount(c *call, write bool, f func(s *store, u *user)) {
	e.asOrgAdmin(c, write, func(s *store) {
		if u := e.serviceAccountOf(c); u != nil {
			f(s, u)
		}
	})
}

func (e *Emulator) getServiceAccount(c *call) {
	e.onServiceAccount(c, false, func(_ *store, u *user) {
		c.json(http.StatusOK, e.serviceAccountJSON(u, true))
	})
}

// searchServiceAccounts pages the org's service accounts by name, as
// Grafana's SearchOrgServiceAccountsResult; query matches name or login,
// disabled=true keeps the disabled ones, expiredTokens=true the ones with an
// expired token (none: tokens here do not expire).
func (e *Emulator) searchServiceAccounts(c *call) {
	e.asOrgAdmin(c, false, func(s *store) {
		var found []*user
		for _, u := range s.users {
			if u.serviceAccount && u.defaultOrg == c.orgID && matches(c.query("query"), u.name, u.login) &&
				(!c.flag("disabled") || u.disabled) && !c.flag("expiredTokens") {
				found = append(found, u)
			}
		}
		slices.SortFunc(found, func(a, b *user) int { return strings.Compare(strings.ToLower(a.name), strings.ToLower(b.name)) })
		page, perPage := paging(c)
		out := []map[string]any{}
		for _, u := range pageOf(found, page, perPage) {
			out = append(out, e.serviceAccountJSON(u, false))
		}
		c.json(http.StatusOK, map[string]any{"totalCount": len(found), "serviceAccounts": out, "page": page, "perPage": perPage})
	})
}

func (e *Emulator) updateServiceAccount(c *call) {
	var body struct {
		Name       *string `json:"name"`
		Role       *string `json:"role"`
		IsDisabled *bool   `json:"isDisabled"`
	}
	if !c.decode(&body) {
		return
	}
	e.onServiceAccount(c, true, func(s *store, u *user) {
		if body.Name != nil && strings.TrimSpace(*body.Name) == "" {
			c.msg(http.StatusBadRequest, "service account name cannot be empty")
			return
		}
		if body.Role != nil && !e.validOrgRole(*body.Role) {
			c.msg(http.StatusBadRequest, "invalid role %q", *body.Role)
			return
		}
		if body.Name != nil {
			u.name = *body.Name
		}
		if body.Role != nil {
			u.orgs[u.defaultOrg] = *body.Role
		}
		if body.IsDisabled != nil {
			u.disabled = *body.IsDisabled
		}
		u.updated = now()
		s.touch()
		c.json(http.StatusOK, map[string]any{
			"id": u.id, "name": u.name, "message": "Service account updated", "serviceaccount": e.serviceAccountJSON(u, true),
		})
	})
}

func (e *Emulator) createToken(c *call) {
	var body struct {
		Name string `json:"name"`
	}
	if !c.decode(&body) {
		return
	}
	e.onServiceAccount(c, true, func(s *store, u *user) {
		if strings.TrimSpace(body.Name) == "" {
			c.msg(http.StatusBadRequest, "token name is required")
			return
		}
		if _, taken := u.tokens[body.Name]; taken {
			c.msg(http.StatusConflict, "service account token with given name already exists")
			return
		}
		key := "glsa_" + randomString(32, uidAlphabet) + "_" + randomString(8, "0123456789abcdef")
		s.nextToken++
		tok := &saToken{id: s.nextToken, hash: hashToken(key), created: now()}
		u.tokens[body.Name] = tok
		s.tokens[tok.hash] = u.id
		s.touch()
		c.json(http.StatusOK, map[string]any{"id": tok.id, "name": body.Name, "key": key})
	})
}

func (e *Emulator) listTokens(c *call) {
	e.onServiceAccount(c, false, func(s *store, u *user) {
		names := make([]string, 0, len(u.tokens))
		for name := range u.tokens {
			names = append(names, name)
		}
		slices.SortFunc(names, func(a, b string) int { return cmp.Compare(u.tokens[a].id, u.tokens[b].id) })
		out := []map[string]any{}
		for _, name := range names {
			tok := u.tokens[name]
			out = append(out, map[string]any{
				"id": tok.id, "name": name, "created": ts(tok.created), "hasExpired": false, "isRevoked": false,
			})
		}
		c.json(http.StatusOK, out)
	})
}

func (e *Emulator) deleteToken(c *call) {
	e.onServiceAccount(c, true, func(s *store, u *user) {
		id, _ := strconv.ParseInt(c.param("tokenId"), 10, 64)
		for name, tok := range u.tokens {
			if tok.id == id {
				delete(u.tokens, name)
				delete(s.tokens, tok.hash)
				s.touch()
				c.json(http.StatusOK, message{"Service account token deleted"})
				return
			}
		}
		c.notFound("service account token")
	})
}

func (e *Emulator) deleteServiceAccount(c *call) {
	e.onServiceAccount(c, true, func(s *store, u *user) {
		s.removeUser(u)
		c.json(http.StatusOK, message{"Service account deleted"})
	})
}
