package emulator

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// selfSigned is a certificate for 127.0.0.1 that is its own CA.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "emulator test"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}

func TestTLSServer(t *testing.T) {
	cert, pool := selfSigned(t)
	srv, err := NewTLSServer(Config{Generation: 12, AdminPassword: "tls-test-pw"}, &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if !strings.HasPrefix(srv.URL, "https://127.0.0.1:") {
		t.Fatalf("URL = %q, want https://127.0.0.1:PORT", srv.URL)
	}

	trusting := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/access-control/roles/basic_viewer", nil)
	req.SetBasicAuth("admin", "tls-test-pw")
	resp, err := trusting.Do(req)
	if err != nil {
		t.Fatalf("a client trusting the certificate: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET over TLS: status %d, want 200", resp.StatusCode)
	}

	// The system roots do not hold a fresh self-signed certificate.
	if resp, err := http.Get(srv.URL + "/api/health"); err == nil {
		resp.Body.Close()
		t.Fatal("a client without the CA was served; the server is not using TLS with the given certificate")
	}
}

func TestTLSServerNeedsCertificate(t *testing.T) {
	if _, err := NewTLSServer(Config{}, nil); err == nil {
		t.Fatal("NewTLSServer without a TLS configuration: no error")
	}
	if _, err := NewTLSServer(Config{}, &tls.Config{}); err == nil {
		t.Fatal("NewTLSServer without a certificate: no error")
	}
}
