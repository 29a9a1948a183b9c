package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"kabinet/internal/domain"
	"kabinet/internal/portalclient"
	"kabinet/internal/store"
	"kabinet/internal/syncer"
)

func (c *command) status(args []string) int {
	if err := c.flags("status").Parse(args); err != nil {
		return ExitUsage
	}
	st, err := c.openStore()
	if err != nil {
		return c.fail(err)
	}
	defer st.Close()
	portal, _, _ := st.Setting("portal")
	customer, _, _ := st.Setting("customer")
	if portal == "" {
		fmt.Fprintln(c.err, c.say("need_login"))
		return ExitFailed
	}
	p := store.Profile{Portal: portal, Customer: customer}
	fmt.Fprintf(c.out, "%s %s — %s\n", map[bool]string{false: "Клиент", true: "Customer"}[c.english], customer, portal)
	accounts := accountsOf(st, p)
	if len(accounts) == 0 {
		fmt.Fprintln(c.out, c.say("no_accounts"))
	}
	today := domain.DateOf(c.env.Now(), domain.Moscow)
	for _, number := range accounts {
		doc, ok, err := st.Document(p, number)
		if err != nil {
			return c.fail(err)
		}
		if !ok {
			fmt.Fprintln(c.out, number+": "+c.say("no_accounts"))
			continue
		}
		d := doc.Doc
		title, address := "", ""
		if d.Account != nil {
			title, address = d.Account.Title, d.Account.Address
		}
		fmt.Fprintln(c.out, c.say("account_line", number, title, address))
		b := d.Balance
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
		for _, m := range d.Meters {
			if !m.Active() {
				continue
			}
			var vals []string
			for _, z := range m.Zones {
				vals = append(vals, c.say("zone_value", z.Name, z.LastValue.Format(m.FractionDigits), z.LastDate.Russian()))
			}
			fmt.Fprintln(c.out, c.say("meter_line", m.Serial, m.Model, m.ID, strings.Join(vals, "; ")))
			if nv := m.NextVerification; !nv.IsZero() && today.DaysUntil(nv) <= 90 {
				fmt.Fprintln(c.out, c.say("verification_due", m.Serial, nv.Russian()))
			}
		}
		if w := firstWindow(d.Meters); !w.Start.IsZero() {
			if w.Open {
				fmt.Fprintln(c.out, c.say("window_open", w.End.Russian()))
			} else {
				fmt.Fprintln(c.out, c.say("window_closed", w.Start.Russian(), w.End.Russian()))
			}
		}
		fmt.Fprintln(c.out, c.say("fresh", doc.FetchedAt.In(domain.Moscow).Format("02.01.2006 15:04")))
	}
	return c.printQueue(st, p)
}

func firstWindow(ms []domain.Meter) domain.WindowState {
	for _, m := range ms {
		if m.Active() {
			return m.Window
		}
	}
	return domain.WindowState{}
}

// printQueue lists what waits and returns ExitQueued when something does.
func (c *command) printQueue(st *store.Store, p store.Profile) int {
	items, err := st.Pending(p)
	if err != nil {
		return c.fail(err)
	}
	waiting, attention := 0, 0
	for _, it := range items {
		if it.State == store.StateAttention {
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
		if it.State == store.StateAttention && it.Problem != nil {
			state = c.say("state_attention", it.Problem.Detail)
		} else if it.LastError != "" {
			state += " (" + it.LastError + ")"
		}
		when := it.CreatedAt.In(domain.Moscow).Format("02.01 15:04")
		if it.Kind == store.KindQuestion {
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
	s, code := c.open(ctx)
	if s == nil {
		return code
	}
	defer c.close(s)
	if *account == "" {
		list := accountsOf(s.store, s.profile)
		if len(list) != 1 {
			fmt.Fprintln(c.err, c.say("choose_account", strings.Join(list, ", ")))
			return ExitUsage
		}
		*account = list[0]
	}
	doc, ok, err := s.store.Document(s.profile, *account)
	if err != nil {
		return c.fail(err)
	}
	if !ok {
		return c.fail(errNoData)
	}
	var meter *domain.Meter
	var ids []string
	for i, m := range doc.Doc.Meters {
		if !m.Active() {
			continue
		}
		ids = append(ids, m.ID)
		if m.ID == *meterID || (*meterID == "" && meter == nil) {
			meter = &doc.Doc.Meters[i]
		}
	}
	if meter == nil || (*meterID == "" && len(ids) > 1) {
		fmt.Fprintln(c.err, c.say("choose_meter", strings.Join(ids, ", ")))
		return ExitUsage
	}
	values, ok := c.zoneValues(meter, *value, *night, *halfPeak)
	if !ok {
		return ExitUsage
	}
	var taken domain.Date
	if *date != "" {
		if taken, err = domain.ParseDate(*date); err != nil {
			fmt.Fprintln(c.err, c.say("bad_date"))
			return ExitUsage
		}
	}
	q, err := s.engine.QueueReading(*account, meter.ID, values, taken, *confirm)
	if err != nil {
		code := c.fail(err)
		var de *domain.Error
		if errors.As(err, &de) && de.Code == domain.CodeNeedsConfirmation {
			fmt.Fprintln(c.err, c.say("confirm_hint"))
		}
		return code
	}
	return c.deliver(ctx, s, q)
}

// deliver tries to send the reading just queued or corrected and says what
// became of it.
func (c *command) deliver(ctx context.Context, s *session, q syncer.Queued) int {
	if q.Notice != "" {
		fmt.Fprintln(c.out, q.Notice)
		return ExitQueued
	}
	if !s.online {
		fmt.Fprintln(c.out, c.say("saved_later"))
		c.notOnline(s)
		return ExitQueued
	}
	sctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	r := s.engine.SyncNow(sctx)
	item, _, err := s.store.Item(q.Item.ID)
	switch {
	case err != nil:
		return c.fail(err)
	case item.State == store.StateSent:
		fmt.Fprintln(c.out, c.say("sent_ok", sentMessage(item)))
		return ExitOK
	case item.State == store.StateAttention && item.Problem != nil:
		fmt.Fprintln(c.err, c.say("refused", item.Problem.Detail))
		return ExitFailed
	}
	if r.Err != nil {
		fmt.Fprintln(c.out, c.say("saved_not_sent", portalclient.Message(r.Err)))
	} else {
		fmt.Fprintln(c.out, c.say("saved_later"))
	}
	return ExitQueued
}

var errNoData error = &domain.Error{Code: domain.CodeNoData, Message: "Данных по этому лицевому счёту ещё нет. Выполните kabinet sync, когда будет связь."}

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

func sentMessage(it store.OutboxItem) string {
	var m struct{ Message string }
	if err := json.Unmarshal(it.Response, &m); err == nil {
		return m.Message
	}
	return ""
}
