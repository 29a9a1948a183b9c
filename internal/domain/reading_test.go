package domain_test

import (
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"kabinet/internal/domain"
)

// hasCyrillic reports whether s contains a Cyrillic letter: the messages are
// read by people who may not know a word of English.
func hasCyrillic(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Cyrillic, r) {
			return true
		}
	}
	return false
}

// asDomainError fails the test unless err is a *domain.Error with a Russian
// message, and returns it.
func asDomainError(t *testing.T, err error) *domain.Error {
	t.Helper()
	var de *domain.Error
	if !errors.As(err, &de) {
		t.Fatalf("error %v (%T) is not a *domain.Error", err, err)
	}
	if strings.TrimSpace(de.Message) == "" || !hasCyrillic(de.Message) {
		t.Fatalf("error %s has no Russian message: %q", de.Code, de.Message)
	}
	return de
}

// hundredths is the exact value of a decimal string in hundredths, computed
// with math/big rather than by the code under test.
func hundredths(t testing.TB, s string) int64 {
	t.Helper()
	r, ok := new(big.Rat).SetString(strings.Replace(s, ",", ".", 1))
	if !ok {
		t.Fatalf("reference cannot read %q", s)
	}
	r.Mul(r, big.NewRat(100, 1))
	if !r.IsInt() {
		t.Fatalf("%q has more than two fraction digits", s)
	}
	return r.Num().Int64()
}

func TestParseReadingValid(t *testing.T) {
	tests := []struct {
		in       string
		digits   int
		fraction int
		want     string // the value, written the plain way
	}{
		{"12345", 5, 1, "12345"},
		{"12345,6", 5, 1, "12345.6"},
		{"12345.6", 5, 1, "12345.6"},
		{"00123", 5, 1, "123"},       // the register shows leading zeros
		{"000012345", 5, 0, "12345"}, // leading zeros do not count as digits
		{"0", 5, 1, "0"},
		{"0,0", 5, 1, "0"},
		{"00000", 5, 0, "0"},
		{" 12345 ", 5, 1, "12345"},
		{"\t12345\u00a0", 5, 1, "12345"},
		{"99999,99", 5, 2, "99999.99"},
		{"99999,9", 5, 2, "99999.9"},
		{"1,05", 5, 2, "1.05"},
		{"7.5", 6, 2, "7.5"},
		{"1,2", 5, 1, "1.2"},
		{"999999999999", 12, 0, "999999999999"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q/%d/%d", tt.in, tt.digits, tt.fraction), func(t *testing.T) {
			got, err := domain.ParseReading(tt.in, tt.digits, tt.fraction)
			if err != nil {
				t.Fatalf("ParseReading(%q, %d, %d) = error %v, want %s", tt.in, tt.digits, tt.fraction, err, tt.want)
			}
			if want := hundredths(t, tt.want); int64(got) != want {
				t.Errorf("ParseReading(%q) = %d hundredths, want %d", tt.in, int64(got), want)
			}
		})
	}
}

func TestParseReadingCommaAndDotAgree(t *testing.T) {
	for _, pair := range [][2]string{{"12345,6", "12345.6"}, {"0,25", "0.25"}, {"1,05", "1.05"}} {
		a, errA := domain.ParseReading(pair[0], 5, 2)
		b, errB := domain.ParseReading(pair[1], 5, 2)
		if errA != nil || errB != nil || a != b {
			t.Errorf("%q → %v, %v; %q → %v, %v: want the same value", pair[0], a, errA, pair[1], b, errB)
		}
	}
}

func TestParseReadingInvalid(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		digits   int
		fraction int
		want     domain.Code
	}{
		{"empty", "", 5, 1, domain.CodeEmpty},
		{"spaces only", "  ", 5, 1, domain.CodeEmpty},
		{"tab and nbsp only", "\t\u00a0", 5, 1, domain.CodeEmpty},
		{"minus", "-5", 5, 1, domain.CodeNotANumber},
		{"plus", "+5", 5, 1, domain.CodeNotANumber},
		{"exponent", "1e3", 5, 1, domain.CodeNotANumber},
		{"NaN", "NaN", 5, 1, domain.CodeNotANumber},
		{"Inf", "Inf", 5, 1, domain.CodeNotANumber},
		{"hex", "0x10", 5, 1, domain.CodeNotANumber},
		{"underscore", "1_000", 5, 1, domain.CodeNotANumber},
		{"space inside", "12 345", 5, 1, domain.CodeNotANumber},
		{"narrow nbsp inside", "12\u202f345", 5, 1, domain.CodeNotANumber},
		{"two separators", "12,3,4", 5, 1, domain.CodeNotANumber},
		{"comma and dot", "12,3.4", 5, 2, domain.CodeNotANumber},
		{"trailing separator", "12.", 5, 1, domain.CodeNotANumber},
		{"leading separator", ".5", 5, 1, domain.CodeNotANumber},
		{"separator only", ",", 5, 1, domain.CodeNotANumber},
		{"full-width digits", "１２３", 5, 1, domain.CodeNotANumber},
		{"Arabic-Indic digits", "١٢٣", 5, 1, domain.CodeNotANumber},
		{"letter", "12a", 5, 1, domain.CodeNotANumber},
		{"Cyrillic О for zero", "12О45", 5, 1, domain.CodeNotANumber},
		{"newline inside", "12\n345", 5, 1, domain.CodeNotANumber},
		{"too many whole digits", "123456", 5, 1, domain.CodeTooManyDigits},
		{"too many whole digits after zeros", "00123456", 5, 1, domain.CodeTooManyDigits},
		{"too many decimals", "1,25", 5, 1, domain.CodeTooManyDecimals},
		{"decimals on an integer register", "1,5", 5, 0, domain.CodeTooManyDecimals},
		{"three decimals", "1.125", 5, 2, domain.CodeTooManyDecimals},
		{"40 characters", strings.Repeat("1234567890", 4), 5, 1, domain.CodeTooManyDigits},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := domain.ParseReading(tt.in, tt.digits, tt.fraction)
			if err == nil {
				t.Fatalf("ParseReading(%q, %d, %d) = %v, want error %s", tt.in, tt.digits, tt.fraction, got, tt.want)
			}
			de := asDomainError(t, err)
			if de.Code != tt.want {
				t.Errorf("ParseReading(%q, %d, %d): code %s, want %s (%s)", tt.in, tt.digits, tt.fraction, de.Code, tt.want, de.Message)
			}
			if domain.ErrorCode(err) != tt.want {
				t.Errorf("ErrorCode = %q, want %q", domain.ErrorCode(err), tt.want)
			}
		})
	}
}

// TestParseReadingLongInputIsRefused: a pasted paragraph is not a reading,
// whatever it contains.
func TestParseReadingLongInputIsRefused(t *testing.T) {
	for _, in := range []string{
		strings.Repeat("a", 40),
		strings.Repeat("0", 39) + "1",
		strings.Repeat("9", 1000),
	} {
		if v, err := domain.ParseReading(in, 12, 2); err == nil {
			t.Errorf("ParseReading(%d chars) = %v, want an error", len(in), v)
		} else {
			asDomainError(t, err)
		}
	}
}

// TestParseReadingMessagesNameTheRegister: the message tells the person how
// many digits their register has, in correct Russian.
func TestParseReadingMessagesNameTheRegister(t *testing.T) {
	tests := []struct {
		in       string
		digits   int
		fraction int
		want     string
	}{
		{"123456", 5, 1, "5 цифр"},
		{"12345", 4, 1, "4 цифры"},
		{"1,25", 5, 1, "1 цифра"},
		{"1,255", 5, 2, "2 цифры"},
	}
	for _, tt := range tests {
		_, err := domain.ParseReading(tt.in, tt.digits, tt.fraction)
		de := asDomainError(t, err)
		if !strings.Contains(de.Message, tt.want) {
			t.Errorf("ParseReading(%q, %d, %d): message %q does not say %q", tt.in, tt.digits, tt.fraction, de.Message, tt.want)
		}
	}
}

func TestPlural(t *testing.T) {
	tests := []struct {
		n    int
		want string
	}{
		{0, "дней"},
		{1, "день"},
		{2, "дня"},
		{4, "дня"},
		{5, "дней"},
		{11, "дней"},
		{12, "дней"},
		{14, "дней"},
		{21, "день"},
		{22, "дня"},
		{25, "дней"},
		{101, "день"},
		{111, "дней"},
		{112, "дней"},
		{1001, "день"},
		{-1, "день"},
		{-3, "дня"},
	}
	for _, tt := range tests {
		if got := domain.Plural(tt.n, "день", "дня", "дней"); got != tt.want {
			t.Errorf("Plural(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

// readingSpaces are what ParseReading forgives around a value.
const readingSpaces = " \t\u00a0"

func FuzzParseReading(f *testing.F) {
	seeds := []struct {
		s        string
		digits   int
		fraction int
	}{
		{"12345", 5, 1}, {"12345,6", 5, 1}, {"12345.6", 5, 1}, {"00123", 5, 1},
		{" 12345 ", 5, 1}, {"0", 5, 1}, {"99999,99", 5, 2}, {"", 5, 1},
		{"-5", 5, 1}, {"1e3", 5, 1}, {"NaN", 5, 1}, {"12 345", 5, 1},
		{"12,3,4", 5, 1}, {"12.", 5, 1}, {".5", 5, 1}, {"１２３", 5, 1},
		{"١٢٣", 5, 1}, {"123456", 5, 1}, {"1,25", 5, 1}, {"1,5", 5, 0},
		{strings.Repeat("1234567890", 4), 5, 1},
	}
	for _, s := range seeds {
		f.Add(s.s, s.digits, s.fraction)
	}
	f.Fuzz(func(t *testing.T, s string, digits, fraction int) {
		got, err := domain.ParseReading(s, digits, fraction)
		if err != nil {
			var de *domain.Error
			if !errors.As(err, &de) || de.Code == "" || !hasCyrillic(de.Message) {
				t.Fatalf("ParseReading(%q, %d, %d): error %v (%T) is not a *domain.Error with a Russian message", s, digits, fraction, err, err)
			}
			// Every register value a meter can show must be accepted
			// (within reason: a value of a few dozen characters).
			if validRegister(digits, fraction) && len(s) <= 24 && referenceAccepts(s, digits, fraction) {
				t.Fatalf("ParseReading(%q, %d, %d) refused a valid reading: %v", s, digits, fraction, err)
			}
			return
		}
		if got < 0 {
			t.Fatalf("ParseReading(%q, %d, %d) = %v < 0", s, digits, fraction, got)
		}
		if !validRegister(digits, fraction) {
			return // the meter table allows 1–12 whole and 0–2 fraction digits
		}
		if !referenceAccepts(s, digits, fraction) {
			t.Fatalf("ParseReading(%q, %d, %d) = %v, but the input is not a reading of such a register", s, digits, fraction, got)
		}
		if want := hundredths(t, strings.Trim(s, readingSpaces)); int64(got) != want {
			t.Fatalf("ParseReading(%q, %d, %d) = %d hundredths, want %d", s, digits, fraction, int64(got), want)
		}
		for _, again := range []string{got.String(), strings.Replace(got.String(), ".", ",", 1)} {
			v, err := domain.ParseReading(again, digits, fraction)
			if err != nil || v != got {
				t.Fatalf("ParseReading(%q) = %v; re-parsing its String %q gives %v, %v", s, got, again, v, err)
			}
		}
	})
}

func validRegister(digits, fraction int) bool {
	return digits >= 1 && digits <= 12 && fraction >= 0 && fraction <= 2
}

var referenceRE = [3]*regexp.Regexp{
	regexp.MustCompile(`^[0-9]+$`),
	regexp.MustCompile(`^[0-9]+([.,][0-9]{1,1})?$`),
	regexp.MustCompile(`^[0-9]+([.,][0-9]{1,2})?$`),
}

// referenceAccepts is what a valid reading of a register with digits whole
// and fraction fraction digits looks like, written independently of the
// parser.
func referenceAccepts(s string, digits, fraction int) bool {
	s = strings.Trim(s, readingSpaces)
	if !referenceRE[fraction].MatchString(s) {
		return false
	}
	whole := strings.TrimLeft(strings.FieldsFunc(s, func(r rune) bool { return r == '.' || r == ',' })[0], "0")
	return len(whole) <= digits
}
