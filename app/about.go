package app

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"kabinet/internal/domain"
)

// aboutService is what «О сервисе» asks for.
type aboutService interface {
	About() ([]domain.AboutSection, time.Time, error)
	RefreshPublic(ctx context.Context) error
	Public() bool
}

// aboutScreen («О сервисе») says what the personal account can do, how
// this computer keeps the data, and the portal's stored pages about it.
type aboutScreen struct {
	infoPage
	svc aboutService
}

func newAbout(d deps[aboutService]) Screen {
	s := &aboutScreen{svc: d.svc}
	s.infoPage = infoPage{frame: d.frame,
		stamp: func() string { _, at, _ := d.svc.About(); return at.String() },
		empty: func() bool { a, _, _ := d.svc.About(); return len(a) == 0 },
		fetch: d.svc.RefreshPublic,
		build: s.build,
	}
	return s
}

func (s *aboutScreen) build() fyne.CanvasObject {
	sections, at, _ := s.svc.About()
	body := []fyne.CanvasObject{
		subheading(lang.L("Что можно сделать в личном кабинете")),
		para(lang.L("Личный кабинет позволяет получить доступ к информации о своём договоре, просматривать и оплачивать задолженность, передать показания приборов учёта, просматривать, сохранять и распечатывать ведомость энергопотребления, подписываться на рассылки платёжных документов по электронной почте.")),
	}
	for _, line := range []string{
		lang.L("узнать данные договора и лицевого счёта — «Основные данные», «Договорные значения»;"),
		lang.L("узнать услуги и тарифы — «Оказываемые услуги»;"),
		lang.L("посмотреть счета и оплаты — «Выставленные счета», «Зачисленные платежи»;"),
		lang.L("передать показания счётчика — «Ввод показаний приборов учета»;"),
		lang.L("посмотреть расход электроэнергии по месяцам — «Ведомость энергопотребления»;"),
		lang.L("получать счета по электронной почте и SMS-напоминания — «Подписки»;"),
		lang.L("сменить пароль, адрес почты и телефон — «Настройки личного кабинета»;"),
		lang.L("узнать новости, адреса и часы работы офисов — «Новости», «Контакт-центр»;"),
		lang.L("задать вопрос компании и прочитать ответ — «Задать вопрос»;"),
		lang.L("найти нужное по словам — «Поиск»."),
	} {
		body = append(body, para("• "+line))
	}
	if s.svc.Public() {
		body = append(body, para(lang.L("Сейчас программа работает как на общественном компьютере: после выхода все ваши данные будут удалены с этого компьютера.")))
	} else {
		body = append(body, para(lang.L("Программа хранит ваши данные на этом компьютере, поэтому их можно смотреть и без интернета. Показания и вопросы, написанные без связи, отправятся сами, как только связь появится.")))
	}
	if len(sections) == 0 {
		body = append(body, widget.NewSeparator(), noData())
		return page(lang.L("О сервисе"), body...)
	}
	body = append(body, widget.NewSeparator(), storedAt(at))
	for _, sec := range sections {
		body = append(body, widget.NewCard("", "", container.NewVBox(subheading(sec.Title), para(sec.Body))))
	}
	return page(lang.L("О сервисе"), body...)
}
