package main

import (
	"flag"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/provider"
	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/sdklog"
)

// version is set by the linker (goreleaser: -X main.version=...).
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()
	if !debug {
		sdklog.QuietDiscarded(os.LookupEnv, os.Setenv)
	}

	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	err := tf6server.Serve("registry.terraform.io/grafanarbac/grafanarbac", provider.NewProtocol6(version), opts...)
	if err != nil {
		log.Fatal(err)
	}
}
