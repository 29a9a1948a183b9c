package reminders_test

import (
	"context"
	"log/slog"
	"mime"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"kabinet/internal/demo"
	"kabinet/internal/domain"
	"kabinet/internal/mailer"
	"kabinet/internal/portaldb"
	"kabinet/internal/portaldb/dbtest"
	"kabinet/internal/reminders"
	"kabinet/internal/sms"
	"kabinet/internal/sms/smstest"
)

// The demo customers of the story, with their phone and e-mail on file.
type customer struct {
	number, account, phone, email string
}

var (
	ivanova   = customer{"100001", "1100012345", "+79121234501", "ivanova.mp@example.com"}
	kuznetsov = customer{"100002", "1100023456", "+79121234502", "kuznetsov.an@example.com"}
	popova    = customer{"100003", "1100034567", "+79121234503", "popova.ev@example.com"}
	lytkin    = customer{"100004", "1100045678", "+79121234504", "lytkin.vs@example.com"}
	// bakery's account 2200010001 has a meter read automatically.
	bakery = customer{"200001", "2200010001", "+79121234510", "buh@severny-hleb.example.com"}
)

// clock is a fake clock the test moves.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Set(t time.Time)     { c.mu.Lock(); defer c.mu.Unlock(); c.now = t }
func (c *clock) Add(d time.Duration) { c.Set(c.Now().Add(d)) }

// sentSMS is an SMS with the (fake) time it went out.
type sentSMS struct {
	sms.Message
	At time.Time
}

// phone is an SMS gateway that keeps each message with the clock's time.
type phone struct {
	rec   smstest.Recorder
	clock *clock
	mu    sync.Mutex
	at    []time.Time
}

func (p *phone) Send(ctx context.Context, m sms.Message) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.at = append(p.at, p.clock.Now())
	return p.rec.Send(ctx, m)
}

func (p *phone) to(number string) []sentSMS {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []sentSMS
	for i, m := range p.rec.Messages() {
		if m.Phone == number {
			out = append(out, sentSMS{m, p.at[i]})
		}
	}
	return out
}

// postman is the mail folder's sender, counting each letter handed to it:
// a letter sent twice under one Message-ID is one file but two calls.
type postman struct {
	*mailer.Sender
	mu    sync.Mutex
	calls map[string]int // by address
}

func (p *postman) SendLetter(ctx context.Context, l mailer.Letter) error {
	err := p.Sender.SendLetter(ctx, l)
	if err == nil {
		p.mu.Lock()
		p.calls[l.To]++
		p.mu.Unlock()
	}
	return err
}

func (p *postman) sent(to string) int { p.mu.Lock(); defer p.mu.Unlock(); return p.calls[to] }

// world is a demo portal database in December 2026, a gateway and a mail
// folder, and the runners sending through them.
type world struct {
	t  *testing.T
	db *portaldb.DB
	// other is a second connection to the same database, as another
	// portal process has.
	other *portaldb.DB
	clock *clock
	phone *phone
	mail  *postman
	dir   string
}

func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	c := &clock{now: time.Date(2026, time.December, 1, 0, 0, 0, 0, domain.Moscow)}
	w := &world{t: t, clock: c, phone: &phone{clock: c}, dir: t.TempDir()}
	w.db, w.other = openTwice(t, portaldb.Options{Now: c.Now})
	seed, err := demo.Build(c.Now(), func(string) (string, error) { return "not-a-hash", nil })
	if err != nil {
		t.Fatal(err)
	}
	if err := w.db.LoadSeed(ctx, seed); err != nil {
		t.Fatal(err)
	}
	w.mail = &postman{calls: map[string]int{}}
	w.mail.Sender, err = mailer.NewSender(mailer.Config{Dir: w.dir, From: "lk@komiesc.example", Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// openTwice opens a fresh database twice: SQLite, or PostgreSQL when
// dbtest's variable is set.
func openTwice(t *testing.T, opts portaldb.Options) (*portaldb.DB, *portaldb.DB) {
	dsn := filepath.Join(t.TempDir(), "portal.db")
	if pg := os.Getenv(dbtest.EnvPostgres); pg != "" {
		dsn = dbtest.NewSchema(t, pg)
	}
	var dbs [2]*portaldb.DB
	for i := range dbs {
		db, err := portaldb.Open(context.Background(), dsn, opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		dbs[i] = db
	}
	return dbs[0], dbs[1]
}

func (w *world) runner() *reminders.Runner { return w.runnerOn(w.db) }

// runnerOn is a runner of another portal on the same database.
func (w *world) runnerOn(db *portaldb.DB) *reminders.Runner {
	w.t.Helper()
	r, err := reminders.New(reminders.Config{Store: db, Mail: w.mail, SMS: w.phone, Window: domain.DefaultWindow, Now: w.clock.Now,
		Logger: slog.New(slog.DiscardHandler),
		Texts:  reminders.Texts{ContactPhone: "8 800 200-83-05"}})
	if err != nil {
		w.t.Fatal(err)
	}
	return r
}

// subscribe sets the account's reminders; the demo's other subscriptions
// (SMS reminders of several accounts) are replaced.
func (w *world) subscribe(c customer, email, text bool) {
	w.t.Helper()
	ctx := context.Background()
	err := w.db.Write(ctx, func(tx *portaldb.Tx) error {
		ref, err := w.ref(tx, c)
		if err != nil {
			return err
		}
		return tx.SetSubscriptions(ctx, ref.ID, domain.Subscriptions{EmailReminders: email, SMSReminders: text})
	})
	if err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) ref(tx *portaldb.Tx, c customer) (portaldb.AccountRef, error) {
	ctx := context.Background()
	cu, err := tx.CustomerByNumber(ctx, c.number)
	if err != nil {
		return portaldb.AccountRef{}, err
	}
	return tx.AccountRef(ctx, cu.ID, c.account)
}

// sendReadings stores a customer's reading of every meter of the account
// in service, as the portal does when it accepts them, and returns their
// receipt numbers.
func (w *world) sendReadings(c customer) []string {
	w.t.Helper()
	ctx := context.Background()
	var receipts []string
	err := w.db.Write(ctx, func(tx *portaldb.Tx) error {
		receipts = nil
		ref, err := w.ref(tx, c)
		if err != nil {
			return err
		}
		doc, err := tx.Document(ctx, ref, 0, domain.DefaultWindow)
		if err != nil {
			return err
		}
		today := domain.DateOf(w.clock.Now(), domain.Moscow)
		for _, m := range doc.Meters {
			if !m.Active() {
				continue
			}
			id, _ := portaldb.MeterID(m.ID)
			nr := portaldb.NewReading{MeterID: id, Period: today.Period(), TakenOn: today, Source: domain.SourceCustomer,
				Values: map[domain.Zone]domain.Decimal{}, Consumption: map[domain.Zone]domain.Decimal{}}
			for _, z := range m.Zones {
				nr.Values[z.Code], nr.Consumption[z.Code] = z.LastValue+domain.Decimal(100), domain.Decimal(100)
			}
			rid, err := tx.InsertReading(ctx, ref.ID, nr)
			if err != nil {
				return err
			}
			receipts = append(receipts, domain.ReceiptNumber(rid))
		}
		return nil
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return receipts
}

// letter is an e-mail as the folder keeps it.
type letter struct {
	To, Subject, ID string
}

func (w *world) letters(to string) []letter {
	w.t.Helper()
	files, err := filepath.Glob(filepath.Join(w.dir, "*.eml"))
	if err != nil {
		w.t.Fatal(err)
	}
	var out []letter
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			w.t.Fatal(err)
		}
		m, err := mail.ReadMessage(strings.NewReader(string(b)))
		if err != nil {
			w.t.Fatal(err)
		}
		if !strings.Contains(m.Header.Get("To"), to) {
			continue
		}
		subject, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
		out = append(out, letter{To: to, Subject: subject, ID: m.Header.Get("Message-Id")})
	}
	return out
}

// tickBoth runs both runners at once, as two portals on one database.
func tickBoth(a, b *reminders.Runner) {
	var wg sync.WaitGroup
	for _, r := range []*reminders.Runner{a, b} {
		wg.Add(1)
		go func() { defer wg.Done(); r.Tick(context.Background()) }()
	}
	wg.Wait()
}

// TestAMonthOfReminders drives December 2026 in half-hour steps with two
// portals' runners on one database (one of them restarted on the 19th):
//   - Ivanova, subscribed by e-mail and SMS, never sends: two reminders by
//     each channel, on the 18th and the 23rd;
//   - Kuznetsov, subscribed by both, sends on the 18th at 08:00, before the
//     reminders go: none, only his receipts;
//   - Popova, subscribed by SMS, sends on the 20th at 22:30: the first
//     reminder, not the second, and her receipt at 09:00 next morning;
//   - Lytkin is not subscribed: nothing;
//   - the bakery is subscribed for a meter read automatically: nothing.
func TestAMonthOfReminders(t *testing.T) {
	w := newWorld(t)
	w.subscribe(ivanova, true, true)
	w.subscribe(kuznetsov, true, true)
	w.subscribe(popova, false, true)
	w.subscribe(lytkin, false, false)
	w.subscribe(customer{lytkin.number, "1100045679", lytkin.phone, lytkin.email}, false, false)
	w.subscribe(bakery, true, true)
	w.subscribe(customer{bakery.number, "2200010002", bakery.phone, bakery.email}, false, false)

	a, b := w.runner(), w.runnerOn(w.other)
	var kuznetsovReceipts, popovaReceipts []string
	end := time.Date(2027, time.January, 1, 0, 0, 0, 0, domain.Moscow)
	for ; w.clock.Now().Before(end); w.clock.Add(30 * time.Minute) {
		now := w.clock.Now()
		switch {
		case now.Equal(time.Date(2026, time.December, 18, 8, 0, 0, 0, domain.Moscow)):
			kuznetsovReceipts = w.sendReadings(kuznetsov)
		case now.Equal(time.Date(2026, time.December, 19, 12, 0, 0, 0, domain.Moscow)):
			a = w.runner() // a restart: a new runner knows nothing of the old one's plans
		case now.Equal(time.Date(2026, time.December, 20, 22, 30, 0, 0, domain.Moscow)):
			popovaReceipts = w.sendReadings(popova)
		}
		tickBoth(a, b)
	}

	for _, c := range []customer{ivanova, kuznetsov, popova, lytkin, bakery} {
		for _, m := range w.phone.to(c.phone) {
			if reminders.Quiet(m.At) {
				t.Errorf("an SMS to %s at %s, in the quiet hours", c.number, m.At.In(domain.Moscow).Format("02.01 15:04"))
			}
		}
	}
	// Ivanova: two SMS and two letters, on the 18th and the 23rd at 09:00.
	got := w.phone.to(ivanova.phone)
	if len(got) != 2 || !sameDay(got[0].At, 18) || !sameDay(got[1].At, 23) {
		t.Errorf("Ivanova's SMS: %v", got)
	}
	for _, m := range got {
		if want := "Коми энергосбыт: передайте показания счётчика до 25.12. Личный кабинет или 8 800 200-83-05."; m.Text != want {
			t.Errorf("reminder SMS %q, want %q", m.Text, want)
		}
		if strings.Contains(m.Text, ivanova.account) || strings.Contains(m.Text, "₽") || strings.Contains(m.Text, "руб") {
			t.Errorf("a reminder names the account or an amount: %q", m.Text)
		}
	}
	if l := w.letters(ivanova.email); len(l) != 2 || l[0].Subject != "Передайте показания счётчика до 25 декабря" || l[0].ID == l[1].ID || w.mail.sent(ivanova.email) != 2 {
		t.Errorf("Ivanova's letters: %+v, sent %d times", l, w.mail.sent(ivanova.email))
	}

	// Kuznetsov: only the receipts, by each channel, with their numbers.
	if len(kuznetsovReceipts) == 0 {
		t.Fatal("Kuznetsov has no meter to read")
	}
	got = w.phone.to(kuznetsov.phone)
	if len(got) != len(kuznetsovReceipts) {
		t.Errorf("Kuznetsov's SMS: %v, want only his %d receipts", got, len(kuznetsovReceipts))
	}
	for i, m := range got {
		if !strings.HasPrefix(m.Text, "Показания по счётчику …") || !strings.Contains(m.Text, "приняты 18.12 в 08:00, № "+kuznetsovReceipts[i]) {
			t.Errorf("Kuznetsov's receipt SMS %q, want № %s", m.Text, kuznetsovReceipts[i])
		}
		if !sameDay(m.At, 18) || m.At.In(domain.Moscow).Hour() != 9 {
			t.Errorf("the receipt of 08:00 went at %s, want 09:00 (quiet hours end)", m.At.In(domain.Moscow))
		}
	}
	l := w.letters(kuznetsov.email)
	if len(l) != len(kuznetsovReceipts) || w.mail.sent(kuznetsov.email) != len(l) || !strings.Contains(l[0].Subject, "№ "+kuznetsovReceipts[0]) {
		t.Errorf("Kuznetsov's letters %+v, want only his receipts %v", l, kuznetsovReceipts)
	}

	// Popova: the first reminder; her receipt next morning; no second reminder.
	got = w.phone.to(popova.phone)
	if len(got) != 1+len(popovaReceipts) || !strings.Contains(got[0].Text, "передайте показания") || !sameDay(got[0].At, 18) {
		t.Fatalf("Popova's SMS: %v", got)
	}
	for i, m := range got[1:] {
		if !strings.Contains(m.Text, "приняты 20.12 в 22:30, № "+popovaReceipts[i]) || !sameDay(m.At, 21) || m.At.In(domain.Moscow).Hour() != 9 {
			t.Errorf("Popova's receipt %q at %s, want № %s on the 21st at 09:00", m.Text, m.At.In(domain.Moscow), popovaReceipts[i])
		}
	}
	if l := w.letters(popova.email); len(l) != 0 {
		t.Errorf("Popova is not subscribed by e-mail: %+v", l)
	}

	// Lytkin is not subscribed.
	if got := w.phone.to(lytkin.phone); len(got) != 0 {
		t.Errorf("Lytkin's SMS: %v", got)
	}
	if l := w.letters(lytkin.email); len(l) != 0 {
		t.Errorf("Lytkin's letters: %+v", l)
	}
	// A meter read automatically needs no reminder.
	if got, l := w.phone.to(bakery.phone), w.letters(bakery.email); len(got) != 0 || len(l) != 0 {
		t.Errorf("the bakery's automatic meter: SMS %v, letters %+v", got, l)
	}
	pending, _, failed, _, err := w.db.ReminderJobCounts(context.Background())
	if err != nil || pending != 0 || failed != 0 {
		t.Errorf("at the month's end: %d pending, %d given up, %v", pending, failed, err)
	}
}

func sameDay(t time.Time, day int) bool {
	m := t.In(domain.Moscow)
	return m.Month() == time.December && m.Day() == day
}
