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
// (a role in an org, a team, a user); a per-item resource whose grant falls
// under a cover that an authoritative resource of the same configuration
// decides fails the plan, as do two authoritative resources deciding one
// cover: each apply would undo the other's grant, and a destroy of either
// takes a grant the other still states. Whichever is planned second fails,
// naming the first.
type coverClaims struct {
	mu     sync.Mutex
	owners map[string]coverClaim   // cover → the authoritative resource deciding it
	items  map[string][]coverClaim // cover → the per-item resources under it
}

type coverClaim struct {
	token string // the resource's claimToken
	what  string // the resource, for messages ("grafanarbac_team_roles for team 5 in organization 1")
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

const coverAdvice = "Keep one of them: manage this grant either in the authoritative resource or with the per-item resource, " +
	"not both (the guide \"Per-item and authoritative role assignments\" lists the combinations that are safe)."

// claimCover records that the resource planned with private decides cover.
func (c *coverClaims) claimCover(ctx context.Context, private privateState, cover, what string, attr path.Path, diags *diag.Diagnostics) {
	token := claimToken(ctx, private)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.owners == nil {
		c.owners = map[string]coverClaim{}
	}
	if first, ok := c.owners[cover]; ok && first.token != token {
		diags.AddAttributeError(attr, "Two resources decide the same grants",
			fmt.Sprintf("This resource (%s) and another in this configuration (%s) both decide every grant under it; "+
				"each apply would undo the other's. Keep only one of them.", what, first.what))
		return
	}
	c.owners[cover] = coverClaim{token, what}
	var named []string
	for _, item := range c.items[cover] {
		if item.token != token {
			named = append(named, item.what)
		}
	}
	if len(named) > 0 {
		diags.AddAttributeError(attr, "Per-item and authoritative resources state the same grant",
			fmt.Sprintf("This resource (%s) decides every grant under it, and this configuration also has %s. %s",
				what, strings.Join(named, "; "), coverAdvice))
	}
}

// claimItem records a per-item grant under covers and fails when an
// authoritative resource already decides one of them.
func (c *coverClaims) claimItem(ctx context.Context, private privateState, covers []string, what string, attr path.Path, diags *diag.Diagnostics) {
	token := claimToken(ctx, private)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.items == nil {
		c.items = map[string][]coverClaim{}
	}
	for _, cover := range covers {
		c.items[cover] = append(c.items[cover], coverClaim{token, what})
		if owner, ok := c.owners[cover]; ok && owner.token != token {
			diags.AddAttributeError(attr, "Per-item and authoritative resources state the same grant",
				fmt.Sprintf("This resource (%s) states a grant that another resource in this configuration (%s) decides. %s",
					what, owner.what, coverAdvice))
			return
		}
	}
}
