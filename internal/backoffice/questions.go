package backoffice

import (
	"errors"
	"net/http"
	"strings"
	"unicode/utf8"

	"kabinet/internal/domain"
	"kabinet/internal/portaldb"
)

type questionsData struct {
	Waiting, Answered []portaldb.StaffQuestion
}

// questions lists the questions waiting for an answer, oldest first, and
// below them the last ones answered.
func (s *Server) questions(w http.ResponseWriter, r *http.Request) {
	var d questionsData
	err := s.db.Read(r.Context(), func(tx *portaldb.Tx) error {
		var err error
		d.Waiting, d.Answered, err = tx.QuestionsForStaff(r.Context(), 50)
		return err
	})
	if err != nil {
		s.failed(w, r, err)
		return
	}
	p := page{Title: "Вопросы клиентов", Data: d}
	if r.URL.Query().Get("answered") != "" {
		p.Flash = "Ответ отправлен. Клиент увидит его в разделе «Задать вопрос» при следующем обновлении программы."
	}
	s.render(w, r, http.StatusOK, "questions", p)
}

type questionData struct {
	Question portaldb.StaffQuestion
	Answer   string
}

func (s *Server) question(w http.ResponseWriter, r *http.Request) {
	var q portaldb.StaffQuestion
	err := s.db.Read(r.Context(), func(tx *portaldb.Tx) error {
		var err error
		q, err = tx.QuestionForStaff(r.Context(), r.PathValue("id"))
		return err
	})
	if errors.Is(err, portaldb.ErrNotFound) {
		s.notFound(w, r, "Такого вопроса нет. Вернитесь к списку вопросов.")
		return
	}
	if err != nil {
		s.failed(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "question", page{Title: "Вопрос № " + q.ID, Data: questionData{Question: q}})
}

// maxAnswer bounds an answer as a question is bounded.
const maxAnswer = domain.MaxQuestionText

// answer records the operator's answer. A question answered meanwhile by
// someone else keeps that answer: this one is shown back, not saved.
func (s *Server) answer(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	text := strings.TrimSpace(strings.ReplaceAll(r.PostFormValue("answer"), "\r\n", "\n"))
	var q portaldb.StaffQuestion
	err := s.db.Write(r.Context(), func(tx *portaldb.Tx) error {
		var err error
		if q, err = tx.QuestionForStaff(r.Context(), id); err != nil {
			return err
		}
		if text == "" || utf8.RuneCountInString(text) > maxAnswer || !utf8.ValidString(text) {
			return errBadAnswer
		}
		if err := tx.AnswerWaitingQuestion(r.Context(), id, text); err != nil {
			return err
		}
		return s.audit(r, tx, "question_answered", q.CustomerNumber, "вопрос "+id, "")
	})
	again := func(msg string) {
		s.render(w, r, http.StatusUnprocessableEntity, "question", page{Title: "Вопрос № " + q.ID, Error: msg,
			Data: questionData{Question: q, Answer: text}})
	}
	switch {
	case err == nil:
		s.log.Info("backoffice: question answered", "staff_id", visitOf(r).staff.ID)
		http.Redirect(w, r, "/questions?answered="+id, http.StatusSeeOther)
	case errors.Is(err, portaldb.ErrNotFound):
		s.notFound(w, r, "Такого вопроса нет. Вернитесь к списку вопросов.")
	case errors.Is(err, errBadAnswer):
		again("Напишите ответ — не пустой и не длиннее 4000 знаков.")
	case errors.Is(err, portaldb.ErrAlreadyAnswered):
		s.db.Read(r.Context(), func(tx *portaldb.Tx) error {
			q, _ = tx.QuestionForStaff(r.Context(), id)
			return nil
		})
		again("На этот вопрос уже ответил другой сотрудник — его ответ ниже. Ваш текст не отправлен; он остался в поле, если нужно что-то добавить, позвоните клиенту.")
	default:
		s.failed(w, r, err)
	}
}

var errBadAnswer = errors.New("bad answer")
