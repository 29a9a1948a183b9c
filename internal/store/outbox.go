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
//
// Until an attempt to send it starts (ClaimForSending), a pending or
// refused item can also be withdrawn (Withdraw: removed) or, a reading,
// corrected (Correct: pending again with new values and a new key).
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

	// Dispatched is set by ClaimForSending, in a transaction of its own,
	// before an attempt to send the item starts, and cleared only when the
	// attempt certainly did not reach the portal (nothing was written, or
	// the portal refused it). While it is set the portal may hold the item
	// under its key, so the item can no longer be withdrawn or corrected.
	Dispatched bool `json:"dispatched,omitempty"`
}

// unsent reports whether the portal has yet to accept the item.
func (it *OutboxItem) unsent() bool { return it.State != StateSent }

// Changeable reports whether the item may still be withdrawn or corrected:
// the portal has not accepted it and no attempt that may have reached the
// portal is under way or unanswered.
func (it *OutboxItem) Changeable() bool { return it.unsent() && !it.Dispatched }

var errNoItem = errors.New("store: no such outbox item")

// ErrNotWaiting means ClaimForSending found the item gone (withdrawn) or no
// longer waiting to be sent; the sender skips it.
var ErrNotWaiting = errors.New("store: the outbox item no longer waits to be sent")

// Enqueue stores a new item: in one Update it gets the next ID, a fresh
// idempotency key, State pending and CreatedAt. Only after the commit is the
// item appended to the journal, and only then does Enqueue return, so the
// screen may say «сохранено» as soon as it does. The lifecycle fields of
// item (ID, key, state, attempts, errors, sent time, response) are ignored;
// NextAttemptAt keeps a reading typed while the window is closed until it
// opens.
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
		NextAttemptAt:  item.NextAttemptAt, // a reading kept for the window waits for it
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

// anyUnsentTx reports whether the outbox holds an item not yet sent. An
// item that does not decode counts as unsent: when in doubt the journal is
// kept rather than truncated.
func anyUnsentTx(tx *bolt.Tx) bool {
	b := tx.Bucket(bucketOutbox)
	if b == nil {
		return false
	}
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		it, err := decodeItem(v)
		if err != nil || it.unsent() {
			return true
		}
	}
	return false
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
