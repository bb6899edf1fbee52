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

func TestRunRefusesBrokenProvisioning(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "roles.yaml"), []byte("roles:\n  - name: custom:a\n    teams:\n      - name: Nobody\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := run([]string{"--addr", "127.0.0.1:0", "--provisioning", dir})
	if err == nil || !strings.Contains(err.Error(), `team "Nobody" does not exist`) {
		t.Fatalf("want the provisioning error, got %v", err)
	}
}

func TestRunProvisionsAtStart(t *testing.T) {
	dir := t.TempDir()
	file := "roles:\n  - name: custom:a\n    uid: provisioned\n    teams:\n      - name: Ops\n"
	if err := os.WriteFile(filepath.Join(dir, "roles.yaml"), []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	ready := filepath.Join(t.TempDir(), "url")
	done := make(chan error, 1)
	go func() {
		done <- run([]string{"--addr", "127.0.0.1:0", "--ready-file", ready, "--provisioning", dir, "--teams", "Ops,Dev"})
	}()
	var url string
	for deadline := time.Now().Add(10 * time.Second); url == ""; time.Sleep(10 * time.Millisecond) {
		if b, err := os.ReadFile(ready); err == nil {
			url = string(b)
		} else if time.Now().After(deadline) {
			t.Fatal("no ready file")
		}
	}
	for path, want := range map[string]string{
		"/api/access-control/roles/provisioned": `"custom:a"`,
		"/api/access-control/teams/1/roles":     `"provisioned"`,
		"/api/teams/search?name=Dev":            `"Dev"`,
	} {
		req, _ := http.NewRequest("GET", url+path, nil)
		req.SetBasicAuth("admin", "admin")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body := make([]byte, 4096)
		n, _ := resp.Body.Read(body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body[:n]), want) {
			t.Errorf("GET %s: %d %s, want %s", path, resp.StatusCode, body[:n], want)
		}
	}
	stopRun(t, syscall.SIGINT, done)
}
