package acctest_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/acctest"
)

// TestAccInstall_localMirror is the README's "Use it in your own
// configuration": `make install` into a fresh HOME, then `terraform init`
// and `terraform plan` of a configuration that names the provider only by
// its source address, with no CLI config and no way to reach a registry.
func TestAccInstall_localMirror(t *testing.T) {
	env := acctest.Get(t)
	tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if tf == "" {
		t.Fatal("TF_ACC_TERRAFORM_PATH is not set")
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("needs make")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()

	// A new HOME would also move Go's caches; keep them, or the build starts cold.
	goEnv, err := exec.Command("go", "env", "GOCACHE", "GOMODCACHE", "GOPATH").Output()
	if err != nil {
		t.Fatalf("go env: %v", err)
	}
	dirs := strings.Fields(string(goEnv))
	if len(dirs) != 3 {
		t.Fatalf("go env printed %q", goEnv)
	}
	install := exec.Command("make", "--no-print-directory", "install")
	install.Dir = root
	install.Env = append(cleanEnv(), "HOME="+home, "GOCACHE="+dirs[0], "GOMODCACHE="+dirs[1], "GOPATH="+dirs[2])
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("make install: %v\n%s", err, out)
	}
	platform := runtime.GOOS + "_" + runtime.GOARCH
	bins, _ := filepath.Glob(filepath.Join(home, ".terraform.d", "plugins", "registry.terraform.io", "grafanarbac", "grafanarbac",
		"*", platform, "terraform-provider-grafanarbac_v*"))
	if len(bins) != 1 {
		t.Fatalf("make install left %d providers in %s/.terraform.d/plugins, want 1 for %s", len(bins), home, platform)
	}
	version := filepath.Base(filepath.Dir(filepath.Dir(bins[0])))

	work := t.TempDir()
	config := `terraform {
  required_providers {
    grafanarbac = { source = "grafanarbac/grafanarbac" }
  }
}

provider "grafanarbac" {}

resource "grafanarbac_custom_role" "example" {
  name        = "` + acctest.RandName("install") + `"
  permissions = [{ action = "reports:read", scope = "reports:*" }]
}
`
	if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	terraform := func(args ...string) (string, int) {
		cmd := exec.Command(tf, args...)
		cmd.Dir = work
		cmd.Env = append(cleanEnv(), "HOME="+home, "CHECKPOINT_DISABLE=1",
			// Unreachable: the registry must not be needed. Loopback (the
			// emulator) is never proxied.
			"HTTPS_PROXY=http://127.0.0.1:9", "HTTP_PROXY=http://127.0.0.1:9",
			"GRAFANA_URL="+env.URL, "GRAFANA_AUTH="+env.Auth, "GRAFANA_ORG_ID="+strconv.FormatInt(env.OrgID, 10))
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return out.String(), exit.ExitCode()
		}
		if err != nil {
			t.Fatalf("terraform %s: %v", args[0], err)
		}
		return out.String(), 0
	}
	out, code := terraform("init", "-input=false", "-no-color")
	if code != 0 || !strings.Contains(out, "Installing grafanarbac/grafanarbac v"+version) {
		t.Fatalf("terraform init (exit %d) did not install grafanarbac/grafanarbac v%s from %s:\n%s", code, version, home, out)
	}
	out, code = terraform("plan", "-input=false", "-no-color", "-detailed-exitcode")
	if code != 2 || !strings.Contains(out, "Plan: 1 to add, 0 to change, 0 to destroy.") {
		t.Fatalf("terraform plan: exit %d, want 2 (changes) and one role to add:\n%s", code, out)
	}
}

// cleanEnv is the test's environment without what would point terraform
// away from a new user's defaults: CLI config, plugin cache, extra arguments.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if k == "TF_CLI_CONFIG_FILE" || k == "TERRAFORM_CONFIG" || k == "TF_PLUGIN_CACHE_DIR" || strings.HasPrefix(k, "TF_CLI_ARGS") ||
			k == "XDG_DATA_HOME" || strings.HasPrefix(k, "GRAFANA_") {
			continue
		}
		env = append(env, kv)
	}
	return env
}
