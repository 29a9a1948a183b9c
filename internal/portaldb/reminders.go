package portaldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"kabinet/internal/domain"
)

// Kinds of reminder jobs (reminder_jobs.kind).
const (
	// ReminderWindow asks to send the month's reading while the window is
	// open; one per account, period, slot and channel.
	ReminderWindow = "window"
	// ReminderReceipt echoes an accepted reading's receipt; one per
	// reading and channel.
	ReminderReceipt = "receipt"
)

// Channels a reminder goes by.
const (
	ChannelEmail = "email"
	ChannelSMS   = "sms"
)

// Slots of a window reminder in its period.
const (
	// SlotOpens is the window's first day.
	SlotOpens = "opens"
	// SlotCloses is two days before the window's last day.
	SlotCloses = "closes"
)

// ReminderJob is a reminder or receipt echo waiting to be sent, as a claim
// hands it out. What it says and where it goes are read again when it is
// sent (StartReminder): the customer may have changed them since.
type ReminderJob struct {
	ID        int64
	Kind      string // ReminderWindow or ReminderReceipt
	Channel   string // ChannelEmail or ChannelSMS
	AccountID int64
	Period    domain.Period
	Slot      string // SlotOpens or SlotCloses; window reminders only
	ReadingID int64  // receipts only
	Attempts  int    // attempts started so far, including this claim
}

// meterWantsReading is true of meter m (with the period as its one
// argument) when it is in service, has no accepted reading for the period,
// and is read by a person: a meter whose last readings (up to three) all
// came automatically is read without the customer and gets no reminder
// (decisions-wave2).
const meterWantsReading = `m.removed_on = ''
	AND NOT EXISTS (SELECT 1 FROM readings r WHERE r.meter_id = m.id AND r.period = ? AND r.status = 'accepted')
	AND NOT (EXISTS (SELECT 1 FROM readings r WHERE r.meter_id = m.id AND r.status = 'accepted')
		AND NOT EXISTS (SELECT 1 FROM (SELECT r.source FROM readings r WHERE r.meter_id = m.id AND r.status = 'accepted'
			ORDER BY r.taken_on DESC, r.id DESC LIMIT 3) last WHERE last.source <> 'automatic'))`

// subscribedBy is true when account a of customer c (alias ch for the
// channel) is subscribed to reminders by the channel and has an address
// for it.
const subscribedBy = `((ch.channel = 'email' AND a.email_reminders AND c.email <> '')
	OR (ch.channel = 'sms' AND a.sms_reminders AND c.phone <> ''))`

// bothChannels is a row per channel, aliased ch by the queries.
const bothChannels = `(SELECT 'email' AS channel UNION ALL SELECT 'sms' AS channel) ch`

// planChunk is how many account ids one planning transaction covers: on
// SQLite a transaction holds the only write lock, and the readings of the
// window must not wait long for it (20 000 accounts take about 0.3 s to plan
// again, BenchmarkPlanWindowReminders).
const planChunk = 2000

// PlanWindowReminders makes the window reminders of period and slot, due at
// due, for every account subscribed by e-mail or SMS that has a meter still
// wanting the period's reading: one job per account and channel. Planning
// again, here or in another portal on the same database, makes none twice
// (the unique index; the NOT EXISTS only spares planning again the look at
// the meters); it returns how many jobs are new. The accounts are planned a
// range of ids per transaction.
func (db *DB) PlanWindowReminders(ctx context.Context, period domain.Period, slot string, due time.Time) (int64, error) {
	var last int64
	err := db.readOne(ctx, func(tx *Tx) error {
		return tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM accounts`).Scan(&last)
	})
	if err != nil {
		return 0, fmt.Errorf("plan reminders: %w", err)
	}
	var total int64
	for from := int64(0); from < last; from += planChunk {
		var n int64
		err := db.Write(ctx, func(tx *Tx) error {
			now := tx.db.now().UnixMilli()
			res, err := tx.ExecContext(ctx, `INSERT INTO reminder_jobs (kind, channel, account_id, period, slot, created_at, next_attempt_at)
				SELECT 'window', ch.channel, a.id, ?, ?, ?, ? FROM accounts a JOIN customers c ON c.id = a.customer_id CROSS JOIN `+bothChannels+`
				WHERE a.id > ? AND a.id <= ? AND `+subscribedBy+`
					AND NOT EXISTS (SELECT 1 FROM reminder_jobs j WHERE j.kind = 'window' AND j.account_id = a.id AND j.period = ? AND j.slot = ? AND j.channel = ch.channel)
					AND EXISTS (SELECT 1 FROM meters m WHERE m.account_id = a.id AND `+meterWantsReading+`)
				ON CONFLICT DO NOTHING`, period.String(), slot, now, due.UnixMilli(), from, from+planChunk, period.String(), slot, period.String())
			if err != nil {
				return fmt.Errorf("plan reminders: %w", err)
			}
			n, err = res.RowsAffected()
			return err
		})
		if err != nil {
			return total, err
		}
		total += n
	}
	return total, nil
}

// queueReceiptEcho is the write that queues the echo of reading id of the
// account by each channel the account is subscribed to for reminders. It
// goes with the reading's own writes (InsertReading), so an accepted
// reading and its echo commit together.
func queueReceiptEcho(accountID, readingID int64, period domain.Period, now int64) statement {
	return statement{`INSERT INTO reminder_jobs (kind, channel, account_id, period, reading_id, created_at, next_attempt_at)
		SELECT 'receipt', ch.channel, a.id, ?, ?, ?, ? FROM accounts a JOIN customers c ON c.id = a.customer_id CROSS JOIN ` + bothChannels + `
		WHERE a.id = ? AND ` + subscribedBy,
		[]any{period.String(), readingID, now, now, accountID}}
}

// ClaimReminderJobs leases up to limit due jobs (not sent, given up or
// cancelled, next attempt <= now, lease expired) of the channels allowed
// now, counts the attempt and sets the lease to now+lease, in one write
// transaction. Two runners claiming at once get different jobs.
func (db *DB) ClaimReminderJobs(ctx context.Context, now time.Time, lease time.Duration, limit int, email, sms bool) ([]ReminderJob, error) {
	var jobs []ReminderJob
	err := db.Write(ctx, func(tx *Tx) error {
		jobs = nil
		rows, err := tx.QueryContext(ctx, `SELECT j.id, j.kind, j.channel, j.account_id, j.period, j.slot, coalesce(j.reading_id, 0), j.attempts
			FROM reminder_jobs j
			WHERE j.sent_at IS NULL AND j.failed_at IS NULL AND j.cancelled_at IS NULL AND j.next_attempt_at <= ? AND j.leased_until <= ?
				AND ((j.channel = 'email' AND ?) OR (j.channel = 'sms' AND ?))
			ORDER BY j.next_attempt_at, j.id LIMIT ?`+db.d.claimLock, now.UnixMilli(), now.UnixMilli(), email, sms, limit)
		if err != nil {
			return fmt.Errorf("reminder jobs: %w", err)
		}
		for rows.Next() {
			var j ReminderJob
			var period string
			if err := rows.Scan(&j.ID, &j.Kind, &j.Channel, &j.AccountID, &period, &j.Slot, &j.ReadingID, &j.Attempts); err != nil {
				rows.Close()
				return fmt.Errorf("reminder jobs: %w", err)
			}
			j.Period, _ = domain.ParsePeriod(period)
			j.Attempts++
			jobs = append(jobs, j)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("reminder jobs: %w", err)
		}
		until := now.Add(lease).UnixMilli()
		for _, j := range jobs {
			if _, err := tx.ExecContext(ctx, `UPDATE reminder_jobs SET attempts = ?, leased_until = ? WHERE id = ?`, j.Attempts, until, j.ID); err != nil {
				return fmt.Errorf("claim reminder job: %w", err)
			}
		}
		return nil
	})
	return jobs, err
}

// ReminderDelivery is what a claimed job's message needs, read when it is
// sent.
type ReminderDelivery struct {
	// To is the e-mail address or the phone on file now.
	To string
	// Serial and AcceptedAt are the receipt's meter serial and when the
	// reading was accepted; receipts only.
	Serial     string
	AcceptedAt time.Time
}

// SMSBudget is how many SMS of a purpose a customer may get since a time
// (decisions-wave2 «SMS budgets»: each purpose has its own).
type SMSBudget struct {
	Purpose string
	Since   time.Time
	Max     int
}

// ReminderCancelled is StartReminder's answer for a job that is no longer
// to be sent; the job is marked cancelled with the reason.
type ReminderCancelled struct{ Reason string }

func (e *ReminderCancelled) Error() string { return "reminder cancelled: " + e.Reason }

// StartReminder checks claimed job j again, in one write transaction, and
// returns what its message needs. A job no longer wanted — unsubscribed, no
// address, the reading arrived since the job was made, the SMS budget
// spent — is marked cancelled and the answer is a *ReminderCancelled. An
// SMS is marked sent and counted in sms_log under budget.Purpose before
// this returns: SMS are at most once, so a crash before the gateway call
// loses that one rather than risking two. An e-mail stays leased; the
// caller reports ReminderSent or ReminderFailed.
func (db *DB) StartReminder(ctx context.Context, j ReminderJob, now time.Time, budget SMSBudget) (ReminderDelivery, error) {
	var d ReminderDelivery
	var reason string
	err := db.Write(ctx, func(tx *Tx) error {
		d, reason = ReminderDelivery{}, ""
		var err error
		reason, err = tx.reminderStillWanted(ctx, j, &d)
		if err == nil && reason == "" && j.Channel == ChannelSMS {
			reason, err = tx.spendSMS(ctx, j, now, budget)
		}
		if err != nil || reason == "" {
			return err
		}
		// Returned as nil: the cancellation must commit.
		return tx.cancelReminder(ctx, j.ID, now, reason)
	})
	if err != nil {
		return ReminderDelivery{}, err
	}
	if reason != "" {
		return ReminderDelivery{}, &ReminderCancelled{Reason: reason}
	}
	return d, nil
}

// reminderStillWanted reads the account's subscription and address (and a
// receipt's reading) into d, or returns why the job is no longer wanted.
func (tx *Tx) reminderStillWanted(ctx context.Context, j ReminderJob, d *ReminderDelivery) (string, error) {
	var customerID int64
	var byEmail, bySMS bool
	var email, phone string
	err := tx.QueryRowContext(ctx, `SELECT a.customer_id, a.email_reminders, a.sms_reminders, c.email, c.phone
		FROM accounts a JOIN customers c ON c.id = a.customer_id WHERE a.id = ?`, j.AccountID).Scan(&customerID, &byEmail, &bySMS, &email, &phone)
	if errors.Is(err, sql.ErrNoRows) {
		return "the account is gone", nil
	}
	if err != nil {
		return "", fmt.Errorf("reminder job %d: %w", j.ID, err)
	}
	switch {
	case j.Channel == ChannelEmail && (!byEmail || email == ""):
		return "unsubscribed from e-mail reminders", nil
	case j.Channel == ChannelSMS && (!bySMS || phone == ""):
		return "unsubscribed from SMS reminders", nil
	}
	d.To = email
	if j.Channel == ChannelSMS {
		d.To = phone
	}
	if j.Kind == ReminderReceipt {
		var at int64
		err := tx.QueryRowContext(ctx, `SELECT m.serial, r.submitted_at FROM readings r JOIN meters m ON m.id = r.meter_id WHERE r.id = ?`,
			j.ReadingID).Scan(&d.Serial, &at)
		if errors.Is(err, sql.ErrNoRows) {
			return "the reading is gone", nil
		}
		d.AcceptedAt = time.Unix(at, 0)
		return "", err
	}
	var wanted bool
	err = tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM meters m WHERE m.account_id = ? AND `+meterWantsReading+`)`,
		j.AccountID, j.Period.String()).Scan(&wanted)
	if err != nil {
		return "", fmt.Errorf("reminder job %d: %w", j.ID, err)
	}
	if !wanted {
		return "the readings arrived", nil
	}
	return "", nil
}

// spendSMS counts job j's SMS against the customer's budget and marks the
// job sent, or returns why it may not go.
func (tx *Tx) spendSMS(ctx context.Context, j ReminderJob, now time.Time, budget SMSBudget) (string, error) {
	var customerID int64
	if err := tx.QueryRowContext(ctx, `SELECT customer_id FROM accounts WHERE id = ?`, j.AccountID).Scan(&customerID); err != nil {
		return "", fmt.Errorf("reminder job %d: %w", j.ID, err)
	}
	n, _, err := tx.SMSSent(ctx, customerID, budget.Purpose, budget.Since)
	if err != nil {
		return "", err
	}
	if n >= budget.Max {
		return "the SMS budget of " + budget.Purpose + " is spent", nil
	}
	res, err := tx.ExecContext(ctx, `UPDATE reminder_jobs SET sent_at = ?, leased_until = 0 WHERE id = ? AND sent_at IS NULL AND cancelled_at IS NULL`,
		now.UnixMilli(), j.ID)
	if err != nil {
		return "", fmt.Errorf("reminder job %d: %w", j.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return "already handled", err
	}
	return "", tx.LogSMS(ctx, customerID, budget.Purpose)
}

func (tx *Tx) cancelReminder(ctx context.Context, id int64, now time.Time, reason string) error {
	_, err := tx.ExecContext(ctx, `UPDATE reminder_jobs SET cancelled_at = ?, leased_until = 0, last_error = ? WHERE id = ? AND sent_at IS NULL`,
		now.UnixMilli(), reason, id)
	if err != nil {
		return fmt.Errorf("cancel reminder job %d: %w", id, err)
	}
	return nil
}

// CancelReminder marks the job not to be sent, for reason (no personal
// data): its window closed, or a later reminder took its place.
func (db *DB) CancelReminder(ctx context.Context, id int64, now time.Time, reason string) error {
	return db.Write(ctx, func(tx *Tx) error { return tx.cancelReminder(ctx, id, now, reason) })
}

// ReminderSent records that the job's e-mail was accepted by the mail
// server.
func (db *DB) ReminderSent(ctx context.Context, id int64, at time.Time) error {
	return db.Write(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE reminder_jobs SET sent_at = ?, leased_until = 0, last_error = '' WHERE id = ?`, at.UnixMilli(), id)
		return err
	})
}

// ReminderFailed records a failed attempt: retry at next, or give up when
// final. reason must not contain personal data. An SMS is already marked
// sent when the gateway fails: it is marked given up too and never retried.
func (db *DB) ReminderFailed(ctx context.Context, id int64, next time.Time, reason string, final bool) error {
	var failed sql.NullInt64
	if final {
		failed = sql.NullInt64{Int64: db.now().UnixMilli(), Valid: true}
	}
	return db.Write(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE reminder_jobs SET next_attempt_at = ?, leased_until = 0, last_error = ?, failed_at = ?
			WHERE id = ? AND (sent_at IS NULL OR channel = 'sms')`, next.UnixMilli(), reason, failed, id)
		return err
	})
}

// ReminderJobCounts returns how many jobs are pending, sent, given up and
// cancelled (for metrics and tests). An SMS the gateway refused counts as
// given up.
func (db *DB) ReminderJobCounts(ctx context.Context) (pending, sent, failed, cancelled int, err error) {
	err = db.readOne(ctx, func(tx *Tx) error {
		return tx.QueryRowContext(ctx, `SELECT
				count(CASE WHEN sent_at IS NULL AND failed_at IS NULL AND cancelled_at IS NULL THEN 1 END),
				count(CASE WHEN sent_at IS NOT NULL AND failed_at IS NULL THEN 1 END),
				count(failed_at),
				count(cancelled_at)
			FROM reminder_jobs`).Scan(&pending, &sent, &failed, &cancelled)
	})
	if err != nil {
		err = fmt.Errorf("reminder job counts: %w", err)
	}
	return pending, sent, failed, cancelled, err
}
