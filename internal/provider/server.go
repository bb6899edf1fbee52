package provider

import (
	"context"
	"os"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// NewProtocol6 serves the provider over protocol 6, like the framework's
// providerserver.NewProtocol6, with one difference: a request's context is
// released when the request returns.
//
// The framework keeps the cancel function of every request's context until
// StopProvider (terraform-plugin-framework proto6server registerContext), and
// with it the whole context chain: the SDK's per-request loggers and gRPC's
// stream. That was about 14 KB per RPC, four RPCs per resource in a plan, all
// live until the process ended: the provider's peak RSS grew with the number
// of resources. Here the framework gets a context that forgets the request's
// once it returns, so it keeps only a few hundred bytes per RPC.
func NewProtocol6(version string) func() tfprotov6.ProviderServer {
	return protocol6(New(version))
}

// NewProtocol6WithError is NewProtocol6 for terraform-plugin-testing's factories.
func NewProtocol6WithError(version string) func() (tfprotov6.ProviderServer, error) {
	return NewProtocol6WithEnvWithError(version, os.Getenv)
}

// NewProtocol6WithEnvWithError is NewProtocol6WithError for a provider that
// reads its environment through getenv.
func NewProtocol6WithEnvWithError(version string, getenv func(string) string) func() (tfprotov6.ProviderServer, error) {
	serve := protocol6(NewWithEnv(version, getenv))
	return func() (tfprotov6.ProviderServer, error) { return serve(), nil }
}

func protocol6(p func() provider.Provider) func() tfprotov6.ProviderServer {
	return func() tfprotov6.ProviderServer {
		return releasingServer{providerserver.NewProtocol6(p())()}
	}
}

// releasingServer hands the framework released contexts on the RPCs that
// Terraform makes once or more per resource instance; the rest are made a
// few times per operation and pass through.
type releasingServer struct {
	tfprotov6.ProviderServer
}

// serve calls f with a context that stands for ctx until f returns.
func serve[Req, Resp any](ctx context.Context, req Req, f func(context.Context, Req) (Resp, error)) (Resp, error) {
	rc := &releasableContext{ctx: ctx}
	defer rc.release()
	return f(rc, req)
}

func (s releasingServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return serve(ctx, req, s.ProviderServer.ValidateResourceConfig)
}

func (s releasingServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return serve(ctx, req, s.ProviderServer.UpgradeResourceState)
}

func (s releasingServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return serve(ctx, req, s.ProviderServer.ReadResource)
}

func (s releasingServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return serve(ctx, req, s.ProviderServer.PlanResourceChange)
}

func (s releasingServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return serve(ctx, req, s.ProviderServer.ApplyResourceChange)
}

func (s releasingServer) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return serve(ctx, req, s.ProviderServer.ImportResourceState)
}

func (s releasingServer) UpgradeResourceIdentity(ctx context.Context, req *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	return serve(ctx, req, s.ProviderServer.UpgradeResourceIdentity)
}

func (s releasingServer) ValidateDataResourceConfig(ctx context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	return serve(ctx, req, s.ProviderServer.ValidateDataResourceConfig)
}

func (s releasingServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	return serve(ctx, req, s.ProviderServer.ReadDataSource)
}

func (s releasingServer) CallFunction(ctx context.Context, req *tfprotov6.CallFunctionRequest) (*tfprotov6.CallFunctionResponse, error) {
	return serve(ctx, req, s.ProviderServer.CallFunction)
}

// releasableContext is its request's context until released; after that it
// holds no reference to it and behaves as a cancelled context without
// values (nothing of the request should still be running).
type releasableContext struct {
	mu  sync.RWMutex
	ctx context.Context // nil once released
}

// released is the Done channel of every released context.
var released = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

func (c *releasableContext) release() {
	c.mu.Lock()
	c.ctx = nil
	c.mu.Unlock()
}

func (c *releasableContext) inner() context.Context {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.ctx
}

func (c *releasableContext) Deadline() (time.Time, bool) {
	if in := c.inner(); in != nil {
		return in.Deadline()
	}
	return time.Time{}, false
}

func (c *releasableContext) Done() <-chan struct{} {
	if in := c.inner(); in != nil {
		return in.Done()
	}
	return released
}

func (c *releasableContext) Err() error {
	if in := c.inner(); in != nil {
		return in.Err()
	}
	return context.Canceled
}

func (c *releasableContext) Value(key any) any {
	if in := c.inner(); in != nil {
		return in.Value(key)
	}
	return nil
}
