package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// verifyValuesTx reads every value of every bucket the way the app would:
// checksum, then decode into the type stored at that place of the bucket
// tree (doc.go). It returns the first damaged value's place, without keys
// (they hold customer and account numbers), wrapping ErrCorrupt.
//
// A file at a schema newer than this build is not judged: its values may
// have a shape this build does not know, and Open refuses it unchanged. A
// file older than checksumSchema has plain values (format 1), which are
// only decoded; the migration at Open seals them.
func verifyValuesTx(tx *bolt.Tx) error {
	schema, err := storedSchema(tx)
	if err != nil {
		return err
	}
	if schema > schemaVersion {
		return nil
	}
	legacy := schema < checksumSchema
	return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
		return verifyBucket(b, []string{string(name)}, legacy)
	})
}

// verifyBucket checks b's values and the buckets inside it; where is the
// path of bucket names from the root.
func verifyBucket(b *bolt.Bucket, where []string, legacy bool) error {
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if v == nil {
			nb := b.Bucket(k)
			if nb == nil {
				return fmt.Errorf("%s: a nested bucket that cannot be opened: %w", where[0], ErrCorrupt)
			}
			if err := verifyBucket(nb, append(where, string(k)), legacy); err != nil {
				return err
			}
			continue
		}
		if err := verifyValue(where, k, v, legacy); err != nil {
			return err
		}
	}
	return nil
}

// verifyValue decodes one value by its place in the tree.
func verifyValue(where []string, k, v []byte, legacy bool) error {
	var target any
	switch {
	case where[0] == string(bucketMeta):
		if bytes.Equal(k, keySchema) || bytes.Equal(k, keySchemaSum) {
			return nil // raw, checked by storedSchema
		}
		target = new(json.RawMessage)
	case where[0] == string(bucketSettings) && len(where) == 1:
		target = new(string)
	case where[0] == string(bucketProfiles) && len(where) == 2 && bytes.Equal(k, keyAccounts):
		target = new(accountsRecord)
	case where[0] == string(bucketProfiles) && len(where) == 3 && where[2] == string(bucketDocuments):
		target = new(CachedDocument)
	case where[0] == string(bucketProfiles) && len(where) == 3 && where[2] == string(bucketFetched):
		target = new(time.Time)
	case where[0] == string(bucketPublic) && len(where) == 2:
		target = new(publicRecord)
	case where[0] == string(bucketOutbox) && len(where) == 1:
		if len(k) != 8 {
			return fmt.Errorf("outbox key of %d bytes: %w", len(k), ErrCorrupt)
		}
		if legacy {
			var it OutboxItem
			if err := decodePlain(v, &it); err != nil {
				return fmt.Errorf("outbox item %d: %w", itemID(k), err)
			}
			v, _ = encodeValue(it) // so that decodeItem judges kind and state
		}
		if _, err := decodeItem(v); err != nil {
			return fmt.Errorf("outbox item %d: %w", itemID(k), err)
		}
		return nil
	default:
		target = new(json.RawMessage) // a value this build does not use
	}
	var err error
	if legacy {
		err = decodePlain(v, target)
	} else {
		err = decodeValue(v, target)
	}
	if err != nil {
		return fmt.Errorf("a value in %s: %w", where[0], err)
	}
	return nil
}

// decodePlain decodes a value of format 1 (schema 1: no checksum).
func decodePlain(b []byte, v any) error {
	if len(b) == 0 || b[0] != valueFormatPlain {
		return fmt.Errorf("not a plain value: %w", ErrCorrupt)
	}
	if err := json.Unmarshal(b[1:], v); err != nil {
		return fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	return nil
}

func itemID(k []byte) uint64 {
	var id uint64
	for _, c := range k {
		id = id<<8 | uint64(c)
	}
	return id
}

// verifyValues reads every value of the open store as Check does, for an
// OpenChecked that has no child process to check the file in.
func (s *Store) verifyValues() error {
	err := s.db.View(verifyValuesTx)
	if err != nil && !errors.Is(err, ErrCorrupt) {
		return fmt.Errorf("store: verify: %w", err)
	}
	return err
}
