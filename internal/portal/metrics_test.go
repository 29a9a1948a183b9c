package portal_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"kabinet/internal/portal"
)

// metricsBox records what the server reports to its Metrics.
type metricsBox struct {
	mu       sync.Mutex
	requests []string // "route|method|status"
	readings []string
}

func (m *metricsBox) ObserveRequest(route, method string, status int, d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if d < 0 {
		panic("negative duration")
	}
	m.requests = append(m.requests, fmt.Sprintf("%s|%s|%d", route, method, status))
}

func (m *metricsBox) ObserveReading(result string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.readings = append(m.readings, result)
}

func (m *metricsBox) snapshot() (requests, readings []string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.requests...), append([]string(nil), m.readings...)
}

func withMetrics(m portal.Metrics) envOption {
	return func(c *portal.Config) { c.Metrics = m }
}

// settle waits until the server has finished every request: the metrics are
// recorded after the answer has been written, so the client can see the
// answer first.
func (e *env) settle() { e.http.Close() }

func TestMetricsNameRequestsByRoutePattern(t *testing.T) {
	box := &metricsBox{}
	e := newEnv(t, withMetrics(box))
	tok := e.login(ivanova, password)
	e.document(tok, ivanovaAcc)
	e.document(tok, "1100099999") // not hers
	e.do(req{method: "GET", path: "/api/v1/accounts/" + ivanovaAcc + "/nothing-here", token: tok})
	e.do(req{method: "BREW", path: "/api/v1/news"})
	e.do(req{method: "GET", path: "/api/v1/accounts"}) // no token
	e.settle()

	requests, _ := box.snapshot()
	want := []string{
		"POST /api/v1/session|POST|201",
		"GET /api/v1/accounts/{account}|GET|200",
		"GET /api/v1/accounts/{account}|GET|404",
		"other|GET|404",
		"other|BREW|404",
		"GET /api/v1/accounts|GET|401",
	}
	if strings.Join(requests, "\n") != strings.Join(want, "\n") {
		t.Errorf("observed requests:\n%s\nwant:\n%s", strings.Join(requests, "\n"), strings.Join(want, "\n"))
	}
	for _, r := range requests {
		if strings.Contains(r, ivanovaAcc) || strings.Contains(r, "1100099999") || strings.Contains(r, ivanova) {
			t.Errorf("a route names an account or a customer: %q", r)
		}
	}
}

func TestMetricsCountReadingResults(t *testing.T) {
	box := &metricsBox{}
	e := newEnv(t, withMetrics(box))
	tok := e.login(ivanova, password)
	m := meterOf(t, e, tok, ivanovaAcc)
	good := map[string]any{"meter": m.ID, "values": map[string]string{"t1": "12600"}}

	steps := []struct {
		name   string
		key    string
		body   any
		status int
	}{
		{"accepted", "metrics-key-1", good, http.StatusCreated},
		{"replayed", "metrics-key-1", good, http.StatusCreated},
		{"key reused", "metrics-key-1", map[string]any{"meter": m.ID, "values": map[string]string{"t1": "12700"}}, http.StatusUnprocessableEntity},
		{"lower than previous", "metrics-key-2", map[string]any{"meter": m.ID, "values": map[string]string{"t1": "12000"}}, http.StatusUnprocessableEntity},
		{"not a number", "metrics-key-3", map[string]any{"meter": m.ID, "values": map[string]string{"t1": "двенадцать"}}, http.StatusUnprocessableEntity},
		{"no key", "", good, http.StatusBadRequest},
		{"bad JSON", "metrics-key-4", "{", http.StatusBadRequest},
	}
	var want []string
	for _, s := range steps {
		r := submit(e, tok, s.key, s.body)
		if r.Status != s.status {
			t.Fatalf("%s: %d %s", s.name, r.Status, r.Body)
		}
		switch s.name {
		case "accepted":
			want = append(want, "accepted")
		case "replayed":
			want = append(want, "replayed")
		default:
			want = append(want, r.Code(t))
		}
	}
	// A preview is not a submission.
	e.do(req{method: "POST", path: "/api/v1/accounts/" + ivanovaAcc + "/readings/preview", token: tok, body: good})
	e.settle()

	_, readings := box.snapshot()
	if strings.Join(readings, " ") != strings.Join(want, " ") {
		t.Errorf("observed readings %q, want %q", readings, want)
	}
	for _, code := range readings[2:] {
		if code == "" || code == "internal_error" {
			t.Errorf("refusal counted as %q", code)
		}
	}
}

// TestWithoutMetricsNothingChanges: the same requests answer the same with
// and without a Metrics.
func TestWithoutMetricsNothingChanges(t *testing.T) {
	answers := func(opts ...envOption) []string {
		e := newEnv(t, opts...)
		tok := e.login(ivanova, password)
		m := meterOf(t, e, tok, ivanovaAcc)
		var out []string
		for _, v := range []string{"12600", "12000"} {
			r := submit(e, tok, "same-key-"+v, map[string]any{"meter": m.ID, "values": map[string]string{"t1": v}})
			out = append(out, fmt.Sprintf("%d %s", r.Status, r.Header.Get("Content-Type")))
		}
		r := e.do(req{method: "GET", path: "/nowhere"})
		out = append(out, fmt.Sprintf("%d %s", r.Status, r.Header.Get("Content-Type")))
		return out
	}
	without, with := answers(), answers(withMetrics(&metricsBox{}))
	if strings.Join(without, "\n") != strings.Join(with, "\n") {
		t.Errorf("without metrics:\n%s\nwith:\n%s", strings.Join(without, "\n"), strings.Join(with, "\n"))
	}
}
