package grafana

import (
	"slices"
	"testing"
)

func p(action, scope string) Permission { return Permission{Action: action, Scope: scope} }

func TestNormalizePermissions(t *testing.T) {
	in := []Permission{p("b", "x"), p("a", "z"), p("a", ""), p("b", "x"), p("a", "z")}
	got := NormalizePermissions(in)
	want := []Permission{p("a", ""), p("a", "z"), p("b", "x")}
	if !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if in[0] != p("b", "x") {
		t.Fatal("input was modified")
	}
	if got := NormalizePermissions(nil); len(got) != 0 {
		t.Fatalf("nil: got %v", got)
	}
}

func TestPermissionsEqual(t *testing.T) {
	tests := []struct {
		name string
		a, b []Permission
		want bool
	}{
		{"both empty", nil, []Permission{}, true},
		{"order ignored", []Permission{p("a", "1"), p("b", "2")}, []Permission{p("b", "2"), p("a", "1")}, true},
		{"duplicates collapse", []Permission{p("a", "1"), p("a", "1")}, []Permission{p("a", "1")}, true},
		{"scope differs", []Permission{p("a", "1")}, []Permission{p("a", "2")}, false},
		{"empty scope is a scope", []Permission{p("a", "")}, []Permission{p("a", "*")}, false},
		{"extra element", []Permission{p("a", "1")}, []Permission{p("a", "1"), p("b", "")}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PermissionsEqual(tt.a, tt.b); got != tt.want {
				t.Fatalf("got %v", got)
			}
			if got := PermissionsEqual(tt.b, tt.a); got != tt.want {
				t.Fatalf("not symmetric: got %v", got)
			}
		})
	}
}

func TestPermissionsMinus(t *testing.T) {
	want := []Permission{p("c", ""), p("a", "users:id:1"), p("b", "x"), p("a", "users:id:1")}
	have := []Permission{p("a", "users:*"), p("b", "x")}
	// Literal difference: a wildcard held does not count.
	got := PermissionsMinus(want, have)
	if exp := []Permission{p("a", "users:id:1"), p("c", "")}; !slices.Equal(got, exp) {
		t.Fatalf("got %v, want %v", got, exp)
	}
	if got := PermissionsMinus(nil, have); got != nil {
		t.Fatalf("got %v", got)
	}
}

func TestScopeCovers(t *testing.T) {
	tests := []struct {
		held, wanted string
		want         bool
	}{
		{"users:id:7", "users:id:7", true},
		{"*", "users:id:7", true},
		{"*", "", true},
		{"", "", true},
		{"users:*", "users:id:7", true},
		{"users:id:*", "users:id:7", true},
		{"users:*", "users:*", true},
		{"users:*", "teams:id:1", false},
		{"users:id:7", "users:id:8", false},
		{"users:id:7", "users:*", false}, // a narrow scope never covers a wildcard
		{"users:*", "", true},            // an empty wanted scope needs only the action
		{"users:id:7", "", true},
		{"", "users:id:7", false},
		{"users:id:1", "users:id:12", false},
	}
	for _, tt := range tests {
		if got := ScopeCovers(tt.held, tt.wanted); got != tt.want {
			t.Errorf("ScopeCovers(%q, %q) = %v, want %v", tt.held, tt.wanted, got, tt.want)
		}
	}
}

func TestCanEscalate(t *testing.T) {
	if CanEscalate([]Permission{p("roles:write", "permissions:type:delegate")}) {
		t.Error("delegate is not escalate")
	}
	if CanEscalate([]Permission{p("roles:read", EscalateScope)}) {
		t.Error("escalate needs roles:write")
	}
	if !CanEscalate([]Permission{p("roles:write", EscalateScope)}) {
		t.Error("exact escalate scope")
	}
	if !CanEscalate([]Permission{p("roles:write", "permissions:*")}) {
		t.Error("a wildcard covering the escalate scope")
	}
	if !CanEscalate([]Permission{p("roles:write", "*")}) {
		t.Error("*")
	}
}

func TestMissingForDelegation(t *testing.T) {
	held := []Permission{
		p("users:read", "users:*"),
		p("teams:read", "teams:id:1"),
		p("reports:create", ""),
		p("roles:write", "permissions:type:delegate"),
	}
	wanted := []Permission{
		p("users:read", "users:id:7"),   // covered by wildcard
		p("teams:read", "teams:id:2"),   // other id
		p("reports:create", ""),         // empty by empty
		p("reports:write", "reports:*"), // action not held
		p("users:read", ""),             // empty: the action held with any scope
		p("teams:write", ""),            // empty, action not held
		p("teams:read", "teams:id:2"),   // duplicate collapses
	}
	got := MissingForDelegation(held, wanted)
	exp := []Permission{p("reports:write", "reports:*"), p("teams:read", "teams:id:2"), p("teams:write", "")}
	if !slices.Equal(got, exp) {
		t.Fatalf("got %v, want %v", got, exp)
	}
	if got := MissingForDelegation(append(held, p("roles:write", EscalateScope)), wanted); got != nil {
		t.Fatalf("escalate: got %v", got)
	}
	if got := MissingForDelegation(nil, nil); got != nil {
		t.Fatalf("empty: got %v", got)
	}
	if got := MissingForDelegation(nil, []Permission{p("a", "")}); !slices.Equal(got, []Permission{p("a", "")}) {
		t.Fatalf("nothing held: got %v", got)
	}
}
