package emulator

import (
	"cmp"
	"crypto/rand"
	"slices"
	"strings"
	"sync"
	"time"
)

// perm is one action on one scope. Both strings are interned by the store,
// so thousands of roles sharing "datasources:read" hold one copy of it.
type perm struct {
	Action string
	Scope  string
}

func comparePerm(a, b perm) int {
	return cmp.Or(strings.Compare(a.Action, b.Action), strings.Compare(a.Scope, b.Scope))
}

type roleKind uint8

const (
	kindCustom roleKind = iota
	kindFixed
	kindBasic
	kindManaged // resource permissions: read-only, never assigned
)

type role struct {
	uid, name, displayName, description, group string
	orgID                                      int64 // 0: global
	version                                    int64
	hidden                                     bool
	kind                                       roleKind
	perms                                      []perm // sorted, unique, exact capacity
	created, updated                           time.Time
}

type user struct {
	id                 int64
	uid                string
	login, email, name string
	password           string
	serverAdmin        bool
	orgs               map[int64]string // org id → org role (Viewer, Editor, Admin, None)
	defaultOrg         int64
	serviceAccount     bool
	disabled           bool                // service accounts only: its tokens stop working
	tokens             map[string]*saToken // token name → token
	created, updated   time.Time
}

type saToken struct {
	id      int64
	hash    string // sha256 of the key
	created time.Time
}

type team struct {
	id, orgID   int64
	uid         string
	name, email string
	members     map[int64]struct{}
}

// newObjectUID is a uid for a user or team, in the shape of Grafana's
// generated ones.
func newObjectUID() string { return randomString(14, "abcdefghijklmnopqrstuvwxyz0123456789") }

func (s *store) addTeam(orgID int64, name, email string) *team {
	t := &team{id: s.nextTeam, orgID: orgID, uid: newObjectUID(), name: name, email: email, members: map[int64]struct{}{}}
	s.nextTeam++
	s.teams[t.id] = t
	s.touch()
	return t
}

type org struct {
	id   int64
	name string
}

type assignKey struct {
	id    int64  // user id, or 0 for built-in roles
	orgID int64  // 0: global
	name  string // built-in role name (generation 1), "" for users
}

// store is all state. One RWMutex guards everything: writes are rare and
// small, and a single lock makes "no lost update" trivially true.
type store struct {
	mu  sync.RWMutex
	rev uint64 // bumped on every write; keys the permission cache

	roles     map[string]*role            // by uid, instance-wide
	roleNames map[int64]map[string]string // org (0 global) → name → uid
	users     map[int64]*user
	logins    map[string]int64 // lower-cased login and email → user id
	tokens    map[string]int64 // sha256 of a token key → service account id
	teams     map[int64]*team
	orgs      map[int64]*org
	nextUser  int64
	nextTeam  int64
	nextOrg   int64
	nextToken int64

	userRoles    map[assignKey]map[string]struct{} // {user, org} → role uids
	teamRoles    map[int64]map[string]struct{}     // team → role uids
	builtinRoles map[assignKey]map[string]struct{} // gen 1: {0, org, built-in} → role uids

	intern map[string]string

	cacheMu  sync.Mutex
	cacheRev uint64
	cache    map[[2]int64]*permSet
}

func newStore() *store {
	return &store{
		roles:        map[string]*role{},
		roleNames:    map[int64]map[string]string{},
		users:        map[int64]*user{},
		logins:       map[string]int64{},
		tokens:       map[string]int64{},
		teams:        map[int64]*team{},
		orgs:         map[int64]*org{},
		nextUser:     1,
		nextTeam:     1,
		nextOrg:      1,
		userRoles:    map[assignKey]map[string]struct{}{},
		teamRoles:    map[int64]map[string]struct{}{},
		builtinRoles: map[assignKey]map[string]struct{}{},
		intern:       map[string]string{},
		cache:        map[[2]int64]*permSet{},
	}
}

func (s *store) touch() { s.rev++ }

func (s *store) internStr(v string) string {
	if i, ok := s.intern[v]; ok {
		return i
	}
	s.intern[v] = v
	return v
}

// normalize makes a permission list a set: interned, sorted, without
// duplicates, with no spare capacity.
func (s *store) normalize(in []perm) []perm {
	out := make([]perm, 0, len(in))
	for _, p := range in {
		out = append(out, perm{s.internStr(p.Action), s.internStr(p.Scope)})
	}
	slices.SortFunc(out, comparePerm)
	out = slices.Compact(out)
	return slices.Clip(out)
}

func (s *store) addRole(r *role) {
	s.roles[r.uid] = r
	names := s.roleNames[r.orgID]
	if names == nil {
		names = map[string]string{}
		s.roleNames[r.orgID] = names
	}
	names[r.name] = r.uid
	s.touch()
}

func (s *store) removeRole(r *role) {
	delete(s.roles, r.uid)
	delete(s.roleNames[r.orgID], r.name)
	for _, m := range s.userRoles {
		delete(m, r.uid)
	}
	for _, m := range s.teamRoles {
		delete(m, r.uid)
	}
	for _, m := range s.builtinRoles {
		delete(m, r.uid)
	}
	s.touch()
}

func (s *store) renameRole(r *role, name string) {
	delete(s.roleNames[r.orgID], r.name)
	r.name = name
	s.roleNames[r.orgID][name] = r.uid
}

// visibleRole finds a role seen from an org: its own roles and global ones.
func (s *store) visibleRole(uid string, orgID int64) *role {
	r := s.roles[uid]
	if r == nil || (r.orgID != 0 && r.orgID != orgID) {
		return nil
	}
	return r
}

func (s *store) isAssigned(uid string) bool {
	for _, sets := range []map[assignKey]map[string]struct{}{s.userRoles, s.builtinRoles} {
		for _, m := range sets {
			if _, ok := m[uid]; ok {
				return true
			}
		}
	}
	for _, m := range s.teamRoles {
		if _, ok := m[uid]; ok {
			return true
		}
	}
	return false
}

func addTo[K comparable](m map[K]map[string]struct{}, k K, uid string) bool {
	set := m[k]
	if set == nil {
		set = map[string]struct{}{}
		m[k] = set
	}
	if _, ok := set[uid]; ok {
		return false
	}
	set[uid] = struct{}{}
	return true
}

func removeFrom[K comparable](m map[K]map[string]struct{}, k K, uid string) bool {
	set := m[k]
	if _, ok := set[uid]; !ok {
		return false
	}
	delete(set, uid)
	if len(set) == 0 {
		delete(m, k)
	}
	return true
}

func (s *store) userByLogin(loginOrEmail string) *user {
	id, ok := s.logins[strings.ToLower(loginOrEmail)]
	if !ok {
		return nil
	}
	return s.users[id]
}

func (s *store) removeUser(u *user) {
	delete(s.users, u.id)
	for k, id := range s.logins {
		if id == u.id {
			delete(s.logins, k)
		}
	}
	for k, id := range s.tokens {
		if id == u.id {
			delete(s.tokens, k)
		}
	}
	for k := range s.userRoles {
		if k.id == u.id {
			delete(s.userRoles, k)
		}
	}
	for _, t := range s.teams {
		delete(t.members, u.id)
	}
	s.touch()
}

// orgRoleChildren: what is granted to Viewer also holds for Editor and Admin.
func orgRoleChildren(r string) []string {
	switch r {
	case roleAdmin:
		return []string{roleAdmin, roleEditor, roleViewer}
	case roleEditor:
		return []string{roleEditor, roleViewer}
	case roleViewer:
		return []string{roleViewer}
	case roleNone:
		return []string{roleNone}
	}
	return nil
}

const (
	roleViewer       = "Viewer"
	roleEditor       = "Editor"
	roleAdmin        = "Admin"
	roleGrafanaAdmin = "Grafana Admin"
	roleNone         = "None"
)

// permSet is a caller's effective permissions, indexed by action.
type permSet struct {
	byAction map[string][]string // scopes sorted, unique
}

func (p *permSet) has(action, scope string) bool {
	for _, held := range p.byAction[action] {
		if covers(held, scope) {
			return true
		}
	}
	return false
}

func (p *permSet) list() []perm {
	var out []perm
	for a, scopes := range p.byAction {
		for _, sc := range scopes {
			out = append(out, perm{a, sc})
		}
	}
	slices.SortFunc(out, comparePerm)
	return out
}

// covers is Grafana's scope match: equal, "*", or a held scope ending in
// "*" whose prefix starts the wanted one; a held empty scope covers only an
// empty one. An empty wanted scope is covered by any held scope: Grafana's
// evaluator satisfies a check without a scope with the action alone
// (contract, rule 3), so a role permission without a scope needs only its
// action, held with any scope or none.
func covers(held, want string) bool {
	if want == "" || held == want || held == "*" {
		return true
	}
	if !strings.HasSuffix(held, "*") {
		return false
	}
	return strings.HasPrefix(want, held[:len(held)-1])
}

// roleUIDsOf lists the roles that make up a user's permissions in an org.
func (s *store) roleUIDsOf(gen int, u *user, orgID int64) []string {
	var uids []string
	var builtins []string
	if r, ok := u.orgs[orgID]; ok {
		builtins = orgRoleChildren(r)
	}
	if u.serverAdmin {
		builtins = append(builtins, roleGrafanaAdmin)
	}
	for _, b := range builtins {
		if gen >= 12 {
			uids = append(uids, basicUID(b))
			continue
		}
		for _, o := range []int64{0, orgID} {
			for uid := range s.builtinRoles[assignKey{orgID: o, name: b}] {
				uids = append(uids, uid)
			}
		}
	}
	for _, o := range []int64{0, orgID} {
		for uid := range s.userRoles[assignKey{id: u.id, orgID: o}] {
			uids = append(uids, uid)
		}
	}
	for _, t := range s.teams {
		if t.orgID != orgID {
			continue
		}
		if _, ok := t.members[u.id]; ok {
			for uid := range s.teamRoles[t.id] {
				uids = append(uids, uid)
			}
		}
	}
	return uids
}

// permsOf is a user's effective permissions in an org. The caller holds
// s.mu (read or write); results are cached until the next write.
func (s *store) permsOf(gen int, userID, orgID int64) *permSet {
	key := [2]int64{userID, orgID}
	s.cacheMu.Lock()
	if s.cacheRev != s.rev {
		clear(s.cache)
		s.cacheRev = s.rev
	}
	if p, ok := s.cache[key]; ok {
		s.cacheMu.Unlock()
		return p
	}
	s.cacheMu.Unlock()

	p := &permSet{byAction: map[string][]string{}}
	add := func(perms []perm) {
		for _, pm := range perms {
			p.byAction[pm.Action] = append(p.byAction[pm.Action], pm.Scope)
		}
	}
	if u := s.users[userID]; u != nil {
		for _, uid := range s.roleUIDsOf(gen, u, orgID) {
			if r := s.roles[uid]; r != nil {
				add(r.perms)
			}
		}
		if gen >= 12 && u.orgs[orgID] == roleAdmin {
			add(orgAdminRights)
		}
	}
	for a, scopes := range p.byAction {
		slices.Sort(scopes)
		p.byAction[a] = slices.Clip(slices.Compact(scopes))
	}

	s.cacheMu.Lock()
	if s.cacheRev == s.rev {
		s.cache[key] = p
	}
	s.cacheMu.Unlock()
	return p
}

// missing lists the permissions of want that p does not cover.
func (p *permSet) missing(want []perm) []perm {
	var out []perm
	for _, w := range want {
		if !p.has(w.Action, w.Scope) {
			out = append(out, w)
		}
	}
	return out
}

const uidAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

func randomString(n int, alphabet string) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

func (s *store) newRoleUID(n int) string {
	for {
		uid := randomString(n, uidAlphabet)
		if _, taken := s.roles[uid]; !taken {
			return uid
		}
	}
}
