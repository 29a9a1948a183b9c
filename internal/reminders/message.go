package reminders

import (
	"fmt"
	"strconv"
	"strings"

	"kabinet/internal/domain"
	"kabinet/internal/portaldb"
)

// Texts are what the messages say besides the data of the job.
type Texts struct {
	// Signature opens an SMS, so the customer sees who writes:
	// «Коми энергосбыт».
	Signature string
	// FromName ends a letter: the company's full name.
	FromName string
	// ContactPhone is the contact centre's phone, «8 800 200-83-05»; ""
	// leaves it out.
	ContactPhone string
}

// DefaultSignature is the SMS signature when none is set.
const DefaultSignature = "Коми энергосбыт"

// windowSMS is a window reminder by SMS: «Коми энергосбыт: передайте
// показания счётчика до 25.12. Личный кабинет или 8 800 200-83-05.»
func (t Texts) windowSMS(end domain.Date) string {
	s := t.Signature + ": передайте показания счётчика до " + end.DayMonth() + "."
	if t.ContactPhone != "" {
		return s + " Личный кабинет или " + t.ContactPhone + "."
	}
	return s + " Это можно сделать в личном кабинете."
}

// windowLetter is a window reminder by e-mail: subject and plain body.
func (t Texts) windowLetter(slot string, st domain.WindowState) (subject, body string) {
	end := longDate(st.End)
	subject = "Передайте показания счётчика до " + end
	var s strings.Builder
	s.WriteString("Здравствуйте!\n\n")
	if slot == portaldb.SlotCloses {
		fmt.Fprintf(&s, "До конца приёма показаний за %s года %s. Показания вашего счётчика за этот месяц ещё не получены.\n\n",
			st.Today.Period().Russian(), daysLeft(st.DaysLeft))
	} else {
		fmt.Fprintf(&s, "С %d по %s принимаются показания счётчиков электроэнергии за %s года. Показания вашего счётчика за этот месяц ещё не получены.\n\n",
			st.Start.Day, end, st.Today.Period().Russian())
	}
	fmt.Fprintf(&s, "Передайте их до %s включительно в программе «Личный кабинет» или на сайте. Если показания не придут вовремя, начисление будет сделано по среднему расходу.\n\n", end)
	s.WriteString("Если вы уже передали показания, ничего делать не нужно.\n\n")
	if t.ContactPhone != "" {
		fmt.Fprintf(&s, "Передать показания можно и по телефону контакт-центра %s.\n\n", t.ContactPhone)
	}
	s.WriteString("Чтобы не получать такие напоминания, снимите отметку о напоминаниях по электронной почте в разделе «Подписки» личного кабинета.\n\n")
	s.WriteString("Это письмо отправлено автоматически, отвечать на него не нужно.\n\n")
	s.WriteString(t.FromName + "\n")
	return subject, s.String()
}

// receiptLetter is a receipt's echo by e-mail.
func (t Texts) receiptLetter(receipt, number string) (subject, body string) {
	subject = "Показания приняты, квитанция № " + number
	var s strings.Builder
	s.WriteString("Здравствуйте!\n\n")
	s.WriteString(receipt + ".\n\n")
	s.WriteString("Сохраните это письмо: номер квитанции подтверждает, что показания получены. Его можно назвать в контакт-центре, если возникнет вопрос о начислении.\n\n")
	if t.ContactPhone != "" {
		fmt.Fprintf(&s, "Если вы не передавали эти показания, позвоните в контакт-центр: %s.\n\n", t.ContactPhone)
	}
	s.WriteString("Это письмо отправлено автоматически, отвечать на него не нужно.\n\n")
	s.WriteString(t.FromName + "\n")
	return subject, s.String()
}

// longDate writes «25 декабря».
func longDate(d domain.Date) string {
	return strconv.Itoa(d.Day) + " " + domain.MonthGenitive(d.Month)
}

// daysLeft writes «осталось 3 дня», «остался 1 день», «осталось 5 дней».
func daysLeft(n int) string {
	word := "дней"
	switch {
	case n%100 >= 11 && n%100 <= 14:
	case n%10 == 1:
		return fmt.Sprintf("остался %d день", n)
	case n%10 >= 2 && n%10 <= 4:
		word = "дня"
	}
	return fmt.Sprintf("осталось %d %s", n, word)
}
