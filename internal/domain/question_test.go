package domain_test

import (
	"errors"
	"strings"
	"testing"

	"kabinet/internal/domain"
)

func TestCheckQuestion(t *testing.T) {
	for _, tc := range []struct {
		name, topic, text string
		field, reason     string // "" = accepted
	}{
		{"a plain question", "Счёт", "Почему счёт вырос?", "", ""},
		{"no topic is fine", "", "Почему счёт вырос?", "", ""},
		{"empty text", "Счёт", "", "text", "empty"},
		{"only spaces", "Счёт", " \n\t ", "text", "empty"},
		{"text at the limit", "", strings.Repeat("ж", domain.MaxQuestionText), "", ""},
		{"text over the limit", "", strings.Repeat("ж", domain.MaxQuestionText+1), "text", "too_long"},
		{"spaces around do not count", "", "  " + strings.Repeat("ж", domain.MaxQuestionText) + "  ", "", ""},
		{"topic at the limit", strings.Repeat("т", domain.MaxQuestionTopic), "Вопрос", "", ""},
		{"topic over the limit", strings.Repeat("т", domain.MaxQuestionTopic+1), "Вопрос", "topic", "too_long"},
		{"empty text is told before a long topic", strings.Repeat("т", domain.MaxQuestionTopic+1), "", "text", "empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := domain.CheckQuestion(tc.topic, tc.text)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var de *domain.Error
			if !errors.As(err, &de) {
				t.Fatalf("got %v, want a *domain.Error", err)
			}
			if de.Code != domain.CodeBadQuestion || de.Field != tc.field || de.Params["reason"] != tc.reason {
				t.Errorf("got code %s field %q reason %q, want %s %q %q", de.Code, de.Field, de.Params["reason"], domain.CodeBadQuestion, tc.field, tc.reason)
			}
			if de.Message == "" {
				t.Error("no sentence for the person")
			}
			if tc.reason == "too_long" && de.Params["max"] == "" {
				t.Error("a too long question does not say the limit")
			}
		})
	}
}
