package provider

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
)

// coverClaims extend the per-run claims (grantClaims) to the authoritative
// resources. An authoritative resource decides every grant under one cover
// (a role in an org, a team, a user). A grant under a cover that one
// resource decides, stated by another resource of the same configuration (a
// per-item resource, or an authoritative resource of another kind whose own
// cover holds the grant too), fails the plan, as do two authoritative
// resources deciding one cover: while they disagree each apply undoes the
// other's, and when they agree a destroy of either takes a grant the other
// still states. Whichever is planned second fails, naming the first.
type coverClaims struct {
	mu     sync.Mutex
	owners map[string]coverClaim   // cover → the authoritative resource deciding it
	items  map[string][]coverClaim // cover → the resources stating a grant under it
}

type coverClaim struct {
	token string // the resource's claimToken
	what  string // the resource, for messages ("grafanarbac_team_roles of team 5 in organization 1")
	grant string // for a grant an authoritative resource states: the grant ("team 5 holds role \"x\" in organization 1")
}

// statedGrant is a grant an authoritative resource states: the covers it
// falls under (its own among them) and, for messages, what it is.
type statedGrant struct {
	covers []string
	what   string
}

// Covers: what an authoritative resource decides.
func roleCover(orgID int64, uid string) string { return fmt.Sprintf("role %d:%s", orgID, uid) }
func teamCover(orgID, teamID int64) string     { return fmt.Sprintf("team %d:%d", orgID, teamID) }

// userCover is one org's roles of a user, or its global ones (orgID 0).
func userCover(orgID, userID int64) string {
	scope := "global"
	if orgID > 0 {
		scope = strconv.FormatInt(orgID, 10)
	}
	return fmt.Sprintf("user %s:%d", scope, userID)
}

// teamGrantCovers are the covers a team's grant of role uid falls under.
func teamGrantCovers(orgID, teamID int64, uid string) []string {
	return []string{roleCover(orgID, uid), teamCover(orgID, teamID)}
}

// userGrantCovers are the covers a user's grant of role uid falls under; a
// global grant is no org's, so no role cover holds it.
func userGrantCovers(orgID, userID int64, global bool, uid string) []string {
	if global {
		return []string{userCover(0, userID)}
	}
	return []string{roleCover(orgID, uid), userCover(orgID, userID)}
}

// teamGrant and userGrant are a grant an authoritative resource states.
func teamGrant(orgID, teamID int64, uid string) statedGrant {
	return statedGrant{teamGrantCovers(orgID, teamID, uid), fmt.Sprintf("team %d holds role %q in organization %d", teamID, uid, orgID)}
}

func userGrant(orgID, userID int64, global bool, uid string) statedGrant {
	where := fmt.Sprintf("in organization %d", orgID)
	if global {
		where = "globally"
	}
	return statedGrant{userGrantCovers(orgID, userID, global, uid), fmt.Sprintf("user %d holds role %q %s", userID, uid, where)}
}

const coverAdvice = "Keep one of them: manage this grant either in the authoritative resource or with the per-item resource, " +
	"not both (the guide \"Per-item and authoritative role assignments\" lists the combinations that are safe)."

// authoritativeConflict is another authoritative resource that decides a
// grant with this one, and which of the two state it.
type authoritativeConflict struct {
	token, other, grant string
	mine, theirs        bool
}

// claimCover records that the resource planned with private decides cover
// and states the grants stated.
func (c *coverClaims) claimCover(ctx context.Context, private privateState, cover, what string, stated []statedGrant, attr path.Path, diags *diag.Diagnostics) {
	token := claimToken(ctx, private)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.owners == nil {
		c.owners, c.items = map[string]coverClaim{}, map[string][]coverClaim{}
	}
	if first, ok := c.owners[cover]; ok && first.token != token {
		diags.AddAttributeError(attr, "Two resources decide the same grants",
			fmt.Sprintf("This resource (%s) and another in this configuration (%s) both decide every grant under it; "+
				"each apply would undo the other's. Keep only one of them.", what, first.what))
		return
	}
	c.owners[cover] = coverClaim{token: token, what: what}
	var named []string
	var conflicts []*authoritativeConflict
	conflict := func(other coverClaim, grant string) *authoritativeConflict {
		for _, x := range conflicts {
			if x.token == other.token {
				return x
			}
		}
		conflicts = append(conflicts, &authoritativeConflict{token: other.token, other: other.what, grant: grant})
		return conflicts[len(conflicts)-1]
	}
	for _, item := range c.items[cover] {
		switch {
		case item.token == token:
		case item.grant == "":
			named = append(named, item.what)
		default:
			conflict(item, item.grant).theirs = true
		}
	}
	for _, g := range stated {
		for _, under := range g.covers {
			if under == cover {
				continue
			}
			c.items[under] = append(c.items[under], coverClaim{token, what, g.what})
			if owner, ok := c.owners[under]; ok && owner.token != token {
				conflict(owner, g.what).mine = true
			}
		}
	}
	if len(named) > 0 {
		diags.AddAttributeError(attr, "Per-item and authoritative resources state the same grant",
			fmt.Sprintf("This resource (%s) decides every grant under it, and this configuration also has %s. %s",
				what, strings.Join(named, "; "), coverAdvice))
	}
	for _, x := range conflicts {
		who, harm := "this resource grants it", "each apply would undo the other's change"
		switch {
		case x.mine && x.theirs:
			who, harm = "both grant it", "a destroy of either would take a grant the other still states"
		case x.theirs:
			who = "the other grants it"
		}
		diags.AddAttributeError(attr, "Two authoritative resources decide the same grant",
			fmt.Sprintf("This resource (%s) and another in this configuration (%s) both decide whether %s, and %s: %s. "+
				"Keep only one of the two, or grant it in neither (the guide \"Per-item and authoritative role assignments\" "+
				"lists the combinations that are safe).", what, x.other, x.grant, who, harm))
	}
}

// claimItem records a per-item grant under covers and fails when an
// authoritative resource already decides one of them.
func (c *coverClaims) claimItem(ctx context.Context, private privateState, covers []string, what string, attr path.Path, diags *diag.Diagnostics) {
	token := claimToken(ctx, private)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.items == nil {
		c.owners, c.items = map[string]coverClaim{}, map[string][]coverClaim{}
	}
	for _, cover := range covers {
		c.items[cover] = append(c.items[cover], coverClaim{token: token, what: what})
		if owner, ok := c.owners[cover]; ok && owner.token != token {
			diags.AddAttributeError(attr, "Per-item and authoritative resources state the same grant",
				fmt.Sprintf("This resource (%s) states a grant that another resource in this configuration (%s) decides. %s",
					what, owner.what, coverAdvice))
			return
		}
	}
}
