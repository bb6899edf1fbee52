package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
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

// isOfficialSource reports whether a move comes from typeName of a provider
// named grafana (grafana/grafana, or a mirror or stand-in of it).
func isOfficialSource(req resource.MoveStateRequest, typeName string) bool {
	return req.SourceTypeName == typeName && strings.HasSuffix(req.SourceProviderAddress, "/grafana")
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

// officialMover is the StateMover for a source type of the official
// provider: move reads the raw state and sets resp.TargetState; its error
// stops the move, which leaves the source as it was.
func officialMover(typeName string, move func(context.Context, []byte, *resource.MoveStateResponse) error) resource.StateMover {
	return resource.StateMover{StateMover: func(ctx context.Context, req resource.MoveStateRequest, resp *resource.MoveStateResponse) {
		if !isOfficialSource(req, typeName) || req.SourceRawState == nil {
			return // another mover's, or none
		}
		// Every layout recorded (4.x) is schema version 0; another is not known.
		err := fmt.Errorf("its schema version is %d, and only version 0 (the official provider 4.x) is known", req.SourceSchemaVersion)
		if req.SourceSchemaVersion == 0 {
			err = move(ctx, req.SourceRawState.JSON, resp)
		}
		if err != nil {
			resp.Diagnostics.AddError("Cannot move "+typeName, err.Error()+". The state is left as it was.")
		}
	}}
}

// moveOfficialItem is the StateMover shared by the two per-item resources:
// it reads the source, refuses a grant of the other kind and lets set store it.
func moveOfficialItem(wantTeam bool, set func(context.Context, officialItem, *resource.MoveStateResponse)) resource.StateMover {
	return officialMover(officialItemType, func(ctx context.Context, raw []byte, resp *resource.MoveStateResponse) error {
		item, err := parseOfficialItem(raw)
		if err != nil {
			return err
		}
		if (item.Kind == "team") != wantTeam {
			other := "grafanarbac_user_role_assignment"
			if item.Kind == "team" {
				other = "grafanarbac_team_role_assignment"
			}
			return fmt.Errorf("it grants role %q to a %s; move it to %s instead", item.RoleUID, strings.ReplaceAll(item.Kind, "_", " "), other)
		}
		set(ctx, item, resp)
		return nil
	})
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

var _ resource.ResourceWithMoveState = (*roleAssignmentsResource)(nil)

// officialRoleAssignmentType is the official provider's whole-role assignment.
const officialRoleAssignmentType = "grafana_role_assignment"

// parseOfficialRoleAssignment reads a grafana_role_assignment state: users as
// numbers, teams and service accounts as numbers or (4.x) strings that may
// carry an <org_id>: prefix, id <org_id>:<role_uid>.
func parseOfficialRoleAssignment(raw []byte) (grafana.RoleAssignments, int64, error) {
	var s struct {
		ID              string            `json:"id"`
		OrgID           string            `json:"org_id"`
		RoleUID         string            `json:"role_uid"`
		Users           []json.RawMessage `json:"users"`
		Teams           []json.RawMessage `json:"teams"`
		ServiceAccounts []json.RawMessage `json:"service_accounts"`
	}
	var out grafana.RoleAssignments
	if err := json.Unmarshal(raw, &s); err != nil {
		return out, 0, fmt.Errorf("the source state is not the official provider's grafana_role_assignment: %v", err)
	}
	org := s.OrgID
	if before, _, ok := strings.Cut(s.ID, ":"); org == "" && ok {
		org = before
	}
	orgID, err := strconv.ParseInt(org, 10, 64)
	if err != nil || orgID <= 0 {
		return out, 0, fmt.Errorf("it names no organization (org_id %q, id %q); an older state without org_id cannot be moved exactly, import the resource instead", s.OrgID, s.ID)
	}
	out.RoleUID = s.RoleUID
	for _, f := range []struct {
		name string
		raw  []json.RawMessage
		ids  *[]int64
	}{{"users", s.Users, &out.Users}, {"teams", s.Teams, &out.Teams}, {"service_accounts", s.ServiceAccounts, &out.ServiceAccounts}} {
		for _, v := range f.raw {
			text := strings.Trim(string(v), `"`)
			if i := strings.LastIndex(text, ":"); i >= 0 {
				text = text[i+1:]
			}
			n, err := strconv.ParseInt(text, 10, 64)
			if err != nil || n <= 0 {
				return out, 0, fmt.Errorf("its %s holds %s, not an id", f.name, v)
			}
			*f.ids = append(*f.ids, n)
		}
	}
	if out.RoleUID == "" {
		return out, 0, fmt.Errorf("it has no role_uid")
	}
	return out, orgID, nil
}

// MoveState takes a grafana_role_assignment. Its private state starts empty,
// so the first refresh records the holders found as confirmed, as an import does.
func (r *roleAssignmentsResource) MoveState(context.Context) []resource.StateMover {
	return []resource.StateMover{officialMover(officialRoleAssignmentType, func(ctx context.Context, raw []byte, resp *resource.MoveStateResponse) error {
		holders, orgID, err := parseOfficialRoleAssignment(raw)
		if err != nil {
			return err
		}
		m := roleAssignmentsModel{
			ID: types.StringValue(roleAssignmentsID(orgID, holders.RoleUID)), RoleUID: types.StringValue(holders.RoleUID), OrgID: types.Int64Value(orgID),
		}
		m.setHolders(holders)
		resp.Diagnostics.Append(resp.TargetState.Set(ctx, m)...)
		return nil
	})}
}

var _ resource.ResourceWithMoveState = (*customRoleResource)(nil)

// officialRoleType is the official provider's custom role.
const officialRoleType = "grafana_role"

// parseOfficialRole reads a grafana_role state of 4.x (schema version 0):
// id <org_id>:<uid> (org 0 for a global role), org_id the configured string
// or null, version the server's as last read, auto_increment_version null
// when version is configured, permissions a set of {action, scope} with
// scope "" when unset. The error says why the move cannot be made exactly.
func parseOfficialRole(raw []byte) (customRoleModel, error) {
	var s struct {
		ID                   string  `json:"id"`
		OrgID                *string `json:"org_id"`
		UID                  string  `json:"uid"`
		Name                 string  `json:"name"`
		DisplayName          string  `json:"display_name"`
		Description          string  `json:"description"`
		Group                string  `json:"group"`
		Hidden               bool    `json:"hidden"`
		Global               bool    `json:"global"`
		Version              *int64  `json:"version"`
		AutoIncrementVersion *bool   `json:"auto_increment_version"`
		Permissions          []struct {
			Action string `json:"action"`
			Scope  string `json:"scope"`
		} `json:"permissions"`
	}
	var m customRoleModel
	if err := json.Unmarshal(raw, &s); err != nil {
		return m, fmt.Errorf("the source state is not the official provider's grafana_role: %v", err)
	}
	org, uid, ok := strings.Cut(s.ID, ":")
	if !ok {
		org, uid = "", s.ID
	}
	if s.UID != "" && s.UID != uid {
		return m, fmt.Errorf("its uid %q differs from the uid %q in its id %q", s.UID, uid, s.ID)
	}
	if uid == "" {
		// Any other uid exists in Grafana, which accepted it.
		return m, fmt.Errorf("its id %q names no role uid", s.ID)
	}
	var orgID int64
	if !s.Global {
		n, err := strconv.ParseInt(org, 10, 64)
		if err != nil || n <= 0 {
			// The official provider then reads in its own provider's org, which the state does not name.
			return m, fmt.Errorf("its id %q names no organization; import the role instead (terraform import with <org_id>:%s)", s.ID, uid)
		}
		if s.OrgID != nil && *s.OrgID != "" && *s.OrgID != org {
			return m, fmt.Errorf("its org_id %q differs from the organization %s in its id %q", *s.OrgID, org, s.ID)
		}
		orgID = n
	}
	if s.Name == "" {
		return m, fmt.Errorf("it has no name")
	}
	if roleKind(s.Name) != roleKindCustom {
		return m, fmt.Errorf("it is not a custom role: %s", strings.TrimSuffix(reservedRoleNameError(s.Name), "."))
	}
	if s.Version == nil {
		return m, fmt.Errorf("it holds no version (it was never read back from Grafana); refresh it with the official provider first, or import the role instead")
	}
	perms := make([]grafana.Permission, 0, len(s.Permissions))
	for _, p := range s.Permissions {
		if p.Action == "" {
			return m, fmt.Errorf("one of its permissions has no action")
		}
		perms = append(perms, grafana.Permission{Action: p.Action, Scope: p.Scope})
	}
	return customRoleModel{
		UID:         types.StringValue(uid),
		OrgID:       types.Int64Value(orgID),
		Name:        types.StringValue(s.Name),
		DisplayName: types.StringValue(s.DisplayName),
		Description: types.StringValue(s.Description),
		Group:       types.StringValue(s.Group),
		Hidden:      types.BoolValue(s.Hidden),
		Global:      types.BoolValue(s.Global),
		Permissions: permissionsToSet(perms),
		// The server's version as last read, which the next refresh confirms.
		Version: types.Int64Value(*s.Version),
		// Without auto_increment_version the official configuration owns the version, as false does here.
		AutoIncrementVersion: types.BoolValue(s.AutoIncrementVersion != nil && *s.AutoIncrementVersion),
		// The official provider deletes without force: Grafana refuses to delete an assigned role.
		ForceDelete: types.BoolValue(false),
	}, nil
}

// MoveState takes a grafana_role. Its private state starts empty, so the
// first refresh reads the role in full.
func (r *customRoleResource) MoveState(context.Context) []resource.StateMover {
	return []resource.StateMover{officialMover(officialRoleType, func(ctx context.Context, raw []byte, resp *resource.MoveStateResponse) error {
		m, err := parseOfficialRole(raw)
		if err != nil {
			return err
		}
		resp.Diagnostics.Append(resp.TargetState.Set(ctx, m)...)
		return nil
	})}
}
