package store

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"kabinet/internal/domain"
)

func TestOpenCheckedRecoversTheOutboxFromTheJournal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := s.Enqueue(reading(testProfile, "100", "50"))
	sent, _ := s.Enqueue(reading(testProfile, "110", "55"))
	c, _ := s.Enqueue(question(testProfile, "Почему так много?"))
	if err := s.MarkSent(sent.ID, nil, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveDocument(testProfile, testAccount, CachedDocument{Doc: tenYearDocument(12)}); err != nil {
		t.Fatal(err)
	}
	pageSize := s.db.Info().PageSize
	s.Close()
	overwrite(t, path, 0, make([]byte, 2*pageSize)) // both meta pages gone

	verify := func(p string) error { return checkInChild(t, p) }
	s, rec, err := OpenChecked(path, Options{Now: fixedClock()}, verify)
	if err != nil {
		t.Fatalf("OpenChecked: %v", err)
	}
	defer s.Close()

	if want := path + ".corrupt-20261127-150405"; rec.Quarantined != want {
		t.Errorf("Quarantined = %q, want %q", rec.Quarantined, want)
	}
	if matches, _ := filepath.Glob(path + ".corrupt-*"); len(matches) != 1 {
		t.Errorf("quarantined files: %v", matches)
	}
	if !equalIDs(idsOf(rec.Recovered), a.ID, c.ID) {
		t.Errorf("Recovered = %v", idsOf(rec.Recovered))
	}
	pending, err := s.Pending(testProfile)
	if err != nil {
		t.Fatal(err)
	}
	if !equalIDs(idsOf(pending), a.ID, c.ID) {
		t.Fatalf("Pending = %v, want [%d %d]; the sent item must not come back", idsOf(pending), a.ID, c.ID)
	}
	if pending[0].IdempotencyKey != a.IdempotencyKey || pending[1].IdempotencyKey != c.IdempotencyKey {
		t.Error("the restored items have new idempotency keys: the portal would record them twice")
	}
	if pending[0].Values["t1"] != "100" || pending[1].Text != "Почему так много?" || pending[0].State != StatePending {
		t.Errorf("restored %+v", pending)
	}
	if _, ok, _ := s.Item(sent.ID); ok {
		t.Error("the sent item was resurrected")
	}
	if _, ok, _ := s.Document(testProfile, testAccount); ok {
		t.Error("the cache came back from a damaged file")
	}
	// New items never reuse a restored or sent item's ID.
	d, _ := s.Enqueue(question(testProfile, "новый"))
	if d.ID <= c.ID {
		t.Errorf("new item got ID %d, not after %d", d.ID, c.ID)
	}
	s.Close()
	if err := Check(path); err != nil {
		t.Errorf("the new store fails its check: %v", err)
	}

	// A second start finds everything in order and restores nothing twice.
	s, rec, err = OpenChecked(path, Options{}, verify)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Quarantined != "" || len(rec.Recovered) != 0 {
		t.Errorf("second start: %+v", rec)
	}
	if pending, _ := s.Pending(testProfile); !equalIDs(idsOf(pending), a.ID, c.ID, d.ID) {
		t.Errorf("Pending after the second start = %v", idsOf(pending))
	}
}

func TestOpenCheckedPassesAlreadyRunningThrough(t *testing.T) {
	path, _ := healthyStore(t)
	first, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	_, rec, err := OpenChecked(path, Options{}, func(p string) error { return checkInChild(t, p) })
	if err != ErrAlreadyRunning {
		t.Fatalf("OpenChecked: %v, want ErrAlreadyRunning as is", err)
	}
	if rec.Quarantined != "" {
		t.Error("a file in use was set aside")
	}
	if _, err := os.Stat(path); err != nil {
		t.Error(err)
	}
}

func TestOpenCheckedCreatesAMissingFileAndRestoresAnOrphanJournal(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "store.db")
	verify := func(string) error { t.Error("verify called for a missing file"); return nil }
	s, rec, err := OpenChecked(path, Options{}, verify)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Quarantined != "" || len(rec.Recovered) != 0 {
		t.Errorf("fresh start: %+v", rec)
	}
	a, _ := s.Enqueue(question(testProfile, "?"))
	s.Close()

	// A crash after the damaged file was renamed aside, before the new one
	// had the items back: only the journal is left.
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	s, rec, err = OpenChecked(path, Options{}, verify)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !equalIDs(idsOf(rec.Recovered), a.ID) || rec.Recovered[0].IdempotencyKey != a.IdempotencyKey {
		t.Errorf("Recovered = %+v", rec.Recovered)
	}
}

func TestOpenCheckedRewritesAJournalThatFellBehind(t *testing.T) {
	path, _ := healthyStore(t) // 200 unsent items
	if err := os.Remove(path + ".journal"); err != nil {
		t.Fatal(err)
	}
	s, rec, err := OpenChecked(path, Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if len(rec.Recovered) != 0 {
		t.Errorf("Recovered %d items from a missing journal", len(rec.Recovered))
	}
	items, err := readJournal(s.journal)
	if err != nil || len(items) != 200 {
		t.Errorf("journal has %d items, %v; want the store's 200", len(items), err)
	}
}

// flipInside changes one byte in the middle of the value at key in the
// bucket named by path, through bbolt: the file's structure stays sound.
func flipInside(t *testing.T, db *bolt.DB, key []byte, path ...[]byte) {
	t.Helper()
	err := db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(path[0])
		for _, name := range path[1:] {
			b = b.Bucket(name)
		}
		v := bytes.Clone(b.Get(key))
		if v == nil {
			t.Fatalf("no value %q in %q", key, path)
		}
		v[len(v)/2] ^= 0x01
		return b.Put(key, v)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestCheckFindsAChangedByteInEveryKindOfValue: bbolt's own check passes
// each of these files; the store's check must not.
func TestCheckFindsAChangedByteInEveryKindOfValue(t *testing.T) {
	pk, _ := testProfile.key()
	cases := []struct {
		name string
		key  []byte
		path [][]byte
	}{
		{"schema version", keySchema, [][]byte{bucketMeta}},
		{"setting", []byte("portal"), [][]byte{bucketSettings}},
		{"list of accounts", keyAccounts, [][]byte{bucketProfiles, pk}},
		{"cached document", []byte(testAccount), [][]byte{bucketProfiles, pk, bucketDocuments}},
		{"public page", []byte("news"), [][]byte{bucketPublic, []byte("https://lk.example.ru")}},
		{"queued reading", itemKey(1), [][]byte{bucketOutbox}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "store.db")
			s, err := Open(path, Options{Now: fixedClock()})
			if err != nil {
				t.Fatal(err)
			}
			at := fixedClock()()
			for _, err := range []error{
				s.SetSetting("portal", "https://lk.example.ru"),
				s.SaveAccounts(testProfile, []domain.AccountSummary{{Number: testAccount}}, at),
				s.SaveDocument(testProfile, testAccount, CachedDocument{Doc: tenYearDocument(3)}),
				s.SavePublic("https://lk.example.ru", "news", []byte(`[]`), "", at),
			} {
				if err != nil {
					t.Fatal(err)
				}
			}
			if _, err := s.Enqueue(reading(testProfile, "12345", "678")); err != nil {
				t.Fatal(err)
			}
			flipInside(t, s.db, c.key, c.path...)
			s.Close()

			db, err := bolt.Open(path, 0o600, nil)
			if err != nil {
				t.Fatal(err)
			}
			_ = db.View(func(tx *bolt.Tx) error {
				for err := range tx.Check() {
					t.Fatalf("bbolt finds the damage itself (%v): the case tests nothing", err)
				}
				return nil
			})
			db.Close()
			if err := checkInChild(t, path); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("CheckInChild: %v, want ErrCorrupt", err)
			}
		})
	}
}

// TestDamageFoundAfterOpenIsRecoveredAtTheNextStart: a value that goes bad
// while the app runs gives an error with a code and a sentence that says
// what to do, and the next start — even one with no child to check the
// file — sets the file aside and brings the queue back.
func TestDamageFoundAfterOpenIsRecoveredAtTheNextStart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.db")
	s, rec, err := OpenChecked(path, Options{Now: fixedClock()}, nil)
	if err != nil || rec.Quarantined != "" {
		t.Fatalf("first start: %v %+v", err, rec)
	}
	a, _ := s.Enqueue(reading(testProfile, "12345", "678"))
	b, _ := s.Enqueue(question(testProfile, "Почему так много?"))
	flipInside(t, s.db, itemKey(a.ID), bucketOutbox)

	_, err = s.Pending(testProfile)
	if domain.ErrorCode(err) != domain.CodeStoreDamaged {
		t.Fatalf("Pending: %v, want code %s", err, domain.CodeStoreDamaged)
	}
	var de *domain.Error
	if !errors.As(err, &de) || !strings.Contains(de.Message, "запустите её снова") {
		t.Errorf("the message does not say what to do: %v", err)
	}
	s.Close()

	s, rec, err = OpenChecked(path, Options{Now: fixedClock()}, nil)
	if err != nil {
		t.Fatalf("next start: %v", err)
	}
	defer s.Close()
	if rec.Quarantined == "" || !equalIDs(idsOf(rec.Recovered), a.ID, b.ID) {
		t.Fatalf("next start: %+v", rec)
	}
	pending, err := s.Pending(testProfile)
	if err != nil || !equalIDs(idsOf(pending), a.ID, b.ID) {
		t.Fatalf("Pending after the restart: %v %v", idsOf(pending), err)
	}
	if pending[0].Values[domain.T1] != "12345" || pending[0].IdempotencyKey != a.IdempotencyKey {
		t.Errorf("restored %+v", pending[0])
	}
}
