package store

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
)

// Value formats: the first byte of every stored value. A migration that
// changes a value's shape bumps it, so old and new values can be told apart.
const (
	// valueFormatPlain (schema 1) is the byte followed by JSON. A flipped
	// digit inside the JSON still decodes, so it is read only by the
	// migration that adds the checksum.
	valueFormatPlain byte = 1
	// valueFormat (schema 2 on) is the byte, the JSON, and a CRC-32C of
	// the byte and the JSON, big-endian: a value whose bytes changed on
	// the disk is found out instead of being read as someone's reading.
	valueFormat byte = 2
)

// checksumSize is the length of a value's trailing CRC-32C.
const checksumSize = 4

// castagnoli is the CRC-32C table (the polynomial with hardware support on
// amd64 and arm64; it also finds every burst error of up to 32 bits).
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// encodeValue returns valueFormat, v as JSON and the checksum.
func encodeValue(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("store: encode: %w", err)
	}
	return sealJSON(b), nil
}

// sealJSON frames JSON bytes as a stored value: format byte, JSON, CRC.
func sealJSON(b []byte) []byte {
	out := make([]byte, 0, 1+len(b)+checksumSize)
	out = append(out, valueFormat)
	out = append(out, b...)
	return binary.BigEndian.AppendUint32(out, crc32.Checksum(out, castagnoli))
}

// openValue returns the JSON of a value written by encodeValue after
// checking its format byte and checksum. The result points into b.
func openValue(b []byte) ([]byte, error) {
	if len(b) == 0 {
		return nil, fmt.Errorf("empty value: %w", ErrCorrupt)
	}
	if b[0] != valueFormat {
		return nil, fmt.Errorf("value format %d: %w", b[0], ErrCorrupt)
	}
	if len(b) < 1+checksumSize {
		return nil, fmt.Errorf("value of %d bytes: %w", len(b), ErrCorrupt)
	}
	body, sum := b[:len(b)-checksumSize], b[len(b)-checksumSize:]
	if crc32.Checksum(body, castagnoli) != binary.BigEndian.Uint32(sum) {
		return nil, fmt.Errorf("value checksum: %w", ErrCorrupt)
	}
	return body[1:], nil
}

// decodeValue decodes a value written by encodeValue into v. It copies
// everything out of b, so b may point into bbolt's memory map. A wrong
// checksum or anything else unexpected is an error wrapping ErrCorrupt.
func decodeValue(b []byte, v any) error {
	body, err := openValue(b)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(body, v); err != nil {
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
