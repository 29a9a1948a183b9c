package backoffice_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"kabinet/internal/browsertest"
	"kabinet/internal/portalclient"
)

// screenshots is where the browser test keeps its pictures of the pages:
// KABINET_BACKOFFICE_SCREENSHOTS (docs/screenshots in the repository, see
// docs/screenshots/README.md), or a temporary folder.
func screenshots(t *testing.T) string {
	if dir := os.Getenv("KABINET_BACKOFFICE_SCREENSHOTS"); dir != "" {
		return dir
	}
	return t.TempDir()
}

// The whole story in a real Chromium, as a person does it: a customer asks
// through the app's API; an operator logs in, finds the question, types an
// answer and sends it; the customer's app then shows the answer. On the
// way the operator finds another customer and issues a one-time password,
// and an administrator reads the audit log.
func TestOperatorAnswersInTheBrowser(t *testing.T) {
	e := newEnv(t)
	b := browsertest.Start(t)
	dir := screenshots(t)
	app := e.customer(ivanova)
	asked, _, err := app.AskQuestion(context.Background(), portalclient.QuestionRequest{Account: "1100012345",
		Topic: "Счёт за ноябрь", Text: "Здравствуйте! В ноябрьском счёте начислено 412 кВт·ч, а я передавала показания на 150 меньше. Проверьте, пожалуйста."},
		"browser-question-1")
	if err != nil {
		t.Fatal(err)
	}

	b.Open(t, e.url+"/")
	b.Shot(t, dir, "backoffice-login")
	b.Type(t, "Логин", "oper")
	b.Type(t, "Пароль", staffPassword)
	page := b.Press(t, "Войти")
	if !strings.Contains(page, "Ждут ответа") || !strings.Contains(page, "Счёт за ноябрь") {
		t.Fatalf("after the login the operator sees %q", page)
	}
	b.Shot(t, dir, "backoffice-questions")
	page = b.Follow(t, "Счёт за ноябрь")
	if !strings.Contains(page, "передавала показания на 150 меньше") {
		t.Fatalf("the question's page: %q", page)
	}
	answer := "Здравствуйте, Мария Петровна! Показания 20 ноября пришли после расчёта; перерасчёт будет в декабрьском счёте."
	b.Type(t, "Ваш ответ клиенту", answer)
	b.Shot(t, dir, "backoffice-answer")
	if page = b.Press(t, "Отправить ответ"); !strings.Contains(page, "Ответ отправлен") {
		t.Fatalf("after sending the answer: %q", page)
	}

	got, err := app.Questions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	shown := false
	for _, q := range got {
		shown = shown || (q.ID == asked.ID && q.Answer == answer)
	}
	if !shown {
		t.Errorf("the customer's app does not show the answer: %+v", got)
	}

	b.Follow(t, "Поиск клиента")
	b.Type(t, "Номер клиента, номер лицевого счёта или телефон", "1100023456")
	page = b.Press(t, "Найти")
	if !strings.Contains(page, "Кузнецов") {
		t.Fatalf("search by account: %q", page)
	}
	b.Choose(t, "Перезвонил(а)")
	page = b.Press(t, "Выдать одноразовый пароль")
	if !strings.Contains(page, "Продиктуйте клиенту по буквам") {
		t.Fatalf("after issuing the password: %q", page)
	}
	b.Shot(t, dir, "backoffice-customer-otp")

	b.Press(t, "Выйти")
	b.Type(t, "Логин", "boss")
	b.Type(t, "Пароль", staffPassword)
	b.Press(t, "Войти")
	page = b.Follow(t, "Журнал действий")
	for _, want := range []string{"ответ на вопрос", "выдан одноразовый пароль", "перезвонил(а) на телефон из договора"} {
		if !strings.Contains(page, want) {
			t.Errorf("the audit log does not say %q: %q", want, page)
		}
	}
	b.Shot(t, dir, "backoffice-audit")
	b.Follow(t, "Новости и справка")
	b.Follow(t, "Добавить новость")
	b.Shot(t, dir, "backoffice-news-edit")
}
