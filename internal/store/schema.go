package store

import (
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Bucket and key names. They are written into every user's file, so they
// never change; a rename is a migration.
var (
	bucketMeta      = []byte("meta")
	keySchema       = []byte("schema")
	bucketSettings  = []byte("settings")
	bucketProfiles  = []byte("profiles")
	keyAccounts     = []byte("accounts")
	bucketDocuments = []byte("documents")
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
}

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
		if err := meta.Put(keySchema, binary.BigEndian.AppendUint32(nil, m.version)); err != nil {
			return fmt.Errorf("migration %d: %w", m.version, err)
		}
	}
	return nil
}

// storedSchema returns the file's schema version; 0 for a new file.
func storedSchema(tx *bolt.Tx) (uint32, error) {
	meta := tx.Bucket(bucketMeta)
	if meta == nil {
		return 0, nil
	}
	v := meta.Get(keySchema)
	if v == nil {
		return 0, nil
	}
	if len(v) != 4 {
		return 0, fmt.Errorf("schema version of %d bytes: %w", len(v), ErrCorrupt)
	}
	return binary.BigEndian.Uint32(v), nil
}
