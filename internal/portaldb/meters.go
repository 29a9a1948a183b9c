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
	recent, err := tx.readings(ctx, `r.meter_id = ? AND r.status = 'accepted' ORDER BY r.taken_on DESC, r.id DESC LIMIT ?`, id, 13)
	if err != nil {
		return err
	}
	if len(recent) > 0 {
		last := recent[0]
		for j := range m.Zones {
			z := &m.Zones[j]
			z.LastValue, z.LastDate, z.LastSource = last.Values[z.Code], last.TakenOn, last.Source
		}
	}
	m.AverageMonthly = averageMonthly(recent)
	m.Recent = recent[:min(len(recent), recentReadings)]
	return nil
}

// averageMonthly is the mean consumption per reading over the last year's
// readings (one a month), not counting the initial reading of a new meter.
func averageMonthly(recent []domain.Reading) domain.Decimal {
	var sum domain.Decimal
	n := 0
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
	if !strings.Contains(where, "ORDER BY") {
		where += " ORDER BY r.taken_on, r.id"
	}
	rows, err := tx.QueryContext(ctx, `SELECT r.id, r.meter_id, r.period, r.taken_on, r.source, r.status, r.submitted_at,
			(SELECT `+tx.db.d.readingValues+` FROM reading_values v WHERE v.reading_id = r.id)
		FROM readings r JOIN meters m ON m.id = r.meter_id WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("readings: %w", err)
	}
	defer rows.Close()
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
func (tx *Tx) InsertReading(ctx context.Context, accountID int64, nr NewReading) (string, error) {
	if err := tx.lockAccount(ctx, accountID); err != nil {
		return "", err
	}
	seq, id, superseded, err := tx.startReading(ctx, nr)
	if err != nil {
		return "", err
	}
	// The superseded reading's consumption moves to the new one, so the
	// month's accepted readings still add up to what the meter counted.
	consumption := make(map[domain.Zone]domain.Decimal, len(nr.Consumption))
	for z, c := range nr.Consumption {
		consumption[z] = c
	}
	for _, p := range superseded {
		for z, c := range p.Consumption {
			consumption[z] += c
		}
	}
	now := tx.db.now().Unix()
	stmts := make([]statement, 0, len(nr.Values)+3)
	stmts = append(stmts, statement{`INSERT INTO readings (id, meter_id, period, taken_on, source, status, submitted_at, seq)
		VALUES (?, ?, ?, ?, ?, 'accepted', ?, ?)`,
		[]any{id, nr.MeterID, nr.Period.String(), nr.TakenOn.String(), string(nr.Source), now, seq}})
	for z, v := range nr.Values {
		stmts = append(stmts, statement{`INSERT INTO reading_values (reading_id, zone, value, consumption, rollover) VALUES (?, ?, ?, ?, ?)`,
			[]any{id, string(z), int64(v), int64(consumption[z]), nr.Rollover[z]}})
	}
	stmts = append(stmts,
		statement{`UPDATE meters SET seq = ? WHERE id = ?`, []any{seq, nr.MeterID}},
		statement{`UPDATE accounts SET seq = ? WHERE id = ?`, []any{seq, accountID}})
	if err := tx.execAll(ctx, stmts...); err != nil {
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
	if tx.inserted == nil {
		tx.inserted = map[string]domain.Reading{}
	}
	tx.inserted[r.ID] = r
	return r.ID, nil
}

// startReading takes the change number of a new reading of the meter and
// its id, and marks the month's accepted reading superseded, returning it.
// The account is locked already.
func (tx *Tx) startReading(ctx context.Context, nr NewReading) (seq, id int64, superseded []domain.Reading, err error) {
	var rows *sql.Rows
	if q := tx.db.d.startReading; q != "" {
		rows, err = tx.QueryContext(ctx, q, nr.MeterID, nr.Period.String())
	} else {
		if seq, err = tx.nextSeq(ctx); err != nil {
			return 0, 0, nil, err
		}
		// The id SQLite would give the row (there is no AUTOINCREMENT).
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) + 1 FROM readings`).Scan(&id); err != nil {
			return 0, 0, nil, fmt.Errorf("reading id: %w", err)
		}
		rows, err = tx.QueryContext(ctx, `UPDATE readings SET status = 'superseded', seq = ? WHERE meter_id = ? AND period = ? AND status = 'accepted'
			RETURNING ?, ?, (SELECT `+tx.db.d.readingValues+` FROM reading_values v WHERE v.reading_id = readings.id)`,
			seq, nr.MeterID, nr.Period.String(), seq, id)
	}
	if err != nil {
		return 0, 0, nil, fmt.Errorf("supersede reading: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var values sql.NullString
		if err := rows.Scan(&seq, &id, &values); err != nil {
			return 0, 0, nil, fmt.Errorf("supersede reading: %w", err)
		}
		if !values.Valid {
			continue
		}
		var r domain.Reading
		if err := parseValues(values.String, &r); err != nil {
			return 0, 0, nil, fmt.Errorf("superseded reading: %w", err)
		}
		superseded = append(superseded, r)
	}
	if err := rows.Err(); err != nil {
		return 0, 0, nil, fmt.Errorf("supersede reading: %w", err)
	}
	return seq, id, superseded, nil
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
