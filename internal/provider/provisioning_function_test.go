package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/acctest"
	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/provider"
)

// fullProvisioningFile uses every key of the format.
const fullProvisioningFile = `apiVersion: 1
deleteRoles:
  - name: custom:old:reader
    orgId: 1
    force: true
  - uid: oldglobal
    global: true
roles:
  - name: custom:reports:editor
    uid: reports_editor
    description: Edit reports
    version: 3
    orgId: 1
    permissions:
      - action: reports:read
        scope: reports:*
      - action: reports:create
      - action: reports:read
        scope: reports:*
    builtInRoles:
      - name: Editor
      - name: Admin
        orgId: 1
    teams:
      - name: Reporters
        orgId: 1
  - name: custom:global:reader
    global: true
    orgId: 5
    from:
      - name: fixed:reports:reader
        global: true
      - uid: other_role
    permissions:
      - action: reports:send
        scope: reports:*
        state: absent
      - action: users:read
        scope: users:*
        state: present
    builtInRoles:
      - name: Grafana Admin
        global: true
      - name: Viewer
    teams:
      - name: Readers
  - name: fixed:reports:writer
    global: true
    teams:
      - name: Reporters
        orgId: 1
removeDefaultAssignments:
  - builtInRole: Admin
    fixedRole: fixed:reports:writer
addDefaultAssignments:
  - builtInRole: Viewer
    fixedRole: fixed:annotations:writer
`

func TestProvisioningFunction_decodes(t *testing.T) {
	perm := func(action, scope string) knownvalue.Check {
		var s knownvalue.Check = knownvalue.Null()
		if scope != "" {
			s = knownvalue.StringExact(scope)
		}
		return knownvalue.ObjectExact(map[string]knownvalue.Check{"action": knownvalue.StringExact(action), "scope": s})
	}
	t.Parallel()
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
locals {
  p = provider::grafanarbac::provisioning(%q)
}
output "api_version" { value = local.p.api_version }
output "editor" { value = local.p.roles[0] }
output "global" { value = local.p.roles[1] }
output "fixed" { value = local.p.roles[2] }
output "delete_roles" { value = local.p.delete_roles }
output "remove_default_assignments" { value = local.p.remove_default_assignments }
output "add_default_assignments" { value = local.p.add_default_assignments }
`, fullProvisioningFile),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("api_version", knownvalue.Int64Exact(1)),
				statecheck.ExpectKnownOutputValue("editor", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"name":        knownvalue.StringExact("custom:reports:editor"),
					"uid":         knownvalue.StringExact("reports_editor"),
					"description": knownvalue.StringExact("Edit reports"),
					"version":     knownvalue.Int64Exact(3),
					"org_id":      knownvalue.Int64Exact(1),
					"global":      knownvalue.Bool(false),
					"fixed":       knownvalue.Bool(false),
					// The duplicate collapses: permissions are a set.
					"permissions":        knownvalue.SetExact([]knownvalue.Check{perm("reports:read", "reports:*"), perm("reports:create", "")}),
					"absent_permissions": knownvalue.SetSizeExact(0),
					"from":               knownvalue.ListSizeExact(0),
					"builtin_roles": knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{"name": knownvalue.StringExact("Editor"), "org_id": knownvalue.Int64Exact(1), "global": knownvalue.Bool(false)}),
						knownvalue.ObjectExact(map[string]knownvalue.Check{"name": knownvalue.StringExact("Admin"), "org_id": knownvalue.Int64Exact(1), "global": knownvalue.Bool(false)}),
					}),
					"teams": knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{"name": knownvalue.StringExact("Reporters"), "org_id": knownvalue.Int64Exact(1)}),
					}),
				})),
				statecheck.ExpectKnownOutputValue("global", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"name":               knownvalue.StringExact("custom:global:reader"),
					"uid":                knownvalue.Null(),
					"description":        knownvalue.StringExact(""),
					"version":            knownvalue.Null(),
					"org_id":             knownvalue.Null(), // global drops orgId
					"global":             knownvalue.Bool(true),
					"fixed":              knownvalue.Bool(false),
					"permissions":        knownvalue.SetExact([]knownvalue.Check{perm("users:read", "users:*")}),
					"absent_permissions": knownvalue.SetExact([]knownvalue.Check{perm("reports:send", "reports:*")}),
					"from": knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{"name": knownvalue.StringExact("fixed:reports:reader"), "uid": knownvalue.Null(), "global": knownvalue.Bool(true)}),
						knownvalue.ObjectExact(map[string]knownvalue.Check{"name": knownvalue.Null(), "uid": knownvalue.StringExact("other_role"), "global": knownvalue.Bool(false)}),
					}),
					"builtin_roles": knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{"name": knownvalue.StringExact("Grafana Admin"), "org_id": knownvalue.Null(), "global": knownvalue.Bool(true)}),
						// A grant of a global role without orgId goes to the default organization.
						knownvalue.ObjectExact(map[string]knownvalue.Check{"name": knownvalue.StringExact("Viewer"), "org_id": knownvalue.Int64Exact(1), "global": knownvalue.Bool(false)}),
					}),
					"teams": knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectExact(map[string]knownvalue.Check{"name": knownvalue.StringExact("Readers"), "org_id": knownvalue.Int64Exact(1)}),
					}),
				})),
				statecheck.ExpectKnownOutputValueAtPath("fixed", tfjsonpath.New("fixed"), knownvalue.Bool(true)),
				statecheck.ExpectKnownOutputValueAtPath("fixed", tfjsonpath.New("teams"), knownvalue.ListSizeExact(1)),
				statecheck.ExpectKnownOutputValue("delete_roles", knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"name": knownvalue.StringExact("custom:old:reader"), "uid": knownvalue.Null(), "org_id": knownvalue.Int64Exact(1),
						"global": knownvalue.Bool(false), "force": knownvalue.Bool(true),
					}),
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"name": knownvalue.Null(), "uid": knownvalue.StringExact("oldglobal"), "org_id": knownvalue.Null(),
						"global": knownvalue.Bool(true), "force": knownvalue.Bool(false),
					}),
				})),
				statecheck.ExpectKnownOutputValue("remove_default_assignments", knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{"builtin_role": knownvalue.StringExact("Admin"), "fixed_role": knownvalue.StringExact("fixed:reports:writer")}),
				})),
				statecheck.ExpectKnownOutputValue("add_default_assignments", knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{"builtin_role": knownvalue.StringExact("Viewer"), "fixed_role": knownvalue.StringExact("fixed:annotations:writer")}),
				})),
			},
		}},
	})
}

// The result feeds for_each directly: a map of roles by name, and the
// permissions as they would go into grafanarbac_custom_role.
func TestProvisioningFunction_forEach(t *testing.T) {
	t.Parallel()
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
locals {
  p = provider::grafanarbac::provisioning(%q)
  custom = { for r in local.p.roles : r.name => r if !r.fixed }
}
output "names" { value = sort(keys(local.custom)) }
output "grants" {
  value = sort(flatten([for r in local.p.roles : [for b in r.builtin_roles : "${r.name}>${b.name}"]]))
}
`, fullProvisioningFile),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("names", knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringExact("custom:global:reader"), knownvalue.StringExact("custom:reports:editor"),
				})),
				statecheck.ExpectKnownOutputValue("grants", knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringExact("custom:global:reader>Grafana Admin"), knownvalue.StringExact("custom:global:reader>Viewer"),
					knownvalue.StringExact("custom:reports:editor>Admin"), knownvalue.StringExact("custom:reports:editor>Editor"),
				})),
			},
		}},
	})
}

func TestProvisioningFunction_emptyFile(t *testing.T) {
	t.Parallel()
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `output "roles" { value = provider::grafanarbac::provisioning("apiVersion: 1\n").roles }`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("roles", knownvalue.ListSizeExact(0)),
			},
		}},
	})
}

// A broken file fails the plan with every problem, each naming its entry.
func TestProvisioningFunction_errorInTerraform(t *testing.T) {
	t.Parallel()
	resource.UnitTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `output "x" { value = provider::grafanarbac::provisioning(<<-EOT
  roles:
    - name: custom:a
      permissions:
        - scope: users:*
    - name: custom:b
      permision: []
  EOT
  ) }`,
			ExpectError: regexp.MustCompile(`(?s)roles\[0\] "custom:a", permissions\[0\] \(line 4\): action is required.*roles\[1\] "custom:b" \(line 6\): unknown key "permision"`),
		}},
	})
}

// runProvisioning calls the function as Terraform would, without Terraform.
func runProvisioning(t *testing.T, text string) *function.FuncError {
	t.Helper()
	ctx := context.Background()
	f := provider.NewProvisioningFunction()
	var def function.DefinitionResponse
	f.Definition(ctx, function.DefinitionRequest{}, &def)
	ret, ok := def.Definition.Return.(function.ObjectReturn)
	if !ok {
		t.Fatalf("the function should return an object, not %T", def.Definition.Return)
	}
	resp := &function.RunResponse{Result: function.NewResultData(types.ObjectUnknown(ret.AttributeTypes))}
	f.Run(ctx, function.RunRequest{Arguments: function.NewArgumentsData([]attr.Value{types.StringValue(text)})}, resp)
	return resp.Error
}

// Every validation rule, and unknown keys: the error names the entry, its
// index and the rule.
func TestProvisioningFunction_validation(t *testing.T) {
	cases := []struct {
		name, yaml string
		want       []string // all must appear in the error
	}{
		{"unknown top-level key", "apiVersion: 1\nrole: []\n",
			[]string{`file (line 2)`, `unknown key "role"`, "Known keys: apiVersion, roles,"}},
		{"unsupported apiVersion", "apiVersion: 2\n",
			[]string{`file (line 1)`, "apiVersion 2 is not supported"}},
		{"apiVersion not a number", "apiVersion: one\n",
			[]string{`file (line 1)`, `apiVersion must be a whole number, found the value "one"`}},
		{"unknown role key, case hint", "roles:\n  - name: custom:a\n    builtinRoles: []\n",
			[]string{`roles[0] "custom:a" (line 3)`, `unknown key "builtinRoles"`, `Did you mean "builtInRoles"?`}},
		{"unknown permission key", "roles:\n  - name: custom:a\n    permissions:\n      - action: a:b\n        scopes: x\n",
			[]string{`roles[0] "custom:a", permissions[0] (line 5)`, `unknown key "scopes"`}},
		{"unknown builtInRoles key", "roles:\n  - name: custom:a\n    builtInRoles:\n      - name: Viewer\n        org: 1\n",
			[]string{`roles[0] "custom:a", builtInRoles[0] (line 5)`, `unknown key "org"`}},
		{"unknown teams key", "roles:\n  - name: custom:a\n    teams:\n      - name: t\n        team: x\n",
			[]string{`roles[0] "custom:a", teams[0] (line 5)`, `unknown key "team"`}},
		{"unknown from key", "roles:\n  - name: custom:a\n    from:\n      - name: fixed:x\n        org: 1\n",
			[]string{`roles[0] "custom:a", from[0] (line 5)`, `unknown key "org"`}},
		{"unknown deleteRoles key", "deleteRoles:\n  - name: custom:a\n    forced: true\n",
			[]string{`deleteRoles[0] "custom:a" (line 3)`, `unknown key "forced"`}},
		{"unknown removeDefaultAssignments key", "removeDefaultAssignments:\n  - builtInRole: Viewer\n    fixedRole: fixed:a\n    orgId: 1\n",
			[]string{`removeDefaultAssignments[0] "Viewer / fixed:a" (line 4)`, `unknown key "orgId"`, "Known keys: builtInRole, fixedRole."}},
		{"unknown default assignment key", "addDefaultAssignments:\n  - builtInRole: Viewer\n    fixedRole: fixed:a\n    global: true\n",
			[]string{`addDefaultAssignments[0] "Viewer / fixed:a" (line 4)`, `unknown key "global"`}},
		{"role name required", "roles:\n  - uid: abc\n",
			[]string{`roles[0] (line 2)`, "name is required"}},
		{"role name fixed with permissions", "roles:\n  - name: fixed:a:b\n    global: true\n    permissions:\n      - action: a:b\n",
			[]string{`roles[0] "fixed:a:b" (line 5)`, "a fixed role may only list teams", "remove permissions"}},
		{"fixed role with builtInRoles", "roles:\n  - name: fixed:a:b\n    global: true\n    builtInRoles:\n      - name: Viewer\n",
			[]string{`roles[0] "fixed:a:b"`, "a fixed role may only list teams", "remove builtInRoles", "addDefaultAssignments"}},
		{"fixed role with from", "roles:\n  - name: fixed:a:b\n    global: true\n    from:\n      - name: fixed:c:d\n",
			[]string{`roles[0] "fixed:a:b" (line 5)`, "a fixed role may only list teams", "remove from"}},
		{"fixed role not global", "roles:\n  - name: fixed:a:b\n    teams:\n      - name: t\n",
			[]string{`roles[0] "fixed:a:b" (line 2)`, "fixed roles are global: set global: true"}},
		{"reserved basic prefix", "roles:\n  - name: basic:viewer\n",
			[]string{`roles[0] "basic:viewer" (line 2)`, `must not start with "basic:"`}},
		{"reserved managed prefix", "roles:\n  - name: managed:x\n",
			[]string{`roles[0] "managed:x"`, `must not start with "managed:"`}},
		{"name too long", "roles:\n  - name: " + strings.Repeat("n", 191) + "\n",
			[]string{`roles[0]`, "longer than 190"}},
		{"version not a number", "roles:\n  - name: custom:a\n    version: two\n",
			[]string{`roles[0] "custom:a" (line 3)`, "version must be a whole number"}},
		{"orgId below 1", "roles:\n  - name: custom:a\n    orgId: 0\n",
			[]string{`roles[0] "custom:a" (line 3)`, "orgId must be 1 or more"}},
		{"global not a bool", "roles:\n  - name: custom:a\n    global: maybe\n",
			[]string{`roles[0] "custom:a" (line 3)`, "global must be true or false"}},
		{"permissions not a list", "roles:\n  - name: custom:a\n    permissions: a:b\n",
			[]string{`roles[0] "custom:a" (line 3)`, "permissions must be a list"}},
		{"permission action required", "roles:\n  - name: custom:a\n    permissions:\n      - scope: users:*\n",
			[]string{`roles[0] "custom:a", permissions[0] (line 4)`, "action is required"}},
		{"permission state", "roles:\n  - name: custom:a\n    permissions:\n      - action: a:b\n        state: gone\n",
			[]string{`roles[0] "custom:a", permissions[0] (line 5)`, `state must be present or absent, found "gone"`}},
		{"from needs name or uid", "roles:\n  - name: custom:a\n    from:\n      - global: true\n",
			[]string{`roles[0] "custom:a", from[0] (line 4)`, "name or uid is required"}},
		{"builtin role name", "roles:\n  - name: custom:a\n    builtInRoles:\n      - name: editor\n",
			[]string{`roles[0] "custom:a", builtInRoles[0] "editor" (line 4)`, `name must be one of "Viewer", "Editor", "Admin", "Grafana Admin"`, `did you mean "Editor"?`}},
		{"builtin role None", "roles:\n  - name: custom:a\n    builtInRoles:\n      - name: None\n",
			[]string{`builtInRoles[0] "None"`, "name must be one of"}},
		{"Grafana Admin needs global", "roles:\n  - name: custom:a\n    global: true\n    builtInRoles:\n      - name: Grafana Admin\n",
			[]string{`roles[0] "custom:a", builtInRoles[0] "Grafana Admin" (line 5)`, "set global: true"}},
		{"global grant of an org role", "roles:\n  - name: custom:a\n    builtInRoles:\n      - name: Editor\n        global: true\n",
			[]string{`roles[0] "custom:a", builtInRoles[0] "Editor" (line 5)`, "belongs to organization 1", "remove global"}},
		{"builtin orgId differs", "roles:\n  - name: custom:a\n    orgId: 2\n    builtInRoles:\n      - name: Editor\n        orgId: 1\n",
			[]string{`roles[0] "custom:a", builtInRoles[0] "Editor" (line 6)`, "orgId 1 differs from the role's organization 2"}},
		{"team orgId differs", "roles:\n  - name: custom:a\n    teams:\n      - name: t\n        orgId: 3\n",
			[]string{`roles[0] "custom:a", teams[0] "t" (line 5)`, "orgId 3 differs from the role's organization 1"}},
		{"team name required", "roles:\n  - name: custom:a\n    teams:\n      - orgId: 1\n",
			[]string{`roles[0] "custom:a", teams[0] (line 4)`, "name is required"}},
		{"deleteRoles needs name or uid", "deleteRoles:\n  - orgId: 1\n    force: true\n",
			[]string{`deleteRoles[0] (line 2)`, "name or uid is required"}},
		{"deleteRoles of a fixed role", "deleteRoles:\n  - name: fixed:a:b\n",
			[]string{`deleteRoles[0] "fixed:a:b" (line 2)`, "belong to Grafana and cannot be deleted"}},
		// Contract rule 2: basic roles cannot be deleted.
		{"deleteRoles of a basic role", "deleteRoles:\n  - name: basic:viewer\n    global: true\n",
			[]string{`deleteRoles[0] "basic:viewer" (line 2)`, `roles starting with "basic:" belong to Grafana and cannot be deleted`}},
		{"deleteRoles of a basic role by uid", "deleteRoles:\n  - uid: basic_editor\n    global: true\n",
			[]string{`deleteRoles[0] "basic_editor" (line 2)`, `"basic_editor" is a basic role, which cannot be deleted`}},
		{"default assignment builtin", "removeDefaultAssignments:\n  - builtInRole: Admins\n    fixedRole: fixed:a\n",
			[]string{`removeDefaultAssignments[0] "Admins / fixed:a" (line 2)`, "builtInRole must be one of"}},
		{"default assignment without fixed role", "removeDefaultAssignments:\n  - builtInRole: Admin\n",
			[]string{`removeDefaultAssignments[0] "Admin" (line 2)`, "fixedRole is required"}},
		{"default assignment fixed role", "addDefaultAssignments:\n  - builtInRole: Admin\n    fixedRole: custom:a\n",
			[]string{`addDefaultAssignments[0] "Admin / custom:a" (line 3)`, "fixedRole must name a fixed role"}},
		{"duplicate role", "roles:\n  - name: custom:a\n  - name: custom:a\n",
			[]string{`roles[1] "custom:a"`, "the same role as roles[0]"}},
		{"duplicate uid", "roles:\n  - name: custom:a\n    uid: x\n  - name: custom:b\n    uid: x\n",
			[]string{`roles[1] "custom:b"`, `uid "x" is also used by roles[0]`}},
		{"default grant removed and added", "removeDefaultAssignments:\n  - builtInRole: Admin\n    fixedRole: fixed:a\naddDefaultAssignments:\n  - builtInRole: Admin\n    fixedRole: fixed:a\n",
			[]string{`addDefaultAssignments[0] "Admin / fixed:a"`, "the same grant as removeDefaultAssignments[0]"}},
		{"duplicate key", "roles:\n  - name: custom:a\n    name: custom:b\n",
			[]string{`(line 3)`, `key "name" appears twice`}},
		{"not YAML", "roles: [\n", []string{"cannot be read", "not valid YAML"}},
		{"entry not a mapping", "roles:\n  - custom:a\n", []string{`roles[0] (line 2)`, "expected a mapping"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ferr := runProvisioning(t, tc.yaml)
			if ferr == nil {
				t.Fatalf("no error for:\n%s", tc.yaml)
			}
			if ferr.FunctionArgument == nil || *ferr.FunctionArgument != 0 {
				t.Errorf("the error should point at the yaml argument: %+v", ferr)
			}
			for _, w := range tc.want {
				if !strings.Contains(ferr.Text, w) {
					t.Errorf("error lacks %q:\n%s", w, ferr.Text)
				}
			}
		})
	}
}

// A valid file with several entries reports nothing; the rules are not
// stricter than Grafana's on the cases the documentation shows.
func TestProvisioningFunction_validFile(t *testing.T) {
	if ferr := runProvisioning(t, fullProvisioningFile); ferr != nil {
		t.Fatalf("unexpected error: %s", ferr.Text)
	}
}

// Several broken entries are all reported, in file order.
func TestProvisioningFunction_reportsEveryProblem(t *testing.T) {
	ferr := runProvisioning(t, "roles:\n  - name: ''\n  - name: custom:b\n    permissions:\n      - {}\ndeleteRoles:\n  - {}\n")
	if ferr == nil {
		t.Fatal("no error")
	}
	lines := strings.Split(ferr.Text, "\n")
	var got []string
	for _, l := range lines[1:] {
		got = append(got, strings.TrimSpace(l))
	}
	want := []string{`- roles[0] (line 2)`, `- roles[1] "custom:b", permissions[0] (line 5)`, `- deleteRoles[0] (line 7)`}
	if len(got) != len(want) {
		t.Fatalf("want %d problems, got:\n%s", len(want), ferr.Text)
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("problem %d: want prefix %q, got %q", i, want[i], got[i])
		}
	}
}
