// Package sdklog quiets the plugin SDK's logs when Terraform would drop
// them. The provider and the benchmark's plugin floor both use it, so that
// the floor is not slower than the provider for a reason of no interest.
package sdklog

// levels are the plugin SDK's own log switches. Unset, the SDK logs every
// gRPC call at trace level, as JSON on stderr.
var levels = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER"}

// QuietDiscarded turns the SDK's logs off when Terraform would drop them
// (neither TF_LOG nor TF_LOG_PROVIDER set): encoding them in the provider and
// decoding them in Terraform costs about a third of a no-op plan's CPU.
// Variables the user set are left alone.
func QuietDiscarded(lookup func(string) (string, bool), set func(string, string) error) {
	for _, v := range []string{"TF_LOG", "TF_LOG_PROVIDER"} {
		if s, ok := lookup(v); ok && s != "" {
			return
		}
	}
	for _, v := range levels {
		if _, ok := lookup(v); !ok {
			_ = set(v, "off")
		}
	}
}
