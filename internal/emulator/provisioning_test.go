package emulator

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// writeProvisioning writes files (name → content) into a fresh directory.
func writeProvisioning(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// startProvisioned starts an emulator with the teams and the provisioning
// file given.
func startProvisioned(t *testing.T, gen int, teams []string, file string) *env {
	t.Helper()
	dir := writeProvisioning(t, map[string]string{"roles.yaml": file})
	return start(t, gen, func(c *Config) { c.ProvisioningDir = dir; c.Teams = teams })
}

// The fixed role each generation grants to Admin by default, and one of
// the permissions only it carries there.
func reportWriter(gen int) (name string, only P) {
	if gen == 8 {
		return "fixed:reporting:admin:edit", P{"reports.admin:write", "reports:*"}
	}
	return "fixed:reports:writer", P{"reports:write", "reports:*"}
}

func (e *env) teamRoleNames(teamID int64) []string {
	e.t.Helper()
	var roles []R
	e.want(200, admin, "GET", fmt.Sprintf("/api/access-control/teams/%d/roles?includeHidden=true", teamID), nil).into(e.t, &roles)
	var names []string
	for _, r := range roles {
		names = append(names, r.Name)
	}
	slices.Sort(names)
	return names
}

// builtinNames lists the names of the roles granted to a built-in role (generation 1).
func (e *env) builtinNames(builtin string) []string {
	e.t.Helper()
	var m map[string][]R
	e.want(200, admin, "GET", "/api/access-control/builtin-roles?includeHidden=true", nil).into(e.t, &m)
	var names []string
	for _, r := range m[builtin] {
		names = append(names, r.Name)
	}
	return names
}

func hasP(ps []P, p P) bool { return slices.Contains(ps, p) }

func TestProvisioningAtStart(t *testing.T) {
	for _, gen := range allGens {
		t.Run(fmt.Sprintf("gen%d", gen), func(t *testing.T) {
			t.Parallel()
			writer, writerOnly := reportWriter(gen)
			e := startProvisioned(t, gen, []string{"Reporters", "Auditors"}, fmt.Sprintf(`apiVersion: 1
roles:
  - name: custom:reports:editor
    uid: reports_editor
    description: Edit reports
    version: 4
    permissions:
      - action: reports:create
      - action: reports:read
        scope: reports:*
    builtInRoles:
      - name: Editor
    teams:
      - name: Reporters
        orgId: 1
  - name: custom:users:reader
    uid: users_reader
    global: true
    version: 1
    permissions:
      - action: users:read
        scope: global.users:*
    builtInRoles:
      - name: Grafana Admin
        global: true
  - name: %s
    global: true
    teams:
      - name: Auditors
removeDefaultAssignments:
  - builtInRole: Admin
    fixedRole: %s
`, writer, writer))

			r := e.mustRole("reports_editor")
			wantVersion := int64(4)
			if gen == 13 {
				wantVersion = 1 // Grafana 13 stores 1 on create, whatever the file says
			}
			if r.Version != wantVersion || r.Description != "Edit reports" || r.Global ||
				!samePerms(r.Permissions, []P{{"reports:create", ""}, {"reports:read", "reports:*"}}) {
				t.Errorf("custom:reports:editor as provisioned: %+v", r)
			}
			if g := e.mustRole("users_reader"); !g.Global {
				t.Errorf("custom:users:reader should be global: %+v", g)
			}
			if got := e.teamRoleNames(1); !slices.Equal(got, []string{"custom:reports:editor"}) {
				t.Errorf("team Reporters has %v", got)
			}
			if got := e.teamRoleNames(2); !slices.Equal(got, []string{writer}) {
				t.Errorf("team Auditors has %v (a fixed role listed for its teams)", got)
			}

			if gen == 8 {
				if got := e.builtinNames("Editor"); !slices.Contains(got, "custom:reports:editor") {
					t.Errorf("Editor grants %v, want custom:reports:editor", got)
				}
				if got := e.builtinNames("Grafana Admin"); !slices.Contains(got, "custom:users:reader") {
					t.Errorf("Grafana Admin grants %v, want custom:users:reader", got)
				}
				if got := e.builtinNames("Admin"); slices.Contains(got, writer) {
					t.Errorf("Admin still grants %s after removeDefaultAssignments", writer)
				}
				return
			}
			editor := e.mustRole("basic_editor")
			if !hasP(editor.Permissions, P{"reports:create", ""}) || editor.Version != 2 {
				t.Errorf("basic_editor should hold the custom role's permissions at version 2: v%d %v", editor.Version, editor.Permissions)
			}
			if ga := e.mustRole("basic_grafana_admin"); !hasP(ga.Permissions, P{"users:read", "global.users:*"}) {
				t.Errorf("basic_grafana_admin lacks users:read on global.users:*")
			}
			adm := e.mustRole("basic_admin")
			if hasP(adm.Permissions, writerOnly) {
				t.Errorf("basic_admin still holds %v after removing %s", writerOnly, writer)
			}
			// fixed:reports:reader is still granted to Admin, and the removal keeps it whole.
			if !hasP(adm.Permissions, P{"reports:read", "reports:*"}) {
				t.Errorf("removing %s took reports:read, which fixed:reports:reader still grants", writer)
			}
			if adm.Version != 2 {
				t.Errorf("basic_admin version %d, want 2 (one change)", adm.Version)
			}
		})
	}
}

// A role whose version was not increased keeps its content; assignments
// follow the file while its version is at least the stored one.
func TestProvisioningVersions(t *testing.T) {
	for _, gen := range allGens {
		t.Run(fmt.Sprintf("gen%d", gen), func(t *testing.T) {
			t.Parallel()
			file := func(version int, action, team string) string {
				return fmt.Sprintf("roles:\n  - name: custom:a\n    uid: a\n    version: %d\n    permissions:\n      - action: %s\n    teams:\n      - name: %s\n", version, action, team)
			}
			dir := writeProvisioning(t, map[string]string{"a.yaml": file(2, "a:one", "T1")})
			e := start(t, gen, func(c *Config) { c.ProvisioningDir = dir; c.Teams = []string{"T1", "T2"} })
			reload := func(content string) {
				t.Helper()
				if err := os.WriteFile(filepath.Join(dir, "a.yaml"), []byte(content), 0o600); err != nil {
					t.Fatal(err)
				}
				if err := e.srv.Emulator.Provision(dir); err != nil {
					t.Fatalf("reload: %v", err)
				}
			}
			stored := e.mustRole("a").Version

			reload(file(int(stored), "a:two", "T2"))
			r := e.mustRole("a")
			if !samePerms(r.Permissions, []P{{"a:one", ""}}) || r.Version != stored {
				t.Errorf("same version: content changed to v%d %v", r.Version, r.Permissions)
			}
			if got := e.teamRoleNames(2); !slices.Equal(got, []string{"custom:a"}) || len(e.teamRoleNames(1)) != 0 {
				t.Errorf("same version: assignments should follow the file (T2 only), T1 %v T2 %v", e.teamRoleNames(1), got)
			}

			reload(file(int(stored)+5, "a:two", "T2"))
			r = e.mustRole("a")
			want := stored + 5
			if gen == 13 {
				want = stored + 1 // an update stores old + 1
			}
			if !samePerms(r.Permissions, []P{{"a:two", ""}}) || r.Version != want {
				t.Errorf("greater version: got v%d %v, want v%d a:two", r.Version, r.Permissions, want)
			}

			if gen != 13 {
				reload(file(1, "a:three", "T1"))
				if got := e.teamRoleNames(1); len(got) != 0 {
					t.Errorf("lower version: assignments changed anyway: T1 %v", got)
				}
			}
		})
	}
}

func TestProvisioningDeleteRoles(t *testing.T) {
	eachGen(t, allGens, func(t *testing.T, e *env) {
		team := e.createTeam(admin, "T")
		e.create(admin, map[string]any{"uid": "old", "name": "custom:old", "permissions": []any{map[string]any{"action": "org.users:read", "scope": "users:*"}}})
		e.want(200, admin, "POST", fmt.Sprintf("/api/access-control/teams/%d/roles", team), map[string]any{"roleUid": "old"})
		dir := writeProvisioning(t, map[string]string{"d.yaml": "deleteRoles:\n  - name: custom:old\n    orgId: 1\n"})
		err := e.srv.Emulator.Provision(dir)
		if err == nil || !strings.Contains(err.Error(), "deleteRoles[0]") || !strings.Contains(err.Error(), "force: true") {
			t.Fatalf("deleting an assigned role without force: %v", err)
		}
		if _, st := e.role(admin, "old"); st != http.StatusOK {
			t.Fatalf("the role went although the deletion failed: %d", st)
		}
		// Deletions run before upserts: the role is recreated from scratch.
		dir = writeProvisioning(t, map[string]string{"d.yaml": `deleteRoles:
  - uid: old
    force: true
  - name: custom:never:existed
roles:
  - name: custom:old
    uid: old
    version: 1
    permissions:
      - action: c:d
`})
		if err := e.srv.Emulator.Provision(dir); err != nil {
			t.Fatal(err)
		}
		if r := e.mustRole("old"); !samePerms(r.Permissions, []P{{"c:d", ""}}) {
			t.Errorf("recreated role: %+v", r)
		}
		if got := e.teamRoleNames(team); len(got) != 0 {
			t.Errorf("force should have removed the team assignment: %v", got)
		}
	})
}

// from copies another role's permissions; state: absent takes some away.
func TestProvisioningFromAndAbsent(t *testing.T) {
	for _, gen := range []int{12, 13} {
		t.Run(fmt.Sprintf("gen%d", gen), func(t *testing.T) {
			t.Parallel()
			e := startProvisioned(t, gen, nil, `roles:
  - name: custom:reports:sender
    uid: sender
    from:
      - name: fixed:reports:reader
        global: true
    permissions:
      - action: reports.settings:read
        state: absent
      - action: users:read
        scope: users:*
`)
			got := e.mustRole("sender").Permissions
			want := []P{{"reports:read", "reports:*"}, {"reports:send", "reports:*"}, {"users:read", "users:*"}}
			if !samePerms(got, want) {
				t.Errorf("permissions %v, want %v", sortP(got), want)
			}
		})
	}
}

func TestProvisioningErrors(t *testing.T) {
	cases := []struct {
		name string
		gen  int
		file string
		want string
	}{
		{"team missing", 12, "roles:\n  - name: custom:a\n    teams:\n      - name: Nobody\n", `roles[0] "custom:a": team "Nobody" does not exist in organization 1`},
		{"invalid file", 12, "roles:\n  - name: custom:a\n    permision: []\n", `unknown key "permision"`},
		{"from on Grafana 8", 8, "roles:\n  - name: custom:a\n    from:\n      - name: x\n", `roles[0] "custom:a": from and state: absent need Grafana 9`},
		{"from not found", 12, "roles:\n  - name: custom:a\n    from:\n      - name: fixed:reports:reader\n", `from[0]: no role "fixed:reports:reader"`},
		{"unknown fixed role", 12, "removeDefaultAssignments:\n  - builtInRole: Admin\n    fixedRole: fixed:nope\n", `removeDefaultAssignments[0]: no fixed role "fixed:nope"`},
		{"org missing", 8, "roles:\n  - name: custom:a\n    orgId: 7\n", "organization 7 does not exist"},
		{"fixed role by name only", 12, "roles:\n  - name: fixed:nope\n    global: true\n", "no fixed role has this name"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeProvisioning(t, map[string]string{"x.yaml": tc.file})
			srv, err := NewServer(Config{Generation: tc.gen, ProvisioningDir: dir})
			if err == nil {
				srv.Close()
				t.Fatal("the emulator started")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q lacks %q", err, tc.want)
			}
		})
	}
	t.Run("New panics", func(t *testing.T) {
		dir := writeProvisioning(t, map[string]string{"x.yaml": "roles: [{}]\n"})
		defer func() {
			if recover() == nil {
				t.Error("New accepted a broken provisioning file")
			}
		}()
		New(Config{ProvisioningDir: dir})
	})
}

// Only *.yaml and *.yml files are read, in name order: a later file's
// higher version wins.
func TestProvisioningReadsFilesInOrder(t *testing.T) {
	role := func(version int, action string) string {
		return fmt.Sprintf("roles:\n  - name: custom:a\n    uid: a\n    version: %d\n    permissions:\n      - action: %s\n", version, action)
	}
	dir := writeProvisioning(t, map[string]string{
		"1.yaml":    role(1, "a:one"),
		"2.yml":     role(2, "a:two"),
		"3.yaml.bk": "not: [yaml",
	})
	e := start(t, 12, func(c *Config) { c.ProvisioningDir = dir })
	if r := e.mustRole("a"); r.Version != 2 || !samePerms(r.Permissions, []P{{"a:two", ""}}) {
		t.Errorf("got v%d %v, want v2 a:two", r.Version, r.Permissions)
	}
}
