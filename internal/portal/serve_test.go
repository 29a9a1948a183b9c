package portal_test

import (
	"context"
	"net"
	"net/http"
	"testing"
	"time"

	"kabinet/internal/portal"
)

// Told to stop, the server goes on answering for its drain delay while
// GET /readyz says 503, so the proxy takes the instance out before the
// listener closes; then it closes.
func TestReadyzDrainsBeforeShutdown(t *testing.T) {
	const drain = 1500 * time.Millisecond
	e := newEnv(t, func(c *portal.Config) { c.DrainDelay = drain })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- portal.Serve(ctx, ln, e.srv) }()
	base := "http://" + ln.Addr().String()
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	status := func(path string) int {
		resp, err := client.Get(base + path)
		if err != nil {
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := status("/readyz"); got != http.StatusOK {
		t.Fatalf("serving: /readyz %d, want 200", got)
	}
	stopped := time.Now()
	cancel()
	deadline := stopped.Add(drain / 2)
	for status("/readyz") != http.StatusServiceUnavailable {
		if time.Now().After(deadline) {
			t.Fatal("told to stop, /readyz does not say 503")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if got := status("/healthz"); got != http.StatusOK {
		t.Errorf("while draining the server no longer answers: /healthz %d", got)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if took := time.Since(stopped); took < drain {
		t.Errorf("closed after %v, before the drain delay %v", took, drain)
	}
	if got := status("/healthz"); got != 0 {
		t.Errorf("after the shutdown the server still answers %d", got)
	}
}
