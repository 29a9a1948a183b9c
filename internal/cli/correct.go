package cli

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"kabinet/internal/domain"
	"kabinet/internal/store"
)

// readingID reads the --id flag: the number `kabinet status` shows before
// a waiting reading.
func (c *command) readingID(raw string) (uint64, bool) {
	id, err := strconv.ParseUint(raw, 10, 64)
	if err != nil || id == 0 {
		fmt.Fprintln(c.err, c.say("need_id"))
		return 0, false
	}
	return id, true
}

// readingWithdraw is `kabinet reading withdraw --id N`: a reading that
// waits to be sent is removed and never sent. It needs no connection.
func (c *command) readingWithdraw(args []string) int {
	fs := c.flags("reading withdraw")
	rawID := fs.String("id", "", "the waiting reading's number (see kabinet status)")
	if err := fs.Parse(args); err != nil {
		return ExitUsage
	}
	id, ok := c.readingID(*rawID)
	if !ok {
		return ExitUsage
	}
	st, err := c.openStore()
	if err != nil {
		return c.fail(err)
	}
	defer st.Close()
	p, ok := c.savedProfile(st)
	if !ok {
		return ExitFailed
	}
	it, ok, err := st.Item(id)
	if err != nil {
		return c.fail(err)
	}
	if !ok || it.Profile != p {
		return c.fail(store.ErrNotQueued())
	}
	if _, err := st.Withdraw(id); err != nil {
		return c.fail(err)
	}
	fmt.Fprintln(c.out, c.say("withdrawn", id))
	return ExitOK
}

// readingCorrect is `kabinet reading correct --id N --value …`: a reading
// that waits to be sent gets new values (checked like a new reading) and
// is sent at once when the portal can be reached.
func (c *command) readingCorrect(ctx context.Context, args []string) int {
	fs := c.flags("reading correct")
	rawID := fs.String("id", "", "the waiting reading's number (see kabinet status)")
	value := fs.String("value", "", "reading: single zone, day (T1) or peak (T1)")
	night := fs.String("value-night", "", "night zone reading")
	halfPeak := fs.String("value-half-peak", "", "half-peak zone reading (three-zone meters)")
	date := fs.String("date", "", "day the values were read, YYYY-MM-DD (default: as before)")
	confirm := fs.Bool("confirm", false, "confirm an unusual reading (rollover or a large consumption)")
	if err := fs.Parse(args); err != nil {
		return ExitUsage
	}
	id, ok := c.readingID(*rawID)
	if !ok {
		return ExitUsage
	}
	s, code := c.open(ctx)
	if s == nil {
		return code
	}
	defer c.close(s)
	it, ok, err := s.store.Item(id)
	if err != nil {
		return c.fail(err)
	}
	if !ok || it.Profile != s.profile || it.Kind != store.KindReading {
		return c.fail(store.ErrNotQueued())
	}
	if err := it.ChangeError(); err != nil {
		return c.fail(err)
	}
	doc, ok, err := s.store.Document(s.profile, it.Account)
	if err != nil {
		return c.fail(err)
	}
	if !ok {
		return c.fail(errNoData)
	}
	var meter *domain.Meter
	for i := range doc.Doc.Meters {
		if doc.Doc.Meters[i].ID == it.Meter {
			meter = &doc.Doc.Meters[i]
		}
	}
	if meter == nil {
		return c.fail(&domain.Error{Code: domain.CodeUnknownMeter,
			Message: "Счётчика этих показаний больше нет на лицевом счёте. Отмените их: kabinet reading withdraw --id " + strconv.FormatUint(id, 10)})
	}
	values, ok := c.zoneValues(meter, *value, *night, *halfPeak)
	if !ok {
		return ExitUsage
	}
	taken := it.TakenOn
	if *date != "" {
		if taken, err = domain.ParseDate(*date); err != nil {
			fmt.Fprintln(c.err, c.say("bad_date"))
			return ExitUsage
		}
	}
	q, err := s.engine.CorrectReading(id, values, taken, *confirm)
	if err != nil {
		code := c.fail(err)
		var de *domain.Error
		if errors.As(err, &de) && de.Code == domain.CodeNeedsConfirmation {
			fmt.Fprintln(c.err, c.say("confirm_hint"))
		}
		return code
	}
	fmt.Fprintln(c.out, c.say("corrected", id))
	return c.deliver(ctx, s, q)
}

// savedProfile is the person last logged in with this store; without one
// it says to log in.
func (c *command) savedProfile(st *store.Store) (store.Profile, bool) {
	portal, _, _ := st.Setting("portal")
	customer, _, _ := st.Setting("customer")
	if portal == "" || customer == "" {
		fmt.Fprintln(c.err, c.say("need_login"))
		return store.Profile{}, false
	}
	return store.Profile{Portal: portal, Customer: customer}, true
}
