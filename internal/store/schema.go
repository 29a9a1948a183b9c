package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"

	bolt "go.etcd.io/bbolt"
)

// Bucket and key names. They are written into every user's file, so they
// never change; a rename is a migration.
var (
	bucketMeta      = []byte("meta")
	keySchema       = []byte("schema")
	keySchemaSum    = []byte("schema_sum")
	bucketSettings  = []byte("settings")
	bucketProfiles  = []byte("profiles")
	keyAccounts     = []byte("accounts")
	bucketDocuments = []byte("documents")
	bucketFetched   = []byte("fetched")
	bucketPublic    = []byte("public")
	bucketOutbox    = []byte("outbox")
)

// migration brings a file from version-1 to version. apply runs inside the
// one Update that runs all pending migrations, so a crash leaves the file at
// the old version with none of the migration's changes.
type migration struct {
	version uint32
	name    string
	apply   func(tx *bolt.Tx) error
}

// migrations are applied in order; append only, never edit a published one.
var migrations = []migration{
	{1, "initial buckets", migrateInitial},
	{checksumSchema, "a checksum on every value", migrateChecksums},
	{3, "when each document was fetched, beside it", migrateFetched},
}

// checksumSchema is the first version whose values carry a CRC-32C and whose
// meta/schema has meta/schema_sum beside it.
const checksumSchema = 2

// schemaVersion is the version this build writes.
var schemaVersion = migrations[len(migrations)-1].version

func migrateInitial(tx *bolt.Tx) error {
	for _, name := range [][]byte{bucketMeta, bucketSettings, bucketProfiles, bucketPublic, bucketOutbox} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	return nil
}

// migrateChecksums rewrites every plain value (format 1) of every bucket as
// a checksummed one (format 2). A plain value that is not JSON was damaged
// before it could be sealed: it is left as it is, so the check at the next
// start finds it and the file is rebuilt from the journal, rather than the
// damage being blessed with a valid checksum. The schema value itself stays
// 4 bytes, so that an older build still reads it and refuses the file as
// newer instead of taking it for damaged.
func migrateChecksums(tx *bolt.Tx) error {
	return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
		if bytes.Equal(name, bucketMeta) {
			return nil
		}
		return sealBucket(b)
	})
}

// sealBucket seals the plain values of b and of the buckets inside it. The
// changes are collected first: bbolt forbids a Put while a cursor walks.
func sealBucket(b *bolt.Bucket) error {
	type change struct{ k, v []byte }
	var changes []change
	var nested [][]byte
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		switch {
		case v == nil:
			nested = append(nested, bytes.Clone(k))
		case len(v) > 0 && v[0] == valueFormatPlain && json.Valid(v[1:]):
			changes = append(changes, change{bytes.Clone(k), sealJSON(v[1:])})
		}
	}
	for _, ch := range changes {
		if err := b.Put(ch.k, ch.v); err != nil {
			return err
		}
	}
	for _, k := range nested {
		if err := sealBucket(b.Bucket(k)); err != nil {
			return err
		}
	}
	return nil
}

// migrateFetched writes, for every stored document, when it was fetched
// into the profile's fetched bucket, so that the status line and «Главная»
// learn how fresh an account's data are without decoding its document. A
// document that no longer decodes gets no entry: the check at start-up
// finds it, and the file is rebuilt.
func migrateFetched(tx *bolt.Tx) error {
	root := tx.Bucket(bucketProfiles)
	if root == nil {
		return nil
	}
	var profiles [][]byte
	if err := root.ForEach(func(k, v []byte) error {
		if v == nil {
			profiles = append(profiles, bytes.Clone(k))
		}
		return nil
	}); err != nil {
		return err
	}
	for _, pk := range profiles {
		profile := root.Bucket(pk)
		docs := profile.Bucket(bucketDocuments)
		if docs == nil {
			continue
		}
		type entry struct{ account, at []byte }
		var entries []entry
		err := docs.ForEach(func(k, v []byte) error {
			var d CachedDocument
			if v == nil || decodeValue(v, &d) != nil {
				return nil
			}
			at, err := encodeValue(d.FetchedAt)
			if err != nil {
				return err
			}
			entries = append(entries, entry{bytes.Clone(k), at})
			return nil
		})
		if err != nil {
			return err
		}
		fetched, err := profile.CreateBucketIfNotExists(bucketFetched)
		if err != nil {
			return err
		}
		for _, e := range entries {
			if err := fetched.Put(e.account, e.at); err != nil {
				return err
			}
		}
	}
	return nil
}

// migrate reads the schema version and runs the migrations the file lacks.
// The version is read in a View first so that a current file (the usual
// case) costs no write and no fsync at start-up, and a newer file is
// refused without a write transaction ever starting on it.
func migrate(db *bolt.DB) error {
	var have uint32
	if err := db.View(func(tx *bolt.Tx) (err error) {
		have, err = storedSchema(tx)
		return err
	}); err != nil {
		return fmt.Errorf("store: schema: %w", err)
	}
	if have > schemaVersion {
		return ErrNewerVersion
	}
	if have == schemaVersion {
		return nil
	}
	err := db.Update(func(tx *bolt.Tx) error {
		return runMigrationsTx(tx, migrations)
	})
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	return nil
}

// runMigrationsTx applies the migrations newer than the stored version, in
// the caller's write transaction, and records the version after each.
func runMigrationsTx(tx *bolt.Tx, list []migration) error {
	have, err := storedSchema(tx)
	if err != nil {
		return err
	}
	if len(list) > 0 && have > list[len(list)-1].version {
		return ErrNewerVersion
	}
	for _, m := range list {
		if m.version <= have {
			continue
		}
		if err := m.apply(tx); err != nil {
			return fmt.Errorf("migration %d (%s): %w", m.version, m.name, err)
		}
		meta, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return fmt.Errorf("migration %d: %w", m.version, err)
		}
		if err := putSchemaTx(meta, m.version); err != nil {
			return fmt.Errorf("migration %d: %w", m.version, err)
		}
	}
	return nil
}

// putSchemaTx records the schema version and, from checksumSchema on, its
// checksum.
func putSchemaTx(meta *bolt.Bucket, version uint32) error {
	v := binary.BigEndian.AppendUint32(nil, version)
	if err := meta.Put(keySchema, v); err != nil {
		return err
	}
	if version < checksumSchema {
		return nil
	}
	return meta.Put(keySchemaSum, binary.BigEndian.AppendUint32(nil, crc32.Checksum(v, castagnoli)))
}

// storedSchema returns the file's schema version; 0 for a new file. From
// checksumSchema on the version must match its checksum: a flipped bit must
// not turn a file into "written by a newer version", which would stop the
// app for good instead of rebuilding the file.
func storedSchema(tx *bolt.Tx) (uint32, error) {
	meta := tx.Bucket(bucketMeta)
	if meta == nil {
		return 0, nil
	}
	v := meta.Get(keySchema)
	sum := meta.Get(keySchemaSum)
	if v == nil {
		if sum != nil {
			return 0, fmt.Errorf("schema checksum without a version: %w", ErrCorrupt)
		}
		return 0, nil
	}
	if len(v) != 4 {
		return 0, fmt.Errorf("schema version of %d bytes: %w", len(v), ErrCorrupt)
	}
	version := binary.BigEndian.Uint32(v)
	switch {
	case sum == nil && version < checksumSchema:
	case sum == nil:
		return 0, fmt.Errorf("schema %d without its checksum: %w", version, ErrCorrupt)
	case len(sum) != 4 || binary.BigEndian.Uint32(sum) != crc32.Checksum(v, castagnoli):
		return 0, fmt.Errorf("schema checksum: %w", ErrCorrupt)
	}
	return version, nil
}
