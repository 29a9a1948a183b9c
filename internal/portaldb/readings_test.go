package portaldb_test

import (
	"context"
	"reflect"
	"testing"

	"kabinet/internal/domain"
	"kabinet/internal/portaldb"
)

// Reading answers from memory for a reading its transaction stored: it must
// be what the database gives back later.
func TestStoredReadingReadsBackTheSame(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		db := seeded(t, b, portaldb.Options{})
		ctx := context.Background()
		r := ref(t, db, accountA1)
		var doc *domain.AccountDocument
		db.Read(ctx, func(tx *portaldb.Tx) error {
			var err error
			doc, err = tx.Document(ctx, r, 0, domain.AlwaysOpen)
			return err
		})
		var twoZone domain.Meter
		for _, m := range doc.Meters {
			if len(m.Zones) == 2 {
				twoZone = m
			}
		}
		meterID, _ := portaldb.MeterID(twoZone.ID)
		store := func(day, night domain.Decimal) (stored, read domain.Reading) {
			t.Helper()
			if err := db.Write(ctx, func(tx *portaldb.Tx) error {
				if _, err := tx.MeterForUpdate(ctx, r.ID, twoZone.ID); err != nil {
					return err
				}
				id, err := tx.InsertReading(ctx, r.ID, portaldb.NewReading{MeterID: meterID, Period: period("2026-09"), TakenOn: date("2026-09-25"),
					Source: domain.SourceCustomer, Values: map[domain.Zone]domain.Decimal{domain.T1: day, domain.T2: night},
					Consumption: map[domain.Zone]domain.Decimal{domain.T1: 10, domain.T2: 5}, Rollover: map[domain.Zone]bool{domain.T2: true, domain.T3: false}})
				if err != nil {
					return err
				}
				stored, err = tx.Reading(ctx, id)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if err := db.Read(ctx, func(tx *portaldb.Tx) error { var err error; read, err = tx.Reading(ctx, stored.ID); return err }); err != nil {
				t.Fatal(err)
			}
			return stored, read
		}
		// The first supersedes the seed's reading of September; the
		// second supersedes the first.
		for _, values := range [][2]domain.Decimal{{50100, 20050}, {50200, 20100}} {
			stored, read := store(values[0], values[1])
			if !reflect.DeepEqual(stored, read) {
				t.Errorf("stored %+v\nread   %+v", stored, read)
			}
		}
	})
}
