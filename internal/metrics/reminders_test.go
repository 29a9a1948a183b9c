package metrics_test

import (
	"context"
	"log/slog"
	"testing"

	"kabinet/internal/metrics"
)

func TestReminderQueueReadAtScrape(t *testing.T) {
	m := metrics.New(slog.New(slog.DiscardHandler))
	pending := 4
	err := m.RegisterReminderQueue(func(ctx context.Context) (int, int, int, int, error) {
		return pending, 12, 1, 7, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := func(p string) string {
		return `
# HELP kabinet_reminder_queue Reading reminders and receipts in the queue, by state.
# TYPE kabinet_reminder_queue gauge
kabinet_reminder_queue{state="cancelled"} 7
kabinet_reminder_queue{state="failed"} 1
kabinet_reminder_queue{state="pending"} ` + p + `
kabinet_reminder_queue{state="sent"} 12
`
	}
	compare(t, m, want("4"), "kabinet_reminder_queue")
	pending = 0
	compare(t, m, want("0"), "kabinet_reminder_queue")
}
