package cli_test

import (
	"strings"
	"testing"

	"kabinet/internal/cli"
	"kabinet/internal/portaltest"
)

func TestQuestionIsCheckedKeptOfflineAndSent(t *testing.T) {
	p := portaltest.Start(t)
	u := newUser(t)
	u.logIn(p)
	before := p.Count(t, `SELECT count(*) FROM questions`)

	// A topic over 200 characters is refused here, not queued.
	code, _, errOut := u.run("question", "--topic", strings.Repeat("т", 201), "--text", "Почему счёт вырос?")
	if code != cli.ExitFailed || !strings.Contains(errOut, "Тема слишком длинная") {
		t.Errorf("a long topic: exit %d\n%s", code, errOut)
	}
	p.Down.Store(true)
	if out := u.mustRun(cli.ExitQueued, "question", "--text", "Почему счёт вырос?"); !strings.Contains(out, "Вопрос сохранён") {
		t.Errorf("offline question said:\n%s", out)
	}
	p.Down.Store(false)
	u.mustRun(cli.ExitOK, "sync")
	if out := u.mustRun(cli.ExitOK, "question", "--topic", "Счёт", "--text", "А когда придёт новый?"); !strings.Contains(out, "Вопрос отправлен") {
		t.Errorf("online question said:\n%s", out)
	}
	if n := p.Count(t, `SELECT count(*) FROM questions`) - before; n != 2 {
		t.Errorf("%d questions reached the portal, want 2", n)
	}
}
