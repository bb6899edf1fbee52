// Package conformance drives the emulator with Grafana's generated OpenAPI Go
// client (github.com/grafana/grafana-openapi-client-go), a client written
// against real Grafana by people who never saw the emulator. Its tests are
// the whole package; the client is a test-only dependency.
package conformance
