package cabinet

import (
	"context"
	"encoding/json"
	"strconv"

	"kabinet/internal/domain"
	"kabinet/internal/store"
	"kabinet/internal/syncer"
)

// QueueReadingOn is QueueReading for values read on takenOn (zero: today).
func (s *Service) QueueReadingOn(account, meterID string, values map[domain.Zone]string, takenOn domain.Date, confirm bool) (QueuedReading, error) {
	eng, err := s.eng()
	if err != nil {
		return QueuedReading{}, err
	}
	q, err := eng.QueueReading(account, meterID, values, takenOn, confirm)
	if err != nil {
		return QueuedReading{}, err
	}
	return queuedOf(q), nil
}

// CorrectReadingOn is CorrectReading for values read on takenOn (zero:
// today).
func (s *Service) CorrectReadingOn(id uint64, values map[domain.Zone]string, takenOn domain.Date, confirm bool) (QueuedReading, error) {
	eng, err := s.eng()
	if err != nil {
		return QueuedReading{}, err
	}
	q, err := eng.CorrectReading(id, values, takenOn, confirm)
	if err != nil {
		return QueuedReading{}, err
	}
	return queuedOf(q), nil
}

// WaitingReading is a reading that waits to be sent, as a correction
// starts from it.
type WaitingReading struct {
	ID      uint64
	Account string
	// Meter is the meter as last received, with its zones.
	Meter   domain.Meter
	TakenOn domain.Date
	Values  map[domain.Zone]string
}

// ReadingToCorrect returns waiting reading id, to ask for its new values.
// A reading that can no longer be changed is refused with the
// *domain.Error that says why (domain.CodeNotQueued, CodeAlreadySent,
// CodeBeingSent, CodeUnknownMeter when its meter is gone).
func (s *Service) ReadingToCorrect(id uint64) (WaitingReading, error) {
	it, ok, err := s.st().Item(id)
	if err != nil {
		return WaitingReading{}, err
	}
	if !ok || it.Profile != s.profile() || it.Kind != store.KindReading {
		return WaitingReading{}, store.ErrNotQueued()
	}
	if err := it.ChangeError(); err != nil {
		return WaitingReading{}, err
	}
	doc, ok, err := s.st().Document(s.profile(), it.Account)
	if err != nil {
		return WaitingReading{}, err
	}
	if !ok {
		return WaitingReading{}, syncer.ErrNoData
	}
	for _, m := range doc.Doc.Meters {
		if m.ID == it.Meter {
			return WaitingReading{ID: id, Account: it.Account, Meter: m, TakenOn: it.TakenOn, Values: it.Values}, nil
		}
	}
	return WaitingReading{}, &domain.Error{Code: domain.CodeUnknownMeter, Field: "meter",
		Message: "Счётчика этих показаний больше нет на лицевом счёте. Отмените их отправку.",
		Params:  map[string]string{"id": strconv.FormatUint(id, 10)}}
}

// Outcome is what became of an item a send was tried for.
type Outcome struct {
	// Delivered: the portal accepted it; Message is its answer and
	// Receipt, when the answer held one, the portal's receipt for it.
	Delivered bool
	Message   string
	Receipt   *ReadingReceipt
	// Refused is the portal's reason when it did not accept it.
	Refused string
	// Err is why the send did not happen (no connection…) when the item
	// still waits; nil when it waits for another reason (a closed window,
	// an earlier refused reading of the meter).
	Err error
}

// SendNow sends what waits now and says what became of item id.
func (s *Service) SendNow(ctx context.Context, id uint64) (Outcome, error) {
	eng, err := s.eng()
	if err != nil {
		return Outcome{}, err
	}
	r := eng.SyncNow(ctx)
	it, _, err := s.st().Item(id)
	if err != nil {
		return Outcome{}, err
	}
	switch {
	case it.State == store.StateSent:
		var answer struct{ Message string }
		json.Unmarshal(it.Response, &answer) // no message is still a delivery
		o := Outcome{Delivered: true, Message: answer.Message}
		if r, ok := ReceiptOf(itemOf(it)); ok {
			o.Receipt = &r
		}
		return o, nil
	case it.State == store.StateAttention && it.Problem != nil:
		return Outcome{Refused: it.Problem.Detail}, nil
	}
	return Outcome{Err: r.Err}, nil
}
