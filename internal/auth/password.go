// Package auth holds the portal's credential primitives: argon2id password
// hashes in PHC string format, random session and recovery tokens, temporary
// passwords that an elderly customer can read from a phone screen, and the
// in-memory throttles that slow down password guessing without locking anyone
// out for good.
//
// Nothing here talks to the database or the network; the API layer decides
// what to key a throttle by and where a hash is stored.
package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes over the memory
	Threads uint8
}

// DefaultParams are the OWASP and ASVS 5.0 minimum for argon2id (19 MiB, two
// passes, one lane): about 20–50 ms per login on a server core, which an
// attacker with a stolen table pays for every guess.
var DefaultParams = Params{Memory: 19456, Time: 2, Threads: 1}

// fastParams keep test suites quick; hashes made with them still verify later
// because VerifyPassword reads the parameters from the hash itself.
var fastParams = Params{Memory: 64, Time: 1, Threads: 1}

var current atomic.Pointer[Params]

func init() {
	p := DefaultParams
	current.Store(&p)
}

// CurrentParams returns the parameters HashPassword uses for new hashes.
func CurrentParams() Params { return *current.Load() }

// UseFastParamsForTests makes HashPassword (and BurnVerify) use tiny argon2id
// parameters. It is meant for tests, including tests of other packages that
// create many customers; call it from TestMain or at the start of a test. It
// never belongs in production code: such hashes are cheap to crack.
func UseFastParamsForTests() {
	p := fastParams
	current.Store(&p)
}

// Limits on parameters read from a stored hash. A corrupted or malicious
// row must not make a single login allocate gigabytes or spin for minutes;
// the bounds leave room to raise DefaultParams several times over.
const (
	maxMemory  = 256 * 1024 // KiB
	maxTime    = 16
	maxThreads = 16
	minSaltLen = 8
	maxSaltLen = 64
	minKeyLen  = 16
	maxKeyLen  = 64
	saltLen    = 16
	keyLen     = 32
)

// MaxPasswordBytes bounds the password input. The domain policy allows 128
// characters (at most 512 bytes in UTF-8); the cap only stops a client from
// making the server hash megabytes.
const MaxPasswordBytes = 1024

// Errors returned by this file's functions.
var (
	// ErrMalformedHash means a stored hash cannot be parsed or has
	// parameters outside the accepted bounds. Errors wrap it with detail.
	ErrMalformedHash = errors.New("auth: malformed password hash")
	// ErrPasswordTooLong means the password exceeds MaxPasswordBytes.
	ErrPasswordTooLong = errors.New("auth: password too long")
)

// HashPassword hashes password with argon2id and CurrentParams and returns a
// PHC string: $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>, both parts in
// unpadded standard base64. The salt is 16 random bytes, the hash 32 bytes.
// The password is hashed exactly as given, with no trimming or truncation.
func HashPassword(password string) (string, error) {
	if len(password) > MaxPasswordBytes {
		return "", ErrPasswordTooLong
	}
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: reading random salt: %w", err)
	}
	p := CurrentParams()
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, keyLen)
	return encodePHC(p, salt, key), nil
}

func encodePHC(p Params, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads,
		base64.RawStdEncoding.EncodeToString(salt),
		base64.RawStdEncoding.EncodeToString(key))
}

type phc struct {
	params    Params
	salt, key []byte
}

func parsePHC(encoded string) (phc, error) {
	var h phc
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" {
		return h, fmt.Errorf("%w: want 5 fields separated by $", ErrMalformedHash)
	}
	if parts[1] != "argon2id" {
		return h, fmt.Errorf("%w: algorithm %.20q is not argon2id", ErrMalformedHash, parts[1])
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return h, fmt.Errorf("%w: unsupported version %.20q", ErrMalformedHash, parts[2])
	}
	kv := strings.Split(parts[3], ",")
	if len(kv) != 3 {
		return h, fmt.Errorf("%w: want parameters m=,t=,p=", ErrMalformedHash)
	}
	var vals [3]uint64
	for i, name := range []string{"m", "t", "p"} {
		v, ok := strings.CutPrefix(kv[i], name+"=")
		if !ok {
			return h, fmt.Errorf("%w: want parameter %s= in position %d", ErrMalformedHash, name, i+1)
		}
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return h, fmt.Errorf("%w: parameter %s: %w", ErrMalformedHash, name, err)
		}
		vals[i] = n
	}
	m, t, p := vals[0], vals[1], vals[2]
	if t < 1 || t > maxTime || p < 1 || p > maxThreads || m < 8*p || m > maxMemory {
		return h, fmt.Errorf("%w: parameters m=%d,t=%d,p=%d out of bounds", ErrMalformedHash, m, t, p)
	}
	h.params = Params{Memory: uint32(m), Time: uint32(t), Threads: uint8(p)}
	var err error
	if h.salt, err = base64.RawStdEncoding.Strict().DecodeString(parts[4]); err != nil {
		return h, fmt.Errorf("%w: salt: %w", ErrMalformedHash, err)
	}
	if len(h.salt) < minSaltLen || len(h.salt) > maxSaltLen {
		return h, fmt.Errorf("%w: salt of %d bytes", ErrMalformedHash, len(h.salt))
	}
	if h.key, err = base64.RawStdEncoding.Strict().DecodeString(parts[5]); err != nil {
		return h, fmt.Errorf("%w: hash: %w", ErrMalformedHash, err)
	}
	if len(h.key) < minKeyLen || len(h.key) > maxKeyLen {
		return h, fmt.Errorf("%w: hash of %d bytes", ErrMalformedHash, len(h.key))
	}
	return h, nil
}

// VerifyPassword reports whether password matches the PHC string encoded.
// The cost parameters come from encoded, so hashes made before a change of
// DefaultParams keep working (see NeedsRehash). A wrong password is
// (false, nil); a hash that cannot be parsed is (false, error wrapping
// ErrMalformedHash), never a panic. The comparison takes constant time.
func VerifyPassword(encoded, password string) (ok bool, err error) {
	h, err := parsePHC(encoded)
	if err != nil {
		return false, err
	}
	if len(password) > MaxPasswordBytes {
		// No account has such a password; skip the work it would cost.
		return false, nil
	}
	key := argon2.IDKey([]byte(password), h.salt, h.params.Time, h.params.Memory, h.params.Threads, uint32(len(h.key)))
	return subtle.ConstantTimeCompare(key, h.key) == 1, nil
}

// NeedsRehash reports whether encoded was made with parameters other than
// CurrentParams (or cannot be parsed), so that the caller can store a fresh
// hash after a successful login.
func NeedsRehash(encoded string) bool {
	h, err := parsePHC(encoded)
	return err != nil || h.params != CurrentParams() || len(h.salt) != saltLen || len(h.key) != keyLen
}

var dummy struct {
	once      sync.Once
	salt, key []byte
}

// dummyHash is a well-formed hash with the current parameters that no
// password matches in practice. Its salt and key are drawn once; the string
// is rebuilt on each call so that it follows UseFastParamsForTests.
func dummyHash() string {
	dummy.once.Do(func() {
		b := make([]byte, saltLen+keyLen)
		_, _ = rand.Read(b) // crypto/rand.Read does not fail since Go 1.24
		dummy.salt, dummy.key = b[:saltLen], b[saltLen:]
	})
	return encodePHC(CurrentParams(), dummy.salt, dummy.key)
}

// BurnVerify does the work of one VerifyPassword against a hash with the
// current parameters and throws the result away. Call it when the customer
// number is unknown, so that the answer takes as long as a wrong password for
// a real account and does not tell which accounts exist (ASVS 6.3.8).
func BurnVerify(password string) {
	_, _ = VerifyPassword(dummyHash(), password)
}
