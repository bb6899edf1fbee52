package acctest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestExamples proves that every example directory is formatted and valid
// against the provider built from this tree, and that every resource, data
// source and function has the examples the docs are generated from.
func TestExamples(t *testing.T) {
	tf, root, work := terraformWithProvider(t)
	// Examples without a terraform block resolve to hashicorp/grafanarbac.
	cli := filepath.Join(work, "cli.tfrc")
	cfg := fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.terraform.io/grafanarbac/grafanarbac" = %[1]q
    "registry.terraform.io/hashicorp/grafanarbac"   = %[1]q
  }
  direct {}
}
`, filepath.Join(work, "bin"))
	if err := os.WriteFile(cli, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(dir string, args ...string) ([]byte, error) {
		cmd := exec.Command(tf, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+cli, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		if err != nil {
			return stdout.Bytes(), fmt.Errorf("%v\n%s%s", err, stdout.String(), stderr.String())
		}
		return stdout.Bytes(), nil
	}

	examples := filepath.Join(root, "examples")
	var dirs []string
	err := filepath.WalkDir(examples, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) != ".tf" {
			return err
		}
		if dir := filepath.Dir(p); !slices.Contains(dirs, dir) {
			dirs = append(dirs, dir)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) < 10 {
		t.Fatalf("found only %d example directories under %s", len(dirs), examples)
	}
	for _, dir := range dirs {
		name, _ := filepath.Rel(root, dir)
		t.Run(name, func(t *testing.T) {
			if _, err := run(dir, "fmt", "-check", "-diff"); err != nil {
				t.Errorf("terraform fmt -check: %v", err)
			}
			if _, err := run(dir, "validate", "-no-color"); err != nil {
				t.Errorf("terraform validate: %v", err)
			}
		})
	}

	// Every type the provider serves has its example files.
	schemaDir := t.TempDir()
	main := "terraform {\n  required_providers {\n    grafanarbac = { source = \"grafanarbac/grafanarbac\" }\n  }\n}\n"
	if err := os.WriteFile(filepath.Join(schemaDir, "main.tf"), []byte(main), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := run(schemaDir, "providers", "schema", "-json")
	if err != nil {
		t.Fatalf("terraform providers schema: %v", err)
	}
	var schemas struct {
		ProviderSchemas map[string]struct {
			ResourceSchemas   map[string]json.RawMessage `json:"resource_schemas"`
			DataSourceSchemas map[string]json.RawMessage `json:"data_source_schemas"`
			Functions         map[string]json.RawMessage `json:"functions"`
		} `json:"provider_schemas"`
	}
	if err := json.Unmarshal(out, &schemas); err != nil {
		t.Fatalf("decoding the provider schema: %v", err)
	}
	p, ok := schemas.ProviderSchemas["registry.terraform.io/grafanarbac/grafanarbac"]
	if !ok || len(p.ResourceSchemas) == 0 {
		t.Fatalf("the provider schema lists no resources: %s", strings.TrimSpace(string(out[:min(len(out), 300)])))
	}
	var want []string
	for typ := range p.ResourceSchemas {
		want = append(want, filepath.Join("resources", typ, "resource.tf"), filepath.Join("resources", typ, "import.sh"))
	}
	for typ := range p.DataSourceSchemas {
		want = append(want, filepath.Join("data-sources", typ, "data-source.tf"))
	}
	for fn := range p.Functions {
		want = append(want, filepath.Join("functions", fn, "function.tf"))
	}
	for _, f := range want {
		if _, err := os.Stat(filepath.Join(examples, f)); err != nil {
			t.Errorf("missing example examples/%s", f)
		}
	}
}
