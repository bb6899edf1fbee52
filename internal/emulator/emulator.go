// Package emulator is an in-memory HTTP server that behaves like Grafana's
// access-control (RBAC) API, generation 1 (Grafana 8.5) or 2 (Grafana 9+),
// as described in /work/shared/grafana-access-control.md. It is never more
// lenient than Grafana: tests of the provider run against it.
package emulator

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Config configures an Emulator.
type Config struct {
	Generation      int    // 8 → API generation 1; 12 (default) → generation 2; 13 → generation 2 with Grafana 13's version rule
	AdminLogin      string // default "admin"
	AdminPassword   string // default "admin"
	Faults          Faults
	ProvisioningDir string // optional: apply the access-control provisioning files of this directory at start (see Provision)

	// Version is the Grafana version reported on /api/health, whose API the
	// emulator follows where it changed within a generation: 9.2 added
	// /roles/:uid/assignments, 10.0 the basic role None, 12.0 answers GET
	// /api/user of a service account from its identity (404 before), and
	// from 13.3 the permissions a role update removes are no longer
	// delegation-checked.
	// Empty means the generation's default: 8.5.27, 12.3.0 or 13.0.0. It
	// must fit Generation (8 → 8.5.x, 12 → 9 to 12, 13 → 13 and later).
	Version string

	// Teams are created in org 1 at start, before provisioning, as a Grafana
	// restarted with provisioning files already has the teams they name.
	Teams []string

	// AdminRoles names fixed roles assigned globally to the admin user at
	// start, as a provisioning file could, e.g. "fixed:roles:resetter":
	// through the API nobody may grant what nobody holds. Unknown names panic.
	AdminRoles []string
}

// Faults injects failures into /api/access-control requests.
type Faults struct {
	ErrorRate   float64       // fraction of /api/access-control requests answered 500
	TooManyRate float64       // fraction answered 429 with Retry-After
	RetryAfter  time.Duration // value of Retry-After (rounded up to whole seconds; 0 sends "0")
	Latency     time.Duration // added to every faulted-route request
	Seed        int64         // deterministic choice of which requests fail

	// LostAnswerRate is the fraction of requests carried out and then
	// answered 500, as when a proxy gives up after Grafana committed: the
	// change is made, the client cannot know it.
	LostAnswerRate float64
}

// Emulator is an http.Handler serving Grafana's access-control API.
type Emulator struct {
	grafana grafanaOf // generation and release
	s       *store

	faultMu sync.Mutex
	faults  Faults
	rng     *rand.Rand

	statsMu sync.Mutex
	stats   map[string]int64
}

// New builds an emulator with a fresh Grafana: org 1 "Main Org.", the admin
// user (server admin, Admin of org 1), the fixed-role catalog, cfg.Teams,
// and what cfg.ProvisioningDir provisions. It panics when provisioning fails;
// NewServer returns that error instead.
func New(cfg Config) *Emulator {
	e := newUnprovisioned(cfg)
	if cfg.ProvisioningDir != "" {
		// Like a Grafana whose provisioning fails, the emulator does not start.
		if err := e.Provision(cfg.ProvisioningDir); err != nil {
			panic(fmt.Sprintf("emulator: %v", err))
		}
	}
	return e
}

func newUnprovisioned(cfg Config) *Emulator {
	g, err := cfg.grafana()
	if err != nil {
		panic("emulator: " + err.Error())
	}
	login, password := cfg.AdminLogin, cfg.AdminPassword
	if login == "" {
		login = "admin"
	}
	if password == "" {
		password = "admin"
	}
	e := &Emulator{grafana: g, s: newStore(), stats: map[string]int64{}}
	e.SetFaults(cfg.Faults)

	s := e.s
	s.orgs[1] = &org{id: 1, name: "Main Org."}
	s.nextOrg = 2
	s.addUser(&user{
		login: login, email: "admin@localhost", name: "admin", password: password,
		serverAdmin: true, orgs: map[int64]string{1: roleAdmin}, defaultOrg: 1,
	})
	s.seedCatalog(g.gen, g.since(10, 0))
	s.seedManaged(1)
	for _, name := range cfg.AdminRoles {
		uid, ok := s.roleNames[0][name]
		if !ok || s.roles[uid].kind != kindFixed {
			panic(fmt.Sprintf("emulator: AdminRoles: no fixed role %q", name))
		}
		addTo(s.userRoles, assignKey{id: 1}, uid)
	}
	for _, name := range cfg.Teams {
		s.addTeam(1, name, "")
	}
	return e
}

// grafanaOf is what Config says of the emulated Grafana.
type grafanaOf struct {
	gen          int
	version      string
	major, minor int
}

// since reports whether the emulated Grafana is major.minor or later.
func (g grafanaOf) since(major, minor int) bool {
	return g.major > major || g.major == major && g.minor >= minor
}

func (cfg Config) grafana() (grafanaOf, error) {
	g := grafanaOf{gen: cfg.Generation, version: cfg.Version}
	switch g.gen {
	case 8, 12, 13:
	case 0:
		g.gen = 12
	default:
		return g, fmt.Errorf("unsupported generation %d (want 8, 12 or 13)", g.gen)
	}
	if g.version == "" {
		g.version = map[int]string{8: "8.5.27", 12: "12.3.0", 13: "13.0.0"}[g.gen]
	}
	parts := strings.SplitN(g.version, ".", 3)
	ok := len(parts) == 3
	if ok {
		var err1, err2 error
		g.major, err1 = strconv.Atoi(parts[0])
		g.minor, err2 = strconv.Atoi(parts[1])
		ok = err1 == nil && err2 == nil
	}
	// Generation 1 is emulated as 8.5, where built-in, team and user
	// assignments all exist; earlier 8.x releases are not modelled.
	fits := map[int]bool{8: g.major == 8 && g.minor >= 5, 12: g.major >= 9 && g.major <= 12, 13: g.major >= 13}[g.gen]
	if !ok || !fits {
		return g, fmt.Errorf("version %q does not fit generation %d (want 8.5.x for 8, 9.x.y to 12.x.y for 12, 13.x.y or later for 13)", g.version, g.gen)
	}
	return g, nil
}

// Version is the Grafana version the emulator reports.
func (e *Emulator) Version() string { return e.grafana.version }

// Generation is 8, 12 or 13.
func (e *Emulator) Generation() int { return e.grafana.gen }

func (e *Emulator) gen2() bool { return e.grafana.gen >= 12 }

// SetFaults changes the injected faults; the seed restarts the sequence.
func (e *Emulator) SetFaults(f Faults) {
	e.faultMu.Lock()
	defer e.faultMu.Unlock()
	e.faults = f
	seed := uint64(f.Seed)
	e.rng = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

func (s *store) addUser(u *user) {
	u.id = s.nextUser
	u.uid = newObjectUID()
	s.nextUser++
	if u.created.IsZero() {
		u.created = time.Now().UTC().Truncate(time.Second)
	}
	u.updated = u.created
	s.users[u.id] = u
	if u.login != "" {
		s.logins[strings.ToLower(u.login)] = u.id
	}
	if u.email != "" {
		s.logins[strings.ToLower(u.email)] = u.id
	}
	s.touch()
}

// call is one request being served.
type call struct {
	w      http.ResponseWriter
	r      *http.Request
	params map[string]string
	userID int64 // 0: anonymous
	orgID  int64
}

func (c *call) param(name string) string { return c.params[name] }

func (c *call) query(name string) string { return c.r.URL.Query().Get(name) }

func (c *call) flag(name string) bool {
	v, _ := strconv.ParseBool(c.query(name))
	return v
}

func (c *call) json(status int, v any) {
	c.w.Header().Set("Content-Type", "application/json")
	c.w.WriteHeader(status)
	_ = json.NewEncoder(c.w).Encode(v)
}

type message struct {
	Message string `json:"message"`
}

func (c *call) msg(status int, format string, args ...any) {
	c.json(status, message{fmt.Sprintf(format, args...)})
}

func (c *call) notFound(what string) { c.msg(http.StatusNotFound, "%s not found", what) }

func (c *call) forbidden(action string) {
	c.msg(http.StatusForbidden, "You'll need additional permissions to perform this action. Permissions needed: %s", action)
}

// decode reads a JSON body. Field names match case-insensitively and
// unknown fields are ignored, as in Grafana.
func (c *call) decode(v any) bool {
	body, err := io.ReadAll(http.MaxBytesReader(c.w, c.r.Body, 1<<20))
	if err == nil {
		err = json.Unmarshal(body, v)
	}
	if err != nil {
		c.msg(http.StatusBadRequest, "bad request data: %v", err)
		return false
	}
	return true
}

type handler func(e *Emulator, c *call)

type route struct {
	method, pattern string
	segs            []string
	literals        int
	gens            int    // 0: all; 1: generation 1 only; 2: generation 2 only
	since           [2]int // major, minor of the first Grafana serving it; zero: every one
	public          bool
	h               handler
}

var routes []*route

func init() {
	add := func(gens int, method, pattern string, h handler) {
		rt := &route{method: method, pattern: pattern, segs: strings.Split(strings.TrimPrefix(pattern, "/"), "/"), gens: gens, h: h}
		for _, s := range rt.segs {
			if !strings.HasPrefix(s, ":") {
				rt.literals++
			}
		}
		routes = append(routes, rt)
	}
	const ac = "/api/access-control"
	add(0, "GET", ac+"/status", (*Emulator).status)
	add(0, "GET", ac+"/roles", (*Emulator).listRoles)
	add(0, "POST", ac+"/roles", (*Emulator).createRole)
	add(0, "GET", ac+"/roles/:uid", (*Emulator).getRole)
	add(0, "PUT", ac+"/roles/:uid", (*Emulator).updateRole)
	add(0, "DELETE", ac+"/roles/:uid", (*Emulator).deleteRole)
	add(2, "GET", ac+"/roles/:uid/assignments", (*Emulator).roleAssignments)
	routes[len(routes)-1].since = [2]int{9, 2}
	add(2, "PUT", ac+"/roles/:uid/assignments", (*Emulator).setRoleAssignments)
	routes[len(routes)-1].since = [2]int{9, 2}
	add(2, "POST", ac+"/roles/hard-reset", (*Emulator).hardReset)
	add(1, "GET", ac+"/builtin-roles", (*Emulator).listBuiltin)
	add(1, "POST", ac+"/builtin-roles", (*Emulator).addBuiltin)
	add(1, "DELETE", ac+"/builtin-roles/:builtinRole/roles/:roleUID", (*Emulator).removeBuiltin)
	add(0, "GET", ac+"/teams/:teamId/roles", (*Emulator).listTeamRoles)
	add(0, "POST", ac+"/teams/:teamId/roles", (*Emulator).addTeamRole)
	add(0, "PUT", ac+"/teams/:teamId/roles", (*Emulator).setTeamRoles)
	add(0, "DELETE", ac+"/teams/:teamId/roles/:roleUID", (*Emulator).removeTeamRole)
	add(2, "POST", ac+"/teams/roles/search", (*Emulator).searchTeamRoles)
	add(0, "GET", ac+"/users/:userId/roles", (*Emulator).listUserRoles)
	add(0, "POST", ac+"/users/:userId/roles", (*Emulator).addUserRole)
	add(0, "PUT", ac+"/users/:userId/roles", (*Emulator).setUserRoles)
	add(0, "DELETE", ac+"/users/:userId/roles/:roleUID", (*Emulator).removeUserRole)
	add(2, "POST", ac+"/users/roles/search", (*Emulator).searchUserRoles)
	add(0, "GET", ac+"/users/:userId/permissions", (*Emulator).userPermissions)
	add(0, "GET", ac+"/user/permissions", (*Emulator).ownPermissions)

	add(0, "POST", "/api/orgs", (*Emulator).createOrg)
	add(0, "POST", "/api/orgs/:orgId/users", (*Emulator).addOrgUser)
	add(0, "PATCH", "/api/org/users/:userId", (*Emulator).setOrgUserRole)
	add(0, "POST", "/api/admin/users", (*Emulator).createUser)
	add(0, "DELETE", "/api/admin/users/:userId", (*Emulator).deleteUser)
	add(0, "GET", "/api/users/lookup", (*Emulator).lookupUser)
	add(0, "GET", "/api/user", (*Emulator).signedInUser)
	add(0, "GET", "/api/users", (*Emulator).listUsers)
	add(0, "GET", "/api/users/search", (*Emulator).searchUsers)
	add(0, "GET", "/api/users/:userId", (*Emulator).getUser)
	add(0, "GET", "/api/org/users", (*Emulator).listCurrentOrgUsers)
	add(0, "GET", "/api/orgs/name/:name", (*Emulator).getOrgByName) // before :orgId/users: an org may be named "users"
	add(0, "GET", "/api/orgs/:orgId/users", (*Emulator).listOrgUsers)
	add(0, "GET", "/api/orgs/:orgId", (*Emulator).getOrg)
	add(0, "DELETE", "/api/orgs/:orgId", (*Emulator).deleteOrg)
	add(0, "POST", "/api/teams", (*Emulator).createTeam)
	add(0, "GET", "/api/teams/search", (*Emulator).searchTeams)
	add(0, "GET", "/api/teams/:teamId", (*Emulator).getTeam)
	add(0, "DELETE", "/api/teams/:teamId", (*Emulator).deleteTeam)
	add(0, "POST", "/api/teams/:teamId/members", (*Emulator).addTeamMember)
	add(0, "DELETE", "/api/teams/:teamId/members/:userId", (*Emulator).removeTeamMember)
	add(2, "POST", "/api/serviceaccounts", (*Emulator).createServiceAccount)
	add(2, "POST", "/api/serviceaccounts/:serviceAccountId/tokens", (*Emulator).createToken)
	add(2, "DELETE", "/api/serviceaccounts/:serviceAccountId", (*Emulator).deleteServiceAccount)
	add(2, "GET", "/api/serviceaccounts/search", (*Emulator).searchServiceAccounts)
	add(2, "GET", "/api/serviceaccounts/:serviceAccountId", (*Emulator).getServiceAccount)
	add(2, "PATCH", "/api/serviceaccounts/:serviceAccountId", (*Emulator).updateServiceAccount)
	add(2, "GET", "/api/serviceaccounts/:serviceAccountId/tokens", (*Emulator).listTokens)
	add(2, "DELETE", "/api/serviceaccounts/:serviceAccountId/tokens/:tokenId", (*Emulator).deleteToken)

	pub := func(method, pattern string, h handler) {
		add(0, method, pattern, h)
		routes[len(routes)-1].public = true
	}
	pub("GET", "/api/health", (*Emulator).health)
	pub("GET", "/api/emulator/stats", (*Emulator).getStats)
	pub("DELETE", "/api/emulator/stats", (*Emulator).resetStats)
}

// match finds the route for a request: the one with the most literal
// segments wins, so /teams/roles/search beats /teams/:teamId/roles.
func (e *Emulator) match(method, path string) (*route, map[string]string) {
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	var best *route
	for _, rt := range routes {
		if rt.method != method || len(rt.segs) != len(segs) || (best != nil && rt.literals <= best.literals) {
			continue
		}
		if rt.gens == 1 && e.gen2() || rt.gens == 2 && !e.gen2() || !e.grafana.since(rt.since[0], rt.since[1]) {
			continue
		}
		ok := true
		for i, s := range rt.segs {
			if strings.HasPrefix(s, ":") && segs[i] == "" || !strings.HasPrefix(s, ":") && s != segs[i] {
				ok = false
				break
			}
		}
		if ok {
			best = rt
		}
	}
	if best == nil {
		return nil, nil
	}
	params := map[string]string{}
	for i, s := range best.segs {
		if strings.HasPrefix(s, ":") {
			v, err := url.PathUnescape(segs[i])
			if err != nil {
				return nil, nil
			}
			params[s[1:]] = v
		}
	}
	return best, params
}

// ServeHTTP counts the request, injects faults on access-control routes,
// authenticates, then dispatches.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.EscapedPath()
	rt, params := e.match(r.Method, path)
	key := r.Method + " " + r.URL.Path
	if rt != nil {
		key = rt.method + " " + rt.pattern
	}
	// The counter's own routes are not counted: they are not Grafana's.
	if !strings.HasPrefix(r.URL.Path, "/api/emulator/") {
		e.statsMu.Lock()
		e.stats[key]++
		e.statsMu.Unlock()
	}

	c := &call{w: w, r: r, params: params}
	if rt != nil && rt.public {
		rt.h(e, c)
		return
	}
	if strings.HasPrefix(r.URL.Path, "/api/access-control/") {
		answered, lose := e.injectFault(c)
		if answered {
			return
		}
		if lose {
			client := w
			c.w = &sink{h: http.Header{}}
			defer func() {
				c.w = client
				c.msg(http.StatusInternalServerError, "internal server error")
			}()
		}
	}
	// Like Grafana, bad credentials are refused before routing; a missing
	// route without credentials is simply not found.
	authed := e.authenticate(c)
	if authed == authInvalid {
		return
	}
	if rt == nil {
		c.msg(http.StatusNotFound, "Not found")
		return
	}
	if authed == authNone {
		c.msg(http.StatusUnauthorized, "Unauthorized")
		return
	}
	rt.h(e, c)
}

// injectFault answers the request with a fault when drawn (answered), or
// tells that the request is to be carried out and its answer lost.
func (e *Emulator) injectFault(c *call) (answered, lose bool) {
	e.faultMu.Lock()
	f := e.faults
	draw := 1.0
	if f.ErrorRate > 0 || f.TooManyRate > 0 || f.LostAnswerRate > 0 {
		draw = e.rng.Float64()
	}
	e.faultMu.Unlock()

	if f.Latency > 0 {
		t := time.NewTimer(f.Latency)
		select {
		case <-t.C:
		case <-c.r.Context().Done():
			t.Stop()
			return true, false
		}
	}
	switch {
	case draw < f.ErrorRate:
		c.msg(http.StatusInternalServerError, "internal server error")
		return true, false
	case draw < f.ErrorRate+f.TooManyRate:
		secs := int64(math.Ceil(f.RetryAfter.Seconds()))
		c.w.Header().Set("Retry-After", strconv.FormatInt(max(secs, 0), 10))
		c.msg(http.StatusTooManyRequests, "too many requests")
		return true, false
	case draw < f.ErrorRate+f.TooManyRate+f.LostAnswerRate:
		return false, true
	}
	return false, false
}

// sink swallows the answer of a request whose answer is lost.
type sink struct{ h http.Header }

func (s *sink) Header() http.Header         { return s.h }
func (s *sink) Write(b []byte) (int, error) { return len(b), nil }
func (s *sink) WriteHeader(int)             {}

type authResult int

const (
	authNone authResult = iota
	authOK
	authInvalid // an answer was written
)

func hashToken(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// authenticate resolves the caller and the org of the request.
func (e *Emulator) authenticate(c *call) authResult {
	h := c.r.Header.Get("Authorization")
	if h == "" {
		return authNone
	}
	unauthorized := func() authResult {
		c.msg(http.StatusUnauthorized, "Unauthorized")
		return authInvalid
	}
	s := e.s
	s.mu.RLock()
	defer s.mu.RUnlock()

	var u *user
	scheme, rest, _ := strings.Cut(h, " ")
	switch strings.ToLower(scheme) {
	case "basic":
		login, password, ok := c.r.BasicAuth()
		if !ok {
			return unauthorized()
		}
		u = s.userByLogin(login)
		if u == nil || u.serviceAccount || subtle.ConstantTimeCompare([]byte(u.password), []byte(password)) != 1 {
			return unauthorized()
		}
	case "bearer":
		if !e.gen2() {
			return unauthorized()
		}
		id, ok := s.tokens[hashToken(strings.TrimSpace(rest))]
		if !ok {
			return unauthorized()
		}
		u = s.users[id]
		if u == nil || u.disabled {
			return unauthorized()
		}
	default:
		return unauthorized()
	}

	orgID := u.defaultOrg
	if v := c.r.Header.Get("X-Grafana-Org-Id"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			c.msg(http.StatusBadRequest, "invalid X-Grafana-Org-Id header")
			return authInvalid
		}
		orgID = n
	}
	if _, member := u.orgs[orgID]; !member {
		c.msg(http.StatusForbidden, "user does not belong to org %d", orgID)
		return authInvalid
	}
	c.userID, c.orgID = u.id, orgID
	return authOK
}

func (e *Emulator) health(c *call) {
	c.json(http.StatusOK, map[string]string{"database": "ok", "version": e.grafana.version, "commit": "emulator"})
}

func (e *Emulator) getStats(c *call) {
	e.statsMu.Lock()
	m := make(map[string]int64, len(e.stats))
	for k, v := range e.stats {
		m[k] = v
	}
	e.statsMu.Unlock()
	c.json(http.StatusOK, map[string]any{"requests": m})
}

func (e *Emulator) resetStats(c *call) {
	e.statsMu.Lock()
	clear(e.stats)
	e.statsMu.Unlock()
	c.json(http.StatusOK, message{"stats reset"})
}

func (e *Emulator) status(c *call) { c.json(http.StatusOK, map[string]bool{"enabled": true}) }
