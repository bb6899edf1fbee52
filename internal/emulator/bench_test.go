package emulator

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// seedRoles stores n custom roles of 10 permissions each through the
// handler (no network), as the admin of org 1.
func seedRoles(tb testing.TB, e *Emulator, n int) {
	tb.Helper()
	for i := range n {
		var b strings.Builder
		fmt.Fprintf(&b, `{"uid":"bench-%d","name":"custom:bench:%d","description":"benchmark role %d","group":"Bench","permissions":[`, i, i, i)
		for j := range 10 {
			if j > 0 {
				b.WriteByte(',')
			}
			switch j % 3 {
			case 0:
				fmt.Fprintf(&b, `{"action":"reports:read","scope":"reports:uid:%d-%d"}`, i, j)
			case 1:
				fmt.Fprintf(&b, `{"action":"datasources:query","scope":"datasources:uid:ds-%d"}`, j)
			default:
				b.WriteString(`{"action":"annotations:read","scope":"annotations:type:*"}`)
			}
		}
		b.WriteString(`]}`)
		req := httptest.NewRequest("POST", "/api/access-control/roles", strings.NewReader(b.String()))
		req.SetBasicAuth("admin", "admin")
		w := httptest.NewRecorder()
		e.ServeHTTP(w, req)
		if w.Code != http.StatusCreated {
			tb.Fatalf("seeding role %d: %d %s", i, w.Code, w.Body)
		}
	}
}

// BenchmarkRoleReads: GET /api/access-control/roles/:uid over loopback HTTP
// with 2,000 roles stored, from parallel clients.
func BenchmarkRoleReads(b *testing.B) {
	srv, err := NewServer(Config{})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	seedRoles(b, srv.Emulator, 2000)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	var next atomic.Int64
	b.SetParallelism(4)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.Add(1) % 2000
			req, _ := http.NewRequest("GET", fmt.Sprintf("%s/api/access-control/roles/bench-%d", srv.URL, i), nil)
			req.SetBasicAuth("admin", "admin")
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "reads/s")
}

// BenchmarkRoleReadsHandler is the same read without the network: the
// emulator's own cost.
func BenchmarkRoleReadsHandler(b *testing.B) {
	e := New(Config{})
	seedRoles(b, e, 2000)
	var next atomic.Int64
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest("GET", fmt.Sprintf("/api/access-control/roles/bench-%d", next.Add(1)%2000), nil)
			req.SetBasicAuth("admin", "admin")
			w := httptest.NewRecorder()
			e.ServeHTTP(w, req)
			if w.Code != http.StatusOK {
				b.Errorf("status %d", w.Code)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "reads/s")
}

// BenchmarkListRoles: GET /api/access-control/roles with 2,000 roles stored.
func BenchmarkListRoles(b *testing.B) {
	e := New(Config{})
	seedRoles(b, e, 2000)
	for b.Loop() {
		req := httptest.NewRequest("GET", "/api/access-control/roles", nil)
		req.SetBasicAuth("admin", "admin")
		w := httptest.NewRecorder()
		e.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d", w.Code)
		}
	}
}

func heapMiB() float64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapAlloc) / (1 << 20)
}

// memoryFor10k is the live heap, in MiB, of an emulator holding 10,000
// custom roles of 10 permissions each.
func memoryFor10k(tb testing.TB) float64 {
	before := heapMiB()
	e := New(Config{})
	seedRoles(tb, e, 10000)
	after := heapMiB()
	runtime.KeepAlive(e)
	return after - before
}

func BenchmarkMemory10kRoles(b *testing.B) {
	var mib float64
	for b.Loop() {
		mib = memoryFor10k(b)
	}
	b.ReportMetric(mib, "MiB")
}

func TestMemory10kRoles(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds 10,000 roles")
	}
	if mib := memoryFor10k(t); mib >= 200 {
		t.Errorf("10,000 roles take %.1f MiB, want < 200", mib)
	} else {
		t.Logf("10,000 roles: %.1f MiB", mib)
	}
}
