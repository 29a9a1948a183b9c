package portaldb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"

	"kabinet/internal/domain"
)

// BumpContentVersion marks the public content (news, «О сервисе», FAQ,
// offices, tariffs) changed. Every write of that content calls it in its
// own transaction: each portal instance's search compares the version with
// the one its index was built from and rebuilds when they differ, so an
// edit made through one instance is found on all of them.
func (tx *Tx) BumpContentVersion(ctx context.Context) error {
	_, err := tx.ExecContext(ctx, `UPDATE content_version SET version = version + 1 WHERE id = 1`)
	if err != nil {
		return fmt.Errorf("content version: %w", err)
	}
	return nil
}

// ContentVersion returns the version of the public content in tx's
// snapshot: read with the content, it is the version that content is.
func (tx *Tx) ContentVersion(ctx context.Context) (int64, error) {
	var v int64
	if err := tx.QueryRowContext(ctx, `SELECT version FROM content_version WHERE id = 1`).Scan(&v); err != nil {
		return 0, fmt.Errorf("content version: %w", err)
	}
	return v, nil
}

// ContentVersion returns the version of the public content now: one small
// query, cheap enough to ask every second.
func (db *DB) ContentVersion(ctx context.Context) (int64, error) {
	var v int64
	err := db.readOne(ctx, func(tx *Tx) error {
		var err error
		v, err = tx.ContentVersion(ctx)
		return err
	})
	return v, err
}

// SaveNews publishes a news item (id "": a new one) or changes one, and
// returns its id.
func (tx *Tx) SaveNews(ctx context.Context, n domain.News) (string, error) {
	if n.ID == "" {
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO news (published_on, title, body) VALUES (?, ?, ?) RETURNING id`,
			n.PublishedOn.String(), n.Title, n.Body).Scan(&id)
		if err != nil {
			return "", fmt.Errorf("add news: %w", err)
		}
		n.ID = fmt.Sprint(id)
	} else if err := tx.changeContent(ctx, `UPDATE news SET published_on = ?, title = ?, body = ? WHERE CAST(id AS TEXT) = ?`,
		n.PublishedOn.String(), n.Title, n.Body, n.ID); err != nil {
		return "", err
	}
	return n.ID, tx.BumpContentVersion(ctx)
}

// DeleteNews removes a news item.
func (tx *Tx) DeleteNews(ctx context.Context, id string) error {
	if err := tx.changeContent(ctx, `DELETE FROM news WHERE CAST(id AS TEXT) = ?`, id); err != nil {
		return err
	}
	return tx.BumpContentVersion(ctx)
}

// SaveAbout adds (ID "") or changes a section of «О сервисе» at position
// (0: after the others) and returns its id.
func (tx *Tx) SaveAbout(ctx context.Context, a domain.AboutSection, position int) (string, error) {
	return tx.saveOrdered(ctx, "about", "about-", a.ID, position, a.Title, a.Body)
}

// DeleteAbout removes a section of «О сервисе».
func (tx *Tx) DeleteAbout(ctx context.Context, id string) error {
	if err := tx.changeContent(ctx, `DELETE FROM about WHERE id = ?`, id); err != nil {
		return err
	}
	return tx.BumpContentVersion(ctx)
}

// SaveFAQ adds (ID "") or changes a frequent question at position (0:
// after the others) and returns its id.
func (tx *Tx) SaveFAQ(ctx context.Context, f domain.FAQ, position int) (string, error) {
	return tx.saveOrdered(ctx, "faq", "faq-", f.ID, position, f.Question, f.Answer)
}

// DeleteFAQ removes a frequent question.
func (tx *Tx) DeleteFAQ(ctx context.Context, id string) error {
	if err := tx.changeContent(ctx, `DELETE FROM faq WHERE id = ?`, id); err != nil {
		return err
	}
	return tx.BumpContentVersion(ctx)
}

// ContentPosition returns the position of a section of «О сервисе»
// (table "about") or a frequent question ("faq").
func (tx *Tx) ContentPosition(ctx context.Context, table, id string) (int, error) {
	if table != "about" && table != "faq" {
		return 0, fmt.Errorf("content table %q", table)
	}
	var p int
	err := tx.QueryRowContext(ctx, `SELECT position FROM `+table+` WHERE id = ?`, id).Scan(&p)
	if err != nil {
		return 0, ErrNotFound
	}
	return p, nil
}

// saveOrdered writes a row of about (title, body) or faq (question,
// answer): both are ordered by position and keyed by a text id.
func (tx *Tx) saveOrdered(ctx context.Context, table, prefix, id string, position int, head, text string) (string, error) {
	cols := map[string][2]string{"about": {"title", "body"}, "faq": {"question", "answer"}}[table]
	if position <= 0 {
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(position), 0) + 1 FROM `+table).Scan(&position); err != nil {
			return "", fmt.Errorf("%s: %w", table, err)
		}
	}
	if id == "" {
		b := make([]byte, 4)
		rand.Read(b)
		id = prefix + hex.EncodeToString(b)
		_, err := tx.ExecContext(ctx, `INSERT INTO `+table+` (id, position, `+cols[0]+`, `+cols[1]+`) VALUES (?, ?, ?, ?)`,
			id, position, head, text)
		if err != nil {
			return "", fmt.Errorf("add %s: %w", table, err)
		}
	} else if err := tx.changeContent(ctx, `UPDATE `+table+` SET position = ?, `+cols[0]+` = ?, `+cols[1]+` = ? WHERE id = ?`,
		position, head, text, id); err != nil {
		return "", err
	}
	return id, tx.BumpContentVersion(ctx)
}

// changeContent runs an UPDATE or DELETE of one row: ErrNotFound when
// there is no such row.
func (tx *Tx) changeContent(ctx context.Context, query string, args ...any) error {
	res, err := tx.ExecContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("content: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}
