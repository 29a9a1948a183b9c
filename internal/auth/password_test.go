package auth

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
)

func TestMain(m *testing.M) {
	UseFastParamsForTests()
	os.Exit(m.Run())
}

// withParams runs f with p as the current parameters. Tests that use it must
// not run in parallel.
func withParams(t *testing.T, p Params, f func()) {
	t.Helper()
	old := CurrentParams()
	current.Store(&p)
	defer current.Store(&old)
	f()
}

func TestDefaultParamsPHCString(t *testing.T) {
	withParams(t, DefaultParams, func() {
		h, err := HashPassword("ёжик в тумане")
		if err != nil {
			t.Fatal(err)
		}
		re := regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)
		if !re.MatchString(h) {
			t.Fatalf("hash %q does not match %s", h, re)
		}
		if ok, err := VerifyPassword(h, "ёжик в тумане"); !ok || err != nil {
			t.Fatalf("VerifyPassword = %v, %v", ok, err)
		}
		if NeedsRehash(h) {
			t.Error("NeedsRehash of a fresh default hash = true")
		}
	})
}

func TestHashVerifyRoundTrip(t *testing.T) {
	long := strings.Repeat("щ", 99) + "а" // 100 Cyrillic characters, 200 bytes
	for _, pw := range []string{
		"correct horse battery staple",
		"три несвязанных слова",
		"  пробелы по краям  ",
		"🐈🐕🌻🍎🚂⛵🎻🍵",
		long,
		"x",
		"",
	} {
		h, err := HashPassword(pw)
		if err != nil {
			t.Fatalf("HashPassword(%q): %v", pw, err)
		}
		ok, err := VerifyPassword(h, pw)
		if !ok || err != nil {
			t.Errorf("VerifyPassword(hash of %q) = %v, %v", pw, ok, err)
		}
	}

	h, err := HashPassword(long)
	if err != nil {
		t.Fatal(err)
	}
	for _, wrong := range []string{
		strings.Repeat("щ", 99) + "б", // differs only in the last character
		strings.Repeat("щ", 99),       // one character short
		long + "а",
		strings.ToUpper(long),
		strings.TrimSpace(" " + long + " ")[:len(long)-1],
	} {
		if ok, err := VerifyPassword(h, wrong); ok || err != nil {
			t.Errorf("VerifyPassword(hash, %q…) = %v, %v; want false, nil", wrong[:min(len(wrong), 10)], ok, err)
		}
	}
	if ok, _ := VerifyPassword(h, " "+long); ok {
		t.Error("a leading space must change the password")
	}
}

func TestHashesAreSalted(t *testing.T) {
	a, _ := HashPassword("одинаковый пароль")
	b, _ := HashPassword("одинаковый пароль")
	if a == b {
		t.Fatal("two hashes of the same password are equal: salt is not random")
	}
}

func TestParamsComeFromTheHash(t *testing.T) {
	fast, err := HashPassword("пароль из тестов")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(fast, "$m=64,t=1,p=1$") {
		t.Fatalf("UseFastParamsForTests not in effect: %q", fast)
	}
	withParams(t, DefaultParams, func() {
		if ok, err := VerifyPassword(fast, "пароль из тестов"); !ok || err != nil {
			t.Errorf("fast hash under default params: %v, %v", ok, err)
		}
		if !NeedsRehash(fast) {
			t.Error("NeedsRehash(fast hash) under default params = false")
		}
	})
	// A hash with other (bounded) parameters, as after raising the defaults.
	withParams(t, Params{Memory: 256, Time: 3, Threads: 2}, func() {
		h, err := HashPassword("другие параметры")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(h, "$m=256,t=3,p=2$") {
			t.Fatalf("unexpected parameters in %q", h)
		}
		UseFastParamsForTests()
		if ok, err := VerifyPassword(h, "другие параметры"); !ok || err != nil {
			t.Errorf("VerifyPassword = %v, %v", ok, err)
		}
	})
}

func TestVerifyMalformed(t *testing.T) {
	good, err := HashPassword("пароль")
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(good, "$")
	salt, key := parts[4], parts[5]
	mk := func(params, s, k string) string { return fmt.Sprintf("$argon2id$v=19$%s$%s$%s", params, s, k) }
	cases := map[string]string{
		"empty":              "",
		"garbage":            "not a hash",
		"dollars only":       "$$$$$",
		"bcrypt":             "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
		"argon2i":            strings.Replace(good, "argon2id", "argon2i", 1),
		"version 16":         strings.Replace(good, "v=19", "v=16", 1),
		"no version":         fmt.Sprintf("$argon2id$m=64,t=1,p=1$%s$%s", salt, key),
		"extra field":        good + "$x",
		"missing hash":       fmt.Sprintf("$argon2id$v=19$m=64,t=1,p=1$%s", salt),
		"params order":       mk("t=1,m=64,p=1", salt, key),
		"params missing":     mk("m=64,t=1", salt, key),
		"params extra":       mk("m=64,t=1,p=1,k=2", salt, key),
		"params negative":    mk("m=-64,t=1,p=1", salt, key),
		"params overflow":    mk("m=99999999999999999999,t=1,p=1", salt, key),
		"params plus sign":   mk("m=+64,t=1,p=1", salt, key),
		"time zero":          mk("m=64,t=0,p=1", salt, key),
		"threads zero":       mk("m=64,t=1,p=0", salt, key),
		"threads 256":        mk("m=4096,t=1,p=256", salt, key),
		"huge memory":        mk("m=4194304,t=1,p=1", salt, key),
		"huge time":          mk("m=64,t=1000000,p=1", salt, key),
		"memory below lanes": mk("m=8,t=1,p=2", salt, key),
		"salt bad base64":    mk("m=64,t=1,p=1", "!!!!", key),
		"salt padded":        mk("m=64,t=1,p=1", salt+"==", key),
		"salt too short":     mk("m=64,t=1,p=1", "AAAA", key),
		"salt empty":         mk("m=64,t=1,p=1", "", key),
		"hash bad base64":    mk("m=64,t=1,p=1", salt, "*"+key[1:]),
		"hash too short":     mk("m=64,t=1,p=1", salt, "AAAAAAAA"),
		"hash too long":      mk("m=64,t=1,p=1", salt, strings.Repeat("A", 200)),
		"hash empty":         mk("m=64,t=1,p=1", salt, ""),
	}
	for name, enc := range cases {
		t.Run(name, func(t *testing.T) {
			ok, err := VerifyPassword(enc, "пароль")
			if ok || !errors.Is(err, ErrMalformedHash) {
				t.Errorf("VerifyPassword(%q) = %v, %v; want false, ErrMalformedHash", enc, ok, err)
			}
			if !NeedsRehash(enc) {
				t.Errorf("NeedsRehash(%q) = false", enc)
			}
		})
	}
}

func TestPasswordTooLongInput(t *testing.T) {
	huge := strings.Repeat("ж", MaxPasswordBytes) // 2 bytes each
	if _, err := HashPassword(huge); !errors.Is(err, ErrPasswordTooLong) {
		t.Errorf("HashPassword(huge) error = %v, want ErrPasswordTooLong", err)
	}
	h, _ := HashPassword("пароль")
	if ok, err := VerifyPassword(h, huge); ok || err != nil {
		t.Errorf("VerifyPassword(h, huge) = %v, %v; want false, nil", ok, err)
	}
	// 128 characters of four bytes each is within the limit.
	longest := strings.Repeat("🐈", 128)
	h, err := HashPassword(longest)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := VerifyPassword(h, longest); !ok || err != nil {
		t.Errorf("128 emoji: %v, %v", ok, err)
	}
}

func TestBurnVerify(t *testing.T) {
	d := dummyHash()
	if NeedsRehash(d) {
		t.Fatalf("dummy hash %q is not a well-formed hash with the current parameters", d)
	}
	BurnVerify("что угодно")
	BurnVerify("")
	BurnVerify(strings.Repeat("x", 10*MaxPasswordBytes))
	withParams(t, DefaultParams, func() {
		if !strings.Contains(dummyHash(), "$m=19456,t=2,p=1$") {
			t.Errorf("dummy hash does not follow the current parameters: %q", dummyHash())
		}
	})
}
