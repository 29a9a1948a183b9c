package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
)

// tokenBytes gives 256 bits, well above ASVS 7.2.3's 128.
const tokenBytes = 32

// NewToken returns a fresh random token for a session or a recovery link,
// 43 characters of unpadded base64url, and its SHA-256. Store only the hash:
// a leaked table of hashes lets nobody in, and a token this long needs no
// salt or slow hash.
func NewToken() (token string, hash [32]byte, err error) {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", hash, fmt.Errorf("auth: reading random token: %w", err)
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token), nil
}

// HashToken returns the SHA-256 of token, the form in which tokens are
// stored and looked up.
func HashToken(token string) [32]byte {
	return sha256.Sum256([]byte(token))
}

// TemporaryPasswordAlphabet holds the characters of temporary passwords:
// digits 2–9 and lower-case Latin letters without l, o and i, which are
// easily confused with 1 and 0 on a small screen or when read out over the
// phone.
const TemporaryPasswordAlphabet = "23456789abcdefghjkmnpqrstuvwxyz"

// TemporaryPasswordLength is the length of temporary passwords: 10
// characters of a 31-letter alphabet give about 49 bits, plenty for a secret
// that is rate-limited and must be changed at the first login.
const TemporaryPasswordLength = 10

// GenerateTemporaryPassword returns a random password to be sent by SMS or
// read out by the contact centre.
func GenerateTemporaryPassword() (string, error) {
	const n = len(TemporaryPasswordAlphabet)
	// Bytes at or above the largest multiple of n are discarded, so that
	// every character is equally likely (no modulo bias).
	const limit = 256 - 256%n
	out := make([]byte, 0, TemporaryPasswordLength)
	buf := make([]byte, 2*TemporaryPasswordLength)
	for len(out) < TemporaryPasswordLength {
		if _, err := rand.Read(buf); err != nil {
			return "", fmt.Errorf("auth: reading random bytes: %w", err)
		}
		for _, b := range buf {
			if int(b) >= limit {
				continue
			}
			out = append(out, TemporaryPasswordAlphabet[int(b)%n])
			if len(out) == TemporaryPasswordLength {
				break
			}
		}
	}
	return string(out), nil
}
