package provider

import "testing"

// The plan of an existing assignment follows its role's change only in a
// process that refreshed it (the plan, not the apply's final plan, which
// must not turn a known value unknown); a new assignment's plan always does.
func TestChangingRoles_resync(t *testing.T) {
	var c changingRoles
	if c.resync(1, "r", true) {
		t.Error("no role changes yet")
	}
	c.add(1, "r")
	c.add(0, "g")
	if !c.resync(1, "r", true) || !c.resync(2, "g", true) {
		t.Error("a new assignment of a changing role (in its org, or global) re-syncs")
	}
	if c.resync(2, "r", true) {
		t.Error("role r of org 1 is not the one an assignment in org 2 gets")
	}
	if c.resync(1, "r", false) {
		t.Error("an existing assignment, not refreshed (the apply's final plan), must keep its first plan")
	}
	c.markRefreshed()
	if !c.resync(1, "r", false) || c.resync(1, "other", false) {
		t.Error("after a refresh (the plan) an existing assignment re-syncs for its changing role only")
	}
}
