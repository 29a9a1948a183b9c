package portaldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"kabinet/internal/domain"
)

// storedCustomer is a customer as an import compares it.
type storedCustomer struct {
	id           int64
	c            domain.Customer
	phoneProven  bool
	billingPhone string
	missing      bool
}

// Customers applies a chunk (at most ImportChunk) of the billing system's
// customers. A new customer gets no password: the hash is empty, which no
// password matches, until SMS recovery or the contact centre's one-time
// password. The billing phone replaces the phone on file only for a
// customer who never proved one with a code; otherwise it is kept apart
// (billing_phone) and the result is Flagged. The e-mail is taken only when
// the customer has none: the customer's own address wins. A customer in
// the file is no longer missing from the billing system.
func (b *BillingImport) Customers(ctx context.Context, cs []domain.Customer) ([]ImportResult, error) {
	out := make([]ImportResult, len(cs))
	if len(cs) == 0 {
		return out, nil
	}
	if err := b.growCache(ctx); err != nil {
		return nil, err
	}
	numbers := make([]string, len(cs))
	for i, c := range cs {
		numbers[i] = c.Number
	}
	stored, err := b.storedCustomers(ctx, numbers)
	if err != nil {
		return nil, err
	}
	w := b.tx.newRowWriter(len(cs))
	ins := b.tx.newBulkInsert("customers", "id", "number", "kind", "full_name", "birth_date", "inn", "phone", "email", "password_hash", "created_at")
	now := b.tx.db.now().Unix()
	for i, c := range cs {
		s, ok := stored[c.Number]
		if !ok {
			id, err := w.id(ctx, "customers")
			if err != nil {
				return nil, err
			}
			if err := ins.add(ctx, id, c.Number, string(c.Kind), c.FullName, c.BirthDate.String(), c.INN, c.Phone, c.Email, "", now); err != nil {
				return nil, err
			}
			stored[c.Number] = &storedCustomer{id: id, c: c}
			out[i].Outcome = Created
			continue
		}
		want := s.c
		want.Kind, want.FullName, want.BirthDate, want.INN = c.Kind, c.FullName, c.BirthDate, c.INN
		billingPhone := ""
		if !s.phoneProven {
			want.Phone = c.Phone
		} else if c.Phone != s.c.Phone {
			billingPhone = c.Phone
		}
		if want.Email == "" {
			want.Email = c.Email
		}
		visible := want != s.c
		if !visible && billingPhone == s.billingPhone && !s.missing {
			continue
		}
		out[i].Outcome = Updated
		out[i].Flagged = billingPhone != "" && billingPhone != s.billingPhone
		if visible {
			// Every account of the customer shows the customer.
			if err := w.flush(ctx); err != nil {
				return nil, err
			}
			if err := b.tx.touchCustomerAccounts(ctx, s.id); err != nil {
				return nil, err
			}
		}
		if err := w.add(ctx, `UPDATE customers SET kind = ?, full_name = ?, birth_date = ?, inn = ?, phone = ?, email = ?,
				billing_phone = ?, billing_missing_since = NULL WHERE id = ?`, string(want.Kind), want.FullName, want.BirthDate.String(),
			want.INN, want.Phone, want.Email, billingPhone, s.id); err != nil {
			return nil, err
		}
		s.c, s.billingPhone, s.missing = want, billingPhone, false
	}
	if err := ins.flush(ctx); err != nil {
		return nil, fmt.Errorf("import customers: %w", err)
	}
	if err := w.flush(ctx); err != nil {
		return nil, fmt.Errorf("import customers: %w", err)
	}
	return out, nil
}

func (b *BillingImport) storedCustomers(ctx context.Context, numbers []string) (map[string]*storedCustomer, error) {
	list, args := inList(numbers)
	rows, err := b.tx.QueryContext(ctx, `SELECT id, number, kind, full_name, birth_date, inn, phone, email,
			phone_proven_at IS NOT NULL, billing_phone, billing_missing_since IS NOT NULL
		FROM customers WHERE number IN (`+list+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("customers: %w", err)
	}
	defer rows.Close()
	out := map[string]*storedCustomer{}
	for rows.Next() {
		s := &storedCustomer{}
		var birth string
		if err := rows.Scan(&s.id, &s.c.Number, &s.c.Kind, &s.c.FullName, &birth, &s.c.INN, &s.c.Phone, &s.c.Email,
			&s.phoneProven, &s.billingPhone, &s.missing); err != nil {
			return nil, fmt.Errorf("customers: %w", err)
		}
		if birth != "" {
			s.c.BirthDate, _ = domain.ParseDate(birth)
		}
		out[s.c.Number] = s
	}
	return out, rows.Err()
}

// FlagMissingCustomers marks every customer that seen does not report as
// missing from the billing system since now — once: a customer flagged by
// an earlier import keeps its date. Nothing is deleted: the customer keeps
// logging in and its accounts stay. It returns the numbers newly flagged.
func (b *BillingImport) FlagMissingCustomers(ctx context.Context, seen func(number string) bool) ([]string, error) {
	rows, err := b.tx.QueryContext(ctx, `SELECT id, number FROM customers WHERE billing_missing_since IS NULL ORDER BY number`)
	if err != nil {
		return nil, fmt.Errorf("customers: %w", err)
	}
	var ids []int64
	var numbers []string
	for rows.Next() {
		var id int64
		var n string
		if err := rows.Scan(&id, &n); err != nil {
			rows.Close()
			return nil, err
		}
		if !seen(n) {
			ids, numbers = append(ids, id), append(numbers, n)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	now := b.tx.db.now().Unix()
	for start := 0; start < len(ids); start += ImportChunk {
		list, args := inList(ids[start:min(len(ids), start+ImportChunk)])
		if _, err := b.tx.ExecContext(ctx, `UPDATE customers SET billing_missing_since = ? WHERE id IN (`+list+`)`,
			append([]any{now}, args...)...); err != nil {
			return nil, fmt.Errorf("flag missing customers: %w", err)
		}
	}
	return numbers, nil
}

// BillingFlags is what the billing imports left about a customer for the
// contact centre.
type BillingFlags struct {
	// MissingSince is when a customers file first came without the
	// customer; zero while the latest one has it.
	MissingSince time.Time
	// BillingPhone is a phone the billing system gave that differs from
	// the phone the customer proved; "" when none.
	BillingPhone string
}

// BillingFlags returns the customer's flags; ErrNotFound when there is no
// customer with the number.
func (db *DB) BillingFlags(ctx context.Context, number string) (BillingFlags, error) {
	var f BillingFlags
	err := db.readOne(ctx, func(tx *Tx) error {
		var err error
		f, err = tx.BillingFlags(ctx, number)
		return err
	})
	return f, err
}

// BillingFlags is DB.BillingFlags inside a transaction (the back office's
// customer card reads it with the rest).
func (tx *Tx) BillingFlags(ctx context.Context, number string) (BillingFlags, error) {
	var f BillingFlags
	var since sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT billing_missing_since, billing_phone FROM customers WHERE number = ?`, number).
		Scan(&since, &f.BillingPhone)
	if errors.Is(err, sql.ErrNoRows) {
		return f, ErrNotFound
	}
	if err != nil {
		return f, fmt.Errorf("billing flags: %w", err)
	}
	if since.Valid {
		f.MissingSince = time.Unix(since.Int64, 0)
	}
	return f, nil
}
