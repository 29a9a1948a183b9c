//go:build unix

package exchange_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"syscall"
	"testing"
	"time"

	"kabinet/internal/domain"
	"kabinet/internal/exchange"
	"kabinet/internal/portaldb"
	"kabinet/internal/portaldb/dbtest"
)

// benchMonth is the month of the benchmark's readings.
var benchMonth = domain.Period{Year: 2026, Month: 11}

// monthOfReadings loads customers×meters meters into a new SQLite
// database, each with its reading of benchMonth, and lists the readings for
// export as if the portal had accepted them.
func monthOfReadings(b *testing.B, customers, meters int) *portaldb.DB {
	b.Helper()
	ctx := context.Background()
	// EXPORT_BENCH_DB names a SQLite file to keep the month in between
	// runs: generating it takes longer than exporting it.
	var db *portaldb.DB
	if path := os.Getenv("EXPORT_BENCH_DB"); path != "" {
		var err error
		if db, err = portaldb.Open(ctx, path, portaldb.Options{}); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
		if empty, err := db.IsEmpty(ctx); err != nil || !empty {
			return db
		}
	} else {
		db = dbtest.OpenSQLite(b, portaldb.Options{})
	}
	tariff := domain.Tariff{ID: "city-1", Name: "Одноставочный, город", Zones: 1, Group: domain.GroupCity,
		Rates: []domain.Rate{{ValidFrom: domain.NewDate(2025, 7, 1), Tiers: []domain.Tier{{Prices: map[domain.Zone]domain.Kopecks{domain.T1: 583}}}}}}
	const batch = 20000
	for start := 0; start < customers; start += batch {
		seed := &portaldb.Seed{Payee: domain.Payee{Name: "ОАО «Энергосбыт»", INN: "1101301856"}}
		if start == 0 {
			seed.Tariffs = []domain.Tariff{tariff}
		}
		for i := start; i < min(start+batch, customers); i++ {
			number := fmt.Sprintf("%06d", 300000+i)
			acc := portaldb.SeedAccount{Account: domain.Account{Number: "11" + number + "00", ContractNumber: "ЭС-" + number, Title: "Квартира",
				Address: "г. Сыктывкар", TariffGroup: domain.GroupCity, OpenedOn: domain.NewDate(2010, 1, 1)}}
			for k := range meters {
				acc.Meters = append(acc.Meters, portaldb.SeedMeter{
					Meter: domain.Meter{Serial: fmt.Sprintf("%s-%d", number, k), Model: "Меркурий 201.8", InstalledOn: domain.NewDate(2015, 5, 5),
						Digits: 6, FractionDigits: 1}, ZoneCount: 1,
					Readings: []domain.Reading{{Period: benchMonth, TakenOn: benchMonth.First().AddDays(19), Source: domain.SourceCustomer,
						Values:      map[domain.Zone]domain.Decimal{domain.T1: domain.Decimal(1234550 + i)},
						Consumption: map[domain.Zone]domain.Decimal{domain.T1: 15020}}},
				})
			}
			seed.Customers = append(seed.Customers, portaldb.SeedCustomer{Customer: domain.Customer{Number: number, Kind: domain.Individual,
				FullName: "Покупатель " + number, Phone: "+7912" + number + "0"}, PasswordHash: "x", Accounts: []portaldb.SeedAccount{acc}})
		}
		if err := db.LoadSeed(ctx, seed); err != nil {
			b.Fatal(err)
		}
	}
	n, err := db.QueueReadingsForExport(ctx, benchMonth)
	if err != nil || n != int64(customers*meters) {
		b.Fatalf("queued %d readings (%v), want %d", n, err, customers*meters)
	}
	return db
}

// countingWriter counts what it is given.
type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

var _ io.Writer = (*countingWriter)(nil)

// BenchmarkExportMonthOfReadings exports a month of 300 000 readings
// (100 000 accounts with three meters) from the beginning, as the billing
// system's first run does. Floor: ≤ 10 s on SQLite.
func BenchmarkExportMonthOfReadings(b *testing.B) {
	db := monthOfReadings(b, 100000, 3)
	for _, format := range []exchange.ExportFormat{exchange.ExportJSONL, exchange.ExportCSV} {
		b.Run(string(format), func(b *testing.B) {
			var w countingWriter
			cpu := cpuTime()
			for b.Loop() {
				w.n = 0
				res, err := exchange.Export(context.Background(), db, exchange.ExportReadings, "", 0, format, &w)
				if err != nil || res.Records != 300000 {
					b.Fatalf("%+v %v", res, err)
				}
			}
			// On a machine shared with others the wall time says little
			// alone: the CPU time is what the export itself costs.
			b.ReportMetric((cpuTime()-cpu).Seconds()/float64(b.N), "cpu-s/op")
			b.ReportMetric(float64(w.n)/1e6, "MB-output")
			b.ReportMetric(300000/(b.Elapsed().Seconds()/float64(b.N)), "records/s")
		})
	}
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
