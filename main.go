package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
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

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()
	if !debug {
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
	if debug {
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
