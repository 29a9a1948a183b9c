package portaldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"kabinet/internal/domain"
)

// recentReadings is how many of a meter's latest readings its entry in the
// document repeats (the full history is in the document's readings).
const recentReadings = 3

// meterColumns are read from meters m.
const meterColumns = `m.id, m.serial, m.model, m.place, m.installed_on, m.digits, m.fraction_digits, m.zones, m.verified_on,
	m.verification_years, m.removed_on, coalesce(m.replaced_by, 0), m.seq`

func scanMeter(row interface{ Scan(...any) error }) (domain.Meter, int64, int, error) {
	var m domain.Meter
	var id, replaced, seq int64
	var zones int
	var installed, verified, removed string
	err := row.Scan(&id, &m.Serial, &m.Model, &m.Place, &installed, &m.Digits, &m.FractionDigits, &zones, &verified,
		&m.VerificationYears, &removed, &replaced, &seq)
	if err != nil {
		return m, 0, 0, err
	}
	m.ID = strconv.FormatInt(id, 10)
	m.InstalledOn, _ = domain.ParseDate(installed)
	m.VerifiedOn, _ = domain.ParseDate(verified)
	m.RemovedOn, _ = domain.ParseDate(removed)
	if replaced != 0 {
		m.ReplacedBy = strconv.FormatInt(replaced, 10)
	}
	m.NextVerification = m.NextVerificationDate()
	for _, z := range domain.ZonesFor(zones) {
		m.Zones = append(m.Zones, domain.MeterZone{Code: z, Name: domain.ZoneName(z, zones)})
	}
	return m, seq, zones, nil
}

// meters returns the account's meters, each with its last values, recent
// readings and window. A delta carries them all too: the window state
// changes with the calendar, not with the data.
func (tx *Tx) meters(ctx context.Context, accountID int64, w domain.SubmissionWindow) ([]domain.Meter, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+meterColumns+` FROM meters m WHERE m.account_id = ? ORDER BY m.removed_on <> '', m.id`, accountID)
	if err != nil {
		return nil, fmt.Errorf("meters: %w", err)
	}
	out := []domain.Meter{}
	for rows.Next() {
		m, _, _, err := scanMeter(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("meters: %w", err)
		}
		out = append(out, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	state := w.State(tx.db.now())
	for i := range out {
		if err := tx.fillMeter(ctx, &out[i]); err != nil {
			return nil, err
		}
		if out[i].Active() {
			out[i].Window = state
		}
	}
	return out, nil
}

// fillMeter adds the last accepted values, recent readings and average.
func (tx *Tx) fillMeter(ctx context.Context, m *domain.Meter) error {
	id, err := MeterID(m.ID)
	if err != nil {
		return fmt.Errorf("meter %q: %w", m.ID, err)
	}
	recent, err := tx.readings(ctx, recentWhere, id, recentLimit)
	if err != nil {
		return err
	}
	setRecent(m, recent, tx.db.now())
	return nil
}

// recentWhere and recentLimit select a meter's latest accepted readings,
// a year's and one more, for fillMeter.
const (
	recentWhere = `r.meter_id = ? AND r.status = 'accepted' ORDER BY r.taken_on DESC, r.id DESC LIMIT ?`
	recentLimit = 13
)

// setRecent fills m from its latest accepted readings, newest first, at
// now. Recent keeps the month's reading and the one before it, which
// domain.Meter.BaselineFor counts a second reading of the month from.
func setRecent(m *domain.Meter, recent []domain.Reading, now time.Time) {
	if len(recent) > 0 {
		last := recent[0]
		for j := range m.Zones {
			z := &m.Zones[j]
			z.LastValue, z.LastDate, z.LastSource = last.Values[z.Code], last.TakenOn, last.Source
		}
	}
	m.AverageMonthly = averageMonthly(recent, domain.DateOf(now, domain.Moscow).Period())
	m.Recent = recent[:min(len(recent), recentReadings)]
}

// averageMonthly is the mean consumption per reading over the last year's
// readings (one a month) before the current month, not counting the
// initial reading of a new meter. The current month's reading is left out:
// a reading that replaces it is compared with the months before, and the
// month's own first steps must not pull the average towards them.
func averageMonthly(recent []domain.Reading, current domain.Period) domain.Decimal {
	var sum domain.Decimal
	n := 0
	for len(recent) > 0 && !recent[0].Period.Before(current) {
		recent = recent[1:]
	}
	for i, r := range recent {
		if i == 12 || r.Source == domain.SourceInitial {
			break
		}
		for _, c := range r.Consumption {
			sum += c
		}
		n++
	}
	if n < 3 {
		// Too short a history to call anything unusual.
		return 0
	}
	return sum / domain.Decimal(n)
}

// MeterForUpdate returns the active or removed meter of the account with the
// id, with its last accepted values, for checking a new reading. In a write
// transaction it locks the account as lockAccount does, in the statement
// that reads the meter; the values are read after the lock, so they are the
// last ones and stay so until the transaction ends.
func (tx *Tx) MeterForUpdate(ctx context.Context, accountID int64, meterID string) (domain.Meter, error) {
	id, err := strconv.ParseInt(meterID, 10, 64)
	if err != nil {
		return domain.Meter{}, ErrNotFound
	}
	query := `SELECT ` + meterColumns + ` FROM meters m WHERE m.id = ? AND m.account_id = ?`
	lock := tx.write && tx.db.d.lockSuffix != "" && !tx.locked[accountID]
	if lock {
		query = `SELECT ` + meterColumns + ` FROM meters m JOIN accounts a ON a.id = m.account_id WHERE m.id = ? AND m.account_id = ?` + tx.db.d.lockSuffix
	}
	m, _, _, err := scanMeter(tx.QueryRowContext(ctx, query, id, accountID))
	if errors.Is(err, sql.ErrNoRows) {
		return m, ErrNotFound
	}
	if err != nil {
		return m, fmt.Errorf("meter: %w", err)
	}
	if lock {
		tx.markLocked(accountID)
	}
	return m, tx.fillMeter(ctx, &m)
}

// readings runs a query over readings joined with their meter; where is the
// WHERE clause (with ORDER BY/LIMIT when wanted) over aliases r and m.
func (tx *Tx) readings(ctx context.Context, where string, args ...any) ([]domain.Reading, error) {
	rows, err := tx.QueryContext(ctx, tx.readingsQuery(where), args...)
	if err != nil {
		return nil, fmt.Errorf("readings: %w", err)
	}
	defer rows.Close()
	return scanReadings(rows)
}

// readingsQuery is the query readings runs.
func (tx *Tx) readingsQuery(where string) string {
	if !strings.Contains(where, "ORDER BY") {
		where += " ORDER BY r.taken_on, r.id"
	}
	return `SELECT r.id, r.meter_id, r.period, r.taken_on, r.source, r.status, r.submitted_at,
			(SELECT ` + tx.db.d.readingValues + ` FROM reading_values v WHERE v.reading_id = r.id)
		FROM readings r JOIN meters m ON m.id = r.meter_id WHERE ` + where
}

// scanReadings reads the rows of readingsQuery.
func scanReadings(rows rowScanner) ([]domain.Reading, error) {
	out := []domain.Reading{}
	for rows.Next() {
		var r domain.Reading
		var id, meterID, submitted int64
		var period, taken string
		var values sql.NullString
		if err := rows.Scan(&id, &meterID, &period, &taken, &r.Source, &r.Status, &submitted, &values); err != nil {
			return nil, err
		}
		r.ID, r.MeterID = strconv.FormatInt(id, 10), strconv.FormatInt(meterID, 10)
		r.Period, _ = domain.ParsePeriod(period)
		r.TakenOn, _ = domain.ParseDate(taken)
		r.SubmittedAt = time.Unix(submitted, 0).UTC().Format(time.RFC3339)
		r.Receipt = r.ReceiptNo() // the customer's readings carry their receipt
		if err := parseValues(values.String, &r); err != nil {
			return nil, fmt.Errorf("reading %d: %w", id, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// parseValues reads «t1:1234500:10000:0;t2:…» written by the query above;
// one query per reading would be several times slower.
func parseValues(s string, r *domain.Reading) error {
	r.Values = map[domain.Zone]domain.Decimal{}
	r.Consumption = map[domain.Zone]domain.Decimal{}
	for part := range strings.SplitSeq(s, ";") {
		if part == "" {
			continue
		}
		f := strings.Split(part, ":")
		if len(f) != 4 {
			return fmt.Errorf("bad values %q", part)
		}
		v, err1 := strconv.ParseInt(f[1], 10, 64)
		c, err2 := strconv.ParseInt(f[2], 10, 64)
		if err := errors.Join(err1, err2); err != nil {
			return err
		}
		z := domain.Zone(f[0])
		r.Values[z], r.Consumption[z] = domain.Decimal(v), domain.Decimal(c)
		if f[3] == "1" {
			if r.Rollover == nil {
				r.Rollover = map[domain.Zone]bool{}
			}
			r.Rollover[z] = true
		}
	}
	return nil
}

// NewReading is a reading to store.
type NewReading struct {
	MeterID     int64
	Period      domain.Period
	TakenOn     domain.Date
	Source      domain.ReadingSource
	Values      map[domain.Zone]domain.Decimal
	Consumption map[domain.Zone]domain.Decimal
	Rollover    map[domain.Zone]bool
}

// InsertReading stores an accepted reading. An accepted reading of the same
// meter and month is marked superseded: the latest word of the month counts.
// nr.Consumption is the month's, counted from the last accepted reading of
// an earlier month (domain.CheckReading does so with the meter this
// transaction read), so the month's accepted reading still adds up to
// what the meter counted. A customer's reading queues its receipt's echo
// to the channels the account is subscribed to for reminders, in the same
// transaction.
func (tx *Tx) InsertReading(ctx context.Context, accountID int64, nr NewReading) (string, error) {
	if err := tx.lockAccount(ctx, accountID); err != nil {
		return "", err
	}
	seq, id, err := tx.startReading(ctx, nr)
	if err != nil {
		return "", err
	}
	consumption := nr.Consumption
	now := tx.db.now().Unix()
	stmts := make([]statement, 0, len(nr.Values)+5)
	stmts = append(stmts, statement{`INSERT INTO readings (id, meter_id, period, taken_on, source, status, submitted_at, seq)
		VALUES (?, ?, ?, ?, ?, 'accepted', ?, ?)`,
		[]any{id, nr.MeterID, nr.Period.String(), nr.TakenOn.String(), string(nr.Source), now, seq}})
	for z, v := range nr.Values {
		stmts = append(stmts, statement{`INSERT INTO reading_values (reading_id, zone, value, consumption, rollover) VALUES (?, ?, ?, ?, ?)`,
			[]any{id, string(z), int64(v), int64(consumption[z]), nr.Rollover[z]}})
	}
	stmts = append(stmts,
		statement{`UPDATE meters SET seq = ? WHERE id = ?`, []any{seq, nr.MeterID}},
		statement{`UPDATE accounts SET seq = ? WHERE id = ?`, []any{seq, accountID}},
		// The billing system learns of it with this commit (export.go).
		logExport(exportReading, id, "", "", "", 0))
	if nr.Source == domain.SourceCustomer {
		// The receipt's echo by e-mail or SMS, when subscribed (reminders.go).
		stmts = append(stmts, queueReceiptEcho(accountID, id, nr.Period, tx.db.now().UnixMilli()))
	}
	// They go with the transaction's next statements or its COMMIT.
	if err := tx.deferWrites(ctx, stmts...); err != nil {
		return "", fmt.Errorf("insert reading: %w", err)
	}
	// What Reading would read back; the account is locked, so it stays so.
	r := domain.Reading{ID: strconv.FormatInt(id, 10), MeterID: strconv.FormatInt(nr.MeterID, 10), Period: nr.Period, TakenOn: nr.TakenOn,
		Source: nr.Source, Status: domain.StatusAccepted, SubmittedAt: time.Unix(now, 0).UTC().Format(time.RFC3339),
		Values: make(map[domain.Zone]domain.Decimal, len(nr.Values)), Consumption: make(map[domain.Zone]domain.Decimal, len(nr.Values))}
	for z, v := range nr.Values {
		r.Values[z], r.Consumption[z] = v, consumption[z]
		if nr.Rollover[z] {
			if r.Rollover == nil {
				r.Rollover = map[domain.Zone]bool{}
			}
			r.Rollover[z] = true
		}
	}
	r.Receipt = r.ReceiptNo()
	if tx.inserted == nil {
		tx.inserted = map[string]domain.Reading{}
	}
	tx.inserted[r.ID] = r
	return r.ID, nil
}

// startReading takes the change number of a new reading of the meter and
// its id, and marks the month's accepted reading superseded. The account is
// locked already. (The queries also return the superseded reading's values,
// which are not needed any more: the new reading's consumption is the
// month's already.)
func (tx *Tx) startReading(ctx context.Context, nr NewReading) (seq, id int64, err error) {
	var rows *sql.Rows
	if q := tx.db.d.startReading; q != "" {
		rows, err = tx.QueryContext(ctx, q, nr.MeterID, nr.Period.String())
	} else {
		if seq, err = tx.nextSeq(ctx); err != nil {
			return 0, 0, err
		}
		// The id SQLite would give the row (there is no AUTOINCREMENT).
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) + 1 FROM readings`).Scan(&id); err != nil {
			return 0, 0, fmt.Errorf("reading id: %w", err)
		}
		rows, err = tx.QueryContext(ctx, `UPDATE readings SET status = 'superseded', seq = ? WHERE meter_id = ? AND period = ? AND status = 'accepted'
			RETURNING ?, ?, (SELECT `+tx.db.d.readingValues+` FROM reading_values v WHERE v.reading_id = readings.id)`,
			seq, nr.MeterID, nr.Period.String(), seq, id)
	}
	if err != nil {
		return 0, 0, fmt.Errorf("supersede reading: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var values sql.NullString
		if err := rows.Scan(&seq, &id, &values); err != nil {
			return 0, 0, fmt.Errorf("supersede reading: %w", err)
		}
	}
	if err := rows.Err(); err != nil {
		return 0, 0, fmt.Errorf("supersede reading: %w", err)
	}
	return seq, id, nil
}

// Reading returns one reading by id: one this transaction stored as it
// stored it, any other from the database.
func (tx *Tx) Reading(ctx context.Context, id string) (domain.Reading, error) {
	if r, ok := tx.inserted[id]; ok {
		return r, nil
	}
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return domain.Reading{}, ErrNotFound
	}
	rs, err := tx.readings(ctx, `r.id = ?`, n)
	if err != nil {
		return domain.Reading{}, err
	}
	if len(rs) == 0 {
		return domain.Reading{}, ErrNotFound
	}
	return rs[0], nil
}

// ReadingTarget is what checking a new reading reads: the stored answer to
// its Idempotency-Key, the account, the meter with its last accepted
// values, and the tariff the account's electricity is billed at.
type ReadingTarget struct {
	// Replay is the stored answer to the key, when there is one.
	Replay *StoredResponse
	// Ref is the account; RefErr is ErrNotFound when the customer has no
	// account with the number.
	Ref    AccountRef
	RefErr error
	// Meter is the meter; MeterErr is ErrNotFound when the account has
	// no such meter.
	Meter    domain.Meter
	MeterErr error
	// Tariff is the account's electricity tariff, or TariffErr.
	Tariff    *domain.Tariff
	TariffErr error
}

// ReadingTarget reads, in this order, the stored answer to the customer's
// key (none when key is ""), the customer's account with the number — in a
// write transaction locking it as lockAccount does —, the account's meter
// with the id and its last accepted values, and the account's electricity
// tariff. Each is read after the lock, so the values are the last ones and
// stay so until the transaction ends. On PostgreSQL it is one round trip
// (with the transaction's BEGIN): the server runs the queries one after
// another, the later ones after the lock was granted.
func (tx *Tx) ReadingTarget(ctx context.Context, customerID int64, key, number, meterID string) (ReadingTarget, error) {
	if tx.db.d.queryBatch == nil {
		return tx.readingTargetOneByOne(ctx, customerID, key, number, meterID)
	}
	t := ReadingTarget{RefErr: ErrNotFound, MeterErr: ErrNotFound}
	var qs []batchQuery
	if key != "" {
		qs = append(qs, batchQuery{statement{`SELECT request_hash, status, body FROM idempotency WHERE customer_id = ? AND key = ?`,
			[]any{customerID, key}}, func(rows rowScanner) error {
			if !rows.Next() {
				return nil
			}
			var r StoredResponse
			if err := rows.Scan(&r.RequestHash, &r.Status, &r.Body); err != nil {
				return fmt.Errorf("idempotency: %w", err)
			}
			t.Replay = &r
			return nil
		}})
	}
	lock := tx.write && tx.db.d.lockSuffix != ""
	refQuery := `SELECT a.id, a.customer_id, a.number, a.seq, a.main_seq FROM accounts a WHERE a.number = ? AND a.customer_id = ?`
	if lock {
		refQuery += tx.db.d.lockSuffix
	}
	qs = append(qs, batchQuery{statement{refQuery, []any{number, customerID}}, func(rows rowScanner) error {
		if !rows.Next() {
			return nil
		}
		if err := rows.Scan(&t.Ref.ID, &t.Ref.CustomerID, &t.Ref.Number, &t.Ref.Seq, &t.Ref.MainSeq); err != nil {
			return fmt.Errorf("account: %w", err)
		}
		t.RefErr = nil
		return nil
	}})
	id, idErr := strconv.ParseInt(meterID, 10, 64)
	var recent []domain.Reading
	if idErr == nil {
		qs = append(qs,
			batchQuery{statement{`SELECT ` + meterColumns + ` FROM meters m JOIN accounts a ON a.id = m.account_id
				WHERE m.id = ? AND a.number = ? AND a.customer_id = ?`, []any{id, number, customerID}}, func(rows rowScanner) error {
				if !rows.Next() {
					return nil
				}
				m, _, _, err := scanMeter(rows)
				if err != nil {
					return fmt.Errorf("meter: %w", err)
				}
				t.Meter, t.MeterErr = m, nil
				return nil
			}},
			batchQuery{statement{tx.readingsQuery(recentWhere), []any{id, recentLimit}}, func(rows rowScanner) error {
				var err error
				recent, err = scanReadings(rows)
				return err
			}})
	}
	qs = append(qs, batchQuery{statement{`SELECT ` + tariffColumns + ` FROM tariffs t LEFT JOIN tariff_prices p ON p.tariff_id = t.id
		WHERE t.id = (SELECT s.tariff_id FROM services s JOIN accounts a ON a.id = s.account_id WHERE a.number = ? AND a.customer_id = ?
			ORDER BY s.id LIMIT 1) ORDER BY p.valid_from, p.tier, p.zone`, []any{number, customerID}}, func(rows rowScanner) error {
		t.Tariff, t.TariffErr = readTariff(rows)
		if t.TariffErr != nil && !errors.Is(t.TariffErr, ErrNotFound) {
			return fmt.Errorf("electricity tariff: %w", t.TariffErr)
		}
		return nil
	}})
	if err := tx.queryAll(ctx, qs...); err != nil {
		return t, err
	}
	if t.RefErr == nil && lock {
		tx.markLocked(t.Ref.ID)
	}
	if t.MeterErr == nil {
		setRecent(&t.Meter, recent, tx.db.now())
	}
	return t, nil
}

// readingTargetOneByOne is ReadingTarget where queries go one at a time
// (SQLite): each by the account's id, and none after what is missing.
func (tx *Tx) readingTargetOneByOne(ctx context.Context, customerID int64, key, number, meterID string) (ReadingTarget, error) {
	var t ReadingTarget
	if key != "" {
		prev, found, err := tx.IdempotentResponse(ctx, customerID, key)
		if err != nil {
			return t, err
		}
		if found {
			t.Replay = &prev
			return t, nil
		}
	}
	if t.Ref, t.RefErr = tx.AccountRef(ctx, customerID, number); t.RefErr != nil {
		if errors.Is(t.RefErr, ErrNotFound) {
			return t, nil
		}
		return t, t.RefErr
	}
	if t.Meter, t.MeterErr = tx.MeterForUpdate(ctx, t.Ref.ID, meterID); t.MeterErr != nil {
		if errors.Is(t.MeterErr, ErrNotFound) {
			return t, nil
		}
		return t, t.MeterErr
	}
	t.Tariff, t.TariffErr = tx.ElectricityTariff(ctx, t.Ref.ID)
	if t.TariffErr != nil && !errors.Is(t.TariffErr, ErrNotFound) {
		return t, t.TariffErr
	}
	return t, nil
}
