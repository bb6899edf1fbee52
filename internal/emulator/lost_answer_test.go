package emulator

import (
	"testing"
)

// A lost answer is a 500 to a request that was carried out: the role exists
// although the create failed, and the same create then conflicts.
func TestFaultsLostAnswer(t *testing.T) {
	e := start(t, 12)
	e.srv.Emulator.SetFaults(Faults{LostAnswerRate: 1})
	r := e.do(admin, "POST", "/api/access-control/roles", map[string]any{"uid": "lost", "name": "custom:lost"})
	if r.status != 500 || r.message(t) != "internal server error" {
		t.Fatalf("create with a lost answer: %s", r)
	}
	if got := e.do(admin, "GET", "/api/access-control/roles/lost", nil); got.status != 500 {
		t.Errorf("a read's answer is lost too: %s", got)
	}
	e.srv.Emulator.SetFaults(Faults{})
	if _, st := e.role(admin, "lost"); st != 200 {
		t.Errorf("the create was not carried out: %d", st)
	}
	e.want(409, admin, "POST", "/api/access-control/roles", map[string]any{"uid": "lost", "name": "custom:lost"})

	// Drawn after the other faults, from the same sequence.
	e.srv.Emulator.SetFaults(Faults{ErrorRate: 0.2, TooManyRate: 0.2, LostAnswerRate: 0.2, Seed: 3})
	counts := map[int]int{}
	for range 100 {
		counts[e.do(admin, "GET", "/api/access-control/status", nil).status]++
	}
	if counts[500] < 25 || counts[429] < 10 || counts[200] < 25 {
		t.Errorf("implausible mix for 20%%+20%% 500s, 20%% 429s: %v", counts)
	}
}
