package acctest_test

import (
	"encoding/json"
	"os"
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
	run := func(dir string, args ...string) ([]byte, error) { return runTerraform(tf, work, dir, nil, args...) }

	examples := filepath.Join(root, "examples")
	dirs, err := exampleDirs(examples)
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

// exampleDirs lists the directories below examples that hold .tf files.
func exampleDirs(examples string) ([]string, error) {
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
	return dirs, err
}
