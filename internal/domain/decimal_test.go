package domain_test

import (
	"encoding/json"
	"math/big"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"kabinet/internal/domain"
)

const nnbsp = "\u202f" // narrow no-break space, the Russian thousands separator

func TestDecimalString(t *testing.T) {
	tests := []struct {
		d    domain.Decimal
		want string
	}{
		{0, "0"},
		{domain.DecimalFromInt(12345), "12345"},
		{1234550, "12345.5"},
		{1234505, "12345.05"},
		{25, "0.25"},
		{5, "0.05"},
		{10, "0.1"},
		{100, "1"},
		{-1250, "-12.5"},
		{-5, "-0.05"},
		{domain.DecimalFromInt(123456789012), "123456789012"},
	}
	for _, tt := range tests {
		if got := tt.d.String(); got != tt.want {
			t.Errorf("Decimal(%d).String() = %q, want %q", int64(tt.d), got, tt.want)
		}
	}
}

func TestDecimalWhole(t *testing.T) {
	for _, tt := range []struct {
		d    domain.Decimal
		want int64
	}{{1234599, 12345}, {99, 0}, {-150, -1}, {domain.DecimalFromInt(7), 7}} {
		if got := tt.d.Whole(); got != tt.want {
			t.Errorf("Decimal(%d).Whole() = %d, want %d", int64(tt.d), got, tt.want)
		}
	}
}

func TestDecimalFormat(t *testing.T) {
	tests := []struct {
		d    domain.Decimal
		frac int
		want string
	}{
		{0, 0, "0"},
		{domain.DecimalFromInt(999), 0, "999"},
		{domain.DecimalFromInt(1234), 0, "1234"}, // four digits stay together
		{domain.DecimalFromInt(9999), 0, "9999"},
		{domain.DecimalFromInt(10000), 0, "10" + nnbsp + "000"},
		{domain.DecimalFromInt(12345), 0, "12" + nnbsp + "345"},
		{domain.DecimalFromInt(123456), 0, "123" + nnbsp + "456"},
		{domain.DecimalFromInt(1000000), 0, "1" + nnbsp + "000" + nnbsp + "000"},
		{domain.DecimalFromInt(123456789012), 0, "123" + nnbsp + "456" + nnbsp + "789" + nnbsp + "012"},
		{1234550, 1, "12" + nnbsp + "345,5"},
		{1234550, 2, "12" + nnbsp + "345,50"},
		{1234500, 1, "12" + nnbsp + "345,0"},
		{123405, 2, "1234,05"},
		{5, 2, "0,05"},
		// Fewer digits than the value has round half up: a consumption of
		// 12 345,67 kWh shown whole is 12 346. (Register values never have
		// more fraction digits than their meter shows: ParseReading refuses
		// them.)
		{1234567, 1, "12" + nnbsp + "345,7"},
		{1234567, 0, "12" + nnbsp + "346"},
		{1234549, 0, "12" + nnbsp + "345"},
		{-1234567, 0, "−12" + nnbsp + "346"},
		{-1234550, 1, "−12" + nnbsp + "345,5"},
		{-5000, 2, "−50,00"},
	}
	for _, tt := range tests {
		if got := tt.d.Format(tt.frac); got != tt.want {
			t.Errorf("Decimal(%d).Format(%d) = %q, want %q", int64(tt.d), tt.frac, got, tt.want)
		}
	}
}

// TestDecimalFormatGroupsProperty checks the grouping of random numbers
// against the rule itself: the digits are unchanged; numbers of up to four
// digits are not split; longer ones are split into threes from the right.
func TestDecimalFormatGroupsProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 5000 {
		whole := rng.Int64N(1_000_000_000_000)
		if rng.IntN(3) == 0 {
			whole = rng.Int64N(100_000)
		}
		got := domain.DecimalFromInt(whole).Format(0)
		digits := strconv.FormatInt(whole, 10)
		if strings.ReplaceAll(got, nnbsp, "") != digits {
			t.Fatalf("Format(%d) = %q: digits changed", whole, got)
		}
		groups := strings.Split(got, nnbsp)
		if len(digits) <= 4 {
			if len(groups) != 1 {
				t.Fatalf("Format(%d) = %q: a number of %d digits must not be split", whole, got, len(digits))
			}
			continue
		}
		if l := len(groups[0]); l < 1 || l > 3 {
			t.Fatalf("Format(%d) = %q: first group has %d digits", whole, got, l)
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				t.Fatalf("Format(%d) = %q: group %q is not three digits", whole, got, g)
			}
		}
	}
}

func TestDecimalJSON(t *testing.T) {
	type doc struct {
		V domain.Decimal `json:"v"`
	}
	b, err := json.Marshal(doc{V: 1234550})
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"v":"12345.5"}` {
		t.Errorf("Marshal = %s, want a JSON string", b)
	}

	for in, want := range map[string]domain.Decimal{
		`{"v":"12345.5"}`: 1234550,
		`{"v":"12345,5"}`: 1234550,
		`{"v":"-3"}`:      -300,
		`{"v":"0.05"}`:    5,
		`{"v":"7"}`:       700,
	} {
		var d doc
		if err := json.Unmarshal([]byte(in), &d); err != nil {
			t.Errorf("Unmarshal(%s): %v", in, err)
		} else if d.V != want {
			t.Errorf("Unmarshal(%s) = %d, want %d", in, int64(d.V), int64(want))
		}
	}
	for _, in := range []string{`{"v":12345.5}`, `{"v":"abc"}`, `{"v":"1.234"}`, `{"v":""}`, `{"v":true}`} {
		var d doc
		if err := json.Unmarshal([]byte(in), &d); err == nil {
			t.Errorf("Unmarshal(%s) = %d, want an error", in, int64(d.V))
		}
	}

	rng := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		v := domain.Decimal(rng.Int64N(2_000_000_000_000) - 1_000_000_000_000)
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var back domain.Decimal
		if err := json.Unmarshal(b, &back); err != nil || back != v {
			t.Fatalf("round trip of %d via %s = %d, %v", int64(v), b, int64(back), err)
		}
	}
}

func TestParseDecimal(t *testing.T) {
	for in, want := range map[string]domain.Decimal{
		"-12.5": -1250,
		"3":     300,
		"0.05":  5,
		"0.5":   50,
		"1,5":   150,
		"007":   700,
		"-0":    0,
		"12345": 1234500,
	} {
		got, err := domain.ParseDecimal(in)
		if err != nil || got != want {
			t.Errorf("ParseDecimal(%q) = %d, %v; want %d", in, int64(got), err, int64(want))
		}
	}
	for _, in := range []string{
		"", "-", ".", ".5", "abc", "1.2.3", "1.234", "+1", " 1", "1 ", "1e3",
		"--1", "1-", "１", "0x10", "1_000", "NaN", "1234567890123456",
	} {
		if got, err := domain.ParseDecimal(in); err == nil {
			t.Errorf("ParseDecimal(%q) = %d, want an error", in, int64(got))
		}
	}
}

func TestKopecksString(t *testing.T) {
	tests := []struct {
		k    domain.Kopecks
		want string
	}{
		{0, "0,00 ₽"},
		{5, "0,05 ₽"},
		{100, "1,00 ₽"},
		{99999, "999,99 ₽"},
		{123456, "1" + nnbsp + "234,56 ₽"},
		{1234567, "12" + nnbsp + "345,67 ₽"},
		{12345678, "123" + nnbsp + "456,78 ₽"},
		{100000000, "1" + nnbsp + "000" + nnbsp + "000,00 ₽"},
		{-5000, "−50,00 ₽"},
		{-123456, "−1" + nnbsp + "234,56 ₽"},
		{-1, "−0,01 ₽"},
		{domain.Rubles(12), "12,00 ₽"},
	}
	for _, tt := range tests {
		if got := tt.k.String(); got != tt.want {
			t.Errorf("Kopecks(%d).String() = %q, want %q", int64(tt.k), got, tt.want)
		}
	}
}

func TestKopecksPlain(t *testing.T) {
	tests := []struct {
		k    domain.Kopecks
		want string
	}{
		{0, "0.00"},
		{5, "0.05"},
		{123456, "1234.56"},
		{100000000, "1000000.00"},
		{-5, "-0.05"},
		{-123456, "-1234.56"},
		{domain.Rubles(7), "7.00"},
	}
	for _, tt := range tests {
		if got := tt.k.Plain(); got != tt.want {
			t.Errorf("Kopecks(%d).Plain() = %q, want %q", int64(tt.k), got, tt.want)
		}
	}
	// Plain is what a payment code carries: it must read back exactly.
	rng := rand.New(rand.NewPCG(5, 6))
	for range 2000 {
		k := domain.Kopecks(rng.Int64N(2_000_000_000) - 1_000_000_000)
		d, err := domain.ParseDecimal(k.Plain())
		if err != nil || int64(d) != int64(k) {
			t.Fatalf("Plain(%d) = %q reads back as %d, %v", int64(k), k.Plain(), int64(d), err)
		}
	}
}

// costRef is volume (in hundredths) times price (kopecks per unit) rounded to
// the kopeck, halves away from zero, computed with exact fractions.
func costRef(volume, price int64) int64 {
	r := new(big.Rat).Mul(big.NewRat(volume, 100), big.NewRat(price, 1))
	neg := r.Sign() < 0
	r.Abs(r)
	r.Add(r, big.NewRat(1, 2))
	q := new(big.Int).Quo(r.Num(), r.Denom())
	if neg {
		q.Neg(q)
	}
	return q.Int64()
}

func TestCost(t *testing.T) {
	tests := []struct {
		volume domain.Decimal
		price  domain.Kopecks
		want   domain.Kopecks
	}{
		// 123.45 kWh × 5.83 ₽ = 719.7135 ₽ = 71 971.35 kop.
		{12345, 583, 71971},
		// 0.01 kWh × 50 kop = 0.5 kop: a half rounds up.
		{1, 50, 1},
		{1, 49, 0},
		{3, 50, 2},
		{domain.DecimalFromInt(100), 583, 58300},
		{0, 583, 0},
		{12345, 0, 0},
		// A recalculation may be negative; halves round away from zero.
		{-1, 50, -1},
		{-12345, 583, -71971},
	}
	for _, tt := range tests {
		if ref := costRef(int64(tt.volume), int64(tt.price)); ref != int64(tt.want) {
			t.Fatalf("test table is wrong: %v × %d = %d by the reference", tt.volume, tt.price, ref)
		}
		if got := domain.Cost(tt.volume, tt.price); got != tt.want {
			t.Errorf("Cost(%v, %d) = %d, want %d", tt.volume, tt.price, int64(got), int64(tt.want))
		}
	}
	rng := rand.New(rand.NewPCG(7, 8))
	for range 5000 {
		v := rng.Int64N(2_000_000_00) - 1_000_000_00 // ±1 000 000 kWh
		p := rng.Int64N(5000)
		if got, want := domain.Cost(domain.Decimal(v), domain.Kopecks(p)), costRef(v, p); int64(got) != want {
			t.Fatalf("Cost(%d hundredths, %d) = %d, want %d", v, p, int64(got), want)
		}
	}
}
