package emulator

import (
	"crypto/tls"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"time"
)

// NewTLSServer starts an emulator serving HTTPS on 127.0.0.1 and a random
// port, for tests of clients' TLS settings (CA bundles, skipped verification,
// client certificates). tlsConfig must carry the server's certificate; set
// its ClientAuth and ClientCAs to require client certificates. The URL is
// https://127.0.0.1:PORT, so the certificate must name IP 127.0.0.1.
func NewTLSServer(cfg Config, tlsConfig *tls.Config) (*Server, error) {
	if tlsConfig == nil || (len(tlsConfig.Certificates) == 0 && tlsConfig.GetCertificate == nil) {
		return nil, errors.New("emulator: a TLS server needs a certificate in tlsConfig")
	}
	// As NewServerAt: a provisioning directory that cannot be applied is an error, not a panic.
	em := newUnprovisioned(cfg)
	if cfg.ProvisioningDir != "" {
		if err := em.Provision(cfg.ProvisioningDir); err != nil {
			return nil, err
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{URL: "https://" + ln.Addr().String(), Emulator: em, ln: ln, done: make(chan struct{})}
	s.srv = &http.Server{
		Handler:           http.HandlerFunc(s.serve),
		ReadHeaderTimeout: 10 * time.Second,
		TLSConfig:         tlsConfig.Clone(),
		// Handshake failures are what TLS tests provoke on purpose; they
		// would otherwise be printed to stderr on every run.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	go func() {
		defer close(s.done)
		_ = s.srv.ServeTLS(ln, "", "") // certificates come from TLSConfig
	}()
	return s, nil
}
