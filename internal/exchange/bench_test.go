package exchange_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"kabinet/internal/exchange"
	"kabinet/internal/portaldb"
	"kabinet/internal/portaldb/dbtest"
)

// benchCustomers is how many customers (each with an account and a meter)
// the import benchmark loads: KABINET_IMPORT_BENCH_N, or 300 000 — a
// regional supplier's households.
func benchCustomers() int {
	if n, err := strconv.Atoi(os.Getenv("KABINET_IMPORT_BENCH_N")); err == nil && n > 0 {
		return n
	}
	return 300_000
}

// writeBenchFiles writes customers.csv, accounts.csv and meters.csv with n
// records each into dir, a line at a time.
func writeBenchFiles(tb testing.TB, dir string, n int) {
	tb.Helper()
	write := func(name, header string, line func(i int, w *bufio.Writer)) {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			tb.Fatal(err)
		}
		w := bufio.NewWriter(f)
		w.WriteString(header)
		for i := range n {
			line(i, w)
		}
		if err := w.Flush(); err != nil {
			tb.Fatal(err)
		}
		f.Close()
	}
	write("customers.csv", "number;kind;full_name;birth_date;inn;phone;email\n", func(i int, w *bufio.Writer) {
		fmt.Fprintf(w, "%d;individual;Абонент Номер %d;%02d.%02d.%d;;+7912%07d;a%d@example.ru\n", 3_000_000+i, i, 1+i%28, 1+i%12, 1940+i%60, i, i)
	})
	payee := "ОАО «Коми энергосбытовая компания»;1101301856;110101001;40702810728000100563;Коми отделение № 8617 ПАО Сбербанк;048702640;30101810400000000640"
	write("accounts.csv", "number;customer;contract_number;title;address;residents;area;tariff_group;opened_on;tariff;"+
		"payee_name;payee_inn;payee_kpp;payee_account;payee_bank;payee_bic;payee_corr_account\n", func(i int, w *bufio.Writer) {
		p := ";;;;;;"
		if i == 0 {
			p = payee
		}
		fmt.Fprintf(w, "%d;%d;ЭС-%d;Квартира;г. Сыктывкар, ул. Ленина, д. %d, кв. %d;%d;%d,5;city;2015-03-01;city-1;%s\n",
			4_000_000_000+i, 3_000_000+i, i, 1+i/200, 1+i%200, 1+i%4, 30+i%70, p)
	})
	write("meters.csv", "account;serial;model;place;installed_on;digits;fraction_digits;zones;verified_on;verification_years\n", func(i int, w *bufio.Writer) {
		fmt.Fprintf(w, "%d;M%08d;Меркурий 201.5;Прихожая;15.03.2019;6;1;1;15.03.2019;16\n", 4_000_000_000+i, i)
	})
}

// BenchmarkImportCustomersAccountsMeters loads n customers, then their
// accounts, then their meters into an empty database ("first"), and the
// same three files again into the loaded one ("again": nothing changes).
// Run it on SQLite with
//
//	go test -run '^$' -bench ImportCustomersAccountsMeters -benchmem -benchtime 1x ./internal/exchange/
func BenchmarkImportCustomersAccountsMeters(b *testing.B) {
	n := benchCustomers()
	dir := b.TempDir()
	writeBenchFiles(b, dir, n)
	ctx := context.Background()
	load := func(b *testing.B, db *portaldb.DB) {
		for _, k := range []exchange.Kind{exchange.KindCustomers, exchange.KindAccounts, exchange.KindMeters} {
			f, err := os.Open(filepath.Join(dir, string(k)+".csv"))
			if err != nil {
				b.Fatal(err)
			}
			rep, err := exchange.Import(ctx, db, k, f, exchange.ImportOptions{Name: string(k) + ".csv"})
			f.Close()
			if err != nil || rep.Records != n {
				b.Fatalf("%s: %v %+v", k, err, rep)
			}
		}
	}
	fresh := func(b *testing.B) *portaldb.DB {
		db := dbtest.Open(b, portaldb.Options{})
		loadFile(b, db, exchange.KindTariffs, filepath.Join("..", "..", "docs", "examples", "tariffs.jsonl"))
		return db
	}
	b.Run("first", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			db := fresh(b)
			b.StartTimer()
			load(b, db)
		}
		b.ReportMetric(float64(n), "customers")
	})
	b.Run("again", func(b *testing.B) {
		db := fresh(b)
		load(b, db)
		b.ResetTimer()
		for b.Loop() {
			load(b, db)
		}
		b.ReportMetric(float64(n), "customers")
	})
}

// TestWriteImportBenchFiles writes the benchmark's files into
// KABINET_IMPORT_BENCH_DIR, to measure the command's memory with
// /usr/bin/time -v (docs/performance.md).
func TestWriteImportBenchFiles(t *testing.T) {
	dir := os.Getenv("KABINET_IMPORT_BENCH_DIR")
	if dir == "" {
		t.Skip("set KABINET_IMPORT_BENCH_DIR to a folder to write the benchmark's files there")
	}
	writeBenchFiles(t, dir, benchCustomers())
}
