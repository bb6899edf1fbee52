package acctest_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// terraformWithProvider skips unless TF_ACC is set, builds the provider
// from this tree into work/bin (for a dev_overrides CLI config) and
// returns the terraform CLI, the repository root and a fresh work directory.
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
	return tf, root, work
}
