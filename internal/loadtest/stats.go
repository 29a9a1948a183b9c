package loadtest

import (
	"maps"
	"math"
	"slices"
	"time"
)

// op is a kind of request the report counts apart.
type op int

const (
	opLogin op = iota
	opDocument200
	opDocument304
	opSubmission
	opReplay
	numOps
)

var opNames = [numOps]string{"login", "document 200", "document 304", "submission", "replay"}

func (o op) String() string { return opNames[o] }

// recorder collects what one worker saw. Each worker has its own, so
// recording takes no lock; merge adds them up at the end.
type recorder struct {
	took [numOps][]time.Duration
	// errors counts failed requests by "operation status code", e.g.
	// "submission 422 reading_lower_than_previous" or "document transport".
	errors map[string]int
}

func newRecorder() *recorder { return &recorder{errors: map[string]int{}} }

func (r *recorder) add(o op, d time.Duration) { r.took[o] = append(r.took[o], d) }

func (r *recorder) fail(what string) { r.errors[what]++ }

func (r *recorder) merge(o *recorder) {
	for k := range numOps {
		r.took[k] = append(r.took[k], o.took[k]...)
	}
	for k, n := range o.errors {
		r.errors[k] += n
	}
}

// Summary is the figures of one kind of request. Latencies are in
// milliseconds, from sending the request to reading the whole answer.
type Summary struct {
	Op    string  `json:"op"`
	Count int     `json:"count"`
	Rate  float64 `json:"rate_per_s"`
	P50   float64 `json:"p50_ms"`
	P90   float64 `json:"p90_ms"`
	P99   float64 `json:"p99_ms"`
	Max   float64 `json:"max_ms"`
}

// summarize sorts took and sums it up over a run of elapsed.
func summarize(name string, took []time.Duration, elapsed time.Duration) Summary {
	slices.Sort(took)
	s := Summary{Op: name, Count: len(took)}
	if elapsed > 0 {
		s.Rate = float64(len(took)) / elapsed.Seconds()
	}
	if len(took) > 0 {
		s.P50, s.P90, s.P99 = ms(percentile(took, 50)), ms(percentile(took, 90)), ms(percentile(took, 99))
		s.Max = ms(took[len(took)-1])
	}
	return s
}

// percentile returns the p-th percentile of sorted by the nearest-rank
// method: the smallest value with at least p % of the values at or below
// it. It is always one of the values, never an interpolation.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

func ms(d time.Duration) float64 { return math.Round(float64(d)/1e4) / 100 }

// errorCounts returns the errors in a stable order for the report.
func (r *recorder) errorCounts() []ErrorCount {
	out := make([]ErrorCount, 0, len(r.errors))
	for _, k := range slices.Sorted(maps.Keys(r.errors)) {
		out = append(out, ErrorCount{What: k, Count: r.errors[k]})
	}
	return out
}

// ErrorCount is how many requests failed one way.
type ErrorCount struct {
	What  string `json:"what"`
	Count int    `json:"count"`
}
