package main

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"time"
)

// Operations, in the order they run.
const (
	opApply       = "apply (from empty)"
	opPlan        = "plan (no changes)"
	opPlanChanged = "plan (one role changed)"
	opDestroy     = "destroy"
)

var operations = []string{opApply, opPlan, opPlanChanged, opDestroy}

// measurement is one operation at one size, with its floor.
type measurement struct {
	N  int
	Op string
	// Latency is what the emulator added to every access-control request.
	Latency time.Duration
	// RefreshChanged: the provider ran with refresh = "changed".
	RefreshChanged bool
	Resources      int
	Seconds        float64
	FloorSeconds   float64
	// CPU time of Terraform and its plugin processes: less sensitive than
	// wall time to other work on the machine.
	CPUSeconds      float64
	FloorCPUSeconds float64
	// ProviderCPUSeconds is the provider processes' part of CPUSeconds.
	ProviderCPUSeconds float64
	// The second floor: the same commands on a minimal framework provider.
	PluginFloorSeconds    float64
	PluginFloorCPUSeconds float64
	Requests              map[string]int64 // by "METHOD /route/pattern"
	PeakRSS               int64            // bytes, largest provider process; 0 when none was seen
}

// label is the operation as the tables show it.
func (m measurement) label() string {
	if m.RefreshChanged {
		return m.Op + `, refresh = "changed"`
	}
	return m.Op
}

func (m measurement) totalRequests() int64 {
	var n int64
	for _, v := range m.Requests {
		n += v
	}
	return n
}

func (m measurement) requestsPerResource() float64 {
	if m.Resources == 0 {
		return 0
	}
	return float64(m.totalRequests()) / float64(m.Resources)
}

func (m measurement) ratio() float64 {
	if m.FloorSeconds <= 0 {
		return 0
	}
	return m.Seconds / m.FloorSeconds
}

func (m measurement) pluginRatio() float64 {
	if m.PluginFloorSeconds <= 0 {
		return 0
	}
	return m.Seconds / m.PluginFloorSeconds
}

// target is one line of the targets, judged on measurements.
type target struct {
	Name     string
	Limit    string
	Measured string
	Met      bool
}

const (
	maxPlanRequestsPerResource  = 1.1
	maxPlanFloorRatio           = 1.5
	maxPlanPluginFloorRatio     = 1.10
	maxApplyRequestsPerResource = 2.5
	maxPeakRSS                  = 150 << 20
)

// maxChangedRefreshRequestsPerResource bounds a no-op plan with
// refresh = "changed" (issue 18).
const maxChangedRefreshRequestsPerResource = 0.02

// minChangedRefreshSpeedup is how much faster in wall time issue 18 asks a
// no-op plan with refresh = "changed" to be than the default one.
const minChangedRefreshSpeedup = 1.5

// fullRefreshOf is the default-refresh twin of a refresh = "changed" row.
func fullRefreshOf(ms []measurement, m measurement) *measurement {
	for i := range ms {
		if ms[i].N == m.N && ms[i].Op == m.Op && ms[i].Latency == m.Latency && !ms[i].RefreshChanged {
			return &ms[i]
		}
	}
	return nil
}

// maxLatencyPlanOthers is how many requests a no-op plan under latency
// may make besides one read per custom role (issue 18).
const maxLatencyPlanOthers = 10

// judge evaluates the targets on the measurements of the largest N: those
// of issue 9 without latency, issue 18's request count under latency.
func judge(all []measurement) []target {
	ms := slices.DeleteFunc(slices.Clone(all), func(m measurement) bool { return m.Latency != 0 || m.RefreshChanged })
	if len(ms) == 0 {
		return nil
	}
	n := slices.MaxFunc(ms, func(a, b measurement) int { return cmp.Compare(a.N, b.N) }).N
	find := func(op string) (measurement, bool) {
		i := slices.IndexFunc(ms, func(m measurement) bool { return m.N == n && m.Op == op })
		if i < 0 {
			return measurement{}, false
		}
		return ms[i], true
	}
	var out []target
	if plan, ok := find(opPlan); ok {
		rpr := plan.requestsPerResource()
		out = append(out, target{
			Name:     fmt.Sprintf("no-op plan, N=%d: requests per resource", n),
			Limit:    fmt.Sprintf("≤ %.1f", maxPlanRequestsPerResource),
			Measured: fmt.Sprintf("%.3f", rpr),
			Met:      rpr <= maxPlanRequestsPerResource,
		})
		// Both plans refresh every resource; the faster of the two, on each
		// side, is the least disturbed by other work on the machine.
		secs, floor, cpu, floorCPU := plan.Seconds, plan.FloorSeconds, plan.CPUSeconds, plan.FloorCPUSeconds
		pf := plan.PluginFloorSeconds
		if changed, ok := find(opPlanChanged); ok {
			secs, floor = min(secs, changed.Seconds), min(floor, changed.FloorSeconds)
			if changed.PluginFloorSeconds > 0 {
				pf = min(pf, changed.PluginFloorSeconds)
			}
			cpu, floorCPU = min(cpu, changed.CPUSeconds), min(floorCPU, changed.FloorCPUSeconds)
		}
		ratio := 0.0
		if floor > 0 {
			ratio = secs / floor
		}
		measured := fmt.Sprintf("%.2f× (%.1f s / %.1f s, the faster of the two plans on each side)", ratio, secs, floor)
		if floorCPU > 0 {
			measured += fmt.Sprintf("; CPU %.2f×", cpu/floorCPU)
		}
		if pf > 0 && floor > 0 {
			measured += fmt.Sprintf("; the plugin floor alone is %.2f× (%.1f s), and this provider %.2f× the plugin floor", pf/floor, pf, secs/pf)
		}
		out = append(out, target{
			Name:     fmt.Sprintf("no-op plan, N=%d: wall time / terraform_data floor", n),
			Limit:    fmt.Sprintf("≤ %.1f×", maxPlanFloorRatio),
			Measured: measured,
			Met:      floor > 0 && ratio <= maxPlanFloorRatio,
		})
		if pf > 0 {
			out = append(out, target{
				Name:     fmt.Sprintf("no-op plan, N=%d: wall time / plugin floor", n),
				Limit:    fmt.Sprintf("≤ %.2f×", maxPlanPluginFloorRatio),
				Measured: fmt.Sprintf("%.2f× (%.1f s / %.1f s)", secs/pf, secs, pf),
				Met:      secs/pf <= maxPlanPluginFloorRatio,
			})
		}
	}
	if apply, ok := find(opApply); ok {
		rpr := apply.requestsPerResource()
		out = append(out, target{
			Name:     fmt.Sprintf("apply, N=%d: requests per created resource", n),
			Limit:    fmt.Sprintf("≤ %.1f", maxApplyRequestsPerResource),
			Measured: fmt.Sprintf("%.3f", rpr),
			Met:      rpr <= maxApplyRequestsPerResource,
		})
	}
	for _, m := range all {
		if m.N != n || m.Op != opPlan || m.Latency == 0 {
			continue
		}
		if m.RefreshChanged {
			rpr := m.requestsPerResource()
			out = append(out, target{
				Name:     fmt.Sprintf(`no-op plan, N=%d, %s latency, refresh = "changed": requests per resource`, n, m.Latency),
				Limit:    fmt.Sprintf("≤ %.2f", maxChangedRefreshRequestsPerResource),
				Measured: fmt.Sprintf("%.3f", rpr),
				Met:      rpr <= maxChangedRefreshRequestsPerResource,
			})
			if full := fullRefreshOf(all, m); full != nil && m.Seconds > 0 {
				speedup := full.Seconds / m.Seconds
				out = append(out, target{
					Name:     fmt.Sprintf(`no-op plan, N=%d, %s latency, refresh = "changed": wall time against the default`, n, m.Latency),
					Limit:    fmt.Sprintf("≥ %.1f× faster", minChangedRefreshSpeedup),
					Measured: fmt.Sprintf("%.2f× (%.1f s / %.1f s)", speedup, full.Seconds, m.Seconds),
					Met:      speedup >= minChangedRefreshSpeedup,
				})
			}
			continue
		}
		others := m.totalRequests() - int64(m.N)
		out = append(out, target{
			Name:     fmt.Sprintf("no-op plan, N=%d, %s latency: requests besides one per custom role", n, m.Latency),
			Limit:    fmt.Sprintf("≤ %d", maxLatencyPlanOthers),
			Measured: fmt.Sprintf("%d (%d in all)", others, m.totalRequests()),
			Met:      others <= maxLatencyPlanOthers,
		})
	}
	var peak int64
	for _, m := range ms {
		if m.N == n {
			peak = max(peak, m.PeakRSS)
		}
	}
	out = append(out, target{
		Name:     fmt.Sprintf("provider peak RSS, N=%d (largest over the four operations)", n),
		Limit:    fmt.Sprintf("< %d MiB", maxPeakRSS>>20),
		Measured: mib(peak),
		Met:      peak > 0 && peak < maxPeakRSS,
	})
	return out
}

func mib(b int64) string {
	if b <= 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20))
}

// writeTable renders the main table of BENCHMARKS.md.
func writeTable(w io.Writer, ms []measurement) {
	_, _ = fmt.Fprintln(w, "| N | operation | resources | seconds | floor seconds | ratio | plugin floor seconds | plugin ratio | CPU seconds | of which provider | floor CPU seconds | plugin floor CPU seconds | requests | requests per resource | provider peak RSS |")
	_, _ = fmt.Fprintln(w, "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, m := range ms {
		_, _ = fmt.Fprintf(w, "| %d | %s | %d | %.2f | %.2f | %.2f× | %.2f | %.2f× | %.2f | %.2f | %.2f | %.2f | %d | %.3f | %s |\n",
			m.N, m.label(), m.Resources, m.Seconds, m.FloorSeconds, m.ratio(), m.PluginFloorSeconds, m.pluginRatio(),
			m.CPUSeconds, m.ProviderCPUSeconds, m.FloorCPUSeconds, m.PluginFloorCPUSeconds, m.totalRequests(), m.requestsPerResource(), mib(m.PeakRSS))
	}
}

// latencies are the distinct latencies measured, in order of appearance.
func latencies(ms []measurement) []time.Duration {
	var out []time.Duration
	for _, m := range ms {
		if !slices.Contains(out, m.Latency) {
			out = append(out, m.Latency)
		}
	}
	return out
}

// latencyTitle names the rows measured at one latency.
func latencyTitle(d time.Duration) string {
	if d == 0 {
		return "no added latency"
	}
	return fmt.Sprintf("%s added to every access-control request", d)
}

// writeTables renders one table per latency.
func writeTables(w io.Writer, ms []measurement) {
	for _, d := range latencies(ms) {
		_, _ = fmt.Fprintf(w, "\n### %s\n\n", latencyTitle(d))
		writeTable(w, slices.DeleteFunc(slices.Clone(ms), func(m measurement) bool { return m.Latency != d }))
	}
}

// writeRoutes lists the requests of each measurement by route, most first.
func writeRoutes(w io.Writer, ms []measurement) {
	for _, m := range ms {
		lat := ""
		if m.Latency != 0 {
			lat = ", " + m.Latency.String() + " latency"
		}
		_, _ = fmt.Fprintf(w, "\n**N=%d, %s%s** — %d requests\n\n", m.N, m.label(), lat, m.totalRequests())
		if len(m.Requests) == 0 {
			_, _ = fmt.Fprintln(w, "(none)")
			continue
		}
		_, _ = fmt.Fprintln(w, "| route | requests | per resource |")
		_, _ = fmt.Fprintln(w, "|---|---:|---:|")
		for _, route := range sortedRoutes(m.Requests) {
			_, _ = fmt.Fprintf(w, "| `%s` | %d | %.3f |\n", route, m.Requests[route], float64(m.Requests[route])/float64(max(m.Resources, 1)))
		}
	}
}

// sortedRoutes orders routes by count, then name, so reruns diff cleanly.
func sortedRoutes(req map[string]int64) []string {
	routes := slices.Collect(maps.Keys(req))
	slices.SortFunc(routes, func(a, b string) int {
		if c := cmp.Compare(req[b], req[a]); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	return routes
}

func writeTargets(w io.Writer, ts []target) {
	_, _ = fmt.Fprintln(w, "| target | limit | measured | met |")
	_, _ = fmt.Fprintln(w, "|---|---|---|---|")
	for _, t := range ts {
		met := "**missed**"
		if t.Met {
			met = "met"
		}
		_, _ = fmt.Fprintf(w, "| %s | %s | %s | %s |\n", t.Name, t.Limit, t.Measured, met)
	}
}

// reportInput is everything BENCHMARKS.md shows.
type reportInput struct {
	Measurements []measurement
	Generation   int
	Machine      string
	GoBench      string
	Notes        string // kept from the previous report
	Date         string
	Parallelism  int
	ByUID        bool
}

const notesHeading = "## Notes"

// existingNotes returns the hand-written "## Notes" section (to the end) of
// an earlier report, so regenerating the figures keeps the analysis.
func existingNotes(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	i := strings.Index(string(data), "\n"+notesHeading+"\n")
	if i < 0 {
		return ""
	}
	return strings.TrimSpace(string(data[i+1:])) + "\n"
}

func renderReport(in reportInput) string {
	var b strings.Builder
	par := "Terraform's default (10)"
	if in.Parallelism > 0 {
		par = fmt.Sprint(in.Parallelism)
	}
	naming := "reference their role (`grafanarbac_custom_role.r[count.index].uid`)"
	if in.ByUID {
		naming = "name their role by uid, with `depends_on = [grafanarbac_custom_role.r]` for the order (`-by-uid`)"
	}
	fmt.Fprintf(&b, `# Benchmarks

Regenerated by `+"`make bench`"+` (`+"`scripts/bench.sh`"+`, which runs `+"`go run ./internal/bench`"+`; `+"`-n 100,1000`"+` sets the sizes,
`+"`-generation 8|12|13`"+` the emulated Grafana, `+"`-latency 0,25ms`"+` the latencies the plans run at, `+"`-refresh-changed`"+`
the plans with `+"`refresh = \"changed\"`"+`, `+"`-no-destroy`"+` skips the destroy, `+"`-ops`"+` picks operations, `+"`-no-floors`"+`
skips the floors, `+"`-seed`"+` makes the estate without an apply (`+"`internal/bench/seed.go`"+`), `+"`-cpuprofile DIR`"+` keeps the
provider processes' CPU profiles, `+"`-by-uid`"+` has the grants name their role by uid). Last run %s.

**Machine:** %s. Wall times move with other work on the machine (see the load average); request
counts are exact and repeatable.

**Estate of size N:** N `+"`grafanarbac_custom_role`"+` (3 permissions each), N `+"`grafanarbac_team_role_assignment`"+`
(spread over N/10 teams, 10 roles per team) and N/10 `+"`grafanarbac_builtin_role_assignment`"+` (Viewer, Editor,
Admin in turn), which %s, against the emulator at generation %d, in process with the benchmark. **Floor:** the same
commands on as many `+"`terraform_data`"+` resources (Terraform's built-in provider, no plugin process, no
network). **Plugin floor:** the same commands on the estate's data declared with `+"`internal/bench/pluginfloor`"+`, the
smallest terraform-plugin-framework provider (one resource type that stores its attributes and talks to
nothing): N resources with the roles' strings and three permissions each, and N + N/10 that name them
as the assignments do. It is what any framework provider pays for this data: the plugin protocol, the
framework, and Terraform's handling of sets of objects. Both providers are fresh
`+"`go build`"+`s loaded through `+"`dev_overrides`"+` (no `+"`terraform init`"+`).
Parallelism: %s.

- *seconds*: wall time of the whole command; *ratio*: seconds / floor seconds; *plugin ratio*: seconds /
  plugin floor seconds.
- *requests*: HTTP requests the emulator counted during the command (its `+"`/api/emulator/stats`"+`);
  *per resource*: divided by the resources in the configuration (for apply, the resources created).
- *CPU seconds*: user + system time of Terraform and of the provider processes it started (the
  floor has none), which other work on the machine disturbs less than wall time; *of which provider*:
  the provider processes' part (from `+"`/proc/<pid>/stat`"+`, sampled every 20 ms, so up to 20 ms per
  process is missed); the rest is Terraform's own.
- *provider peak RSS*: the largest `+"`VmHWM`"+` of the provider processes Terraform started for the
  command (sampled from `+"`/proc`"+` every 20 ms; Terraform starts several per command, each lives for one
  phase: validate, plan, apply).
- *latency*: the emulator's `+"`-latency`"+`, added to every access-control request, as a Grafana 20-100 ms
  away would; the apply and the destroy run without it, the two plans at each latency. The floors talk to
  no Grafana: their figures are the same in both tables.

## Results
`, in.Date, in.Machine, naming, in.Generation, par)
	writeTables(&b, in.Measurements)
	b.WriteString("\n## Targets (issues 9 and 18)\n\nJudged on the largest N measured.\n\n")
	writeTargets(&b, judge(in.Measurements))
	if in.GoBench != "" {
		b.WriteString("\n## Go benchmarks of the client's hot paths\n\n" +
			"`go test -run '^$' -bench . -benchmem -benchtime 1s ./internal/grafana/` (role decode, permission-set\n" +
			"comparison, delegation check, permission-map decode), allocations reported:\n\n```\n")
		b.WriteString(strings.TrimSpace(in.GoBench))
		b.WriteString("\n```\n")
	}
	b.WriteString("\n## Requests by route\n")
	writeRoutes(&b, in.Measurements)
	if in.Notes != "" {
		b.WriteString("\n" + in.Notes)
	}
	return b.String()
}
