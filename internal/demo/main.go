// Command demo is `make demo`: it applies examples/demo with a real terraform
// CLI against a Grafana emulator (or the Grafana in GRAFANA_URL/GRAFANA_AUTH),
// checks that a second plan is empty, prints the outputs and destroys.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/emulator"
	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

// Teams the example looks up by name; Grafana teams are not managed by this provider.
var demoTeams = []string{"Reporting", "Data source admins"}

func main() {
	generation := flag.Int("generation", envInt("GENERATION", 12), "emulator generation: 8, 12 or 13")
	dir := flag.String("dir", "examples/demo", "the Terraform configuration to apply")
	flag.Parse()
	if err := run(*generation, *dir); err != nil {
		fmt.Fprintln(os.Stderr, "demo failed:", err)
		os.Exit(1)
	}
	fmt.Println("demo: done")
}

func run(generation int, dir string) (err error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()

	tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if tf == "" {
		if tf, err = exec.LookPath("terraform"); err != nil {
			return errors.New("no terraform CLI: run through `make demo`, which installs one")
		}
	}

	tmp, err := os.MkdirTemp("", "grafanarbac-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	step("building the provider")
	build := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(tmp, "bin", "terraform-provider-grafanarbac"), ".")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("go build: %w", err)
	}

	url, auth := os.Getenv("GRAFANA_URL"), os.Getenv("GRAFANA_AUTH")
	if url == "" || auth == "" {
		srv, err := emulator.NewServer(emulator.Config{Generation: generation})
		if err != nil {
			return fmt.Errorf("starting the emulator: %w", err)
		}
		defer func() {
			srv.Close()
			step("emulator stopped")
		}()
		url, auth = srv.URL, "admin:admin"
		step(fmt.Sprintf("emulator (generation %d) listening on %s", generation, url))
	} else {
		step("using the Grafana at " + url)
	}

	client, err := grafana.New(grafana.Config{URL: url, Auth: auth, Retries: 3})
	if err != nil {
		return err
	}
	if err := ensureTeams(ctx, client); err != nil {
		return err
	}

	work := filepath.Join(tmp, "work")
	if err := copyConfig(dir, work); err != nil {
		return err
	}
	cliConfig := filepath.Join(tmp, "cli.tfrc")
	if err := os.WriteFile(cliConfig, []byte(fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.terraform.io/grafanarbac/grafanarbac" = %q
  }
  direct {}
}
`, filepath.Join(tmp, "bin"))), 0o600); err != nil {
		return err
	}
	env := append(os.Environ(),
		"TF_CLI_CONFIG_FILE="+cliConfig,
		"CHECKPOINT_DISABLE=1",
		"TF_IN_AUTOMATION=1",
		"GRAFANA_URL="+url,
		"GRAFANA_AUTH="+auth,
	)
	terraform := func(args ...string) (int, error) {
		cmd := exec.CommandContext(ctx, tf, args...)
		cmd.Dir, cmd.Env = work, env
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		err := cmd.Run()
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode(), err
		}
		return 0, err
	}

	// With dev_overrides, `terraform init` would still ask the registry for the
	// provider and fail offline; plan and apply need no init.
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

func ensureTeams(ctx context.Context, client *grafana.Client) error {
	for _, name := range demoTeams {
		teams, err := client.SearchTeams(ctx, name)
		if err != nil {
			return fmt.Errorf("looking up team %q: %w", name, err)
		}
		if len(teams) > 0 {
			continue
		}
		if _, err := client.CreateTeam(ctx, name, ""); err != nil {
			return fmt.Errorf("creating team %q: %w", name, err)
		}
		step("created team " + name)
	}
	return nil
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

func step(msg string) { fmt.Printf("\n==> %s\n", msg) }

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return v
	}
	return def
}
