package payments

import (
	"fmt"
	"strconv"
	"strings"

	"kabinet/internal/domain"
)

// FormatAmount writes k the way ЮKassa's amount.value wants it: "1234.56".
func FormatAmount(k domain.Kopecks) string { return k.Plain() }

// maxAmountDigits bounds the rubles part so that kopecks fit in int64 with
// room to spare; no payment comes near it.
const maxAmountDigits = 13

// ParseAmount reads ЮKassa's amount.value ("1234.56", "1", "0.5") as
// kopecks, exactly. A sign, an exponent, spaces, a comma or more than two
// decimals are refused: money read loosely is money read wrong.
func ParseAmount(s string) (domain.Kopecks, error) {
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" || len(whole) > maxAmountDigits || !domain.IsDigits(whole) ||
		(hasDot && (frac == "" || len(frac) > 2 || !domain.IsDigits(frac))) {
		return 0, fmt.Errorf("payments: bad amount %q", s)
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("payments: bad amount %q", s)
	}
	f := int64(0)
	if frac != "" {
		f, _ = strconv.ParseInt((frac + "0")[:2], 10, 64)
	}
	return domain.Kopecks(w*100 + f), nil
}
