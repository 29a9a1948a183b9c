package sms

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		m    Message
		want error
	}{
		{Message{"+79123456789", "Код 1234"}, nil},
		{Message{"+380501234567", "Код 1234"}, nil},
		{Message{"79123456789", "Код"}, ErrInvalidPhone},
		{Message{"+7 912 345 67 89", "Код"}, ErrInvalidPhone},
		{Message{"+79123456789\n", "Код"}, ErrInvalidPhone},
		{Message{"+0123456789", "Код"}, ErrInvalidPhone},
		{Message{"+79123456789", " \n"}, ErrEmptyText},
	}
	for _, tt := range tests {
		if err := validate(tt.m); !errors.Is(err, tt.want) {
			t.Errorf("validate(%q) = %v, want %v", tt.m, err, tt.want)
		}
	}
}

func fixedNow() time.Time {
	return time.Date(2026, 11, 27, 14, 5, 0, 0, time.FixedZone("MSK", 3*3600))
}

func TestFileSenderWritesLines(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "spool", "sms")
	path := filepath.Join(dir, "outbox.txt")
	var logs bytes.Buffer
	s := NewFileSender(path, slog.New(slog.NewTextHandler(&logs, nil)), false)
	s.now = fixedNow

	msgs := []Message{
		{"+79123456789", "Код для входа: 4711"},
		{"+79001112233", "Строка1\nСтрока2\r\nСтрока3"},
	}
	for _, m := range msgs {
		if err := s.Send(context.Background(), m); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := "2026-11-27T14:05:00+03:00 +79123456789 Код для входа: 4711\n" +
		"2026-11-27T14:05:00+03:00 +79001112233 Строка1 Строка2 Строка3\n"
	if string(got) != want {
		t.Errorf("file content:\n%s\nwant:\n%s", got, want)
	}

	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := fi.Mode().Perm(); mode != 0o600 {
		t.Errorf("file mode %o, want 600", mode)
	}
	di, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if mode := di.Mode().Perm(); mode != 0o700 {
		t.Errorf("dir mode %o, want 700", mode)
	}

	if err := s.Send(context.Background(), Message{"89123456789", "x"}); !errors.Is(err, ErrInvalidPhone) {
		t.Errorf("invalid phone: got %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Send(ctx, msgs[0]); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: got %v", err)
	}
}

func TestFileSenderUTC(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.txt")
	s := NewFileSender(path, slog.New(slog.DiscardHandler), false)
	s.now = func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }
	if err := s.Send(context.Background(), Message{"+79123456789", "hi"}); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	// A numeric offset, not "Z", so every line has the same shape.
	if want := "2026-01-02T03:04:05+00:00 +79123456789 hi\n"; string(got) != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestFileSenderLog(t *testing.T) {
	const phone, text = "+79123456789", "Ваш код 4711"
	for _, logText := range []bool{false, true} {
		t.Run(fmt.Sprint("logText=", logText), func(t *testing.T) {
			var logs bytes.Buffer
			path := filepath.Join(t.TempDir(), "out.txt")
			s := NewFileSender(path, slog.New(slog.NewTextHandler(&logs, nil)), logText)
			if err := s.Send(context.Background(), Message{phone, text}); err != nil {
				t.Fatal(err)
			}
			out := logs.String()
			if !strings.Contains(out, "sms written") || !strings.Contains(out, `to="+7 912 ***-**-89"`) || !strings.Contains(out, path) {
				t.Errorf("log misses fields: %s", out)
			}
			assertNoPhone(t, out, phone)
			if got := strings.Contains(out, "4711"); got != logText {
				t.Errorf("text in log = %v, want %v: %s", got, logText, out)
			}
		})
	}
}

// assertNoPhone fails if the full number, with or without "+", or its
// subscriber part appears in out.
func assertNoPhone(t *testing.T, out, phone string) {
	t.Helper()
	for _, s := range []string{phone, strings.TrimPrefix(phone, "+"), phone[len(phone)-7:]} {
		if strings.Contains(out, s) {
			t.Errorf("log contains %q: %s", s, out)
		}
	}
}

func TestFileSenderConcurrent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.txt")
	s := NewFileSender(path, slog.New(slog.DiscardHandler), false)
	const workers, each = 8, 25
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				m := Message{Phone: fmt.Sprintf("+7900%07d", w*1000+i), Text: strings.Repeat("я", 200)}
				if err := s.Send(context.Background(), m); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(lines) != workers*each {
		t.Fatalf("got %d lines, want %d", len(lines), workers*each)
	}
	re := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d \+7900\d{7} я{200}$`)
	seen := make(map[string]bool)
	for _, l := range lines {
		if !re.MatchString(l) {
			t.Fatalf("malformed line %q", l)
		}
		seen[strings.Fields(l)[1]] = true
	}
	if len(seen) != workers*each {
		t.Errorf("got %d distinct phones, want %d", len(seen), workers*each)
	}
}
