// Package portaltest runs the real portal server with the demo data on
// 127.0.0.1 for the tests of the packages that talk to it, behind a switch
// that can make it unreachable or cut an answer after the server committed.
package portaltest

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"kabinet/internal/auth"
	"kabinet/internal/demo"
	"kabinet/internal/domain"
	"kabinet/internal/portal"
	"kabinet/internal/portaldb"
	"kabinet/internal/portaldb/dbtest"
	"kabinet/internal/sms"
	"kabinet/internal/sms/smstest"
)

// Server is a running demo portal.
type Server struct {
	URL string
	DB  *portaldb.DB
	// Down makes every request fail as if the network were gone.
	Down atomic.Bool
	// CutNext makes the next reading POST commit on the server and then
	// lose its answer, as a dropped connection would.
	CutNext atomic.Bool
	// Requests counts the requests that reached the server.
	Requests atomic.Int64

	mu     sync.Mutex
	keys   []string
	sms    smstest.Recorder
	portal *portal.Server
}

// Start runs a demo portal for the test; it stops with the test. Password
// hashing is made cheap for the whole test binary.
func Start(t testing.TB) *Server {
	t.Helper()
	auth.UseFastParamsForTests()
	seed, err := demo.Build(time.Now(), auth.HashPassword)
	if err != nil {
		t.Fatal(err)
	}
	return StartSeed(t, seed)
}

// StartSeed runs a portal holding seed.
func StartSeed(t testing.TB, seed *portaldb.Seed) *Server {
	t.Helper()
	auth.UseFastParamsForTests()
	ctx := context.Background()
	db := dbtest.Open(t, portaldb.Options{})
	if err := db.LoadSeed(ctx, seed); err != nil {
		t.Fatal(err)
	}
	s := &Server{DB: db}
	srv, err := portal.New(ctx, portal.Config{DB: db, SMS: &s.sms, Window: domain.AlwaysOpen,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	s.portal = srv
	t.Cleanup(srv.Wait)
	h := srv.Handler()
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Requests.Add(1)
		if s.Down.Load() {
			hijackAndClose(w)
			return
		}
		if r.Method == http.MethodPost && path.Base(r.URL.Path) == "readings" {
			s.mu.Lock()
			s.keys = append(s.keys, r.Header.Get("Idempotency-Key"))
			s.mu.Unlock()
			if s.CutNext.CompareAndSwap(true, false) {
				h.ServeHTTP(httptest.NewRecorder(), r) // committed on the server…
				hijackAndClose(w)                      // …and the answer never arrives
				return
			}
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	s.URL = hs.URL
	return s
}

func hijackAndClose(w http.ResponseWriter) {
	if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
		conn.Close()
	}
}

// SMS returns the messages the portal sent, once those in flight are out.
func (s *Server) SMS() []sms.Message {
	s.portal.Wait()
	return s.sms.Messages()
}

// ReadingKeys returns the Idempotency-Keys of the reading POSTs received.
func (s *Server) ReadingKeys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.keys...)
}

// Count runs a COUNT query on the portal's database.
func (s *Server) Count(t testing.TB, query string, args ...any) int {
	t.Helper()
	var n int
	err := s.DB.Read(context.Background(), func(tx *portaldb.Tx) error {
		return tx.QueryRowContext(context.Background(), query, args...).Scan(&n)
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// CustomerReadings counts the readings customers sent, superseded ones too.
func (s *Server) CustomerReadings(t testing.TB) int {
	return s.Count(t, `SELECT count(*) FROM readings WHERE source = 'customer'`)
}
