package main

import (
	"bufio"
	"io"
	"net/http"
	"os"
	"regexp"
	"syscall"
	"testing"
	"time"
)

// TestRunPrintsOneURLLineAndStopsOnSIGTERM: with no --ready-file the only
// way to learn the URL is stdout, which must hold exactly one line naming
// it; SIGTERM stops the server like SIGINT does. Generation 12 is the
// default: basic-role API, no builtin-roles endpoint.
func TestRunPrintsOneURLLineAndStopsOnSIGTERM(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout := os.Stdout
	os.Stdout = w
	restored := false
	restore := func() {
		if !restored {
			os.Stdout = stdout
			restored = true
		}
	}
	defer restore()

	done := make(chan error, 1)
	go func() { done <- run([]string{"--addr", "127.0.0.1:0"}) }()

	lines := make(chan string, 4)
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()

	var first string
	select {
	case first = <-lines:
	case <-time.After(10 * time.Second):
		restore()
		t.Fatal("no line on stdout")
	}
	m := regexp.MustCompile(`^grafana-emulator listening on (http://127\.0\.0\.1:\d+) \(generation 12, Grafana 12\.3\.0\)$`).FindStringSubmatch(first)
	if m == nil {
		restore()
		t.Fatalf("first stdout line %q does not name the URL", first)
	}
	url := m[1]

	get := func(path string) int {
		req, _ := http.NewRequest("GET", url+path, nil)
		req.SetBasicAuth("admin", "admin")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	if st := get("/api/access-control/status"); st != 200 {
		t.Errorf("status endpoint at the printed URL: %d", st)
	}
	if st := get("/api/access-control/builtin-roles"); st != 404 {
		t.Errorf("default generation serves builtin-roles: %d, want 404 (generation 2)", st)
	}
	if st := get("/api/access-control/roles/basic_viewer"); st != 200 {
		t.Errorf("default generation lacks basic_viewer: %d", st)
	}

	stopRun(t, syscall.SIGTERM, done)
	restore()
	w.Close()
	var rest []string
	for l := range lines {
		rest = append(rest, l)
	}
	if len(rest) != 0 {
		t.Errorf("stdout holds more than one line; after the URL: %q", rest)
	}
	if _, err := http.Get(url + "/api/health"); err == nil {
		t.Error("still serving after SIGTERM")
	}
}
