package acctest_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// terraformWithProvider skips unless TF_ACC is set, builds the provider
// from this tree into work/bin, writes work/cli.tfrc, a CLI config whose
// dev_overrides serve that build, and returns the terraform CLI, the
// repository root and the work directory.
func terraformWithProvider(t *testing.T) (tf, root, work string) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("needs a terraform CLI: set TF_ACC=1 and TF_ACC_TERRAFORM_PATH (make test does)")
	}
	tf = os.Getenv("TF_ACC_TERRAFORM_PATH")
	if tf == "" {
		t.Fatal("TF_ACC_TERRAFORM_PATH is not set")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	work = t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(work, "bin", "terraform-provider-grafanarbac"), ".")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	// Examples without a terraform block resolve to hashicorp/grafanarbac.
	cfg := fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.terraform.io/grafanarbac/grafanarbac" = %[1]q
    "registry.terraform.io/hashicorp/grafanarbac"   = %[1]q
  }
  direct {}
}
`, filepath.Join(work, "bin"))
	if err := os.WriteFile(filepath.Join(work, "cli.tfrc"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return tf, root, work
}

// runTerraform runs terraform in dir with the CLI config of work (see
// terraformWithProvider) and env added; it returns stdout, and an error
// that carries stdout and stderr.
func runTerraform(tf, work, dir string, env []string, args ...string) ([]byte, error) {
	cmd := exec.Command(tf, args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "TF_CLI_CONFIG_FILE="+filepath.Join(work, "cli.tfrc"), "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1"), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.Bytes(), fmt.Errorf("%v\n%s%s", err, stdout.String(), stderr.String())
	}
	return stdout.Bytes(), nil
}
