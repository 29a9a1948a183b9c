package portaldb_test

import (
	"context"
	"errors"
	"sort"
	"sync"
	"testing"
	"time"

	"kabinet/internal/domain"
	"kabinet/internal/portaldb"
)

// issue issues the invoice of the period on the account.
func issue(t testing.TB, db *portaldb.DB, number, p string) (string, error) {
	t.Helper()
	ctx := context.Background()
	id, err := db.AccountIDByNumber(ctx, number)
	if err != nil {
		t.Fatal(err)
	}
	var invoiceID string
	err = db.Write(ctx, func(tx *portaldb.Tx) error {
		invoiceID, err = tx.IssueInvoice(ctx, id, invoice(p))
		return err
	})
	return invoiceID, err
}

func counts(t testing.TB, db *portaldb.DB) [3]int {
	t.Helper()
	p, s, f, err := db.MailJobCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return [3]int{p, s, f}
}

func TestIssuedInvoiceIsMailedOnlyToSubscribersWithAnAddress(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		db := seeded(t, b, portaldb.Options{})
		ctx := context.Background()
		// A1 subscribed, A2 not, B subscribed but without an e-mail.
		for _, acc := range []string{accountA1, accountA2, accountB} {
			if _, err := issue(t, db, acc, "2026-10"); err != nil {
				t.Fatalf("%s: %v", acc, err)
			}
		}
		if c := counts(t, db); c != [3]int{1, 0, 0} {
			t.Errorf("pending, sent, failed = %v, want one pending", c)
		}
		jobs, err := db.ClaimMailJobs(ctx, time.Now(), time.Minute, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(jobs) != 1 {
			t.Fatalf("claimed %+v", jobs)
		}
		j := jobs[0]
		a1, _ := db.AccountIDByNumber(ctx, accountA1)
		if j.AccountID != a1 || j.Account != accountA1 || j.To != "ivanova@example.ru" || j.Period != period("2026-10") || j.Attempts != 1 {
			t.Errorf("job %+v", j)
		}
		doc, err := db.AccountDocumentByID(ctx, a1, domain.AlwaysOpen)
		if err != nil {
			t.Fatal(err)
		}
		if len(doc.Invoices) != 1 || doc.Invoices[0].ID != j.InvoiceID || doc.Account == nil || doc.Account.Number != accountA1 || doc.Delta {
			t.Errorf("document of the job's account: %d invoices (want id %s), account %+v", len(doc.Invoices), j.InvoiceID, doc.Account)
		}
	})
}

func TestSameInvoiceIssuedTwiceIsAnErrorAndOneJob(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		db := seeded(t, b, portaldb.Options{})
		if _, err := issue(t, db, accountA1, "2026-10"); err != nil {
			t.Fatal(err)
		}
		if _, err := issue(t, db, accountA1, "2026-10"); err == nil {
			t.Error("the same period was issued twice")
		}
		if c := counts(t, db); c != [3]int{1, 0, 0} {
			t.Errorf("pending, sent, failed = %v", c)
		}
	})
}

func TestMailJobLifecycle(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		db := seeded(t, b, portaldb.Options{})
		ctx := context.Background()
		for _, p := range []string{"2026-08", "2026-09", "2026-10"} {
			if _, err := issue(t, db, accountA1, p); err != nil {
				t.Fatal(err)
			}
		}
		now := time.Now()
		claim := func(at time.Time, limit int) []portaldb.MailJob {
			t.Helper()
			jobs, err := db.ClaimMailJobs(ctx, at, time.Minute, limit)
			if err != nil {
				t.Fatal(err)
			}
			return jobs
		}
		first := claim(now, 2)
		if len(first) != 2 || first[0].Period != period("2026-08") || first[1].Period != period("2026-09") {
			t.Fatalf("first claim: %+v", first)
		}
		if rest := claim(now, 10); len(rest) != 1 || rest[0].Period != period("2026-10") {
			t.Fatalf("leased jobs were claimed again, or the third was not: %+v", rest)
		}
		if again := claim(now.Add(30*time.Second), 10); len(again) != 0 {
			t.Fatalf("claimed within the lease: %+v", again)
		}
		if err := db.MailJobSent(ctx, first[0].ID, now); err != nil {
			t.Fatal(err)
		}
		if err := db.MailJobFailed(ctx, first[1].ID, now.Add(5*time.Minute), "smtp 451", false); err != nil {
			t.Fatal(err)
		}
		if c := counts(t, db); c != [3]int{2, 1, 0} {
			t.Errorf("pending, sent, failed = %v", c)
		}
		// After the third's lease runs out it is due again; the second waits
		// for its retry time.
		late := claim(now.Add(2*time.Minute), 10)
		if len(late) != 1 || late[0].Period != period("2026-10") || late[0].Attempts != 2 {
			t.Fatalf("claim after the lease: %+v", late)
		}
		if err := db.MailJobSent(ctx, late[0].ID, now); err != nil {
			t.Fatal(err)
		}
		retry := claim(now.Add(6*time.Minute), 10)
		if len(retry) != 1 || retry[0].ID != first[1].ID || retry[0].Attempts != 2 {
			t.Fatalf("claim at the retry time: %+v", retry)
		}
		if err := db.MailJobFailed(ctx, retry[0].ID, time.Time{}, "smtp 550", true); err != nil {
			t.Fatal(err)
		}
		// A sender whose lease ran out reports late: the job stays sent.
		if err := db.MailJobFailed(ctx, late[0].ID, now, "timeout", false); err != nil {
			t.Fatal(err)
		}
		if c := counts(t, db); c != [3]int{0, 2, 1} {
			t.Errorf("pending, sent, failed = %v", c)
		}
		if jobs := claim(now.Add(time.Hour), 10); len(jobs) != 0 {
			t.Errorf("sent or given-up jobs claimed: %+v", jobs)
		}
		if err := db.MailJobSent(ctx, 999999, now); !errors.Is(err, portaldb.ErrNotFound) {
			t.Errorf("MailJobSent of a missing job: %v", err)
		}
		if err := db.MailJobFailed(ctx, 999999, now, "x", true); !errors.Is(err, portaldb.ErrNotFound) {
			t.Errorf("MailJobFailed of a missing job: %v", err)
		}
	})
}

func TestConcurrentClaimsShareOutTheJobs(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		db := seeded(t, b, portaldb.Options{})
		ctx := context.Background()
		const months = 24
		for i := range months {
			if _, err := issue(t, db, accountA1, period("2025-01").AddMonths(i).String()); err != nil {
				t.Fatal(err)
			}
		}
		now := time.Now()
		var mu sync.Mutex
		var claimed []int64
		var wg sync.WaitGroup
		for range 6 {
			wg.Go(func() {
				for {
					jobs, err := db.ClaimMailJobs(ctx, now, time.Minute, 3)
					if err != nil {
						t.Error(err)
						return
					}
					if len(jobs) == 0 {
						return
					}
					mu.Lock()
					for _, j := range jobs {
						claimed = append(claimed, j.ID)
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		sort.Slice(claimed, func(i, j int) bool { return claimed[i] < claimed[j] })
		for i := 1; i < len(claimed); i++ {
			if claimed[i] == claimed[i-1] {
				t.Errorf("job %d claimed twice", claimed[i])
			}
		}
		if len(claimed) != months {
			t.Errorf("%d claims of %d jobs", len(claimed), months)
		}
	})
}

func TestAccountIDByNumber(t *testing.T) {
	eachBackend(t, func(t *testing.T, b backend) {
		db := seeded(t, b, portaldb.Options{})
		ctx := context.Background()
		id, err := db.AccountIDByNumber(ctx, accountB)
		if err != nil {
			t.Fatal(err)
		}
		var number string
		db.Read(ctx, func(tx *portaldb.Tx) error {
			return tx.QueryRowContext(ctx, `SELECT number FROM accounts WHERE id = ?`, id).Scan(&number)
		})
		if number != accountB {
			t.Errorf("id %d is account %q", id, number)
		}
		if _, err := db.AccountIDByNumber(ctx, "0000000000"); !errors.Is(err, portaldb.ErrNotFound) {
			t.Errorf("a missing account: %v", err)
		}
		if _, err := db.AccountDocumentByID(ctx, 999999, domain.AlwaysOpen); !errors.Is(err, portaldb.ErrNotFound) {
			t.Errorf("the document of a missing account: %v", err)
		}
	})
}
