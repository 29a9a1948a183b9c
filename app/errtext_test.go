package app

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"

	"fyne.io/fyne/v2/test"

	"kabinet/internal/domain"
	"kabinet/internal/portalclient"
)

// errParams has a value for every param an error's sentence is built from.
var errParams = map[string]string{
	"zone_name": "День", "digits": "5", "fraction_digits": "1", "previous": "12345.6", "previous_date": "2026-10-20",
	"reason": "jump", "consumption": "900", "average_monthly": "150", "replaces_date": "2026-11-18", "value": "12",
	"start_day": "18", "end_day": "25", "window_start": "2026-12-18", "window_end": "2026-12-25", "today": "2026-12-01",
	"serial": "0123456", "removed_on": "2026-01-10", "replaced_by": "m2", "taken_on": "2026-12-02", "earliest": "2026-09-01",
	"min": "8", "max": "128", "sent_at": "2026-11-19T07:30:00Z", "tries_left": "4", "per_day": "3",
	"contact_phone": "8 800 100-00-00", "period": "2026-11", "retry_after": "900",
}

// codedErrors is every domain code with each set of params and fields its
// sentences branch on.
func codedErrors() []*domain.Error {
	with := func(k, v string) map[string]string {
		p := map[string]string{}
		for key, val := range errParams {
			p[key] = val
		}
		p[k] = v
		return p
	}
	var out []*domain.Error
	for _, c := range domain.Codes() {
		out = append(out,
			&domain.Error{Code: c, Message: "Текст портала.", Params: errParams},
			&domain.Error{Code: c, Message: "Текст портала.", Params: with("reason", "rollover")},
			&domain.Error{Code: c, Message: "Текст портала.", Params: with("fraction_digits", "0")},
			&domain.Error{Code: c, Message: "Текст портала.", Params: errParams, Field: "current_password"},
			&domain.Error{Code: c, Message: "Текст портала.", Params: errParams, Field: "topic"})
	}
	return out
}

func cyrillic(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) })
}

// errorsInEnglish switches the window's strings to English for the test.
func errorsInEnglish(t *testing.T) {
	t.Helper()
	test.NewTempApp(t)
	t.Cleanup(func() { LoadTranslations(false) }) // runs after the environment is restored
	t.Setenv("LANGUAGE", "en")
	t.Setenv("LC_ALL", "en_US.UTF-8")
	LoadTranslations(true)
}

// errorsInRussian makes sure the window's strings are Russian.
func errorsInRussian(t *testing.T) {
	t.Helper()
	dataRussian(t)
	test.NewTempApp(t)
	LoadTranslations(false)
}

// TestEveryCodeHasASentence: every code a service or the portal may give
// has its own Russian sentence, with every param filled in, and an English
// one without a Russian letter — so an English window never shows Russian
// and no code falls to the general sentence.
func TestEveryCodeHasASentence(t *testing.T) {
	errorsInRussian(t)
	ru := map[*domain.Error]string{}
	log.SetOutput(io.Discard) // the sentences without params are logged
	t.Cleanup(func() { log.SetOutput(os.Stderr) })
	for _, de := range codedErrors() {
		s, ok := codeSentence(de, errorData(de))
		switch {
		case !ok:
			t.Errorf("%s has no sentence", de.Code)
		case s == "" || !cyrillic(s) || strings.Contains(s, "<no value>") || strings.Contains(s, "{{"):
			t.Errorf("%s (params %v, field %q): Russian sentence %q", de.Code, de.Params != nil, de.Field, s)
		}
		if got := errorSentence(fmt.Errorf("wrapped: %w", de)); got != s {
			t.Errorf("%s: errorSentence %q, want %q", de.Code, got, s)
		}
		ru[de] = s
	}

	errorsInEnglish(t)
	for de, rus := range ru {
		s := errorSentence(fmt.Errorf("wrapped: %w", de))
		if s == "" || cyrillic(s) || strings.Contains(s, "<no value>") || s == rus {
			t.Errorf("%s (params %v, field %q): English sentence %q", de.Code, de.Params != nil, de.Field, s)
		}
		if s == genericError() {
			t.Errorf("%s (params %v, field %q) falls to the general sentence", de.Code, de.Params != nil, de.Field)
		}
	}
	// Without the params its sentence needs (an older portal), a code
	// still gets an English sentence.
	for _, c := range domain.Codes() {
		if s := errorSentence(&domain.Error{Code: c, Message: "Текст портала."}); s == "" || cyrillic(s) {
			t.Errorf("%s without params: English sentence %q", c, s)
		}
	}
}

// TestErrorSentenceUsesParams: the sentence says the numbers, dates and
// waits of the error in the window's language.
func TestErrorSentenceUsesParams(t *testing.T) {
	lower := &domain.Error{Code: domain.CodeLowerThanPrevious, Params: map[string]string{"previous": "12345.6", "previous_date": "2026-10-20"}}
	busy := &portalclient.RejectedError{Status: 429, Code: "too_many_attempts", Detail: "Текущий пароль несколько раз введён неверно. Подождите 15 минут.",
		Field: "current_password"}
	errorsInRussian(t)
	if got := errorSentence(lower); !strings.HasPrefix(got, "Показание меньше прошлого (12\u202f345,6 от 20.10.2026).") {
		t.Errorf("Russian: %q", got)
	}
	if got := errorSentence(busy); !strings.HasPrefix(got, "Текущий пароль несколько раз введён неверно. Подождите несколько минут") {
		t.Errorf("Russian: %q", got)
	}
	errorsInEnglish(t)
	if got := errorSentence(lower); !strings.HasPrefix(got, "The reading is lower than the previous one (12\u202f345,6 of 20.10.2026).") {
		t.Errorf("English: %q", got)
	}
	if got := errorSentence(busy); got != "The current password was entered wrongly several times. Wait a few minutes and try again." {
		t.Errorf("English: %q", got)
	}
	if got := waitText(15 * 60e9); got != "15 min." {
		t.Errorf("English wait: %q", got)
	}
}

// TestUncodedErrorIsTheGeneralSentence: an error without a code gets the
// general sentence in the window's language and goes to the log without
// the personal data it carries; a portal code this version does not know
// shows the portal's Russian sentence in a Russian window only.
func TestUncodedErrorIsTheGeneralSentence(t *testing.T) {
	var logged bytes.Buffer
	log.SetOutput(&logged)
	t.Cleanup(func() { log.SetOutput(os.Stderr) })
	home, _ := os.UserHomeDir()
	uncoded := fmt.Errorf("store: open %s: account 1100012345: %w", filepath.Join(home, ".cache", "kabinet"), errors.New("disk on fire"))
	unknown := &portalclient.RejectedError{Status: 422, Code: "new_rule_of_2030", Detail: "Новое правило портала."}

	errorsInRussian(t)
	if got := errorSentence(uncoded); got != "Не удалось выполнить действие. Попробуйте ещё раз; если ошибка повторится, позвоните в контакт-центр." {
		t.Errorf("Russian: %q", got)
	}
	if got := errorSentence(unknown); got != "Новое правило портала." {
		t.Errorf("Russian, unknown code: %q", got)
	}
	errorsInEnglish(t)
	if got := errorSentence(uncoded); got != "The action could not be completed. Try again; if the error repeats, call the contact centre." {
		t.Errorf("English: %q", got)
	}
	if got := errorSentence(unknown); got != genericError() {
		t.Errorf("English, unknown code: %q", got)
	}

	out := logged.String()
	if !strings.Contains(out, "disk on fire") || !strings.Contains(out, "new_rule_of_2030") {
		t.Errorf("the errors are not logged: %q", out)
	}
	// Fyne's «At:» line names our source file, which is under the home
	// folder when the checkout is; what the error said must not be.
	var said []string
	for _, line := range strings.Split(out, "\n") {
		if !strings.Contains(line, "  At: ") {
			said = append(said, line)
		}
	}
	if text := strings.Join(said, "\n"); strings.Contains(text, "1100012345") || len(home) > 1 && strings.Contains(text, home) {
		t.Errorf("the log has personal data: %q", text)
	}
}

// TestWindowLineInEnglish: the reading-window line of the home screen names
// its month in the window's language.
func TestWindowLineInEnglish(t *testing.T) {
	today := domain.NewDate(2026, time.November, 20)
	open := domain.Meter{Serial: "0123456", Window: domain.WindowState{Open: true,
		Start: domain.NewDate(2026, time.November, 18), End: domain.NewDate(2026, time.November, 25), DaysLeft: 6, Today: today}}
	closed := open
	closed.Window.Open = false
	sent := []domain.Reading{{MeterID: open.ID, Status: domain.StatusAccepted, Period: today.Period(), Source: domain.SourceCustomer, TakenOn: today}}

	errorsInRussian(t)
	if got := windowLine(open, nil, today); !strings.Contains(got, "с 18 по 25 ноября") {
		t.Errorf("Russian: %q", got)
	}
	errorsInEnglish(t)
	for _, tc := range []struct {
		got, want string
	}{
		{windowLine(open, nil, today), "from 18 to 25 November"},
		{windowLine(closed, nil, today), "from 18 to 25 November"},
		{windowLine(open, sent, today), "readings for November 2026 sent on 20.11.2026"},
	} {
		if !strings.Contains(tc.got, tc.want) || cyrillic(tc.got) {
			t.Errorf("English: %q, want %q", tc.got, tc.want)
		}
	}
}
