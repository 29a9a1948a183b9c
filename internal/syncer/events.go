package syncer

import (
	"time"

	"kabinet/internal/store"
)

// EventKind says what happened.
type EventKind int

// Event kinds.
const (
	SyncStarted EventKind = iota
	SyncFinished
	ItemSent           // an item was delivered (Item)
	ItemNeedsAttention // the portal refused an item (Item, Message)
	Waiting            // an attempt failed; the item waits until NextAttempt
	DataRefreshed      // an account's data changed (Account)
	Paused             // the session ended: nothing is sent until a new login (Item: one that waits for it, or none)
	Blocked            // Item waits behind Behind, an item of its lane the portal refused
	Kept               // Item is a reading kept for the reading window; it goes at NextAttempt
)

// Event is what the engine tells the GUI.
type Event struct {
	Kind        EventKind
	Time        time.Time
	Item        *store.OutboxItem
	Account     string
	Report      *Report
	Err         error
	Message     string // a Russian sentence for a person, when there is one
	NextAttempt time.Time
	Behind      uint64 // Blocked: the refused item that holds Item back
}

// Status is what every screen shows about sync: what waits to be sent and
// how fresh the data is.
type Status struct {
	Pending     int       // queued, will be sent
	Attention   int       // refused, the person must look
	Paused      bool      // logged out: nothing is sent until a login
	LastSuccess time.Time // the last pass that reached the portal without error
	NextAttempt time.Time // when a waiting item will be tried
	LastError   string    // the last failure, in Russian
	LastErr     error     // the last failure itself (its code says what to do)
}

// Status returns the engine's state now.
func (e *Engine) Status() Status {
	items, _ := e.cfg.Store.Pending(e.cfg.Profile)
	e.mu.Lock()
	st := Status{Paused: e.paused, LastSuccess: e.lastSuccess, LastError: e.lastError, LastErr: e.lastErr}
	e.mu.Unlock()
	for _, it := range items {
		switch it.State {
		case store.StatePending:
			st.Pending++
			if st.NextAttempt.IsZero() || it.NextAttemptAt.Before(st.NextAttempt) {
				st.NextAttempt = it.NextAttemptAt
			}
		case store.StateAttention:
			st.Attention++
		}
	}
	return st
}

// CheckedAt returns when the portal last confirmed the account's data
// (a 304 counts), for «Данные на …».
func (e *Engine) CheckedAt(account string) time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.checked[account]
}
