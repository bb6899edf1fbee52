package emulator

import (
	"fmt"
	"slices"
	"testing"
)

// ?targetOrgId= makes the list or write in that org, with the caller's
// permissions there; it never answers for the caller's own org.
func TestTargetOrgID(t *testing.T) {
	eachGen(t, []int{12, 13}, func(t *testing.T, e *env) {
		e.create(admin, map[string]any{"uid": "r1", "name": "custom:r1"})
		org2 := e.createOrg("o2")
		e.create(admin.in(org2), map[string]any{"uid": "r2", "name": "custom:r2"})
		t2 := e.createTeam(admin.in(org2), "t2")
		u := e.createUser("u") // Viewer of org 1
		e.want(200, admin, "POST", "/api/orgs/"+itoa(org2)+"/users", map[string]any{"loginOrEmail": "u", "role": "Viewer"})
		oa := e.createUser("oa") // Admin of org 1 only
		e.setOrgRole(1, oa, "Admin")
		_, token := e.createSA(1, "tf", "Admin")
		oaAs := as{auth: "oa:oa-pw"}

		q := "?targetOrgId=" + itoa(org2)
		teamPath := fmt.Sprintf("/api/access-control/teams/%d/roles", t2)
		userPath := fmt.Sprintf("/api/access-control/users/%d/roles", u)

		var roles []R
		e.want(200, admin, "GET", "/api/access-control/roles"+q, nil).into(t, &roles)
		if !hasUID(roles, "r2") || hasUID(roles, "r1") || !hasUID(roles, e.fixedUID("fixed:roles:reader")) {
			t.Errorf("roles of org 2 from org 1: %v", uids(roles))
		}
		// Without it, org 1 answers, and org 2's team is not found there.
		e.want(200, admin, "GET", "/api/access-control/roles", nil).into(t, &roles)
		if hasUID(roles, "r2") || !hasUID(roles, "r1") {
			t.Errorf("roles of org 1: %v", uids(roles))
		}
		e.want(404, admin, "GET", teamPath, nil)

		// Writes land in the target org, read back from there.
		e.want(200, admin, "PUT", teamPath+q, map[string]any{"roleUids": []string{"r2"}})
		if got := e.roleUIDsAt(org2, teamPath); !slices.Equal(got, []string{"r2"}) {
			t.Errorf("team roles in org 2: %v", got)
		}
		e.want(200, admin, "GET", teamPath+q, nil).into(t, &roles)
		if !slices.Equal(uids(roles), []string{"r2"}) {
			t.Errorf("team roles read with targetOrgId: %v", uids(roles))
		}
		e.want(200, admin, "PUT", userPath+q, map[string]any{"roleUids": []string{"r2"}})
		if got := e.roleUIDsAt(org2, userPath); !slices.Equal(got, []string{"r2"}) {
			t.Errorf("user roles in org 2: %v", got)
		}
		if got := e.roleUIDsAt(1, userPath); len(got) != 0 {
			t.Errorf("user roles in org 1: %v", got)
		}
		e.want(200, admin, "GET", userPath+q, nil).into(t, &roles)
		if !slices.Equal(uids(roles), []string{"r2"}) {
			t.Errorf("user roles read with targetOrgId: %v", uids(roles))
		}
		// An org role of the caller's org is not visible in the target org.
		e.want(404, admin, "PUT", userPath+q, map[string]any{"roleUids": []string{"r1"}})

		// 403 where the caller has no permission in the target org.
		for _, tt := range []reqCase{
			{"org 1 Admin, not in org 2: list", oaAs, "GET", "/api/access-control/roles" + q, nil, 403},
			{"org 1 Admin, not in org 2: team roles", oaAs, "GET", teamPath + q, nil, 403},
			{"org 1 Admin, not in org 2: set team roles", oaAs, "PUT", teamPath + q, map[string]any{"roleUids": []string{}}, 403},
			{"org 1 Admin, not in org 2: user roles", oaAs, "GET", userPath + q, nil, 403},
			{"org 1 Admin, not in org 2: set user roles", oaAs, "PUT", userPath + q, map[string]any{"roleUids": []string{}}, 403},
			{"org 1 Admin token", as{auth: token}, "GET", "/api/access-control/roles" + q, nil, 403},
			{"Viewer of org 2", as{auth: "u:u-pw"}, "GET", "/api/access-control/roles" + q, nil, 403},
			{"unknown org, not a server admin", oaAs, "GET", "/api/access-control/roles?targetOrgId=999", nil, 403},
			{"unknown org, server admin", admin, "GET", "/api/access-control/roles?targetOrgId=999", nil, 404},
			{"not a number", admin, "GET", "/api/access-control/roles?targetOrgId=two", nil, 400},
		} {
			if r := e.do(tt.who, tt.method, tt.path, tt.body); r.status != tt.status {
				t.Errorf("%s: %s", tt.name, r)
			}
		}
		if got := e.roleUIDsAt(org2, teamPath); !slices.Equal(got, []string{"r2"}) {
			t.Errorf("refused writes changed team roles in org 2: %v", got)
		}
		// Admin of org 2 too, the user manages it from org 1.
		e.want(200, admin, "POST", "/api/orgs/"+itoa(org2)+"/users", map[string]any{"loginOrEmail": "oa", "role": "Admin"})
		e.want(200, oaAs, "PUT", userPath+q, map[string]any{"roleUids": []string{}})
		if got := e.roleUIDsAt(org2, userPath); len(got) != 0 {
			t.Errorf("user roles in org 2 after oa's PUT: %v", got)
		}
		e.want(200, oaAs, "GET", "/api/access-control/roles"+q, nil).into(t, &roles)
		if !hasUID(roles, "r2") || hasUID(roles, "r1") {
			t.Errorf("oa's list of org 2: %v", uids(roles))
		}
	})
}
