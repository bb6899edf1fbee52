package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/provider"
	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/sdklog"
)

// version is set by the linker (goreleaser: -X main.version=...).
var version = "dev"

// envCPUProfile names a directory where each provider process writes its
// CPU profile, <pid>.pprof, when Terraform stops it (`make bench
// -cpuprofile`). Terraform starts a process per phase, so one command
// leaves several; `go tool pprof` merges them.
const envCPUProfile = "GRAFANARBAC_CPUPROFILE"

// A plan sends the provider a few requests per resource, each decoded by the
// framework into many short-lived values: with Go's default GOGC the
// collector was a fifth of the provider's CPU in a no-op plan of 2,100
// resources (BENCHMARKS.md). A larger GOGC spends less CPU; the limit
// keeps peak memory where it was (it is soft: past it the collector only
// runs more often). GOGC and GOMEMLIMIT, when set, win.
const (
	gcPercent     = 200
	gcMemoryLimit = 40 << 20
)

// gcSettings returns the collector settings; set is false for each one
// the environment already sets.
func gcSettings(lookup func(string) (string, bool)) (percent int, setPercent bool, limit int64, setLimit bool) {
	_, hasGOGC := lookup("GOGC")
	_, hasLimit := lookup("GOMEMLIMIT")
	return gcPercent, !hasGOGC, gcMemoryLimit, !hasLimit
}

func main() {
	percent, setPercent, limit, setLimit := gcSettings(os.LookupEnv)
	if setPercent {
		debug.SetGCPercent(percent)
	}
	if setLimit {
		debug.SetMemoryLimit(limit)
	}
	var debugMode bool
	flag.BoolVar(&debugMode, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()
	if !debugMode {
		sdklog.QuietDiscarded(os.LookupEnv, os.Setenv)
	}
	stop := func() {}
	if dir := os.Getenv(envCPUProfile); dir != "" {
		var err error
		if stop, err = startCPUProfile(dir); err != nil {
			log.Fatal(err)
		}
	}

	var opts []tf6server.ServeOpt
	if debugMode {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	err := tf6server.Serve("registry.terraform.io/grafanarbac/grafanarbac", provider.NewProtocol6(version), opts...)
	stop()
	if err != nil {
		log.Fatal(err)
	}
}

// startCPUProfile profiles the process until stop. Serve returns when
// Terraform shuts the plugin down, so stop runs before the process ends.
func startCPUProfile(dir string) (stop func(), err error) {
	f, err := os.Create(filepath.Join(dir, fmt.Sprintf("%d.pprof", os.Getpid())))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", envCPUProfile, err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", envCPUProfile, err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
