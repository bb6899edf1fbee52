package grafana

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
)

// Grafana's ordinary objects that role assignments point at. Creates are
// never retried: a repeat would make a duplicate or answer a conflict.

// flexID decodes an id sent as a number or, by some Grafana versions and
// docs, as a string.
type flexID int64

func (f *flexID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		b = []byte(s)
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return errors.New("id is not an integer")
	}
	*f = flexID(n)
	return nil
}

func (c *Client) CreateTeam(ctx context.Context, name, email string) (int64, error) {
	var out struct {
		TeamID flexID `json:"teamId"`
	}
	err := c.do(ctx, &request{
		method: http.MethodPost, path: "/api/teams",
		body: struct {
			Name  string `json:"name"`
			Email string `json:"email,omitempty"`
		}{name, email},
		out: &out,
	})
	return int64(out.TeamID), err
}

func (c *Client) GetTeam(ctx context.Context, teamID int64) (*Team, error) {
	var t Team
	if err := c.do(ctx, &request{method: http.MethodGet, path: "/api/teams/" + id(teamID), out: &t, idempotent: true}); err != nil {
		return nil, err
	}
	return &t, nil
}

// SearchTeams finds teams by exact name (Grafana's ?name=, not the fuzzy ?query=).
func (c *Client) SearchTeams(ctx context.Context, name string) ([]Team, error) {
	var out struct {
		Teams []Team `json:"teams"`
	}
	err := c.do(ctx, &request{
		method: http.MethodGet, path: "/api/teams/search",
		query: url.Values{"name": {name}}, out: &out, idempotent: true,
	})
	return out.Teams, err
}

// FindTeams lists the teams whose names contain query, in any case (the
// search's query parameter); SearchTeams's name must match exactly.
func (c *Client) FindTeams(ctx context.Context, query string) ([]Team, error) {
	var out struct {
		Teams []Team `json:"teams"`
	}
	err := c.do(ctx, &request{
		method: http.MethodGet, path: "/api/teams/search",
		query: url.Values{"query": {query}}, out: &out, idempotent: true,
	})
	return out.Teams, err
}

func (c *Client) DeleteTeam(ctx context.Context, teamID int64) error {
	return c.do(ctx, &request{method: http.MethodDelete, path: "/api/teams/" + id(teamID), idempotent: true})
}

// CreateUser is POST /api/admin/users (needs a Grafana server admin).
func (c *Client) CreateUser(ctx context.Context, req CreateUserRequest) (int64, error) {
	var out struct {
		ID flexID `json:"id"`
	}
	err := c.do(ctx, &request{method: http.MethodPost, path: "/api/admin/users", body: req, out: &out})
	return int64(out.ID), err
}

// GetCurrentUser is GET /api/user: the user (or service account) whose
// credentials the client uses. IsGrafanaAdmin tells a server admin.
func (c *Client) GetCurrentUser(ctx context.Context) (*User, error) {
	var u User
	if err := c.do(ctx, &request{method: http.MethodGet, path: "/api/user", out: &u, idempotent: true}); err != nil {
		return nil, err
	}
	return &u, nil
}

func (c *Client) LookupUser(ctx context.Context, loginOrEmail string) (*User, error) {
	var u User
	err := c.do(ctx, &request{
		method: http.MethodGet, path: "/api/users/lookup",
		query: url.Values{"loginOrEmail": {loginOrEmail}}, out: &u, idempotent: true,
	})
	if err != nil {
		return nil, err
	}
	return &u, nil
}

func (c *Client) DeleteUser(ctx context.Context, userID int64) error {
	return c.do(ctx, &request{method: http.MethodDelete, path: "/api/admin/users/" + id(userID), idempotent: true})
}

// SetOrgUserRole sets a user's basic role in the client's org. Retried: it
// sets a value, so a repeat changes nothing.
func (c *Client) SetOrgUserRole(ctx context.Context, userID int64, role string) error {
	return c.do(ctx, &request{
		method: http.MethodPatch, path: "/api/org/users/" + id(userID),
		body: struct {
			Role string `json:"role"`
		}{role},
		idempotent: true,
	})
}

func (c *Client) CreateOrg(ctx context.Context, name string) (int64, error) {
	var out struct {
		OrgID flexID `json:"orgId"`
	}
	err := c.do(ctx, &request{
		method: http.MethodPost, path: "/api/orgs",
		body: struct {
			Name string `json:"name"`
		}{name},
		out: &out,
	})
	return int64(out.OrgID), err
}

// Org is GET /api/orgs/:orgId.
type Org struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// GetOrg reads an organization (needs a member of it, or a Grafana server
// admin); a 404 to a server admin means it does not exist.
func (c *Client) GetOrg(ctx context.Context, orgID int64) (*Org, error) {
	var o Org
	if err := c.do(ctx, &request{method: http.MethodGet, path: "/api/orgs/" + id(orgID), out: &o, idempotent: true}); err != nil {
		return nil, err
	}
	return &o, nil
}

// AddOrgUser is not retried: a repeat answers 409 (already a member).
func (c *Client) AddOrgUser(ctx context.Context, orgID int64, loginOrEmail, role string) error {
	return c.do(ctx, &request{
		method: http.MethodPost, path: "/api/orgs/" + id(orgID) + "/users",
		body: struct {
			LoginOrEmail string `json:"loginOrEmail"`
			Role         string `json:"role"`
		}{loginOrEmail, role},
	})
}

// CreateServiceAccount makes a service account in the client's org (generation 2).
func (c *Client) CreateServiceAccount(ctx context.Context, name, role string) (*ServiceAccount, error) {
	var sa ServiceAccount
	err := c.do(ctx, &request{
		method: http.MethodPost, path: "/api/serviceaccounts",
		body: struct {
			Name string `json:"name"`
			Role string `json:"role,omitempty"`
		}{name, role},
		out: &sa,
	})
	if err != nil {
		return nil, err
	}
	return &sa, nil
}

// CreateServiceAccountToken returns the token's secret key; Grafana shows it
// only once, and the client never logs it.
func (c *Client) CreateServiceAccountToken(ctx context.Context, saID int64, name string) (string, error) {
	var out struct {
		Key string `json:"key"`
	}
	err := c.do(ctx, &request{
		method: http.MethodPost, path: "/api/serviceaccounts/" + id(saID) + "/tokens",
		body: struct {
			Name string `json:"name"`
		}{name},
		out: &out,
	})
	if err == nil && out.Key == "" {
		return "", errors.New("POST /api/serviceaccounts/" + id(saID) + "/tokens: answer carries no key")
	}
	return out.Key, err
}

func (c *Client) DeleteServiceAccount(ctx context.Context, saID int64) error {
	return c.do(ctx, &request{method: http.MethodDelete, path: "/api/serviceaccounts/" + id(saID), idempotent: true})
}
