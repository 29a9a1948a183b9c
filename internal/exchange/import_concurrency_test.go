package exchange_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"kabinet/internal/domain"
	"kabinet/internal/exchange"
	"kabinet/internal/portaldb"
	"kabinet/internal/portaldb/dbtest"
)

// An import changing an account while customers send readings to it
// (on PostgreSQL, side by side) leaves no app behind: a client merging
// deltas from its cursor ends with what the full document shows.
func TestImportBesideReadingsLeavesNoDeltaBehind(t *testing.T) {
	ctx := context.Background()
	db := dbtest.Open(t, portaldb.Options{WriteConns: 8})
	loadExamples(t, db)
	doc, r := document(t, db, "200001", "2200011111")
	meterID, _ := portaldb.MeterID(doc.Meters[0].ID)

	// The client's copy, merged from deltas.
	title := doc.Account.Title
	readings := map[string]bool{}
	var cursor int64
	pull := func() {
		err := db.Read(ctx, func(tx *portaldb.Tx) error {
			cur, err := tx.AccountRef(ctx, r.CustomerID, r.Number)
			if err != nil {
				return err
			}
			d, err := tx.Document(ctx, cur, cursor, domain.AlwaysOpen)
			if err != nil {
				return err
			}
			cursor = cur.Seq
			if d.Account != nil {
				title = d.Account.Title
			}
			for _, rd := range d.Readings {
				readings[rd.ID] = true
			}
			return nil
		})
		if err != nil {
			t.Error(err)
		}
	}
	pull()

	var done atomic.Bool
	var reader sync.WaitGroup
	reader.Go(func() {
		for !done.Load() {
			pull()
		}
	})
	var writers sync.WaitGroup
	var month atomic.Int64
	var imported atomic.Bool
	for range 3 {
		writers.Go(func() {
			// Readings keep coming while the import runs, and after it.
			for after := 0; after < 3; {
				if imported.Load() {
					after++
				}
				k := month.Add(1)
				err := db.Write(ctx, func(tx *portaldb.Tx) error {
					p := domain.Period{Year: 2027, Month: 1}.AddMonths(int(k))
					_, err := tx.InsertReading(ctx, r.ID, portaldb.NewReading{MeterID: meterID, Period: p,
						TakenOn: domain.NewDate(p.Year, p.Month, 20), Source: domain.SourceCustomer,
						Values: map[domain.Zone]domain.Decimal{domain.T1: domain.DecimalFromInt(12000 + k)}})
					return err
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	writers.Go(func() {
		defer imported.Store(true)
		for i := range 10 {
			line := fmt.Sprintf(`{"number": "2200011111", "customer": "200001", "title": "Квартира %d", "address": "г. Сыктывкар", "opened_on": "2019-03-15", "tariff": "city-1"}`, i)
			if _, err := importText(db, exchange.KindAccounts, "a.jsonl", line+"\n"); err != nil {
				t.Error(err)
				return
			}
		}
	})
	writers.Wait()
	done.Store(true)
	reader.Wait()
	pull()

	full, _ := document(t, db, "200001", "2200011111")
	if title != full.Account.Title || title != "Квартира 9" {
		t.Errorf("deltas ended with the title %q, the full document has %q", title, full.Account.Title)
	}
	if len(readings) != len(full.Readings) {
		t.Errorf("deltas gave %d readings, the full document has %d", len(readings), len(full.Readings))
	}
}
