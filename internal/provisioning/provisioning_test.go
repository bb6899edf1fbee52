package provisioning

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Defaults are filled in as Grafana does: orgId 1, none for global roles,
// and a grant takes its role's organization.
func TestParseDefaults(t *testing.T) {
	f, err := Parse([]byte(`roles:
  - name: custom:a
    builtInRoles: [{name: Editor}]
    teams: [{name: T}]
  - name: custom:g
    global: true
    orgId: 4
    builtInRoles: [{name: Viewer}, {name: Admin, orgId: 2}, {name: Grafana Admin, global: true, orgId: 3}]
deleteRoles:
  - {name: custom:old, global: true, orgId: 2}
`))
	if err != nil {
		t.Fatal(err)
	}
	want := &File{
		APIVersion: 1,
		Roles: []Role{
			{Name: "custom:a", OrgID: 1, BuiltInRoles: []BuiltInRole{{Name: "Editor", OrgID: 1}}, Teams: []Team{{Name: "T", OrgID: 1}}},
			{Name: "custom:g", Global: true, BuiltInRoles: []BuiltInRole{
				{Name: "Viewer", OrgID: 1}, {Name: "Admin", OrgID: 2}, {Name: "Grafana Admin", Global: true},
			}},
		},
		DeleteRoles: []DeleteRole{{Name: "custom:old", Global: true}},
	}
	if d := cmp.Diff(want, f); d != "" {
		t.Errorf("(-want +got)\n%s", d)
	}
}

// A uid of another form and a negative version are passed on: Grafana is
// only assumed to refuse them, which the resources check as plan_checks says.
func TestParseKeepsAssumedRulesForTheResources(t *testing.T) {
	f, err := Parse([]byte("roles:\n  - name: custom:a\n    uid: has.dot\n    version: -1\n"))
	if err != nil {
		t.Fatal(err)
	}
	if r := f.Roles[0]; r.UID != "has.dot" || r.Version != -1 {
		t.Errorf("role = %+v", r)
	}
}

// A name is limited to 190 characters, not bytes.
func TestParseNameLengthInCharacters(t *testing.T) {
	name := "custom:" + strings.Repeat("é", 183)
	if _, err := Parse([]byte("roles:\n  - name: " + name + "\n")); err != nil {
		t.Errorf("a name of 190 characters (%d bytes): %v", len(name), err)
	}
	if _, err := Parse([]byte("roles:\n  - name: " + name + "é\n")); err == nil || !strings.Contains(err.Error(), "longer than 190") {
		t.Errorf("a name of 191 characters: %v", err)
	}
}

func TestParseEmpty(t *testing.T) {
	for _, text := range []string{"", "# nothing\n", "apiVersion: 1\n"} {
		f, err := Parse([]byte(text))
		if err != nil || len(f.Roles) != 0 {
			t.Errorf("%q: %v %+v", text, err, f)
		}
	}
}

func TestParseErrorIsTyped(t *testing.T) {
	_, err := Parse([]byte("roles:\n  - {}\n  - name: fixed:x\n"))
	var perr *Error
	if !errors.As(err, &perr) || len(perr.Problems) != 2 {
		t.Fatalf("want two problems, got %v", err)
	}
	if p := perr.Problems[1]; p.Where != `roles[1] "fixed:x"` || p.Line != 3 || !strings.Contains(p.Rule, "global") {
		t.Errorf("second problem: %+v", p)
	}
}

func TestLoadDir(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{
		"b.yml":      "roles: [{name: custom:b}]\n",
		"a.yaml":     "roles: [{name: custom:a}]\n",
		"notes.txt":  "not yaml: [",
		"c.yaml.bak": "not yaml: [",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	files, err := LoadDir(dir)
	if err != nil || len(files) != 2 || files[0].Roles[0].Name != "custom:a" || files[1].Roles[0].Name != "custom:b" {
		t.Fatalf("want a.yaml then b.yml, got %v %+v", err, files)
	}
	if files, err := LoadDir(filepath.Join(dir, "missing")); err != nil || files != nil {
		t.Errorf("a missing directory holds no files: %v %v", files, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "z.yaml"), []byte("roles: [{}]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadDir(dir); err == nil || !strings.Contains(err.Error(), "z.yaml") || !strings.Contains(err.Error(), "roles[0]") {
		t.Errorf("the error should name the file and the entry: %v", err)
	}
}
