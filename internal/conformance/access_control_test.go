package conformance

import (
	"errors"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"testing"

	goapi "github.com/grafana/grafana-openapi-client-go/client"
	ac "github.com/grafana/grafana-openapi-client-go/client/access_control"
	"github.com/grafana/grafana-openapi-client-go/models"
)

// reportPerms are permissions an org Admin holds (fixed:reports:reader and
// :writer), so it may delegate them; one has an empty scope.
func reportPerms() []*models.Permission {
	return []*models.Permission{
		{Action: "reports:read", Scope: "reports:*"},
		{Action: "reports:create"},
	}
}

// permSet renders permissions as sorted "action scope" strings.
func permSet(ps []*models.Permission) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Action+" "+p.Scope)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func (g *grafana) role(t *testing.T, c *goapi.GrafanaHTTPAPI) *models.RoleDTO {
	t.Helper()
	res, err := c.AccessControl.CreateRole(&models.CreateRoleForm{
		Name: unique("custom:conformance:role"), DisplayName: "Conformance", Description: "made by the conformance suite",
		Group: "Conformance", Version: 1, Permissions: reportPerms(),
	})
	if err != nil {
		t.Fatalf("CreateRole: %v", err)
	}
	return res.Payload
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func uids(roles []*models.RoleDTO) []string {
	var out []string
	for _, r := range roles {
		out = append(out, str(r.UID))
	}
	return out
}

func valueUIDs(roles []models.RoleDTO) []string {
	var out []string
	for _, r := range roles {
		out = append(out, str(r.UID))
	}
	return out
}

// sameIDs compares id lists as sets.
func sameIDs(got, want []int64) bool {
	got, want = slices.Clone(got), slices.Clone(want)
	slices.Sort(got)
	slices.Sort(want)
	return slices.Equal(got, want)
}

// teamRoleUIDs reads a team's roles raw: ListTeamRoles cannot (see its test).
func (g *grafana) teamRoleUIDs(t *testing.T, teamID int64) []string {
	t.Helper()
	code, body := g.raw(t, "GET", "/api/access-control/teams/"+strconv.FormatInt(teamID, 10)+"/roles", nil)
	if code != http.StatusOK {
		t.Fatalf("GET team roles: %d %s", code, body)
	}
	var roles []*models.RoleDTO
	decodeRaw(t, body, &roles)
	if err := validate(reflect.ValueOf(roles)); err != nil {
		t.Errorf("GET team roles: %v", err)
	}
	return uids(roles)
}

func (g *grafana) userRoleUIDs(t *testing.T, userID int64) []string {
	t.Helper()
	res, err := g.admin.AccessControl.ListUserRoles(userID)
	if err != nil {
		t.Fatalf("ListUserRoles: %v", err)
	}
	return uids(res.Payload)
}

// refused checks that a call failed with the status Grafana answers, whether
// the client declares that status (a typed error) or not (runtime.APIError).
func refused(t *testing.T, err error, code int, what string) {
	t.Helper()
	var c interface{ IsCode(int) bool }
	if !errors.As(err, &c) || !c.IsCode(code) {
		t.Errorf("%s: %v, want status %d", what, err, code)
	}
}

// targetOrg adds ?targetOrgId= to a call: the client has no parameter for it
// (contract, targetOrgId paragraph: Grafana's UI sends it).
func targetOrg(orgID int64) ac.ClientOption {
	return withQuery("targetOrgId", strconv.FormatInt(orgID, 10))
}

// otherOrg makes an org, a custom role in it and a user of it, as the admin.
func (g *grafana) otherOrg(t *testing.T) (orgID int64, role *models.RoleDTO, userID int64) {
	t.Helper()
	res, err := g.admin.Orgs.CreateOrg(&models.CreateOrgCommand{Name: unique("org")})
	if err != nil {
		t.Fatalf("CreateOrg: %v", err)
	}
	orgID = *res.Payload.OrgID
	role = g.role(t, inOrg(g.admin, orgID))
	userID, login := g.user(t)
	if _, err := g.admin.Orgs.AddOrgUser(orgID, &models.AddOrgUserCommand{LoginOrEmail: login, Role: "Viewer"}); err != nil {
		t.Fatalf("AddOrgUser: %v", err)
	}
	return orgID, role, userID
}

// errOf keeps the error of a call's two results.
func errOf[T any](_ T, err error) error { return err }

// forEachRoleManager runs f as each caller the contract lets manage org roles.
func forEachRoleManager(t *testing.T, g *grafana, f func(t *testing.T, c *goapi.GrafanaHTTPAPI)) {
	for _, m := range roleManagers {
		t.Run(m.name, func(t *testing.T) { f(t, m.client(g)) })
	}
}

func TestAccessControl(t *testing.T) {
	eachRelease(t, func(t *testing.T, g *grafana) {
		t.Run("GetAccessControlStatus", func(t *testing.T) {
			// Client quirk: it models the answer as an integer, but Grafana answers {"enabled":true} (contract, /status row; Grafana's RBAC HTTP API docs, "Get status").
			if _, err := g.admin.AccessControl.GetAccessControlStatus(); err == nil {
				t.Error("the client decoded {\"enabled\":true} as an integer: remove this quirk")
			}
			code, body := g.raw(t, "GET", "/api/access-control/status", nil)
			var st struct{ Enabled bool }
			decodeRaw(t, body, &st)
			if code != http.StatusOK || !st.Enabled {
				t.Errorf("status: %d %s, want 200 enabled", code, body)
			}
		})

		t.Run("ListRoles", func(t *testing.T) {
			forEachRoleManager(t, g, func(t *testing.T, c *goapi.GrafanaHTTPAPI) {
				mine := g.role(t, c)
				res, err := c.AccessControl.ListRoles(ac.NewListRolesParams())
				if err != nil {
					t.Fatalf("ListRoles: %v", err)
				}
				i := slices.IndexFunc(res.Payload, func(r *models.RoleDTO) bool { return str(r.UID) == str(mine.UID) })
				if i < 0 {
					t.Fatalf("ListRoles lacks the role just made, %s", str(mine.UID))
				}
				if r := res.Payload[i]; str(r.Name) != str(mine.Name) || len(r.Permissions) != 0 || r.Version == nil {
					t.Errorf("listed role %+v: want name %s, a version, no permissions", r, str(mine.Name))
				}
				if !slices.ContainsFunc(res.Payload, func(r *models.RoleDTO) bool { return str(r.Name) == "fixed:roles:reader" }) {
					t.Error("ListRoles lacks fixed:roles:reader")
				}
				if slices.Contains(uids(res.Payload), "basic_viewer") {
					t.Error("ListRoles without includeHidden lists the hidden basic_viewer")
				}
				hidden, err := c.AccessControl.ListRoles(ac.NewListRolesParams().WithIncludeHidden(new(true)))
				if err != nil {
					t.Fatalf("ListRoles includeHidden: %v", err)
				}
				if !slices.Contains(uids(hidden.Payload), "basic_viewer") {
					t.Error("ListRoles with includeHidden lacks basic_viewer")
				}
				names := func(roles []*models.RoleDTO) []string {
					var out []string
					for _, r := range roles {
						out = append(out, str(r.Name))
					}
					return out
				}
				deleg, err := c.AccessControl.ListRoles(ac.NewListRolesParams().WithDelegatable(new(true)))
				if err != nil {
					t.Fatalf("ListRoles delegatable: %v", err)
				}
				// Nobody holds the escalate scope of fixed:roles:resetter by default, so nobody may assign it.
				if got := names(deleg.Payload); !slices.Contains(got, str(mine.Name)) || slices.Contains(got, "fixed:roles:resetter") {
					t.Errorf("ListRoles delegatable: %v, want %s and not fixed:roles:resetter", got, str(mine.Name))
				}
				if !slices.Contains(names(res.Payload), "fixed:roles:resetter") {
					t.Error("ListRoles lacks fixed:roles:resetter")
				}
			})
			t.Run("targetOrgId", func(t *testing.T) {
				orgID, theirs, _ := g.otherOrg(t)
				mine := g.role(t, g.admin)
				res, err := g.admin.AccessControl.ListRoles(ac.NewListRolesParams(), targetOrg(orgID))
				if err != nil {
					t.Fatalf("ListRoles targetOrgId: %v", err)
				}
				if got := uids(res.Payload); !slices.Contains(got, str(theirs.UID)) || slices.Contains(got, str(mine.UID)) {
					t.Errorf("ListRoles targetOrgId=%d lists %v: want org %d's role %s and not org 1's %s", orgID, got, orgID, str(theirs.UID), str(mine.UID))
				}
				_, err = g.orgAdmin.AccessControl.ListRoles(ac.NewListRolesParams(), targetOrg(orgID))
				refused(t, err, 403, "an Admin of org 1 listing org "+strconv.FormatInt(orgID, 10)+"'s roles")
			})
		})

		t.Run("GetRole", func(t *testing.T) {
			forEachRoleManager(t, g, func(t *testing.T, c *goapi.GrafanaHTTPAPI) {
				mine := g.role(t, c)
				res, err := c.AccessControl.GetRole(str(mine.UID))
				if err != nil {
					t.Fatalf("GetRole: %v", err)
				}
				r := res.Payload
				if str(r.UID) != str(mine.UID) || str(r.Name) != str(mine.Name) || r.Global || str(r.Group) != "Conformance" ||
					!slices.Equal(permSet(r.Permissions), permSet(reportPerms())) {
					t.Errorf("GetRole: %+v, want the role made, with permissions %v", r, permSet(reportPerms()))
				}
				basic, err := c.AccessControl.GetRole("basic_admin")
				if err != nil {
					t.Fatalf("GetRole basic_admin: %v", err)
				}
				if str(basic.Payload.Name) != "basic:admin" || !basic.Payload.Global || len(basic.Payload.Permissions) == 0 {
					t.Errorf("basic_admin: %+v", basic.Payload)
				}
				refused(t, errOf(c.AccessControl.GetRole("no-such-role")), 404, "GetRole of an unknown uid")
			})
		})

		t.Run("CreateRole", func(t *testing.T) {
			forEachRoleManager(t, g, func(t *testing.T, c *goapi.GrafanaHTTPAPI) {
				uid := unique("conf-uid")
				name := unique("custom:conformance:create")
				res, err := c.AccessControl.CreateRole(&models.CreateRoleForm{
					UID: uid, Name: name, DisplayName: "Created", Group: "Conformance", Version: 1, Permissions: reportPerms(),
				})
				if err != nil {
					t.Fatalf("CreateRole: %v", err) // the client accepts only 201
				}
				r := res.Payload
				if str(r.UID) != uid || str(r.Name) != name || str(r.DisplayName) != "Created" || r.Version == nil || *r.Version != 1 ||
					!slices.Equal(permSet(r.Permissions), permSet(reportPerms())) {
					t.Errorf("CreateRole answered %+v", r)
				}
				back, err := c.AccessControl.GetRole(uid)
				if err != nil {
					t.Fatalf("GetRole: %v", err)
				}
				if str(back.Payload.Name) != name || !slices.Equal(permSet(back.Payload.Permissions), permSet(reportPerms())) {
					t.Errorf("stored role %+v", back.Payload)
				}
				refused(t, errOf(c.AccessControl.CreateRole(&models.CreateRoleForm{UID: uid, Name: unique("custom:conformance:other")})), 409, "CreateRole with a taken uid")
			})
			t.Run("org_admin_token_global", func(t *testing.T) {
				refused(t, errOf(g.orgAdmin.AccessControl.CreateRole(&models.CreateRoleForm{
					Name: unique("custom:conformance:global"), Global: true, Permissions: reportPerms(),
				})), 403, "an org Admin creating a global role")
			})
		})

		t.Run("UpdateRole", func(t *testing.T) {
			forEachRoleManager(t, g, func(t *testing.T, c *goapi.GrafanaHTTPAPI) {
				mine := g.role(t, c)
				desc, group, display := "updated", "Conformance", "Updated"
				perms := []*models.Permission{{Action: "reports:read", Scope: "reports:*"}, {Action: "reports:send", Scope: "reports:*"}}
				res, err := c.AccessControl.UpdateRole(str(mine.UID), &models.UpdateRoleCommand{
					Name: str(mine.Name), Description: &desc, DisplayName: &display, Group: &group, Version: *mine.Version + 1, Permissions: perms,
				})
				if err != nil {
					t.Fatalf("UpdateRole: %v", err)
				}
				if v := res.Payload.Version; v == nil || *v != *mine.Version+1 || !slices.Equal(permSet(res.Payload.Permissions), permSet(perms)) {
					t.Errorf("UpdateRole answered %+v", res.Payload)
				}
				back, err := c.AccessControl.GetRole(str(mine.UID))
				if err != nil {
					t.Fatalf("GetRole: %v", err)
				}
				if str(back.Payload.Description) != desc || str(back.Payload.DisplayName) != display ||
					!slices.Equal(permSet(back.Payload.Permissions), permSet(perms)) {
					t.Errorf("stored role %+v", back.Payload)
				}
				refused(t, errOf(c.AccessControl.UpdateRole(str(mine.UID), &models.UpdateRoleCommand{
					Name: str(mine.Name), Version: *mine.Version, Permissions: perms,
				})), 400, "UpdateRole with a stale version")
			})
			t.Run("org_admin_token_basic_role", func(t *testing.T) {
				basic, err := g.admin.AccessControl.GetRole("basic_viewer")
				if err != nil {
					t.Fatalf("GetRole: %v", err)
				}
				b := basic.Payload
				refused(t, errOf(g.orgAdmin.AccessControl.UpdateRole("basic_viewer", &models.UpdateRoleCommand{
					Name: str(b.Name), Global: true, Version: *b.Version + 1, Permissions: append(b.Permissions, reportPerms()...),
				})), 403, "an org Admin writing a basic role")
				if after, err := g.admin.AccessControl.GetRole("basic_viewer"); err != nil || *after.Payload.Version != *b.Version {
					t.Errorf("basic_viewer after the refused write: %v, version %d, want %d", err, *after.Payload.Version, *b.Version)
				}
			})
		})

		t.Run("DeleteRole", func(t *testing.T) {
			forEachRoleManager(t, g, func(t *testing.T, c *goapi.GrafanaHTTPAPI) {
				mine := g.role(t, c)
				userID, _ := g.user(t)
				if _, err := c.AccessControl.AddUserRole(userID, &models.AddUserRoleCommand{RoleUID: str(mine.UID)}); err != nil {
					t.Fatalf("AddUserRole: %v", err)
				}
				refused(t, errOf(c.AccessControl.DeleteRole(ac.NewDeleteRoleParams().WithRoleUID(str(mine.UID)))), 400, "DeleteRole of an assigned role without force")
				res, err := c.AccessControl.DeleteRole(ac.NewDeleteRoleParams().WithRoleUID(str(mine.UID)).WithForce(new(true)))
				if err != nil {
					t.Fatalf("DeleteRole: %v", err)
				}
				if res.Payload.Message == "" {
					t.Error("DeleteRole answered no message")
				}
				refused(t, errOf(c.AccessControl.GetRole(str(mine.UID))), 404, "GetRole after DeleteRole")
				if got := g.userRoleUIDs(t, userID); slices.Contains(got, str(mine.UID)) {
					t.Errorf("the user keeps the deleted role: %v", got)
				}
			})
			t.Run("org_admin_token_global", func(t *testing.T) {
				global, err := g.admin.AccessControl.CreateRole(&models.CreateRoleForm{
					Name: unique("custom:conformance:global"), Global: true, Permissions: reportPerms(),
				})
				if err != nil {
					t.Fatalf("CreateRole global: %v", err)
				}
				uid := str(global.Payload.UID)
				refused(t, errOf(g.orgAdmin.AccessControl.DeleteRole(ac.NewDeleteRoleParams().WithRoleUID(uid).WithGlobal(new(true)))), 403, "an org Admin deleting a global role")
				if _, err := g.admin.AccessControl.GetRole(uid); err != nil {
					t.Errorf("the global role after the refused delete: %v", err)
				}
			})
		})

		t.Run("AddTeamRole", func(t *testing.T) {
			forEachRoleManager(t, g, func(t *testing.T, c *goapi.GrafanaHTTPAPI) {
				mine := g.role(t, c)
				teamID, _ := g.team(t)
				res, err := c.AccessControl.AddTeamRole(teamID, &models.AddTeamRoleCommand{RoleUID: str(mine.UID)})
				if err != nil {
					t.Fatalf("AddTeamRole: %v", err)
				}
				if res.Payload.Message == "" {
					t.Error("AddTeamRole answered no message")
				}
				if got := g.teamRoleUIDs(t, teamID); !slices.Equal(got, []string{str(mine.UID)}) {
					t.Errorf("team roles %v, want [%s]", got, str(mine.UID))
				}
			})
			t.Run("org_admin_token_basic_role", func(t *testing.T) {
				teamID, _ := g.team(t)
				refused(t, errOf(g.orgAdmin.AccessControl.AddTeamRole(teamID, &models.AddTeamRoleCommand{RoleUID: "basic_viewer"})), 400, "assigning a basic role to a team")
			})
		})

		t.Run("ListTeamRoles", func(t *testing.T) {
			forEachRoleManager(t, g, func(t *testing.T, c *goapi.GrafanaHTTPAPI) {
				mine := g.role(t, c)
				teamID, _ := g.team(t)
				if _, err := c.AccessControl.AddTeamRole(teamID, &models.AddTeamRoleCommand{RoleUID: str(mine.UID)}); err != nil {
					t.Fatalf("AddTeamRole: %v", err)
				}
				// Client quirk: it models the answer as a message, but Grafana answers a list of roles, as for users (contract, GET /teams/:teamId/roles row; the client's own ListUserRoles decodes that list).
				if _, err := c.AccessControl.ListTeamRoles(teamID); err == nil {
					t.Error("the client decoded a list of roles as a message: remove this quirk")
				}
				if got := g.teamRoleUIDs(t, teamID); !slices.Equal(got, []string{str(mine.UID)}) {
					t.Errorf("team roles %v, want [%s]", got, str(mine.UID))
				}
			})
		})

		t.Run("SetTeamRoles", func(t *testing.T) {
			forEachRoleManager(t, g, func(t *testing.T, c *goapi.GrafanaHTTPAPI) {
				a, b := g.role(t, c), g.role(t, c)
				teamID, _ := g.team(t)
				if _, err := c.AccessControl.AddTeamRole(teamID, &models.AddTeamRoleCommand{RoleUID: str(a.UID)}); err != nil {
					t.Fatalf("AddTeamRole: %v", err)
				}
				if _, err := c.AccessControl.SetTeamRoles(teamID, &models.SetTeamRolesCommand{RoleUids: []string{str(b.UID)}}); err != nil {
					t.Fatalf("SetTeamRoles: %v", err)
				}
				if got := g.teamRoleUIDs(t, teamID); !slices.Equal(got, []string{str(b.UID)}) {
					t.Errorf("team roles %v, want only [%s]", got, str(b.UID))
				}
			})
		})

		t.Run("RemoveTeamRole", func(t *testing.T) {
			forEachRoleManager(t, g, func(t *testing.T, c *goapi.GrafanaHTTPAPI) {
				mine := g.role(t, c)
				teamID, _ := g.team(t)
				if _, err := c.AccessControl.AddTeamRole(teamID, &models.AddTeamRoleCommand{RoleUID: str(mine.UID)}); err != nil {
					t.Fatalf("AddTeamRole: %v", err)
				}
				res, err := c.AccessControl.RemoveTeamRole(teamID, str(mine.UID))
				if err != nil {
					t.Fatalf("RemoveTeamRole: %v", err)
				}
				if res.Payload.Message == "" {
					t.Error("RemoveTeamRole answered no message")
				}
				if got := g.teamRoleUIDs(t, teamID); len(got) != 0 {
					t.Errorf("team roles %v, want none", got)
				}
			})
		})

		t.Run("AddUserRole", func(t *testing.T) {
			forEachRoleManager(t, g, func(t *testing.T, c *goapi.GrafanaHTTPAPI) {
				mine := g.role(t, c)
				userID, _ := g.user(t)
				sa := g.serviceAccount(t, "Viewer")
				for _, id := range []int64{userID, sa.ID} {
					res, err := c.AccessControl.AddUserRole(id, &models.AddUserRoleCommand{RoleUID: str(mine.UID)})
					if err != nil {
						t.Fatalf("AddUserRole %d: %v", id, err)
					}
					if res.Payload.Message == "" {
						t.Error("AddUserRole answered no message")
					}
					if got := g.userRoleUIDs(t, id); !slices.Contains(got, str(mine.UID)) {
						t.Errorf("user %d roles %v lack %s", id, got, str(mine.UID))
					}
				}
			})
			t.Run("org_admin_token_global", func(t *testing.T) {
				global, err := g.admin.AccessControl.CreateRole(&models.CreateRoleForm{
					Name: unique("custom:conformance:global"), Global: true, Permissions: reportPerms(),
				})
				if err != nil {
					t.Fatalf("CreateRole global: %v", err)
				}
				userID, _ := g.user(t)
				refused(t, errOf(g.orgAdmin.AccessControl.AddUserRole(userID, &models.AddUserRoleCommand{RoleUID: str(global.Payload.UID), Global: true})), 403, "an org Admin making a global assignment")
			})
		})

		t.Run("ListUserRoles", func(t *testing.T) {
			forEachRoleManager(t, g, func(t *testing.T, c *goapi.GrafanaHTTPAPI) {
				mine := g.role(t, c)
				userID, _ := g.user(t)
				if _, err := c.AccessControl.AddUserRole(userID, &models.AddUserRoleCommand{RoleUID: str(mine.UID)}); err != nil {
					t.Fatalf("AddUserRole: %v", err)
				}
				res, err := c.AccessControl.ListUserRoles(userID)
				if err != nil {
					t.Fatalf("ListUserRoles: %v", err)
				}
				i := slices.IndexFunc(res.Payload, func(r *models.RoleDTO) bool { return str(r.UID) == str(mine.UID) })
				if i < 0 || str(res.Payload[i].Name) != str(mine.Name) {
					t.Errorf("ListUserRoles %v lacks %s", uids(res.Payload), str(mine.UID))
				}
			})
		})

		t.Run("SetUserRoles", func(t *testing.T) {
			forEachRoleManager(t, g, func(t *testing.T, c *goapi.GrafanaHTTPAPI) {
				a, b := g.role(t, c), g.role(t, c)
				userID, _ := g.user(t)
				if _, err := c.AccessControl.AddUserRole(userID, &models.AddUserRoleCommand{RoleUID: str(a.UID)}); err != nil {
					t.Fatalf("AddUserRole: %v", err)
				}
				if _, err := c.AccessControl.SetUserRoles(userID, &models.SetUserRolesCommand{RoleUids: []string{str(b.UID)}}); err != nil {
					t.Fatalf("SetUserRoles: %v", err)
				}
				got := g.userRoleUIDs(t, userID)
				if !slices.Contains(got, str(b.UID)) || slices.Contains(got, str(a.UID)) {
					t.Errorf("user roles %v, want %s and not %s", got, str(b.UID), str(a.UID))
				}
			})
			t.Run("targetOrgId", func(t *testing.T) {
				orgID, theirs, userID := g.otherOrg(t)
				if _, err := g.admin.AccessControl.SetUserRoles(userID, &models.SetUserRolesCommand{RoleUids: []string{str(theirs.UID)}}, targetOrg(orgID)); err != nil {
					t.Fatalf("SetUserRoles targetOrgId: %v", err)
				}
				inOrg, err := g.admin.AccessControl.ListUserRoles(userID, targetOrg(orgID))
				if err != nil {
					t.Fatalf("ListUserRoles targetOrgId: %v", err)
				}
				if got := uids(inOrg.Payload); !slices.Contains(got, str(theirs.UID)) {
					t.Errorf("user %d's roles in org %d: %v, want %s", userID, orgID, got, str(theirs.UID))
				}
				if got := g.userRoleUIDs(t, userID); slices.Contains(got, str(theirs.UID)) {
					t.Errorf("user %d's roles in org 1 hold org %d's role: %v", userID, orgID, got)
				}
			})
		})

		t.Run("RemoveUserRole", func(t *testing.T) {
			forEachRoleManager(t, g, func(t *testing.T, c *goapi.GrafanaHTTPAPI) {
				mine := g.role(t, c)
				userID, _ := g.user(t)
				if _, err := c.AccessControl.AddUserRole(userID, &models.AddUserRoleCommand{RoleUID: str(mine.UID)}); err != nil {
					t.Fatalf("AddUserRole: %v", err)
				}
				res, err := c.AccessControl.RemoveUserRole(ac.NewRemoveUserRoleParams().WithUserID(userID).WithRoleUID(str(mine.UID)))
				if err != nil {
					t.Fatalf("RemoveUserRole: %v", err)
				}
				if res.Payload.Message == "" {
					t.Error("RemoveUserRole answered no message")
				}
				if got := g.userRoleUIDs(t, userID); slices.Contains(got, str(mine.UID)) {
					t.Errorf("user roles %v still hold %s", got, str(mine.UID))
				}
			})
		})

		t.Run("ListTeamsRoles", func(t *testing.T) {
			forEachRoleManager(t, g, func(t *testing.T, c *goapi.GrafanaHTTPAPI) {
				mine := g.role(t, c)
				t1, _ := g.team(t)
				t2, _ := g.team(t)
				if _, err := c.AccessControl.AddTeamRole(t1, &models.AddTeamRoleCommand{RoleUID: str(mine.UID)}); err != nil {
					t.Fatalf("AddTeamRole: %v", err)
				}
				res, err := c.AccessControl.ListTeamsRoles(&models.RolesSearchQuery{TeamIds: []int64{t1, t2}})
				if err != nil {
					t.Fatalf("ListTeamsRoles: %v", err)
				}
				k1, k2 := strconv.FormatInt(t1, 10), strconv.FormatInt(t2, 10)
				if got := valueUIDs(res.Payload[k1]); !slices.Equal(got, []string{str(mine.UID)}) {
					t.Errorf("team %s: %v, want [%s]", k1, got, str(mine.UID))
				}
				if got := res.Payload[k2]; len(got) != 0 {
					t.Errorf("team %s: %v, want none", k2, valueUIDs(got))
				}
			})
		})

		t.Run("ListUsersRoles", func(t *testing.T) {
			forEachRoleManager(t, g, func(t *testing.T, c *goapi.GrafanaHTTPAPI) {
				mine := g.role(t, c)
				u1, _ := g.user(t)
				u2, _ := g.user(t)
				if _, err := c.AccessControl.AddUserRole(u1, &models.AddUserRoleCommand{RoleUID: str(mine.UID)}); err != nil {
					t.Fatalf("AddUserRole: %v", err)
				}
				res, err := c.AccessControl.ListUsersRoles(&models.RolesSearchQuery{UserIds: []int64{u1, u2}})
				if err != nil {
					t.Fatalf("ListUsersRoles: %v", err)
				}
				k1, k2 := strconv.FormatInt(u1, 10), strconv.FormatInt(u2, 10)
				if got := valueUIDs(res.Payload[k1]); !slices.Contains(got, str(mine.UID)) {
					t.Errorf("user %s: %v, want %s", k1, got, str(mine.UID))
				}
				if got := valueUIDs(res.Payload[k2]); slices.Contains(got, str(mine.UID)) {
					t.Errorf("user %s: %v, want no %s", k2, got, str(mine.UID))
				}
			})
		})

		t.Run("GetRoleAssignments", func(t *testing.T) {
			forEachRoleManager(t, g, func(t *testing.T, c *goapi.GrafanaHTTPAPI) {
				mine := g.role(t, c)
				userID, _ := g.user(t)
				teamID, _ := g.team(t)
				sa := g.serviceAccount(t, "Viewer")
				for _, id := range []int64{userID, sa.ID} {
					if _, err := c.AccessControl.AddUserRole(id, &models.AddUserRoleCommand{RoleUID: str(mine.UID)}); err != nil {
						t.Fatalf("AddUserRole: %v", err)
					}
				}
				if _, err := c.AccessControl.AddTeamRole(teamID, &models.AddTeamRoleCommand{RoleUID: str(mine.UID)}); err != nil {
					t.Fatalf("AddTeamRole: %v", err)
				}
				res, err := c.AccessControl.GetRoleAssignments(str(mine.UID))
				if err != nil {
					t.Fatalf("GetRoleAssignments: %v", err)
				}
				a := res.Payload
				if a.RoleUID != str(mine.UID) || !sameIDs(a.Users, []int64{userID}) || !sameIDs(a.Teams, []int64{teamID}) ||
					!sameIDs(a.ServiceAccounts, []int64{sa.ID}) {
					t.Errorf("GetRoleAssignments: %+v, want users [%d], teams [%d], service accounts [%d]", a, userID, teamID, sa.ID)
				}
			})
		})

		t.Run("SetRoleAssignments", func(t *testing.T) {
			forEachRoleManager(t, g, func(t *testing.T, c *goapi.GrafanaHTTPAPI) {
				mine := g.role(t, c)
				old, _ := g.user(t)
				userID, _ := g.user(t)
				teamID, _ := g.team(t)
				sa := g.serviceAccount(t, "Viewer")
				if _, err := c.AccessControl.AddUserRole(old, &models.AddUserRoleCommand{RoleUID: str(mine.UID)}); err != nil {
					t.Fatalf("AddUserRole: %v", err)
				}
				res, err := c.AccessControl.SetRoleAssignments(str(mine.UID), &models.SetRoleAssignmentsCommand{
					Users: []int64{userID}, Teams: []int64{teamID}, ServiceAccounts: []int64{sa.ID},
				})
				if err != nil {
					t.Fatalf("SetRoleAssignments: %v", err)
				}
				a := res.Payload
				if a.RoleUID != str(mine.UID) || !sameIDs(a.Users, []int64{userID}) || !sameIDs(a.Teams, []int64{teamID}) ||
					!sameIDs(a.ServiceAccounts, []int64{sa.ID}) {
					t.Errorf("SetRoleAssignments answered %+v", a)
				}
				back, err := c.AccessControl.GetRoleAssignments(str(mine.UID))
				if err != nil {
					t.Fatalf("GetRoleAssignments: %v", err)
				}
				if b := back.Payload; !sameIDs(b.Users, []int64{userID}) || !sameIDs(b.Teams, []int64{teamID}) || !sameIDs(b.ServiceAccounts, []int64{sa.ID}) {
					t.Errorf("stored assignments %+v", b)
				}
				if got := g.userRoleUIDs(t, old); slices.Contains(got, str(mine.UID)) {
					t.Errorf("user %d left out of the set keeps the role: %v", old, got)
				}
				if got := g.teamRoleUIDs(t, teamID); !slices.Equal(got, []string{str(mine.UID)}) {
					t.Errorf("team roles %v, want [%s]", got, str(mine.UID))
				}
				refused(t, errOf(c.AccessControl.SetRoleAssignments("basic_viewer", &models.SetRoleAssignmentsCommand{Users: []int64{userID}})), 400, "SetRoleAssignments of a basic role")
			})
		})
	})
}
