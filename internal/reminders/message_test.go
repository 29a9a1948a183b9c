package reminders

import (
	"strings"
	"testing"
	"time"

	"kabinet/internal/domain"
	"kabinet/internal/portaldb"
)

func TestDaysLeftAgreesWithTheNumber(t *testing.T) {
	for n, want := range map[int]string{1: "остался 1 день", 2: "осталось 2 дня", 3: "осталось 3 дня", 5: "осталось 5 дней",
		11: "осталось 11 дней", 12: "осталось 12 дней", 21: "остался 21 день", 24: "осталось 24 дня"} {
		if got := daysLeft(n); got != want {
			t.Errorf("daysLeft(%d) = %q, want %q", n, got, want)
		}
	}
}

// The letter two days before the end tells how many days are left and
// until when, and what happens otherwise; the first day's letter tells the
// window. Neither names an amount.
func TestWindowLettersSayWhatToDoByWhen(t *testing.T) {
	texts := Texts{Signature: DefaultSignature, FromName: "АО «Коми энергосбытовая компания»", ContactPhone: "8 800 200-83-05"}
	at := func(day int) domain.WindowState {
		return domain.DefaultWindow.State(time.Date(2026, time.December, day, 9, 0, 0, 0, domain.Moscow))
	}
	subject, body := texts.windowLetter(portaldb.SlotCloses, at(23))
	for _, want := range []string{"осталось 3 дня", "до 25 декабря включительно", "по среднему расходу", "8 800 200-83-05", "«Подписки»"} {
		if !strings.Contains(body, want) {
			t.Errorf("the closing letter lacks %q:\n%s", want, body)
		}
	}
	if subject != "Передайте показания счётчика до 25 декабря" {
		t.Errorf("subject %q", subject)
	}
	_, body = texts.windowLetter(portaldb.SlotOpens, at(18))
	if !strings.Contains(body, "С 18 по 25 декабря") || strings.Contains(body, "осталось") {
		t.Errorf("the first day's letter:\n%s", body)
	}
	for _, b := range []string{body, texts.windowSMS(at(18).End)} {
		if strings.ContainsAny(b, "₽") || strings.Contains(b, "руб") {
			t.Errorf("a reminder names an amount: %s", b)
		}
	}
	if got := (Texts{Signature: "Коми энергосбыт"}).windowSMS(at(18).End); got != "Коми энергосбыт: передайте показания счётчика до 25.12. Это можно сделать в личном кабинете." {
		t.Errorf("SMS without a contact phone: %q", got)
	}
}
