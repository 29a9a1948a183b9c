package portal

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"kabinet/internal/domain"
	"kabinet/internal/portaldb"
)

var errNoAccount = problem(http.StatusNotFound, codeNotFound, "Такого лицевого счёта нет среди ваших. Проверьте номер или обновите список счетов.")

func (s *Server) accounts(w http.ResponseWriter, r *http.Request) {
	var list []domain.AccountSummary
	err := s.db.Read(r.Context(), func(tx *portaldb.Tx) error {
		var err error
		list, err = tx.Accounts(r.Context(), sessionOf(r).CustomerID)
		return err
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if list == nil {
		list = []domain.AccountSummary{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"accounts": list})
}

// etag names the state of an account's document: its latest change, the day
// (the window and the balance date follow the calendar) and the window
// configuration.
func (s *Server) etag(ref portaldb.AccountRef) string {
	return DocumentETag(s.db.Epoch(), ref.ID, ref.Seq, domain.DateOf(s.now(), domain.Moscow), s.window)
}

// DocumentETag is the ETag of the document of account accountID at change
// seq of database epoch on day today under window w. Exported for the load
// test, which replays apps that already hold a document.
func DocumentETag(epoch string, accountID, seq int64, today domain.Date, w domain.SubmissionWindow) string {
	h := sha256.Sum256(fmt.Appendf(nil, "%s|%d|%d|%s|%d-%d", epoch, accountID, seq, today, w.StartDay, w.EndDay))
	return `"` + hex.EncodeToString(h[:12]) + `"`
}

func (s *Server) cursor(ref portaldb.AccountRef) string { return DocumentCursor(s.db.Epoch(), ref.Seq) }

// DocumentCursor is the cursor of a document at change seq, which an app
// sends back as since=.
func DocumentCursor(epoch string, seq int64) string {
	return epoch + "." + strconv.FormatInt(seq, 10)
}

// parseCursor returns the change number in a cursor this database issued
// for this account, or false when it cannot be used.
func (s *Server) parseCursor(c string, ref portaldb.AccountRef) (int64, bool) {
	epoch, num, ok := strings.Cut(c, ".")
	if !ok || epoch != s.db.Epoch() {
		return 0, false
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 || n > ref.Seq {
		return 0, false
	}
	return n, true
}

func (s *Server) accountDocument(w http.ResponseWriter, r *http.Request) {
	sess := sessionOf(r)
	ref, err := sess.ref, sess.refErr
	if !sess.prefetched {
		ref, err = s.db.AccountRef(r.Context(), sess.CustomerID, r.PathValue("account"))
	}
	if errors.Is(err, portaldb.ErrNotFound) {
		s.writeError(w, r, errNoAccount)
		return
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if inm := r.Header.Get("If-None-Match"); inm != "" && etagMatches(inm, s.etag(ref)) {
		w.Header().Set("ETag", s.etag(ref))
		w.Header().Set("Cache-Control", "no-cache")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	var since int64
	if c := r.URL.Query().Get("since"); c != "" {
		var ok bool
		if since, ok = s.parseCursor(c, ref); !ok {
			s.writeError(w, r, problem(http.StatusGone, codeCursorExpired, "Сохранённые данные устарели. Программа загрузит их заново."))
			return
		}
	}
	var doc *domain.AccountDocument
	err = s.db.Read(r.Context(), func(tx *portaldb.Tx) error {
		// The ref is read again inside the snapshot: the document and its
		// cursor must describe the same moment.
		var err error
		if ref, err = tx.AccountRef(r.Context(), ref.CustomerID, ref.Number); err != nil {
			return err
		}
		doc, err = tx.Document(r.Context(), ref, since, s.window)
		return err
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	doc.Cursor = s.cursor(ref)
	w.Header().Set("ETag", s.etag(ref))
	writeJSON(w, http.StatusOK, doc)
}

// etagMatches implements If-None-Match's list and "*" (RFC 9110 §13.1.2),
// with the weak comparison the header calls for.
func etagMatches(header, etag string) bool {
	for part := range strings.SplitSeq(header, ",") {
		part = strings.TrimPrefix(strings.TrimSpace(part), "W/")
		if part == "*" || part == etag {
			return true
		}
	}
	return false
}

type subscriptionsRequest struct {
	EmailBills     bool `json:"email_bills"`
	SMSReminders   bool `json:"sms_reminders"`
	EmailReminders bool `json:"email_reminders"`
}

func (s *Server) setSubscriptions(w http.ResponseWriter, r *http.Request) {
	var req subscriptionsRequest
	if err := decode(r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	sess := sessionOf(r)
	var out domain.Subscriptions
	err := s.db.Write(r.Context(), func(tx *portaldb.Tx) error {
		ref, err := tx.AccountRef(r.Context(), sess.CustomerID, r.PathValue("account"))
		if errors.Is(err, portaldb.ErrNotFound) {
			return errNoAccount
		}
		if err != nil {
			return err
		}
		cust, err := tx.CustomerByID(r.Context(), sess.CustomerID)
		if err != nil {
			return err
		}
		if req.EmailBills && cust.Email == "" {
			p := problem(http.StatusUnprocessableEntity, codeEmailRequired, "Чтобы получать счета по электронной почте, сначала укажите адрес почты в «Настройках личного кабинета».")
			p.Field = "email_bills"
			return p
		}
		if req.EmailReminders && cust.Email == "" {
			p := problem(http.StatusUnprocessableEntity, codeEmailRequired, "Чтобы получать напоминания по электронной почте, сначала укажите адрес почты в «Настройках личного кабинета».")
			p.Field = "email_reminders"
			return p
		}
		out = domain.Subscriptions{EmailBills: req.EmailBills, SMSReminders: req.SMSReminders, EmailReminders: req.EmailReminders, Email: cust.Email}
		return tx.SetSubscriptions(r.Context(), ref.ID, out)
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}
