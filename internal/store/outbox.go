package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"time"

	bolt "go.etcd.io/bbolt"

	"kabinet/internal/domain"
)

// ItemKind tells what an outbox item carries.
type ItemKind string

// Item kinds.
const (
	KindReading  ItemKind = "reading"
	KindQuestion ItemKind = "question"
)

// ItemState is where an outbox item is in its life:
//
//	pending ──sent by the portal (2xx)──▶ sent
//	   │  ▲
//	   │  └── MarkRetry (network, 5xx: try again later)
//	   ▼
//	attention (rejected: needs the person) ──Resolve──▶ removed
type ItemState string

// Item states.
const (
	StatePending   ItemState = "pending"
	StateAttention ItemState = "attention"
	StateSent      ItemState = "sent"
)

// Problem is the portal's rejection of an item (problem+json): the HTTP
// status, the rule's code and the Russian detail to show the person.
type Problem struct {
	Status int               `json:"status"`
	Code   string            `json:"code,omitempty"`
	Detail string            `json:"detail,omitempty"`
	Field  string            `json:"field,omitempty"`
	Params map[string]string `json:"params,omitempty"`
}

// OutboxItem is a reading or a question waiting for the portal, or one the
// portal has received.
type OutboxItem struct {
	ID      uint64   `json:"id"` // big-endian NextSequence key
	Kind    ItemKind `json:"kind"`
	Profile Profile  `json:"profile"`
	Account string   `json:"account"`

	// Readings.
	Meter   string                 `json:"meter,omitempty"`
	Values  map[domain.Zone]string `json:"values,omitempty"` // exactly as typed
	TakenOn domain.Date            `json:"taken_on,omitzero"`
	Confirm bool                   `json:"confirm,omitempty"`

	// Questions.
	Topic string `json:"topic,omitempty"`
	Text  string `json:"text,omitempty"`

	// IdempotencyKey is a UUIDv4 made by Enqueue and stored in the same
	// transaction as the item, so every retry — even after a crash or a
	// restore from the journal — carries the same key and the portal
	// records the item once.
	IdempotencyKey string          `json:"idempotency_key"`
	State          ItemState       `json:"state"`
	Attempts       int             `json:"attempts,omitempty"`
	NextAttemptAt  time.Time       `json:"next_attempt_at,omitzero"`
	LastError      string          `json:"last_error,omitempty"` // Russian sentence of the last failed attempt
	Problem        *Problem        `json:"problem,omitempty"`    // set when State == attention
	CreatedAt      time.Time       `json:"created_at"`
	SentAt         time.Time       `json:"sent_at,omitzero"`
	Response       json.RawMessage `json:"response,omitempty"` // the portal's 2xx body
}

// unsent reports whether the portal has yet to accept the item.
func (it *OutboxItem) unsent() bool { return it.State != StateSent }

var errNoItem = errors.New("store: no such outbox item")

// Enqueue stores a new item: in one Update it gets the next ID, a fresh
// idempotency key, State pending and CreatedAt. Only after the commit is the
// item appended to the journal, and only then does Enqueue return, so the
// screen may say «сохранено» as soon as it does. The lifecycle fields of
// item (ID, key, state, attempts, errors, sent time, response) are ignored.
func (s *Store) Enqueue(item OutboxItem) (OutboxItem, error) {
	switch item.Kind {
	case KindReading, KindQuestion:
	default:
		return OutboxItem{}, fmt.Errorf("store: enqueue: unknown kind %q", item.Kind)
	}
	if _, err := item.Profile.key(); err != nil {
		return OutboxItem{}, err
	}
	item = OutboxItem{
		Kind:           item.Kind,
		Profile:        item.Profile,
		Account:        item.Account,
		Meter:          item.Meter,
		Values:         maps.Clone(item.Values),
		TakenOn:        item.TakenOn,
		Confirm:        item.Confirm,
		Topic:          item.Topic,
		Text:           item.Text,
		IdempotencyKey: newIdempotencyKey(),
		State:          StatePending,
		CreatedAt:      s.now(),
	}

	s.outboxMu.Lock()
	defer s.outboxMu.Unlock()
	err := s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketOutbox)
		if err != nil {
			return err
		}
		id, err := b.NextSequence()
		if err != nil {
			return err
		}
		item.ID = id
		v, err := encodeValue(item)
		if err != nil {
			return err
		}
		return b.Put(itemKey(id), v)
	})
	if err != nil {
		return OutboxItem{}, fmt.Errorf("store: enqueue: %w", err)
	}
	s.journalAfterCommitLocked(journalEntry{Op: opQueued, Item: &item}, true)
	return item, nil
}

// Item returns the outbox item with the given ID.
func (s *Store) Item(id uint64) (OutboxItem, bool, error) {
	var it OutboxItem
	var ok bool
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketOutbox)
		if b == nil {
			return nil
		}
		v := b.Get(itemKey(id))
		if v == nil {
			return nil
		}
		var err error
		it, err = decodeItem(v)
		it.ID = id
		ok = err == nil
		return err
	})
	if err != nil {
		return OutboxItem{}, false, fmt.Errorf("store: outbox item %d: %w", id, err)
	}
	return it, ok, nil
}

// Pending returns the profile's items still to send or needing the person
// (states pending and attention), by ID: the order they were entered in,
// which is the order the sender must keep per meter.
func (s *Store) Pending(p Profile) ([]OutboxItem, error) {
	items, err := s.scan(func(it *OutboxItem) bool { return it.Profile == p && it.unsent() })
	if err != nil {
		return nil, fmt.Errorf("store: pending: %w", err)
	}
	return items, nil
}

// Sent returns the profile's items the portal accepted at or after since,
// by ID.
func (s *Store) Sent(p Profile, since time.Time) ([]OutboxItem, error) {
	items, err := s.scan(func(it *OutboxItem) bool {
		return it.Profile == p && it.State == StateSent && !it.SentAt.Before(since)
	})
	if err != nil {
		return nil, fmt.Errorf("store: sent: %w", err)
	}
	return items, nil
}

// scan returns the outbox items keep accepts, by ID.
func (s *Store) scan(keep func(*OutboxItem) bool) ([]OutboxItem, error) {
	var out []OutboxItem
	err := s.db.View(func(tx *bolt.Tx) error {
		return forEachItemTx(tx, func(it OutboxItem) error {
			if keep(&it) {
				out = append(out, it)
			}
			return nil
		})
	})
	return out, err
}

// forEachItemTx calls fn for every outbox item in the caller's
// transaction, by ID.
func forEachItemTx(tx *bolt.Tx, fn func(OutboxItem) error) error {
	b := tx.Bucket(bucketOutbox)
	if b == nil {
		return nil
	}
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if len(k) != 8 || v == nil {
			return fmt.Errorf("outbox key %x: %w", k, ErrCorrupt)
		}
		it, err := decodeItem(v)
		if err != nil {
			return fmt.Errorf("outbox item %d: %w", binary.BigEndian.Uint64(k), err)
		}
		it.ID = binary.BigEndian.Uint64(k)
		if err := fn(it); err != nil {
			return err
		}
	}
	return nil
}

// anyUnsentTx reports whether the outbox holds an item not yet sent.
func anyUnsentTx(tx *bolt.Tx) (bool, error) {
	found := errors.New("found")
	err := forEachItemTx(tx, func(it OutboxItem) error {
		if it.unsent() {
			return found
		}
		return nil
	})
	if err == found {
		return true, nil
	}
	return false, err
}

// decodeItem decodes a stored outbox item and rejects one whose kind or
// state this build does not know.
func decodeItem(v []byte) (OutboxItem, error) {
	var it OutboxItem
	if err := decodeValue(v, &it); err != nil {
		return OutboxItem{}, err
	}
	switch it.Kind {
	case KindReading, KindQuestion:
	default:
		return OutboxItem{}, fmt.Errorf("item kind %q: %w", it.Kind, ErrCorrupt)
	}
	switch it.State {
	case StatePending, StateAttention, StateSent:
	default:
		return OutboxItem{}, fmt.Errorf("item state %q: %w", it.State, ErrCorrupt)
	}
	return it, nil
}

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
		if err != nil {
			return err
		}
		unsent, err = anyUnsentTx(tx)
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
// the journal keeps it.
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
		var err error
		unsent, err = anyUnsentTx(tx)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: resolve item %d: %w", id, err)
	}
	s.journalAfterCommitLocked(journalEntry{}, unsent)
	return nil
}
