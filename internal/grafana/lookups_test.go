package grafana_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

func TestEmulatorLookups(t *testing.T) {
	ctx := context.Background()
	forEachGeneration(t, []int{8, 12}, func(t *testing.T, e *env) {
		uid := must(e.c.CreateUser(ctx, grafana.CreateUserRequest{Login: "ana", Email: "ana@x", Name: "Ana", Password: "pw"})).get(t)
		members := must(e.c.ListOrgUsers(ctx)).get(t)
		i := slices.IndexFunc(members, func(u grafana.OrgUser) bool { return u.UserID == uid })
		if i < 0 || members[i].Login != "ana" || members[i].Email != "ana@x" || members[i].Role != "Viewer" {
			t.Fatalf("ListOrgUsers: ana missing or wrong in %+v", members)
		}
		if e.gen == 8 {
			return
		}
		var ids []int64
		for i := range 3 {
			ids = append(ids, must(e.c.CreateServiceAccount(ctx, fmt.Sprintf("sa-%d", i), "Viewer")).get(t).ID)
		}
		sa := must(e.c.GetServiceAccount(ctx, ids[1])).get(t)
		if sa.Name != "sa-1" || sa.Role != "Viewer" || sa.IsDisabled {
			t.Fatalf("GetServiceAccount: %+v", sa)
		}
		if got := must(e.c.SearchServiceAccounts(ctx, "")).get(t); len(got) != 3 {
			t.Fatalf("SearchServiceAccounts(all): %+v", got)
		}
		if got := must(e.c.SearchServiceAccounts(ctx, "sa-2")).get(t); len(got) != 1 || got[0].ID != ids[2] {
			t.Fatalf("SearchServiceAccounts(sa-2): %+v", got)
		}

		role := must(e.c.CreateRole(ctx, grafana.CreateRoleRequest{Name: "custom:holders", Version: 1})).get(t)
		team := must(e.c.CreateTeam(ctx, "t", "")).get(t)
		if got := must(e.c.ListTeams(ctx)).get(t); len(got) != 1 || got[0].ID != team {
			t.Fatalf("ListTeams: %+v", got)
		}
		ok(t, e.c.SetRoleAssignments(ctx, role.UID, grafana.RoleAssignments{Users: []int64{uid}, Teams: []int64{team}, ServiceAccounts: ids[:1]}))
		got := must(e.c.GetRoleAssignments(ctx, role.UID)).get(t)
		if !slices.Equal(got.Users, []int64{uid}) || !slices.Equal(got.Teams, []int64{team}) || !slices.Equal(got.ServiceAccounts, ids[:1]) {
			t.Fatalf("after SetRoleAssignments: %+v", got)
		}
		if got := must(e.c.ListTeams(ctx)).get(t); len(got) != 1 || got[0].ID != team {
			t.Fatalf("ListTeams: %+v", got)
		}
		ok(t, e.c.SetRoleAssignments(ctx, role.UID, grafana.RoleAssignments{}))
		if got := must(e.c.GetRoleAssignments(ctx, role.UID)).get(t); len(got.Users)+len(got.Teams)+len(got.ServiceAccounts) != 0 {
			t.Fatalf("after emptying: %+v", got)
		}
	})
}
