package app

// «Помощь»: the step-by-step instructions of the portal's user manual
// (2014), adapted to this program, in plain words, and the stored frequent
// questions.

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"kabinet/internal/domain"
)

// helpService is what «Помощь» asks for.
type helpService interface {
	FAQ() ([]domain.FAQ, time.Time, error)
	Contacts() (string, []domain.Office, time.Time, error)
	RefreshPublic(ctx context.Context) error
	Public() bool
}

// helpScreen («Помощь») is the manual's instructions and the stored
// frequent questions; a question opened from «Поиск» comes first.
type helpScreen struct {
	infoPage
	frame frame
	svc   helpService
	found string
	// idleWarning and idleLogout are a public computer's idle times, told
	// in the instructions.
	idleWarning, idleLogout time.Duration
}

func newHelp(d deps[helpService], idleWarning, idleLogout time.Duration) Screen {
	s := &helpScreen{frame: d.frame, svc: d.svc, found: d.found, idleWarning: idleWarning, idleLogout: idleLogout}
	s.infoPage = infoPage{frame: d.frame,
		stamp: func() string {
			_, fat, _ := d.svc.FAQ()
			_, _, cat, _ := d.svc.Contacts()
			return fat.String() + cat.String()
		},
		empty: func() bool { f, _, _ := d.svc.FAQ(); return len(f) == 0 },
		fetch: d.svc.RefreshPublic,
		build: s.build,
	}
	return s
}

// steps numbers instructions: «1. …», «2. …».
func steps(lines ...string) fyne.CanvasObject {
	box := container.NewVBox()
	for i, l := range lines {
		box.Add(para(fmt.Sprintf("%d. %s", i+1, l)))
	}
	return box
}

// helpPart is one instruction with its title.
func helpPart(title string, lines ...string) fyne.CanvasObject {
	return widget.NewCard("", "", container.NewVBox(subheading(title), steps(lines...)))
}

// minutes writes a duration in whole minutes, at least 1.
func minutes(d time.Duration) int {
	return max(1, int(d.Minutes()+0.5))
}

func (s *helpScreen) build() fyne.CanvasObject {
	phone := map[string]any{"Phone": inlinePhone(phoneOf(s.svc))}
	faq, _, _ := s.svc.FAQ()

	body := []fyne.CanvasObject{}
	if s.found != "" {
		for _, f := range faq {
			if f.ID == s.found {
				body = append(body, foundCard(faqBox(f)))
			}
		}
	}
	body = append(body,
		para(lang.L("Здесь по шагам написано, как пользоваться личным кабинетом. Если что-то не получается, позвоните в контакт-центр: {{.Phone}}. Этот телефон всегда написан вверху окна.", phone)),

		helpPart(lang.L("Как получить пароль по SMS"),
			lang.L("Найдите номер клиента: он напечатан в вашем счёте (квитанции) за электроэнергию."),
			lang.L("В окне входа нажмите «Не получили или забыли пароль?»."),
			lang.L("Впишите номер клиента и нажмите «Далее»."),
			lang.L("Заполните ФИО, день рождения, номер клиента и номер сотового телефона — так, как записано в договоре. Нажмите «Отправить»."),
			lang.L("Пароль придёт по SMS на этот телефон. Впишите номер клиента и пароль в окне входа и нажмите «Войти»."),
			lang.L("Если SMS не пришло, позвоните в контакт-центр по телефону {{.Phone}}: оператор сообщит одноразовый пароль.", phone),
			lang.L("Пароль из SMS и одноразовый пароль лучше сразу заменить на свой — в разделе «Настройки личного кабинета». Иногда программа сама попросит это сделать после входа."),
		),

		helpPart(lang.L("Как передать показания счётчика"),
			lang.L("Показания принимаются с 18 по 25 число каждого месяца. Если их не передать до 25 числа, расход за месяц посчитают по среднему."),
			lang.L("Найдите на счётчике табло — окошко с цифрами. Номер счётчика напечатан на его корпусе; в программе он указан в разделе «Приборы учета»."),
			lang.L("Перепишите цифры с табло слева направо. Цифры до запятой записывайте все. Цифры после запятой обычно отделены запятой или стоят в красной рамке."),
			lang.L("У двухтарифного счётчика табло показывает по очереди Т1 — дневную зону и Т2 — ночную, у трёхтарифного есть ещё Т3. Перепишите показания всех зон. Если табло само не переключается, нажмите кнопку на счётчике."),
			lang.L("В программе откройте «Ввод показаний приборов учета» (или нажмите «Передать показания» на «Главной»), впишите показание каждой зоны в её поле и нажмите «Передать показания»."),
			lang.L("Если программа пишет «Показание меньше прошлого», значит, вписанное число меньше прошлого показания. Счётчик назад не считает: проверьте, все ли цифры переписаны и не попала ли цифра после запятой в число до запятой. Если прошлое показание было расчётным или счётчик заменили, позвоните в контакт-центр."),
			lang.L("Если нет интернета, показания сохранятся на компьютере и уйдут сами, когда появится связь. Внизу окна написано, сколько данных ожидает отправки. Если вписать показания в другие дни, программа сохранит их и отправит, когда начнётся приём."),
		),

		helpPart(lang.L("Как посмотреть и оплатить счёт"),
			lang.L("На «Главной» сразу видно, есть ли долг и до какого числа оплатить."),
			lang.L("В разделе «Выставленные счета» — счета по месяцам: сколько начислено и сколько оплатить."),
			lang.L("Оплатить можно в Сбербанк Онлайн, по QR-коду с квитанции через Систему быстрых платежей, в отделениях Почты России и в кассах офисов. Оплатите до 10 числа следующего месяца."),
			lang.L("Деньги поступают на лицевой счёт за один–три рабочих дня. Поступившие деньги видны в разделе «Зачисленные платежи»."),
			lang.L("Чтобы счёт приходил на электронную почту, откройте раздел «Подписки»."),
		),

		helpPart(lang.L("Как изменить пароль"),
			lang.L("Откройте раздел «Настройки личного кабинета»."),
			lang.L("Впишите текущий пароль, потом новый пароль — два раза, в поля «Новый пароль» и «Повторите новый пароль»."),
			lang.L("Нажмите «Сохранить пароль»."),
			lang.L("Новый пароль — не короче 8 знаков, можно русскими буквами и с пробелами. Удобно взять три несвязанных слова, например «синий чайник окно». Не берите номер клиента и дату рождения."),
			lang.L("Никому не сообщайте пароль: сотрудники компании никогда его не спрашивают."),
		),

		helpPart(lang.L("Общественный компьютер и выход"),
			lang.L("Если при первом запуске выбрано «Это общественный компьютер» (библиотека, ЦОД), программа не запоминает номер клиента и пароль, а после выхода удаляет все ваши данные с компьютера."),
			lang.L("Если ничего не делать {{.Warn}} мин., программа спросит, здесь ли вы. Нажмите «Продолжить» — иначе личный кабинет закроется сам через {{.Left}} мин.",
				map[string]any{"Warn": minutes(s.idleWarning), "Left": minutes(s.idleLogout - s.idleWarning)}),
			lang.L("Закончив работу, нажмите «Выйти» — внизу меню слева. Программа скажет, что отправлено, а что нет. Если связи не было, передайте показания ещё раз с другого компьютера или по телефону."),
			lang.L("На домашнем компьютере программа хранит ваши данные, и их можно смотреть без интернета. Если компьютером пользуется кто-то ещё, тоже нажимайте «Выйти»."),
		),
		para(s.modeLine()),

		helpPart(lang.L("Крупный шрифт и контрастность"),
			lang.L("Вверху окна есть кнопка «Шрифт: обычный». Каждое нажатие делает буквы крупнее: «крупный», потом «очень крупный», потом снова обычный."),
			lang.L("Галочка «Высокая контрастность» вверху окна делает текст чёрным на белом, а кнопки и рамки — заметнее."),
			lang.L("Программа запоминает ваш выбор."),
		),

		widget.NewCard("", "", container.NewVBox(
			subheading(lang.L("Если что-то непонятно")),
			para(lang.L("Позвоните в контакт-центр:")),
			bigPhone(phoneOf(s.svc)),
			para(lang.L("Или напишите вопрос в разделе «Задать вопрос» — ответ появится там же.")),
			newWrap(
				s.frame.button(lang.L("Задать вопрос"), func() { s.frame.navigate("question") }),
				s.frame.button(lang.L("Контакт-центр"), func() { s.frame.navigate("contacts") }),
			),
		)),
	)

	body = append(body, subheading(lang.L("Частые вопросы")))
	if len(faq) == 0 {
		body = append(body, noData())
	}
	for _, f := range faq {
		body = append(body, widget.NewCard("", "", faqBox(f)))
	}
	return page(lang.L("Помощь"), body...)
}

// modeLine says which kind of computer the program thinks this is.
func (s *helpScreen) modeLine() string {
	if s.svc.Public() {
		return lang.L("Сейчас программа работает как на общественном компьютере.")
	}
	return lang.L("Сейчас программа работает как на домашнем компьютере.")
}

// faqBox is a frequent question with its answer.
func faqBox(f domain.FAQ) fyne.CanvasObject {
	return container.NewVBox(bold(f.Question), para(f.Answer))
}
