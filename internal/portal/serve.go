package portal

import (
	"context"
	"errors"
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
	hs := NewHTTPServer(s.Handler())
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Still serving, /readyz says 503 so the proxy stops sending requests
	// here before the listener closes.
	s.draining.Store(true)
	if s.drainDelay > 0 {
		s.log.Info("draining before shutdown", "for", s.drainDelay)
		time.Sleep(s.drainDelay)
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	err := hs.Shutdown(shutdownCtx)
	s.Wait()
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}
