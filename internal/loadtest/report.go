package loadtest

import (
	"fmt"
	"io"
	"os"
	"strings"
)

// The floor of the issue: what a supplier of 300 000 accounts needs on the
// last evening of the window, on PostgreSQL.
const (
	FloorSubmissionsPerSecond = 1000
	FloorP99Milliseconds      = 100
)

// Report is the outcome of a run.
type Report struct {
	Backend     string  `json:"backend"`
	Accounts    int     `json:"accounts"`
	Concurrency int     `json:"concurrency"`
	TargetRate  float64 `json:"target_rate_per_s,omitempty"`
	LoginRate   float64 `json:"login_rate_per_s"`
	CPUs        int     `json:"cpus"`
	Seeding     Seeding `json:"seeding"`
	// PrepareSeconds is opening, checking and resetting the database,
	// seeding included.
	PrepareSeconds float64 `json:"prepare_seconds"`
	// Seconds is the replay, from the first request to the last answer.
	Seconds float64 `json:"seconds"`
	// LoadBefore and LoadAfter are /proc/loadavg around the replay: the
	// machine is shared, and figures taken under other load are noisy.
	LoadBefore string `json:"load_before"`
	LoadAfter  string `json:"load_after"`
	Visits     int    `json:"visits"`
	// Ops has one line per kind of request, in a fixed order.
	Ops                  []Summary    `json:"ops"`
	SubmissionsPerSecond float64      `json:"submissions_per_s"`
	Errors               []ErrorCount `json:"errors"`
	// Behind counts visits the target rate asked for that no worker was
	// free to start; LoginsSkipped logins for which every slot was busy.
	Behind        int64 `json:"behind_schedule"`
	LoginsSkipped int   `json:"logins_skipped"`
	// DBWaits and DBWaitSeconds count the transactions that waited for a
	// free connection of portaldb's pools.
	DBWaits       int64     `json:"db_waits"`
	DBWaitSeconds float64   `json:"db_wait_seconds"`
	Integrity     Integrity `json:"integrity"`
	FloorMet      bool      `json:"floor_met"`
}

// Op returns the summary of the named operation.
func (r *Report) Op(name string) Summary {
	for _, s := range r.Ops {
		if s.Op == name {
			return s
		}
	}
	return Summary{Op: name}
}

// floorMet reports whether the run reached the floor.
func (r *Report) floorMet() bool {
	s := r.Op(opSubmission.String())
	return r.SubmissionsPerSecond >= FloorSubmissionsPerSecond && s.Count > 0 && s.P99 <= FloorP99Milliseconds
}

// WriteText writes the report for a person.
func (r *Report) WriteText(w io.Writer) {
	how := "as fast as the connections go"
	if r.TargetRate > 0 {
		how = fmt.Sprintf("paced at %.0f visits/s", r.TargetRate)
	}
	fmt.Fprintf(w, "kabinet-loadtest: %s, %d accounts, %d connections %s, %.0f logins/s, %d CPUs\n",
		r.Backend, r.Accounts, r.Concurrency, how, r.LoginRate, r.CPUs)
	seeded := "population reused"
	if r.Seeding.Seeded > 0 {
		seeded = fmt.Sprintf("seeded %d customers in %.1f s (%d batches, %d at once; first batch %.2f s, last %.2f s)",
			r.Seeding.Seeded, r.Seeding.Seconds, r.Seeding.Batches, r.Seeding.Parallel, r.Seeding.FirstBatchSeconds, r.Seeding.LastBatchSeconds)
	}
	sessions := "sessions reused"
	if r.Seeding.SessionsCreated > 0 {
		sessions = fmt.Sprintf("%d sessions written in %.1f s", r.Seeding.SessionsCreated, r.Seeding.SessionSeconds)
	}
	fmt.Fprintf(w, "prepare: %.1f s; %s; %s\n", r.PrepareSeconds, seeded, sessions)
	fmt.Fprintf(w, "replay: %.1f s, %d visits; load average before %s, after %s\n\n", r.Seconds, r.Visits, r.LoadBefore, r.LoadAfter)
	fmt.Fprintf(w, "%-13s %8s %9s %9s %9s %9s %9s\n", "operation", "count", "rate/s", "p50 ms", "p90 ms", "p99 ms", "max ms")
	for _, s := range r.Ops {
		fmt.Fprintf(w, "%-13s %8d %9.1f %9.2f %9.2f %9.2f %9.2f\n", s.Op, s.Count, s.Rate, s.P50, s.P90, s.P99, s.Max)
	}
	fmt.Fprintf(w, "\nsubmissions/s: %.1f\n", r.SubmissionsPerSecond)
	if len(r.Errors) == 0 {
		fmt.Fprintln(w, "errors: none")
	} else {
		fmt.Fprintln(w, "errors:")
		for _, e := range r.Errors {
			fmt.Fprintf(w, "  %-60s %d\n", e.What, e.Count)
		}
	}
	if r.Behind > 0 {
		fmt.Fprintf(w, "behind schedule: %d visits the target rate asked for were not started\n", r.Behind)
	}
	if r.LoginsSkipped > 0 {
		fmt.Fprintf(w, "logins skipped: %d (every login slot was busy)\n", r.LoginsSkipped)
	}
	fmt.Fprintf(w, "database pool waits: %d, %.1f s in all\n", r.DBWaits, r.DBWaitSeconds)
	in := r.Integrity
	verdict := "OK"
	if !in.OK {
		verdict = "FAILED: " + strings.Join(in.Problems, "; ")
	}
	fmt.Fprintf(w, "integrity: %d acknowledged, %d readings stored (%d values, %d idempotency records), %d lost, %d unacknowledged; %d/%d retries got the stored answer: %s\n",
		in.Acknowledged, in.Rows, in.ValueRows, in.IdempotencyRows, in.Lost, in.Unacknowledged, in.Identical, in.Replays, verdict)
	held := "MET"
	if !r.FloorMet {
		held = "NOT MET"
	}
	fmt.Fprintf(w, "floor (≥ %d submissions/s, submission p99 ≤ %d ms): %s\n", FloorSubmissionsPerSecond, FloorP99Milliseconds, held)
}

// loadAverage returns the first three fields of /proc/loadavg, or "?".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}
