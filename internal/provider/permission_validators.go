package provider

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Plan-time checks of one permission. A wildcard that does not end a scope
// is Grafana's own refusal (ValidateScope: 400 on write), so the schema
// refuses it. White space and the form of an action are this provider's
// guesses at typos: Grafana stores them as written (and refuses them only
// when its permission validation knows the action list), so they follow
// plan_checks (checkPermissionForms).

// permissionScope refuses a scope whose `*` does not end it, or with a `?`
// before its last character: Grafana's ValidateScope, which accepts a
// trailing `?`.
func permissionScope() validator.String { return permissionScopeValidator{} }

type permissionScopeValidator struct{}

func (v permissionScopeValidator) Description(ctx context.Context) string {
	return v.MarkdownDescription(ctx)
}

func (permissionScopeValidator) MarkdownDescription(context.Context) string {
	return "a `*` may only end it"
}

func (permissionScopeValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	scope := req.ConfigValue.ValueString()
	last := len(scope) - 1
	i := strings.IndexAny(scope, "*?")
	if i < 0 || i == last {
		return
	}
	fix := scope[:i] + "*"
	if scope[i] == '?' {
		fix = scope[:i]
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Wildcard inside a permission scope",
		fmt.Sprintf("The scope %q has a wildcard that does not end it. Grafana accepts a * (or ?) only as the last character "+
			"and refuses the role otherwise. Use a scope such as %q.", scope, fix))
}

// checkPermissionForms refuses, as plan_checks says, actions and scopes
// with white space and actions not of the form <resource>[.<sub>]:<verb>
// (more colons are allowed: Grafana has licensing:reports:read; so is any
// other character: plugin actions carry the plugin id, with dashes).
func checkPermissionForms(c checker, perms types.Set) {
	if c.off() || perms.IsNull() || perms.IsUnknown() {
		return
	}
	for _, e := range perms.Elements() {
		obj, ok := e.(types.Object)
		if !ok || obj.IsUnknown() {
			continue
		}
		at := path.Root("permissions").AtSetValue(e)
		attrs := obj.Attributes()
		if action, ok := knownString(attrs["action"]); ok && action != "" {
			checkActionForm(c, at.AtName("action"), action)
		}
		scope, ok := knownString(attrs["scope"])
		switch {
		case !ok:
		case hasSpace(scope):
			c.refuse(at.AtName("scope"), "White space in a permission scope",
				fmt.Sprintf("The scope %q contains white space. Grafana would store it as written, and it would match nothing. "+
					"Remove the white space, e.g. %q.", scope, strings.Join(strings.Fields(scope), "")))
		case partialWildcard(scope):
			// Grafana's ValidateScope refuses it; that custom-role writes
			// call it is what the contract implies, not what it says.
			cut := strings.LastIndexAny(scope, ":/")
			c.refuse(at.AtName("scope"), "Wildcard after part of a name",
				fmt.Sprintf("The scope %q ends in * after part of a name. Grafana matches * only as a whole last part, after a : or a /, "+
					"and is expected to refuse the role. Use a scope such as %q.", scope, scope[:cut+1]+"*"))
		}
	}
}

func checkActionForm(c checker, attr path.Path, action string) {
	if hasSpace(action) {
		c.refuse(attr, "White space in a permission action",
			fmt.Sprintf("The action %q contains white space. Grafana would store it as written, and it would match nothing. "+
				"Remove the white space, e.g. %q.", action, strings.Join(strings.Fields(action), "")))
		return
	}
	resource, verb, ok := strings.Cut(action, ":")
	if !ok || resource == "" || verb == "" || strings.HasPrefix(resource, ".") || strings.HasSuffix(resource, ".") {
		c.refuse(attr, "Malformed permission action",
			fmt.Sprintf("The action %q is not of the form <resource>[.<sub>]:<verb>. "+
				"Set it to a Grafana action such as reports:read, teams.roles:add or org.users:write.", action))
	}
}

// partialWildcard reports a last * that follows neither a : nor a /, as
// in dashboards:uid:abc* (a * alone is the whole scope).
func partialWildcard(scope string) bool {
	prefix, ok := strings.CutSuffix(scope, "*")
	return ok && prefix != "" && !strings.HasSuffix(prefix, ":") && !strings.HasSuffix(prefix, "/")
}

func knownString(v attr.Value) (string, bool) {
	s, ok := v.(types.String)
	if !ok || s.IsNull() || s.IsUnknown() {
		return "", false
	}
	return s.ValueString(), true
}

func hasSpace(s string) bool { return strings.IndexFunc(s, unicode.IsSpace) >= 0 }
