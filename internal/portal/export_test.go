package portal

import (
	"net/http"
	"time"
)

// SetHashing makes every password check first run hook (nil: nothing) and
// makes the queue expect each request to hold a slot for took, as if it had
// measured that.
func (s *Server) SetHashing(hook func(), took time.Duration) {
	q := s.hashing
	q.mu.Lock()
	defer q.mu.Unlock()
	q.hook, q.took = hook, took
}

// HashQueued returns how many requests wait for a hashing slot or hold one.
func (s *Server) HashQueued() int {
	q := s.hashing
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.queued
}

// ClientAddress is clientAddress, for tests.
func (s *Server) ClientAddress(r *http.Request) string { return s.clientAddress(r) }
