package grafana

import (
	"slices"
	"strings"
)

// NormalizePermissions returns the permissions as a sorted set: duplicates
// collapse and order stops mattering, as on the server.
func NormalizePermissions(perms []Permission) []Permission {
	out := slices.Clone(perms)
	slices.SortFunc(out, comparePermission)
	return slices.Compact(out)
}

func comparePermission(a, b Permission) int {
	if c := strings.Compare(a.Action, b.Action); c != 0 {
		return c
	}
	return strings.Compare(a.Scope, b.Scope)
}

// PermissionsEqual compares two permission lists as sets.
func PermissionsEqual(a, b []Permission) bool {
	return slices.Equal(NormalizePermissions(a), NormalizePermissions(b))
}

// PermissionsMinus returns the permissions of want that are not literally in
// have (exact action and scope), as a sorted set.
func PermissionsMinus(want, have []Permission) []Permission {
	set := make(map[Permission]struct{}, len(have))
	for _, p := range have {
		set[p] = struct{}{}
	}
	var out []Permission
	for _, p := range NormalizePermissions(want) {
		if _, ok := set[p]; !ok {
			out = append(out, p)
		}
	}
	return out
}

// ScopeCovers reports whether a held scope grants the wanted scope: equal
// scopes, "*", or a held scope ending in "*" whose prefix starts the wanted
// one ("users:*" covers "users:id:7"). An empty wanted scope needs only the
// action, so every held scope covers it: Grafana's evaluator treats a check
// without a scope as satisfied by the action (contract rule 3). A held
// empty scope covers nothing else.
func ScopeCovers(held, wanted string) bool {
	if held == wanted || held == "*" || wanted == "" {
		return true
	}
	if prefix, ok := strings.CutSuffix(held, "*"); ok {
		return strings.HasPrefix(wanted, prefix)
	}
	return false
}

// EscalateScope lets its holder create and assign roles with permissions it
// does not hold itself.
const EscalateScope = "permissions:type:escalate"

// CanEscalate reports whether held contains the escalate scope on roles:write.
func CanEscalate(held []Permission) bool {
	for _, p := range held {
		if p.Action == "roles:write" && ScopeCovers(p.Scope, EscalateScope) {
			return true
		}
	}
	return false
}

// MissingForDelegation returns the wanted permissions that held does not
// cover, as a sorted set: what the caller would need to delegate them.
func MissingForDelegation(held, wanted []Permission) []Permission {
	if CanEscalate(held) {
		return nil
	}
	byAction := make(map[string][]string, len(held))
	for _, p := range held {
		byAction[p.Action] = append(byAction[p.Action], p.Scope)
	}
	var missing []Permission
	for _, w := range NormalizePermissions(wanted) {
		if !slices.ContainsFunc(byAction[w.Action], func(s string) bool { return ScopeCovers(s, w.Scope) }) {
			missing = append(missing, w)
		}
	}
	return missing
}
