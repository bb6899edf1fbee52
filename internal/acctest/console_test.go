package acctest_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestProvisioningFunctionInConsole proves that the provisioning function
// works from `terraform console`, as the function's documentation shows:
// both in an empty configuration that only requires the provider, and in
// the function's example directory, whose locals call it. A broken file
// fails the console with the rule it breaks.
func TestProvisioningFunctionInConsole(t *testing.T) {
	tf, root, work := terraformWithProvider(t)
	cli := filepath.Join(work, "cli.tfrc")
	// console evaluates what it reads on standard input, one expression a line.
	console := func(dir, input string) (string, error) {
		cmd := exec.Command(tf, "console", "-no-color")
		cmd.Dir = dir
		// No Grafana is needed: functions run without a configured provider.
		cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+cli, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
			"GRAFANA_URL=", "GRAFANA_AUTH=")
		cmd.Stdin = strings.NewReader(input + "\n")
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		return out.String(), err
	}
	oneLine := func(s string) string { return strings.Join(strings.Fields(s), " ") }

	empty := filepath.Join(work, "empty")
	if err := os.MkdirAll(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	requires := "terraform {\n  required_providers {\n    grafanarbac = { source = \"grafanarbac/grafanarbac\" }\n  }\n}\n"
	if err := os.WriteFile(filepath.Join(empty, "main.tf"), []byte(requires), 0o600); err != nil {
		t.Fatal(err)
	}

	t.Run("expression", func(t *testing.T) {
		out, err := console(empty, `provider::grafanarbac::provisioning("roles: [{name: 'custom:a', permissions: [{action: 'a:read', scope: 'a:*'}], builtInRoles: [{name: Editor}]}]").roles[0]`)
		if err != nil {
			t.Fatalf("terraform console: %v\n%s", err, out)
		}
		got := oneLine(out)
		for _, want := range []string{`"name" = "custom:a"`, `"action" = "a:read"`, `"scope" = "a:*"`, `"org_id" = 1`, `"name" = "Editor"`} {
			if !strings.Contains(got, want) {
				t.Errorf("console output lacks %s:\n%s", want, out)
			}
		}
	})

	t.Run("broken file", func(t *testing.T) {
		out, err := console(empty, `provider::grafanarbac::provisioning("roles: [{nme: 'custom:a'}]")`)
		if err == nil {
			t.Fatalf("terraform console accepted a file with an unknown key:\n%s", out)
		}
		got := oneLine(out)
		for _, want := range []string{`roles[0] (line 1): unknown key "nme"`, "name is required"} {
			if !strings.Contains(got, want) {
				t.Errorf("console error lacks %q:\n%s", want, out)
			}
		}
	})

	t.Run("example locals", func(t *testing.T) {
		// A copy, so that nothing is left in examples/.
		dir := filepath.Join(work, "example")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		src, err := os.ReadFile(filepath.Join(root, "examples", "functions", "provisioning", "function.tf"))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "function.tf"), src, 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := console(dir, `[for r in local.provisioning.roles : "${r.name} ${r.uid} ${length(r.permissions)} ${r.builtin_roles[0].name}"]`)
		if err != nil {
			t.Fatalf("terraform console: %v\n%s", err, out)
		}
		if want := `"custom:reports:editor reports_editor 2 Editor"`; !strings.Contains(out, want) {
			t.Errorf("console output lacks %s:\n%s", want, out)
		}
	})
}
