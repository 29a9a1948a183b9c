package store

import (
	"errors"
	"fmt"
	"maps"
	"time"

	bolt "go.etcd.io/bbolt"

	"kabinet/internal/domain"
)

// A reading waiting in the outbox can be withdrawn or corrected until an
// attempt to send it may have reached the portal. The sender and the person
// race for the item; outboxMu and bbolt's single writer settle it:
//
//   - the sender claims the item (ClaimForSending: Dispatched set, committed
//     and journaled) before the first byte leaves, and sends exactly what
//     the claim returned;
//   - Withdraw and Correct check Dispatched and change the item in one
//     Update under the same mutex, so either they run first (the claim then
//     finds the item gone, or sends the corrected values under their new
//     key) or the claim does (they refuse with CodeBeingSent);
//   - the claim is lifted (ReleaseClaim, MarkAttention) only when the
//     attempt certainly did not reach the portal: nothing was written, or
//     the portal answered with a refusal, which it does not record.
//
// Journal order, so that a store rebuilt from the journal never brings back
// a withdrawn reading nor the old values of a corrected one:
//
//   - Withdraw writes "done" before its commit (as Resolve does): a crash
//     in between keeps the item in the store, and the next OpenChecked
//     rewrites the journal from the store;
//   - Correct writes "done" for the old version before its commit and
//     "queued" with the new version after it; a crash between the two
//     leaves the new version in the store, and the next OpenChecked puts
//     it back in the journal. Writing the new line first would let a crash
//     before the commit restore both versions;
//   - a claim appends the item with Dispatched set, after its commit and
//     before the request starts, so a restored item that may have reached
//     the portal stays unchangeable.

// Correction is what Correct puts into a waiting reading.
type Correction struct {
	Values  map[domain.Zone]string
	TakenOn domain.Date
	Confirm bool
	// NextAttemptAt keeps a reading typed while the window is closed until
	// it opens; zero sends it at once.
	NextAttemptAt time.Time
}

// ErrNotQueued says that no such item waits to be sent.
func ErrNotQueued() error {
	return &domain.Error{Code: domain.CodeNotQueued,
		Message: "Таких показаний нет среди ожидающих отправки: возможно, их уже отменили. Посмотрите список ожидающих отправки."}
}

// ChangeError is nil when the item may still be withdrawn or corrected,
// and otherwise a *domain.Error that says why not and what to do.
func (it *OutboxItem) ChangeError() error {
	switch {
	case it.State == StateSent:
		at := it.SentAt.In(domain.Moscow)
		return &domain.Error{Code: domain.CodeAlreadySent,
			Message: fmt.Sprintf("Эти показания уже переданы на портал %s в %s, поэтому отменить или изменить их нельзя. Если в них ошибка, передайте правильные показания: они заменят прежние за этот месяц.",
				at.Format("02.01.2006"), at.Format("15:04")),
			Params: map[string]string{"sent_at": it.SentAt.UTC().Format(time.RFC3339)}}
	case it.Dispatched:
		return &domain.Error{Code: domain.CodeBeingSent,
			Message: "Эти показания уже отправляются на портал, и ответа ещё нет, поэтому отменить или изменить их нельзя: портал мог их принять. Дождитесь отправки; если в них ошибка, передайте потом правильные показания — они заменят прежние за этот месяц."}
	}
	return nil
}

// changeableTx returns the item id if it may still be withdrawn or
// corrected, or a *domain.Error that says why not, in the caller's
// transaction.
func changeableTx(tx *bolt.Tx, id uint64) (OutboxItem, error) {
	var v []byte
	if b := tx.Bucket(bucketOutbox); b != nil {
		v = b.Get(itemKey(id))
	}
	if v == nil {
		return OutboxItem{}, ErrNotQueued()
	}
	it, err := decodeItem(v)
	if err != nil {
		return OutboxItem{}, err
	}
	it.ID = id
	return it, it.ChangeError()
}

// ClaimForSending marks a pending item as being sent and returns it as
// stored now: the sender must send exactly these values with exactly this
// key. It fails with ErrNotWaiting when the item was withdrawn or is no
// longer pending. The first claim of an attempt is journaled before
// ClaimForSending returns, that is before anything is sent.
func (s *Store) ClaimForSending(id uint64) (OutboxItem, error) {
	s.outboxMu.Lock()
	defer s.outboxMu.Unlock()
	var it OutboxItem
	var first bool
	err := s.db.Update(func(tx *bolt.Tx) error {
		err := updateItemTx(tx, id, func(cur *OutboxItem) error {
			if cur.State != StatePending {
				return ErrNotWaiting
			}
			first = !cur.Dispatched
			cur.Dispatched = true
			it = *cur
			return nil
		})
		if errors.Is(err, errNoItem) {
			return ErrNotWaiting
		}
		return err
	})
	if err != nil {
		return OutboxItem{}, fmt.Errorf("store: claim item %d: %w", id, err)
	}
	if first {
		s.journalAfterCommitLocked(journalEntry{Op: opQueued, Item: &it}, true)
	}
	it.Values = maps.Clone(it.Values)
	return it, nil
}

// ReleaseClaim lifts ClaimForSending after an attempt that certainly did
// not reach the portal (the connection was never made, or the portal said
// the session has ended), so the item may be withdrawn or corrected again.
// The journal keeps its Dispatched line: after a rebuild the item stays
// unchangeable until it is sent, which is the safe side.
func (s *Store) ReleaseClaim(id uint64) error {
	s.outboxMu.Lock()
	defer s.outboxMu.Unlock()
	err := s.db.Update(func(tx *bolt.Tx) error {
		return updateItemTx(tx, id, func(it *OutboxItem) error {
			if it.State == StatePending {
				it.Dispatched = false
			}
			return nil
		})
	})
	if err != nil && !errors.Is(err, errNoItem) {
		return fmt.Errorf("store: release item %d: %w", id, err)
	}
	return nil
}

// Withdraw removes an item that waits to be sent (or was refused) because
// the person no longer wants it sent, and returns it. It refuses, with a
// *domain.Error (CodeAlreadySent, CodeBeingSent, CodeNotQueued), an item
// the portal has or may have received. The journal's "done" line is written
// before the commit, so a store rebuilt from the journal never brings the
// item back.
func (s *Store) Withdraw(id uint64) (OutboxItem, error) {
	s.outboxMu.Lock()
	defer s.outboxMu.Unlock()
	var it OutboxItem
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		it, err = changeableTx(tx, id)
		return err
	})
	if err != nil {
		return it, fmt.Errorf("store: withdraw item %d: %w", id, err)
	}
	// outboxMu is held: nothing can claim the item between the check and
	// the delete.
	if err := appendJournal(s.journal, journalEntry{Op: opDone, ID: id}); err != nil {
		s.journalStale = true
	}
	var unsent bool
	err = s.db.Update(func(tx *bolt.Tx) error {
		if _, err := changeableTx(tx, id); err != nil {
			return err
		}
		if err := tx.Bucket(bucketOutbox).Delete(itemKey(id)); err != nil {
			return err
		}
		unsent = anyUnsentTx(tx)
		return nil
	})
	if err != nil {
		s.journalStale = true // it has "done" for an item still here
		return OutboxItem{}, fmt.Errorf("store: withdraw item %d: %w", id, err)
	}
	s.journalAfterCommitLocked(journalEntry{}, unsent)
	return it, nil
}

// Correct replaces the values of a reading that waits to be sent (or was
// refused) and returns it as stored: same ID, so it keeps its place in the
// meter's order, but a new idempotency key, because the portal refuses a
// key it has seen with other values. Attempts, errors and the refusal are
// cleared and the item is pending again. It refuses what Withdraw refuses.
// The caller checks the new values against the meter's rules first.
func (s *Store) Correct(id uint64, c Correction) (OutboxItem, error) {
	s.outboxMu.Lock()
	defer s.outboxMu.Unlock()
	var it OutboxItem
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		it, err = changeableTx(tx, id)
		if err == nil && it.Kind != KindReading {
			err = fmt.Errorf("item %d is a %s, not a reading", id, it.Kind)
		}
		return err
	})
	if err != nil {
		return OutboxItem{}, fmt.Errorf("store: correct item %d: %w", id, err)
	}
	it.Values = maps.Clone(c.Values)
	it.TakenOn = c.TakenOn
	it.Confirm = c.Confirm
	it.IdempotencyKey = newIdempotencyKey()
	it.State = StatePending
	it.Attempts = 0
	it.NextAttemptAt = c.NextAttemptAt
	it.LastError = ""
	it.Problem = nil
	it.Dispatched = false
	if err := appendJournal(s.journal, journalEntry{Op: opDone, ID: id}); err != nil {
		s.journalStale = true
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		if _, err := changeableTx(tx, id); err != nil {
			return err
		}
		v, err := encodeValue(it)
		if err != nil {
			return err
		}
		return tx.Bucket(bucketOutbox).Put(itemKey(id), v)
	})
	if err != nil {
		s.journalStale = true // it has "done" for an item still here
		return OutboxItem{}, fmt.Errorf("store: correct item %d: %w", id, err)
	}
	s.journalAfterCommitLocked(journalEntry{Op: opQueued, Item: &it}, true)
	return it, nil
}
