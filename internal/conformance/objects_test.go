package conformance

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/go-openapi/strfmt"
	goapi "github.com/grafana/grafana-openapi-client-go/client"
	"github.com/grafana/grafana-openapi-client-go/client/org"
	"github.com/grafana/grafana-openapi-client-go/client/service_accounts"
	"github.com/grafana/grafana-openapi-client-go/client/teams"
	"github.com/grafana/grafana-openapi-client-go/client/users"
	"github.com/grafana/grafana-openapi-client-go/models"
)

// The objects role assignments point at: teams, users, orgs and service
// accounts, as far as the contract describes them.

func id(n int64) string { return strconv.FormatInt(n, 10) }

// getTeam reads a team back and checks it against the client's TeamDTO,
// whose required fields (id, uid, orgId, name, memberCount, isProvisioned)
// are the team object of the contract.
func (g *grafana) getTeam(t *testing.T, teamID int64) *models.TeamDTO {
	t.Helper()
	res, err := g.admin.Teams.GetTeamByID(teams.NewGetTeamByIDParams().WithTeamID(id(teamID)))
	if err != nil {
		t.Fatalf("GetTeamByID: %v", err)
	}
	if err := res.Payload.Validate(strfmt.Default); err != nil {
		t.Errorf("team %d: %v", teamID, err)
	}
	return res.Payload
}

func TestTeams(t *testing.T) {
	eachRelease(t, func(t *testing.T, g *grafana) {
		t.Run("CreateTeam", func(t *testing.T) {
			name := unique("team")
			res, err := g.admin.Teams.CreateTeam(&models.CreateTeamCommand{Name: &name, Email: name + "@example.com"})
			if err != nil {
				t.Fatalf("CreateTeam: %v", err)
			}
			if res.Payload.TeamID <= 0 || res.Payload.UID == "" {
				t.Errorf("CreateTeam answered %+v, want a teamId and a uid", res.Payload)
			}
			tm := g.getTeam(t, res.Payload.TeamID)
			if str(tm.Name) != name || tm.Email != name+"@example.com" || str(tm.UID) != res.Payload.UID {
				t.Errorf("stored team %+v", tm)
			}
		})

		t.Run("GetTeamByID", func(t *testing.T) {
			teamID, name := g.team(t)
			tm := g.getTeam(t, teamID)
			if tm.ID == nil || *tm.ID != teamID || str(tm.Name) != name || tm.OrgID == nil || *tm.OrgID != 1 ||
				tm.MemberCount == nil || *tm.MemberCount != 0 || tm.IsProvisioned == nil || *tm.IsProvisioned {
				t.Errorf("GetTeamByID: %+v", tm)
			}
			refused(t, errOf(g.admin.Teams.GetTeamByID(teams.NewGetTeamByIDParams().WithTeamID("99999"))), 404, "GetTeamByID of an unknown team")
		})

		t.Run("SearchTeams", func(t *testing.T) {
			teamID, name := g.team(t)
			g.team(t)
			exact, err := g.admin.Teams.SearchTeams(teams.NewSearchTeamsParams().WithName(&name))
			if err != nil {
				t.Fatalf("SearchTeams name: %v", err)
			}
			if exact.Payload.TotalCount != 1 || len(exact.Payload.Teams) != 1 || *exact.Payload.Teams[0].ID != teamID {
				t.Errorf("SearchTeams name=%s: %+v, want only team %d", name, exact.Payload, teamID)
			}
			for _, tm := range exact.Payload.Teams {
				if err := tm.Validate(strfmt.Default); err != nil {
					t.Errorf("searched team: %v", err)
				}
			}
			q := "team-"
			all, err := g.admin.Teams.SearchTeams(teams.NewSearchTeamsParams().WithQuery(&q))
			if err != nil {
				t.Fatalf("SearchTeams query: %v", err)
			}
			if all.Payload.TotalCount < 2 || !slices.ContainsFunc(all.Payload.Teams, func(tm *models.TeamDTO) bool { return *tm.ID == teamID }) {
				t.Errorf("SearchTeams query=%s: %+v, want at least 2 teams with %d", q, all.Payload, teamID)
			}
			one := int64(1)
			page, err := g.admin.Teams.SearchTeams(teams.NewSearchTeamsParams().WithQuery(&q).WithPerpage(&one).WithPage(new(int64(2))))
			if err != nil {
				t.Fatalf("SearchTeams paged: %v", err)
			}
			if p := page.Payload; p.TotalCount != all.Payload.TotalCount || len(p.Teams) != 1 || p.Page != 2 || p.PerPage != 1 ||
				*p.Teams[0].ID == *all.Payload.Teams[0].ID {
				t.Errorf("SearchTeams perpage=1 page=2: %+v, want the second of %d teams", p, all.Payload.TotalCount)
			}
		})

		t.Run("DeleteTeamByID", func(t *testing.T) {
			teamID, _ := g.team(t)
			if _, err := g.admin.Teams.DeleteTeamByID(id(teamID)); err != nil {
				t.Fatalf("DeleteTeamByID: %v", err)
			}
			refused(t, errOf(g.admin.Teams.GetTeamByID(teams.NewGetTeamByIDParams().WithTeamID(id(teamID)))), 404, "GetTeamByID after DeleteTeamByID")
		})

		t.Run("AddTeamMember", func(t *testing.T) {
			teamID, _ := g.team(t)
			userID, _ := g.user(t)
			if _, err := g.admin.Teams.AddTeamMember(id(teamID), &models.AddTeamMemberCommand{UserID: &userID}); err != nil {
				t.Fatalf("AddTeamMember: %v", err)
			}
			if tm := g.getTeam(t, teamID); tm.MemberCount == nil || *tm.MemberCount != 1 {
				t.Errorf("team after AddTeamMember: %+v, want memberCount 1", tm)
			}
		})

		t.Run("RemoveTeamMember", func(t *testing.T) {
			teamID, _ := g.team(t)
			userID, _ := g.user(t)
			if _, err := g.admin.Teams.AddTeamMember(id(teamID), &models.AddTeamMemberCommand{UserID: &userID}); err != nil {
				t.Fatalf("AddTeamMember: %v", err)
			}
			if _, err := g.admin.Teams.RemoveTeamMember(userID, id(teamID)); err != nil {
				t.Fatalf("RemoveTeamMember: %v", err)
			}
			if tm := g.getTeam(t, teamID); tm.MemberCount == nil || *tm.MemberCount != 0 {
				t.Errorf("team after RemoveTeamMember: %+v, want memberCount 0", tm)
			}
		})
	})
}

func TestUsers(t *testing.T) {
	eachRelease(t, func(t *testing.T, g *grafana) {
		t.Run("AdminCreateUser", func(t *testing.T) {
			login := unique("user")
			res, err := g.admin.AdminUsers.AdminCreateUser(&models.AdminCreateUserForm{
				Login: login, Email: login + "@example.com", Password: "secret-password",
			})
			if err != nil {
				t.Fatalf("AdminCreateUser: %v", err)
			}
			back, err := g.admin.Users.GetUserByLoginOrEmail(login + "@example.com")
			if err != nil {
				t.Fatalf("GetUserByLoginOrEmail: %v", err)
			}
			if back.Payload.ID != res.Payload.ID || back.Payload.Login != login {
				t.Errorf("stored user %+v, want id %d login %s", back.Payload, res.Payload.ID, login)
			}
		})

		t.Run("AdminDeleteUser", func(t *testing.T) {
			userID, login := g.user(t)
			if _, err := g.admin.AdminUsers.AdminDeleteUser(userID); err != nil {
				t.Fatalf("AdminDeleteUser: %v", err)
			}
			refused(t, errOf(g.admin.Users.GetUserByLoginOrEmail(login)), 404, "GetUserByLoginOrEmail after AdminDeleteUser")
		})

		t.Run("GetUserByLoginOrEmail", func(t *testing.T) {
			userID, login := g.user(t)
			for _, key := range []string{login, strings.ToUpper(login + "@example.com")} {
				res, err := g.admin.Users.GetUserByLoginOrEmail(key)
				if err != nil {
					t.Fatalf("GetUserByLoginOrEmail %s: %v", key, err)
				}
				if u := res.Payload; u.ID != userID || u.Login != login || u.Email != login+"@example.com" {
					t.Errorf("GetUserByLoginOrEmail %s: %+v", key, u)
				}
			}
		})

		t.Run("GetUserByID", func(t *testing.T) {
			userID, login := g.user(t)
			res, err := g.admin.Users.GetUserByID(userID)
			if err != nil {
				t.Fatalf("GetUserByID: %v", err)
			}
			if u := res.Payload; u.ID != userID || u.Login != login || u.Email != login+"@example.com" || u.IsGrafanaAdmin {
				t.Errorf("GetUserByID: %+v", u)
			}
			refused(t, errOf(g.admin.Users.GetUserByID(99999)), 404, "GetUserByID of an unknown user")
		})

		t.Run("SearchUsers", func(t *testing.T) {
			userID, _ := g.user(t)
			g.user(t)
			res, err := g.admin.Users.SearchUsers(users.NewSearchUsersParams())
			if err != nil {
				t.Fatalf("SearchUsers: %v", err)
			}
			if !slices.ContainsFunc(res.Payload, func(u *models.UserSearchHitDTO) bool { return u.ID == userID }) ||
				!slices.ContainsFunc(res.Payload, func(u *models.UserSearchHitDTO) bool { return u.Login == "admin" && u.IsAdmin }) {
				t.Errorf("SearchUsers: %d users, want user %d and the admin", len(res.Payload), userID)
			}
			one := int64(1)
			page, err := g.admin.Users.SearchUsers(users.NewSearchUsersParams().WithPerpage(&one).WithPage(new(int64(2))))
			if err != nil {
				t.Fatalf("SearchUsers paged: %v", err)
			}
			if len(page.Payload) != 1 || page.Payload[0].Login == "admin" {
				t.Errorf("SearchUsers perpage=1 page=2: %+v, want one user, not the first", page.Payload)
			}
		})

		t.Run("SearchUsersWithPaging", func(t *testing.T) {
			userID, login := g.user(t)
			res, err := g.admin.Users.SearchUsersWithPaging()
			if err != nil {
				t.Fatalf("SearchUsersWithPaging: %v", err)
			}
			p := res.Payload
			if p.TotalCount < 2 || int(p.TotalCount) != len(p.Users) ||
				!slices.ContainsFunc(p.Users, func(u *models.UserSearchHitDTO) bool { return u.ID == userID }) {
				t.Errorf("SearchUsersWithPaging: %+v, want every user, %d among them", p, userID)
			}
			// The client declares no parameters here, but Grafana reads query, page and perpage (contract, users paragraph; Grafana's user HTTP API docs, "Search Users with Paging").
			one, err := g.admin.Users.SearchUsersWithPaging(withQuery("query", login))
			if err != nil {
				t.Fatalf("SearchUsersWithPaging query: %v", err)
			}
			if p := one.Payload; p.TotalCount != 1 || len(p.Users) != 1 || p.Users[0].ID != userID || p.Users[0].Login != login {
				t.Errorf("SearchUsersWithPaging query=%s: %+v, want only user %d", login, p, userID)
			}
			paged, err := g.admin.Users.SearchUsersWithPaging(withQuery("perpage", "1"), withQuery("page", "2"))
			if err != nil {
				t.Fatalf("SearchUsersWithPaging paged: %v", err)
			}
			if p := paged.Payload; p.TotalCount < 2 || len(p.Users) != 1 || p.Page != 2 || p.PerPage != 1 {
				t.Errorf("SearchUsersWithPaging perpage=1 page=2: %+v, want one user of all counted, page 2", p)
			}
		})

		t.Run("GetSignedInUser", func(t *testing.T) {
			for _, c := range []struct {
				name        string
				client      *goapi.GrafanaHTTPAPI
				login       string
				serverAdmin bool
			}{
				{"server_admin", g.admin, "admin", true},
				{"org_admin_token", g.orgAdmin, g.orgAdminLogin, false},
			} {
				t.Run(c.name, func(t *testing.T) {
					res, err := c.client.SignedInUser.GetSignedInUser()
					if err != nil {
						t.Fatalf("GetSignedInUser: %v", err)
					}
					u := res.Payload
					// A service account's id may be 0 here (its identity has only a typed uid), so the login tells who it is.
					if u.IsGrafanaAdmin != c.serverAdmin || u.OrgID != 1 || u.Login != c.login {
						t.Errorf("GetSignedInUser: %+v, want %s, isGrafanaAdmin %v, in org 1", u, c.login, c.serverAdmin)
					}
				})
			}
		})
	})
}

func TestOrg(t *testing.T) {
	eachRelease(t, func(t *testing.T, g *grafana) {
		t.Run("GetOrgUsersForCurrentOrg", func(t *testing.T) {
			userID, login := g.user(t)
			res, err := g.admin.Org.GetOrgUsersForCurrentOrg(org.NewGetOrgUsersForCurrentOrgParams())
			if err != nil {
				t.Fatalf("GetOrgUsersForCurrentOrg: %v", err)
			}
			i := slices.IndexFunc(res.Payload, func(u *models.OrgUserDTO) bool { return u.UserID == userID })
			if i < 0 {
				t.Fatalf("GetOrgUsersForCurrentOrg lacks user %d", userID)
			}
			if u := res.Payload[i]; u.Login != login || u.OrgID != 1 || u.Role != "Viewer" || u.Email != login+"@example.com" {
				t.Errorf("org user %+v, want %s, Viewer of org 1", u, login)
			}
			if !slices.ContainsFunc(res.Payload, func(u *models.OrgUserDTO) bool { return u.Login == "admin" && u.Role == "Admin" }) {
				t.Error("GetOrgUsersForCurrentOrg lacks the admin as Admin")
			}
		})

		t.Run("UpdateOrgUserForCurrentOrg", func(t *testing.T) {
			userID, _ := g.user(t)
			if _, err := g.admin.Org.UpdateOrgUserForCurrentOrg(userID, &models.UpdateOrgUserCommand{Role: "Editor"}); err != nil {
				t.Fatalf("UpdateOrgUserForCurrentOrg: %v", err)
			}
			res, err := g.admin.Orgs.GetOrgUsers(1)
			if err != nil {
				t.Fatalf("GetOrgUsers: %v", err)
			}
			if !slices.ContainsFunc(res.Payload, func(u *models.OrgUserDTO) bool { return u.UserID == userID && u.Role == "Editor" }) {
				t.Errorf("user %d is not an Editor of org 1 after UpdateOrgUserForCurrentOrg", userID)
			}
		})
	})
}

func TestOrgs(t *testing.T) {
	eachRelease(t, func(t *testing.T, g *grafana) {
		newOrg := func(t *testing.T) (int64, string) {
			t.Helper()
			name := unique("org")
			res, err := g.admin.Orgs.CreateOrg(&models.CreateOrgCommand{Name: name})
			if err != nil {
				t.Fatalf("CreateOrg: %v", err)
			}
			if err := res.Payload.Validate(strfmt.Default); err != nil {
				t.Errorf("CreateOrg answer: %v", err)
			}
			return *res.Payload.OrgID, name
		}

		t.Run("CreateOrg", func(t *testing.T) {
			orgID, name := newOrg(t)
			res, err := g.admin.Orgs.GetOrgByID(orgID)
			if err != nil {
				t.Fatalf("GetOrgByID: %v", err)
			}
			if res.Payload.ID != orgID || res.Payload.Name != name {
				t.Errorf("stored org %+v, want %d %s", res.Payload, orgID, name)
			}
		})

		t.Run("GetOrgByID", func(t *testing.T) {
			res, err := g.admin.Orgs.GetOrgByID(1)
			if err != nil {
				t.Fatalf("GetOrgByID: %v", err)
			}
			if res.Payload.ID != 1 || res.Payload.Name != "Main Org." {
				t.Errorf("GetOrgByID 1: %+v", res.Payload)
			}
			refused(t, errOf(g.admin.Orgs.GetOrgByID(99999)), 404, "GetOrgByID of an unknown org")
		})

		t.Run("GetOrgByName", func(t *testing.T) {
			orgID, name := newOrg(t)
			res, err := g.admin.Orgs.GetOrgByName(name)
			if err != nil {
				t.Fatalf("GetOrgByName: %v", err)
			}
			if res.Payload.ID != orgID || res.Payload.Name != name {
				t.Errorf("GetOrgByName %s: %+v, want id %d", name, res.Payload, orgID)
			}
			refused(t, errOf(g.admin.Orgs.GetOrgByName("no such org")), 404, "GetOrgByName of an unknown org")
		})

		t.Run("AddOrgUser", func(t *testing.T) {
			orgID, _ := newOrg(t)
			userID, login := g.user(t)
			if _, err := g.admin.Orgs.AddOrgUser(orgID, &models.AddOrgUserCommand{LoginOrEmail: login, Role: "Editor"}); err != nil {
				t.Fatalf("AddOrgUser: %v", err)
			}
			res, err := g.admin.Orgs.GetOrgUsers(orgID)
			if err != nil {
				t.Fatalf("GetOrgUsers: %v", err)
			}
			if !slices.ContainsFunc(res.Payload, func(u *models.OrgUserDTO) bool {
				return u.UserID == userID && u.Role == "Editor" && u.OrgID == orgID
			}) {
				t.Errorf("org %d users %+v lack %d as Editor", orgID, res.Payload, userID)
			}
		})

		t.Run("GetOrgUsers", func(t *testing.T) {
			orgID, _ := newOrg(t)
			userID, login := g.user(t)
			if _, err := g.admin.Orgs.AddOrgUser(orgID, &models.AddOrgUserCommand{LoginOrEmail: login, Role: "Admin"}); err != nil {
				t.Fatalf("AddOrgUser: %v", err)
			}
			res, err := g.admin.Orgs.GetOrgUsers(orgID)
			if err != nil {
				t.Fatalf("GetOrgUsers: %v", err)
			}
			var got []string
			for _, u := range res.Payload {
				got = append(got, u.Login+":"+u.Role)
			}
			if !slices.Contains(got, login+":Admin") || slices.ContainsFunc(res.Payload, func(u *models.OrgUserDTO) bool { return u.OrgID != orgID }) {
				t.Errorf("GetOrgUsers %d: %v, want %s as Admin, all in org %d (user %d)", orgID, got, login, orgID, userID)
			}
		})

		t.Run("DeleteOrgByID", func(t *testing.T) {
			orgID, _ := newOrg(t)
			if _, err := g.admin.Orgs.DeleteOrgByID(orgID); err != nil {
				t.Fatalf("DeleteOrgByID: %v", err)
			}
			refused(t, errOf(g.admin.Orgs.GetOrgByID(orgID)), 404, "GetOrgByID after DeleteOrgByID")
		})
	})
}

func TestServiceAccounts(t *testing.T) {
	eachRelease(t, func(t *testing.T, g *grafana) {
		retrieve := func(t *testing.T, saID int64) *models.ServiceAccountDTO {
			t.Helper()
			res, err := g.admin.ServiceAccounts.RetrieveServiceAccount(saID)
			if err != nil {
				t.Fatalf("RetrieveServiceAccount: %v", err)
			}
			return res.Payload
		}
		token := func(t *testing.T, saID int64) *models.NewAPIKeyResult {
			t.Helper()
			res, err := g.admin.ServiceAccounts.CreateToken(service_accounts.NewCreateTokenParams().
				WithServiceAccountID(saID).WithBody(&models.AddServiceAccountTokenCommand{Name: unique("token")}))
			if err != nil {
				t.Fatalf("CreateToken: %v", err)
			}
			return res.Payload
		}
		signedIn := func(key string) error {
			c := client(t, g.srv, func(c *goapi.TransportConfig) { c.APIKey = key })
			return errOf(c.SignedInUser.GetSignedInUser())
		}

		t.Run("CreateServiceAccount", func(t *testing.T) {
			name := unique("sa")
			res, err := g.admin.ServiceAccounts.CreateServiceAccount(service_accounts.NewCreateServiceAccountParams().
				WithBody(&models.CreateServiceAccountForm{Name: name, Role: "Editor"}))
			if err != nil {
				t.Fatalf("CreateServiceAccount: %v", err) // the client accepts only 201
			}
			sa := res.Payload
			if sa.ID <= 0 || sa.Name != name || sa.Role != "Editor" || sa.OrgID != 1 || sa.Login == "" || sa.IsDisabled {
				t.Errorf("CreateServiceAccount answered %+v", sa)
			}
			if back := retrieve(t, sa.ID); back.Name != name || back.Role != "Editor" || back.Login != sa.Login {
				t.Errorf("stored service account %+v", back)
			}
		})

		t.Run("RetrieveServiceAccount", func(t *testing.T) {
			sa := g.serviceAccount(t, "Viewer")
			token(t, sa.ID)
			got := retrieve(t, sa.ID)
			if got.ID != sa.ID || got.Name != sa.Name || got.Login != sa.Login || got.Role != "Viewer" || got.OrgID != 1 || got.Tokens != 1 {
				t.Errorf("RetrieveServiceAccount: %+v, want %+v with one token", got, sa)
			}
			refused(t, errOf(g.admin.ServiceAccounts.RetrieveServiceAccount(99999)), 404, "RetrieveServiceAccount of an unknown id")
		})

		t.Run("SearchOrgServiceAccountsWithPaging", func(t *testing.T) {
			sa := g.serviceAccount(t, "Viewer")
			g.serviceAccount(t, "Viewer")
			res, err := g.admin.ServiceAccounts.SearchOrgServiceAccountsWithPaging(
				service_accounts.NewSearchOrgServiceAccountsWithPagingParams().WithQuery(&sa.Name))
			if err != nil {
				t.Fatalf("SearchOrgServiceAccountsWithPaging: %v", err)
			}
			p := res.Payload
			if p.TotalCount != 1 || len(p.ServiceAccounts) != 1 || p.ServiceAccounts[0].ID != sa.ID || p.ServiceAccounts[0].Role != "Viewer" {
				t.Errorf("search query=%s: %+v, want only %d", sa.Name, p, sa.ID)
			}
			one := int64(1)
			page, err := g.admin.ServiceAccounts.SearchOrgServiceAccountsWithPaging(
				service_accounts.NewSearchOrgServiceAccountsWithPagingParams().WithPerpage(&one))
			if err != nil {
				t.Fatalf("SearchOrgServiceAccountsWithPaging perpage=1: %v", err)
			}
			if page.Payload.TotalCount < 3 || len(page.Payload.ServiceAccounts) != 1 {
				t.Errorf("search perpage=1: totalCount %d, %d accounts; want every account counted, one listed",
					page.Payload.TotalCount, len(page.Payload.ServiceAccounts))
			}
		})

		t.Run("UpdateServiceAccount", func(t *testing.T) {
			sa := g.serviceAccount(t, "Viewer")
			name := unique("renamed")
			res, err := g.admin.ServiceAccounts.UpdateServiceAccount(service_accounts.NewUpdateServiceAccountParams().
				WithServiceAccountID(sa.ID).WithBody(&models.UpdateServiceAccountForm{Name: name, Role: "Editor"}))
			if err != nil {
				t.Fatalf("UpdateServiceAccount: %v", err)
			}
			if p := res.Payload; p.ID != sa.ID || p.Name != name || p.Serviceaccount == nil || p.Serviceaccount.Role != "Editor" {
				t.Errorf("UpdateServiceAccount answered %+v", p)
			}
			if back := retrieve(t, sa.ID); back.Name != name || back.Role != "Editor" {
				t.Errorf("stored service account %+v, want %s, Editor", back, name)
			}
			if _, err := g.admin.ServiceAccounts.UpdateServiceAccount(service_accounts.NewUpdateServiceAccountParams().
				WithServiceAccountID(sa.ID).WithBody(&models.UpdateServiceAccountForm{IsDisabled: new(true)})); err != nil {
				t.Fatalf("UpdateServiceAccount isDisabled: %v", err)
			}
			if back := retrieve(t, sa.ID); !back.IsDisabled || back.Name != name || back.Role != "Editor" {
				t.Errorf("stored service account %+v, want disabled, the rest kept", back)
			}
			// Client quirk: it sends the filter as ?Disabled=, but Grafana reads ?disabled= (Grafana's pkg/services/serviceaccounts/api/api.go, SearchOrgServiceAccountsWithPaging), so the test sends it by hand.
			ignored, err := g.admin.ServiceAccounts.SearchOrgServiceAccountsWithPaging(
				service_accounts.NewSearchOrgServiceAccountsWithPagingParams().WithDisabled(new(true)))
			if err != nil {
				t.Fatalf("SearchOrgServiceAccountsWithPaging Disabled: %v", err)
			}
			if ignored.Payload.TotalCount < 2 {
				t.Errorf("the client's Disabled filtered (%d found): remove this quirk", ignored.Payload.TotalCount)
			}
			disabled, err := g.admin.ServiceAccounts.SearchOrgServiceAccountsWithPaging(
				service_accounts.NewSearchOrgServiceAccountsWithPagingParams(), withQuery("disabled", "true"))
			if err != nil {
				t.Fatalf("SearchOrgServiceAccountsWithPaging disabled: %v", err)
			}
			if p := disabled.Payload; p.TotalCount != 1 || len(p.ServiceAccounts) != 1 || p.ServiceAccounts[0].ID != sa.ID {
				t.Errorf("search disabled=true: %+v, want only %d", p, sa.ID)
			}
		})

		t.Run("CreateToken", func(t *testing.T) {
			sa := g.serviceAccount(t, "Viewer")
			tok := token(t, sa.ID)
			if tok.ID <= 0 || tok.Name == "" || !strings.HasPrefix(tok.Key, "glsa_") {
				t.Errorf("CreateToken answered %+v", tok)
			}
			if err := signedIn(tok.Key); err != nil {
				t.Errorf("the new token does not authenticate: %v", err)
			}
		})

		t.Run("DeleteToken", func(t *testing.T) {
			sa := g.serviceAccount(t, "Viewer")
			tok, kept := token(t, sa.ID), token(t, sa.ID)
			if _, err := g.admin.ServiceAccounts.DeleteToken(tok.ID, sa.ID); err != nil {
				t.Fatalf("DeleteToken: %v", err)
			}
			refused(t, signedIn(tok.Key), 401, "GetSignedInUser with a deleted token")
			if err := signedIn(kept.Key); err != nil {
				t.Errorf("the other token stopped working: %v", err)
			}
			refused(t, errOf(g.admin.ServiceAccounts.DeleteToken(tok.ID, sa.ID)), 404, "DeleteToken of a deleted token")
		})

		t.Run("DeleteServiceAccount", func(t *testing.T) {
			sa := g.serviceAccount(t, "Viewer")
			tok := token(t, sa.ID)
			if _, err := g.admin.ServiceAccounts.DeleteServiceAccount(sa.ID); err != nil {
				t.Fatalf("DeleteServiceAccount: %v", err)
			}
			refused(t, errOf(g.admin.ServiceAccounts.RetrieveServiceAccount(sa.ID)), 404, "RetrieveServiceAccount after DeleteServiceAccount")
			refused(t, signedIn(tok.Key), 401, "GetSignedInUser with the deleted account's token")
		})
	})
}
