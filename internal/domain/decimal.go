package domain

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// DecimalScale is how many hundredths make one unit of a Decimal.
const DecimalScale = 100

// Decimal is a fixed-point number with two fraction digits, stored as an
// integer count of hundredths. Meter registers, energy volumes and areas use
// it; it travels in JSON as a string («12345.5») so nothing rounds it on the
// way.
type Decimal int64

// DecimalFromInt returns n whole units.
func DecimalFromInt(n int64) Decimal { return Decimal(n * DecimalScale) }

// Whole returns the integer part (truncated towards zero).
func (d Decimal) Whole() int64 { return int64(d) / DecimalScale }

// String formats d with a dot and without trailing fraction zeros: «12345»,
// «12345.5», «0.25».
func (d Decimal) String() string {
	neg := d < 0
	v := int64(d)
	if neg {
		v = -v
	}
	s := strconv.FormatInt(v/DecimalScale, 10)
	if f := v % DecimalScale; f != 0 {
		s += strings.TrimRight(fmt.Sprintf(".%02d", f), "0")
	}
	if neg {
		s = "-" + s
	}
	return s
}

// Format formats d for a person, rounded half up to exactly frac (0–2)
// fraction digits, with a comma and
// thin groups of thousands («12 345,5»).
func (d Decimal) Format(frac int) string {
	neg := d < 0
	v := int64(d)
	if neg {
		v = -v
	}
	frac = max(0, min(frac, 2))
	// Round half up to frac digits: «155,5» kWh shown whole is «156».
	if unit := int64([]int{100, 10, 1}[frac]); unit > 1 {
		v = (v + unit/2) / unit * unit
	}
	s := groupThousands(strconv.FormatInt(v/DecimalScale, 10))
	if frac > 0 {
		f := fmt.Sprintf("%02d", v%DecimalScale)
		if frac < 2 {
			f = f[:frac]
		}
		s += "," + f
	}
	if neg {
		s = "−" + s
	}
	return s
}

// MarshalJSON writes d as a JSON string.
func (d Decimal) MarshalJSON() ([]byte, error) { return quoted(d.String()), nil }

// quoted wraps s, which holds only digits, signs, dots and dashes, in JSON
// quotes: the account document has thousands of such values and going
// through json.Marshal for each is a quarter of the time it takes to send.
func quoted(s string) []byte {
	b := make([]byte, 0, len(s)+2)
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// UnmarshalJSON reads a JSON string written by MarshalJSON. It is lenient
// only about a comma separator; it is not the parser for what people type,
// which is ParseReading.
func (d *Decimal) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("decimal: %w", err)
	}
	v, err := ParseDecimal(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// ParseDecimal parses a machine-written decimal such as «-12.5» or «3».
func ParseDecimal(s string) (Decimal, error) {
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	whole, frac, _ := strings.Cut(strings.Replace(s, ",", ".", 1), ".")
	if whole == "" || len(frac) > 2 || len(whole) > 15 || !IsDigits(whole) || (frac != "" && !IsDigits(frac)) {
		return 0, fmt.Errorf("decimal: bad value %q", s)
	}
	w, _ := strconv.ParseInt(whole, 10, 64)
	f := int64(0)
	if frac != "" {
		f, _ = strconv.ParseInt((frac + "0")[:2], 10, 64)
	}
	v := Decimal(w*DecimalScale + f)
	if neg {
		v = -v
	}
	return v, nil
}

// groupThousands puts a narrow no-break space between groups of three
// digits, the Russian way of writing 12 345.
func groupThousands(digits string) string {
	if len(digits) <= 4 {
		return digits
	}
	return groupDigits(digits)
}

// groupDigits puts a narrow no-break space between every group of three
// digits, four-digit numbers included, as amounts of money are written.
func groupDigits(digits string) string {
	var b strings.Builder
	first := len(digits) % 3
	if first > 0 {
		b.WriteString(digits[:first])
	}
	for i := first; i < len(digits); i += 3 {
		if b.Len() > 0 {
			b.WriteString("\u202f")
		}
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}

// Kopecks is an amount of money in kopecks. Positive and negative amounts
// both occur (a recalculation may reduce a bill).
type Kopecks int64

// Rubles returns a whole number of rubles as Kopecks.
func Rubles(r int64) Kopecks { return Kopecks(r * 100) }

// String formats k for a person: «1 234,56 ₽», «−50,00 ₽».
func (k Kopecks) String() string {
	v := int64(k)
	sign := ""
	if v < 0 {
		v, sign = -v, "−"
	}
	return fmt.Sprintf("%s%s,%02d ₽", sign, groupDigits(strconv.FormatInt(v/100, 10)), v%100)
}

// Plain formats k for documents and payment codes: «1234.56».
func (k Kopecks) Plain() string {
	neg := k < 0
	v := int64(k)
	if neg {
		v = -v
	}
	s := fmt.Sprintf("%d.%02d", v/100, v%100)
	if neg {
		s = "-" + s
	}
	return s
}

// mulDivRound returns a·b/c rounded half away from zero; c > 0.
func mulDivRound(a, b, c int64) int64 {
	p := a * b
	if p >= 0 {
		return (p + c/2) / c
	}
	return -((-p + c/2) / c)
}

// Cost returns the price of volume at pricePerUnit kopecks per whole unit,
// rounded to the kopeck.
func Cost(volume Decimal, pricePerUnit Kopecks) Kopecks {
	return Kopecks(mulDivRound(int64(volume), int64(pricePerUnit), DecimalScale))
}
