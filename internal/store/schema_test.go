package store

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func fileSum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

func schemaOf(t *testing.T, path string) uint32 {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v uint32
	if err := db.View(func(tx *bolt.Tx) (err error) { v, err = storedSchema(tx); return err }); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestNewFileGetsCurrentSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if v := schemaOf(t, path); v != 1 || v != schemaVersion {
		t.Errorf("schema %d, want 1", v)
	}
}

func TestMigrationsAreOrderedAndEndAtSchemaVersion(t *testing.T) {
	for i, m := range migrations {
		if m.version != uint32(i+1) {
			t.Errorf("migration %d has version %d: the list must count up from 1 without gaps", i, m.version)
		}
	}
}

// TestMigration1 runs the initial migration on a bare bbolt file, the way a
// later test will run migration 2 on a file at version 1.
func TestMigration1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.db")
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(func(tx *bolt.Tx) error { return runMigrationsTx(tx, migrations[:1]) }); err != nil {
		t.Fatal(err)
	}
	err = db.View(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketMeta, bucketSettings, bucketProfiles, bucketPublic, bucketOutbox} {
			if tx.Bucket(name) == nil {
				t.Errorf("bucket %s missing", name)
			}
		}
		if v, _ := storedSchema(tx); v != 1 {
			t.Errorf("schema %d after migration 1", v)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Running it again is a no-op.
	if err := db.Update(func(tx *bolt.Tx) error { return runMigrationsTx(tx, migrations[:1]) }); err != nil {
		t.Fatal(err)
	}
}

func TestOpenOnCurrentSchemaWritesNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	before := fileSum(t, path)
	s, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if fileSum(t, path) != before {
		t.Error("opening a current file changed it")
	}
}

func TestNewerSchemaIsRefusedAndFileUntouched(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetSetting("portal", "https://lk.example.ru"); err != nil {
		t.Fatal(err)
	}
	s.Close()

	// A newer build wrote schema 99.
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Put(keySchema, binary.BigEndian.AppendUint32(nil, 99))
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	before := fileSum(t, path)

	s, err = Open(path, Options{})
	if !errors.Is(err, ErrNewerVersion) {
		t.Fatalf("Open: %v, want ErrNewerVersion", err)
	}
	if s != nil {
		t.Error("Open returned a store")
	}
	if err.Error() != "Данные сохранены более новой версией программы. Обновите программу." {
		t.Errorf("message %q", err)
	}
	if fileSum(t, path) != before {
		t.Error("the refused file was changed")
	}
	// The lock was let go: the newer build can still open it.
	db, err = bolt.Open(path, 0o600, &bolt.Options{Timeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatalf("file still locked: %v", err)
	}
	db.Close()
}

func TestDamagedSchemaValueIsCorrupt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.db")
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket(bucketMeta)
		if err != nil {
			return err
		}
		return b.Put(keySchema, []byte{1})
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path, Options{}); !errors.Is(err, ErrCorrupt) {
		t.Errorf("Open: %v, want ErrCorrupt", err)
	}
}
