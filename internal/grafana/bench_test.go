package grafana

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"
)

func benchPermissions(n int, seed uint64) []Permission {
	r := rand.New(rand.NewPCG(seed, 1))
	perms := make([]Permission, n)
	for i := range perms {
		perms[i] = Permission{
			Action: fmt.Sprintf("resource%d.sub:verb%d", r.IntN(20), r.IntN(5)),
			Scope:  fmt.Sprintf("resource%d:uid:%d", r.IntN(20), r.IntN(1000)),
		}
	}
	return perms
}

func BenchmarkDecodeRole(b *testing.B) {
	role := Role{
		Version: 7, UID: "jZrmlLCGka", Name: "custom:reports:editor", DisplayName: "Report editor",
		Description: "Edits reports", Group: "Reports", Created: "2021-05-13T23:19:46+02:00",
		Updated: "2021-05-13T23:20:51+02:00", Permissions: benchPermissions(50, 1),
	}
	data, err := json.Marshal(role)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var r Role
		if err := json.Unmarshal(data, &r); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeCurrentUserPermissions(b *testing.B) {
	m := map[string][]string{}
	for _, p := range benchPermissions(200, 2) {
		m[p.Action] = append(m[p.Action], p.Scope)
	}
	data, _ := json.Marshal(m)
	b.ReportAllocs()
	for b.Loop() {
		var byAction map[string][]string
		if err := json.Unmarshal(data, &byAction); err != nil {
			b.Fatal(err)
		}
		_ = permissionsFromActionMap(byAction)
	}
}

func BenchmarkPermissionsEqual(b *testing.B) {
	a := benchPermissions(200, 3)
	c := append([]Permission(nil), a...)
	rand.New(rand.NewPCG(4, 4)).Shuffle(len(c), func(i, j int) { c[i], c[j] = c[j], c[i] })
	b.ReportAllocs()
	for b.Loop() {
		if !PermissionsEqual(a, c) {
			b.Fatal("shuffled copy differs")
		}
	}
}

func BenchmarkMissingForDelegation(b *testing.B) {
	held := benchPermissions(200, 5)
	// Half wildcards so that scope matching, not only map lookups, is exercised.
	for i := 0; i < len(held); i += 2 {
		held[i].Scope = held[i].Scope[:len(held[i].Scope)/2] + "*"
	}
	wanted := benchPermissions(200, 6)
	b.ReportAllocs()
	for b.Loop() {
		_ = MissingForDelegation(held, wanted)
	}
}
