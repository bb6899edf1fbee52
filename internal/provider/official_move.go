package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Moving from the official grafana/grafana provider (Terraform 1.8+ `moved`
// blocks across providers). The official state layout is public: its
// resources keep org_id and ids as strings, and grafana_role_assignment_item's
// id is <org_id>:<role_uid>:<team|user|service_account>:<id>.

var (
	_ resource.ResourceWithMoveState = (*teamRoleAssignmentResource)(nil)
	_ resource.ResourceWithMoveState = (*userRoleAssignmentResource)(nil)
)

// officialItemType is the official provider's per-item assignment.
const officialItemType = "grafana_role_assignment_item"

// isOfficialSource reports whether a move comes from the official provider's typeName.
func isOfficialSource(req resource.MoveStateRequest, typeName string) bool {
	return req.SourceTypeName == typeName && strings.HasSuffix(req.SourceProviderAddress, "grafana/grafana")
}

// officialItem is a grafana_role_assignment_item's grant.
type officialItem struct {
	OrgID   int64
	RoleUID string
	Kind    string // "team", "user" or "service_account"
	ID      int64
}

// parseOfficialItem reads a grafana_role_assignment_item state (schema
// version 0); the error says why the move cannot be made exactly.
func parseOfficialItem(raw []byte) (officialItem, error) {
	var s struct {
		ID               string `json:"id"`
		OrgID            string `json:"org_id"`
		RoleUID          string `json:"role_uid"`
		TeamID           string `json:"team_id"`
		UserID           string `json:"user_id"`
		ServiceAccountID string `json:"service_account_id"`
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		return officialItem{}, fmt.Errorf("the source state is not the official provider's grafana_role_assignment_item: %v", err)
	}
	parts := strings.Split(s.ID, ":")
	if len(parts) != 4 {
		return officialItem{}, fmt.Errorf("its id %q is not <org_id>:<role_uid>:<type>:<id>", s.ID)
	}
	item := officialItem{RoleUID: s.RoleUID, Kind: parts[2]}
	if item.RoleUID == "" {
		item.RoleUID = parts[1]
	}
	org := s.OrgID
	if org == "" {
		org = parts[0]
	}
	n, err := strconv.ParseInt(org, 10, 64)
	if err != nil || n <= 0 {
		return officialItem{}, fmt.Errorf("its org_id %q is not a positive integer", org)
	}
	item.OrgID = n
	target := map[string]string{"team": s.TeamID, "user": s.UserID, "service_account": s.ServiceAccountID}[item.Kind]
	if target == "" {
		target = parts[3]
	}
	// The official provider may keep team and service account ids as <org_id>:<id>.
	if i := strings.LastIndex(target, ":"); i >= 0 {
		target = target[i+1:]
	}
	if item.ID, err = strconv.ParseInt(target, 10, 64); err != nil || item.ID <= 0 {
		return officialItem{}, fmt.Errorf("its %s id %q is not a positive integer", item.Kind, target)
	}
	if item.Kind != "team" && item.Kind != "user" && item.Kind != "service_account" {
		return officialItem{}, fmt.Errorf("its type %q is none of team, user or service_account", item.Kind)
	}
	return item, nil
}

// moveOfficialItem is the StateMover shared by the two per-item resources:
// it reads the source, refuses a grant of the other kind and lets set store it.
func moveOfficialItem(wantTeam bool, set func(context.Context, officialItem, *resource.MoveStateResponse)) resource.StateMover {
	return resource.StateMover{StateMover: func(ctx context.Context, req resource.MoveStateRequest, resp *resource.MoveStateResponse) {
		if !isOfficialSource(req, officialItemType) || req.SourceRawState == nil {
			return // another mover's, or none
		}
		item, err := parseOfficialItem(req.SourceRawState.JSON)
		if err != nil {
			resp.Diagnostics.AddError("Cannot move "+officialItemType, err.Error()+" The state is left as it was.")
			return
		}
		if (item.Kind == "team") != wantTeam {
			other := "grafanarbac_user_role_assignment"
			if item.Kind == "team" {
				other = "grafanarbac_team_role_assignment"
			}
			resp.Diagnostics.AddError("Cannot move "+officialItemType,
				fmt.Sprintf("It grants role %q to a %s; move it to %s instead. The state is left as it was.", item.RoleUID, strings.ReplaceAll(item.Kind, "_", " "), other))
			return
		}
		set(ctx, item, resp)
	}}
}

func (r *teamRoleAssignmentResource) MoveState(context.Context) []resource.StateMover {
	return []resource.StateMover{moveOfficialItem(true, func(ctx context.Context, item officialItem, resp *resource.MoveStateResponse) {
		resp.Diagnostics.Append(resp.TargetState.Set(ctx, teamRoleAssignmentModel{
			ID:      types.StringValue(assignmentID(false, item.OrgID, strconv.FormatInt(item.ID, 10), item.RoleUID)),
			TeamID:  types.Int64Value(item.ID),
			RoleUID: types.StringValue(item.RoleUID),
			OrgID:   types.Int64Value(item.OrgID),
		})...)
	})}
}

func (r *userRoleAssignmentResource) MoveState(context.Context) []resource.StateMover {
	return []resource.StateMover{moveOfficialItem(false, func(ctx context.Context, item officialItem, resp *resource.MoveStateResponse) {
		// The official item is an org grant; a service account is a user here.
		m := userRoleAssignmentModel{
			UserID: types.Int64Value(item.ID), RoleUID: types.StringValue(item.RoleUID),
			Global: types.BoolValue(false), OrgID: types.Int64Value(item.OrgID),
		}
		m.ID = types.StringValue(m.importID())
		resp.Diagnostics.Append(resp.TargetState.Set(ctx, m)...)
	})}
}
