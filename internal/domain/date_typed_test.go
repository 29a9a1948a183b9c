package domain

import (
	"testing"
	"time"
)

var typedDates = []struct {
	in   string
	want Date
	ok   bool
}{
	{"14.03.1948", Date{1948, time.March, 14}, true},
	{"14.3.1948", Date{1948, time.March, 14}, true},
	{"4.03.1948", Date{1948, time.March, 4}, true},
	{"4.3.1948", Date{1948, time.March, 4}, true},
	{" 14. 3. 1948 ", Date{1948, time.March, 14}, true},
	{"14 . 03 . 1948", Date{1948, time.March, 14}, true},
	{"14/3/1948", Date{1948, time.March, 14}, true},
	{"14-03-1948", Date{1948, time.March, 14}, true},
	{"1948-03-14", Date{1948, time.March, 14}, true},
	{"1948-3-4", Date{1948, time.March, 4}, true},
	{"29.02.1948", Date{1948, time.February, 29}, true},
	{"29.02.1949", Date{}, false},
	{"31.04.1948", Date{}, false},
	{"0.03.1948", Date{}, false},
	{"14.13.1948", Date{}, false},
	{"14.03.48", Date{}, false},
	{"14.03", Date{}, false},
	{"14.03.1948.1", Date{}, false},
	{"14 марта 1948", Date{}, false},
	{"", Date{}, false},
	{"..", Date{}, false},
	{"114.03.1948", Date{}, false},
}

func TestParseTypedDate(t *testing.T) {
	for _, c := range typedDates {
		got, err := ParseTypedDate(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("ParseTypedDate(%q) = %v, %v; want %v, ok %v", c.in, got, err, c.want, c.ok)
		}
	}
}

func FuzzParseTypedDate(f *testing.F) {
	for _, c := range typedDates {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseTypedDate(s)
		if err != nil {
			return
		}
		// A date it accepts is a real day, and reads back the same.
		if d.IsZero() || NewDate(d.Year, d.Month, d.Day) != d {
			t.Fatalf("ParseTypedDate(%q) = %v", s, d)
		}
		if back, err := ParseTypedDate(d.Russian()); err != nil || back != d {
			t.Fatalf("%v written %q reads back as %v, %v", d, d.Russian(), back, err)
		}
	})
}
