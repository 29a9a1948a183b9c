package domain

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits of a question to the company, in characters (runes), counted
// after the spaces around the text are trimmed.
const (
	MaxQuestionTopic = 200
	MaxQuestionText  = 4000
)

// CheckQuestion checks a question before it is queued or stored: the text
// is not empty and at most MaxQuestionText characters, the topic (which may
// be empty) at most MaxQuestionTopic.
func CheckQuestion(topic, text string) error {
	text, topic = strings.TrimSpace(text), strings.TrimSpace(topic)
	switch {
	case text == "":
		return &Error{Code: CodeBadQuestion, Field: "text", Message: "Напишите ваш вопрос.",
			Params: map[string]string{"reason": "empty"}}
	case utf8.RuneCountInString(text) > MaxQuestionText:
		return questionTooLong("text", MaxQuestionText, "Вопрос слишком длинный: не больше %d знаков. Сократите его.")
	case utf8.RuneCountInString(topic) > MaxQuestionTopic:
		return questionTooLong("topic", MaxQuestionTopic, "Тема слишком длинная: не больше %d знаков. Сократите её.")
	}
	return nil
}

func questionTooLong(field string, limit int, format string) *Error {
	e := Errorf(CodeBadQuestion, format, limit)
	e.Field = field
	e.Params = map[string]string{"reason": "too_long", "max": strconv.Itoa(limit)}
	return e
}
