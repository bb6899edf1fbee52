package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
)

// memPrivate is a resource's private state between its plans.
type memPrivate map[string][]byte

func (m memPrivate) GetKey(_ context.Context, key string) ([]byte, diag.Diagnostics) {
	return m[key], nil
}

func (m memPrivate) SetKey(_ context.Context, key string, value []byte) diag.Diagnostics {
	m[key] = value
	return nil
}

// coverPlan is one resource's claims, as its ModifyPlan makes them.
type coverPlan struct {
	name    string
	cover   string        // an authoritative resource's cover; empty for a per-item one
	stated  []statedGrant // an authoritative resource's grants
	covers  []string      // a per-item resource's grant
	private memPrivate
}

func holdersOf(orgID int64, uid string, teams, users []int64) coverPlan {
	p := coverPlan{name: fmt.Sprintf("holders of %s in %d", uid, orgID), cover: roleCover(orgID, uid)}
	for _, id := range teams {
		p.stated = append(p.stated, teamGrant(orgID, id, uid))
	}
	for _, id := range users {
		p.stated = append(p.stated, userGrant(orgID, id, false, uid))
	}
	return p
}

func rolesOfTeam(orgID, teamID int64, uids ...string) coverPlan {
	p := coverPlan{name: fmt.Sprintf("roles of team %d in %d", teamID, orgID), cover: teamCover(orgID, teamID)}
	for _, uid := range uids {
		p.stated = append(p.stated, teamGrant(orgID, teamID, uid))
	}
	return p
}

func rolesOfUser(orgID, userID int64, uids ...string) coverPlan {
	p := coverPlan{name: fmt.Sprintf("roles of user %d in %d", userID, orgID), cover: userCover(orgID, userID)}
	for _, uid := range uids {
		p.stated = append(p.stated, userGrant(orgID, userID, orgID == 0, uid))
	}
	return p
}

func (p coverPlan) plan(c *coverClaims) diag.Diagnostics {
	if p.private == nil {
		p.private = memPrivate{}
	}
	var diags diag.Diagnostics
	if p.cover == "" {
		c.claimItem(context.Background(), p.private, p.covers, p.name, path.Root("x"), &diags)
	} else {
		c.claimCover(context.Background(), p.private, p.cover, p.name, p.stated, path.Root("x"), &diags)
	}
	return diags
}

// Two authoritative resources of different kinds conflict when either states
// a grant that both decide, whichever is planned first; they plan when
// neither states it.
func TestCoverClaimsAuthoritativePairs(t *testing.T) {
	t.Parallel()
	const cross = "Two authoritative resources decide the same grant"
	tests := []struct {
		name   string
		a, b   coverPlan
		want   string // the summary of the one diagnostic expected; empty: none
		detail string // a part of its detail; %s: who grants it, seen from the second
		stater string // the name of the one that grants it
	}{
		{"role lists the team, team omits the role", holdersOf(1, "r", []int64{5}, nil), rolesOfTeam(1, 5, "s"),
			cross, `whether team 5 holds role "r" in organization 1, and %s grants it: each apply would undo the other's change`, "holders of r in 1"},
		{"team lists the role, role omits the team", holdersOf(1, "r", []int64{6}, nil), rolesOfTeam(1, 5, "r"),
			cross, `whether team 5 holds role "r" in organization 1, and %s grants it: each apply would undo the other's change`, "roles of team 5 in 1"},
		{"both state the grant", holdersOf(1, "r", []int64{5}, nil), rolesOfTeam(1, 5, "r"),
			cross, `and both grant it: a destroy of either would take a grant the other still states`, ""},
		{"role lists the user, user omits the role", holdersOf(1, "r", nil, []int64{7}), rolesOfUser(1, 7),
			cross, `whether user 7 holds role "r" in organization 1, and %s grants it`, "holders of r in 1"},
		{"user lists the role", holdersOf(1, "r", nil, nil), rolesOfUser(1, 7, "r"),
			cross, `whether user 7 holds role "r" in organization 1, and %s grants it`, "roles of user 7 in 1"},
		{"neither states the grant", holdersOf(1, "r", []int64{6}, []int64{8}), rolesOfTeam(1, 5, "s"), "", "", ""},
		{"neither states the user's grant", holdersOf(1, "r", []int64{5}, []int64{8}), rolesOfUser(1, 7, "s"), "", "", ""},
		{"other organization", holdersOf(1, "r", []int64{5}, nil), rolesOfTeam(2, 5, "r"), "", "", ""},
		{"global roles of the user", holdersOf(1, "r", nil, []int64{7}), rolesOfUser(0, 7, "r"), "", "", ""},
		{"two teams' roles", rolesOfTeam(1, 5, "r"), rolesOfTeam(1, 6, "r"), "", "", ""},
		{"a team's and a user's roles", rolesOfTeam(1, 5, "r"), rolesOfUser(1, 5, "r"), "", "", ""},
		{"same kind, same cover", rolesOfTeam(1, 5, "r"), rolesOfTeam(1, 5, "s"), "Two resources decide the same grants", "roles of team 5 in 1", ""},
	}
	for _, tt := range tests {
		for _, order := range [][2]coverPlan{{tt.a, tt.b}, {tt.b, tt.a}} {
			first, second := order[0], order[1]
			var c coverClaims
			if d := first.plan(&c); d.HasError() {
				t.Fatalf("%s: first plan: %v", tt.name, d)
			}
			d := second.plan(&c)
			if tt.want == "" {
				if d.HasError() {
					t.Errorf("%s (%s second): %v", tt.name, second.name, d)
				}
				continue
			}
			if len(d) != 1 || d[0].Summary() != tt.want {
				t.Errorf("%s (%s second): %v, want one %q", tt.name, second.name, d, tt.want)
				continue
			}
			detail := tt.detail
			if tt.stater != "" {
				who := "the other"
				if second.name == tt.stater {
					who = "this resource"
				}
				detail = fmt.Sprintf(detail, who)
			}
			for _, part := range []string{detail, second.name, first.name} {
				if !strings.Contains(d[0].Detail(), part) {
					t.Errorf("%s (%s second): %q lacks %q", tt.name, second.name, d[0].Detail(), part)
				}
			}
		}
	}
}

// A resource planned twice (a replacement) is one resource, and a per-item
// grant under a cover that an authoritative resource of another kind only
// states (team_roles of team 5 lists role r; no one decides role r) plans.
func TestCoverClaimsSameResourceAndPerItem(t *testing.T) {
	t.Parallel()
	var c coverClaims
	holders := holdersOf(1, "r", []int64{5}, nil)
	holders.private = memPrivate{}
	for range 2 {
		if d := holders.plan(&c); d.HasError() {
			t.Fatalf("replanned: %v", d)
		}
	}
	roles := rolesOfTeam(1, 6, "s")
	if d := roles.plan(&c); d.HasError() {
		t.Fatalf("team 6: %v", d)
	}
	item := coverPlan{name: "item s to team 7", covers: teamGrantCovers(1, 7, "s")}
	if d := item.plan(&c); d.HasError() {
		t.Errorf("per-item grant of role s to team 7: %v", d)
	}
	item = coverPlan{name: "item r to team 7", covers: teamGrantCovers(1, 7, "r")}
	if d := item.plan(&c); len(d) != 1 || !strings.Contains(d[0].Detail(), holders.name) {
		t.Errorf("per-item grant of role r: %v, want the conflict with %s", d, holders.name)
	}
}
