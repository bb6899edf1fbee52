package grafana

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// Reads that find users, service accounts and a role's holders, for the
// look-up data sources and the authoritative assignment resources.

// OrgUser is one member of an org (Grafana's OrgUserDTO).
type OrgUser struct {
	UserID int64  `json:"userId"`
	OrgID  int64  `json:"orgId"`
	Login  string `json:"login"`
	Email  string `json:"email"`
	Name   string `json:"name"`
	Role   string `json:"role"`
}

// ListOrgUsers is GET /api/org/users: every member of the client's org
// (service accounts are not members here).
func (c *Client) ListOrgUsers(ctx context.Context) ([]OrgUser, error) {
	var out []OrgUser
	err := c.do(ctx, &request{method: http.MethodGet, path: "/api/org/users", out: &out, idempotent: true})
	return out, err
}

// GetServiceAccount is GET /api/serviceaccounts/:id (generation 2).
func (c *Client) GetServiceAccount(ctx context.Context, saID int64) (*ServiceAccount, error) {
	var sa ServiceAccount
	if err := c.do(ctx, &request{method: http.MethodGet, path: "/api/serviceaccounts/" + id(saID), out: &sa, idempotent: true}); err != nil {
		return nil, err
	}
	return &sa, nil
}

// serviceAccountPage is how many accounts one search asks for.
const serviceAccountPage = 1000

// SearchServiceAccounts returns the client org's service accounts whose name
// or login contains query (all when empty), reading every page.
func (c *Client) SearchServiceAccounts(ctx context.Context, query string) ([]ServiceAccount, error) {
	var all []ServiceAccount
	for page := 1; ; page++ {
		var out struct {
			TotalCount      int              `json:"totalCount"`
			ServiceAccounts []ServiceAccount `json:"serviceAccounts"`
		}
		err := c.do(ctx, &request{
			method: http.MethodGet, path: "/api/serviceaccounts/search",
			query: url.Values{"query": {query}, "page": {strconv.Itoa(page)}, "perpage": {strconv.Itoa(serviceAccountPage)}},
			out:   &out, idempotent: true,
		})
		if err != nil {
			return nil, err
		}
		all = append(all, out.ServiceAccounts...)
		if len(out.ServiceAccounts) < serviceAccountPage || len(all) >= out.TotalCount {
			return all, nil
		}
	}
}

// SetRoleAssignments is PUT /roles/:uid/assignments (generation 2, Grafana
// 9.2+): it replaces the role's users, teams and service accounts in the
// client's org. It sets a value, so a repeat changes nothing.
func (c *Client) SetRoleAssignments(ctx context.Context, uid string, a RoleAssignments) error {
	if uid == "" {
		return errEmptyUID
	}
	body := struct {
		Users           []int64 `json:"users"`
		Teams           []int64 `json:"teams"`
		ServiceAccounts []int64 `json:"service_accounts"`
	}{nonNil(a.Users), nonNil(a.Teams), nonNil(a.ServiceAccounts)}
	return c.do(ctx, &request{method: http.MethodPut, path: rolePath(uid) + "/assignments", body: body, idempotent: true})
}

func nonNil(ids []int64) []int64 {
	if ids == nil {
		return []int64{}
	}
	return ids
}

// teamPage is how many teams one search asks for.
const teamPage = 1000

// ListTeams returns every team of the client's org, reading every page.
func (c *Client) ListTeams(ctx context.Context) ([]Team, error) {
	var all []Team
	for page := 1; ; page++ {
		teams, total, err := c.TeamsPage(ctx, page, teamPage)
		if err != nil {
			return nil, err
		}
		all = append(all, teams...)
		if len(teams) < teamPage || len(all) >= total {
			return all, nil
		}
	}
}

// TeamsPage is one page (from 1) of the teams of the client's org that the
// credentials may read, and how many there are in all.
func (c *Client) TeamsPage(ctx context.Context, page, perPage int) (teams []Team, total int, err error) {
	var out struct {
		TotalCount int    `json:"totalCount"`
		Teams      []Team `json:"teams"`
	}
	err = c.do(ctx, &request{
		method: http.MethodGet, path: "/api/teams/search",
		query: url.Values{"page": {strconv.Itoa(page)}, "perpage": {strconv.Itoa(perPage)}},
		out:   &out, idempotent: true,
	})
	return out.Teams, out.TotalCount, err
}
