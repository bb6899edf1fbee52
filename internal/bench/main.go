// Command bench is `make bench`: it measures terraform apply, a no-op plan, a
// plan after one role changed and destroy on estates of N custom roles, N
// team role assignments and N/10 built-in role assignments against the
// Grafana emulator, with the same commands on as many terraform_data
// resources as the floor, and writes BENCHMARKS.md.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/emulator"
	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/grafana"
)

const (
	providerBinary    = "terraform-provider-grafanarbac"
	pluginFloorBinary = "terraform-provider-pluginfloor"
)

type options struct {
	sizes       []int
	generation  int
	out         string
	goBench     bool
	parallelism int
	keep        bool
	latencies   []time.Duration // the plans run at each; apply and destroy at the first
	noDestroy   bool
	// refreshChanged also runs the plans with refresh = "changed".
	refreshChanged bool
	// cpuProfile, when set, is where the provider processes of each
	// measured command write CPU profiles (a directory per command).
	cpuProfile string
	// seed makes the estate directly (seed.go) instead of measuring the
	// apply; the destroy is skipped too.
	seed bool
	// byUID is estate.ByUID.
	byUID bool
	// noFloors skips the floors' commands (their columns read 0).
	noFloors bool
	// ops are the operations to measure (all when empty).
	ops []string
}

func main() {
	sizes := flag.String("n", "100,1000", "comma-separated estate sizes N (N roles, N team assignments, N/10 built-in assignments)")
	generation := flag.Int("generation", 12, "emulator generation: 8, 12 or 13")
	out := flag.String("out", "BENCHMARKS.md", "report file")
	goBench := flag.Bool("gobench", true, "also run the client's Go benchmarks (go test -bench ./internal/grafana)")
	parallelism := flag.Int("parallelism", 0, "terraform -parallelism (0: Terraform's default, 10)")
	keep := flag.Bool("keep", false, "keep the working directory (configurations, state, logs)")
	latency := flag.String("latency", "0,25ms", "comma-separated latencies the emulator adds to every access-control request; the plans run at each")
	noDestroy := flag.Bool("no-destroy", false, "skip the destroy (the emulator and the state are thrown away anyway): the slowest operation at large N")
	refreshChanged := flag.Bool("refresh-changed", true, `also run the plans with the provider's refresh = "changed"`)
	cpuProfile := flag.String("cpuprofile", "", "directory for CPU profiles of the provider processes: one subdirectory per measured command, one profile per process (merge them with go tool pprof)")
	seed := flag.Bool("seed", false, "make the estate directly in the emulator and the states (no apply, no destroy): the plans at sizes whose apply would take too long")
	noFloors := flag.Bool("no-floors", false, "skip the floors (their columns read 0)")
	byUID := flag.Bool("by-uid", false, "assignments name their role by uid, with depends_on, instead of by reference (config.go: what a reference costs Terraform 1.11)")
	ops := flag.String("ops", "", "comma-separated operations to measure: apply, plan, plan-changed, destroy (default all)")
	flag.Parse()
	opList, err := parseOps(*ops)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	ns, err := parseSizes(*sizes)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	lats, err := parseLatencies(*latency)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	opts := options{sizes: ns, generation: *generation, out: *out, goBench: *goBench, parallelism: *parallelism, keep: *keep,
		latencies: lats, noDestroy: *noDestroy, refreshChanged: *refreshChanged, cpuProfile: *cpuProfile,
		seed: *seed, noFloors: *noFloors, ops: opList, byUID: *byUID}
	if err := run(opts); err != nil {
		fmt.Fprintln(os.Stderr, "bench failed:", err)
		os.Exit(1)
	}
}

// parseSizes reads "100,1000"; every size must be at least 1.
func parseSizes(s string) ([]int, error) {
	var out []int
	for part := range strings.SplitSeq(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(part))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("-n: %q is not a size (a positive integer)", part)
		}
		out = append(out, n)
	}
	return out, nil
}

var opNames = map[string]string{"apply": opApply, "plan": opPlan, "plan-changed": opPlanChanged, "destroy": opDestroy}

// parseOps reads "apply,plan"; empty is every operation.
func parseOps(s string) ([]string, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out []string
	for part := range strings.SplitSeq(s, ",") {
		op, ok := opNames[strings.TrimSpace(part)]
		if !ok {
			return nil, fmt.Errorf("-ops: %q is not one of apply, plan, plan-changed, destroy", part)
		}
		out = append(out, op)
	}
	return out, nil
}

// parseLatencies reads "0,25ms"; a bare 0 needs no unit.
func parseLatencies(s string) ([]time.Duration, error) {
	var out []time.Duration
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		d, err := time.ParseDuration(part)
		if err != nil || d < 0 {
			return nil, fmt.Errorf("-latency: %q is not a latency (such as 0 or 25ms)", part)
		}
		if !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	return out, nil
}

func run(opts options) error {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Hour)
	defer cancel()

	tf := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if tf == "" {
		var err error
		if tf, err = exec.LookPath("terraform"); err != nil {
			return errors.New("no terraform CLI: set TF_ACC_TERRAFORM_PATH or run through `make bench`")
		}
	}
	tmp, err := os.MkdirTemp("", "grafanarbac-bench-")
	if err != nil {
		return err
	}
	if opts.keep {
		fmt.Println("bench: working directory", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}

	binDir := filepath.Join(tmp, "bin")
	exe := filepath.Join(binDir, providerBinary)
	step("building the provider")
	for out, pkg := range map[string]string{exe: ".", filepath.Join(binDir, pluginFloorBinary): "./internal/bench/pluginfloor"} {
		build := exec.CommandContext(ctx, "go", "build", "-o", out, pkg)
		build.Stdout, build.Stderr = os.Stdout, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("go build %s: %w", pkg, err)
		}
	}
	if exe, err = filepath.EvalSymlinks(exe); err != nil {
		return err
	}
	cli := filepath.Join(tmp, "cli.tfrc")
	if err := os.WriteFile(cli, []byte(cliConfig(binDir)), 0o600); err != nil {
		return err
	}

	b := &bench{tf: tf, exe: exe, cli: cli, tmp: tmp, opts: opts}
	var all []measurement
	for _, n := range opts.sizes {
		ms, err := b.measureSize(ctx, n)
		if err != nil {
			return fmt.Errorf("size %d: %w", n, err)
		}
		all = append(all, ms...)
	}

	var goBench string
	if opts.goBench {
		step("Go benchmarks of the client")
		cmd := exec.CommandContext(ctx, "go", "test", "-run", "^$", "-bench", ".", "-benchmem", "-benchtime", "1s", "./internal/grafana/")
		cmd.Stderr = os.Stderr
		outb, err := cmd.Output()
		if err != nil {
			return fmt.Errorf("go test -bench: %w", err)
		}
		goBench = string(outb)
		fmt.Print(goBench)
	}

	report := renderReport(reportInput{
		Measurements: all,
		Generation:   opts.generation,
		Machine:      machine(ctx, tf),
		GoBench:      goBench,
		Notes:        existingNotes(opts.out),
		Date:         time.Now().UTC().Format("2006-01-02"),
		Parallelism:  opts.parallelism,
		ByUID:        opts.byUID,
	})
	if err := os.WriteFile(opts.out, []byte(report), 0o644); err != nil {
		return err
	}
	step("wrote " + opts.out)
	writeTargets(os.Stdout, judge(all))
	return nil
}

type bench struct {
	tf, exe, cli, tmp string
	opts              options
	templates         map[string][]byte // seed.go, made once
}

// measured tells whether op runs in this benchmark.
func (b *bench) measured(op string) bool {
	if b.opts.seed && (op == opApply || op == opDestroy) {
		return false
	}
	return len(b.opts.ops) == 0 || slices.Contains(b.opts.ops, op)
}

// measureSize runs the four operations on an estate of size n and on its floor.
func (b *bench) measureSize(ctx context.Context, n int) ([]measurement, error) {
	teams := make([]string, max(1, n/10))
	for i := range teams {
		teams[i] = fmt.Sprintf("bench-team-%d", i)
	}
	srv, err := emulator.NewServer(emulator.Config{Generation: b.opts.generation, Teams: teams})
	if err != nil {
		return nil, fmt.Errorf("starting the emulator: %w", err)
	}
	defer srv.Close()
	step(fmt.Sprintf("N=%d: emulator (generation %d) on %s, %d teams", n, b.opts.generation, srv.URL, len(teams)))
	const auth = "admin:admin"
	client, err := grafana.New(grafana.Config{URL: srv.URL, Auth: auth})
	if err != nil {
		return nil, err
	}
	e := estate{N: n, ByUID: b.opts.byUID}
	for _, name := range teams {
		found, err := client.SearchTeams(ctx, name)
		if err != nil || len(found) != 1 {
			return nil, fmt.Errorf("looking up team %q: %v (%d found)", name, err, len(found))
		}
		e.TeamIDs = append(e.TeamIDs, found[0].ID)
	}

	provDir := filepath.Join(b.tmp, fmt.Sprintf("n%d-grafanarbac", n))
	floorDir := filepath.Join(b.tmp, fmt.Sprintf("n%d-floor", n))
	pluginFloorDir := filepath.Join(b.tmp, fmt.Sprintf("n%d-pluginfloor", n))
	for dir, cfg := range map[string]string{provDir: providerConfig(e), floorDir: floorConfig(e), pluginFloorDir: pluginFloorConfig(e)} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(cfg), 0o600); err != nil {
			return nil, err
		}
	}
	env := append(os.Environ(),
		"TF_CLI_CONFIG_FILE="+b.cli,
		"CHECKPOINT_DISABLE=1",
		"TF_IN_AUTOMATION=1",
		"GRAFANA_URL="+srv.URL,
		"GRAFANA_AUTH="+auth,
	)

	var out []measurement
	applied := map[string]bool{}
	defer func() { // leave no state behind a failure
		for dir := range applied {
			_, _, _ = b.terraform(ctx, dir, env, []string{"destroy", "-auto-approve"}, 0, "cleanup")
		}
	}()
	if b.opts.seed {
		if err := b.seed(ctx, client, e, env, map[string]string{"provider": provDir, "floor": floorDir, "pluginfloor": pluginFloorDir}); err != nil {
			return nil, err
		}
	}
	for _, op := range operations {
		if op == opDestroy && b.opts.noDestroy || !b.measured(op) {
			continue
		}
		m := measurement{N: n, Op: op, Resources: e.resources()}
		if !b.opts.noFloors {
			floor, floorCPU, err := b.timed(ctx, floorDir, env, op, e)
			if err != nil {
				return nil, fmt.Errorf("floor, %s: %w", op, err)
			}
			m.FloorSeconds, m.FloorCPUSeconds = floor.Seconds(), floorCPU.Seconds()
			pluginFloor, pluginFloorCPU, err := b.timed(ctx, pluginFloorDir, env, op, e)
			if err != nil {
				return nil, fmt.Errorf("plugin floor, %s: %w", op, err)
			}
			m.PluginFloorSeconds, m.PluginFloorCPUSeconds = pluginFloor.Seconds(), pluginFloorCPU.Seconds()
		}

		// Apply and destroy change the estate, so they run once, without
		// latency (at N=1000 they take minutes); the plans run at each.
		lats := b.opts.latencies[:1]
		if op == opPlan || op == opPlanChanged {
			lats = b.opts.latencies
		}
		refreshes := []bool{false}
		if b.opts.refreshChanged && (op == opPlan || op == opPlanChanged) {
			refreshes = append(refreshes, true)
		}
		for _, lat := range lats {
			for _, changed := range refreshes {
				m.Latency, m.RefreshChanged = lat, changed
				runEnv := env
				if changed {
					runEnv = append(slices.Clip(env), "GRAFANA_REFRESH=changed")
				}
				srv.Emulator.SetFaults(emulator.Faults{Latency: lat})
				err := b.measureProvider(ctx, srv.URL, provDir, runEnv, e, &m)
				srv.Emulator.SetFaults(emulator.Faults{})
				if err != nil {
					return nil, err
				}
				out = append(out, m)
			}
		}
		switch op {
		case opApply:
			applied[provDir], applied[floorDir], applied[pluginFloorDir] = true, true, true
		case opDestroy:
			clear(applied)
		}
	}
	if b.opts.noDestroy || b.opts.seed || !b.measured(opDestroy) {
		clear(applied) // the emulator and the state go with this run
	}
	return out, nil
}

// seed makes the estate in the emulator and writes the three states
// (seed.go). With refresh = "changed" measured, a refresh-only apply then
// lets the provider keep in the state what its refresh compares with.
func (b *bench) seed(ctx context.Context, client *grafana.Client, e estate, env []string, dirs map[string]string) error {
	step(fmt.Sprintf("N=%d: seeding the estate", e.N))
	if b.templates == nil {
		t, err := b.stateTemplates(ctx, env)
		if err != nil {
			return err
		}
		b.templates = t
	}
	if err := seedEmulator(ctx, client, e); err != nil {
		return err
	}
	for kind, dir := range dirs {
		st, err := scaleState(b.templates[kind], e)
		if err != nil {
			return fmt.Errorf("scaling the %s state: %w", kind, err)
		}
		if err := os.WriteFile(filepath.Join(dir, "terraform.tfstate"), st, 0o600); err != nil {
			return err
		}
	}
	if b.opts.refreshChanged {
		if _, _, err := b.terraform(ctx, dirs["provider"], env, []string{"apply", "-refresh-only", "-auto-approve"}, 0, "seed-refresh"); err != nil {
			return fmt.Errorf("refresh after seeding: %w", err)
		}
	}
	return nil
}

// measureProvider runs m.Op on the provider's configuration and fills in
// its figures and request counts.
func (b *bench) measureProvider(ctx context.Context, url, dir string, env []string, e estate, m *measurement) error {
	if err := resetStats(ctx, url); err != nil {
		return err
	}
	if b.opts.cpuProfile != "" {
		dir, err := filepath.Abs(filepath.Join(b.opts.cpuProfile, profileDirName(*m)))
		if err == nil {
			err = os.MkdirAll(dir, 0o755)
		}
		if err != nil {
			return err
		}
		env = append(slices.Clip(env), "GRAFANARBAC_CPUPROFILE="+dir)
	}
	w := watchRSS(b.exe, 20*time.Millisecond)
	took, cpu, err := b.timed(ctx, dir, env, m.Op, e)
	var providerCPU time.Duration
	m.PeakRSS, _, providerCPU = w.Stop()
	if err != nil {
		return fmt.Errorf("%s: %w", m.Op, err)
	}
	m.Seconds, m.CPUSeconds = took.Seconds(), cpu.Seconds()
	m.ProviderCPUSeconds = min(providerCPU, cpu).Seconds()
	if m.Requests, err = fetchStats(ctx, url); err != nil {
		return err
	}
	fmt.Printf("    N=%d %-44s latency %-5s %7.2fs (floor %6.2fs, %.2f×; plugin floor %6.2fs, %.2f×)  CPU %6.2fs (provider %6.2fs; floor %6.2fs; plugin floor %6.2fs)  %6d requests (%.3f per resource)  peak RSS %s\n",
		m.N, m.label(), m.Latency, m.Seconds, m.FloorSeconds, m.ratio(), m.PluginFloorSeconds, m.pluginRatio(), m.CPUSeconds, m.ProviderCPUSeconds, m.FloorCPUSeconds, m.PluginFloorCPUSeconds,
		m.totalRequests(), m.requestsPerResource(), mib(m.PeakRSS))
	return nil
}

// timed runs one operation and checks its outcome: a no-op plan must find
// no changes, the changed plan must find some.
// It returns the wall time, and the CPU time of Terraform and the plugins it waited for.
func (b *bench) timed(ctx context.Context, dir string, env []string, op string, e estate) (wall, cpu time.Duration, err error) {
	var args []string
	want := 0
	switch op {
	case opApply:
		args = []string{"apply", "-auto-approve"}
	case opPlan:
		args = []string{"plan", "-detailed-exitcode"}
	case opPlanChanged:
		args = []string{"plan", "-detailed-exitcode", "-var", fmt.Sprintf("changed=%d", e.changedIndex())}
		want = 2
	case opDestroy:
		args = []string{"destroy", "-auto-approve"}
	}
	if b.opts.parallelism > 0 {
		args = append(args, fmt.Sprintf("-parallelism=%d", b.opts.parallelism))
	}
	start := time.Now()
	code, cpu, err := b.terraform(ctx, dir, env, args, want, op)
	wall = time.Since(start)
	if err != nil {
		return 0, 0, err
	}
	if code != want {
		return 0, 0, fmt.Errorf("terraform %s exited %d, want %d (see %s)", args[0], code, want, b.logPath(dir, op))
	}
	return wall, cpu, nil
}

// terraform runs a command line in dir and returns its exit code; the
// output goes to a log file next to the configuration.
// The CPU time is Terraform's own plus that of the children it waited for
// (wait4 accounts for them), so it includes the provider processes.
func (b *bench) terraform(ctx context.Context, dir string, env []string, args []string, want int, logName string) (code int, cpu time.Duration, err error) {
	args = append(args[:len(args):len(args)], "-input=false", "-no-color")
	log, err := os.Create(b.logPath(dir, logName))
	if err != nil {
		return 0, 0, err
	}
	defer log.Close()
	cmd := exec.CommandContext(ctx, b.tf, args...)
	cmd.Dir, cmd.Env = dir, env
	cmd.Stdout, cmd.Stderr = log, log
	err = cmd.Run()
	if cmd.ProcessState != nil {
		cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		if exit.ExitCode() != want {
			return exit.ExitCode(), cpu, fmt.Errorf("terraform %s: %w\n%s", args[0], err, tail(b.logPath(dir, logName), 40))
		}
		return exit.ExitCode(), cpu, nil
	}
	return 0, cpu, err
}

// profileDirName names the profiles of one measured command, such as
// n1000-plan-no-changes-0s-refresh-changed.
func profileDirName(m measurement) string {
	name := fmt.Sprintf("n%d-%s-%s", m.N, m.Op, m.Latency)
	if m.RefreshChanged {
		name += "-refresh-changed"
	}
	return strings.NewReplacer(" ", "-", "(", "", ")", "").Replace(name)
}

func (b *bench) logPath(dir, op string) string {
	name := strings.NewReplacer(" ", "-", "(", "", ")", "").Replace(op)
	return filepath.Join(dir, name+".log")
}

func tail(path string, lines int) string {
	data, _ := os.ReadFile(path)
	all := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	return strings.Join(all[max(0, len(all)-lines):], "\n")
}

func resetStats(ctx context.Context, base string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodDelete, base+"/api/emulator/stats", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("resetting the emulator's counter: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("resetting the emulator's counter: status %d", resp.StatusCode)
	}
	return nil
}

func fetchStats(ctx context.Context, base string) (map[string]int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/emulator/stats", nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("reading the emulator's counter: %w", err)
	}
	defer resp.Body.Close()
	return decodeStats(resp.Body)
}

func decodeStats(r io.Reader) (map[string]int64, error) {
	var s struct {
		Requests map[string]int64 `json:"requests"`
	}
	if err := json.NewDecoder(r).Decode(&s); err != nil {
		return nil, fmt.Errorf("decoding the emulator's counter: %w", err)
	}
	if s.Requests == nil {
		return nil, errors.New("the emulator's counter has no requests field")
	}
	return s.Requests, nil
}

// machine describes where the numbers were taken.
func machine(ctx context.Context, tf string) string {
	cpu := "unknown CPU"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.SplitSeq(string(data), "\n") {
			if v, ok := strings.CutPrefix(line, "model name"); ok {
				cpu = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	mem := ""
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		for line := range strings.SplitSeq(string(data), "\n") {
			if v, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				if kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64); err == nil {
					mem = fmt.Sprintf(", %.0f GiB RAM", float64(kb)/(1<<20))
				}
			}
		}
	}
	load := ""
	if data, err := os.ReadFile("/proc/loadavg"); err == nil {
		load = ", load average at the end " + strings.Join(strings.Fields(string(data))[:3], " ")
	}
	tfv := "terraform (version unknown)"
	if outb, err := exec.CommandContext(ctx, tf, "version").Output(); err == nil {
		tfv = strings.TrimSpace(strings.SplitN(string(bytes.TrimSpace(outb)), "\n", 2)[0])
	}
	return fmt.Sprintf("%d cores (%s)%s, %s/%s, %s, %s%s",
		runtime.NumCPU(), cpu, mem, runtime.GOOS, runtime.GOARCH, runtime.Version(), tfv, load)
}

func step(msg string) { fmt.Printf("\n==> %s\n", msg) }
