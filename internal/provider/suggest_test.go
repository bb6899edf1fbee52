package provider

import (
	"slices"
	"testing"
)

func TestClosestNames(t *testing.T) {
	names := []string{"alice", "Alicia", "bob", "robert", "carol", "ALICE.admin"}
	tests := []struct {
		name string
		want []string
	}{
		{"ALICE", []string{"alice", "ALICE.admin", "Alicia"}},
		{"bobb", []string{"bob"}},
		{"carl", []string{"carol"}},
		{"zzzzzz", []string{}},
	}
	for _, tt := range tests {
		if got := closestNames(tt.name, names); !slices.Equal(got, tt.want) {
			t.Errorf("closestNames(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
	if got := suggestionSentence("bobb", names); got != ` Did you mean "bob"?` {
		t.Errorf("suggestionSentence = %q", got)
	}
	if got := suggestionSentence("ALICE", names); got != ` Did you mean "alice"? Also similar: "ALICE.admin", "Alicia".` {
		t.Errorf("suggestionSentence several = %q", got)
	}
	// Spacing and punctuation count as little as case.
	if got := closestNames("grafanaadmin", []string{"Admin", "Grafana Admin"}); !slices.Equal(got, []string{"Grafana Admin", "Admin"}) {
		t.Errorf("closestNames(grafanaadmin) = %q", got)
	}
	if got := suggestionSentence("zzzzzz", names); got != "" {
		t.Errorf("suggestionSentence far = %q", got)
	}
}
