// Package cabinet is the personal account as the app's screens see it: one
// Service that logs a person in and out, keeps their data in the local
// store, queues what they send, and keeps everything in step with the
// portal in the background. Screens ask it; they never talk HTTP or bbolt.
//
// On a public computer (Config.Public) the store is a temporary file that
// logout deletes, the session token lives in memory only, and logout says
// what was and was not sent.
package cabinet

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"kabinet/internal/domain"
	"kabinet/internal/pdf"
	"kabinet/internal/portalclient"
	"kabinet/internal/search"
	"kabinet/internal/store"
	"kabinet/internal/syncer"
	"kabinet/internal/tokens"
)

// Config is what a Service is built from.
type Config struct {
	// Portal is the portal's address; "" → the one last logged in to on
	// this (home) computer. When neither is known, only Portal, Customer,
	// Forget and Close may be called.
	Portal string
	// Public is the public-computer mode.
	Public bool
	// StorePath is the store file on a home computer; "" → store.DefaultPath.
	StorePath string
	// Keeper keeps the session token; nil → the OS keyring (home) or memory.
	Keeper tokens.Keeper
	// Devices keeps the device token of the portal's throttling; nil → the
	// OS keyring or a file beside the store at home, nothing in public.
	Devices tokens.Devices
	// Verify checks the store file in a child process; nil skips the check.
	Verify func(path string) error
	// Now is the clock; nil → time.Now.
	Now func() time.Time
	// ClientOptions tune the portal client.
	ClientOptions portalclient.Options
	// OnEvent receives what happens in the background (on the sync
	// engine's goroutine).
	OnEvent func(Event)
	// Foreground runs no sync in the background: data go and come only
	// when SyncNow is called, as the command line wants. A payment is
	// then not followed in the background either (see FollowPayment).
	Foreground bool
	// PaymentPoll is the first pause between questions about a payment's
	// status; 0 → 2 s. It grows to 10 s.
	PaymentPoll time.Duration
}

// Service is the personal account of one person on this computer.
type Service struct {
	cfg    Config
	store  *store.Store
	client *portalclient.Client

	mu       sync.Mutex
	customer string
	engine   *syncer.Engine
	cancel   context.CancelFunc
	done     chan struct{}
	recovery store.Recovery
	docsDir  string // printed documents
	payments followers
}

// ErrNotLoggedIn means an action needs a login first.
var ErrNotLoggedIn error = &domain.Error{Code: domain.CodeNotLoggedIn, Message: "Войдите в личный кабинет."}

// ErrNoData means the account's data have not been received yet.
var ErrNoData = syncer.ErrNoData

// ErrOfflineAction means the action needs the portal and it cannot be
// reached; nothing was changed.
var ErrOfflineAction error = &domain.Error{Code: domain.CodeNeedsConnection,
	Message: "Нет связи с порталом. Это действие требует связи — попробуйте, когда появится интернет."}

// onEvent hands the engine's events to the window as views.
func (s *Service) onEvent(e syncer.Event) {
	if s.cfg.OnEvent != nil {
		s.cfg.OnEvent(eventOf(e))
	}
}

// Open opens the local store and the portal client.
func Open(cfg Config) (*Service, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Keeper == nil {
		if cfg.Public {
			cfg.Keeper = tokens.NewMemory()
		} else {
			cfg.Keeper = tokens.New()
		}
	}
	s := &Service{cfg: cfg}
	var err error
	if cfg.Public {
		s.store, err = store.OpenTemporary(store.Options{Now: cfg.Now})
	} else {
		path := cfg.StorePath
		if path == "" {
			if path, err = store.DefaultPath(); err != nil {
				return nil, err
			}
		}
		s.store, s.recovery, err = store.OpenChecked(path, store.Options{Now: cfg.Now}, cfg.Verify)
		if s.cfg.Devices == nil {
			s.cfg.Devices = tokens.DevicesBeside(cfg.Keeper, filepath.Dir(path))
		}
	}
	if s.cfg.Public || s.cfg.Devices == nil {
		// A public computer is nobody's own device.
		s.cfg.Devices = tokens.NoDevices()
	}
	if err != nil {
		return nil, err
	}
	if err := s.connect(); err != nil {
		s.store.Close()
		return nil, err
	}
	return s, nil
}

// Recovery says whether the store had to be rebuilt at Open.
func (s *Service) Recovery() store.Recovery { return s.recovery }

// Public reports the public-computer mode.
func (s *Service) Public() bool { return s.cfg.Public }

// Portal returns the portal's address; "" when none is known (see
// Config.Portal).
func (s *Service) Portal() string {
	if s.client == nil {
		return ""
	}
	return s.client.BaseURL()
}

// Close stops the engine and closes the store (a public store is deleted).
func (s *Service) Close() error {
	s.stopFollowingAll()
	s.stopEngine()
	s.removeDocuments()
	return s.st().Close()
}

func (s *Service) profile() store.Profile {
	s.mu.Lock()
	defer s.mu.Unlock()
	return store.Profile{Portal: s.Portal(), Customer: s.customer}
}

// st returns the current store: a public logout replaces it with a fresh
// one while screens may still be reading.
func (s *Service) st() *store.Store {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.store
}

func profileKey(p store.Profile) string { return p.Portal + "|" + p.Customer }

// Customer returns the logged-in customer number, or "".
func (s *Service) Customer() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.customer
}

// LastCustomer is the customer who last logged in on this (home) computer,
// to fill the login form.
func (s *Service) LastCustomer() string {
	if s.cfg.Public {
		return ""
	}
	c, _, _ := s.st().Setting("customer")
	return c
}

// Resume continues the last session of a home computer when its token is
// still kept; it reports whether it did. Offline, the person sees the data
// already stored and the queue waits for the connection.
func (s *Service) Resume(ctx context.Context) bool {
	customer := s.LastCustomer()
	if customer == "" {
		return false
	}
	tok, err := s.cfg.Keeper.Load(profileKey(store.Profile{Portal: s.client.BaseURL(), Customer: customer}))
	if err != nil {
		return false
	}
	s.client.SetToken(tok)
	s.startSession(ctx, customer)
	return true
}

// Login logs the customer in; mustChange means a temporary password was
// used and a new one must be chosen before anything else.
func (s *Service) Login(ctx context.Context, customer, password string) (mustChange bool, err error) {
	customer = strings.TrimSpace(customer)
	key := profileKey(store.Profile{Portal: s.client.BaseURL(), Customer: customer})
	device, _ := s.cfg.Devices.Load(key)
	sess, err := s.client.LoginFromDevice(ctx, customer, password, device)
	if err != nil {
		return false, err
	}
	if sess.DeviceToken != "" {
		// Losing it costs only this computer's standing at the next
		// attack on the account: not worth failing the login for.
		s.cfg.Devices.Save(key, sess.DeviceToken)
	}
	if !s.cfg.Public {
		if err := s.st().SetSetting("customer", customer); err != nil {
			return false, err
		}
		s.st().SetSetting("portal", s.client.BaseURL())
	}
	s.cfg.Keeper.Save(profileKey(store.Profile{Portal: s.client.BaseURL(), Customer: customer}), sess.Token)
	if sess.MustChangePassword {
		s.mu.Lock()
		s.customer = customer
		s.mu.Unlock()
		return true, nil
	}
	s.startSession(ctx, customer)
	return false, nil
}

// startSession starts the engine for the customer and, unless
// Config.Foreground, refreshes the list of accounts in the background and
// keeps the data in step.
func (s *Service) startSession(ctx context.Context, customer string) {
	s.stopEngine()
	s.mu.Lock()
	s.customer = customer
	p := store.Profile{Portal: s.client.BaseURL(), Customer: customer}
	s.engine = syncer.New(syncer.Config{Store: s.store, Portal: s.client, Profile: p, Now: s.cfg.Now, OnEvent: s.onEvent})
	if s.cfg.Foreground {
		s.mu.Unlock()
		return
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s.cancel, s.done = cancel, make(chan struct{})
	eng, done := s.engine, s.done
	s.mu.Unlock()
	go func() {
		defer close(done)
		// The list of accounts first: a new login may have new accounts.
		rctx, rcancel := context.WithTimeout(runCtx, 30*time.Second)
		eng.RefreshAccounts(rctx)
		rcancel()
		eng.Run(runCtx)
	}()
}

func (s *Service) stopEngine() {
	s.mu.Lock()
	cancel, done := s.cancel, s.done
	s.cancel, s.done = nil, nil
	s.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
}

func (s *Service) eng() (*syncer.Engine, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.engine == nil {
		return nil, ErrNotLoggedIn
	}
	return s.engine, nil
}

// ChangePassword sets a new password; after a temporary password it opens
// the session.
func (s *Service) ChangePassword(ctx context.Context, current, newPassword string) error {
	if err := domain.CheckNewPassword(newPassword, s.Customer()); err != nil {
		return err
	}
	if err := s.client.ChangePassword(ctx, current, newPassword); err != nil {
		return err
	}
	if _, err := s.eng(); err != nil {
		s.startSession(ctx, s.Customer())
	}
	return nil
}

// RecoverPassword asks the portal to send a new password by SMS.
func (s *Service) RecoverPassword(ctx context.Context, r portalclient.Recovery) (string, error) {
	return s.client.RecoverPassword(ctx, r)
}

// LogoutReport says what happened to the person's data at logout.
type LogoutReport struct {
	// Sent is what was delivered during this session.
	Sent []Item
	// Unsent is what could not be delivered: on a public computer it is
	// lost with the data, at home it waits for the next login.
	Unsent []Item
	// Wiped is true when nothing of the person remains on this computer.
	Wiped bool
}

// Logout tries a last delivery, ends the session on the portal, forgets
// the token and, on a public computer, deletes every stored byte.
func (s *Service) Logout(ctx context.Context, since time.Time) (LogoutReport, error) {
	p := s.profile()
	if eng, err := s.eng(); err == nil {
		sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		eng.SyncNow(sctx)
		cancel()
	}
	s.stopFollowingAll()
	s.stopEngine()
	var r LogoutReport
	sent, _ := s.st().Sent(p, since)
	unsent, _ := s.st().Pending(p)
	r.Sent, r.Unsent = itemsOf(sent), itemsOf(unsent)
	lctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	s.client.Logout(lctx)
	cancel()
	s.client.SetToken("")
	s.cfg.Keeper.Delete(profileKey(p))
	s.mu.Lock()
	s.customer, s.engine = "", nil
	s.mu.Unlock()
	s.removeDocuments()
	if s.cfg.Public {
		// A fresh temporary store for the next visitor.
		fresh, err := store.OpenTemporary(store.Options{Now: s.cfg.Now})
		if err != nil {
			return r, err
		}
		s.mu.Lock()
		old := s.store
		s.store = fresh
		s.mu.Unlock()
		if err := old.Wipe(); err != nil {
			return r, err
		}
		r.Wiped = true
	}
	return r, nil
}

// SyncNow sends what waits and refreshes the data now.
func (s *Service) SyncNow(ctx context.Context) (SyncReport, error) {
	eng, err := s.eng()
	if err != nil {
		return SyncReport{}, err
	}
	return reportOf(eng.SyncNow(ctx)), nil
}

// Status is the sync state for the status line.
func (s *Service) Status() SyncStatus {
	eng, err := s.eng()
	if err != nil {
		return SyncStatus{}
	}
	st := eng.Status()
	return SyncStatus{Waiting: st.Pending, Refused: st.Attention, Paused: st.Paused,
		LastSuccess: st.LastSuccess, NextAttempt: st.NextAttempt, LastError: st.LastErr}
}

// Accounts returns the customer's accounts as last received.
func (s *Service) Accounts() ([]domain.AccountSummary, error) {
	list, _, _, err := s.st().Accounts(s.profile())
	return list, err
}

// Document returns an account's data as last received.
func (s *Service) Document(account string) (Document, bool, error) {
	d, ok, err := s.st().Document(s.profile(), account)
	if err != nil || !ok {
		return Document{}, ok, err
	}
	return Document{Doc: d.Doc, FetchedAt: d.FetchedAt}, true, nil
}

// FreshAt is when the account's data were last known to be current: the
// later of the last download and the last "nothing changed" answer. It
// reads the store's fetched-at key, not the document, so the status line
// and «Главная» can ask on every paint.
func (s *Service) FreshAt(account string) time.Time {
	t, _, _ := s.st().FetchedAt(s.profile(), account)
	if eng, err := s.eng(); err == nil {
		if c := eng.CheckedAt(account); c.After(t) {
			t = c
		}
	}
	return t
}

// Preview checks a reading against the stored data and prices it, offline,
// exactly as QueueReading will check it: counted from the previous month's
// accepted reading and replacing this month's one, the latest still queued
// in the outbox first (see syncer.Engine.CheckIn). A closed window does not
// stop a person from writing the reading down: it is checked as of the
// window's opening, when it will be sent, and QueueReading says when.
func (s *Service) Preview(account, meterID string, values map[domain.Zone]string, confirm bool) (domain.Assessment, *domain.Charge, error) {
	return s.preview(account, meterID, values, confirm, 0)
}

// PreviewCorrection is Preview for new values of waiting reading id: they
// are checked against the meter without that reading and those after it.
func (s *Service) PreviewCorrection(id uint64, values map[domain.Zone]string, confirm bool) (domain.Assessment, *domain.Charge, error) {
	it, ok, err := s.st().Item(id)
	if err != nil {
		return domain.Assessment{}, nil, err
	}
	if !ok || it.Profile != s.profile() {
		return domain.Assessment{}, nil, store.ErrNotQueued()
	}
	return s.preview(it.Account, it.Meter, values, confirm, id)
}

// preview checks against the meter as the readings queued before id (all
// of them when id is 0) leave it.
func (s *Service) preview(account, meterID string, values map[domain.Zone]string, confirm bool, id uint64) (domain.Assessment, *domain.Charge, error) {
	eng, err := s.eng()
	if err != nil {
		return domain.Assessment{}, nil, err
	}
	doc, ok, err := s.Document(account)
	if err != nil {
		return domain.Assessment{}, nil, err
	}
	if !ok {
		return domain.Assessment{}, nil, syncer.ErrNoData
	}
	check, err := eng.CheckInBefore(&doc.Doc, account, meterID, domain.Submission{Values: values, Confirm: confirm}, id)
	if err != nil {
		return check.Assessment, nil, err
	}
	a := check.Assessment
	for _, svc := range doc.Doc.Services {
		if svc.Tariff != nil {
			if c, err := svc.Tariff.Price(a.Consumption, domain.DateOf(s.cfg.Now(), domain.Moscow)); err == nil {
				return a, &c, nil
			}
		}
	}
	return a, nil, nil
}

// QueueReading saves a reading in the outbox (checked as the portal would)
// and wakes the engine to send it.
func (s *Service) QueueReading(account, meterID string, values map[domain.Zone]string, confirm bool) (QueuedReading, error) {
	eng, err := s.eng()
	if err != nil {
		return QueuedReading{}, err
	}
	q, err := eng.QueueReading(account, meterID, values, domain.Date{}, confirm)
	if err != nil {
		return QueuedReading{}, err
	}
	return queuedOf(q), nil
}

// AskQuestion queues a question for the company, checked against the
// portal's limits first (domain.CheckQuestion), so it cannot be refused later.
func (s *Service) AskQuestion(account, topic, text string) (Item, error) {
	eng, err := s.eng()
	if err != nil {
		return Item{}, err
	}
	if err := domain.CheckQuestion(topic, text); err != nil {
		return Item{}, err
	}
	it, err := eng.QueueQuestion(account, strings.TrimSpace(topic), strings.TrimSpace(text))
	if err != nil {
		return Item{}, err
	}
	return itemOf(it), nil
}

// Outbox lists what waits to be sent or needs attention.
func (s *Service) Outbox() ([]Item, error) {
	list, err := s.st().Pending(s.profile())
	return itemsOf(list), err
}

// SentSince lists what was delivered since t.
func (s *Service) SentSince(t time.Time) ([]Item, error) {
	list, err := s.st().Sent(s.profile(), t)
	return itemsOf(list), err
}

// Discard removes a refused item the person decided not to correct.
func (s *Service) Discard(id uint64) error { return s.st().Resolve(id) }

// CorrectReading replaces the values of a reading that waits to be sent
// or was refused (checked as QueueReading checks), keeping its place in
// the queue, and wakes the engine to send it. A reading the portal has or
// may have received is refused with a *domain.Error that says so.
func (s *Service) CorrectReading(id uint64, values map[domain.Zone]string, confirm bool) (QueuedReading, error) {
	eng, err := s.eng()
	if err != nil {
		return QueuedReading{}, err
	}
	q, err := eng.CorrectReading(id, values, domain.Date{}, confirm)
	if err != nil {
		return QueuedReading{}, err
	}
	return queuedOf(q), nil
}

// WithdrawReading removes a reading that waits to be sent, so it never
// is. A reading the portal has or may have received is refused with a
// *domain.Error that says so.
func (s *Service) WithdrawReading(id uint64) error {
	eng, err := s.eng()
	if err != nil {
		return err
	}
	_, err = eng.WithdrawReading(id)
	return err
}

// Questions fetches the customer's questions and answers (online).
func (s *Service) Questions(ctx context.Context) ([]domain.Question, error) {
	return s.client.Questions(ctx)
}

// SetSubscriptions changes an account's subscriptions (online) and
// refreshes the stored data.
func (s *Service) SetSubscriptions(ctx context.Context, account string, sub domain.Subscriptions) error {
	if _, err := s.client.SetSubscriptions(ctx, account, sub); err != nil {
		return err
	}
	s.SyncNow(ctx)
	return nil
}

// UpdateProfile changes the e-mail and phone (online); changing either
// needs the current password. A new phone is not set at once: the result's
// PendingPhone says a code went to it by SMS, which ConfirmPhone proves.
func (s *Service) UpdateProfile(ctx context.Context, email, phone, currentPassword string) (portalclient.ProfileResult, error) {
	if _, err := domain.NormalizeEmail(email); err != nil {
		return portalclient.ProfileResult{}, err
	}
	if _, err := domain.NormalizePhone(phone); err != nil {
		return portalclient.ProfileResult{}, err
	}
	res, err := s.client.UpdateProfile(ctx, email, phone, currentPassword)
	if err != nil {
		return res, err
	}
	s.SyncNow(ctx)
	return res, nil
}

// ConfirmPhone proves the new phone with the code from the SMS (online)
// and refreshes the stored data, which then show the new phone.
func (s *Service) ConfirmPhone(ctx context.Context, code string) (portalclient.ProfileResult, error) {
	code = strings.TrimSpace(code)
	if code == "" {
		return portalclient.ProfileResult{}, &domain.Error{Code: domain.CodePhoneCodeWrong, Field: "code", Message: "Введите код из SMS — 6 цифр."}
	}
	res, err := s.client.ConfirmPhone(ctx, code)
	if err != nil {
		return res, err
	}
	s.SyncNow(ctx)
	return res, nil
}

// News returns the stored news, newest first.
func (s *Service) News() ([]domain.News, time.Time, error) {
	var v struct{ News []domain.News }
	at, err := s.public("news", &v)
	return v.News, at, err
}

// About returns the stored «О компании» sections.
func (s *Service) About() ([]domain.AboutSection, time.Time, error) {
	var v struct{ Sections []domain.AboutSection }
	at, err := s.public("about", &v)
	return v.Sections, at, err
}

// Contacts returns the contact-centre phone and offices.
func (s *Service) Contacts() (string, []domain.Office, time.Time, error) {
	var v struct {
		Phone   string
		Offices []domain.Office
	}
	at, err := s.public("contacts", &v)
	return v.Phone, v.Offices, at, err
}

// FAQ returns the stored frequent questions.
func (s *Service) FAQ() ([]domain.FAQ, time.Time, error) {
	var v struct{ FAQ []domain.FAQ }
	at, err := s.public("faq", &v)
	return v.FAQ, at, err
}

func (s *Service) public(kind string, v any) (time.Time, error) {
	body, _, at, ok, err := s.st().Public(s.client.BaseURL(), kind)
	if err != nil || !ok {
		return at, err
	}
	if err := json.Unmarshal(body, v); err != nil {
		return at, fmt.Errorf("%s: %w", kind, err)
	}
	return at, nil
}

// RefreshPublic downloads the public pages (news, contacts…) now; they
// need no login, so the login screen can show the contact centre.
func (s *Service) RefreshPublic(ctx context.Context) error {
	for _, kind := range syncer.PublicKinds {
		body, etag, notModified, err := s.client.Public(ctx, kind, "")
		if err != nil {
			return err
		}
		if !notModified {
			if err := s.st().SavePublic(s.client.BaseURL(), kind, body, etag, s.cfg.Now()); err != nil {
				return err
			}
		}
	}
	return nil
}

// SearchResult is one thing found.
type SearchResult struct {
	Kind    string // "news", "faq", "office", "invoice"
	ID      string
	Account string
	Title   string
	Snippet string
}

// Search looks through what is stored — news, FAQ, contacts and the
// customer's invoices — so it works offline; Russian word forms match.
func (s *Service) Search(q string) []SearchResult {
	var docs []search.Document
	news, _, _ := s.News()
	for _, n := range news {
		docs = append(docs, search.Document{Kind: "news", ID: n.ID, Title: n.Title, Text: n.Body})
	}
	faq, _, _ := s.FAQ()
	for _, f := range faq {
		docs = append(docs, search.Document{Kind: "faq", ID: f.ID, Title: f.Question, Text: f.Answer})
	}
	_, offices, _, _ := s.Contacts()
	for _, o := range offices {
		docs = append(docs, search.Document{Kind: "office", ID: o.ID, Title: o.Name, Text: o.Address + ". " + strings.Join(o.Hours, ". ") + ". " + strings.Join(o.Phones, ", ")})
	}
	accounts, _ := s.Accounts()
	for _, a := range accounts {
		doc, ok, _ := s.Document(a.Number)
		if !ok {
			continue
		}
		for _, inv := range doc.Doc.Invoices {
			var b strings.Builder
			fmt.Fprintf(&b, "Счёт за %s, лицевой счёт %s. К оплате %s до %s.", inv.Period.Russian(), a.Number, inv.TotalDue, inv.DueOn.Russian())
			for _, l := range inv.Lines {
				fmt.Fprintf(&b, " %s %s: %s кВт·ч, %s.", l.Service, l.ZoneName, l.Volume.Format(0), l.Amount)
			}
			for _, r := range inv.Recalculations {
				fmt.Fprintf(&b, " %s: %s.", r.Reason, r.Amount)
			}
			docs = append(docs, search.Document{Kind: "invoice", ID: a.Number + "/" + inv.ID, Title: "Счёт за " + inv.Period.Russian(), Text: b.String()})
		}
	}
	var out []SearchResult
	for _, h := range search.NewIndex(docs).Search(q, 30) {
		r := SearchResult{Kind: h.Document.Kind, ID: h.Document.ID, Title: h.Document.Title, Snippet: h.Snippet}
		if r.Kind == "invoice" {
			r.Account, r.ID, _ = strings.Cut(r.ID, "/")
		}
		out = append(out, r)
	}
	return out
}

// InvoicePDF writes the printable bill of an account's invoice for period
// to w, from the stored data (it works offline).
func (s *Service) InvoicePDF(w io.Writer, account string, period domain.Period) error {
	doc, ok, err := s.Document(account)
	if err != nil {
		return err
	}
	if !ok {
		return syncer.ErrNoData
	}
	for _, inv := range doc.Doc.Invoices {
		if inv.Period == period {
			phone, _, _, _ := s.Contacts()
			return pdf.Invoice(w, &doc.Doc, inv.ID, pdf.Options{Now: s.cfg.Now, ContactPhone: phone})
		}
	}
	return &domain.Error{Code: domain.CodeNoInvoice, Message: fmt.Sprintf("Счёта за %s на лицевом счёте %s нет. Выберите другой месяц.", period.Russian(), account),
		Params: map[string]string{"period": period.String()}}
}

// StatementPDF writes the consumption statement of an account for the
// months from–to to w, from the stored data.
func (s *Service) StatementPDF(w io.Writer, account string, from, to domain.Period) error {
	doc, ok, err := s.Document(account)
	if err != nil {
		return err
	}
	if !ok {
		return syncer.ErrNoData
	}
	if to.Before(from) {
		return &domain.Error{Code: domain.CodeMonthsReversed, Message: "Первый месяц ведомости позже последнего. Поменяйте их местами."}
	}
	phone, _, _, _ := s.Contacts()
	return pdf.Statement(w, &doc.Doc, from, to, pdf.Options{Now: s.cfg.Now, ContactPhone: phone})
}

// SavePDF writes a document into the documents folder of this computer —
// on a public computer a temporary folder that logout deletes — and
// returns the file's path, to open it in the system's viewer for printing.
func (s *Service) SavePDF(name string, write func(io.Writer) error) (string, error) {
	dir, err := s.documentsDir()
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, name)
	if err := WritePDF(path, write); err != nil {
		return "", err
	}
	return path, nil
}

// documentsDir is where printed documents go: the person's «Документы» at
// home, the session's temporary folder on a public computer.
func (s *Service) documentsDir() (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.docsDir != "" {
		return s.docsDir, nil
	}
	var dir string
	var err error
	if s.cfg.Public {
		// Inside the session's folder, so that a crash leaves nothing the
		// next start's store.SweepTemporary does not remove.
		dir = filepath.Join(s.store.TempDir(), "documents")
		err = os.MkdirAll(dir, 0o700)
	} else {
		dir, err = userDocumentsDir()
	}
	if err != nil {
		return "", err
	}
	s.docsDir = dir
	return dir, nil
}

// removeDocuments deletes a public computer's printed documents.
func (s *Service) removeDocuments() {
	s.mu.Lock()
	dir := s.docsDir
	if s.cfg.Public {
		s.docsDir = ""
	}
	s.mu.Unlock()
	if s.cfg.Public && dir != "" {
		os.RemoveAll(dir)
	}
}
