package backoffice_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kabinet/internal/portalclient"
)

// A customer asks through the app's API; an operator finds the question
// first in the list, answers it, and the customer's next look at
// «Задать вопрос» shows the answer. The audit log says who answered, not
// what.
func TestOperatorsAnswerReachesTheCustomersApp(t *testing.T) {
	e := newEnv(t)
	app := e.customer(ivanova)
	asked, _, err := app.AskQuestion(context.Background(), portalclient.QuestionRequest{Topic: "Перерасчёт за август", Text: "Почему счёт за август вырос вдвое?"}, "question-key-1")
	if err != nil {
		t.Fatal(err)
	}
	b := e.browser()
	b.login("oper")
	list := text(b.get("/questions"))
	waiting, _, _ := strings.Cut(list, "Недавно отвеченные")
	if !strings.Contains(waiting, "Перерасчёт за август") {
		t.Fatalf("the question is not among those waiting: %s", list)
	}
	b.get("/questions/" + asked.ID)
	if !strings.Contains(b.page, "Почему счёт за август вырос вдвое?") {
		t.Fatalf("the question's page does not show its text: %s", text(b.page))
	}
	answer := "В августе был перерасчёт по нормативу: показания не передавали три месяца."
	b.post("/questions/"+asked.ID+"/answer", url.Values{"answer": {answer}})
	if b.status != http.StatusOK || !strings.Contains(b.page, "Ответ отправлен") {
		t.Fatalf("answer: %d %s", b.status, text(b.page))
	}
	list = text(b.page)
	if waiting, _, _ := strings.Cut(list, "Недавно отвеченные"); strings.Contains(waiting, "Перерасчёт за август") {
		t.Errorf("the answered question still waits: %s", list)
	}

	got, err := app.Questions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, q := range got {
		if q.ID == asked.ID {
			found = q.Answer == answer && q.AnsweredAt != ""
		}
	}
	if !found {
		t.Errorf("the app does not show the answer: %+v", got)
	}
	if n := e.count(`SELECT count(*) FROM audit_log WHERE staff = 'oper' AND action = 'question_answered' AND customer = ?`, ivanova); n != 1 {
		t.Errorf("%d audit entries of the answer, want 1", n)
	}
	if n := e.count(`SELECT count(*) FROM audit_log WHERE detail LIKE '%перерасчёт по нормативу%'`); n != 0 {
		t.Error("the answer's text is in the audit log")
	}

	// A second operator with the page open from before cannot overwrite it.
	b.get("/questions/" + asked.ID)
	b.post("/questions/"+asked.ID+"/answer", url.Values{"answer": {"Другой ответ"}, "csrf": {csrfOf(b.page)}})
	if b.status != http.StatusUnprocessableEntity && b.status != http.StatusForbidden {
		t.Errorf("a second answer: %d", b.status)
	}
	got, _ = app.Questions(context.Background())
	for _, q := range got {
		if q.ID == asked.ID && q.Answer != answer {
			t.Errorf("the answer was overwritten: %q", q.Answer)
		}
	}
}
