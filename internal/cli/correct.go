package cli

import (
	"context"
	"fmt"
	"strconv"

	"kabinet/internal/domain"
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
func (c *command) readingWithdraw(ctx context.Context, args []string) int {
	fs := c.flags("reading withdraw")
	rawID := fs.String("id", "", "the waiting reading's number (see kabinet status)")
	if err := fs.Parse(args); err != nil {
		return ExitUsage
	}
	id, ok := c.readingID(*rawID)
	if !ok {
		return ExitUsage
	}
	s, code := c.open(ctx, false)
	if s == nil {
		return code
	}
	defer c.close(s)
	if err := s.svc.WithdrawReading(id); err != nil {
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
	s, code := c.open(ctx, true)
	if s == nil {
		return code
	}
	defer c.close(s)
	waiting, err := s.svc.ReadingToCorrect(id)
	if err != nil {
		code := c.fail(err)
		if domain.ErrorCode(err) == domain.CodeUnknownMeter {
			fmt.Fprintln(c.err, c.say("withdraw_hint", id))
		}
		return code
	}
	values, ok := c.zoneValues(&waiting.Meter, *value, *night, *halfPeak)
	if !ok {
		return ExitUsage
	}
	taken := waiting.TakenOn
	if *date != "" {
		if taken, err = domain.ParseDate(*date); err != nil {
			fmt.Fprintln(c.err, c.say("bad_date"))
			return ExitUsage
		}
	}
	q, err := s.svc.CorrectReadingOn(id, values, taken, *confirm)
	if err != nil {
		return c.refuse(err)
	}
	fmt.Fprintln(c.out, c.say("corrected", id))
	return c.deliver(ctx, s, q)
}

// question is `kabinet question --text … [--topic …] [--account A]`: a
// question to the company, checked as the portal checks it, sent at once
// when the portal can be reached and kept until it can otherwise.
func (c *command) question(ctx context.Context, args []string) int {
	fs := c.flags("question")
	account := fs.String("account", "", "лицевой счёт the question is about (optional)")
	topic := fs.String("topic", "", "the question's topic (up to 200 characters)")
	text := fs.String("text", "", "the question (up to 4000 characters)")
	s, code := c.start(ctx, fs, args, true)
	if s == nil {
		return code
	}
	defer c.close(s)
	item, err := s.svc.AskQuestion(*account, *topic, *text)
	if err != nil {
		return c.fail(err)
	}
	return c.sendNow(ctx, s, item.ID, "question_sent", "question_later", "question_not_sent", "question_refused")
}
