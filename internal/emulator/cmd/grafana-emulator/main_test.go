package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestRunServesAndStopsOnSignal(t *testing.T) {
	ready := filepath.Join(t.TempDir(), "url")
	done := make(chan error, 1)
	go func() {
		done <- run([]string{"--addr", "127.0.0.1:0", "--generation", "8", "--ready-file", ready, "--admin-password", "pw"})
	}()
	var url string
	for deadline := time.Now().Add(10 * time.Second); ; {
		if b, err := os.ReadFile(ready); err == nil {
			url = string(b)
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no ready file")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.HasPrefix(url, "http://127.0.0.1:") || strings.ContainsAny(url, "\n ") {
		t.Fatalf("ready file holds %q", url)
	}
	req, _ := http.NewRequest("GET", url+"/api/access-control/builtin-roles", nil)
	req.SetBasicAuth("admin", "pw")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("generation 8 builtin-roles: %d", resp.StatusCode)
	}
	stopRun(t, syscall.SIGINT, done)
	if _, err := http.Get(url + "/api/health"); err == nil {
		t.Error("still serving after stop")
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"--generation", "9"},
		{"--generation", "13", "--grafana-version", "12.3.0"},
		{"--grafana-version", "twelve"},
		{"--error-rate", "0.8", "--429-rate", "0.5"},
		{"--error-rate", "0.6", "--lost-answer-rate", "0.6"},
		{"--lost-answer-rate", "-0.1"},
		{"--admin-roles", "fixed:nope"},
		{"--no-such-flag"},
	} {
		if err := run(append([]string{"--addr", "127.0.0.1:0"}, args...)); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}

// stopRun sends sig to this process, as a user's Ctrl-C or a service
// manager would, and waits for run to return cleanly.
func stopRun(t *testing.T, sig syscall.Signal, done <-chan error) {
	t.Helper()
	if err := syscall.Kill(os.Getpid(), sig); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("no stop on %v", sig)
	}
}
