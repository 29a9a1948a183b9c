package store

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"kabinet/internal/domain"
)

// rebuildFromJournal damages the store file beyond repair and opens it
// again, as the app does at start: the file is set aside and the outbox
// comes back from the journal alone.
func rebuildFromJournal(t *testing.T, s *Store) *Store {
	t.Helper()
	path := s.Path()
	pageSize := s.db.Info().PageSize
	s.Close()
	overwrite(t, path, 0, make([]byte, 2*pageSize)) // both meta pages gone
	s, rec, err := OpenChecked(path, Options{Now: fixedClock()}, func(p string) error { return checkInChild(t, p) })
	if err != nil {
		t.Fatalf("OpenChecked: %v", err)
	}
	if rec.Quarantined == "" {
		t.Fatal("the damaged store was not set aside: the journal was not used")
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func openStoreAt(t *testing.T) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "store.db"), Options{Now: fixedClock()})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestWithdrawnReadingDoesNotComeBackFromTheJournal(t *testing.T) {
	s := openStoreAt(t)
	withdrawn, _ := s.Enqueue(reading(testProfile, "100", "50"))
	kept, _ := s.Enqueue(reading(testProfile, "110", "55"))

	got, err := s.Withdraw(withdrawn.ID)
	if err != nil {
		t.Fatalf("Withdraw: %v", err)
	}
	if got.Values[domain.T1] != "100" {
		t.Errorf("Withdraw returned %+v", got)
	}
	if pending, _ := s.Pending(testProfile); !equalIDs(idsOf(pending), kept.ID) {
		t.Fatalf("Pending after withdraw = %v", idsOf(pending))
	}

	s = rebuildFromJournal(t, s)
	pending, err := s.Pending(testProfile)
	if err != nil {
		t.Fatal(err)
	}
	if !equalIDs(idsOf(pending), kept.ID) {
		t.Fatalf("after a rebuild Pending = %v, want only [%d]: the withdrawn reading came back", idsOf(pending), kept.ID)
	}
	// Withdrawing it again says it is not in the queue.
	if _, err := s.Withdraw(withdrawn.ID); domain.ErrorCode(err) != domain.CodeNotQueued {
		t.Errorf("withdraw twice: %v", err)
	}
}

func TestCorrectedReadingComesBackFromTheJournalWithItsNewValuesOnly(t *testing.T) {
	s := openStoreAt(t)
	first, _ := s.Enqueue(reading(testProfile, "100", "50"))
	second, _ := s.Enqueue(reading(testProfile, "120", "60"))
	// The first one was refused; both get corrected before any attempt.
	if err := s.MarkAttention(first.ID, Problem{Status: 422, Code: "reading_lower_than_previous", Detail: "Меньше прошлого."}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		id     uint64
		t1, t2 string
	}{{first.ID, "105", "52"}, {second.ID, "125", "61"}} {
		got, err := s.Correct(c.id, Correction{Values: map[domain.Zone]string{domain.T1: c.t1, domain.T2: c.t2}, TakenOn: domain.NewDate(2026, 11, 21)})
		if err != nil {
			t.Fatalf("Correct %d: %v", c.id, err)
		}
		if got.ID != c.id || got.State != StatePending || got.Problem != nil || got.Values[domain.T1] != c.t1 {
			t.Errorf("corrected %+v", got)
		}
	}
	fixed, _, _ := s.Item(first.ID)
	if fixed.IdempotencyKey == first.IdempotencyKey || !uuidV4.MatchString(fixed.IdempotencyKey) {
		t.Errorf("the corrected reading kept key %q: the portal refuses a known key with other values", fixed.IdempotencyKey)
	}

	s = rebuildFromJournal(t, s)
	pending, _ := s.Pending(testProfile)
	if !equalIDs(idsOf(pending), first.ID, second.ID) {
		t.Fatalf("after a rebuild Pending = %v", idsOf(pending))
	}
	want := map[uint64]string{first.ID: "105", second.ID: "125"}
	for _, it := range pending {
		if it.Values[domain.T1] != want[it.ID] || it.TakenOn != domain.NewDate(2026, 11, 21) {
			t.Errorf("item %d restored with %v on %v, want the corrected %s", it.ID, it.Values, it.TakenOn, want[it.ID])
		}
		if it.ID == first.ID && it.IdempotencyKey != fixed.IdempotencyKey {
			t.Errorf("item %d restored with key %s, want the corrected one", it.ID, it.IdempotencyKey)
		}
	}
}

func TestSentOrClaimedReadingCannotBeWithdrawnOrCorrected(t *testing.T) {
	s := openStoreAt(t)
	defer s.Close()
	sent, _ := s.Enqueue(reading(testProfile, "100", "50"))
	claimed, _ := s.Enqueue(reading(testProfile, "110", "55"))
	if _, err := s.ClaimForSending(sent.ID); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 5, 9, 30, 0, 0, time.UTC)
	if err := s.MarkSent(sent.ID, nil, at); err != nil {
		t.Fatal(err)
	}
	got, err := s.ClaimForSending(claimed.ID)
	if err != nil || !got.Dispatched || got.IdempotencyKey != claimed.IdempotencyKey {
		t.Fatalf("claim: %+v %v", got, err)
	}
	fix := Correction{Values: map[domain.Zone]string{domain.T1: "1", domain.T2: "1"}}

	_, err = s.Withdraw(sent.ID)
	if domain.ErrorCode(err) != domain.CodeAlreadySent || !strings.Contains(err.Error(), "уже переданы на портал 05.12.2026 в 12:30") {
		t.Errorf("withdraw a sent reading: %v", err)
	}
	if _, err := s.Correct(sent.ID, fix); domain.ErrorCode(err) != domain.CodeAlreadySent {
		t.Errorf("correct a sent reading: %v", err)
	}
	for _, try := range []func() error{
		func() error { _, err := s.Withdraw(claimed.ID); return err },
		func() error { _, err := s.Correct(claimed.ID, fix); return err },
	} {
		if err := try(); domain.ErrorCode(err) != domain.CodeBeingSent || !strings.Contains(err.Error(), "отменить или изменить их нельзя") {
			t.Errorf("change a reading being sent: %v", err)
		}
	}
	if it, _, _ := s.Item(claimed.ID); it.Values[domain.T1] != "110" || it.IdempotencyKey != claimed.IdempotencyKey {
		t.Errorf("a refused change changed the item: %+v", it)
	}

	// An attempt that never reached the portal gives the item back.
	if err := s.ReleaseClaim(claimed.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Withdraw(claimed.ID); err != nil {
		t.Errorf("withdraw after an attempt that did not reach the portal: %v", err)
	}
	if _, err := s.ClaimForSending(claimed.ID); err == nil {
		t.Error("a withdrawn item was claimed for sending")
	}
}

func TestClaimSurvivesARebuildFromTheJournal(t *testing.T) {
	s := openStoreAt(t)
	it, _ := s.Enqueue(reading(testProfile, "100", "50"))
	if _, err := s.ClaimForSending(it.ID); err != nil {
		t.Fatal(err)
	}
	// The app dies with the request on its way; the disk loses the store.
	s = rebuildFromJournal(t, s)
	got, ok, _ := s.Item(it.ID)
	if !ok || got.IdempotencyKey != it.IdempotencyKey || got.State != StatePending {
		t.Fatalf("restored %+v (%v)", got, ok)
	}
	if _, err := s.Withdraw(it.ID); domain.ErrorCode(err) != domain.CodeBeingSent {
		t.Errorf("a reading that may have reached the portal was withdrawn after a rebuild: %v", err)
	}
}
