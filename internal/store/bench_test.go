package store

import (
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkOpenAndReadDocument measures a cold start of the account screen:
// open the file, read ten years of one account (120 readings, invoices and
// payments), close. Target: ≤ 20 ms.
func BenchmarkOpenAndReadDocument(b *testing.B) {
	path := filepath.Join(b.TempDir(), "store.db")
	s, err := Open(path, Options{})
	if err != nil {
		b.Fatal(err)
	}
	doc := CachedDocument{Doc: tenYearDocument(120), ETag: `"v1"`, Cursor: "c-120", FetchedAt: time.Now()}
	if err := s.SaveDocument(testProfile, testAccount, doc); err != nil {
		b.Fatal(err)
	}
	s.Close()

	for b.Loop() {
		s, err := Open(path, Options{})
		if err != nil {
			b.Fatal(err)
		}
		got, ok, err := s.Document(testProfile, testAccount)
		if err != nil || !ok || len(got.Doc.Invoices) != 120 {
			b.Fatalf("Document: %v %v %d", ok, err, len(got.Doc.Invoices))
		}
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheckTenYears measures the start-up check of the child process
// on a store holding ten years of one account: bbolt's own page check,
// then every value's checksum and decoding (issue #11.2).
func BenchmarkCheckTenYears(b *testing.B) {
	path := filepath.Join(b.TempDir(), "store.db")
	s, err := Open(path, Options{})
	if err != nil {
		b.Fatal(err)
	}
	doc := CachedDocument{Doc: tenYearDocument(120), ETag: `"v1"`, Cursor: "c-120", FetchedAt: time.Now()}
	if err := s.SaveDocument(testProfile, testAccount, doc); err != nil {
		b.Fatal(err)
	}
	s.Close()
	for b.Loop() {
		if err := Check(path); err != nil {
			b.Fatal(err)
		}
	}
}
