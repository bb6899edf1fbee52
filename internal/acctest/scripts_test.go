package acctest_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// scriptsCopy copies scripts/ into a fresh root, so that a test can give
// it a .tools/ of its own.
func scriptsCopy(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	if err := os.CopyFS(filepath.Join(root, "scripts"), os.DirFS(filepath.Join("..", "..", "scripts"))); err != nil {
		t.Fatal(err)
	}
	return root
}

func runScript(t *testing.T, env []string, name string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errOut.String(), code
}

// A long step says what it does, how long it has been running while it
// runs, and when it ends, on stderr; its stdout and exit status are the
// command's.
func TestProgressScript(t *testing.T) {
	root := scriptsCopy(t)
	progress := filepath.Join(root, "scripts", "progress.sh")

	stdout, stderr, code := runScript(t, []string{"PROGRESS_INTERVAL=1"}, progress, "napping", "sh", "-c", "sleep 2.5; echo out")
	if code != 0 || stdout != "out\n" {
		t.Errorf("exit %d, stdout %q; want 0 and the command's own output", code, stdout)
	}
	for _, want := range []string{"==> napping\n", "... napping: running for 0m0", "<== napping: done in 0m0"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}

	_, stderr, code = runScript(t, nil, progress, "failing", "sh", "-c", "exit 3")
	if code != 3 || !strings.Contains(stderr, "<== failing: FAILED (exit 3)") {
		t.Errorf("exit %d, stderr %q; want 3 and the failure said", code, stderr)
	}
}

// A tool in the per-user cache is used as it is, and one a clone built
// into .tools/ before the cache is copied there, not rebuilt: with no
// module proxy, a build would fail.
func TestToolScript_cache(t *testing.T) {
	root := scriptsCopy(t)
	tool := filepath.Join(root, "scripts", "tool.sh")
	cache := t.TempDir()
	env := []string{"GRAFANARBAC_TOOLS=" + cache, "GOPROXY=off", "GOFLAGS=-mod=mod"}

	cached := filepath.Join(cache, "cached-v1.0.0", "cached")
	if err := os.MkdirAll(filepath.Dir(cached), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cached, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := runScript(t, env, tool, "cached", "v1.0.0", "example.com/cached")
	if code != 0 || strings.TrimSpace(stdout) != cached {
		t.Errorf("cached tool: exit %d, stdout %q, stderr %q; want %s", code, stdout, stderr, cached)
	}

	old := filepath.Join(root, ".tools", "legacy-v2.0.0")
	if err := os.MkdirAll(filepath.Dir(old), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(old, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(cache, "legacy-v2.0.0", "legacy")
	stdout, stderr, code = runScript(t, env, tool, "legacy", "v2.0.0", "example.com/legacy")
	if code != 0 || strings.TrimSpace(stdout) != want {
		t.Errorf(".tools/ tool: exit %d, stdout %q, stderr %q; want %s", code, stdout, stderr, want)
	}
	if fi, err := os.Stat(want); err != nil || fi.Mode()&0o111 == 0 {
		t.Errorf("%s: want an executable, got %v, %v", want, fi, err)
	}

	// Missing everywhere: it tries to build, says so, and fails without
	// leaving anything in the cache.
	_, stderr, code = runScript(t, env, tool, "absent", "v3.0.0", "example.com/absent")
	if code == 0 || !strings.Contains(stderr, "building it from source (once per machine)") {
		t.Errorf("absent tool: exit %d, stderr %q; want a failed build that says what it does", code, stderr)
	}
	if left, _ := filepath.Glob(filepath.Join(cache, "*absent*")); len(left) != 0 {
		t.Errorf("a failed build left %v in the cache", left)
	}
}

// terraform.sh takes TF_ACC_TERRAFORM_PATH or PATH when recent enough and
// not a -dev build, and otherwise the per-user cache's terraform, which a
// second clone finds built.
func TestTerraformScript(t *testing.T) {
	root := scriptsCopy(t)
	script := filepath.Join(root, "scripts", "terraform.sh")
	fake := func(dir, version string) string {
		t.Helper()
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, "terraform")
		body := "#!/bin/sh\necho '{\"terraform_version\": \"" + version + "\", \"platform\": \"x\"}'\n"
		if err := os.WriteFile(p, []byte(body), 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cache := t.TempDir()
	cached := fake(filepath.Join(cache, "terraform-v1.8.5"), "1.8.5")
	onPath := fake(t.TempDir(), "1.9.0")
	dev := fake(t.TempDir(), "1.10.0-dev")
	old := fake(t.TempDir(), "1.7.5")
	// PATH holds what the scripts need, and no terraform.
	basePath := t.TempDir()
	for _, tool := range []string{"bash", "sh", "env", "sed", "dirname", "mkdir", "mktemp", "chmod", "mv", "rm", "cp"} {
		p, err := exec.LookPath(tool)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(p, filepath.Join(basePath, tool)); err != nil {
			t.Fatal(err)
		}
	}

	for _, c := range []struct {
		name string
		env  []string
		want string
	}{
		{"TF_ACC_TERRAFORM_PATH", []string{"TF_ACC_TERRAFORM_PATH=" + onPath, "PATH=" + basePath}, onPath},
		{"PATH", []string{"TF_ACC_TERRAFORM_PATH=", "PATH=" + filepath.Dir(onPath) + ":" + basePath}, onPath},
		{"a -dev build on PATH", []string{"TF_ACC_TERRAFORM_PATH=", "PATH=" + filepath.Dir(dev) + ":" + basePath}, cached},
		{"1.7 in TF_ACC_TERRAFORM_PATH", []string{"TF_ACC_TERRAFORM_PATH=" + old, "PATH=" + basePath}, cached},
		{"none", []string{"TF_ACC_TERRAFORM_PATH=", "PATH=" + basePath}, cached},
	} {
		t.Run(c.name, func(t *testing.T) {
			env := append([]string{"GRAFANARBAC_TOOLS=" + cache, "GOPROXY=off"}, c.env...)
			stdout, stderr, code := runScript(t, env, script)
			if code != 0 || strings.TrimSpace(stdout) != c.want {
				t.Errorf("exit %d, stdout %q, stderr %q; want %s", code, stdout, stderr, c.want)
			}
			if strings.Contains(stderr, "building it from source") {
				t.Errorf("it built terraform:\n%s", stderr)
			}
		})
	}
}
