package portal

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"kabinet/internal/domain"
	"kabinet/internal/portaldb"
)

// readingRequest carries the values as strings, so the strict parser sees
// exactly what the person typed.
type readingRequest struct {
	Meter   string            `json:"meter"`
	Values  map[string]string `json:"values"`
	TakenOn string            `json:"taken_on,omitempty"`
	Confirm bool              `json:"confirm"`
}

// ReadingResponse is the answer to an accepted (or previewed) reading.
type ReadingResponse struct {
	Reading *domain.Reading `json:"reading,omitempty"`
	Charge  *domain.Charge  `json:"charge,omitempty"`
	// Replaces is the month's earlier reading this one replaces (or, in a
	// preview, would replace); the charge and the message are the month's.
	Replaces *ReplacedReading `json:"replaces,omitempty"`
	Message  string           `json:"message"`
}

// ReplacedReading names the month's reading a new one replaces.
type ReplacedReading struct {
	ID          string      `json:"id"`
	SubmittedOn domain.Date `json:"submitted_on"`
}

func replacedOf(a domain.Assessment) *ReplacedReading {
	if a.Replaces == nil {
		return nil
	}
	return &ReplacedReading{ID: a.Replaces.ID, SubmittedOn: a.ReplacesOn()}
}

// previewMessage is the answer to a preview: the month's consumption and
// its price, and which reading the new one would replace.
func previewMessage(a domain.Assessment, fraction int, charge *domain.Charge) string {
	used := domain.FormatKWh(a.Total, fraction)
	if a.Replaces != nil {
		return fmt.Sprintf("Расход за месяц %s кВт·ч, к оплате примерно %s. Новое показание заменит показания, переданные %s. Проверьте и нажмите «Передать показания».",
			used, charge.Total, a.ReplacesOn().DayMonth())
	}
	return fmt.Sprintf("Расход %s кВт·ч, к оплате примерно %s. Проверьте и нажмите «Передать показания».", used, charge.Total)
}

// acceptedMessage is the answer to an accepted reading.
func acceptedMessage(a domain.Assessment, fraction int, charge *domain.Charge) string {
	used := domain.FormatKWh(a.Total, fraction)
	if a.Replaces != nil {
		return fmt.Sprintf("Показания приняты %s и заменили показания, переданные %s. Расход за месяц %s кВт·ч, к оплате примерно %s.",
			a.TakenOn.Russian(), a.ReplacesOn().DayMonth(), used, charge.Total)
	}
	return fmt.Sprintf("Показания приняты %s. Расход %s кВт·ч, к оплате примерно %s.", a.TakenOn.Russian(), used, charge.Total)
}

func (s *Server) previewReading(w http.ResponseWriter, r *http.Request) {
	var req readingRequest
	if err := decode(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	var resp ReadingResponse
	err := s.db.Read(r.Context(), func(tx *portaldb.Tx) error {
		t, err := tx.ReadingTarget(r.Context(), sessionOf(r).CustomerID, "", r.PathValue("account"), req.Meter)
		if err != nil {
			return err
		}
		a, charge, err := s.checkReading(t, req)
		if err != nil {
			return err
		}
		resp.Charge, resp.Replaces = charge, replacedOf(a)
		resp.Message = previewMessage(a, t.Meter.FractionDigits, charge)
		return nil
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

// submitReading stores a reading once per Idempotency-Key: the check, the
// insert and the record of the answer commit in one transaction, and a
// retry with the key gets the stored answer back.
func (s *Server) submitReading(w http.ResponseWriter, r *http.Request) {
	key, err := idempotencyKey(r)
	if err != nil {
		s.refuseReading(w, r, err)
		return
	}
	var req readingRequest
	if err := decode(r, &req); err != nil {
		s.refuseReading(w, r, err)
		return
	}
	sess := sessionOf(r)
	op := newOnce(r, sess.CustomerID, key, req)
	err = s.db.Write(r.Context(), func(tx *portaldb.Tx) error {
		// The stored answer, the account (locked), the meter and the
		// tariff, in one round trip on PostgreSQL.
		t, err := tx.ReadingTarget(r.Context(), sess.CustomerID, key, r.PathValue("account"), req.Meter)
		if err != nil {
			return err
		}
		if t.Replay != nil {
			return op.replay(*t.Replay)
		}
		a, charge, err := s.checkReading(t, req)
		if err != nil {
			return err
		}
		ref := t.Ref
		meterID, _ := portaldb.MeterID(req.Meter)
		id, err := tx.InsertReading(r.Context(), ref.ID, portaldb.NewReading{MeterID: meterID, Period: a.Period, TakenOn: a.TakenOn,
			Source: domain.SourceCustomer, Values: a.Values, Consumption: a.Consumption, Rollover: a.Rollover})
		if err != nil {
			return err
		}
		reading, err := tx.Reading(r.Context(), id)
		if err != nil {
			return err
		}
		return op.record(r.Context(), tx, http.StatusCreated, ReadingResponse{Reading: &reading, Charge: charge, Replaces: replacedOf(a),
			Message: acceptedMessage(a, t.Meter.FractionDigits, charge)})
	})
	if err != nil {
		s.refuseReading(w, r, err)
		return
	}
	if op.replayed {
		s.metrics.ObserveReading(readingReplayed)
	} else {
		s.log.Info("reading accepted")
		s.metrics.ObserveReading(readingAccepted)
	}
	op.write(w)
}

// Results of a reading submission in the metrics, besides problem codes.
const (
	readingAccepted = "accepted"
	// readingReplayed is a retry answered from the idempotency record;
	// only accepted readings are recorded, so it is a success too.
	readingReplayed = "replayed"
)

// refuseReading answers a submission with err and counts the refusal by the
// code the answer carries.
func (s *Server) refuseReading(w http.ResponseWriter, r *http.Request, err error) {
	s.metrics.ObserveReading(problemCode(err))
	s.writeError(w, r, err)
}

// problemCode is the code writeError answers err with: a bounded set of
// constants, never a value from the request.
func problemCode(err error) string {
	var p *Problem
	var de *domain.Error
	switch {
	case errors.As(err, &p):
		return p.Code
	case errors.As(err, &de):
		return string(de.Code)
	}
	return codeInternal
}

// checkReading runs every rule on a reading request against what
// ReadingTarget read and prices the result at today's tariff.
func (s *Server) checkReading(t portaldb.ReadingTarget, req readingRequest) (domain.Assessment, *domain.Charge, error) {
	if errors.Is(t.RefErr, portaldb.ErrNotFound) {
		return domain.Assessment{}, nil, errNoAccount
	}
	if t.RefErr != nil {
		return domain.Assessment{}, nil, t.RefErr
	}
	if errors.Is(t.MeterErr, portaldb.ErrNotFound) {
		return domain.Assessment{}, nil, &domain.Error{Code: domain.CodeUnknownMeter, Field: "meter",
			Message: "Такого счётчика нет на этом лицевом счёте. Обновите данные и выберите счётчик из списка."}
	}
	if t.MeterErr != nil {
		return domain.Assessment{}, nil, t.MeterErr
	}
	meter := t.Meter
	sub := domain.Submission{Values: make(map[domain.Zone]string, len(req.Values)), Confirm: req.Confirm}
	for z, v := range req.Values {
		sub.Values[domain.Zone(strings.ToLower(z))] = v
	}
	if req.TakenOn != "" {
		var err error
		if sub.TakenOn, err = domain.ParseDate(req.TakenOn); err != nil {
			return domain.Assessment{}, nil, &domain.Error{Code: domain.CodeBadDate, Field: "taken_on",
				Message: "Дата снятия показаний записана неверно. Укажите дату в виде ГГГГ-ММ-ДД."}
		}
	}
	now := s.now()
	a, err := domain.CheckReading(&meter, sub, now, s.window)
	if err != nil {
		return a, nil, err
	}
	if t.TariffErr != nil {
		return a, nil, fmt.Errorf("tariff of account %d: %w", t.Ref.ID, t.TariffErr)
	}
	charge, err := t.Tariff.Price(a.Consumption, domain.DateOf(now, domain.Moscow))
	if err != nil {
		return a, nil, err
	}
	return a, &charge, nil
}

// idempotencyKey reads the Idempotency-Key header: an sf-string (quoted) or a
// bare token, 8 to 255 visible ASCII characters.
func idempotencyKey(r *http.Request) (string, error) {
	values := r.Header.Values("Idempotency-Key")
	if len(values) == 0 {
		return "", problem(http.StatusBadRequest, codeKeyRequired, "В запросе нет заголовка Idempotency-Key. Обновите программу.")
	}
	key := strings.TrimSpace(values[0])
	if len(key) >= 2 && key[0] == '"' && key[len(key)-1] == '"' {
		key = key[1 : len(key)-1]
	}
	ok := len(values) == 1 && len(key) >= 8 && len(key) <= 255
	for i := 0; ok && i < len(key); i++ {
		ok = key[i] > ' ' && key[i] < 0x7f && key[i] != '"'
	}
	if !ok {
		return "", problem(http.StatusBadRequest, codeBadKey, "Заголовок Idempotency-Key записан неверно. Обновите программу.")
	}
	return key, nil
}

func keyReused() *Problem {
	return problem(http.StatusUnprocessableEntity, codeKeyReused,
		"Этот запрос уже был отправлен с другими данными. Обновите данные и отправьте показания заново.")
}

// requestHash fingerprints what a request asks for: the route, the account
// and the decoded body (so whitespace does not matter, content does).
func requestHash(r *http.Request, req any) []byte {
	body, _ := json.Marshal(req)
	h := sha256.New()
	fmt.Fprintf(h, "%s %s\n", r.Method, r.URL.Path)
	h.Write(body)
	return h.Sum(nil)
}
