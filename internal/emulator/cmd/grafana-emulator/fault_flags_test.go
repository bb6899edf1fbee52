package main

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// startRun runs the command with args and a ready file, and returns the URL
// and a function that stops it with SIGINT.
func startRun(t *testing.T, args ...string) (string, func()) {
	t.Helper()
	ready := filepath.Join(t.TempDir(), "url")
	done := make(chan error, 1)
	go func() { done <- run(append([]string{"--addr", "127.0.0.1:0", "--ready-file", ready}, args...)) }()
	var url string
	for deadline := time.Now().Add(10 * time.Second); url == ""; time.Sleep(10 * time.Millisecond) {
		if b, err := os.ReadFile(ready); err == nil {
			url = string(b)
		} else if time.Now().After(deadline) {
			t.Fatal("no ready file")
		}
	}
	return url, func() {
		t.Helper()
		stopRun(t, syscall.SIGINT, done)
	}
}

func TestRunGrafanaVersionFlag(t *testing.T) {
	url, stop := startRun(t, "--generation", "13", "--grafana-version", "13.3.1")
	defer stop()
	resp, err := http.Get(url + "/api/health")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(b), `"version":"13.3.1"`) {
		t.Errorf("health: %s", b)
	}
}

// TestRunFaultFlags: the fault flags reach the server (off by default).
func TestRunFaultFlags(t *testing.T) {
	get := func(t *testing.T, url string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest("GET", url+"/api/access-control/status", nil)
		req.SetBasicAuth("admin", "admin")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	t.Run("off by default", func(t *testing.T) {
		url, stop := startRun(t)
		defer stop()
		for range 20 {
			if r := get(t, url); r.StatusCode != 200 {
				t.Fatalf("status %d without fault flags", r.StatusCode)
			}
		}
	})
	t.Run("--error-rate", func(t *testing.T) {
		url, stop := startRun(t, "--error-rate", "1")
		defer stop()
		if r := get(t, url); r.StatusCode != 500 {
			t.Errorf("--error-rate 1: status %d", r.StatusCode)
		}
	})
	t.Run("--429-rate and --retry-after", func(t *testing.T) {
		url, stop := startRun(t, "--429-rate", "1", "--retry-after", "3s")
		defer stop()
		if r := get(t, url); r.StatusCode != 429 || r.Header.Get("Retry-After") != "3" {
			t.Errorf("--429-rate 1: status %d, Retry-After %q", r.StatusCode, r.Header.Get("Retry-After"))
		}
	})
	t.Run("--lost-answer-rate", func(t *testing.T) {
		// Most answers are lost: the create is carried out and answered 500,
		// so when an answer finally comes through, the role exists already
		// (with --error-rate the first create that got through would succeed).
		url, stop := startRun(t, "--lost-answer-rate", "0.9")
		defer stop()
		create := func() int {
			body := `{"uid":"lost1","name":"custom:lost","version":1,"permissions":[]}`
			req, _ := http.NewRequest("POST", url+"/api/access-control/roles", strings.NewReader(body))
			req.SetBasicAuth("admin", "admin")
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			return resp.StatusCode
		}
		lost := 0
		for ; lost < 200; lost++ {
			if st := create(); st != 500 {
				if lost == 0 || st != 409 {
					t.Errorf("after %d lost answers the create answered %d, want 409 after at least one", lost, st)
				}
				return
			}
		}
		t.Fatal("no answer came through")
	})
	t.Run("--latency", func(t *testing.T) {
		url, stop := startRun(t, "--latency", "300ms")
		defer stop()
		start := time.Now()
		if r := get(t, url); r.StatusCode != 200 {
			t.Errorf("--latency: status %d", r.StatusCode)
		}
		if d := time.Since(start); d < 300*time.Millisecond {
			t.Errorf("--latency 300ms: answered in %v", d)
		}
	})
}
