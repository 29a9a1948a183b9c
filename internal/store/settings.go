package store

import (
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Setting returns a small stored value (portal URL, profile kind, last
// customer, …); ok is false when it was never set.
func (s *Store) Setting(key string) (string, bool, error) {
	var value string
	var ok bool
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSettings)
		if b == nil || key == "" {
			return nil
		}
		v := b.Get([]byte(key))
		if v == nil {
			return nil
		}
		ok = true
		return decodeValue(v, &value)
	})
	if err != nil {
		return "", false, fmt.Errorf("store: setting %q: %w", key, err)
	}
	return value, ok, nil
}

// SetSetting stores a small value under key.
func (s *Store) SetSetting(key, value string) error {
	if key == "" {
		return errors.New("store: empty setting name")
	}
	v, err := encodeValue(value)
	if err != nil {
		return err
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketSettings)
		if err != nil {
			return err
		}
		return b.Put([]byte(key), v)
	})
	if err != nil {
		return fmt.Errorf("store: set %q: %w", key, err)
	}
	return nil
}
