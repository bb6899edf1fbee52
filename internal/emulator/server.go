package emulator

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// Server is an Emulator listening on a loopback port, for tests and for
// the grafana-emulator command.
type Server struct {
	URL      string // http://127.0.0.1:PORT
	Emulator *Emulator

	srv *http.Server
	ln  net.Listener

	mu       sync.Mutex
	closed   bool
	inflight sync.WaitGroup
	done     chan struct{}
}

// NewServer starts an emulator on 127.0.0.1 and a random port.
func NewServer(cfg Config) (*Server, error) { return NewServerAt("127.0.0.1:0", cfg) }

// NewServerAt starts an emulator listening on addr (host:port; port 0 picks one).
// A provisioning directory that cannot be applied is an error.
func NewServerAt(addr string, cfg Config) (*Server, error) {
	if _, err := cfg.grafana(); err != nil {
		return nil, err
	}
	em := newUnprovisioned(cfg)
	if cfg.ProvisioningDir != "" {
		if err := em.Provision(cfg.ProvisioningDir); err != nil {
			return nil, err
		}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &Server{URL: "http://" + ln.Addr().String(), Emulator: em, ln: ln, done: make(chan struct{})}
	s.srv = &http.Server{Handler: http.HandlerFunc(s.serve), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		defer close(s.done)
		_ = s.srv.Serve(ln) // returns ErrServerClosed on Close
	}()
	return s, nil
}

// Addr is the address the server listens on.
func (s *Server) Addr() string { return s.ln.Addr().String() }

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		http.Error(w, `{"message":"server closed"}`, http.StatusServiceUnavailable)
		return
	}
	s.inflight.Add(1)
	s.mu.Unlock()
	defer s.inflight.Done()
	s.Emulator.ServeHTTP(w, r)
}

// Close stops the server: connections are closed, so handlers waiting on
// injected latency return, and Close waits for them.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	s.mu.Unlock()
	_ = s.srv.Close()
	<-s.done
	s.inflight.Wait()
}
