package loadtest

import (
	"fmt"
	"math/rand/v2"
	"strconv"

	"kabinet/internal/domain"
)

// Mix is the share of each kind of request in the replay.
type Mix struct {
	// ColdShare is the share of customers whose app holds no document (a
	// new computer, a cleared cache): their first fetch is a 200 with the
	// whole document. The others send the ETag and cursor they kept and get
	// a 304.
	ColdShare float64
	// RetryShare is the share of accepted submissions sent a second time
	// with the same Idempotency-Key, as the app does when the answer was
	// lost on the way: the server must answer with the stored 201.
	RetryShare float64
	// CommaShare is the share of readings typed with a decimal comma.
	CommaShare float64
}

// DefaultMix is a reading window as the portal sees it: nine in ten apps
// hold yesterday's document, one answer in thirty is lost and retried.
var DefaultMix = Mix{ColdShare: 0.10, RetryShare: 0.03, CommaShare: 0.30}

// Validate reports a share outside [0, 1].
func (m Mix) Validate() error {
	for _, s := range []struct {
		name  string
		share float64
	}{{"cold", m.ColdShare}, {"retry", m.RetryShare}, {"comma", m.CommaShare}} {
		if !(s.share >= 0 && s.share <= 1) {
			return fmt.Errorf("the %s share %v is not between 0 and 1", s.name, s.share)
		}
	}
	return nil
}

// cold reports whether customer i's app starts without a stored document.
// It depends on i alone, so every run has the same cold customers.
func (m Mix) cold(i int) bool { return unit(uint64(i)) < m.ColdShare }

// retry reports whether this accepted submission is sent again.
func (m Mix) retry(r *rand.Rand) bool { return r.Float64() < m.RetryShare }

// nextReading returns a reading a customer would type after last, with one
// fraction digit (the register's), written with a dot or, for CommaShare of
// them, a comma. The month's first reading is 30 to 400 kWh more; a later
// one (a population smaller than the run wraps around) corrects it by up to
// 20 kWh, so that it never looks like a jump that needs confirming.
func (m Mix) nextReading(last domain.Decimal, first bool, r *rand.Rand) (domain.Decimal, string) {
	v := last + domain.Decimal(10+r.IntN(200)*10)
	if first {
		v = last + domain.DecimalFromInt(30) + domain.Decimal(r.IntN(3700)*10)
	}
	sep := "."
	if r.Float64() < m.CommaShare {
		sep = ","
	}
	return v, strconv.FormatInt(v.Whole(), 10) + sep + strconv.FormatInt(int64(v)%domain.DecimalScale/10, 10)
}

// unit maps x to [0, 1) evenly (SplitMix64's finaliser).
func unit(x uint64) float64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	x ^= x >> 31
	return float64(x>>11) / (1 << 53)
}

// idempotencyKey is the key of a customer's visit-th submission in run:
// unique across runs, like the app's random keys.
func idempotencyKey(run string, i, visit int) string {
	return `"lt-` + run + "-" + strconv.Itoa(i) + "-" + strconv.Itoa(visit) + `"`
}
