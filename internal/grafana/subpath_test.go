package grafana

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/emulator"
)

// subPathProxy serves an emulator under /grafana, as a proxy in front of a
// Grafana with serve_from_sub_path does, and answers 404 with a page
// anywhere else. It records the paths asked outside the sub-path.
type subPathProxy struct {
	URL     string // the proxy's root, without /grafana
	mu      sync.Mutex
	outside []string
}

func newSubPathProxy(t *testing.T, gen int) *subPathProxy {
	t.Helper()
	srv, err := emulator.NewServer(emulator.Config{Generation: gen})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	target, _ := url.Parse(srv.URL)
	rp := httputil.NewSingleHostReverseProxy(target)
	p := &subPathProxy{}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rest, ok := strings.CutPrefix(r.URL.Path, "/grafana/")
		if !ok {
			p.mu.Lock()
			p.outside = append(p.outside, r.Method+" "+r.URL.Path)
			p.mu.Unlock()
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte("<html><body><h1>404 Not Found</h1>nginx</body></html>"))
			return
		}
		r.URL.Path, r.URL.RawPath = "/"+rest, ""
		rp.ServeHTTP(w, r)
	})
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	p.URL = ts.URL
	return p
}

func (p *subPathProxy) outsideRequests() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.outside...)
}

// TestSubPathEveryEndpoint: with url = <root>/grafana, every call goes
// under /grafana, the generation probe concludes from Grafana's answers,
// and an error names the path it was asked at.
func TestSubPathEveryEndpoint(t *testing.T) {
	for _, gen := range []int{8, 12} {
		p := newSubPathProxy(t, gen)
		c := newTestClient(t, p.URL+"/grafana", func(cfg *Config) { cfg.Retries = 0 })
		want := map[int]Generation{8: Generation1, 12: Generation2}[gen]
		if g, err := c.Generation(context.Background()); g != want || err != nil {
			t.Fatalf("gen %d: Generation = %v, %v", gen, g, err)
		}
		_, err := c.GetRole(context.Background(), "no-such-role")
		if !IsNotFound(err) || !strings.Contains(err.Error(), "GET /grafana/api/access-control/roles/no-such-role: 404") {
			t.Errorf("gen %d: the error does not name the path asked: %v", gen, err)
		}
		// Every call of the client (some change the admin: they run last).
		for _, call := range payloadCalls() {
			if _, panicked, _ := runCatchingPanic(call, c); panicked != "" {
				t.Errorf("%s panicked: %s", call.name, panicked)
			}
		}
		if out := p.outsideRequests(); len(out) > 0 {
			t.Errorf("gen %d: requests outside /grafana: %v", gen, out)
		}
		// Without the sub-path, the probe says the URL is not Grafana's root.
		_, err = newTestClient(t, p.URL, nil).Generation(context.Background())
		if !IsNotGrafana(err) || !strings.Contains(err.Error(), p.URL+"/api/access-control/status") {
			t.Errorf("gen %d: without the sub-path: %v", gen, err)
		}
	}
}
