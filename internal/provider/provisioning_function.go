package provider

import (
	"context"
	"errors"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/provisioning"
)

var _ function.Function = (*provisioningFunction)(nil)

// NewProvisioningFunction is provider::grafanarbac::provisioning.
func NewProvisioningFunction() function.Function {
	return &provisioningFunction{}
}

type provisioningFunction struct{}

// The result's types. Every value Terraform may leave out of a resource
// (a uid to generate, an org_id of something global, an empty scope) is null
// rather than a zero, so it can be passed to the resource attribute as is.
var (
	provisioningPermissionType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"action": types.StringType,
		"scope":  types.StringType,
	}}
	provisioningRoleRefType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"name":   types.StringType,
		"uid":    types.StringType,
		"global": types.BoolType,
	}}
	provisioningBuiltinType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"name":   types.StringType,
		"org_id": types.Int64Type,
		"global": types.BoolType,
	}}
	provisioningTeamType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"name":   types.StringType,
		"org_id": types.Int64Type,
	}}
	provisioningRoleType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"name":               types.StringType,
		"uid":                types.StringType,
		"description":        types.StringType,
		"version":            types.Int64Type,
		"org_id":             types.Int64Type,
		"global":             types.BoolType,
		"fixed":              types.BoolType,
		"permissions":        types.SetType{ElemType: provisioningPermissionType},
		"absent_permissions": types.SetType{ElemType: provisioningPermissionType},
		"from":               types.ListType{ElemType: provisioningRoleRefType},
		"builtin_roles":      types.ListType{ElemType: provisioningBuiltinType},
		"teams":              types.ListType{ElemType: provisioningTeamType},
	}}
	provisioningDeleteType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"name":   types.StringType,
		"uid":    types.StringType,
		"org_id": types.Int64Type,
		"global": types.BoolType,
		"force":  types.BoolType,
	}}
	provisioningDefaultType = types.ObjectType{AttrTypes: map[string]attr.Type{
		"builtin_role": types.StringType,
		"fixed_role":   types.StringType,
	}}
	provisioningFileAttrTypes = map[string]attr.Type{
		"api_version":                types.Int64Type,
		"roles":                      types.ListType{ElemType: provisioningRoleType},
		"delete_roles":               types.ListType{ElemType: provisioningDeleteType},
		"remove_default_assignments": types.ListType{ElemType: provisioningDefaultType},
		"add_default_assignments":    types.ListType{ElemType: provisioningDefaultType},
	}
)

// Models the result is built from (framework reflection maps them onto the types above).
type (
	provisioningPermission struct {
		Action string  `tfsdk:"action"`
		Scope  *string `tfsdk:"scope"`
	}
	provisioningRoleRef struct {
		Name   *string `tfsdk:"name"`
		UID    *string `tfsdk:"uid"`
		Global bool    `tfsdk:"global"`
	}
	provisioningBuiltin struct {
		Name   string `tfsdk:"name"`
		OrgID  *int64 `tfsdk:"org_id"`
		Global bool   `tfsdk:"global"`
	}
	provisioningTeam struct {
		Name  string `tfsdk:"name"`
		OrgID int64  `tfsdk:"org_id"`
	}
	provisioningRole struct {
		Name              string                   `tfsdk:"name"`
		UID               *string                  `tfsdk:"uid"`
		Description       string                   `tfsdk:"description"`
		Version           *int64                   `tfsdk:"version"`
		OrgID             *int64                   `tfsdk:"org_id"`
		Global            bool                     `tfsdk:"global"`
		Fixed             bool                     `tfsdk:"fixed"`
		Permissions       []provisioningPermission `tfsdk:"permissions"`
		AbsentPermissions []provisioningPermission `tfsdk:"absent_permissions"`
		From              []provisioningRoleRef    `tfsdk:"from"`
		BuiltinRoles      []provisioningBuiltin    `tfsdk:"builtin_roles"`
		Teams             []provisioningTeam       `tfsdk:"teams"`
	}
	provisioningDelete struct {
		Name   *string `tfsdk:"name"`
		UID    *string `tfsdk:"uid"`
		OrgID  *int64  `tfsdk:"org_id"`
		Global bool    `tfsdk:"global"`
		Force  bool    `tfsdk:"force"`
	}
	provisioningDefault struct {
		BuiltinRole string `tfsdk:"builtin_role"`
		FixedRole   string `tfsdk:"fixed_role"`
	}
	provisioningFile struct {
		APIVersion               int64                 `tfsdk:"api_version"`
		Roles                    []provisioningRole    `tfsdk:"roles"`
		DeleteRoles              []provisioningDelete  `tfsdk:"delete_roles"`
		RemoveDefaultAssignments []provisioningDefault `tfsdk:"remove_default_assignments"`
		AddDefaultAssignments    []provisioningDefault `tfsdk:"add_default_assignments"`
	}
)

func (f *provisioningFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "provisioning"
}

func (f *provisioningFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Decode a Grafana access-control provisioning file",
		MarkdownDescription: "Decodes one Grafana access-control provisioning file (`provisioning/access-control/*.yaml`, `apiVersion: 1`) " +
			"into an object to drive `grafanarbac_custom_role`, `grafanarbac_builtin_role_assignment`, `grafanarbac_team_role_assignment` " +
			"and `grafanarbac_default_assignment` with `for_each`, so that a provisioned Grafana can move to Terraform without rewriting its roles.\n\n" +
			"It applies Grafana's validation rules and fails naming the entry, its index, its line and the rule broken: a role needs a `name`, " +
			"which must not start with `basic:` or `managed:`; a `fixed:` role may only list `teams` (and is global); every permission needs an " +
			"`action`; built-in role names are `Viewer`, `Editor`, `Admin` and `Grafana Admin` (whose grants are global); the `orgId` of a grant " +
			"must be its role's unless the role is global; a `deleteRoles` entry needs a `name` or a `uid`. Unknown keys are errors, not ignored. " +
			"A file may not name the same role twice, nor both remove and add one default grant.\n\n" +
			"Defaults are filled in as Grafana does: `orgId` is the default organization (1), `global: true` drops it (`org_id` is then null), " +
			"and a grant without `orgId` takes its role's. Empty scopes, missing uids and versions are null, so they can be passed to resource " +
			"attributes as they are.\n\n" +
			"Result attributes: `api_version`; `roles`, each with `name`, `uid`, `description`, `version`, `org_id`, `global`, `fixed` " +
			"(a `fixed:` role listed only for its teams), `permissions` (a set of `action`, `scope`), `absent_permissions` (those with " +
			"`state: absent`, Grafana 9+), `from` (roles to copy permissions from, Grafana 9+: `name`, `uid`, `global`), `builtin_roles` " +
			"(`name`, `org_id`, `global`) and `teams` (`name`, `org_id`); `delete_roles` (`name`, `uid`, `org_id`, `global`, `force`); " +
			"`remove_default_assignments` and `add_default_assignments` (`builtin_role`, `fixed_role`).",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name:                "yaml",
				MarkdownDescription: "Text of the provisioning file, usually `file(\"provisioning/access-control/roles.yaml\")`.",
			},
		},
		Return: function.ObjectReturn{AttributeTypes: provisioningFileAttrTypes},
	}
}

func (f *provisioningFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var text string
	resp.Error = function.ConcatFuncErrors(resp.Error, req.Arguments.Get(ctx, &text))
	if resp.Error != nil {
		return
	}
	file, err := provisioning.Parse([]byte(text))
	if err == nil {
		err = provisioning.CheckUnique(file)
	}
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, provisioningErrorText(err))
		return
	}
	resp.Error = function.ConcatFuncErrors(resp.Error, resp.Result.Set(ctx, provisioningResult(file)))
}

// provisioningErrorText is the function error: one line per problem, so a
// file with several mistakes is fixed in one pass.
func provisioningErrorText(err error) string {
	var perr *provisioning.Error
	if !errors.As(err, &perr) {
		return "The provisioning file cannot be read: " + err.Error()
	}
	text := "The provisioning file breaks Grafana's rules:"
	for _, p := range perr.Problems {
		text += "\n  - " + p.String()
	}
	return text
}

func nullIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func nullIfZero(n int64) *int64 {
	if n == 0 {
		return nil
	}
	return &n
}

// provisioningPermissions keeps the file's order and drops repeats: the
// result is a set, which may not hold an element twice.
func provisioningPermissions(in []provisioning.Permission) []provisioningPermission {
	out := make([]provisioningPermission, 0, len(in))
	seen := map[provisioning.Permission]bool{}
	for _, p := range in {
		if seen[p] {
			continue
		}
		seen[p] = true
		out = append(out, provisioningPermission{Action: p.Action, Scope: nullIfEmpty(p.Scope)})
	}
	return out
}

func provisioningResult(f *provisioning.File) provisioningFile {
	out := provisioningFile{
		APIVersion:               f.APIVersion,
		Roles:                    make([]provisioningRole, 0, len(f.Roles)),
		DeleteRoles:              make([]provisioningDelete, 0, len(f.DeleteRoles)),
		RemoveDefaultAssignments: make([]provisioningDefault, 0, len(f.RemoveDefaultAssignments)),
		AddDefaultAssignments:    make([]provisioningDefault, 0, len(f.AddDefaultAssignments)),
	}
	for _, r := range f.Roles {
		role := provisioningRole{
			Name:              r.Name,
			UID:               nullIfEmpty(r.UID),
			Description:       r.Description,
			Version:           nullIfZero(r.Version),
			OrgID:             nullIfZero(r.OrgID),
			Global:            r.Global,
			Fixed:             r.Fixed,
			Permissions:       provisioningPermissions(r.Permissions),
			AbsentPermissions: provisioningPermissions(r.AbsentPermissions),
			From:              make([]provisioningRoleRef, 0, len(r.From)),
			BuiltinRoles:      make([]provisioningBuiltin, 0, len(r.BuiltInRoles)),
			Teams:             make([]provisioningTeam, 0, len(r.Teams)),
		}
		for _, ref := range r.From {
			role.From = append(role.From, provisioningRoleRef{Name: nullIfEmpty(ref.Name), UID: nullIfEmpty(ref.UID), Global: ref.Global})
		}
		for _, b := range r.BuiltInRoles {
			role.BuiltinRoles = append(role.BuiltinRoles, provisioningBuiltin{Name: b.Name, OrgID: nullIfZero(b.OrgID), Global: b.Global})
		}
		for _, t := range r.Teams {
			role.Teams = append(role.Teams, provisioningTeam{Name: t.Name, OrgID: t.OrgID})
		}
		out.Roles = append(out.Roles, role)
	}
	for _, d := range f.DeleteRoles {
		out.DeleteRoles = append(out.DeleteRoles, provisioningDelete{
			Name: nullIfEmpty(d.Name), UID: nullIfEmpty(d.UID), OrgID: nullIfZero(d.OrgID), Global: d.Global, Force: d.Force,
		})
	}
	for _, a := range f.RemoveDefaultAssignments {
		out.RemoveDefaultAssignments = append(out.RemoveDefaultAssignments, provisioningDefault{BuiltinRole: a.BuiltInRole, FixedRole: a.FixedRole})
	}
	for _, a := range f.AddDefaultAssignments {
		out.AddDefaultAssignments = append(out.AddDefaultAssignments, provisioningDefault{BuiltinRole: a.BuiltInRole, FixedRole: a.FixedRole})
	}
	return out
}
