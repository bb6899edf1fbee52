package main

import (
	"flag"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/provider"
)

// version is set by the linker (goreleaser: -X main.version=...).
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()
	if !debug {
		quietDiscardedLogs(os.LookupEnv, os.Setenv)
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

// sdkLogLevels are the plugin SDK's own log switches. Unset, the SDK logs
// every gRPC call at trace level, as JSON on stderr.
var sdkLogLevels = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER"}

// quietDiscardedLogs turns the SDK's logs off when Terraform would drop them
// (neither TF_LOG nor TF_LOG_PROVIDER set): encoding them in the provider and
// decoding them in Terraform costs about a third of a no-op plan's CPU.
// Variables the user set are left alone.
func quietDiscardedLogs(lookup func(string) (string, bool), set func(string, string) error) {
	for _, v := range []string{"TF_LOG", "TF_LOG_PROVIDER"} {
		if s, ok := lookup(v); ok && s != "" {
			return
		}
	}
	for _, v := range sdkLogLevels {
		if _, ok := lookup(v); !ok {
			_ = set(v, "off")
		}
	}
}
