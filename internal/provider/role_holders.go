package provider

import (
	"context"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

// Who holds a role in one org: the role-centric read shared by the
// grafanarbac_role_assignments data source and resource.

// hasRoleAssignmentsAPI: GET and PUT /roles/:uid/assignments came in 9.2.
func (r grafanaRelease) hasRoleAssignmentsAPI() bool {
	return r.major > 9 || (r.major == 9 && r.minor >= 2)
}

// roleHolders reads the users, teams and service accounts that hold role uid
// in the client's org (org grants only; a global user grant is no org's),
// each sorted. Before 9.2 it asks every member, service account and team.
func roleHolders(ctx context.Context, data *providerData, client *grafana.Client, uid string) (grafana.RoleAssignments, error) {
	rel, err := releaseOf(ctx, &data.reads, client)
	if err != nil {
		return grafana.RoleAssignments{}, err
	}
	var out grafana.RoleAssignments
	if rel.hasRoleAssignmentsAPI() {
		a, err := client.GetRoleAssignments(ctx, uid)
		if err != nil {
			return grafana.RoleAssignments{}, err
		}
		out = *a
	} else if out, err = roleHoldersBySearch(ctx, client, uid); err != nil {
		return grafana.RoleAssignments{}, err
	}
	out.RoleUID = uid
	for _, ids := range []*[]int64{&out.Users, &out.Teams, &out.ServiceAccounts} {
		*ids = sortedIDs(*ids)
	}
	return out, nil
}

func roleHoldersBySearch(ctx context.Context, client *grafana.Client, uid string) (grafana.RoleAssignments, error) {
	var out grafana.RoleAssignments
	members, err := client.ListOrgUsers(ctx)
	if err != nil {
		return out, err
	}
	accounts, err := client.SearchServiceAccounts(ctx, "")
	if err != nil {
		return out, err
	}
	teams, err := client.ListTeams(ctx)
	if err != nil {
		return out, err
	}
	isAccount := map[int64]bool{}
	var userIDs, teamIDs []int64
	for _, m := range members {
		userIDs = append(userIDs, m.UserID)
	}
	for _, sa := range accounts {
		isAccount[sa.ID] = true
		userIDs = append(userIDs, sa.ID)
	}
	for _, t := range teams {
		teamIDs = append(teamIDs, t.ID)
	}
	byUser, err := client.SearchUserRoles(ctx, userIDs, true)
	if err != nil {
		return out, err
	}
	byTeam, err := client.SearchTeamRoles(ctx, teamIDs, true)
	if err != nil {
		return out, err
	}
	for id, roles := range byUser {
		switch {
		case !rolesHaveUID(roles, uid):
		case isAccount[id]:
			out.ServiceAccounts = append(out.ServiceAccounts, id)
		default:
			out.Users = append(out.Users, id)
		}
	}
	for id, roles := range byTeam {
		if rolesHaveUID(roles, uid) {
			out.Teams = append(out.Teams, id)
		}
	}
	return out, nil
}

func sortedIDs(ids []int64) []int64 { return sortedSet(ids) }
