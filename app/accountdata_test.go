package app

import (
	"context"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"kabinet/internal/cabinet"
	"kabinet/internal/demo"
	"kabinet/internal/domain"
)

// dataRussian makes Fyne pick the Russian strings in this test whatever the
// machine's locale is (CI runs with LANG=C.UTF-8, which Fyne maps to
// English); newTestUI reads the locale again when it loads translations.
func dataRussian(t *testing.T) {
	t.Helper()
	t.Setenv("LANGUAGE", "ru")
	t.Setenv("LC_ALL", "ru_RU.UTF-8")
}

// dataLogin starts the app on the demo portal, in Russian, as customer.
func dataLogin(t *testing.T, customer string) *testUI {
	t.Helper()
	dataRussian(t)
	tu := newTestUI(t, false)
	tu.loginAs(customer)
	// One pass that succeeded from here on (SyncNow waits for the engine's
	// own first pass, then runs) makes every account's document stored, and
	// the pump below handles its events, so none change the screen while a
	// test looks at it.
	tu.waitFor(func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		r, err := tu.svc.SyncNow(ctx)
		return err == nil && r.Err == nil
	}, "a whole sync pass")
	tu.waitFor(func() bool { return true }, "the events of that pass")
	// The login opens «Главная» once the shell exists: wait for it, or it
	// may replace the section a test opens.
	tu.waitFor(func() bool {
		return tu.UI.screenID == "home" && tu.UI.screen != nil && len(tu.UI.shell.content.Objects) == 1
	}, "the home screen")
	return tu
}

// dataDoc is the stored document of the shown account.
func (tu *testUI) dataDoc() *domain.AccountDocument {
	tu.t.Helper()
	cd, ok, err := tu.svc.Document(tu.UI.account)
	if err != nil || !ok {
		tu.t.Fatalf("no document for %s: %v", tu.UI.account, err)
	}
	return &cd.Doc
}

// dataShow opens a section and returns what it shows.
func (tu *testUI) dataShow(id string) []string {
	tu.t.Helper()
	fyne.DoAndWait(func() { tu.navigate(id) })
	tu.waitFor(func() bool { return tu.UI.screenID == id && tu.UI.screen != nil }, "section "+id)
	return tu.texts()
}

// dataExpect fails for every want that is not shown.
func dataExpect(t *testing.T, texts []string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !contains(texts, w) {
			t.Errorf("%q is not shown; shown:\n%s", w, strings.Join(texts, "\n"))
			return
		}
	}
}

func TestDataMainData(t *testing.T) {
	tu := dataLogin(t, "100001")
	doc := tu.dataDoc()
	texts := tu.dataShow("main")
	a, c := doc.Account, doc.Customer
	dataExpect(t, texts, "Основные данные", c.FullName, "Номер клиента: 100001", "+7 912 123-45-01", c.Email,
		"Лицевой счёт: "+a.Number, "Номер договора: "+a.ContractNumber, a.Address,
		"Количество проживающих: 2", "48,60 м²", "Тарифная группа: городское население", "Дата открытия: "+a.OpenedOn.Russian())
	if contains(texts, "Точка поставки") {
		t.Error("a household shows a point of supply")
	}

	// A legal entity: the organisation and the point of supply of each
	// contract, following the shell's account switcher.
	tu2 := dataLogin(t, "200001")
	list, _ := tu2.svc.Accounts()
	if len(list) != 2 {
		t.Fatalf("200001 has %d accounts", len(list))
	}
	texts = tu2.dataShow("main")
	doc = tu2.dataDoc()
	dataExpect(t, texts, "Организация", "ООО «Северный хлеб»", "ИНН: 1101045673", "Точка поставки: "+doc.Account.PointOfSupply)
	fyne.DoAndWait(func() { tu2.UI.shell.accounts.SetSelectedIndex(1) })
	if tu2.UI.account != list[1].Number {
		t.Fatalf("the switcher did not choose %s", list[1].Number)
	}
	other := tu2.dataDoc()
	texts = tu2.texts()
	dataExpect(t, texts, "Точка поставки: "+other.Account.PointOfSupply, "Номер договора: "+other.Account.ContractNumber)
	if contains(texts, doc.Account.PointOfSupply) {
		t.Error("the first contract's point of supply is still shown")
	}
}

func TestDataServices(t *testing.T) {
	tu := dataLogin(t, "100002")
	doc := tu.dataDoc()
	texts := tu.dataShow("services")
	s := doc.Services[0]
	if s.Tariff == nil {
		t.Fatal("the service has no tariff")
	}
	rate, ok := s.Tariff.RateOn(dataToday())
	if !ok {
		t.Fatal("no rate today")
	}
	day := rate.Tiers[0].Prices[domain.T1]
	night := rate.Tiers[0].Prices[domain.T2]
	dataExpect(t, texts, "Оказываемые услуги", s.Name, "Тариф: "+s.Tariff.Name, "Зоны суток: День (Т1), Ночь (Т2)",
		"Действующие цены с "+rate.ValidFrom.Russian(),
		"до 3\u202f900 кВт·ч в месяц", "свыше 3\u202f900 до 6\u202f000 кВт·ч в месяц", "свыше 6\u202f000 кВт·ч в месяц",
		"День (Т1): "+money(day)+" за кВт·ч", "Ночь (Т2): "+money(night)+" за кВт·ч", "Прежние цены")
	// The rate before the current one, with the day it ended.
	prev := rate.ValidFrom.AddDays(-1)
	dataExpect(t, texts, "по "+prev.Russian())
}

func TestDataInvoices(t *testing.T) {
	tu := dataLogin(t, "100001")
	doc := tu.dataDoc()
	texts := tu.dataShow("invoices")
	s, ok := tu.UI.screen.(*invoicesScreen)
	if !ok {
		t.Fatalf("the screen is %T", tu.UI.screen)
	}
	if n := s.list.Length(); n != len(doc.Invoices) {
		t.Fatalf("the list has %d rows, the document %d invoices", n, len(doc.Invoices))
	}
	newest := doc.Invoices[0]
	for _, inv := range doc.Invoices {
		if newest.Period.Before(inv.Period) {
			newest = inv
		}
	}
	first := invoiceRow(s.invoices[0])
	if !strings.HasPrefix(first, dataCapital(newest.Period.Russian())+" — ") || !strings.Contains(first, money(newest.TotalDue)) {
		t.Errorf("the first row is %q, the newest invoice is for %s, %s", first, newest.Period.Russian(), money(newest.TotalDue))
	}
	// It opens with the newest bill; the list is a step back.
	dataExpect(t, texts, "Счёт № "+s.invoices[0].Number, "← К списку счетов")
	fyne.DoAndWait(s.showList)
	month, sum := invoiceRowParts(s.invoices[0])
	dataExpect(t, tu.texts(), month, sum, paidText(s.paid[s.invoices[0].Period]))
	fyne.DoAndWait(s.selectFirst)
	// «Печать / PDF» writes the bill from the stored data into the
	// person's documents folder and offers to open it or its folder.
	tu.tapButton("Печать / PDF")
	home, _ := os.UserHomeDir()
	// The PDF is written off the UI goroutine; the dialog comes after.
	tu.waitFor(func() bool {
		return strings.Contains(strings.Join(tu.dialogTexts(), "\n"), "Открыть папку")
	}, "the dialog after «Печать / PDF»")
	dialogText := strings.Join(tu.dialogTexts(), "\n")
	for _, want := range []string{"Открыть", "Открыть папку", "сохранён в папку " + home} {
		if !strings.Contains(dialogText, want) {
			t.Errorf("after «Печать / PDF» the dialog does not say %q: %q", want, dialogText)
		}
	}
	printed, _ := filepath.Glob(filepath.Join(home, "Счёт-*.pdf"))
	if len(printed) != 1 {
		t.Fatalf("printed in %s: %q", home, printed)
	}
	if b, err := os.ReadFile(printed[0]); err != nil || !strings.HasPrefix(string(b), "%PDF-") {
		t.Errorf("printed bill %q: %v", printed[0], err)
	}
	tu.tapDialogButton("Закрыть")

	// Choosing a bill shows it whole.
	var withRecalc int = -1
	for i, inv := range s.invoices {
		if len(inv.Recalculations) > 0 {
			withRecalc = i
		}
	}
	if withRecalc < 0 {
		t.Fatal("100001 has no invoice with a recalculation")
	}
	fyne.DoAndWait(func() { s.list.Select(withRecalc) })
	inv := s.invoices[withRecalc]
	texts = tu.texts()
	dataExpect(t, texts, "Счёт № "+inv.Number+" за "+inv.Period.Russian(), inv.Recalculations[0].Reason, money(inv.Recalculations[0].Amount),
		"Начислено за период: "+money(inv.Charged), "Оплачено в периоде: "+money(inv.PaidInPeriod),
		invoiceTotal(&inv, s.paid[inv.Period]), inv.Payee.Name, "БИК: "+inv.Payee.BIC, "Расчётный счёт: "+inv.Payee.Account,
		"← К списку счетов", "Печать / PDF")
	// Whether it is paid, by the domain rule; a paid bill does not ask for
	// its sum again.
	paid := s.paid[inv.Period]
	dataExpect(t, texts, paidText(paid))
	if paid.State == domain.Paid {
		if contains(texts, "оплатить до") || contains(texts, "Итого к оплате") {
			t.Errorf("a paid bill asks to pay: %q", texts)
		}
	} else if inv.TotalDue > 0 {
		dataExpect(t, texts, "оплатить до "+inv.DueOn.Russian())
	}
	switch {
	case inv.BroughtForward > 0:
		dataExpect(t, texts, "Долг на начало периода: "+money(inv.BroughtForward))
	case inv.BroughtForward < 0:
		dataExpect(t, texts, "Переплата на начало периода: "+money(-inv.BroughtForward))
	}
	l := inv.Lines[0]
	// The charges as a table, every column whole at the normal size.
	dataExpect(t, texts, "Электроснабжение —\nКруглосуточно", "№ "+l.MeterSerial, l.Previous.Format(1)+" → "+l.Current.Format(1),
		l.Volume.Format(1), money(l.Price), money(l.Amount))

	// The newest bill, which the screen opens with.
	fyne.DoAndWait(func() { s.list.Select(0) })
	dataExpect(t, tu.texts(), invoiceTotal(&s.invoices[0], s.paid[s.invoices[0].Period]))

	// «← К списку счетов» goes back to the list.
	tu.tapButton("← К списку счетов")
	if s.chosen != (domain.Period{}) || !contains(tu.texts(), "Выберите месяц") {
		t.Errorf("back to the list: chosen %v, %q", s.chosen, tu.texts())
	}

	// The bill with the unpaid month carries a penalty.
	for i, inv := range s.invoices {
		if inv.Penalties > 0 {
			fyne.DoAndWait(func() { s.list.Select(i) })
			dataExpect(t, tu.texts(), "Пени: "+money(inv.Penalties))
			break
		}
	}

	// New data keep the chosen bill on screen.
	fyne.DoAndWait(func() {
		s.list.Select(3)
		tu.UI.refreshScreen()
	})
	if tu.UI.screen != s || s.chosen != s.invoices[3].Period {
		t.Error("a refresh lost the chosen bill")
	}
}

func TestDataPayments(t *testing.T) {
	tu := dataLogin(t, "100001")
	doc := tu.dataDoc()
	texts := tu.dataShow("payments")
	s := tu.UI.screen.(*paymentsScreen)
	if n := s.list.Length(); n != len(doc.Payments) || n == 0 {
		t.Fatalf("the list has %d rows, the document %d payments", n, len(doc.Payments))
	}
	since := dataToday().AddYears(-1)
	var sum domain.Kopecks
	newest := doc.Payments[0]
	for _, p := range doc.Payments {
		if p.PaidOn.After(since) && p.Status == domain.PaymentCredited {
			sum += p.Amount
		}
		if newest.PaidOn.Before(p.PaidOn) {
			newest = p
		}
	}
	dataExpect(t, texts, "За последние 12 месяцев зачислено: "+money(sum),
		newest.PaidOn.Russian()+" — "+money(newest.Amount), newest.Channel+" — зачислен")
}

func TestDataContract(t *testing.T) {
	tu := dataLogin(t, "200001")
	list, _ := tu.svc.Accounts()
	texts := tu.dataShow("contract")
	cv := tu.dataDoc().ContractValues
	dataExpect(t, texts, "Максимальная мощность: "+dataDecimal(cv.MaxCapacityKW)+" кВт", "Уровень напряжения: "+cv.VoltageLevel,
		"Ценовая категория: первая ценовая категория", "Договорные объёмы по месяцам",
		dataCapital(cv.MonthlyVolumes[0].Period.Russian()), kwh(cv.MonthlyVolumes[0].Volume, 0))

	// The other contract, chosen as the shell's switcher does it.
	fyne.DoAndWait(func() { tu.UI.selectAccount(list[1].Number) })
	cv2 := tu.dataDoc().ContractValues
	if cv2.MaxCapacityKW == cv.MaxCapacityKW {
		t.Fatal("the two contracts have the same capacity")
	}
	texts = tu.texts()
	dataExpect(t, texts, "Максимальная мощность: "+dataDecimal(cv2.MaxCapacityKW)+" кВт", "Уровень напряжения: "+cv2.VoltageLevel)
	if contains(texts, "Максимальная мощность: "+dataDecimal(cv.MaxCapacityKW)+" кВт") {
		t.Error("the first contract's capacity is still shown")
	}

	// A household: residents and the norm.
	tu2 := dataLogin(t, "100001")
	dataExpect(t, tu2.dataShow("contract"), "Количество проживающих: 2", "95 кВт·ч на человека в месяц", "190 кВт·ч в месяц")
}

func TestDataMeters(t *testing.T) {
	tu := dataLogin(t, "100001")
	m := tu.dataDoc().Meters[0]
	texts := tu.dataShow("meters")
	dataExpect(t, texts, "Счётчик № "+m.Serial, "Модель: "+m.Model, "Место установки: "+m.Place, "Зоны суток: Круглосуточно",
		"Разрядность: 6 цифр до запятой, 1 после", "Последняя поверка: "+m.VerifiedOn.Russian(),
		"Следующая поверка: "+m.NextVerification.Russian(),
		"Круглосуточно: "+m.Zones[0].LastValue.Format(1)+" на "+m.Zones[0].LastDate.Russian()+", "+m.Zones[0].LastSource.Russian())
	if contains(texts, "Срок поверки") || contains(texts, "Снятые счётчики") {
		t.Error("100001's meter is neither due for verification nor removed")
	}

	// 100003: the verification falls due in about two months.
	tu3 := dataLogin(t, "100003")
	m3 := tu3.dataDoc().Meters[0]
	texts = tu3.dataShow("meters")
	dataExpect(t, texts, "⚠ Срок поверки подходит: до "+m3.NextVerification.Russian(), "Зоны суток: Пик (Т1), Полупик (Т2), Ночь (Т3)")

	// 100004's dacha: the replaced meter is listed under the removed ones.
	tu4 := dataLogin(t, "100004")
	list, _ := tu4.svc.Accounts()
	var dacha string
	for _, a := range list {
		if a.Title == "Дача" {
			dacha = a.Number
		}
	}
	fyne.DoAndWait(func() {
		tu4.UI.account = dacha
		tu4.UI.shell.refreshAccounts()
	})
	texts = tu4.dataShow("meters")
	doc := tu4.dataDoc()
	var old, cur domain.Meter
	for _, m := range doc.Meters {
		if m.Active() {
			cur = m
		} else {
			old = m
		}
	}
	if old.Serial == "" {
		t.Fatal("the dacha has no removed meter")
	}
	removed := slices.IndexFunc(texts, func(s string) bool { return s == "Снятые счётчики" })
	oldAt := slices.IndexFunc(texts, func(s string) bool { return s == "Счётчик № "+old.Serial })
	curAt := slices.IndexFunc(texts, func(s string) bool { return s == "Счётчик № "+cur.Serial })
	if removed < 0 || oldAt < removed || curAt < 0 || curAt > removed {
		t.Errorf("the removed meter %s is not under «Снятые счётчики» (at %d, %d; the new one at %d)", old.Serial, removed, oldAt, curAt)
	}
	dataExpect(t, texts, "Снят "+old.RemovedOn.Russian(), "Заменён на счётчик № "+cur.Serial, "Разрядность: 5 цифр до запятой, 1 после")
}

// dataUsed is the accepted consumption of all zones of all meters in the
// months from to to.
func dataUsed(doc *domain.AccountDocument, from, to domain.Period) domain.Decimal {
	var sum domain.Decimal
	for _, r := range doc.Readings {
		if r.Status != domain.StatusAccepted || r.Period.Before(from) || to.Before(r.Period) {
			continue
		}
		for _, v := range r.Consumption {
			sum += v
		}
	}
	return sum
}

func TestDataStatement(t *testing.T) {
	tu := dataLogin(t, "100001")
	doc := tu.dataDoc()
	texts := tu.dataShow("statement")
	s := tu.UI.screen.(*statementScreen)

	// By default the 12 months up to the last reading.
	var last domain.Period
	for _, r := range doc.Readings {
		if last.Before(r.Period) {
			last = r.Period
		}
	}
	from := last.AddMonths(-11)
	if s.from != from || s.to != last {
		t.Errorf("the default range is %s–%s, want %s–%s", s.from, s.to, from, last)
	}
	if s.fromSel.Selected != from.Russian() || s.toSel.Selected != last.Russian() {
		t.Errorf("the pickers show %q and %q", s.fromSel.Selected, s.toSel.Selected)
	}
	dataExpect(t, texts, "Всего с "+domain.MonthGenitive(from.Month)+" "+strconv.Itoa(from.Year)+" по "+last.Russian()+": "+kwh(dataUsed(doc, from, last), 1))
	if n := len(s.table.rows()); n != 12+1 && n != 12+1+2 {
		t.Errorf("the table has %d rows for 12 months", n)
	}

	// A range of 18 months across years, picked with the selects.
	from, to := last.AddMonths(-20), last.AddMonths(-3)
	fyne.DoAndWait(func() {
		s.fromSel.SetSelectedIndex(s.indexOf(from))
		s.toSel.SetSelectedIndex(s.indexOf(to))
	})
	if s.from != from || s.to != to {
		t.Fatalf("the range is %s–%s after picking %s–%s", s.from, s.to, from, to)
	}
	texts = tu.texts()
	want := dataUsed(doc, from, to)
	dataExpect(t, texts, "Всего с "+domain.MonthGenitive(from.Month)+" "+strconv.Itoa(from.Year)+" по "+to.Russian()+": "+kwh(want, 1))
	var charged domain.Kopecks
	for _, inv := range doc.Invoices {
		if inv.Period.InRange(from, to) {
			for _, l := range inv.Lines {
				charged += l.Amount
			}
		}
	}
	dataExpect(t, texts, "начислено "+money(charged))
	for y := from.Year; y <= to.Year; y++ {
		yf, yt := domain.Period{Year: y, Month: time.January}, domain.Period{Year: y, Month: time.December}
		if yf.Before(from) {
			yf = from
		}
		if to.Before(yt) {
			yt = to
		}
		dataExpect(t, texts, fmt.Sprintf("%d год: %s", y, kwh(dataUsed(doc, yf, yt), 1)))
	}
	rows := s.table.rows()
	var years, months int
	for _, r := range rows {
		switch {
		case strings.HasPrefix(r.cells[stmtMonth], "Итого за ") && strings.HasSuffix(r.cells[stmtMonth], " год"):
			years++
		case !r.total:
			months++
		}
	}
	if months != 18 || years != to.Year-from.Year+1 || !rows[len(rows)-1].total {
		t.Errorf("the table has %d months and %d year totals", months, years)
	}
	// A month row: the readings at the start and end, the source, the
	// volume, and the tariff and charge of that month's bill.
	r := rows[0]
	if r.cells[stmtMonth] != dataCapital(from.Russian()) || r.cells[stmtPrice] == "—" || r.cells[stmtAmount] == "—" || r.cells[stmtSource] == "" {
		t.Errorf("the first row is %q", r.cells)
	}

	// «с» after «по» is explained, not shown as an empty statement.
	fyne.DoAndWait(func() { s.fromSel.SetSelectedIndex(0); s.toSel.SetSelectedIndex(len(s.periods) - 1) })
	dataExpect(t, tu.texts(), "⚠ Месяц «с» позже месяца «по»")

	// The whole history.
	fyne.DoAndWait(func() { s.setRange(s.periods[len(s.periods)-1], s.periods[0]) })
	dataExpect(t, tu.texts(), kwh(dataUsed(doc, s.periods[len(s.periods)-1], s.periods[0]), 1))
}

func TestDataStatementZonesAndReplacedMeter(t *testing.T) {
	// Two zones: a table per zone, and a total over both.
	tu := dataLogin(t, "100002")
	doc := tu.dataDoc()
	tu.dataShow("statement")
	s := tu.UI.screen.(*statementScreen)
	if len(s.st.series) != 2 || len(s.seriesButtons.Objects) != 2 || !s.seriesButtons.Visible() {
		t.Fatalf("%d meter zones, %d zone buttons", len(s.st.series), len(s.seriesButtons.Objects))
	}
	dataExpect(t, tu.texts(), kwh(dataUsed(doc, s.from, s.to), 1), s.st.series[0].title, s.st.series[1].title, "День (Т1)", "Ночь (Т2)")
	fyne.DoAndWait(func() { test.Tap(s.seriesButtons.Objects[1].(*widget.Button)) })
	if got := s.table.rows()[0].cells[stmtVolume]; s.series != 1 || !strings.Contains(s.st.series[1].title, "Ночь") || got == "" ||
		s.seriesTitle.Text != s.st.series[1].title {
		t.Errorf("the night zone is not shown: %d, %q, %q", s.series, got, s.seriesTitle.Text)
	}

	// The dacha: the old and the new meter over the whole history.
	tu4 := dataLogin(t, "100004")
	list, _ := tu4.svc.Accounts()
	fyne.DoAndWait(func() {
		tu4.UI.account = list[1].Number
		tu4.UI.shell.refreshAccounts()
	})
	tu4.dataShow("statement")
	doc = tu4.dataDoc()
	s = tu4.UI.screen.(*statementScreen)
	fyne.DoAndWait(func() { s.setRange(s.periods[len(s.periods)-1], s.periods[0]) })
	if len(s.st.series) != 2 {
		t.Fatalf("the dacha's statement has %d meter zones", len(s.st.series))
	}
	dataExpect(t, tu4.texts(), kwh(dataUsed(doc, s.from, s.to), 1), "(снят)")
	// The old meter's months, with the reading taken when it was removed.
	fyne.DoAndWait(func() { test.Tap(s.seriesButtons.Objects[1].(*widget.Button)) })
	if rows := s.table.rows(); len(rows) < 2 || !strings.Contains(s.seriesTitle.Text, "(снят)") {
		t.Errorf("the removed meter's table: %q, %d rows", s.seriesTitle.Text, len(rows))
	}
}

// docService is a Service that only has a document: enough for the data
// screens without a portal.
type docService struct {
	Service
	doc cabinet.Document
}

func (d docService) Document(string) (cabinet.Document, bool, error) { return d.doc, true, nil }

// TestDataLongHistory draws ten years of an account: the lists and the
// table draw only the rows in view, and every figure still adds up.
func TestDataLongHistory(t *testing.T) {
	dataRussian(t)
	a := test.NewTempApp(t)
	LoadTranslations(false)
	seed, err := demo.LongHistory(time.Now(), 10, func(p string) (string, error) { return p, nil })
	if err != nil {
		t.Fatal(err)
	}
	c := seed.Customers[0]
	acc := c.Accounts[0]
	doc := domain.AccountDocument{Account: &acc.Account, Customer: &c.Customer, Invoices: acc.Invoices, Payments: acc.Payments}
	for i, sm := range acc.Meters {
		m := sm.Meter
		m.ID = strconv.Itoa(i + 1)
		for _, r := range sm.Readings {
			r.MeterID = m.ID
			doc.Readings = append(doc.Readings, r)
		}
		doc.Meters = append(doc.Meters, m)
	}
	if len(doc.Invoices) != 120 {
		t.Fatalf("%d invoices", len(doc.Invoices))
	}
	u := &UI{app: a, svc: docService{doc: cabinet.Document{Doc: doc}}, account: acc.Number}

	inv := newInvoices(depsFor[invoicesService](u, u.svc, place{}), u).(*invoicesScreen)
	w := test.NewTempWindow(t, inv.Content())
	w.Resize(fyne.NewSize(900, 700))
	inv.showList() // it opens with the newest bill
	if n := inv.list.Length(); n != 120 {
		t.Fatalf("the list has %d rows", n)
	}
	isRow := regexp.MustCompile(`^\p{Lu}\p{Ll}+ \d{4}$`)
	countRows := func() int {
		n := 0
		for _, s := range objectTexts(t, w.Content()) {
			if isRow.MatchString(s) {
				n++
			}
		}
		return n
	}
	if n := countRows(); n == 0 || n > 30 {
		t.Errorf("%d of 120 rows are drawn", n)
	}
	inv.list.ScrollToBottom()
	if n := countRows(); n == 0 || n > 30 {
		t.Errorf("%d of 120 rows are drawn at the bottom", n)
	}
	inv.list.Select(119)
	oldest := inv.invoices[119]
	texts := objectTexts(t, w.Content())
	dataExpect(t, texts, invoiceTotal(&oldest, inv.paid[oldest.Period]), "Счёт № "+oldest.Number)

	st := newStatement(u).(*statementScreen)
	w.SetContent(st.Content())
	st.setRange(st.periods[len(st.periods)-1], st.periods[0])
	from, to := st.from, st.to
	dataExpect(t, objectTexts(t, w.Content()), kwh(dataUsed(&doc, from, to), 1))
	rows := len(st.table.rows())
	if rows < 120 {
		t.Fatalf("the table has %d rows", rows)
	}
	// Twice the text: the columns grow to hold their longest text.
	st.table.view.need()
	before := slices.Clone(st.table.view.widths)
	a.Settings().SetTheme(&kabinetTheme{size: 2})
	st.table.view.need()
	after := st.table.view.widths
	size := st.table.view.Theme().Size("text")
	for c := range stmtCols {
		if after[c] < before[c]*1.5 {
			t.Errorf("column %d grew from %v to %v only", c, before[c], after[c])
		}
		for _, r := range st.table.rows() {
			text := r.cells[c]
			if first, rest, ok := strings.Cut(text, " "); ok && c == stmtSource { // on two lines
				text = dataLonger(first, rest)
			}
			if tw := fyne.MeasureText(text, size, fyne.TextStyle{Bold: r.total}).Width; tw > after[c] {
				t.Errorf("%q (%v) is wider than its column (%v)", r.cells[c], tw, after[c])
				break
			}
		}
	}
}

// dataKeys is every string the data screens translate: the literals passed
// to lang.L in app/data_*.go and the words that come with the data.
func dataKeys(t *testing.T) []string {
	files, err := filepath.Glob("data_*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no data_*.go: %v", err)
	}
	keys := map[string]bool{}
	for w := range dataWords {
		keys[w] = true
	}
	for _, f := range files {
		fs := token.NewFileSet()
		file, err := parser.ParseFile(fs, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "L" {
				return true
			}
			if id, ok := sel.X.(*ast.Ident); !ok || id.Name != "lang" {
				return true
			}
			if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				s, _ := strconv.Unquote(lit.Value)
				keys[s] = true
			}
			return true
		})
	}
	out := make([]string, 0, len(keys))
	for k := range keys {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func readTranslations(t *testing.T, name string) map[string]string {
	b, err := os.ReadFile(filepath.Join("..", "assets", "translations", name))
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m
}

func TestDataTranslations(t *testing.T) {
	ru, en := readTranslations(t, "data.ru.json"), readTranslations(t, "data.en.json")
	placeholders := regexp.MustCompile(`{{\.\w+}}`)
	for _, k := range dataKeys(t) {
		if ru[k] != k {
			t.Errorf("data.ru.json: %q is %q", k, ru[k])
		}
		e, ok := en[k]
		if !ok || e == "" {
			t.Errorf("data.en.json has no %q", k)
			continue
		}
		for _, p := range placeholders.FindAllString(e, -1) {
			if !strings.Contains(k, p) {
				t.Errorf("data.en.json: %q uses %s, which %q does not have", e, p, k)
			}
		}
	}
	for k := range ru {
		if _, ok := en[k]; !ok {
			t.Errorf("data.en.json has no %q", k)
		}
	}
	if len(ru) != len(en) {
		t.Errorf("data.ru.json has %d strings, data.en.json %d", len(ru), len(en))
	}

	// English where the system asks for it. The locale is read again when
	// translations load, so the next test gets the machine's back.
	test.NewTempApp(t)
	t.Cleanup(func() { LoadTranslations(false) }) // runs after the environment is restored
	t.Setenv("LANGUAGE", "en")
	t.Setenv("LC_ALL", "en_US.UTF-8")
	LoadTranslations(true)
	if got := lang.L("Приборы учета"); got != "Meters" {
		t.Errorf("in English «Приборы учета» is %q", got)
	}
	if got := dataPeriod(domain.Period{Year: 2026, Month: time.November}); got != "November 2026" {
		t.Errorf("in English November 2026 is %q", got)
	}
	if got := invoiceRow(domain.Invoice{Period: domain.Period{Year: 2026, Month: time.November}, TotalDue: 123456, DueOn: domain.NewDate(2026, 12, 10)}); got != "November 2026 — 1\u202f234,56 ₽ to pay by 10.12.2026" {
		t.Errorf("in English a bill's row is %q", got)
	}
}

// TestDataNoDocument: before the first download every data screen says so.
func TestDataNoDocument(t *testing.T) {
	dataRussian(t)
	test.NewTempApp(t)
	LoadTranslations(false)
	u := &UI{svc: noDocService{}, account: "1100012345"}
	for _, sec := range sections() {
		switch sec.id {
		case "main", "services", "invoices", "payments", "contract", "meters", "statement":
		default:
			continue
		}
		s := sec.build(u, place{screen: sec.id})
		texts := objectTexts(t, s.Content())
		if !contains(texts, "Данных пока нет") {
			t.Errorf("%T shows %q", s, texts)
		}
		if r, ok := s.(Refresher); ok {
			r.Refresh()
		} else {
			t.Errorf("%T does not update in place", s)
		}
	}
}

type noDocService struct{ Service }

func (noDocService) Document(string) (cabinet.Document, bool, error) {
	return cabinet.Document{}, false, nil
}
