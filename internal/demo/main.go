// Command demo is `make demo`: it applies examples/demo with a real terraform
// CLI against a Grafana emulator (or the Grafana in GRAFANA_URL/GRAFANA_AUTH),
// checks that a second plan is empty, prints the outputs and destroys.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"time"

	"golang.org/x/mod/sumdb/dirhash"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/emulator"
	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

// Teams the example looks up by name; Grafana teams are not managed by this provider.
var demoTeams = []string{"Reporting", "Data source admins"}

// providerVersion is the version the provider is built and mirrored as.
// examples/demo constrains no version, and terraform picks a pre-release
// only when a constraint names it exactly, so this is a plain release number.
const providerVersion = "0.0.1"

// options of one demo run.
type options struct {
	Generation int    // of the emulator; unused with URL
	Root       string // the module to build the provider from
	Dir        string // the Terraform configuration to apply
	// URL and Auth name a Grafana to use instead of starting an emulator.
	URL, Auth string
	Terraform string
	// Env is added to terraform's environment.
	Env            []string
	Stdout, Stderr io.Writer
}

func main() {
	generation := flag.Int("generation", envInt("GENERATION", 12), "emulator generation: 8, 12 or 13")
	dir := flag.String("dir", "examples/demo", "the Terraform configuration to apply")
	flag.Parse()

	tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if tf == "" {
		var err error
		if tf, err = exec.LookPath("terraform"); err != nil {
			fmt.Fprintln(os.Stderr, "demo failed: no terraform CLI: run through `make demo`, which installs one")
			os.Exit(1)
		}
	}
	opts := options{
		Generation: *generation,
		Root:       ".",
		Dir:        *dir,
		Terraform:  tf,
		Stdout:     os.Stdout,
		Stderr:     os.Stderr,
	}
	if url, auth := os.Getenv("GRAFANA_URL"), os.Getenv("GRAFANA_AUTH"); url != "" && auth != "" {
		opts.URL, opts.Auth = url, auth
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	if err := run(ctx, opts); err != nil {
		fmt.Fprintln(os.Stderr, "demo failed:", err)
		os.Exit(1)
	}
	fmt.Println("demo: done")
}

func run(ctx context.Context, o options) (err error) {
	step := func(msg string) { _, _ = fmt.Fprintf(o.Stdout, "\n==> %s\n", msg) }

	tmp, err := os.MkdirTemp("", "grafanarbac-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	// A filesystem mirror, so that `terraform init` installs this build
	// without asking the registry.
	step("building the provider")
	mirror := filepath.Join(tmp, "plugins")
	bin := filepath.Join(mirror, "registry.terraform.io", "grafanarbac", "grafanarbac", providerVersion,
		runtime.GOOS+"_"+runtime.GOARCH, "terraform-provider-grafanarbac_v"+providerVersion)
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	build := exec.CommandContext(ctx, "go", "build", "-ldflags", "-X main.version="+providerVersion, "-o", bin, ".")
	build.Dir, build.Stdout, build.Stderr = o.Root, o.Stdout, o.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("go build: %w", err)
	}

	url, auth := o.URL, o.Auth
	if url == "" {
		srv, err := emulator.NewServer(emulator.Config{Generation: o.Generation})
		if err != nil {
			return fmt.Errorf("starting the emulator: %w", err)
		}
		defer func() {
			srv.Close()
			step("emulator stopped")
		}()
		url, auth = srv.URL, "admin:admin"
		step(fmt.Sprintf("emulator (generation %d) listening on %s", o.Generation, url))
	} else {
		step("using the Grafana at " + url)
	}

	client, err := grafana.New(grafana.Config{URL: url, Auth: auth, Retries: 3})
	if err != nil {
		return err
	}
	created, err := ensureTeams(ctx, client, step)
	// Registered before the destroy below, so it runs after it.
	defer func() {
		if rerr := removeTeams(context.WithoutCancel(ctx), client, created, step); rerr != nil && err == nil {
			err = rerr
		}
	}()
	if err != nil {
		return err
	}

	work := filepath.Join(tmp, "work")
	if err := copyConfig(o.Dir, work); err != nil {
		return err
	}
	if err := writeLockFile(work, filepath.Dir(bin)); err != nil {
		return err
	}
	// Empty: a user's own CLI config could hold dev_overrides, which win
	// over -plugin-dir.
	cliConfig := filepath.Join(tmp, "cli.tfrc")
	if err := os.WriteFile(cliConfig, nil, 0o600); err != nil {
		return err
	}
	env := append(os.Environ(),
		"TF_CLI_CONFIG_FILE="+cliConfig,
		"CHECKPOINT_DISABLE=1",
		"TF_IN_AUTOMATION=1",
		"GRAFANA_URL="+url,
		"GRAFANA_AUTH="+auth,
	)
	env = append(env, o.Env...)
	terraform := func(args ...string) (int, error) {
		cmd := exec.CommandContext(ctx, o.Terraform, args...)
		cmd.Dir, cmd.Env = work, env
		cmd.Stdout, cmd.Stderr = o.Stdout, o.Stderr
		err := cmd.Run()
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode(), err
		}
		return 0, err
	}

	step("terraform init")
	if _, err := terraform("init", "-input=false", "-no-color", "-plugin-dir="+mirror); err != nil {
		return fmt.Errorf("terraform init: %w", err)
	}

	step("terraform apply")
	applied := false
	defer func() {
		if !applied {
			return
		}
		step("terraform destroy")
		if _, derr := terraform("destroy", "-auto-approve", "-input=false", "-no-color"); derr != nil && err == nil {
			err = fmt.Errorf("terraform destroy: %w", derr)
		}
	}()
	if _, err := terraform("apply", "-auto-approve", "-input=false", "-no-color"); err != nil {
		applied = true // destroy whatever was created
		return fmt.Errorf("terraform apply: %w", err)
	}
	applied = true

	step("second terraform plan (must report no changes)")
	if code, err := terraform("plan", "-detailed-exitcode", "-input=false", "-no-color"); err != nil {
		if code == 2 {
			return errors.New("the second plan is not empty: the provider has a perpetual diff")
		}
		return fmt.Errorf("terraform plan: %w", err)
	}

	step("what was created")
	if _, err := terraform("output", "-no-color"); err != nil {
		return fmt.Errorf("terraform output: %w", err)
	}
	return nil
}

// ensureTeams creates the demo's teams that are missing and returns their ids.
func ensureTeams(ctx context.Context, client *grafana.Client, step func(string)) (map[string]int64, error) {
	created := map[string]int64{}
	for _, name := range demoTeams {
		teams, err := client.SearchTeams(ctx, name)
		if err != nil {
			return created, fmt.Errorf("looking up team %q: %w", name, err)
		}
		if len(teams) > 0 {
			continue
		}
		id, err := client.CreateTeam(ctx, name, "")
		if err != nil {
			return created, fmt.Errorf("creating team %q: %w", name, err)
		}
		created[name] = id
		step("created team " + name)
	}
	return created, nil
}

// removeTeams deletes the teams ensureTeams created, and only those.
func removeTeams(ctx context.Context, client *grafana.Client, created map[string]int64, step func(string)) error {
	var errs []error
	for _, name := range demoTeams {
		id, ok := created[name]
		if !ok {
			continue
		}
		if err := client.DeleteTeam(ctx, id); err != nil && !grafana.IsNotFound(err) {
			errs = append(errs, fmt.Errorf("removing team %q: %w", name, err))
			continue
		}
		step("removed team " + name)
	}
	return errors.Join(errs...)
}

// writeLockFile records the mirrored build's hash in the configuration's
// lock file before `terraform init`. Without it, init computes that hash
// itself and warns "Incomplete lock file information for providers": a lock
// file holding only this platform's hash, which matters for a lock file one
// commits, not for a throw-away copy.
func writeLockFile(work, pkgDir string) error {
	// The h1 hash terraform records for an unpacked provider directory.
	hash, err := dirhash.HashDir(pkgDir, "", dirhash.Hash1)
	if err != nil {
		return fmt.Errorf("hashing the provider build: %w", err)
	}
	lock := fmt.Sprintf("provider %q {\n  version = %q\n  hashes = [\n    %q,\n  ]\n}\n",
		"registry.terraform.io/grafanarbac/grafanarbac", providerVersion, hash)
	return os.WriteFile(filepath.Join(work, ".terraform.lock.hcl"), []byte(lock), 0o600)
}

// copyConfig copies the example's .tf files so that no state is left in the repository.
func copyConfig(from, to string) error {
	files, err := filepath.Glob(filepath.Join(from, "*.tf"))
	if err != nil || len(files) == 0 {
		return fmt.Errorf("no .tf files in %s", from)
	}
	if err := os.MkdirAll(to, 0o755); err != nil {
		return err
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(to, filepath.Base(f)), b, 0o600); err != nil {
			return err
		}
	}
	return nil
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return v
	}
	return def
}
