package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"kabinet/internal/cabinet"
	"kabinet/internal/domain"
	"kabinet/internal/portalclient"
)

func (c *command) status(ctx context.Context, args []string) int {
	s, code := c.start(ctx, c.flags("status"), args, false)
	if s == nil {
		return code
	}
	defer c.close(s)
	fmt.Fprintf(c.out, "%s %s — %s\n", map[bool]string{false: "Клиент", true: "Customer"}[c.english], s.svc.Customer(), s.svc.Portal())
	accounts, err := s.svc.Overview()
	if err != nil {
		return c.fail(err)
	}
	if len(accounts) == 0 {
		fmt.Fprintln(c.out, c.say("no_accounts"))
	}
	dues, err := s.svc.ReadingsDue()
	if err != nil {
		return c.fail(err)
	}
	missing := false
	for _, a := range accounts {
		due := dueOf(dues, a)
		c.printAccount(a, due)
		missing = missing || (due.Window.Open && len(due.Missing) > 0)
	}
	code = c.printQueue(s.svc)
	// A meter without a reading while the window is open wins over "something
	// waits to be sent": the waiting item goes by itself, the missing reading
	// needs the person before the window closes, and a script or the task
	// scheduler that reminds on 4 must not be silenced by a queued question.
	if missing {
		return ExitReadingDue
	}
	return code
}

// accountDue is the reading window of one account and its meters still
// without a reading (Missing) or with one waiting here (Queued).
type accountDue struct {
	Window          domain.WindowState
	Missing, Queued []domain.Meter
}

// dueOf is the account's part of due: the open window as the service
// counts it today, or the stored one when none is open.
func dueOf(due cabinet.ReadingsDue, a cabinet.AccountOverview) accountDue {
	d := accountDue{Window: a.Window}
	for _, m := range due.Missing {
		if m.Account == a.Number {
			d.Missing = append(d.Missing, m.Meter)
		}
	}
	for _, m := range due.Queued {
		if m.Account == a.Number {
			d.Queued = append(d.Queued, m.Meter)
		}
	}
	if due.Open && (len(d.Missing) > 0 || len(d.Queued) > 0 || a.Window.Open) {
		d.Window = domain.WindowState{Open: true, Start: due.Start, End: due.End, DaysLeft: due.DaysLeft}
	} else {
		d.Window.Open = false
	}
	return d
}

// printWindow prints the reading window: while it is open, until when,
// how many days are left and which meters still have no reading
// («Приём показаний открыт до 25.12, осталось 3 дня; нет показаний:
// счётчик …96»), and those whose reading waits on this computer.
func (c *command) printWindow(due accountDue) {
	w := due.Window
	if !w.Open {
		if !w.Start.IsZero() {
			fmt.Fprintln(c.out, c.say("window_closed", w.Start.Russian(), w.End.Russian()))
		}
		return
	}
	left := c.say("days_left", w.DaysLeft, domain.Plural(w.DaysLeft, c.say("day_one"), c.say("day_few"), c.say("day_many")))
	if w.DaysLeft == 1 {
		left = c.say("last_day")
	}
	line := c.say("window_open", w.End.DayMonth(), left)
	switch {
	case len(due.Missing) > 0:
		line += "; " + c.say("no_reading", c.meterNames(due.Missing))
	case len(due.Queued) == 0:
		line += "; " + c.say("all_read")
	}
	fmt.Fprintln(c.out, line)
	if len(due.Queued) > 0 {
		fmt.Fprintln(c.out, c.say("reading_queued", c.meterNames(due.Queued)))
	}
}

// meterNames is «счётчик …96, счётчик …41».
func (c *command) meterNames(list []domain.Meter) string {
	names := make([]string, len(list))
	for i, m := range list {
		names[i] = c.say("meter_short", domain.MaskedSerial(m.Serial))
	}
	return strings.Join(names, ", ")
}

// printAccount prints an account's debt, meters and reading window.
func (c *command) printAccount(a cabinet.AccountOverview, due accountDue) {
	if !a.HasData {
		fmt.Fprintln(c.out, a.Number+": "+c.say("no_accounts"))
		return
	}
	fmt.Fprintln(c.out, c.say("account_line", a.Number, a.Title, a.Address))
	b := a.Balance
	switch {
	case b.Debt > 0 && !b.DueOn.IsZero():
		fmt.Fprintln(c.out, c.say("debt", b.Debt, b.DueOn.Russian()))
	case b.Debt > 0:
		fmt.Fprintln(c.out, c.say("debt_nodate", b.Debt))
	case b.Debt < 0:
		fmt.Fprintln(c.out, c.say("overpaid", -b.Debt))
	default:
		fmt.Fprintln(c.out, c.say("no_debt"))
	}
	for _, m := range a.Meters {
		var vals []string
		for _, z := range m.Zones {
			vals = append(vals, c.say("zone_value", z.Name, z.LastValue.Format(m.FractionDigits), z.LastDate.Russian()))
		}
		fmt.Fprintln(c.out, c.say("meter_line", m.Serial, m.Model, m.ID, strings.Join(vals, "; ")))
		for _, v := range a.VerifySoon {
			if v.ID == m.ID {
				fmt.Fprintln(c.out, c.say("verification_due", m.Serial, m.NextVerification.Russian()))
			}
		}
	}
	c.printWindow(due)
	fmt.Fprintln(c.out, c.say("fresh", a.FreshAt.In(domain.Moscow).Format("02.01.2006 15:04")))
}

// printQueue lists what waits and returns ExitQueued when something does.
func (c *command) printQueue(svc *cabinet.Service) int {
	items, err := svc.Outbox()
	if err != nil {
		return c.fail(err)
	}
	waiting, attention := 0, 0
	for _, it := range items {
		if it.State == cabinet.Refused {
			attention++
		} else {
			waiting++
		}
	}
	fmt.Fprintln(c.out, c.say("waiting", waiting))
	if attention > 0 {
		fmt.Fprintln(c.out, c.say("attention", attention))
	}
	for _, it := range items {
		state := c.say("state_pending")
		if it.State == cabinet.Refused && it.Problem != nil {
			state = c.say("state_attention", it.Problem.Detail)
		} else if it.Problem != nil && it.Problem.Detail != "" {
			state += " (" + it.Problem.Detail + ")"
		}
		when := it.CreatedAt.In(domain.Moscow).Format("02.01 15:04")
		if it.Kind == cabinet.KindQuestion {
			fmt.Fprintln(c.out, c.say("queued_question", when, it.Topic, state))
			continue
		}
		var vals []string
		for _, z := range []domain.Zone{domain.T1, domain.T2, domain.T3} {
			if v, ok := it.Values[z]; ok {
				vals = append(vals, v)
			}
		}
		fmt.Fprintln(c.out, c.say("queued_item", it.ID, when, strings.Join(vals, " / "), it.Meter, state))
	}
	if waiting > 0 {
		return ExitQueued
	}
	return ExitOK
}

func (c *command) readingAdd(ctx context.Context, args []string) int {
	fs := c.flags("reading add")
	account := fs.String("account", "", "лицевой счёт (account number)")
	meterID := fs.String("meter", "", "meter id (see kabinet status)")
	value := fs.String("value", "", "reading: single zone, day (T1) or peak (T1)")
	night := fs.String("value-night", "", "night zone reading")
	halfPeak := fs.String("value-half-peak", "", "half-peak zone reading (three-zone meters)")
	date := fs.String("date", "", "day the values were read, YYYY-MM-DD (default today)")
	confirm := fs.Bool("confirm", false, "confirm an unusual reading (rollover or a large consumption)")
	if err := fs.Parse(args); err != nil {
		return ExitUsage
	}
	s, code := c.openAccount(ctx, true, account)
	if s == nil {
		return code
	}
	defer c.close(s)
	meter, code := c.chooseMeter(s.svc, *account, *meterID)
	if meter == nil {
		return code
	}
	values, ok := c.zoneValues(meter, *value, *night, *halfPeak)
	if !ok {
		return ExitUsage
	}
	var taken domain.Date
	if *date != "" {
		var err error
		if taken, err = domain.ParseDate(*date); err != nil {
			fmt.Fprintln(c.err, c.say("bad_date"))
			return ExitUsage
		}
	}
	q, err := s.svc.QueueReadingOn(*account, meter.ID, values, taken, *confirm)
	if err != nil {
		return c.refuse(err)
	}
	return c.deliver(ctx, s, q)
}

// chooseMeter is the meter in service given by id, or the only one; with
// several and none given it asks for --meter.
func (c *command) chooseMeter(svc *cabinet.Service, account, id string) (*domain.Meter, int) {
	list, err := svc.Overview()
	if err != nil {
		return nil, c.fail(err)
	}
	var meters []domain.Meter
	found := false
	for _, a := range list {
		if a.Number == account {
			meters, found = a.Meters, a.HasData
		}
	}
	if !found {
		return nil, c.fail(cabinet.ErrNoData)
	}
	var ids []string
	var meter *domain.Meter
	for i, m := range meters {
		ids = append(ids, m.ID)
		if m.ID == id || (id == "" && meter == nil) {
			meter = &meters[i]
		}
	}
	if meter == nil || (id == "" && len(ids) > 1) {
		fmt.Fprintln(c.err, c.say("choose_meter", strings.Join(ids, ", ")))
		return nil, ExitUsage
	}
	return meter, ExitOK
}

// refuse says why a reading was not saved, and how to confirm an unusual
// one.
func (c *command) refuse(err error) int {
	code := c.fail(err)
	if domain.ErrorCode(err) == domain.CodeNeedsConfirmation {
		fmt.Fprintln(c.err, c.say("confirm_hint"))
	}
	return code
}

// deliver tries to send the reading just queued or corrected and says what
// became of it.
func (c *command) deliver(ctx context.Context, s *session, q cabinet.QueuedReading) int {
	if q.Notice != "" {
		fmt.Fprintln(c.out, q.Notice)
		return ExitQueued
	}
	return c.sendNow(ctx, s, q.Item.ID, "sent_ok", "saved_later", "saved_not_sent", "refused")
}

// sendNow sends item id at once when the portal can be reached and says
// what became of it with the messages given: delivered, kept for later,
// kept after a failed try, refused.
func (c *command) sendNow(ctx context.Context, s *session, id uint64, sent, later, notSent, refused string) int {
	if !s.Online {
		fmt.Fprintln(c.out, c.say(later))
		c.notOnline(s)
		return ExitQueued
	}
	sctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	o, err := s.svc.SendNow(sctx, id)
	switch {
	case err != nil:
		return c.fail(err)
	case o.Delivered:
		fmt.Fprintln(c.out, c.say(sent, o.Message))
		if r := o.Receipt; r != nil {
			at := r.Reading.AcceptedAt().In(domain.Moscow)
			fmt.Fprintln(c.out, c.say("receipt_line", at.Format("02.01.2006"), at.Format("15:04"), r.Number, r.Number))
		}
		return ExitOK
	case o.Refused != "":
		fmt.Fprintln(c.err, c.say(refused, o.Refused))
		return ExitFailed
	case o.Err != nil:
		fmt.Fprintln(c.out, c.say(notSent, portalclient.Message(o.Err)))
	default:
		fmt.Fprintln(c.out, c.say(later))
	}
	return ExitQueued
}

// zoneValues maps the flags onto the meter's zones.
func (c *command) zoneValues(m *domain.Meter, value, night, halfPeak string) (map[domain.Zone]string, bool) {
	var want []string
	values := map[domain.Zone]string{}
	switch len(m.Zones) {
	case 1:
		values[domain.T1] = value
		want = []string{"--value"}
	case 2:
		values[domain.T1], values[domain.T2] = value, night
		want = []string{"--value (" + c.say("zone_day") + ")", "--value-night"}
	default:
		values[domain.T1], values[domain.T2], values[domain.T3] = value, halfPeak, night
		want = []string{"--value (" + c.say("zone_peak") + ")", "--value-half-peak", "--value-night"}
	}
	for _, v := range values {
		if v == "" {
			fmt.Fprintln(c.err, c.say("bad_value_flag", strings.Join(want, ", ")))
			return nil, false
		}
	}
	return values, true
}
