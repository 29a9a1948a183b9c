package cabinet_test

import (
	"errors"
	"strings"
	"testing"

	"kabinet/internal/domain"
	"kabinet/internal/portaltest"
)

// A question the portal would refuse is refused before it is queued, so
// it never waits in the outbox only to come back refused.
func TestAskQuestionChecksThePortalsLimitsBeforeQueueing(t *testing.T) {
	refused := []struct{ name, topic, text, field string }{
		{"empty text", "Счёт", "   ", "text"},
		{"text too long", "Счёт", strings.Repeat("ж", domain.MaxQuestionText+1), "text"},
		{"topic too long", strings.Repeat("т", domain.MaxQuestionTopic+1), "Почему счёт вырос?", "topic"},
	}
	p := portaltest.Start(t)
	svc := open(t, p, false)
	p.Down.Store(true) // whatever is queued stays in the outbox
	for _, c := range refused {
		_, err := svc.AskQuestion("", c.topic, c.text)
		var de *domain.Error
		if !errors.As(err, &de) || de.Code != domain.CodeBadQuestion || de.Field != c.field {
			t.Errorf("%s: got %v, want %s on %q", c.name, err, domain.CodeBadQuestion, c.field)
		}
	}
	if items, _ := svc.Outbox(); len(items) != 0 {
		t.Errorf("%d refused questions were queued", len(items))
	}
	if _, err := svc.AskQuestion("", strings.Repeat("т", domain.MaxQuestionTopic), "Почему счёт вырос?"); err != nil {
		t.Fatalf("a question within the limits: %v", err)
	}
	if items, _ := svc.Outbox(); len(items) != 1 {
		t.Errorf("%d questions queued, want the one within the limits", len(items))
	}
}
