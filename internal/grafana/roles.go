package grafana

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

const acPath = "/api/access-control"

func rolePath(uid string) string { return acPath + "/roles/" + url.PathEscape(uid) }

func id(n int64) string { return strconv.FormatInt(n, 10) }

// errEmptyUID guards against a blank uid turning /roles/:uid into /roles.
var errEmptyUID = errors.New("grafana: role uid is empty")

// flags sends only the true ones: Grafana reads an absent flag as false.
func flags(m map[string]bool) url.Values {
	q := url.Values{}
	for k, v := range m {
		if v {
			q.Set(k, "true")
		}
	}
	return q
}

// Health is GET /api/health; it needs no credentials.
func (c *Client) Health(ctx context.Context) (*Health, error) {
	var h Health
	if err := c.do(ctx, &request{method: http.MethodGet, path: "/api/health", out: &h, idempotent: true}); err != nil {
		return nil, err
	}
	return &h, nil
}

// Status reports whether access control is enabled. A 404 means the
// Grafana has no access control at all (OSS), which is an answer, not an error.
func (c *Client) Status(ctx context.Context) (bool, error) {
	var s struct {
		Enabled bool `json:"enabled"`
	}
	err := c.do(ctx, &request{method: http.MethodGet, path: acPath + "/status", out: &s, idempotent: true})
	if IsNotFound(err) {
		return false, nil
	}
	return s.Enabled, err
}

func (c *Client) ListRoles(ctx context.Context, opts ListRolesOptions) ([]Role, error) {
	var roles []Role
	err := c.do(ctx, &request{
		method: http.MethodGet, path: acPath + "/roles",
		query: flags(map[string]bool{"includeHidden": opts.IncludeHidden, "delegatable": opts.Delegatable}),
		out:   &roles, idempotent: true,
	})
	return roles, err
}

func (c *Client) GetRole(ctx context.Context, uid string) (*Role, error) {
	if uid == "" {
		return nil, errEmptyUID
	}
	var role Role
	if err := c.do(ctx, &request{method: http.MethodGet, path: rolePath(uid), out: &role, idempotent: true}); err != nil {
		return nil, err
	}
	if role.UID == "" {
		// null or {} would pass for a role without name or permissions.
		return nil, fmt.Errorf("GET %s: the answer holds no role", rolePath(uid))
	}
	return &role, nil
}

// NewRoleUID returns a random role uid: 14 lowercase letters and digits,
// starting with a letter, like the uids Grafana generates. Sending one with
// a create is what lets CreateRole retry it safely.
func NewRoleUID() string {
	const letters, digits = "abcdefghijklmnopqrstuvwxyz", "0123456789"
	b := make([]byte, 14)
	b[0] = letters[rand.IntN(len(letters))]
	for i := 1; i < len(b); i++ {
		b[i] = (letters + digits)[rand.IntN(len(letters)+len(digits))]
	}
	return string(b)
}

// CreateRole creates a role. Grafana answers 201 (200 in 8.x); both are success.
//
// A create is not idempotent: repeated after a lost answer it would fail
// with 409 (uid or name now taken) or, without a uid, make a second role.
// So a create without a uid is never retried. One with a uid is retried
// within the retry budget, and after a failure that may have reached
// Grafana (a 5xx, no answer), or any 409, the uid is looked up: a role there
// that holds exactly what was asked for is returned, as this call, or an
// earlier one that was interrupted, made it. A 429 is retried as is: Grafana
// did not act on it. A 409 whose uid is free means the name is taken by
// another role (FindRoleByName tells which).
func (c *Client) CreateRole(ctx context.Context, req CreateRoleRequest) (*Role, error) {
	if req.Permissions == nil {
		req.Permissions = []Permission{}
	}
	post := func() (*Role, error) {
		var role Role
		if err := c.do(ctx, &request{method: http.MethodPost, path: acPath + "/roles", body: req, out: &role}); err != nil {
			return nil, err
		}
		return &role, nil
	}
	if req.UID == "" {
		return post()
	}
	start := time.Now()
	for attempt := 1; ; attempt++ {
		role, err := post()
		if err == nil {
			return role, nil
		}
		switch {
		case statusOf(err) == http.StatusTooManyRequests:
		case MayHaveTakenEffect(err), IsConflict(err):
			if ctx.Err() != nil {
				return nil, err
			}
			found, lerr := c.GetRole(ctx, req.UID)
			switch {
			case lerr == nil && roleMatches(found, req):
				return found, nil
			case lerr == nil:
				return nil, fmt.Errorf("%w (a role with uid %q exists, but differs from the one requested)", err, req.UID)
			case !IsNotFound(lerr):
				return nil, fmt.Errorf("%w (looking up role %q to see whether it was created failed too: %v)", err, req.UID, lerr)
			case IsConflict(err):
				return nil, err // not our uid: the name is taken
			}
		default:
			return nil, err
		}
		if attempt > c.impl.retries {
			return nil, err
		}
		var ae *APIError
		_ = errors.As(err, &ae)
		wait := c.impl.backoff(attempt, 0, false)
		if ae != nil && ae.hasRetryAfter {
			wait = c.impl.backoff(attempt, ae.retryAfter, true)
		}
		if !c.impl.withinRetryTime(start, wait) {
			return nil, err
		}
		if serr := sleep(ctx, wait); serr != nil {
			return nil, fmt.Errorf("POST %s/roles: %w (while waiting to retry after: %w)", acPath, serr, err)
		}
	}
}

// roleMatches reports whether a stored role is what a create asked for.
func roleMatches(r *Role, req CreateRoleRequest) bool {
	return r.UID == req.UID && RoleHolds(r, req)
}

// RoleHolds reports whether a stored role holds the content a create asks
// for: its name, flags, texts and permissions. The uid and the version are
// left out: Grafana 13 numbers versions itself.
func RoleHolds(r *Role, req CreateRoleRequest) bool {
	return r.Name == req.Name && r.Global == req.Global && r.Hidden == req.Hidden &&
		r.DisplayName == req.DisplayName && r.Description == req.Description && r.Group == req.Group &&
		PermissionsEqual(r.Permissions, req.Permissions)
}

// FindRoleByName returns the role of that name, with its permissions: a
// global one when global, else one of the client's org. Nil when there is none.
func (c *Client) FindRoleByName(ctx context.Context, name string, global bool) (*Role, error) {
	roles, err := c.ListRoles(ctx, ListRolesOptions{IncludeHidden: true})
	if err != nil {
		return nil, err
	}
	for _, r := range roles {
		if r.Name == name && r.Global == global {
			return c.GetRole(ctx, r.UID)
		}
	}
	return nil, nil
}

// sleep waits d, or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// UpdateRole replaces the role (permissions included). A 400 to an update
// that carried a version, of a role that is not fixed, is reported by
// IsVersionOutdated.
func (c *Client) UpdateRole(ctx context.Context, uid string, req UpdateRoleRequest) (*Role, error) {
	if uid == "" {
		return nil, errEmptyUID
	}
	if req.Permissions == nil {
		// null would not mean "no permissions" to every Grafana version.
		req.Permissions = []Permission{}
	}
	var role Role
	r := &request{
		method: http.MethodPut, path: rolePath(uid), body: req, out: &role, idempotent: true,
		versionGated: req.Version > 0 && !isFixedRole(uid, req.Name),
	}
	err := c.do(ctx, r)
	if IsVersionOutdated(err) && r.ambiguous {
		// The attempt whose answer was lost may have stored this very
		// version, so the retry's "outdated" would be our own success.
		if got, gerr := c.GetRole(ctx, uid); gerr == nil && got.Version >= req.Version && roleMatches(got, CreateRoleRequest{
			UID: uid, Name: req.Name, DisplayName: req.DisplayName, Description: req.Description,
			Group: req.Group, Global: req.Global, Hidden: req.Hidden, Permissions: req.Permissions,
		}) {
			return got, nil
		}
	}
	if err != nil {
		return nil, err
	}
	return &role, nil
}

// isFixedRole tells Grafana's read-only roles: by name, or by the
// deterministic gen-2 uid (gen-1 fixed uids are random, the name decides).
func isFixedRole(uid, name string) bool {
	return strings.HasPrefix(name, "fixed:") || strings.HasPrefix(uid, "fixed_") ||
		strings.HasPrefix(name, "managed:")
}

func (c *Client) DeleteRole(ctx context.Context, uid string, opts DeleteRoleOptions) error {
	if uid == "" {
		return errEmptyUID
	}
	return c.do(ctx, &request{
		method: http.MethodDelete, path: rolePath(uid),
		query:      flags(map[string]bool{"force": opts.Force, "global": opts.Global}),
		idempotent: true,
	})
}

// ListBuiltinRoleAssignments maps built-in role names (Viewer, Editor, Admin,
// Grafana Admin) to their roles. Generation 1 only.
func (c *Client) ListBuiltinRoleAssignments(ctx context.Context, includeHidden bool) (map[string][]Role, error) {
	var m map[string][]Role
	err := c.do(ctx, &request{
		method: http.MethodGet, path: acPath + "/builtin-roles",
		query: flags(map[string]bool{"includeHidden": includeHidden}), out: &m, idempotent: true,
	})
	if err != nil {
		return nil, err
	}
	if m == nil {
		m = map[string][]Role{}
	}
	return m, nil
}

// Assignment adds are retried: the server answers 200 to an assignment that
// already exists, so a repeat is harmless. When the last attempt still fails
// in a way that may have carried it out (5xx, no answer), or answers 409
// (taken as "already assigned"), the assignments are read: holding the role
// is success. Global grants are not reconciled, as the lists do not tell a
// global grant from an org one.

// addAssignment runs an add and, after an error it may not mean, asks has.
func (c *Client) addAssignment(ctx context.Context, r *request, has func() (bool, error)) error {
	err := c.do(ctx, r)
	if err == nil || has == nil || ctx.Err() != nil || (!r.ambiguous && !IsConflict(err)) {
		return err
	}
	if ok, herr := has(); herr == nil && ok {
		return nil
	}
	return err
}

func (c *Client) AddBuiltinRoleAssignment(ctx context.Context, builtinRole, roleUID string, global bool) error {
	var has func() (bool, error)
	if !global {
		has = func() (bool, error) {
			m, err := c.ListBuiltinRoleAssignments(ctx, true)
			return slices.ContainsFunc(m[builtinRole], func(r Role) bool { return r.UID == roleUID }), err
		}
	}
	return c.addAssignment(ctx, &request{
		method: http.MethodPost, path: acPath + "/builtin-roles",
		body: struct {
			RoleUID     string `json:"roleUid"`
			BuiltinRole string `json:"builtInRole"`
			Global      bool   `json:"global"`
		}{roleUID, builtinRole, global},
		idempotent: true,
	}, has)
}

func (c *Client) RemoveBuiltinRoleAssignment(ctx context.Context, builtinRole, roleUID string, global bool) error {
	if roleUID == "" {
		return errEmptyUID
	}
	return c.do(ctx, &request{
		method: http.MethodDelete,
		path:   acPath + "/builtin-roles/" + url.PathEscape(builtinRole) + "/roles/" + url.PathEscape(roleUID),
		query:  flags(map[string]bool{"global": global}), idempotent: true,
	})
}

func (c *Client) ListTeamRoles(ctx context.Context, teamID int64, includeHidden bool) ([]Role, error) {
	var roles []Role
	err := c.do(ctx, &request{
		method: http.MethodGet, path: acPath + "/teams/" + id(teamID) + "/roles",
		query: flags(map[string]bool{"includeHidden": includeHidden}), out: &roles, idempotent: true,
	})
	return roles, err
}

func (c *Client) AddTeamRole(ctx context.Context, teamID int64, roleUID string) error {
	return c.addAssignment(ctx, &request{
		method: http.MethodPost, path: acPath + "/teams/" + id(teamID) + "/roles",
		body: struct {
			RoleUID string `json:"roleUid"`
		}{roleUID},
		idempotent: true,
	}, func() (bool, error) {
		roles, err := c.ListTeamRoles(ctx, teamID, true)
		return hasRole(roles, roleUID), err
	})
}

func hasRole(roles []Role, uid string) bool {
	return slices.ContainsFunc(roles, func(r Role) bool { return r.UID == uid })
}

// SetTeamRoles replaces the team's whole set of roles.
func (c *Client) SetTeamRoles(ctx context.Context, teamID int64, roleUIDs []string, includeHidden bool) error {
	if roleUIDs == nil {
		roleUIDs = []string{}
	}
	return c.do(ctx, &request{
		method: http.MethodPut, path: acPath + "/teams/" + id(teamID) + "/roles",
		body: struct {
			RoleUIDs      []string `json:"roleUids"`
			IncludeHidden bool     `json:"includeHidden"`
		}{roleUIDs, includeHidden},
		idempotent: true,
	})
}

func (c *Client) RemoveTeamRole(ctx context.Context, teamID int64, roleUID string) error {
	if roleUID == "" {
		return errEmptyUID
	}
	return c.do(ctx, &request{
		method: http.MethodDelete, path: acPath + "/teams/" + id(teamID) + "/roles/" + url.PathEscape(roleUID),
		idempotent: true,
	})
}

func (c *Client) ListUserRoles(ctx context.Context, userID int64, includeHidden bool) ([]Role, error) {
	var roles []Role
	err := c.do(ctx, &request{
		method: http.MethodGet, path: acPath + "/users/" + id(userID) + "/roles",
		query: flags(map[string]bool{"includeHidden": includeHidden}), out: &roles, idempotent: true,
	})
	return roles, err
}

func (c *Client) AddUserRole(ctx context.Context, userID int64, roleUID string, global bool) error {
	var has func() (bool, error)
	if !global {
		has = func() (bool, error) {
			roles, err := c.ListUserRoles(ctx, userID, true)
			return hasRole(roles, roleUID), err
		}
	}
	return c.addAssignment(ctx, &request{
		method: http.MethodPost, path: acPath + "/users/" + id(userID) + "/roles",
		body: struct {
			RoleUID string `json:"roleUid"`
			Global  bool   `json:"global"`
		}{roleUID, global},
		idempotent: true,
	}, has)
}

// SetUserRoles replaces the user's whole set of roles (org or global).
func (c *Client) SetUserRoles(ctx context.Context, userID int64, roleUIDs []string, global, includeHidden bool) error {
	if roleUIDs == nil {
		roleUIDs = []string{}
	}
	return c.do(ctx, &request{
		method: http.MethodPut, path: acPath + "/users/" + id(userID) + "/roles",
		body: struct {
			RoleUIDs      []string `json:"roleUids"`
			Global        bool     `json:"global"`
			IncludeHidden bool     `json:"includeHidden"`
		}{roleUIDs, global, includeHidden},
		idempotent: true,
	})
}

func (c *Client) RemoveUserRole(ctx context.Context, userID int64, roleUID string, global bool) error {
	if roleUID == "" {
		return errEmptyUID
	}
	return c.do(ctx, &request{
		method: http.MethodDelete, path: acPath + "/users/" + id(userID) + "/roles/" + url.PathEscape(roleUID),
		query: flags(map[string]bool{"global": global}), idempotent: true,
	})
}

// SearchTeamRoles reads the roles of many teams in one call (generation 2).
// The org is the client's (the header); it is not repeated in the body.
func (c *Client) SearchTeamRoles(ctx context.Context, teamIDs []int64, includeHidden bool) (map[int64][]Role, error) {
	if teamIDs == nil {
		teamIDs = []int64{}
	}
	return c.searchRoles(ctx, acPath+"/teams/roles/search", struct {
		TeamIDs       []int64 `json:"teamIds"`
		IncludeHidden bool    `json:"includeHidden"`
	}{teamIDs, includeHidden})
}

// SearchUserRoles reads the roles of many users in one call (generation 2).
func (c *Client) SearchUserRoles(ctx context.Context, userIDs []int64, includeHidden bool) (map[int64][]Role, error) {
	if userIDs == nil {
		userIDs = []int64{}
	}
	return c.searchRoles(ctx, acPath+"/users/roles/search", struct {
		UserIDs       []int64 `json:"userIds"`
		IncludeHidden bool    `json:"includeHidden"`
	}{userIDs, includeHidden})
}

func (c *Client) searchRoles(ctx context.Context, path string, body any) (map[int64][]Role, error) {
	var raw map[string][]Role
	// A search only reads, so it may be repeated.
	if err := c.do(ctx, &request{method: http.MethodPost, path: path, body: body, out: &raw, idempotent: true}); err != nil {
		return nil, err
	}
	out := make(map[int64][]Role, len(raw))
	for k, roles := range raw {
		n, err := strconv.ParseInt(k, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("POST %s: decoding the answer: key %q is not an id", path, k)
		}
		out[n] = roles
	}
	return out, nil
}

// GetRoleAssignments lists who holds a role (generation 2, Grafana 9.2+).
func (c *Client) GetRoleAssignments(ctx context.Context, uid string) (*RoleAssignments, error) {
	if uid == "" {
		return nil, errEmptyUID
	}
	var a RoleAssignments
	if err := c.do(ctx, &request{method: http.MethodGet, path: rolePath(uid) + "/assignments", out: &a, idempotent: true}); err != nil {
		return nil, err
	}
	return &a, nil
}

// GetUserPermissions returns a user's effective permissions as a sorted set.
func (c *Client) GetUserPermissions(ctx context.Context, userID int64) ([]Permission, error) {
	var perms []Permission
	err := c.do(ctx, &request{
		method: http.MethodGet, path: acPath + "/users/" + id(userID) + "/permissions",
		out: &perms, idempotent: true,
	})
	if err != nil {
		return nil, err
	}
	return NormalizePermissions(perms), nil
}

// GetCurrentUserPermissions returns the caller's own effective permissions
// in the current org, as a sorted set.
func (c *Client) GetCurrentUserPermissions(ctx context.Context) ([]Permission, error) {
	var byAction map[string][]string
	err := c.do(ctx, &request{method: http.MethodGet, path: acPath + "/user/permissions", out: &byAction, idempotent: true})
	if err != nil {
		return nil, err
	}
	return permissionsFromActionMap(byAction), nil
}

// permissionsFromActionMap flattens {"action":["scope",…]}. An action with
// no scopes listed is still held: it is a permission with an empty scope.
func permissionsFromActionMap(byAction map[string][]string) []Permission {
	n := 0
	for _, scopes := range byAction {
		n += max(len(scopes), 1)
	}
	perms := make([]Permission, 0, n)
	for action, scopes := range byAction {
		if len(scopes) == 0 {
			perms = append(perms, Permission{Action: action})
			continue
		}
		for _, s := range scopes {
			perms = append(perms, Permission{Action: action, Scope: s})
		}
	}
	return NormalizePermissions(perms)
}

// HardReset restores the basic roles' default permissions (generation 2).
// Retried: resetting twice leaves the same state as once.
func (c *Client) HardReset(ctx context.Context) error {
	return c.do(ctx, &request{
		method: http.MethodPost, path: acPath + "/roles/hard-reset",
		body: struct {
			BasicRoles bool `json:"BasicRoles"`
		}{true},
		idempotent: true,
	})
}
