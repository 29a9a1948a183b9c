package exchange

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"kabinet/internal/domain"
	"kabinet/internal/portaldb"
)

// IssuedInvoice is one entry of the billing system's file:
//
//	[{"account": "1100023456", "invoice": {"number": "…", "period": "2026-11", …}}, …]
//
// The invoice is domain.Invoice as the API writes it; its id and payee are
// the portal's own and are ignored.
type IssuedInvoice struct {
	Account string         `json:"account"`
	Invoice domain.Invoice `json:"invoice"`
}

// maxImportErrors is how many mistakes of a file are listed at once.
const maxImportErrors = 20

// Invoices is a billing file read: its entries and the mistakes found in
// them without the database.
type Invoices struct {
	entries  []IssuedInvoice
	problems []string
}

// Len is the number of bills in the file.
func (f *Invoices) Len() int { return len(f.entries) }

// ReadInvoices reads a billing file. An error is a file that cannot be
// read at all; the mistakes of single entries come from Import, together
// with those only the database can tell.
func ReadInvoices(data []byte) (*Invoices, error) {
	entries, problems, err := parseInvoices(data)
	if err != nil {
		return nil, err
	}
	return &Invoices{entries: entries, problems: problems}, nil
}

// Imported is what an import did.
type Imported struct {
	// Invoices is the number of bills loaded.
	Invoices int
	// Letters is the number of letters with a bill queued for the
	// accounts subscribed to e-mailed bills.
	Letters int
}

// Import loads the bills into db, all or — on any mistake — none; the
// error then lists the mistakes (up to 20) so that the file can be mended
// in one go. The letters of the accounts subscribed to e-mailed bills are
// queued with the bills.
func (f *Invoices) Import(ctx context.Context, db *portaldb.DB) (Imported, error) {
	accounts, unknown, err := resolveAccounts(ctx, db, f.entries)
	if err != nil {
		return Imported{}, err
	}
	if err := listProblems(append(append([]string(nil), f.problems...), unknown...)); err != nil {
		return Imported{}, err
	}
	jobsBefore, err := mailJobTotal(ctx, db)
	if err != nil {
		return Imported{}, err
	}
	err = db.Write(ctx, func(tx *portaldb.Tx) error {
		for i, e := range f.entries {
			if _, err := tx.IssueInvoice(ctx, accounts[i], e.Invoice); err != nil {
				return fmt.Errorf("%s: %w", entryName(i, e), issueError(err))
			}
		}
		return nil
	})
	if err != nil {
		return Imported{}, fmt.Errorf("ничего не загружено: %w", err)
	}
	jobsAfter, err := mailJobTotal(ctx, db)
	if err != nil {
		return Imported{}, err
	}
	return Imported{Invoices: len(f.entries), Letters: jobsAfter - jobsBefore}, nil
}

// mailJobTotal counts the mail jobs ever queued: the import's own are the
// difference, as nothing else issues invoices and jobs are not deleted.
func mailJobTotal(ctx context.Context, db *portaldb.DB) (int, error) {
	pending, sent, failed, err := db.MailJobCounts(ctx)
	return pending + sent + failed, err
}

// entryName names an entry in a message: «запись 3 (лицевой счёт 1100023456, 2026-11)».
func entryName(i int, e IssuedInvoice) string {
	if e.Invoice.Period == (domain.Period{}) {
		return fmt.Sprintf("запись %d (лицевой счёт %s)", i+1, e.Account)
	}
	return fmt.Sprintf("запись %d (лицевой счёт %s, %s)", i+1, e.Account, e.Invoice.Period)
}

// parseInvoices reads the file and lists the mistakes of its entries (all
// of them, with the unknown accounts, so the file can be mended in one go).
// An error is a file that cannot be read at all.
func parseInvoices(data []byte) (entries []IssuedInvoice, problems []string, err error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&entries); err != nil {
		return nil, nil, fmt.Errorf("не читается как JSON-массив счетов [{\"account\": …, \"invoice\": {…}}]: %w", err)
	}
	if len(entries) == 0 {
		return nil, nil, errors.New("в файле нет ни одного счёта")
	}
	first := map[string]int{}
	for i, e := range entries {
		for _, p := range checkInvoice(e) {
			problems = append(problems, entryName(i, e)+": "+p)
		}
		key := e.Account + " " + e.Invoice.Period.String()
		if j, dup := first[key]; dup && e.Invoice.Period != (domain.Period{}) {
			problems = append(problems, fmt.Sprintf("%s: счёт за этот период уже есть в записи %d", entryName(i, e), j+1))
		} else {
			first[key] = i
		}
	}
	return entries, problems, nil
}

// listProblems joins up to maxImportErrors problems into one error.
func listProblems(problems []string) error {
	if len(problems) == 0 {
		return nil
	}
	n, more := len(problems), ""
	if n > maxImportErrors {
		more = fmt.Sprintf("\n… и ещё %d", len(problems)-maxImportErrors)
		problems = problems[:maxImportErrors]
	}
	return fmt.Errorf("ошибок: %d, ничего не загружено:\n%s%s", n, strings.Join(problems, "\n"), more)
}

// checkInvoice lists what is wrong with one bill: missing fields, amounts
// that cannot be, and sums that do not add up.
func checkInvoice(e IssuedInvoice) []string {
	var p []string
	inv := e.Invoice
	if !domain.IsDigits(e.Account) {
		p = append(p, fmt.Sprintf("номер лицевого счёта (account) %q — это должны быть цифры", e.Account))
	}
	if inv.Period == (domain.Period{}) {
		p = append(p, "не указан расчётный период (period), например \"2026-11\"")
	}
	if strings.TrimSpace(inv.Number) == "" {
		p = append(p, "не указан номер счёта (number)")
	}
	if inv.IssuedOn.IsZero() || inv.DueOn.IsZero() {
		p = append(p, "не указаны даты выставления и оплаты (issued_on, due_on)")
	} else if inv.DueOn.Before(inv.IssuedOn) {
		p = append(p, fmt.Sprintf("срок оплаты %s раньше даты выставления %s", inv.DueOn, inv.IssuedOn))
	}
	var charged domain.Kopecks
	for i, l := range inv.Lines {
		if l.Volume < 0 || l.Price < 0 || l.Amount < 0 {
			p = append(p, fmt.Sprintf("строка %d: объём, цена и сумма не могут быть отрицательными", i+1))
		}
		charged += l.Amount
	}
	for _, r := range inv.Recalculations {
		charged += r.Amount
	}
	if inv.Penalties < 0 || inv.PaidInPeriod < 0 {
		p = append(p, "пени (penalties_kop) и оплата за период (paid_in_period_kop) не могут быть отрицательными")
	}
	if inv.Charged != charged {
		p = append(p, fmt.Sprintf("начислено (charged_kop) %d коп., а строки и перерасчёты дают %d коп.", inv.Charged, charged))
	}
	if want := inv.BroughtForward + inv.Charged + inv.Penalties - inv.PaidInPeriod; inv.TotalDue != want {
		p = append(p, fmt.Sprintf("к оплате (total_due_kop) %d коп., а долг на начало + начислено + пени − оплачено дают %d коп.", inv.TotalDue, want))
	}
	return p
}

// resolveAccounts finds the database ids of the entries' accounts and
// lists the entries whose account does not exist.
func resolveAccounts(ctx context.Context, db *portaldb.DB, entries []IssuedInvoice) (ids []int64, problems []string, err error) {
	ids = make([]int64, len(entries))
	known := map[string]int64{}
	for i, e := range entries {
		id, ok := known[e.Account]
		if !ok {
			var err error
			id, err = db.AccountIDByNumber(ctx, e.Account)
			if errors.Is(err, portaldb.ErrNotFound) {
				problems = append(problems, fmt.Sprintf("%s: такого лицевого счёта нет", entryName(i, e)))
				continue
			}
			if err != nil {
				return nil, nil, err
			}
			known[e.Account] = id
		}
		ids[i] = id
	}
	return ids, problems, nil
}

// issueError says in Russian what IssueInvoice refused. An invoice for an
// account and period is unique in the database; the check is left to it
// (another import may run meanwhile), so its error is recognised here for
// SQLite and PostgreSQL (SQLSTATE 23505).
func issueError(err error) error {
	msg := err.Error()
	if strings.Contains(msg, "UNIQUE constraint failed: invoices.") ||
		strings.Contains(msg, "23505") && strings.Contains(msg, "invoices") {
		return errors.New("счёт за этот период по этому лицевому счёту уже загружен")
	}
	return err
}
