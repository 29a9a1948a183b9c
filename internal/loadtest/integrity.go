package loadtest

import (
	"context"
	"fmt"
	"strconv"

	"kabinet/internal/portaldb"
)

// Integrity compares what the server acknowledged with what it stored.
type Integrity struct {
	// Acknowledged counts the 201 answers to submissions (replays not
	// counted); Distinct the reading ids they named.
	Acknowledged int `json:"acknowledged"`
	Distinct     int `json:"distinct_readings"`
	// Rows counts the readings stored during the run, ValueRows their
	// register values (one each: the meters are single-rate) and
	// IdempotencyRows the keys recorded with them.
	Rows            int `json:"rows"`
	ValueRows       int `json:"value_rows"`
	IdempotencyRows int `json:"idempotency_rows"`
	// Lost counts acknowledged readings the database does not hold;
	// Unacknowledged stored readings no answer named.
	Lost           int `json:"lost"`
	Unacknowledged int `json:"unacknowledged"`
	// Replays counts retries with a used key, Identical those answered
	// with the stored 201 byte for byte.
	Replays   int      `json:"replays"`
	Identical int      `json:"replays_identical"`
	OK        bool     `json:"ok"`
	Problems  []string `json:"problems,omitempty"`
}

// stored is what the database holds of a run.
type stored struct {
	ids             []string
	valueRows       int
	idempotencyRows int
}

// judge checks that every acknowledged reading is stored once and nothing
// else was stored.
func judge(acks []string, db stored, replays, identical int) Integrity {
	in := Integrity{Acknowledged: len(acks), Rows: len(db.ids), ValueRows: db.valueRows,
		IdempotencyRows: db.idempotencyRows, Replays: replays, Identical: identical}
	acked := make(map[string]bool, len(acks))
	for _, id := range acks {
		acked[id] = true
	}
	in.Distinct = len(acked)
	have := make(map[string]bool, len(db.ids))
	for _, id := range db.ids {
		have[id] = true
		if !acked[id] {
			in.Unacknowledged++
		}
	}
	for id := range acked {
		if !have[id] {
			in.Lost++
		}
	}
	problem := func(bad bool, format string, args ...any) {
		if bad {
			in.Problems = append(in.Problems, fmt.Sprintf(format, args...))
		}
	}
	problem(in.Distinct != in.Acknowledged, "%d answers named a reading another answer named too", in.Acknowledged-in.Distinct)
	problem(in.Lost > 0, "%d acknowledged readings are not in the database", in.Lost)
	problem(in.Unacknowledged > 0, "%d stored readings were never acknowledged", in.Unacknowledged)
	problem(in.Rows != in.Acknowledged, "%d readings stored for %d acknowledgements", in.Rows, in.Acknowledged)
	problem(in.ValueRows != in.Rows, "%d register values for %d single-rate readings", in.ValueRows, in.Rows)
	problem(in.IdempotencyRows != in.Acknowledged, "%d idempotency records for %d acknowledgements", in.IdempotencyRows, in.Acknowledged)
	problem(in.Identical != in.Replays, "%d of %d retries did not get the stored answer", in.Replays-in.Identical, in.Replays)
	in.OK = len(in.Problems) == 0
	return in
}

// countStored reads what the run stored: after reset, every reading sent by
// a customer and every idempotency record is the run's.
func countStored(ctx context.Context, db *portaldb.DB) (stored, error) {
	var s stored
	err := db.Read(ctx, func(tx *portaldb.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id FROM readings WHERE source = 'customer'`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return err
			}
			s.ids = append(s.ids, strconv.FormatInt(id, 10))
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM reading_values v JOIN readings r ON r.id = v.reading_id
			WHERE r.source = 'customer'`).Scan(&s.valueRows); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT count(*) FROM idempotency`).Scan(&s.idempotencyRows)
	})
	if err != nil {
		return s, fmt.Errorf("count the stored readings: %w", err)
	}
	return s, nil
}
