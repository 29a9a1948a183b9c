package store

import (
	"encoding/json"
	"fmt"
	"maps"
	"time"

	bolt "go.etcd.io/bbolt"
)

// updateItemTx decodes item id, lets change edit it and stores it back, in
// the caller's write transaction.
func updateItemTx(tx *bolt.Tx, id uint64, change func(*OutboxItem) error) error {
	b := tx.Bucket(bucketOutbox)
	if b == nil {
		return errNoItem
	}
	v := b.Get(itemKey(id))
	if v == nil {
		return errNoItem
	}
	it, err := decodeItem(v)
	if err != nil {
		return err
	}
	it.ID = id
	if err := change(&it); err != nil {
		return err
	}
	nv, err := encodeValue(it)
	if err != nil {
		return err
	}
	return b.Put(itemKey(id), nv)
}

// MarkSent records that the portal accepted the item: State sent, SentAt at
// and the response body kept for «что отправлено». The journal then marks
// the item done, or is emptied when nothing is left unsent.
func (s *Store) MarkSent(id uint64, response json.RawMessage, at time.Time) error {
	response = validJSON(response)
	s.outboxMu.Lock()
	defer s.outboxMu.Unlock()
	var unsent bool
	err := s.db.Update(func(tx *bolt.Tx) error {
		err := updateItemTx(tx, id, func(it *OutboxItem) error {
			it.State = StateSent
			it.SentAt = at
			it.Response = response
			it.Problem = nil
			it.LastError = ""
			return nil
		})
		unsent = anyUnsentTx(tx)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: mark item %d sent: %w", id, err)
	}
	s.journalAfterCommitLocked(journalEntry{Op: opDone, ID: id}, unsent)
	return nil
}

// validJSON returns body if it is JSON, nil if empty, and otherwise body as
// a JSON string: a proxy's HTML page must not stop an item being marked
// sent.
func validJSON(body json.RawMessage) json.RawMessage {
	if len(body) == 0 {
		return nil
	}
	if json.Valid(body) {
		return body
	}
	quoted, _ := json.Marshal(string(body))
	return quoted
}

// MarkAttention records that the portal rejected the item and the person
// has to act: State attention with the problem. The item stays unsent, so
// the journal keeps it; a refused item was not recorded by the portal, so
// it may be withdrawn or corrected again.
func (s *Store) MarkAttention(id uint64, p Problem) error {
	p.Params = maps.Clone(p.Params)
	s.outboxMu.Lock()
	defer s.outboxMu.Unlock()
	err := s.db.Update(func(tx *bolt.Tx) error {
		return updateItemTx(tx, id, func(it *OutboxItem) error {
			if it.State == StateSent {
				return fmt.Errorf("already sent")
			}
			it.State = StateAttention
			it.Problem = &p
			it.Dispatched = false // refused: the portal recorded nothing
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("store: mark item %d for attention: %w", id, err)
	}
	return nil
}

// MarkRetry records a failed attempt that is worth repeating (no network,
// a 5xx): the number of attempts so far, when to try next and the Russian
// sentence to show meanwhile. The schedule is stored so that backoff
// survives a restart.
func (s *Store) MarkRetry(id uint64, attempts int, next time.Time, lastErr string) error {
	s.outboxMu.Lock()
	defer s.outboxMu.Unlock()
	err := s.db.Update(func(tx *bolt.Tx) error {
		return updateItemTx(tx, id, func(it *OutboxItem) error {
			if it.State == StateSent {
				return fmt.Errorf("already sent")
			}
			it.Attempts = attempts
			it.NextAttemptAt = next
			it.LastError = lastErr
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("store: mark item %d for retry: %w", id, err)
	}
	return nil
}

// Resolve removes an item that needs attention because the person chose to
// discard it. The journal's "done" line is written before the commit: a
// crash in between then loses an item the person no longer wanted, rather
// than bringing a discarded reading back from the journal.
func (s *Store) Resolve(id uint64) error {
	s.outboxMu.Lock()
	defer s.outboxMu.Unlock()
	var state ItemState
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketOutbox)
		if b == nil {
			return errNoItem
		}
		v := b.Get(itemKey(id))
		if v == nil {
			return errNoItem
		}
		it, err := decodeItem(v)
		state = it.State
		return err
	})
	if err == nil && state != StateAttention {
		err = fmt.Errorf("item is %s, not waiting for attention", state)
	}
	if err != nil {
		return fmt.Errorf("store: resolve item %d: %w", id, err)
	}
	if err := appendJournal(s.journal, journalEntry{Op: opDone, ID: id}); err != nil {
		s.journalStale = true
	}
	var unsent bool
	err = s.db.Update(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketOutbox).Delete(itemKey(id)); err != nil {
			return err
		}
		unsent = anyUnsentTx(tx)
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: resolve item %d: %w", id, err)
	}
	s.journalAfterCommitLocked(journalEntry{}, unsent)
	return nil
}
