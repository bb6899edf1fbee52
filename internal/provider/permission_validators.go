package provider

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// Plan-time checks of one permission. Grafana stores an action or scope with
// white space as written, where it matches nothing, and refuses a wildcard
// that does not end a scope only at apply; both are caught here instead.

// permissionAction checks an action: no white space, and the form
// <resource>[.<sub>]:<verb>. More colons are allowed (Grafana has
// licensing:reports:read), and any other character (plugin actions carry
// the plugin id, with dashes).
func permissionAction() validator.String { return permissionActionValidator{} }

type permissionActionValidator struct{}

func (v permissionActionValidator) Description(ctx context.Context) string {
	return v.MarkdownDescription(ctx)
}

func (permissionActionValidator) MarkdownDescription(context.Context) string {
	return "must be of the form `<resource>[.<sub>]:<verb>`, without white space"
}

func (permissionActionValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || req.ConfigValue.ValueString() == "" {
		return // emptiness has its own check
	}
	action := req.ConfigValue.ValueString()
	if hasSpace(action) {
		resp.Diagnostics.AddAttributeError(req.Path, "White space in a permission action",
			fmt.Sprintf("The action %q contains white space. Grafana would store it as written, and it would match nothing. "+
				"Remove the white space, e.g. %q.", action, strings.Join(strings.Fields(action), "")))
		return
	}
	resource, verb, ok := strings.Cut(action, ":")
	if !ok || resource == "" || verb == "" || strings.HasPrefix(resource, ".") || strings.HasSuffix(resource, ".") {
		resp.Diagnostics.AddAttributeError(req.Path, "Malformed permission action",
			fmt.Sprintf("The action %q is not of the form <resource>[.<sub>]:<verb>. "+
				"Set it to a Grafana action such as reports:read, teams.roles:add or org.users:write.", action))
	}
}

// permissionScope checks a scope: no white space, and a wildcard only at
// its end (Grafana's own rule; it answers 400 otherwise).
func permissionScope() validator.String { return permissionScopeValidator{} }

type permissionScopeValidator struct{}

func (v permissionScopeValidator) Description(ctx context.Context) string {
	return v.MarkdownDescription(ctx)
}

func (permissionScopeValidator) MarkdownDescription(context.Context) string {
	return "must not contain white space; a `*` may only end it"
}

func (permissionScopeValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	scope := req.ConfigValue.ValueString()
	if hasSpace(scope) {
		resp.Diagnostics.AddAttributeError(req.Path, "White space in a permission scope",
			fmt.Sprintf("The scope %q contains white space. Grafana would store it as written, and it would match nothing. "+
				"Remove the white space, e.g. %q.", scope, strings.Join(strings.Fields(scope), "")))
		return
	}
	if i := strings.IndexAny(scope, "*?"); i >= 0 && (i != len(scope)-1 || scope[i] == '?') {
		fix := scope[:i] + "*"
		if scope[i] == '?' {
			fix = scope[:i]
		}
		resp.Diagnostics.AddAttributeError(req.Path, "Wildcard inside a permission scope",
			fmt.Sprintf("The scope %q has a wildcard that does not end it. Grafana accepts a * only as the last character "+
				"(and no ?), and refuses the role otherwise. Use a scope such as %q.", scope, fix))
	}
}

func hasSpace(s string) bool { return strings.IndexFunc(s, unicode.IsSpace) >= 0 }
