package store

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"fmt"
)

// valueFormat is the first byte of every stored value. A migration that
// changes a value's shape bumps it, so old and new values can be told apart.
const valueFormat byte = 1

// encodeValue returns valueFormat followed by v as JSON.
func encodeValue(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("store: encode: %w", err)
	}
	out := make([]byte, 0, len(b)+1)
	out = append(out, valueFormat)
	return append(out, b...), nil
}

// decodeValue decodes a value written by encodeValue into v. It copies
// everything out of b, so b may point into bbolt's memory map. Anything
// unexpected is an error wrapping ErrCorrupt.
func decodeValue(b []byte, v any) error {
	if len(b) == 0 {
		return fmt.Errorf("empty value: %w", ErrCorrupt)
	}
	if b[0] != valueFormat {
		return fmt.Errorf("value format %d: %w", b[0], ErrCorrupt)
	}
	if err := json.Unmarshal(b[1:], v); err != nil {
		return fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	return nil
}

// itemKey is an outbox item's key: its ID big-endian, so keys sort as IDs.
func itemKey(id uint64) []byte { return binary.BigEndian.AppendUint64(nil, id) }

// newIdempotencyKey returns a random UUID version 4, the form the
// Idempotency-Key draft recommends.
func newIdempotencyKey() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails since Go 1.24
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
