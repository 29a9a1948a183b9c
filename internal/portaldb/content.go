package portaldb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"kabinet/internal/domain"
)

// StoredResponse is the answer a request with an Idempotency-Key got.
type StoredResponse struct {
	RequestHash []byte
	Status      int
	Body        []byte
}

// IdempotentResponse returns the stored answer to the customer's key.
func (tx *Tx) IdempotentResponse(ctx context.Context, customerID int64, key string) (StoredResponse, bool, error) {
	var r StoredResponse
	err := tx.QueryRowContext(ctx, `SELECT request_hash, status, body FROM idempotency WHERE customer_id = ? AND key = ?`, customerID, key).
		Scan(&r.RequestHash, &r.Status, &r.Body)
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	}
	if err != nil {
		return r, false, fmt.Errorf("idempotency: %w", err)
	}
	return r, true, nil
}

// SaveIdempotentResponse stores the answer to the customer's key, in the
// transaction that did the work, so the work and its record commit together.
// The record is written with the commit (one round trip less). When another
// request with the key committed since this transaction looked (PostgreSQL
// runs them side by side), the key is taken: this transaction's work is
// undone and Write runs it again, and then IdempotentResponse finds the
// stored answer.
func (tx *Tx) SaveIdempotentResponse(ctx context.Context, customerID int64, key string, r StoredResponse) error {
	tx.runAtCommit(`INSERT INTO idempotency (customer_id, key, request_hash, status, body, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		customerID, key, r.RequestHash, r.Status, r.Body, tx.db.now().Unix())
	return nil
}

// SetSubscriptions changes the account's subscriptions.
func (tx *Tx) SetSubscriptions(ctx context.Context, accountID int64, s domain.Subscriptions) error {
	if err := tx.lockAccount(ctx, accountID); err != nil {
		return err
	}
	seq, err := tx.nextSeq(ctx)
	if err != nil {
		return err
	}
	// What changed goes to the billing system (export.go), read before
	// the UPDATE in the same order of statements.
	now := tx.db.now().Unix()
	if err := tx.deferWrites(ctx,
		logSubscriptionChange(accountID, "email_bills", "a.email_bills", s.EmailBills, now),
		logSubscriptionChange(accountID, "sms_reminders", "a.sms_reminders", s.SMSReminders, now),
		logSubscriptionChange(accountID, "email_reminders", "a.email_reminders", s.EmailReminders, now)); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE accounts SET email_bills = ?, sms_reminders = ?, email_reminders = ?, main_seq = ?, seq = ? WHERE id = ?`,
		s.EmailBills, s.SMSReminders, s.EmailReminders, seq, seq, accountID)
	return err
}

// News returns the news, newest first.
func (tx *Tx) News(ctx context.Context) ([]domain.News, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, published_on, title, body FROM news ORDER BY published_on DESC, id DESC`)
	if err != nil {
		return nil, fmt.Errorf("news: %w", err)
	}
	defer rows.Close()
	out := []domain.News{}
	for rows.Next() {
		var n domain.News
		var id int64
		var pub string
		if err := rows.Scan(&id, &pub, &n.Title, &n.Body); err != nil {
			return nil, err
		}
		n.ID = strconv.FormatInt(id, 10)
		n.PublishedOn, _ = domain.ParseDate(pub)
		out = append(out, n)
	}
	return out, rows.Err()
}

// About returns the sections of the «О компании» page.
func (tx *Tx) About(ctx context.Context) ([]domain.AboutSection, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, title, body FROM about ORDER BY position`)
	if err != nil {
		return nil, fmt.Errorf("about: %w", err)
	}
	defer rows.Close()
	out := []domain.AboutSection{}
	for rows.Next() {
		var a domain.AboutSection
		if err := rows.Scan(&a.ID, &a.Title, &a.Body); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Offices returns the contact-centre offices.
func (tx *Tx) Offices(ctx context.Context) ([]domain.Office, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, name, address, hours, phones, email FROM offices ORDER BY position`)
	if err != nil {
		return nil, fmt.Errorf("offices: %w", err)
	}
	defer rows.Close()
	out := []domain.Office{}
	for rows.Next() {
		var o domain.Office
		var hours, phones string
		if err := rows.Scan(&o.ID, &o.Name, &o.Address, &hours, &phones, &o.Email); err != nil {
			return nil, err
		}
		if err := errors.Join(json.Unmarshal([]byte(hours), &o.Hours), json.Unmarshal([]byte(phones), &o.Phones)); err != nil {
			return nil, fmt.Errorf("office %s: %w", o.ID, err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// FAQ returns the frequent questions.
func (tx *Tx) FAQ(ctx context.Context) ([]domain.FAQ, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, question, answer FROM faq ORDER BY position`)
	if err != nil {
		return nil, fmt.Errorf("faq: %w", err)
	}
	defer rows.Close()
	out := []domain.FAQ{}
	for rows.Next() {
		var f domain.FAQ
		if err := rows.Scan(&f.ID, &f.Question, &f.Answer); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// AllServices returns the names of every service supplied, for search.
func (tx *Tx) AllServices(ctx context.Context) ([]domain.Tariff, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id FROM tariffs ORDER BY id`)
	if err != nil {
		return nil, err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	out := make([]domain.Tariff, 0, len(ids))
	for _, id := range ids {
		t, err := tx.Tariff(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, *t)
	}
	return out, nil
}

// InsertQuestion stores a customer's question.
func (tx *Tx) InsertQuestion(ctx context.Context, customerID int64, q domain.Question) (domain.Question, error) {
	now := tx.db.now()
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO questions (customer_id, account, topic, text, asked_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		customerID, q.Account, q.Topic, q.Text, now.Unix()).Scan(&id)
	if err != nil {
		return q, fmt.Errorf("insert question: %w", err)
	}
	q.ID = strconv.FormatInt(id, 10)
	q.AskedAt = now.UTC().Format(time.RFC3339)
	if err := tx.deferWrites(ctx, logExport(exportQuestion, id, q.Account, "asked", "", now.Unix())); err != nil {
		return q, fmt.Errorf("insert question: %w", err)
	}
	return q, nil
}

// Questions returns the customer's questions, newest first.
func (tx *Tx) Questions(ctx context.Context, customerID int64) ([]domain.Question, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, account, topic, text, asked_at, answer, answered_at FROM questions WHERE customer_id = ? ORDER BY id DESC`, customerID)
	if err != nil {
		return nil, fmt.Errorf("questions: %w", err)
	}
	defer rows.Close()
	out := []domain.Question{}
	for rows.Next() {
		var q domain.Question
		var id, asked int64
		var answered sql.NullInt64
		if err := rows.Scan(&id, &q.Account, &q.Topic, &q.Text, &asked, &q.Answer, &answered); err != nil {
			return nil, err
		}
		q.ID = strconv.FormatInt(id, 10)
		q.AskedAt = time.Unix(asked, 0).UTC().Format(time.RFC3339)
		if answered.Valid {
			q.AnsweredAt = time.Unix(answered.Int64, 0).UTC().Format(time.RFC3339)
		}
		out = append(out, q)
	}
	return out, rows.Err()
}
