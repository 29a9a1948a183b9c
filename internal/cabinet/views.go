package cabinet

// The view models the screens and the command line get from the Service:
// plain values made from the store's and the sync engine's types, so that
// neither app/ nor internal/cli needs to know how the outbox is kept or
// how the engine works.

import (
	"encoding/json"
	"strings"
	"time"

	"kabinet/internal/domain"
	"kabinet/internal/portalclient"
	"kabinet/internal/store"
	"kabinet/internal/syncer"
)

// Document is an account's data as last received from the portal.
type Document struct {
	Doc       domain.AccountDocument
	FetchedAt time.Time // when these data came from the portal
}

// ItemKind says what a person sent.
type ItemKind string

// Item kinds.
const (
	KindReading  ItemKind = "reading"
	KindQuestion ItemKind = "question"
)

// ItemState is where something the person sent is now.
type ItemState string

// Item states.
const (
	// Waiting: on this computer, to be sent (now, after a failed attempt,
	// or when the reading window opens).
	Waiting ItemState = "waiting"
	// Refused: the portal did not accept it; Problem says why.
	Refused ItemState = "refused"
	// Delivered: the portal accepted it; Answer holds its reply.
	Delivered ItemState = "delivered"
)

// Problem is why the portal refused an item, or why the last attempt to
// send it failed. Code is a domain code when the portal gave one; Detail
// is the portal's own (Russian) sentence, shown only when the code is not
// known to the window.
type Problem struct {
	Code   domain.Code
	Detail string
	Field  string
	Params map[string]string
}

// Answer is the portal's reply to an accepted reading.
type Answer struct {
	Message string          // the portal's sentence («Показания приняты…»)
	Reading *domain.Reading // the reading as the portal recorded it
	// AcceptedAt is when the portal accepted the reading, by its clock
	// (the reading's submitted_at); when the answer lacks it, when this
	// computer got the answer.
	AcceptedAt time.Time
	// Receipt is the number of the portal's receipt («00412»), "" when
	// the answer has none (a reading sent through a proxy that mangled
	// the answer).
	Receipt string
}

// Item is a reading or question the person sent from this computer.
type Item struct {
	ID      uint64
	Kind    ItemKind
	Account string

	// Readings.
	Meter   string
	Values  map[domain.Zone]string // exactly as typed
	TakenOn domain.Date
	Confirm bool // the person confirmed an unusual value

	// Questions.
	Topic, Text string

	State ItemState
	// Changeable: no attempt that may have reached the portal is under
	// way or unanswered, so the person may still withdraw or correct it.
	Changeable bool
	// Tried: at least one attempt to send it failed.
	Tried bool
	// NextAttempt is when a waiting item will be tried; for a reading kept
	// for a closed window (not Tried) it is the window's opening.
	NextAttempt time.Time
	// Problem: why it was refused (Refused) or why the last attempt failed.
	Problem   *Problem
	CreatedAt time.Time
	// SentAt is when the portal accepted it (Delivered).
	SentAt time.Time
	// Answer is the portal's reply to an accepted reading.
	Answer *Answer
}

// KeptForWindow reports whether a waiting reading is kept until the
// reading window opens, rather than waiting for the network.
func (it Item) KeptForWindow(now time.Time) bool {
	return it.State == Waiting && !it.Tried && it.NextAttempt.After(now)
}

// itemOf makes the view of an outbox item.
func itemOf(it store.OutboxItem) Item {
	v := Item{
		ID: it.ID, Kind: ItemKind(it.Kind), Account: it.Account,
		Meter: it.Meter, Values: it.Values, TakenOn: it.TakenOn, Confirm: it.Confirm,
		Topic: it.Topic, Text: it.Text,
		Changeable:  it.Changeable(),
		Tried:       it.Attempts > 0 || it.LastError != "",
		NextAttempt: it.NextAttemptAt,
		CreatedAt:   it.CreatedAt, SentAt: it.SentAt,
	}
	switch it.State {
	case store.StateSent:
		v.State = Delivered
	case store.StateAttention:
		v.State = Refused
	default:
		v.State = Waiting
	}
	if it.Problem != nil {
		v.Problem = &Problem{Code: domain.Code(it.Problem.Code), Detail: it.Problem.Detail, Field: it.Problem.Field, Params: it.Problem.Params}
	} else if it.LastError != "" {
		v.Problem = &Problem{Detail: it.LastError}
	}
	if it.State == store.StateSent && it.Kind == store.KindReading {
		var r portalclient.ReadingResult
		if len(it.Response) > 0 && json.Unmarshal(it.Response, &r) == nil {
			v.Answer = &Answer{Message: strings.TrimSpace(r.Message), Reading: r.Reading, AcceptedAt: it.SentAt}
			if r.Reading != nil {
				// Kept with the item (the portal's whole answer, stored when
				// it was marked sent), so the receipt shows offline and
				// after a restart; an answer of an older portal without
				// "receipt" gets the number its reading's id gives.
				v.Answer.Receipt = r.Reading.ReceiptNo()
				if at := r.Reading.AcceptedAt(); !at.IsZero() {
					v.Answer.AcceptedAt = at
				}
			}
		} else {
			v.Answer = &Answer{AcceptedAt: it.SentAt}
		}
	}
	return v
}

func itemsOf(list []store.OutboxItem) []Item {
	out := make([]Item, 0, len(list))
	for _, it := range list {
		out = append(out, itemOf(it))
	}
	return out
}

// QueuedReading is what queueing (or correcting) a reading did.
type QueuedReading struct {
	Item Item
	// Assessment is the local check: values and consumption.
	Assessment domain.Assessment
	// DeferredUntil is set when the window is closed: the reading is kept
	// and sent when the next window opens.
	DeferredUntil time.Time
	Notice        string
}

func queuedOf(q syncer.Queued) QueuedReading {
	return QueuedReading{Item: itemOf(q.Item), Assessment: q.Assessment, DeferredUntil: q.DeferredUntil, Notice: q.Notice}
}

// SyncStatus is what every screen shows about sending and freshness.
type SyncStatus struct {
	Waiting     int       // queued, will be sent
	Refused     int       // refused by the portal, the person must look
	Paused      bool      // the session ended: nothing is sent until a login
	LastSuccess time.Time // the last pass that reached the portal
	NextAttempt time.Time // when a waiting item will be tried
	LastError   error     // the last failure, if the last pass failed
}

// SyncReport is what one pass did.
type SyncReport struct {
	Sent, Refused, Waiting int
	Refreshed, Unchanged   []string // accounts whose data changed / were current
	Err                    error
}

// EventKind says what happened in the background.
type EventKind int

// Event kinds. A screen learns what became of an item from these, never by
// polling the outbox.
const (
	SyncStarted EventKind = iota
	SyncFinished
	// ItemDelivered: the portal accepted Item (Item.Answer holds its reply).
	ItemDelivered
	// ItemRefused: the portal refused Item (Item.Problem says why).
	ItemRefused
	// ItemRetrying: an attempt to send Item failed (offline, portal
	// trouble); it is tried again at NextAttempt.
	ItemRetrying
	// ItemBlocked: Item waits behind an earlier item of the same meter
	// (or the question queue), Behind, that the portal refused: it is not
	// sent until the person corrects or discards that one.
	ItemBlocked
	// ItemKept: Item is a reading kept for the reading window; it goes at
	// NextAttempt.
	ItemKept
	// DataRefreshed: Account's data changed.
	DataRefreshed
	// PausedForLogin: the portal ended the session; nothing is sent until
	// the person logs in again. Item, when set, is one that waits for it.
	PausedForLogin
	// PaymentChanged: an online payment followed in the background
	// changed (Payment); a paid one was synced before.
	PaymentChanged
)

// Event is what the Service tells the window, on the engine's goroutine.
type Event struct {
	Kind        EventKind
	Item        *Item
	Behind      uint64 // ItemBlocked: the refused item it waits behind
	Account     string
	Report      *SyncReport // SyncFinished
	Err         error
	NextAttempt time.Time
	Payment     *PaymentView // PaymentChanged
}

func eventOf(e syncer.Event) Event {
	v := Event{Account: e.Account, Err: e.Err, NextAttempt: e.NextAttempt, Behind: e.Behind}
	if e.Item != nil {
		it := itemOf(*e.Item)
		v.Item = &it
	}
	switch e.Kind {
	case syncer.SyncStarted:
		v.Kind = SyncStarted
	case syncer.SyncFinished:
		v.Kind = SyncFinished
		if e.Report != nil {
			r := reportOf(*e.Report)
			v.Report = &r
		}
	case syncer.ItemSent:
		v.Kind = ItemDelivered
	case syncer.ItemNeedsAttention:
		v.Kind = ItemRefused
	case syncer.Waiting:
		v.Kind = ItemRetrying
	case syncer.DataRefreshed:
		v.Kind = DataRefreshed
	case syncer.Paused:
		v.Kind = PausedForLogin
	case syncer.Blocked:
		v.Kind = ItemBlocked
	case syncer.Kept:
		v.Kind = ItemKept
	}
	return v
}

func reportOf(r syncer.Report) SyncReport {
	return SyncReport{Sent: r.Sent, Refused: r.Attention, Waiting: r.Waiting, Refreshed: r.Refreshed, Unchanged: r.Unchanged, Err: r.Err}
}
