package store

import (
	"crypto/sha256"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"kabinet/internal/domain"
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
	if v := schemaOf(t, path); v != 3 || v != schemaVersion {
		t.Errorf("schema %d, want 3", v)
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

	// A newer build wrote schema 99 (with its checksum, as every build
	// since schema 2 does).
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		return putSchemaTx(tx.Bucket(bucketMeta), 99)
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
	if de := (*domain.Error)(nil); !errors.As(err, &de) || de.Code != domain.CodeNewerVersion || de.Message != "Данные сохранены более новой версией программы. Обновите программу." {
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

// downgradeToSchema1 turns a store file into what the build of schema 1
// wrote: every value the format byte 1 followed by the same JSON, no
// checksum, meta/schema 1 and no meta/schema_sum.
func downgradeToSchema1(t *testing.T, path string) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var unseal func(b *bolt.Bucket) error
	unseal = func(b *bolt.Bucket) error {
		type kv struct{ k, v []byte }
		var plain []kv
		var nested [][]byte
		err := b.ForEach(func(k, v []byte) error {
			if v == nil {
				nested = append(nested, append([]byte(nil), k...))
				return nil
			}
			body, err := openValue(v)
			if err != nil {
				return err
			}
			plain = append(plain, kv{append([]byte(nil), k...), append([]byte{valueFormatPlain}, body...)})
			return nil
		})
		if err != nil {
			return err
		}
		for _, p := range plain {
			if err := b.Put(p.k, p.v); err != nil {
				return err
			}
		}
		for _, k := range nested {
			if err := unseal(b.Bucket(k)); err != nil {
				return err
			}
		}
		return nil
	}
	err = db.Update(func(tx *bolt.Tx) error {
		err := tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			if string(name) == string(bucketMeta) {
				return nil
			}
			return unseal(b)
		})
		if err != nil {
			return err
		}
		meta := tx.Bucket(bucketMeta)
		if err := meta.Delete(keySchemaSum); err != nil {
			return err
		}
		return meta.Put(keySchema, []byte{0, 0, 0, 1})
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestMigration2SealsEveryValue takes a file as the schema-1 build left it
// — settings, accounts, a document, public pages and queued items, all
// without checksums — and checks that the first start of this build passes
// it, seals every value and reads everything back unchanged.
func TestMigration2SealsEveryValue(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.db")
	s, err := Open(path, Options{Now: fixedClock()})
	if err != nil {
		t.Fatal(err)
	}
	doc := CachedDocument{Doc: tenYearDocument(12), ETag: `"e1"`, Cursor: "c-12", FetchedAt: fixedClock()()}
	at := fixedClock()()
	for _, err := range []error{
		s.SetSetting("portal", "https://lk.example.ru"),
		s.SaveAccounts(testProfile, []domain.AccountSummary{{Number: testAccount, Title: "Квартира"}}, at),
		s.SaveDocument(testProfile, testAccount, doc),
		s.SavePublic("https://lk.example.ru", "news", []byte(`[{"title":"Новость"}]`), `"n1"`, at),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	a, _ := s.Enqueue(reading(testProfile, "12345,6", "4321"))
	q, _ := s.Enqueue(question(testProfile, "Почему так много?"))
	s.Close()
	downgradeToSchema1(t, path)
	if v := schemaOf(t, path); v != 1 {
		t.Fatalf("the test file is at schema %d", v)
	}

	// The check at the first start of the new build must not take the old
	// values for damage.
	if err := checkInChild(t, path); err != nil {
		t.Fatalf("a healthy schema-1 file fails the check: %v", err)
	}
	s, rec, err := OpenChecked(path, Options{Now: fixedClock()}, func(p string) error { return checkInChild(t, p) })
	if err != nil {
		t.Fatal(err)
	}
	if rec.Quarantined != "" {
		t.Fatalf("the old file was set aside: %+v", rec)
	}
	if v, _, err := s.Setting("portal"); v != "https://lk.example.ru" || err != nil {
		t.Errorf("setting after migration: %q, %v", v, err)
	}
	if list, _, ok, err := s.Accounts(testProfile); !ok || err != nil || len(list) != 1 || list[0].Number != testAccount {
		t.Errorf("accounts after migration: %v %v %v", list, ok, err)
	}
	if got, ok, err := s.Document(testProfile, testAccount); !ok || err != nil || got.ETag != doc.ETag || len(got.Doc.Readings) != 12 {
		t.Errorf("document after migration: %v %v etag %q", ok, err, got.ETag)
	}
	if body, _, _, ok, err := s.Public("https://lk.example.ru", "news"); !ok || err != nil || string(body) != `[{"title":"Новость"}]` {
		t.Errorf("public page after migration: %q %v %v", body, ok, err)
	}
	pending, err := s.Pending(testProfile)
	if err != nil || !equalIDs(idsOf(pending), a.ID, q.ID) {
		t.Fatalf("pending after migration: %v %v", idsOf(pending), err)
	}
	if pending[0].IdempotencyKey != a.IdempotencyKey || pending[0].Values[domain.T1] != "12345,6" || pending[1].Text != "Почему так много?" {
		t.Errorf("items after migration: %+v", pending)
	}
	// Every value now carries its checksum.
	err = s.db.View(func(tx *bolt.Tx) error {
		if v, err := storedSchema(tx); v != schemaVersion || err != nil {
			t.Errorf("schema %d, %v", v, err)
		}
		return verifyValuesTx(tx)
	})
	if err != nil {
		t.Errorf("after migration: %v", err)
	}
	s.Close()
	if v := schemaOf(t, path); v != schemaVersion {
		t.Errorf("schema %d", v)
	}
}

// TestMigration2DoesNotBlessADamagedValue: a schema-1 value that is no
// longer JSON is left unsealed, so the check still finds it.
func TestMigration2DoesNotBlessADamagedValue(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetSetting("portal", "https://lk.example.ru"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	downgradeToSchema1(t, path)
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSettings).Put([]byte("portal"), []byte("\x01\"https://lk.exam"))
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	s, err = Open(path, Options{}) // migrates
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := Check(path); !errors.Is(err, ErrCorrupt) {
		t.Errorf("Check after migrating a damaged value: %v, want ErrCorrupt", err)
	}
}

// TestMigration3WritesWhenEachDocumentWasFetched: a file at version 2 has
// its documents' FetchedAt only inside the documents; after the migration
// FetchedAt reads it from the key beside them, and the check passes.
func TestMigration3WritesWhenEachDocumentWasFetched(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.db")
	s, err := Open(path, Options{Now: fixedClock()})
	if err != nil {
		t.Fatal(err)
	}
	at := fixedClock()()
	docs := map[Profile]time.Time{testProfile: at, otherPerson: at.Add(-time.Hour)}
	for p, fetched := range docs {
		if err := s.SaveDocument(p, testAccount, CachedDocument{Doc: tenYearDocument(2), FetchedAt: fetched}); err != nil {
			t.Fatal(err)
		}
	}
	// Back to version 2: no fetched buckets.
	err = s.db.Update(func(tx *bolt.Tx) error {
		root := tx.Bucket(bucketProfiles)
		for p := range docs {
			pk, _ := p.key()
			if err := root.Bucket(pk).DeleteBucket(bucketFetched); err != nil {
				return err
			}
		}
		return putSchemaTx(tx.Bucket(bucketMeta), 2)
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := s.FetchedAt(testProfile, testAccount); ok || err != nil {
		t.Fatalf("the version-2 file still has a fetched key: %v %v", ok, err)
	}
	s.Close()

	s, err = Open(path, Options{Now: fixedClock()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for p, want := range docs {
		got, ok, err := s.FetchedAt(p, testAccount)
		if !ok || err != nil || !got.Equal(want) {
			t.Errorf("after migration 3: fetched at %v %v %v, want %v", got, ok, err, want)
		}
	}
	if _, ok, _ := s.FetchedAt(testProfile, "no such account"); ok {
		t.Error("an account without a document has a fetched time")
	}
	if err := s.db.View(verifyValuesTx); err != nil {
		t.Errorf("the check after migration 3: %v", err)
	}
}
