package auth

import (
	"encoding/base64"
	"strings"
	"testing"
)

func TestNewToken(t *testing.T) {
	seen := make(map[string]bool)
	for range 1000 {
		tok, hash, err := NewToken()
		if err != nil {
			t.Fatal(err)
		}
		if len(tok) != 43 {
			t.Fatalf("token %q has %d characters, want 43", tok, len(tok))
		}
		raw, err := base64.RawURLEncoding.DecodeString(tok)
		if err != nil || len(raw) != 32 {
			t.Fatalf("token %q is not 32 bytes of unpadded base64url: %v", tok, err)
		}
		if hash != HashToken(tok) {
			t.Fatalf("NewToken hash differs from HashToken(%q)", tok)
		}
		if seen[tok] {
			t.Fatalf("token %q repeated", tok)
		}
		seen[tok] = true
	}
	if HashToken("a") == HashToken("b") {
		t.Error("HashToken collides")
	}
}

func TestGenerateTemporaryPassword(t *testing.T) {
	counts := make(map[rune]int)
	seen := make(map[string]bool)
	const n = 3000
	for range n {
		p, err := GenerateTemporaryPassword()
		if err != nil {
			t.Fatal(err)
		}
		if len(p) != TemporaryPasswordLength {
			t.Fatalf("%q has length %d, want %d", p, len(p), TemporaryPasswordLength)
		}
		for _, r := range p {
			if !strings.ContainsRune(TemporaryPasswordAlphabet, r) {
				t.Fatalf("%q contains %q outside the alphabet", p, r)
			}
			counts[r]++
		}
		if seen[p] {
			t.Fatalf("temporary password %q repeated", p)
		}
		seen[p] = true
	}
	if strings.ContainsAny(TemporaryPasswordAlphabet, "01liIoOABCDEFGHJKLMNPQRSTUVWXYZ") {
		t.Errorf("alphabet %q has confusable or upper-case characters", TemporaryPasswordAlphabet)
	}
	if len(TemporaryPasswordAlphabet) != 31 {
		t.Errorf("alphabet has %d characters, want 8 digits + 23 letters", len(TemporaryPasswordAlphabet))
	}
	// Every character should appear about n·10/31 ≈ 968 times; a bias
	// from a modulo or a broken alphabet shows up far outside this band.
	for _, r := range TemporaryPasswordAlphabet {
		if c := counts[r]; c < 750 || c > 1200 {
			t.Errorf("character %q appeared %d times, want about 968", r, c)
		}
	}
}
