package acctest

import (
	"context"
	"sync"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/provider"
)

// Diagnostics keeps the warnings the provider returns from plans:
// terraform-plugin-testing checks errors only.
type Diagnostics struct {
	mu       sync.Mutex
	warnings []*tfprotov6.Diagnostic
}

// Warnings are the plan warnings since the last Reset.
func (d *Diagnostics) Warnings() []*tfprotov6.Diagnostic {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]*tfprotov6.Diagnostic(nil), d.warnings...)
}

// Reset forgets the warnings seen so far.
func (d *Diagnostics) Reset() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.warnings = nil
}

func (d *Diagnostics) add(diags []*tfprotov6.Diagnostic) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, diag := range diags {
		if diag != nil && diag.Severity == tfprotov6.DiagnosticSeverityWarning {
			d.warnings = append(d.warnings, diag)
		}
	}
}

// ProviderFactoriesRecording are ProtoV6ProviderFactories whose plan
// warnings d records.
func ProviderFactoriesRecording(d *Diagnostics) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		ProviderName: func() (tfprotov6.ProviderServer, error) {
			s, err := provider.NewProtocol6WithError("acctest")()
			if err != nil {
				return nil, err
			}
			return recordingServer{ProviderServer: s, d: d}, nil
		},
	}
}

type recordingServer struct {
	tfprotov6.ProviderServer
	d *Diagnostics
}

func (s recordingServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	resp, err := s.ProviderServer.PlanResourceChange(ctx, req)
	if resp != nil {
		s.d.add(resp.Diagnostics)
	}
	return resp, err
}
