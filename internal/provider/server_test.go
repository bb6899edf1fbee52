package provider

import (
	"context"
	"errors"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

type markerKey struct{}

// markedContext carries a value whose collection is counted: it is
// collected only once nothing holds the context any more.
func markedContext(t *testing.T, collected *atomic.Int64) context.Context {
	t.Helper()
	m := new([1024]byte)
	runtime.AddCleanup(m, func(c *atomic.Int64) { c.Add(1) }, collected)
	return context.WithValue(context.Background(), markerKey{}, m)
}

func waitCollected(collected *atomic.Int64, want int64) int64 {
	deadline := time.Now().Add(5 * time.Second)
	for collected.Load() < want && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	return collected.Load()
}

// The framework keeps every request's context until StopProvider; served
// through NewProtocol6, the request's own context must not outlive it.
func TestNewProtocol6ReleasesRequestContexts(t *testing.T) {
	s := NewProtocol6("test")()
	const calls = 50
	var collected atomic.Int64
	for range calls {
		ctx := markedContext(t, &collected)
		if _, err := s.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: "grafanarbac_custom_role"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{TypeName: "grafanarbac_custom_role"}); err != nil {
			t.Fatal(err)
		}
	}
	if got := waitCollected(&collected, calls); got != calls {
		t.Errorf("%d of %d request contexts were collected after their requests returned", got, calls)
	}
	runtime.KeepAlive(s)
}

// While the request runs, the framework sees the request's values,
// deadline and cancellation.
func TestReleasableContextStandsForTheRequestUntilReleased(t *testing.T) {
	deadline := time.Now().Add(time.Hour)
	parent, cancel := context.WithDeadline(context.WithValue(context.Background(), markerKey{}, "v"), deadline)
	rc := &releasableContext{ctx: parent}
	// A child made during the request, as the framework does.
	child, stop := context.WithCancel(rc)
	defer stop()

	if got := rc.Value(markerKey{}); got != "v" {
		t.Errorf("Value = %v, want the request's value", got)
	}
	if d, ok := rc.Deadline(); !ok || !d.Equal(deadline) {
		t.Errorf("Deadline = %v, %v; want the request's", d, ok)
	}
	if rc.Err() != nil {
		t.Errorf("Err = %v before cancellation", rc.Err())
	}
	cancel()
	select {
	case <-child.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("cancelling the request did not reach a context derived during the request")
	}
	if !errors.Is(child.Err(), context.Canceled) {
		t.Errorf("child Err = %v, want context.Canceled", child.Err())
	}

	rc.release()
	if rc.Value(markerKey{}) != nil {
		t.Error("a released context still answers the request's values")
	}
	if _, ok := rc.Deadline(); ok {
		t.Error("a released context still has the request's deadline")
	}
	select {
	case <-rc.Done():
	default:
		t.Error("a released context is not done")
	}
	if !errors.Is(rc.Err(), context.Canceled) {
		t.Errorf("released Err = %v, want context.Canceled", rc.Err())
	}
	// Deriving from a released context must not panic or block.
	late, lateStop := context.WithCancel(rc)
	lateStop()
	<-late.Done()
}
