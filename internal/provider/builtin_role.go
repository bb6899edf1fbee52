package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

// Built-in roles are the org roles every user has (Viewer, Editor, Admin),
// Grafana's server-admin flag (Grafana Admin), and on generation 2 the basic
// role None. Every list, description and check below is built from
// builtinRoles, so the docs and the validators cannot drift apart.

const (
	builtinRoleViewer       = "Viewer"
	builtinRoleEditor       = "Editor"
	builtinRoleAdmin        = "Admin"
	builtinRoleGrafanaAdmin = "Grafana Admin"
	builtinRoleNone         = "None"
)

// builtinRole is one built-in role and the basic role that stands for it on
// generation 2.
type builtinRole struct {
	Name         string
	BasicRoleUID string
	// Gen2Only is set for roles that only exist as a basic role (None).
	Gen2Only bool
}

var builtinRoles = []builtinRole{
	{Name: builtinRoleViewer, BasicRoleUID: "basic_viewer"},
	{Name: builtinRoleEditor, BasicRoleUID: "basic_editor"},
	{Name: builtinRoleAdmin, BasicRoleUID: "basic_admin"},
	{Name: builtinRoleGrafanaAdmin, BasicRoleUID: "basic_grafana_admin"},
	{Name: builtinRoleNone, BasicRoleUID: "basic_none", Gen2Only: true},
}

// builtinRoleNames are the names valid on the given generation, in a stable order.
func builtinRoleNames(gen grafana.Generation) []string {
	var names []string
	for _, r := range builtinRoles {
		if gen == grafana.Generation1 && r.Gen2Only {
			continue
		}
		names = append(names, r.Name)
	}
	return names
}

// allBuiltinRoleNames are the names valid on some generation.
func allBuiltinRoleNames() []string {
	return builtinRoleNames(grafana.Generation2)
}

// lookupBuiltinRole returns the built-in role with exactly this name.
func lookupBuiltinRole(name string) (builtinRole, bool) {
	i := slices.IndexFunc(builtinRoles, func(r builtinRole) bool { return r.Name == name })
	if i < 0 {
		return builtinRole{}, false
	}
	return builtinRoles[i], true
}

// basicRoleUID returns the uid of the basic role for a built-in role name,
// or "" for an unknown name.
func basicRoleUID(name string) string {
	r, _ := lookupBuiltinRole(name)
	return r.BasicRoleUID
}

// builtinRoleNamesDescription documents the accepted names for an attribute.
func builtinRoleNamesDescription() string {
	var gen2 []string
	for _, r := range builtinRoles {
		if r.Gen2Only {
			gen2 = append(gen2, r.Name)
		}
	}
	return "One of " + mdCodeList(builtinRoleNames(grafana.Generation1)) +
		" (exact spelling); " + mdCodeList(gen2) + " too on Grafana 9+ (generation 2)."
}

// builtinRoleNameMismatch explains why name is not accepted on gen; "" when it is.
func builtinRoleNameMismatch(name string, gen grafana.Generation) string {
	r, ok := lookupBuiltinRole(name)
	if ok && (gen != grafana.Generation1 || !r.Gen2Only) {
		return ""
	}
	if ok {
		return fmt.Sprintf("The built-in role %q exists only on Grafana 9 and later (generation 2); this Grafana uses the generation 1 API. Use one of %s.",
			name, strings.Join(quoteAll(builtinRoleNames(gen)), ", "))
	}
	names := builtinRoleNames(gen)
	return fmt.Sprintf("%q is not a built-in role. Use one of %s; the names are case-sensitive.%s",
		name, strings.Join(quoteAll(names), ", "), suggestionSentence(name, names))
}

func quoteAll(values []string) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = fmt.Sprintf("%q", v)
	}
	return out
}

// builtinRoleName accepts the names of every generation; the generation-2-only
// names are checked against the server in ModifyPlan.
func builtinRoleName() validator.String {
	return builtinRoleNameValidator{}
}

type builtinRoleNameValidator struct{}

func (v builtinRoleNameValidator) Description(ctx context.Context) string {
	return v.MarkdownDescription(ctx)
}

func (builtinRoleNameValidator) MarkdownDescription(context.Context) string {
	return "must be one of " + mdCodeList(allBuiltinRoleNames())
}

func (builtinRoleNameValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if msg := builtinRoleNameMismatch(req.ConfigValue.ValueString(), grafana.Generation2); msg != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Unknown built-in role", msg)
	}
}
