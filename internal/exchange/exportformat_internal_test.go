package exchange

import (
	"testing"

	"kabinet/internal/domain"
)

// The readings' lines write decimals themselves: as Decimal.String does.
func TestAppendDecimalWritesWhatStringDoes(t *testing.T) {
	for _, d := range []domain.Decimal{0, 1, 5, 10, 25, 99, 100, 101, 110, 1234550, 1234505, -1, -10, -150, -12345} {
		if got, want := string(appendDecimal(nil, d)), d.String(); got != want {
			t.Errorf("%d hundredths: %q, want %q", int64(d), got, want)
		}
	}
}
