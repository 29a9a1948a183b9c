package domain_test

import (
	"testing"
	"time"

	"kabinet/internal/domain"
)

func TestReceiptNumberAndEcho(t *testing.T) {
	for id, want := range map[string]string{"412": "00412", "7": "00007", "123456": "123456", "00412": "00412"} {
		if got := domain.ReceiptNumber(id); got != want {
			t.Errorf("ReceiptNumber(%q) = %q, want %q", id, got, want)
		}
	}
	at := time.Date(2026, 12, 19, 7, 32, 0, 0, time.UTC) // 10:32 in Moscow
	want := "Показания по счётчику …96 приняты 19.12 в 10:32, № 00412"
	if got := domain.ReceiptText("01234596", at, "412"); got != want {
		t.Errorf("ReceiptText = %q, want %q", got, want)
	}
}
