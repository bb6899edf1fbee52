package provider

import (
	"strings"
	"testing"
)

func TestParseImportID(t *testing.T) {
	t.Parallel()
	uidOnly := importIDFormat{{Name: "uid", Kind: importIDString}}
	orgAndUID := importIDFormat{{Name: "org_id", Kind: importIDPositiveInt}, {Name: "uid", Kind: importIDString}}

	t.Run("one part", func(t *testing.T) {
		id, err := parseImportID("abc_1", uidOnly, orgAndUID)
		if err != nil {
			t.Fatal(err)
		}
		if uid, ok := id.Text("uid"); !ok || uid != "abc_1" {
			t.Errorf("uid = %q, %t", uid, ok)
		}
		if _, ok := id.Int64("org_id"); ok {
			t.Error("org_id set for a one-part ID")
		}
	})
	t.Run("two parts", func(t *testing.T) {
		id, err := parseImportID("3:abc", uidOnly, orgAndUID)
		if err != nil {
			t.Fatal(err)
		}
		org, ok := id.Int64("org_id")
		uid, _ := id.Text("uid")
		if !ok || org != 3 || uid != "abc" {
			t.Errorf("got org %d (%t), uid %q", org, ok, uid)
		}
	})
	t.Run("three parts with spaces inside", func(t *testing.T) {
		f := importIDFormat{{Name: "org_id", Kind: importIDPositiveInt}, {Name: "builtin_role", Kind: importIDString}, {Name: "role_uid", Kind: importIDString}}
		id, err := parseImportID("1:Grafana Admin:r1", f)
		if err != nil {
			t.Fatal(err)
		}
		if b, _ := id.Text("builtin_role"); b != "Grafana Admin" {
			t.Errorf("builtin_role = %q", b)
		}
	})

	bad := map[string]string{
		"":                       "must not be empty",
		"a:b:c":                  "3 colon-separated parts",
		"x:abc":                  "org_id must be a positive integer",
		"0:abc":                  "org_id must be a positive integer",
		"-1:abc":                 "org_id must be a positive integer",
		"1:":                     "uid must not be empty",
		":abc":                   "org_id must not be empty",
		" abc":                   "padded with spaces",
		"1: abc":                 "padded with spaces",
		"99999999999999999999:a": "positive integer",
	}
	for raw, want := range bad {
		_, err := parseImportID(raw, uidOnly, orgAndUID)
		if err == nil {
			t.Errorf("parseImportID(%q): want an error", raw)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, want) {
			t.Errorf("parseImportID(%q) = %q, want it to mention %q", raw, msg, want)
		}
		if !strings.Contains(msg, "`<uid>` or `<org_id>:<uid>`") {
			t.Errorf("parseImportID(%q) = %q, want the expected formats", raw, msg)
		}
	}
}
