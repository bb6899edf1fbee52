package provider

import (
	"encoding/base64"
	"strings"
	"testing"
)

// A Grafana API key is standard base64 of JSON (pkg/components/apikeygen),
// so it may hold + and /: auth accepts it as a token.
func TestCheckAuth(t *testing.T) {
	t.Parallel()
	key := base64.StdEncoding.EncodeToString([]byte(`{"k":"AbC?>~","n":"terraform~?","id":1}`))
	for auth, ok := range map[string]bool{
		"admin:admin":              true,
		"glsa_abc123_0f1e2d3c":     true,
		key:                        true,
		"eyJrIjoi+ab/cd==":         true,
		"admin password":           false,
		"admin:":                   false,
		"":                         false,
		"token\twith\ttabs":        false,
		"token\"with\"quotes":      false,
		"glsa_abc123_0f1e2d3c\n":   false,
		"eyJrIjoi+ab/cd== trailer": false,
	} {
		if got := checkAuth(auth) == ""; got != ok {
			t.Errorf("checkAuth(%q) accepts = %t, want %t (%s)", auth, got, ok, checkAuth(auth))
		}
	}
	if !strings.Contains(key, "+") || !strings.Contains(key, "/") {
		t.Fatalf("the test key %q lacks + or /", key)
	}
}
