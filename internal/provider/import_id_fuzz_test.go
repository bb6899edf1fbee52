package provider

import (
	"strings"
	"testing"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

// FuzzImportID checks the import-ID parsers of every resource: they never
// panic, an accepted ID renders back to an ID that parses to the same
// parts, and a refused one gets an error that names the expected format.
func FuzzImportID(f *testing.F) {
	for _, seed := range []string{
		"abc", "3:abc", "1:Editor:r1", "global:Grafana Admin:r1", "1:7:r1", "global:7:r1",
		"", ":", "::", "0:abc", "-1:abc", "1:0:r", "1: Editor:r", "007:+7:r", "1:2:3:4",
		"9223372036854775808:x", "global:x", "1:é:ü", "1:\x00:r",
		"Viewer:fixed:annotations:reader", "Grafana Admin:fixed:roles:writer", "Viewer:fixed:", "viewer:fixed:a", "Viewer:basic:viewer",
	} {
		f.Add(seed)
	}
	assignments := []struct {
		part        string
		kind        importIDKind
		allowGlobal bool
	}{
		{"builtin_role", importIDString, true},
		{"team_id", importIDPositiveInt, false},
		{"user_id", importIDPositiveInt, true},
	}
	f.Fuzz(func(t *testing.T, raw string) {
		id, err := parseImportID(raw, customRoleImportFormats...)
		if err != nil {
			if !strings.Contains(err.Error(), "`<uid>` or `<org_id>:<uid>`") {
				t.Errorf("error %q does not name the expected formats", err)
			}
		} else {
			uid, ok := id.Text("uid")
			if !ok || uid == "" || strings.Contains(uid, ":") || strings.TrimSpace(uid) != uid {
				t.Errorf("%q: bad uid %q", raw, uid)
			}
			if org, ok := id.Int64("org_id"); ok && org <= 0 {
				t.Errorf("%q: org_id %d accepted", raw, org)
			}
		}

		if builtin, fixedName, err := parseDefaultAssignmentImportID(raw); err != nil {
			if !strings.Contains(err.Error(), "`<builtin_role>:<fixed_role>`") {
				t.Errorf("default assignment: error %q does not name the expected format", err)
			}
		} else if builtin+":"+fixedName != raw || !strings.HasPrefix(fixedName, "fixed:") ||
			builtinRoleNameMismatch(builtin, grafana.Generation2) != "" {
			t.Errorf("default assignment: %q accepted as %q and %q", raw, builtin, fixedName)
		}

		for _, a := range assignments {
			got, err := parseAssignmentImportID(raw, a.part, a.kind, a.allowGlobal)
			if err != nil {
				if !strings.Contains(err.Error(), "<"+a.part+">:<role_uid>") {
					t.Errorf("%s: error %q does not name the expected format", a.part, err)
				}
				continue
			}
			if got.Global && !a.allowGlobal {
				t.Errorf("%s: %q accepted as global", a.part, raw)
			}
			if !got.Global && got.OrgID <= 0 {
				t.Errorf("%s: %q accepted with org %d", a.part, raw, got.OrgID)
			}
			if a.kind == importIDPositiveInt && got.PartInt <= 0 {
				t.Errorf("%s: %q accepted with id %d", a.part, raw, got.PartInt)
			}
			// The ID the resource stores must import the same assignment again.
			again, err := parseAssignmentImportID(assignmentID(got.Global, got.OrgID, got.Part, got.RoleUID), a.part, a.kind, a.allowGlobal)
			if err != nil || again != got {
				t.Errorf("%s: %q parsed to %+v, which renders to an ID parsing to %+v (%v)", a.part, raw, got, again, err)
			}
		}
	})
}
