package portal

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// NewHTTPServer returns an http.Server for h with the timeouts a public
// server needs: a slow client cannot hold a connection open for ever.
func NewHTTPServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    16 << 10,
	}
}

// Serve serves s on ln until ctx is done, then shuts down gracefully: for
// Config.DrainDelay it goes on serving with /readyz answering 503 (the
// proxy takes the instance out), then it stops accepting, lets requests in
// flight finish (up to 15 s) and waits for SMS being sent.
func Serve(ctx context.Context, ln net.Listener, s *Server) error {
	drain := func() {
		// Still serving, /readyz says 503 so the proxy stops sending
		// requests here before the listener closes.
		s.draining.Store(true)
		if s.drainDelay > 0 {
			s.log.Info("draining before shutdown", "for", s.drainDelay)
			time.Sleep(s.drainDelay)
		}
	}
	return RunServer(ctx, ln, s.Handler(), drain, s.Wait)
}

// RunServer serves h on ln (NewHTTPServer) until ctx is done; then drain,
// when given, runs while it still serves, the listener closes, the
// requests in flight get up to 15 s, and wait, when given, waits for the
// background work they started.
func RunServer(ctx context.Context, ln net.Listener, h http.Handler, drain, wait func()) error {
	hs := NewHTTPServer(h)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	if drain != nil {
		drain()
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	err := hs.Shutdown(shutdownCtx)
	if wait != nil {
		wait()
	}
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}

// RecoverPanics answers a request whose handler panicked with fail (a
// sentence for people, never the panic) and logs the route, so one bad
// request neither kills the server nor shows its insides.
func RecoverPanics(log *slog.Logger, fail func(http.ResponseWriter, *http.Request), next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.Error("panic", "route", r.Pattern, "panic", fmt.Sprint(v))
				fail(w, r)
			}
		}()
		next.ServeHTTP(w, r)
	})
}
