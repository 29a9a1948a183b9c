package loadtest

import (
	"math/rand/v2"
	"strings"
	"testing"

	"kabinet/internal/domain"
)

func TestColdShareIsKeptAndStable(t *testing.T) {
	for _, share := range []float64{0, 0.1, 0.5, 1} {
		m := Mix{ColdShare: share}
		cold := 0
		const n = 100_000
		for i := range n {
			first, again := m.cold(i), m.cold(i)
			if first {
				cold++
			}
			if first != again {
				t.Fatalf("customer %d is cold one time and not the next", i)
			}
		}
		if got := float64(cold) / n; got < share-0.01 || got > share+0.01 {
			t.Errorf("cold share %v: %.3f of customers are cold", share, got)
		}
	}
}

func TestRetryShareIsKept(t *testing.T) {
	m := Mix{RetryShare: 0.03}
	r := rand.New(rand.NewPCG(1, 2))
	retried := 0
	const n = 100_000
	for range n {
		if m.retry(r) {
			retried++
		}
	}
	if got := float64(retried) / n; got < 0.025 || got > 0.035 {
		t.Errorf("%.4f of submissions retried, want about 0.03", got)
	}
}

// TestNextReadingIsAcceptedByTheRules: what the replay types parses back to
// the value it remembers, has the register's one fraction digit and stays
// within the month's plausible consumption.
func TestNextReadingIsAcceptedByTheRules(t *testing.T) {
	m := DefaultMix
	r := rand.New(rand.NewPCG(3, 4))
	commas := 0
	const n = 10_000
	for k := range n {
		first := k%2 == 0
		last := seededLast(k)
		v, typed := m.nextReading(last, first, r)
		parsed, err := domain.ParseReading(typed, 6, 1)
		if err != nil || parsed != v {
			t.Fatalf("typed %q parses to %v (%v), want %v", typed, parsed, err, v)
		}
		use := v - last
		lo, hi := domain.DecimalFromInt(30), domain.DecimalFromInt(400)
		if !first {
			lo, hi = domain.Decimal(10), domain.DecimalFromInt(20)
		}
		if use < lo || use > hi {
			t.Fatalf("consumption %v (first %v) outside %v–%v", use, first, lo, hi)
		}
		if strings.Contains(typed, ",") {
			commas++
		}
	}
	if got := float64(commas) / n; got < 0.27 || got > 0.33 {
		t.Errorf("%.3f of readings typed with a comma, want about 0.30", got)
	}
}

func TestMixValidate(t *testing.T) {
	if err := DefaultMix.Validate(); err != nil {
		t.Errorf("the default mix: %v", err)
	}
	for _, bad := range []Mix{{ColdShare: -0.1}, {RetryShare: 1.5}, {CommaShare: 2}} {
		if bad.Validate() == nil {
			t.Errorf("%+v is valid", bad)
		}
	}
}

// TestIdempotencyKeysAreWellFormed: the server wants an sf-string of 8–255
// visible ASCII characters, and a key per customer and visit.
func TestIdempotencyKeysAreWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, i := range []int{0, 1, MaxAccounts - 1} {
		for visit := 1; visit <= 3; visit++ {
			k := idempotencyKey("0a1b2c3d", i, visit)
			inner := strings.Trim(k, `"`)
			if len(k) != len(inner)+2 || len(inner) < 8 || len(inner) > 255 || strings.ContainsAny(inner, "\" ") {
				t.Errorf("key %s is not an sf-string of 8–255 characters", k)
			}
			if seen[k] {
				t.Errorf("key %s twice", k)
			}
			seen[k] = true
		}
	}
}
