package portaldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"kabinet/internal/domain"
)

// FindCustomers returns the customers an operator's query names: a
// customer number, an account number, or a phone (in any spelling
// domain.NormalizePhone reads). At most limit, by number.
func (tx *Tx) FindCustomers(ctx context.Context, query string, limit int) ([]CustomerRecord, error) {
	query = strings.TrimSpace(query)
	if query == "" {
		return nil, nil
	}
	phone := "-"
	if p, err := domain.NormalizePhone(query); err == nil {
		phone = p
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+customerColumns+` FROM customers
		WHERE number = ? OR phone = ? OR id IN (SELECT customer_id FROM accounts WHERE number = ?)
		ORDER BY number LIMIT ?`, query, phone, query, limit)
	if err != nil {
		return nil, fmt.Errorf("find customers: %w", err)
	}
	defer rows.Close()
	var out []CustomerRecord
	for rows.Next() {
		c, err := scanCustomer(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CustomerReading is a reading with the meter and account it belongs to,
// as the contact centre sees it.
type CustomerReading struct {
	domain.Reading
	Account     string
	MeterSerial string
}

// RecentReadings returns the customer's last readings, newest first,
// superseded ones too.
func (tx *Tx) RecentReadings(ctx context.Context, customerID int64, limit int) ([]CustomerReading, error) {
	list, err := tx.readings(ctx, `m.account_id IN (SELECT id FROM accounts WHERE customer_id = ?)
		ORDER BY r.submitted_at DESC, r.id DESC LIMIT ?`, customerID, limit)
	if err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT m.id, m.serial, a.number FROM meters m JOIN accounts a ON a.id = m.account_id WHERE a.customer_id = ?`, customerID)
	if err != nil {
		return nil, fmt.Errorf("meters: %w", err)
	}
	defer rows.Close()
	type where struct{ serial, account string }
	meters := map[string]where{}
	for rows.Next() {
		var id int64
		var w where
		if err := rows.Scan(&id, &w.serial, &w.account); err != nil {
			return nil, err
		}
		meters[strconv.FormatInt(id, 10)] = w
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]CustomerReading, len(list))
	for i, r := range list {
		w := meters[r.MeterID]
		out[i] = CustomerReading{Reading: r, Account: w.account, MeterSerial: w.serial}
	}
	return out, nil
}

// StaffQuestion is a customer's question as the contact centre sees it.
type StaffQuestion struct {
	domain.Question
	CustomerNumber string
	CustomerName   string
}

// ErrAlreadyAnswered is returned when a question was answered meanwhile
// (by another operator).
var ErrAlreadyAnswered = errors.New("question already answered")

const staffQuestionColumns = `q.id, q.account, q.topic, q.text, q.asked_at, q.answer, q.answered_at, c.number, c.full_name`

func scanStaffQuestion(row interface{ Scan(...any) error }) (StaffQuestion, error) {
	var q StaffQuestion
	var id, asked int64
	var answered sql.NullInt64
	err := row.Scan(&id, &q.Account, &q.Topic, &q.Text, &asked, &q.Answer, &answered, &q.CustomerNumber, &q.CustomerName)
	if errors.Is(err, sql.ErrNoRows) {
		return q, ErrNotFound
	}
	if err != nil {
		return q, fmt.Errorf("question: %w", err)
	}
	q.ID = strconv.FormatInt(id, 10)
	q.AskedAt = time.Unix(asked, 0).UTC().Format(time.RFC3339)
	if answered.Valid {
		q.AnsweredAt = time.Unix(answered.Int64, 0).UTC().Format(time.RFC3339)
	}
	return q, nil
}

// QuestionsForStaff returns the questions waiting for an answer, oldest
// first (they waited longest), then the last answered ones, newest first;
// at most limit of each.
func (tx *Tx) QuestionsForStaff(ctx context.Context, limit int) (waiting, answered []StaffQuestion, err error) {
	read := func(query string) ([]StaffQuestion, error) {
		rows, err := tx.QueryContext(ctx, query, limit)
		if err != nil {
			return nil, fmt.Errorf("questions: %w", err)
		}
		defer rows.Close()
		var out []StaffQuestion
		for rows.Next() {
			q, err := scanStaffQuestion(rows)
			if err != nil {
				return nil, err
			}
			out = append(out, q)
		}
		return out, rows.Err()
	}
	if waiting, err = read(`SELECT ` + staffQuestionColumns + ` FROM questions q JOIN customers c ON c.id = q.customer_id
		WHERE q.answered_at IS NULL ORDER BY q.id LIMIT ?`); err != nil {
		return nil, nil, err
	}
	answered, err = read(`SELECT ` + staffQuestionColumns + ` FROM questions q JOIN customers c ON c.id = q.customer_id
		WHERE q.answered_at IS NOT NULL ORDER BY q.answered_at DESC, q.id DESC LIMIT ?`)
	return waiting, answered, err
}

// QuestionForStaff returns one question with its customer.
func (tx *Tx) QuestionForStaff(ctx context.Context, id string) (StaffQuestion, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return StaffQuestion{}, ErrNotFound
	}
	return scanStaffQuestion(tx.QueryRowContext(ctx, `SELECT `+staffQuestionColumns+`
		FROM questions q JOIN customers c ON c.id = q.customer_id WHERE q.id = ?`, n))
}

// AnswerWaitingQuestion records the contact centre's answer to a question
// nobody answered yet: ErrAlreadyAnswered when someone did meanwhile (two
// operators on one question), ErrNotFound when there is no such question.
// The customer's app shows it at its next look at «Задать вопрос».
func (tx *Tx) AnswerWaitingQuestion(ctx context.Context, id, answer string) error {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return ErrNotFound
	}
	now := tx.db.now().Unix()
	res, err := tx.ExecContext(ctx, `UPDATE questions SET answer = ?, answered_at = ? WHERE id = ? AND answered_at IS NULL`,
		answer, now, n)
	if err != nil {
		return fmt.Errorf("answer question: %w", err)
	}
	if k, _ := res.RowsAffected(); k == 1 {
		// The billing system learns of the answer too (export of questions).
		return tx.deferWrites(ctx, logExport(exportQuestion, n, "", "answered", answer, now))
	}
	var exists int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM questions WHERE id = ?`, n).Scan(&exists); err != nil {
		return err
	}
	if exists == 0 {
		return ErrNotFound
	}
	return ErrAlreadyAnswered
}
