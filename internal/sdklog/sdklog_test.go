package sdklog

import (
	"maps"
	"testing"
)

func TestQuietDiscarded(t *testing.T) {
	run := func(env map[string]string) map[string]string {
		out := maps.Clone(env)
		lookup := func(k string) (string, bool) { v, ok := out[k]; return v, ok }
		QuietDiscarded(lookup, func(k, v string) error { out[k] = v; return nil })
		return out
	}
	got := run(map[string]string{"TF_LOG_SDK_PROTO": "debug"})
	want := map[string]string{"TF_LOG_SDK": "off", "TF_LOG_SDK_PROTO": "debug", "TF_LOG_SDK_FRAMEWORK": "off", "TF_LOG_PROVIDER": "off"}
	if !maps.Equal(got, want) {
		t.Errorf("without TF_LOG: env = %v, want %v", got, want)
	}
	for _, env := range []map[string]string{{"TF_LOG": "trace"}, {"TF_LOG_PROVIDER": "debug"}} {
		if got := run(env); !maps.Equal(got, env) {
			t.Errorf("with %v the logs were changed: %v", env, got)
		}
	}
	// An empty TF_LOG is no logging at all.
	if got := run(map[string]string{"TF_LOG": ""}); got["TF_LOG_SDK"] != "off" {
		t.Errorf("empty TF_LOG: env = %v, want the SDK logs off", got)
	}
}
