package portal_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"kabinet/internal/auth"
	"kabinet/internal/domain"
	"kabinet/internal/portal"
	"kabinet/internal/portaldb"
	"kabinet/internal/portaldb/dbtest"
	"kabinet/internal/sms/smstest"
)

func init() { auth.UseFastParamsForTests() }

// clock is a settable clock shared by the server and the database.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type env struct {
	t     *testing.T
	clock *clock
	sms   *smstest.Recorder
	db    *portaldb.DB
	srv   *portal.Server
	http  *httptest.Server
	logs  *bytes.Buffer
}

// The fixture: a customer with a single-zone meter (last reading 12 450,0 on
// 20 October, about 150 kWh a month) and a customer with a two-zone meter.
const (
	ivanova      = "100001"
	ivanovaAcc   = "1100012345"
	petrov       = "100002"
	petrovAcc    = "1100023456"
	password     = "demo12345"
	ivanovaPhone = "+79121234567"
)

// novemberNoon is inside the default 18–25 window.
var novemberNoon = time.Date(2026, 11, 20, 12, 0, 0, 0, domain.Moscow)

type envOption func(*portal.Config)

func withWindow(w domain.SubmissionWindow) envOption {
	return func(c *portal.Config) { c.Window = w }
}

func newEnv(t *testing.T, opts ...envOption) *env {
	t.Helper()
	e := &env{t: t, clock: &clock{t: novemberNoon}, sms: &smstest.Recorder{}, logs: &bytes.Buffer{}}
	ctx := context.Background()
	db := dbtest.Open(t, portaldb.Options{Now: e.clock.Now})
	if err := db.LoadSeed(ctx, fixture(t)); err != nil {
		t.Fatal(err)
	}
	cfg := portal.Config{DB: db, SMS: e.sms, Now: e.clock.Now, Window: domain.AlwaysOpen,
		Logger: slog.New(slog.NewTextHandler(&lockedWriter{w: e.logs}, nil))}
	for _, o := range opts {
		o(&cfg)
	}
	srv, err := portal.New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.db, e.srv = db, srv
	e.http = httptest.NewServer(srv.Handler())
	t.Cleanup(e.http.Close)
	t.Cleanup(srv.Wait)
	return e
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func fixture(t *testing.T) *portaldb.Seed {
	hash, err := auth.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	d := func(s string) domain.Date { v, _ := domain.ParseDate(s); return v }
	p := func(s string) domain.Period { v, _ := domain.ParsePeriod(s); return v }
	dec := func(s string) domain.Decimal { v, _ := domain.ParseDecimal(s); return v }
	single := func(period, taken, value, used string) domain.Reading {
		return domain.Reading{Period: p(period), TakenOn: d(taken), Source: domain.SourceCustomer,
			Values: map[domain.Zone]domain.Decimal{domain.T1: dec(value)}, Consumption: map[domain.Zone]domain.Decimal{domain.T1: dec(used)}}
	}
	dual := func(period, taken, day, night, usedDay, usedNight string) domain.Reading {
		return domain.Reading{Period: p(period), TakenOn: d(taken), Source: domain.SourceCustomer,
			Values:      map[domain.Zone]domain.Decimal{domain.T1: dec(day), domain.T2: dec(night)},
			Consumption: map[domain.Zone]domain.Decimal{domain.T1: dec(usedDay), domain.T2: dec(usedNight)}}
	}
	tiers := func(prices map[domain.Zone]domain.Kopecks) []domain.Tier { return []domain.Tier{{Prices: prices}} }
	return &portaldb.Seed{
		Payee: domain.Payee{Name: "ОАО «Коми энергосбытовая компания»", INN: "1101301856", KPP: "110101001", Account: "40702810128000000001",
			BankName: "Коми отделение № 8617 ПАО Сбербанк", BIC: "048702640", CorrAccount: "30101810400000000640", Address: "Сыктывкар", Phones: "8 800 200-83-05"},
		Tariffs: []domain.Tariff{
			{ID: "city-1", Name: "Одноставочный, город", Zones: 1, Group: domain.GroupCity,
				Rates: []domain.Rate{{ValidFrom: d("2025-07-01"), Tiers: tiers(map[domain.Zone]domain.Kopecks{domain.T1: 583})}}},
			{ID: "city-2", Name: "Двухзонный, город", Zones: 2, Group: domain.GroupCity,
				Rates: []domain.Rate{{ValidFrom: d("2025-07-01"), Tiers: tiers(map[domain.Zone]domain.Kopecks{domain.T1: 671, domain.T2: 350})}}},
		},
		Customers: []portaldb.SeedCustomer{
			{Customer: domain.Customer{Number: ivanova, Kind: domain.Individual, FullName: "Иванова Мария Петровна", BirthDate: d("1948-03-15"), Phone: ivanovaPhone},
				PasswordHash: hash,
				Accounts: []portaldb.SeedAccount{{
					Account:  domain.Account{Number: ivanovaAcc, ContractNumber: "ЭС-100001", Title: "Квартира", Address: "г. Сыктывкар, ул. Ленина, д. 1, кв. 2", Residents: 2, TariffGroup: domain.GroupCity, OpenedOn: d("2010-01-01")},
					Services: []domain.Service{{Name: "Электроснабжение", Unit: "кВт·ч", TariffID: "city-1", Since: d("2010-01-01")}},
					Meters: []portaldb.SeedMeter{{Meter: domain.Meter{Serial: "0123456", Model: "Меркурий 201.8", InstalledOn: d("2015-05-05"), Digits: 6, FractionDigits: 1,
						VerifiedOn: d("2015-05-05"), VerificationYears: 16}, ZoneCount: 1,
						Readings: []domain.Reading{single("2026-07", "2026-07-20", "12000", "150"), single("2026-08", "2026-08-20", "12150", "150"),
							single("2026-09", "2026-09-20", "12300", "150"), single("2026-10", "2026-10-20", "12450", "150")}}},
					Invoices: []domain.Invoice{{Number: "1", Period: p("2026-10"), IssuedOn: d("2026-11-02"), DueOn: d("2026-11-10"),
						Lines:   []domain.InvoiceLine{{Service: "Электроснабжение", Zone: domain.T1, Previous: dec("12300"), Current: dec("12450"), Volume: dec("150"), Unit: "кВт·ч", Price: 583, Amount: 87450}},
						Charged: 87450, TotalDue: 87450}},
					Payments: []domain.Payment{{PaidOn: d("2026-11-05"), Amount: 50000, Channel: "Сбербанк Онлайн", Status: domain.PaymentCredited}},
				}}},
			{Customer: domain.Customer{Number: petrov, Kind: domain.Individual, FullName: "Петров Иван Сергеевич", BirthDate: d("1955-01-02"), Phone: "+79127654321", Email: "petrov@example.ru"},
				PasswordHash: hash,
				Accounts: []portaldb.SeedAccount{{
					Account:  domain.Account{Number: petrovAcc, ContractNumber: "ЭС-100002", Title: "Квартира", Address: "г. Сыктывкар, ул. Мира, д. 3", TariffGroup: domain.GroupCity, OpenedOn: d("2012-01-01")},
					Services: []domain.Service{{Name: "Электроснабжение", Unit: "кВт·ч", TariffID: "city-2", Since: d("2012-01-01")}},
					Meters: []portaldb.SeedMeter{{Meter: domain.Meter{Serial: "777", Model: "Меркурий 200.02", InstalledOn: d("2018-01-01"), Digits: 5, FractionDigits: 1}, ZoneCount: 2,
						Readings: []domain.Reading{dual("2026-08", "2026-08-21", "5000", "2000", "100", "50"), dual("2026-09", "2026-09-21", "5100", "2050", "100", "50"),
							dual("2026-10", "2026-10-21", "5200", "2100", "100", "50")}}},
				}}},
		},
		News:    []domain.News{{PublishedOn: d("2026-11-01"), Title: "Приём показаний в ноябре", Body: "Передайте показания счётчика с 18 по 25 ноября."}},
		About:   []domain.AboutSection{{ID: "service", Title: "О сервисе", Body: "Личный кабинет: счета, платежи, показания."}},
		Offices: []domain.Office{{ID: "syk", Name: "Офис в Сыктывкаре", Address: "ул. Первомайская, 70", Hours: []string{"Пн–Пт: 8:30–17:30"}, Phones: []string{"8 800 200-83-05"}}},
		FAQ:     []domain.FAQ{{ID: "lower", Question: "Что делать, если показание меньше прошлого?", Answer: "Проверьте, все ли цифры вы переписали. Если счётчик заменили, позвоните нам."}},
	}
}

// response is a decoded answer.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r response) JSON(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("body is not JSON (%v): %s", err, r.Body)
	}
	return m
}

// Code returns the problem code of an error answer, checking its shape.
func (r response) Code(t *testing.T) string {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("content type %q, want application/problem+json; body %s", ct, r.Body)
	}
	m := r.JSON(t)
	detail, _ := m["detail"].(string)
	if !hasCyrillic(detail) {
		t.Errorf("problem detail %q is not a Russian sentence", detail)
	}
	if int(m["status"].(float64)) != r.Status {
		t.Errorf("problem status %v, HTTP status %d", m["status"], r.Status)
	}
	code, _ := m["code"].(string)
	return code
}

func hasCyrillic(s string) bool {
	for _, r := range s {
		if r >= 'А' && r <= 'я' {
			return true
		}
	}
	return false
}

type req struct {
	method, path string
	body         any
	token        string
	headers      map[string]string
}

func (e *env) do(r req) response {
	e.t.Helper()
	var body io.Reader
	switch b := r.body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	case []byte:
		body = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		body = bytes.NewReader(data)
	}
	hr, err := http.NewRequest(r.method, e.http.URL+r.path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	if body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	if r.token != "" {
		hr.Header.Set("Authorization", "Bearer "+r.token)
	}
	for k, v := range r.headers {
		hr.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(hr)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return response{Status: resp.StatusCode, Header: resp.Header, Body: data}
}

// login logs the customer in and returns the token.
func (e *env) login(customer, pw string) string {
	e.t.Helper()
	r := e.do(req{method: "POST", path: "/api/v1/session", body: map[string]string{"customer": customer, "password": pw}})
	if r.Status != http.StatusCreated {
		e.t.Fatalf("login %s: %d %s", customer, r.Status, r.Body)
	}
	return r.JSON(e.t)["token"].(string)
}

// document fetches an account document.
func (e *env) document(token, account string) (domain.AccountDocument, response) {
	e.t.Helper()
	r := e.do(req{method: "GET", path: "/api/v1/accounts/" + account, token: token})
	var doc domain.AccountDocument
	if r.Status == http.StatusOK {
		if err := json.Unmarshal(r.Body, &doc); err != nil {
			e.t.Fatalf("document: %v", err)
		}
	}
	return doc, r
}

// countReadings counts the accepted readings of the account's meters.
func (e *env) countReadings(token, account string) int {
	e.t.Helper()
	doc, r := e.document(token, account)
	if r.Status != http.StatusOK {
		e.t.Fatalf("document: %d %s", r.Status, r.Body)
	}
	n := 0
	for _, rd := range doc.Readings {
		if rd.Status == domain.StatusAccepted {
			n++
		}
	}
	return n
}
