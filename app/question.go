package app

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"kabinet/internal/cabinet"
	"kabinet/internal/domain"
)

// questionService is what «Задать вопрос» asks for: the question queued
// like a reading, the queue, and the answers from the portal.
type questionService interface {
	AskQuestion(account, topic, text string) (cabinet.Item, error)
	SyncNow(ctx context.Context) (cabinet.SyncReport, error)
	Outbox() ([]cabinet.Item, error)
	Questions(ctx context.Context) ([]domain.Question, error)
}

// questionScreen writes a question (it is queued like a reading, so it
// can be written offline) and shows the answers (online only).
type questionScreen struct {
	frame   frame
	svc     questionService
	account string
	topic   *widget.Entry
	text    *widget.Entry
	send    *widget.Button
	err     *widget.Label
	status  *widget.Label
	waiting *fyne.Container
	answers *fyne.Container
	reload  *widget.Button
	lay     *formPage
	asked   uint64 // the outbox item of the last question sent from here
	loading bool
}

func newQuestion(d deps[questionService]) Screen {
	return &questionScreen{frame: d.frame, svc: d.svc, account: d.account}
}

func (s *questionScreen) Content() fyne.CanvasObject {
	u := s.frame
	s.topic = widget.NewEntry()
	s.topic.SetPlaceHolder(lang.L("например, Показания или Оплата"))
	s.text = widget.NewMultiLineEntry()
	s.text.Wrapping = fyne.TextWrapWord
	s.text.SetMinRowsVisible(6)
	s.text.SetPlaceHolder(lang.L("Напишите ваш вопрос своими словами"))
	s.topic.OnChanged = func(string) { u.touch() }
	s.text.OnChanged = func(string) { u.touch() }
	s.topic.OnSubmitted = func(string) { u.touch(); u.focus(s.text) }
	s.send = u.primary(lang.L("Отправить вопрос"), s.submit)
	s.err = errorText()
	s.status = okText()
	s.waiting = container.NewVBox()
	s.answers = container.NewVBox()
	s.reload = u.button(lang.L("Обновить ответы"), s.load)
	s.showWaiting()
	s.load()
	s.lay = newFormPage(lang.L("Задать вопрос"),
		para(lang.L("Напишите вопрос компании. Ответ появится здесь же, ниже. Вопрос можно написать и без интернета: он сохранится на компьютере и уйдёт сам, когда появится связь.")),
		bold(lang.L("Тема (можно не заполнять)")), s.topic,
		bold(lang.L("Ваш вопрос")), s.text,
		s.err, s.status, s.send,
		s.waiting,
		widget.NewSeparator(),
		subheading(lang.L("Ваши вопросы и ответы")),
		s.answers, s.reload,
	)
	return s.lay.scroll
}

// submit queues the question and sends it off the UI goroutine, «Отправить
// вопрос» disabled until the portal answered or the send gave up.
func (s *questionScreen) submit() {
	topic, text := s.topic.Text, s.text.Text
	setError(s.err, nil)
	setOK(s.status, "")
	s.lay.relayout()
	var item cabinet.Item
	var queueErr error
	var sent, problem bool
	var detail string
	s.frame.run(s.send, func(ctx context.Context) error {
		item, queueErr = s.svc.AskQuestion(s.account, topic, text)
		if queueErr != nil {
			return queueErr
		}
		s.svc.SyncNow(ctx)
		sent, problem, detail = s.state(item.ID)
		return nil
	}, func(error) {
		if queueErr != nil {
			setError(s.err, queueErr)
			s.lay.relayout()
			return
		}
		s.asked = item.ID
		s.topic.SetText("")
		s.text.SetText("")
		s.report(sent, problem, detail)
		s.showWaiting()
		if sent {
			s.load()
		}
	})
}

// state tells what became of an outbox item: sent, refused (with the
// portal's sentence) or still waiting.
func (s *questionScreen) state(id uint64) (sent, problem bool, detail string) {
	items, err := s.svc.Outbox()
	if err != nil {
		return false, false, ""
	}
	for _, it := range items {
		if it.ID != id {
			continue
		}
		if it.State == cabinet.Refused {
			if it.Problem != nil {
				detail = problemText(it.Problem)
			}
			return false, true, detail
		}
		return false, false, ""
	}
	return true, false, ""
}

func (s *questionScreen) report(sent, problem bool, detail string) {
	defer s.lay.relayout()
	switch {
	case sent:
		setOK(s.status, lang.L("Вопрос отправлен. Ответ появится ниже, в списке ваших вопросов."))
	case problem:
		setErrorText(s.err, lang.L("Портал не принял вопрос: {{.Reason}}", map[string]any{"Reason": detail}))
	default:
		setOK(s.status, lang.L("Нет связи. Вопрос сохранён и будет отправлен автоматически."))
	}
}

// Refresh follows a queued question after a sync: sent or refused.
func (s *questionScreen) Refresh() {
	if s.status == nil {
		return
	}
	s.showWaiting()
	if s.asked == 0 {
		return
	}
	sent, problem, detail := s.state(s.asked)
	if sent || problem {
		s.asked = 0
		s.report(sent, problem, detail)
		if sent {
			s.load()
		}
	}
}

// showWaiting lists the questions still waiting to be sent.
func (s *questionScreen) showWaiting() {
	defer s.lay.relayout()
	s.waiting.RemoveAll()
	items, _ := s.svc.Outbox()
	for _, it := range items {
		if it.Kind != cabinet.KindQuestion {
			continue
		}
		if len(s.waiting.Objects) == 0 {
			s.waiting.Add(bold(lang.L("Ожидают отправки:")))
		}
		state := lang.L("будет отправлен, как только появится связь")
		if it.State == cabinet.Refused && it.Problem != nil {
			state = lang.L("не принят порталом: {{.Reason}}", map[string]any{"Reason": problemText(it.Problem)})
		}
		s.waiting.Add(para("• " + questionTitle(it.Topic) + " — " + state))
		s.waiting.Add(para(it.Text))
	}
}

func questionTitle(topic string) string {
	if topic == "" {
		return lang.L("Вопрос без темы")
	}
	return lang.L("Вопрос «{{.Topic}}»", map[string]any{"Topic": topic})
}

// load fetches the questions and answers from the portal.
func (s *questionScreen) load() {
	if s.loading {
		return
	}
	s.loading = true
	s.answers.RemoveAll()
	s.answers.Add(para(lang.L("Загружаем ответы с портала…")))
	s.lay.relayout()
	var list []domain.Question
	s.frame.run(s.reload, func(ctx context.Context) error {
		var err error
		list, err = s.svc.Questions(ctx)
		return err
	}, func(err error) {
		defer s.lay.relayout()
		s.loading = false
		s.answers.RemoveAll()
		switch {
		case err != nil && offline(err):
			s.answers.Add(para(lang.L("Нет связи с порталом. Ответы на вопросы можно посмотреть, когда появится интернет: нажмите «Обновить ответы».")))
		case err != nil:
			s.answers.Add(para(message(err)))
		case len(list) == 0:
			s.answers.Add(para(lang.L("Вы ещё не задавали вопросов.")))
		}
		for _, q := range list {
			box := container.NewVBox(bold(questionTitle(q.Topic)),
				para(lang.L("Задан {{.Time}}", map[string]any{"Time": questionTime(q.AskedAt)})),
				para(q.Text))
			if q.Answer != "" {
				box.Add(bold(lang.L("Ответ:")))
				box.Add(para(q.Answer))
				if q.AnsweredAt != "" {
					box.Add(para(lang.L("Ответ дан {{.Time}}", map[string]any{"Time": questionTime(q.AnsweredAt)})))
				}
			} else {
				box.Add(bold(lang.L("Ответа пока нет")))
			}
			s.answers.Add(widget.NewCard("", "", box))
		}
	})
}

// questionTime writes the portal's RFC 3339 time in Moscow time.
func questionTime(s string) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return s
	}
	return timeText(t)
}
