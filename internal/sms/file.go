package sms

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"kabinet/internal/domain"
)

// FileSender "sends" messages by appending them to a local file, one per
// line:
//
//	2026-11-27T14:05:00+03:00 +79123456789 Код для входа: 4711
//
// It is meant for development, demos and test stands, where someone reads
// the codes from the file. The file holds full phone numbers and codes, so
// it is created readable by the owner only. FileSender is safe for
// concurrent use.
type FileSender struct {
	path    string
	logger  *slog.Logger
	logText bool
	now     func() time.Time

	mu sync.Mutex
}

// NewFileSender returns a FileSender appending to path. A nil logger means
// slog.Default().
//
// logText adds the message text to the log line. Enable it only in demo
// mode, where the log is the easiest place to read a login code from: in
// production a code in a log is a credential in a log.
func NewFileSender(path string, logger *slog.Logger, logText bool) *FileSender {
	if logger == nil {
		logger = slog.Default()
	}
	return &FileSender{path: path, logger: logger, logText: logText, now: time.Now}
}

// lineBreaks are replaced in the text because a message must stay one line
// of the file, whatever a template author put into it.
var lineBreaks = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", "\u2028", " ", "\u2029", " ", "\u0085", " ")

// Send appends m to the file. The file is opened for each message, so it can
// be rotated or deleted while the server runs.
func (s *FileSender) Send(ctx context.Context, m Message) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := validate(m); err != nil {
		return err
	}
	line := s.now().Format("2006-01-02T15:04:05-07:00") + " " + m.Phone + " " + lineBreaks.Replace(m.Text) + "\n"

	if err := s.write(line); err != nil {
		return fmt.Errorf("sms: write message to %s for %s: %w", s.path, domain.MaskPhone(m.Phone), err)
	}

	attrs := []any{"to", domain.MaskPhone(m.Phone), "file", s.path}
	if s.logText {
		attrs = append(attrs, "text", m.Text)
	}
	s.logger.InfoContext(ctx, "sms written", attrs...)
	return nil
}

func (s *FileSender) write(line string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := os.MkdirAll(filepath.Dir(s.path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(s.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	// One Write per line: with O_APPEND even another process appending to
	// the same file cannot interleave inside it.
	_, werr := f.WriteString(line)
	cerr := f.Close()
	if werr != nil {
		return werr
	}
	return cerr
}
