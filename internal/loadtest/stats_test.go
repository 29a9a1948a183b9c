package loadtest

import (
	"testing"
	"time"
)

func TestPercentileIsTheNearestRank(t *testing.T) {
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = time.Duration(i+1) * time.Millisecond
	}
	ten := hundred[:10]
	tests := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 50, 0},
		{"one value is every percentile", []time.Duration{7}, 99, 7},
		{"median of 100", hundred, 50, 50 * time.Millisecond},
		{"p90 of 100", hundred, 90, 90 * time.Millisecond},
		{"p99 of 100", hundred, 99, 99 * time.Millisecond},
		{"p100 is the maximum", hundred, 100, 100 * time.Millisecond},
		{"p0 is the minimum", hundred, 0, time.Millisecond},
		// 99 % of 10 values is 9.9: the rank rounds up, so the slowest
		// request is the p99 of a short run, not hidden by interpolation.
		{"p99 of 10 is the largest", ten, 99, 10 * time.Millisecond},
		{"p50 of 10", ten, 50, 5 * time.Millisecond},
		{"p90 of 10", ten, 90, 9 * time.Millisecond},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := percentile(tc.sorted, tc.p); got != tc.want {
				t.Errorf("percentile(%d values, %v) = %v, want %v", len(tc.sorted), tc.p, got, tc.want)
			}
		})
	}
}

func TestSummarizeSortsAndCounts(t *testing.T) {
	took := []time.Duration{30 * time.Millisecond, 10 * time.Millisecond, 20 * time.Millisecond, 1500 * time.Microsecond}
	s := summarize("submission", took, 2*time.Second)
	want := Summary{Op: "submission", Count: 4, Rate: 2, P50: 10, P90: 30, P99: 30, Max: 30}
	if s != want {
		t.Errorf("summarize = %+v, want %+v", s, want)
	}
	if empty := summarize("login", nil, time.Second); empty != (Summary{Op: "login"}) {
		t.Errorf("summarize of nothing = %+v", empty)
	}
}

func TestRecordersMerge(t *testing.T) {
	a, b := newRecorder(), newRecorder()
	a.add(opSubmission, time.Millisecond)
	b.add(opSubmission, 2*time.Millisecond)
	b.add(opDocument304, time.Millisecond)
	a.fail("submission 422 needs_confirmation")
	b.fail("submission 422 needs_confirmation")
	b.fail("document transport")
	a.merge(b)
	if n := len(a.took[opSubmission]); n != 2 {
		t.Errorf("%d submissions after merge, want 2", n)
	}
	got := a.errorCounts()
	want := []ErrorCount{{"document transport", 1}, {"submission 422 needs_confirmation", 2}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("errors = %v, want %v", got, want)
	}
}
